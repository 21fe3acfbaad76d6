import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { checkLayer } from './conformance.js';

// The preprocessing layers (Keras's Rescaling and Normalization): formulas,
// adapt against the (separately tested) StandardScaler, save/load with a model.

const dir = mkdtempSync(join(tmpdir(), 'nabla-prep-'));

function close(actual: nb.Tensor, expected: ArrayLike<number>, tol: number, what: string): void {
  const a = actual.storage;
  assert.equal(a.length, expected.length, what);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i]! - expected[i]!) <= tol * (1 + Math.abs(expected[i]!)), `${what} [${i}]: ${a[i]} vs ${expected[i]}`);
}

test('Rescaling and Normalization pass the layer conformance check (no trainable parameters)', () => {
  checkLayer({ make: (a) => nb.layers.rescaling({ scale: 0.25, offset: -1, ...a }), inputShape: [5], outputShape: [5], params: 0 });
  // mean and variance: 2 × 5 non-trainable values
  checkLayer({
    make: (a) => nb.layers.normalization({ mean: [1, -2, 0.5, 3, 0], variance: [4, 0.25, 1, 9, 2], ...a }),
    inputShape: [5],
    outputShape: [5],
    params: 10,
  });
  const norm = nb.layers.normalization({ mean: 1, variance: 4, inputShape: [3] });
  assert.equal(norm.trainableParameters().length, 0);
});

test('rescaling computes x·scale + offset, casting integer inputs to float32', () => {
  const x = nb.tensor(
    [
      [0, 16, 255],
      [3, 8, 1],
    ],
    undefined,
    'int32',
  );
  const y = nb.layers.rescaling({ scale: 1 / 16, offset: 0.5 }).apply(x);
  assert.equal(y.dtype, 'float32');
  close(
    y,
    Array.from(x.storage, (v) => v / 16 + 0.5),
    1e-7,
    'rescaling',
  );
});

test('normalization computes (x − mean)/√variance per feature from given statistics', () => {
  const mean = [1, -2, 10],
    variance = [4, 0.25, 100];
  const x = nb.randomNormal([6, 3], 0, 5, { generator: new nb.Generator(3) });
  const y = nb.layers.normalization({ mean, variance }).apply(x);
  close(
    y,
    Array.from(x.storage, (v, i) => (v - mean[i % 3]!) / Math.sqrt(variance[i % 3]!)),
    1e-6,
    'normalization',
  );
});

test("normalization.adapt learns the training data's per-feature mean and variance, as StandardScaler does", () => {
  const g = new nb.Generator(5);
  // features far from 0 with small spread: a naive one-pass variance would lose digits
  const x = nb.add(
    nb.mul(nb.randomNormal([200, 4], 0, 1, { generator: g, dtype: 'float64' }), nb.tensor([0.01, 1, 30, 2], undefined, 'float64')),
    nb.tensor([1e4, -5, 0, 7], undefined, 'float64'),
  );
  const norm = nb.layers.normalization({ dtype: 'float64' });
  norm.adapt(x);
  const expected = nb.data.standardScaler().fitTransform(x);
  close(norm.apply(x), expected.storage, 1e-9, 'adapted normalization vs StandardScaler');
  // other inputs use the adapted statistics, not their own
  const other = nb.slice(x, [0, 0], [5, -1]);
  close(norm.apply(other), nb.slice(expected, [0, 0], [5, -1]).storage, 1e-9, 'a few rows alone');
});

