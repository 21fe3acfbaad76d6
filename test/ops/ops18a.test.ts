import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, fromFixture, loadFixture, useBackend, type FixtureTensor } from '../helpers.js';

// Issue 18, part A: the values-only PyTorch cases of ops18a.json (ops without a gradient:
// predicates, indices, integer arithmetic) and hand-derived checks of edge cases, errors and
// eager-only ops. Values, gradients and Hessian-vector products of the differentiable ops are
// checked by ops.test.ts from the same file.

interface ValueCase {
  name: string;
  op: string;
  attrs: Record<string, any>;
  inputs: FixtureTensor[];
  output: FixtureTensor;
}

const values = loadFixture<{ values: ValueCase[] }>('ops18a.json').values;

const call: Record<string, (xs: Tensor[], a: Record<string, any>) => Tensor> = {
  round: ([x]) => nb.round(x!),
  mod: ([a, b]) => nb.mod(a!, b!),
  fmod: ([a, b]) => nb.fmod(a!, b!),
  floorDiv: ([a, b]) => nb.floorDiv(a!, b!),
  any: ([x], a) => nb.any(x!, a.axis, a.keepDims),
  all: ([x], a) => nb.all(x!, a.axis, a.keepDims),
  logicalAnd: ([a, b]) => nb.logicalAnd(a!, b!),
  logicalOr: ([a, b]) => nb.logicalOr(a!, b!),
  logicalXor: ([a, b]) => nb.logicalXor(a!, b!),
  logicalNot: ([x]) => nb.logicalNot(x!),
  isClose: ([a, b], at) => nb.isClose(a!, b!, at.rtol, at.atol),
  argsort: ([x], a) => nb.argsort(x!, a.axis, a.descending),
  cumArgmax: ([x], a) => nb.cumArgmax(x!, a.axis),
  cumArgmin: ([x], a) => nb.cumArgmin(x!, a.axis),
  argmax: ([x], a) => nb.argmax(x!, a.axis, a.keepDims),
  hardSigmoid: ([x]) => nb.hardSigmoid(x!),
  hardSigmoidKeras2: ([x]) => nb.hardSigmoidKeras2(x!),
  hardSwish: ([x]) => nb.hardSwish(x!),
  nonzero: ([x]) => nb.nonzero(x!),
  topkIndices: ([x], a) => nb.topk(x!, a.k).indices,
};

for (const backend of nb.listBackends()) {
  describe(`[${backend}] issue-18 op values without gradients against PyTorch`, () => {
    useBackend(backend);
    for (const c of values) {
      test(c.name, () => {
        const f = call[c.op];
        assert.ok(f, `no call for ${c.op}`);
        const out = f(
          c.inputs.map((t) => fromFixture(t)),
          c.attrs,
        );
        assert.equal(out.dtype, c.output.dtype);
        assert.deepEqual([...out.shape], c.output.shape);
        if (c.output.dtype === 'float64') assertClose(out, c.output, 0, 0, c.name);
        else assert.deepEqual([...out.storage].map(Number), c.output.data);
      });
    }
  });
}

const f64 = (v: number[], shape?: number[]) => nb.tensor(v, shape, 'float64');

test('predicates on NaN, ±∞ and −0', () => {
  const x = f64([NaN, Infinity, -Infinity, -0, 1.5]);
  assert.deepEqual(nb.isNaN(x).toArray(), [true, false, false, false, false]);
  assert.deepEqual(nb.isInf(x).toArray(), [false, true, true, false, false]);
  assert.deepEqual(nb.isFinite(x).toArray(), [false, false, false, true, true]);
  const i = nb.tensor([1, -2], undefined, 'int32');
  assert.deepEqual(nb.isFinite(i).toArray(), [true, true]);
  assert.deepEqual(nb.isInf(i).toArray(), [false, false]);
  assert.deepEqual(nb.isClose(x, x).toArray(), [false, true, true, true, true]);
  assert.deepEqual(nb.isClose(x, x, 1e-5, 1e-8, true).toArray(), [true, true, true, true, true]);
  assert.deepEqual(nb.logicalNot(f64([NaN, 0])).toArray(), [false, true]); // NaN is true, as in PyTorch
});

