// The merge layers against PyTorch (test/fixtures/merge.json, made by
// make_merge_fixtures.py), their gradients by finite differences, shapes,
// errors and config round trips.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { layerFromConfig } from '../../src/nn/layer.js';
import { loadFixture } from '../helpers.js';

type M = number[][] | number[][][];
const fx = loadFixture<Record<string, M>>('merge.json');
const t = (k: string): Tensor => nb.tensor(fx[k]!, undefined, 'float64');
const close = (got: Tensor, want: M, what: string) => {
  const w = nb.tensor(want, undefined, 'float64');
  assert.deepEqual([...got.shape], [...w.shape], `${what}: shape`);
  const worst = nb.max(nb.abs(nb.sub(nb.cast(got, 'float64'), w))).item();
  assert.ok(worst < 1e-12, `${what}: largest difference ${worst}`);
};

const f64 = { dtype: 'float64' as const };
const cases: [string, () => nb.nn.Layer, string[], string][] = [
  ['add', () => nb.layers.add(f64), ['a', 'b', 'c'], 'add'],
  ['add (broadcast over a size-1 axis)', () => nb.layers.add(f64), ['a', 'one'], 'addBroadcast'],
  ['subtract', () => nb.layers.subtract(f64), ['a', 'b'], 'subtract'],
  ['multiply', () => nb.layers.multiply(f64), ['a', 'b', 'c'], 'multiply'],
  ['average', () => nb.layers.average(f64), ['a', 'b', 'c'], 'average'],
  ['maximum', () => nb.layers.maximum(f64), ['a', 'b', 'c'], 'maximum'],
  ['minimum', () => nb.layers.minimum(f64), ['a', 'b', 'c'], 'minimum'],
  ['concatenate', () => nb.layers.concatenate(f64), ['a', 'e'], 'concatenate'],
  ['dot (axes 1)', () => nb.layers.dot({ axes: 1, ...f64 }), ['a', 'b'], 'dot'],
  ['dot (normalize: cosine similarity)', () => nb.layers.dot({ axes: -1, normalize: true, ...f64 }), ['a', 'b'], 'dotNormalize'],
  ['dot (rank 3, axes 2)', () => nb.layers.dot({ axes: [2, 2], ...f64 }), ['p', 'q'], 'dot3'],
];

for (const [name, make, inputs, want] of cases) {
  test(`merge layer ${name}: values as PyTorch's, the shape computeOutputShape gives, gradients at orders 1 and 2`, () => {
    const layer = make();
    const xs = inputs.map(t);
    const y = layer.apply(xs);
    close(y, fx[want]!, name);
    const shape = layer.computeOutputShape(xs.map((x) => [null, ...x.shape.slice(1)]));
    assert.deepEqual(shape, [null, ...y.shape.slice(1)]);
    // the layer's function of all its inputs, differentiated by finite differences
    const r = nb.gradCheck((...a: Tensor[]) => layer.apply(a), xs, { order: 2 });
    assert.ok(r.passed, JSON.stringify(r.levels.map((l) => l.maxError)));
    // the config round trip rebuilds the same layer
    const again = layerFromConfig({ className: layer.className, config: layer.getConfig() });
    close(again.apply(xs), fx[want]!, `${name} from its config`);
  });
}

test('merge layers refuse inputs that do not fit, naming the layer and the shapes', () => {
  const a = nb.ones([2, 3]),
    b = nb.ones([2, 4]);
  assert.throws(
    () => nb.layers.add({ name: 'sum' }).apply([a, b]),
    (e: Error) => e instanceof nb.ShapeError && /^sum: inputs of shapes \[2,3\] and \[2,4\] do not match/.test(e.message),
  );
  assert.throws(
    () => nb.layers.concatenate({ name: 'cat' }).apply([nb.ones([2, 3, 1]), nb.ones([2, 4, 2])]),
    /cat: inputs of shapes \[2,3,1\] and \[2,4,2\] cannot be joined along axis -1/,
  );
  assert.throws(() => nb.layers.subtract({ name: 'diff' }).apply([a, a, a]), /diff: takes exactly 2 inputs, got 3/);
  assert.throws(() => nb.layers.add({ name: 'one' }).apply(a), /one: a merge layer takes an array of tensors/);
  assert.throws(() => nb.layers.dot({ axes: 1, name: 'dp' }).apply([a, b]), /dp: inputs of shapes \[2,3\] and \[2,4\] cannot be contracted over axes \[1,1\]/);
  assert.throws(() => nb.layers.concatenate({ axis: 0 }), /concatenate: axis must be a non-zero integer/);
  assert.throws(() => nb.layers.dot({ axes: 0 }), /dot: axes must be a non-zero integer or a pair/);
  assert.throws(() => nb.layers.dot({ axes: 1, normalize: 'yes' as unknown as boolean }), /dot: normalize/);
});

test('a merge layer joins two branches of a Sequential-free graph and trains: the loss falls', async () => {
  nb.seed(3);
  const x = nb.input({ shape: [4] });
  const h1 = nb.layers.dense({ units: 8, activation: 'tanh' }).apply(x);
  const h2 = nb.layers.dense({ units: 8, activation: 'relu' }).apply(x);
  const y = nb.layers.dense({ units: 1 }).apply(nb.layers.concatenate().apply([nb.layers.multiply().apply([h1, h2]), h1]));
  const model = nb.model({ inputs: x, outputs: y });
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
  const X = nb.randomNormal([64, 4]);
  const Y = nb.sum(nb.mul(X, X), 1, true);
  const h = await model.fit(X, Y, { epochs: 20, batchSize: 16, verbose: 0 });
  const loss = h.history['loss']!;
  assert.ok(loss[loss.length - 1]! < 0.5 * loss[0]!, `loss ${loss[0]} → ${loss[loss.length - 1]}`);
});