test('normalization over other axes: axis null gives one mean and variance, axis 1 of [n, 3, 2] one per row position', () => {
  const x = nb.randomNormal([10, 3, 2], 2, 3, { generator: new nb.Generator(8), dtype: 'float64' });
  const v = Array.from(x.storage);
  const all = nb.layers.normalization({ axis: null, dtype: 'float64' });
  all.adapt(x);
  const m = v.reduce((a, b) => a + b, 0) / v.length,
    s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
  close(
    all.apply(x),
    v.map((e) => (e - m) / s),
    1e-9,
    'axis null',
  );
  const rows = nb.layers.normalization({ axis: 1, dtype: 'float64' });
  rows.adapt(x);
  assert.deepEqual([...rows.mean!.shape], [3]);
  for (let r = 0; r < 3; r++) {
    const part = v.filter((_, i) => Math.floor(i / 2) % 3 === r);
    const mr = part.reduce((a, b) => a + b, 0) / part.length,
      sr = Math.sqrt(part.reduce((a, b) => a + (b - mr) ** 2, 0) / part.length);
    const y = rows.apply(x).storage;
    v.forEach((e, i) => {
      if (Math.floor(i / 2) % 3 === r) assert.ok(Math.abs(y[i]! - (e - mr) / sr) < 1e-9);
    });
  }
});

test('normalization only centres a feature that was constant in training (no division by ~0)', () => {
  const x = nb.tensor([
    [1, 5],
    [2, 5],
    [3, 5],
  ]);
  const norm = nb.layers.normalization();
  norm.adapt(x);
  close(norm.apply(nb.tensor([[2, 7]])), [0, 2], 1e-6, 'constant column');
});

test("normalization refuses what cannot be normalised, with nabla's errors", () => {
  assert.throws(() => nb.layers.normalization().apply(nb.ones([2, 3])), { name: 'ArgumentError', message: /no mean and variance yet.*adapt/ });
  assert.throws(
    () =>
      nb.layers.normalization().adapt(
        nb.tensor([
          [1, 2],
          [3, NaN],
        ]),
      ),
    { name: 'ArgumentError', message: /NaN at example 1, feature 1/ },
  );
  assert.throws(() => nb.layers.normalization({ mean: [1, 2] }), { name: 'ArgumentError', message: /both mean and variance/ });
  assert.throws(() => nb.layers.normalization({ mean: 0, variance: -1 }), { name: 'ArgumentError', message: /variance must hold finite numbers ≥ 0/ });
  assert.throws(() => nb.layers.normalization({ mean: [1, 2], variance: [1, 1], inputShape: [3] }), { name: 'ShapeError', message: /mean has 2 values/ });
  assert.throws(() => nb.layers.normalization({ axis: 0, inputShape: [3] }), { name: 'ArgumentError', message: /batch axis/ });
  assert.throws(() => nb.layers.rescaling({ scale: NaN }), { name: 'ArgumentError', message: /rescaling: scale must be a finite number/ });
  assert.throws(() => nb.layers.rescaling({ scale: 1, offset: Infinity }), { name: 'ArgumentError', message: /offset/ });
});

test('a model with rescaling and an adapted normalization saves and loads: the loaded model takes raw inputs and predicts the same', async () => {
  const g = new nb.Generator(2);
  const raw = nb.mul(nb.randomUniform([20, 4], 0, 1, { generator: g }), 255);
  const norm = nb.layers.normalization({ name: 'norm' });
  const model = nb.sequential(
    [nb.layers.rescaling({ scale: 1 / 255, inputShape: [4], name: 'scale' }), norm, nb.layers.dense({ units: 3, activation: 'softmax', seed: 1 })],
    { metadata: { classNames: ['a', 'b', 'c'] } },
  );
  // adapt on what reaches the layer: the rescaled training rows
  norm.adapt(nb.div(raw, 255));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await model.fit(
    raw,
    nb.oneHot(
      nb.tensor(
        Array.from({ length: 20 }, (_, i) => i % 3),
        undefined,
        'int32',
      ),
      3,
    ),
    { epochs: 2, verbose: 0 },
  );
  const path = join(dir, 'prep.nabla');
  await model.save(path);
  const loaded = await nb.loadModel(path);
  assert.deepEqual(loaded.predict(raw).toArray(), model.predict(raw).toArray());
  assert.deepEqual(loaded.metadata.classNames, ['a', 'b', 'c']);
  assert.deepEqual(
    loaded.layers.map((l) => l.className),
    ['Rescaling', 'Normalization', 'Dense'],
  );
  // fit never changes the statistics
  assert.deepEqual(
    norm.getWeights().map((w) => w.toArray()),
    loaded.layers[1]!.getWeights().map((w) => w.toArray()),
  );
});