test('edge values: erfinv, logAddExp, copysign, round, cbrt', () => {
  assert.deepEqual(nb.erfinv(f64([1, -1, 0, 1.5])).toArray(), [Infinity, -Infinity, 0, NaN]);
  const y = f64([-0.999999, -0.3, 0.2, 0.75, 0.9999999999]);
  assertClose(nb.erf(nb.erfinv(y)), { shape: [5], data: y.storage }, 1e-13, 0, 'erf(erfinv(y))');
  assert.deepEqual(nb.logAddExp(f64([-Infinity, Infinity, Infinity, 1000]), f64([-Infinity, Infinity, -Infinity, 1000])).toArray(), [
    -Infinity,
    Infinity,
    Infinity,
    1000 + Math.LN2,
  ]);
  assert.ok(Number.isNaN(nb.logAddExp(NaN, 1).item()));
  assert.ok(Object.is(nb.copysign(2, f64([-0])).item(), -2));
  assert.ok(Object.is(nb.round(f64([-0.5])).item(), -0));
  assert.equal(nb.cbrt(f64([-27])).item(), -3);
  assert.equal(nb.log2(f64([1024])).item(), 10);
  assert.equal(nb.exp2(f64([-3])).item(), 0.125);
  assert.deepEqual(nb.floor(nb.tensor([3, -2], undefined, 'int32')).dtype, 'int32');
  assert.ok(nb.erfc(f64([10])).item() > 2e-45); // 1 − erf(10) would be 0
});

test('scans: exclusive and reverse forms, int32 exactness, logCumSumExp of ±1000', () => {
  const x = f64([1, 2, 3, 4]);
  assert.deepEqual(nb.cumsum(x, 0, true).toArray(), [0, 1, 3, 6]);
  assert.deepEqual(nb.cumsum(x, 0, false, true).toArray(), [10, 9, 7, 4]);
  assert.deepEqual(nb.cumprod(x, 0, true, true).toArray(), [24, 12, 4, 1]);
  const e = nb.logCumSumExp(x, 0, true);
  assert.equal(e.toArray()[0], -Infinity);
  assertClose(nb.slice(e, [1], [3]), { shape: [3], data: nb.logCumSumExp(nb.slice(x, [0], [3])).storage }, 1e-15, 0, 'exclusive');
  // the gradient of an exclusive scan: the last entry does not contribute
  const g = nb.grad((t: Tensor) => nb.sum(nb.slice(nb.logCumSumExp(t, 0, true), [1], [3])))(x);
  assert.equal(g.toArray()[3], 0);
  assert.ok(g.toArray().every(Number.isFinite));
  const big = nb.logCumSumExp(f64([1000, -1000, 1000]));
  assertClose(big, { shape: [3], data: [1000, 1000, 1000 + Math.LN2] }, 1e-15, 0, 'logCumSumExp ±1000');
  const i = nb.cumsum(nb.tensor([2 ** 30, 2 ** 30 - 1], undefined, 'int32'));
  assert.deepEqual([i.dtype, i.toArray()], ['int32', [2 ** 30, 2 ** 31 - 1]]);
  assert.throws(() => nb.cumsum(nb.tensor([2 ** 30, 2 ** 30], undefined, 'int32')), nb.DTypeError);
  assert.throws(() => nb.prod(nb.tensor([2 ** 16, 2 ** 16], undefined, 'int32')), nb.DTypeError);
  assert.deepEqual(nb.cumsum([true, true, false]).toArray(), [1, 2, 2]);
  assert.deepEqual(
    nb
      .cummax(f64([1, NaN, 3]))
      .toArray()
      .map(String),
    ['1', 'NaN', 'NaN'],
  );
});

