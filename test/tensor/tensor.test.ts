import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

test('tensor() from numbers, nested arrays and typed arrays infers shape and dtype', () => {
  const a = nb.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual([...a.shape], [2, 3]);
  assert.equal(a.rank, 2);
  assert.equal(a.size, 6);
  assert.equal(a.dtype, 'float32');
  assert.deepEqual(a.toArray(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.equal(nb.tensor(3.5).rank, 0);
  assert.equal(nb.tensor(3.5).item(), 3.5);
  assert.equal(nb.tensor(new Float64Array([1, 2])).dtype, 'float64');
  assert.equal(nb.tensor(new Int32Array([1, 2])).dtype, 'int32');
  assert.equal(nb.tensor([true, false]).dtype, 'bool');
  assert.deepEqual(nb.tensor([true, false]).toArray(), [true, false]);
  assert.deepEqual(nb.tensor([1, 2, 3, 4], [2, 2]).toArray(), [
    [1, 2],
    [3, 4],
  ]);
  // int32 holds integers only: fractions are refused (nb.cast truncates them; see dtype-conversion.test.ts)
  assert.throws(() => nb.tensor([1.7, -2.7], undefined, 'int32'), nb.DTypeError);
  assert.equal(nb.cast(nb.tensor([1.7, -2.7]), 'int32').toArray()[1] as number, -2);
});

test('bad values give clear errors', () => {
  assert.throws(() => nb.tensor([[1, 2], [3]]), /ragged nested array: expected 2 elements at \[1\]/);
  assert.throws(() => nb.tensor([1, 2, 3], [2, 2]), /3 values cannot fill shape \[2,2\]/);
  assert.throws(() => nb.tensor([1, 2], undefined, 'float16' as nb.DType), /unknown dtype "float16"/);
  assert.throws(
    () =>
      nb
        .tensor([
          [1, 2],
          [3, 4],
        ])
        .item(),
    /item: tensor of shape \[2,2\] has 4 elements/,
  );
});

test('creation functions: zeros, ones, full, eye, arange, linspace and the *Like forms', () => {
  assert.deepEqual(nb.zeros([2, 2]).toArray(), [
    [0, 0],
    [0, 0],
  ]);
  assert.deepEqual(nb.ones([3], 'int32').toArray(), [1, 1, 1]);
  assert.equal(nb.ones([3], 'int32').dtype, 'int32');
  assert.deepEqual(nb.full([2], 7).toArray(), [7, 7]);
  assert.deepEqual(nb.eye(2, 3).toArray(), [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual(nb.arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(nb.arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(nb.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
  const t = nb.tensor([[1, 2]], undefined, 'float64');
  assert.equal(nb.zerosLike(t).dtype, 'float64');
  assert.deepEqual(nb.onesLike(t).toArray(), [[1, 1]]);
});

test('tensors are immutable values: data() is a copy', () => {
  const t = nb.tensor([1, 2, 3]);
  const d = t.data();
  d[0] = 100;
  assert.equal(t.toArray()[0], 1);
  assert.throws(() => {
    (t.shape as number[])[0] = 5;
  });
});

test('cast converts between all dtypes', () => {
  const x = nb.tensor([-1.5, 0, 2.7]);
  assert.deepEqual(nb.cast(x, 'int32').toArray(), [-1, 0, 2]);
  assert.deepEqual(nb.cast(x, 'bool').toArray(), [true, false, true]);
  assert.equal(nb.cast(x, 'float64').dtype, 'float64');
  assert.deepEqual(x.cast('int32').toArray(), [-1, 0, 2]);
});

test('nb.seed makes later random calls reproducible; a Generator is an independent stream', () => {
  nb.seed(42);
  const a = nb.randomNormal([5]).toArray();
  const b = nb.randomUniform([3], -1, 1).toArray();
  nb.seed(42);
  assert.deepEqual(nb.randomNormal([5]).toArray(), a);
  assert.deepEqual(nb.randomUniform([3], -1, 1).toArray(), b);
  const g1 = new nb.Generator(7),
    g2 = new nb.Generator(7);
  const u = nb.randomUniform([4], 0, 1, { generator: g1 });
  nb.randomNormal([10]); // global draws do not disturb an explicit stream
  assert.deepEqual(nb.randomUniform([4], 0, 1, { generator: g2 }).toArray(), u.toArray());
  for (const v of b) assert.ok(v >= -1 && v < 1);
  assert.equal(nb.randomNormal([2], 0, 1, { dtype: 'float64' }).dtype, 'float64');
});

test('toString is readable: values, shape and dtype, long axes elided', () => {
  assert.equal(
    nb
      .tensor([
        [1, 2],
        [3, 4],
      ])
      .toString(),
    'Tensor([[1., 2.],\n [3., 4.]], shape=[2,2], dtype=float32)',
  );
  const long = nb.arange(100).toString();
  assert.match(long, /\[ *0\., +1\., +2\., \.\.\., +97\., +98\., +99\.\]/);
  assert.match(nb.tensor([true]).toString(), /true/);
  assert.equal(nb.scalar(0.5).toString(), 'Tensor(0.5, shape=[], dtype=float32)');
});

test('ops are functions and chainable methods with the same meaning', () => {
  const a = nb.tensor([
    [1, -2],
    [3, -4],
  ]);
  const b = nb.tensor([1, 1]);
  assert.deepEqual(a.add(b).relu().toArray(), nb.relu(nb.add(a, b)).toArray());
  assert.deepEqual(a.matmul(a).sum(1).toArray(), nb.sum(nb.matmul(a, a), 1).toArray());
  assert.equal(a.square().mean().item(), 7.5);
});

test('wasm is the default backend where it loads; setBackend rejects unknown backends', () => {
  assert.deepEqual(nb.listBackends(), ['js', 'wasm']);
  assert.equal(nb.getBackend(), 'wasm');
  assert.throws(() => nb.setBackend('cuda'), /unknown backend 'cuda'; available: js, wasm/);
});

test('tensor() copies a typed array, a Node Buffer included, and reads other integer arrays as int32', async () => {
  const { Buffer } = await import('node:buffer');
  const buf = Buffer.from([1, 0, 1, 1]);
  const t = nb.tensor(buf);
  buf.fill(0);
  assert.deepEqual(t.toArray(), [true, false, true, true]);
  assert.equal(t.storage.constructor, Uint8Array);
  const f = new Float32Array([1.5, 2]);
  const tf = nb.tensor(f);
  f[0] = 9;
  assert.deepEqual(tf.toArray(), [1.5, 2]);
  const i16 = nb.tensor(new Int16Array([-3, 300]));
  assert.equal(i16.dtype, 'int32');
  assert.deepEqual(i16.toArray(), [-3, 300]);
  assert.deepEqual(nb.tensor(new Uint8ClampedArray([7, 255])).toArray(), [7, 255]);
  assert.throws(() => nb.tensor(new BigInt64Array(2) as never), /tensor: cannot make a tensor from a BigInt64Array/);
});