test('prod and cumprod gradients with zeros equal the products of the other entries', () => {
  const x = f64([2, 0, 3, 0.5, 0]);
  // ∂/∂xᵢ Π x = Π_{j≠i} xⱼ: 0 everywhere with two zeros
  assert.deepEqual(
    nb
      .grad((t: Tensor) => nb.prod(t))(x)
      .toArray(),
    [0, 0, 0, 0, 0],
  );
  const one = f64([2, 0, 3, 0.5]);
  assert.deepEqual(
    nb
      .grad((t: Tensor) => nb.prod(t))(one)
      .toArray(),
    [0, 3, 0, 0],
  );
  // cumprod: brute force Σ_{k≥i} gₖ Π_{j≤k, j≠i} xⱼ
  const c = [0.3, -1.2, 0.7, 2.0, -0.5];
  const xs = x.toArray() as number[];
  const brute = xs.map((_, i) => {
    let s = 0;
    for (let k = i; k < 5; k++) {
      let p = 1;
      for (let j = 0; j <= k; j++) if (j !== i) p *= xs[j]!;
      s += c[k]! * p;
    }
    return s;
  });
  const g = nb.grad((t: Tensor) => nb.sum(nb.mul(nb.cumprod(t), f64(c))))(x);
  assertClose(g, { shape: [5], data: brute }, 1e-15, 1e-15, 'cumprod gradient');
});

test('sort: stable, NaN largest, values differentiable; topk ties; argmax keepDims', () => {
  const x = f64([3, NaN, 1, 3, -Infinity]);
  assert.deepEqual(nb.argsort(x).toArray(), [4, 2, 0, 3, 1]);
  assert.deepEqual(nb.argsort(x, -1, true).toArray(), [1, 0, 3, 2, 4]);
  const s = nb.sort(f64([3, 1, 2]));
  assert.deepEqual(s.values.toArray(), [1, 2, 3]);
  const g = nb.grad((t: Tensor) => nb.sum(nb.mul(nb.sort(t).values, f64([1, 10, 100]))))(f64([3, 1, 2]));
  assert.deepEqual(g.toArray(), [100, 1, 10]);
  assert.deepEqual(nb.topk(f64([1, 5, 5, 2]), 2).indices.toArray(), [1, 2]);
  assert.deepEqual([...nb.topk(f64([1, 2], [1, 2]), 0).values.shape], [1, 0]);
  assert.deepEqual([...nb.argmax(f64([1, 2, 3, 4], [2, 2]), undefined, true).shape], [1, 1]);
  assert.deepEqual(nb.sort(nb.tensor([true, false])).values.toArray(), [0, 1]);
});

test('booleanMask and nonzero run eagerly and refuse nb.trace with a TraceError that says why', () => {
  const x = f64([1, 2, 3, 4, 5, 6], [3, 2]);
  assert.deepEqual(nb.booleanMask(x, [true, false, true]).toArray(), [
    [1, 2],
    [5, 6],
  ]);
  assert.deepEqual(
    nb
      .booleanMask(x, [
        [true, false],
        [false, false],
        [true, true],
      ])
      .toArray(),
    [1, 5, 6],
  );
  const g = nb.grad((t: Tensor) => nb.sum(nb.booleanMask(t, [false, true, true], 0)))(x);
  assert.deepEqual(g.toArray(), [
    [0, 0],
    [1, 1],
    [1, 1],
  ]);
  assert.deepEqual(nb.nonzero(f64([0, 3, 0, 4], [2, 2])).toArray(), [
    [0, 1],
    [1, 1],
  ]);
  assert.deepEqual([...nb.nonzero(f64([0, 0])).shape], [0, 1]);
  assert.throws(
    () => nb.trace((t: Tensor) => nb.booleanMask(t, nb.greater(t, 0)))(nb.spec([4], 'float32', 'x')),
    (e: unknown) => e instanceof nb.TraceError && /booleanMask: .*eagerly only/.test((e as Error).message),
  );
  assert.throws(
    () => nb.trace((t: Tensor) => nb.nonzero(t))(nb.spec([4], 'float32', 'x')),
    (e: unknown) => e instanceof nb.TraceError && /nonzero: .*eagerly only/.test((e as Error).message),
  );
  // the ops with fixed shapes trace
  const p = nb.trace((t: Tensor) => nb.add(nb.cumsum(t), nb.sort(t).values))(nb.spec([4], 'float32', 'x'));
  assert.deepEqual((nb.runProgram(p, [nb.tensor([3, 1, 2, 0])]).outputs as Tensor).toArray(), [3, 5, 8, 9]);
});

test('errors name the op, the argument and the shapes', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => nb.lerp(nb.ones([2, 3]), nb.ones([3]), nb.ones([4])), /lerp: .*\[2,3\].*\[4\]/],
    [() => nb.atan2(nb.ones([2]), nb.ones([3])), /atan2: .*\[2\].*\[3\]/],
    [() => nb.logAddExp(nb.ones([2]), nb.ones([3])), /logAddExp: .*\[2\].*\[3\]/],
    [() => nb.logicalAnd(nb.ones([2]), nb.ones([3])), /logicalAnd: .*\[2\].*\[3\]/],
    [() => nb.mod(nb.tensor([3], undefined, 'int32'), nb.tensor([0], undefined, 'int32')), /mod: integer division by zero/],
    [() => nb.floorDiv(nb.tensor([3], undefined, 'int32'), 0), /floorDiv: integer division by zero/],
    [() => nb.cumsum(nb.ones([2, 3]), 2), /cumsum: axis 2/],
    [() => nb.cumsum(nb.ones([2]), 0, 'yes' as never), /cumsum: argument exclusive must be true or false/],
    [() => nb.logCumSumExp('a' as never), /logCumSumExp: argument x/],
    [() => nb.std(nb.ones([3]), 0, false, -1), /std: argument correction must be a non-negative number/],
    [() => nb.prod(nb.ones([2]), 1), /prod: axis 1/],
    [() => nb.topk(nb.ones([2, 3]), 4), /topk: k must be an integer in \[0, 3\] for x of shape \[2,3\]/],
    [() => nb.booleanMask(nb.ones([2, 3]), [true, false, true]), /booleanMask: mask \[3\] does not match x \[2,3\]/],
    [() => nb.argsort(nb.ones([2]), 0, 1 as never), /argsort: argument descending must be true or false/],
    [() => nb.softplus(nb.ones([2]), -1), /softplus: beta must be a positive finite number/],
    [() => nb.l2Normalize(nb.ones([2]), 3), /l2Normalize: axis 3/],
    [() => nb.isClose(1, 2, -1), /isClose: argument rtol/],
  ];
  for (const [f, pattern] of cases) assert.throws(f, (e: unknown) => e instanceof nb.NablaError && pattern.test((e as Error).message), String(pattern));
});

test('the new activations by name in layers, with Keras spellings', () => {
  for (const name of ['selu', 'celu', 'softsign', 'logSigmoid', 'log_sigmoid', 'hard_sigmoid', 'relu6', 'hard_swish', 'mish', 'softmin']) {
    const layer = nb.layers.dense({ units: 3, activation: name as nb.nn.ActivationSpelling, inputShape: [2] });
    const y = nb.sequential([layer]).predict(nb.ones([1, 2])) as Tensor;
    assert.deepEqual([...y.shape], [1, 3], name);
  }
  const x = f64([-4, -1, 0.5, 4]);
  assertClose(nb.nn.getActivation('hard_sigmoid')(x), { shape: [4], data: nb.hardSigmoid(x).storage }, 0, 0, 'by name');
});

test('Tensor methods of the new ops', () => {
  const x = f64([1, -2, 3]);
  assert.deepEqual(x.cumsum().toArray(), [1, -1, 2]);
  assert.deepEqual(x.prod().item(), -6);
  assert.deepEqual(x.sort().indices.toArray(), [1, 0, 2]);
  assert.deepEqual(x.floor().toArray(), [1, -2, 3]);
  assert.deepEqual(x.isNaN().toArray(), [false, false, false]);
});
