import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { layerFromConfig, type Layer } from '../../src/nn/layer.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { fromFixture, loadFixture, randn, type FixtureTensor } from '../helpers.js';
import { checkLayer } from './conformance.js';
import { globalPool2d, pool2d, type Nd, type Reference } from './reference.js';

// MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D, GlobalAveragePooling1D:
// values and gradients against PyTorch (test/fixtures/wrappers.json, made by
// test/fixtures/make_wrappers_fixtures.py: nn.functional.max_pool1d /
// avg_pool1d, 'same' padding as an explicit pad), finite differences at
// orders 1 and 2, the shared conformance check (against the 2-D pools'
// loop formulas on the sequence seen as an image one column wide), shapes,
// errors, config and model-file round trips, and training.

interface Case {
  name: string;
  layer: string;
  config: Record<string, unknown>;
  x: FixtureTensor;
  weights: FixtureTensor[];
  output: FixtureTensor;
  cotangent: FixtureTensor;
  grads: FixtureTensor[];
}
const cases = loadFixture<Case[]>('wrappers.json').filter((c) => /Pooling1D$/.test(c.layer));
const L = nb.layers;

function maxError(actual: Tensor, expected: FixtureTensor, what: string): number {
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  let m = 0;
  actual.storage.forEach((v, i) => (m = Math.max(m, Math.abs(v - expected.data[i]!))));
  return m;
}

for (const c of cases) {
  test(`${c.name}: output and gradient of Σ y ⊙ c match torch (float64)`, () => {
    const layer = layerFromConfig({ className: c.layer, config: { ...c.config, dtype: 'float64' } });
    const x = fromFixture(c.x);
    assert.ok(maxError(layer.apply(x), c.output, 'output') < 1e-12);
    const cot = fromFixture(c.cotangent);
    const gx = nb.grad((xi: Tensor) => nb.sum(nb.mul(layer.apply(xi), cot)))(x) as Tensor;
    assert.ok(maxError(gx, c.grads[0]!, 'd/dx') < 1e-12);
    // float32 to float32 accuracy
    const y32 = layerFromConfig({ className: c.layer, config: c.config }).apply(fromFixture(c.x, 'float32'));
    assert.equal(y32.dtype, 'float32');
    assert.ok(maxError(y32, c.output, 'float32 output') < 1e-5);
  });
}

test('the fixture covers every 1-D pool, both paddings and keepDims', () => {
  assert.deepEqual([...new Set(cases.map((c) => c.layer))].sort(), ['AveragePooling1D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'MaxPooling1D']);
  for (const p of ['valid', 'same']) assert.ok(cases.some((c) => c.config['padding'] === p));
  assert.ok(cases.some((c) => c.config['keepDims'] === true));
});

// ---- finite differences, orders 1 and 2 -------------------------------------------

const makers: [string, () => Layer][] = [
  ['maxPooling1d same', () => L.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same', dtype: 'float64' })],
  ['averagePooling1d same', () => L.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same', dtype: 'float64' })],
  ['averagePooling1d valid', () => L.averagePooling1d({ poolSize: 2, strides: 1, dtype: 'float64' })],
  ['globalMaxPooling1d', () => L.globalMaxPooling1d({ dtype: 'float64' })],
  ['globalAveragePooling1d keepDims', () => L.globalAveragePooling1d({ keepDims: true, dtype: 'float64' })],
];
for (const [name, make] of makers) {
  test(`${name}: first and second derivatives agree with finite differences`, () => {
    const layer = make();
    // a smooth function of the pooled values, so that the second derivative is not zero
    const f = (x: Tensor) => nb.sin(layer.apply(x));
    for (const order of [1, 2] as const) {
      const r = nb.gradCheck(f, [randn([2, 7, 2], 3)], { order });
      assert.ok(r.passed, `order ${order}: ${JSON.stringify(r.levels)}`);
    }
  });
}

// ---- the shared conformance check --------------------------------------------------

/** A 1-D pool's formula: the 2-D pool's loops on x [b, s, c] seen as [b, s, 1, c]. */
const pool1dReference =
  (kind: 'max' | 'avg'): Reference =>
  (l, x) => {
    const f = l as unknown as { poolSize: number; strides: number; padding: string };
    const y = pool2d({ shape: [x.shape[0]!, x.shape[1]!, 1, x.shape[2]!], data: x.data }, kind, [f.poolSize, 1], [f.strides, 1], f.padding);
    return { shape: [y.shape[0]!, y.shape[1]!, y.shape[3]!], data: y.data };
  };
const global1dReference =
  (kind: 'max' | 'avg'): Reference =>
  (l, x) => {
    const y: Nd = globalPool2d({ shape: [x.shape[0]!, x.shape[1]!, 1, x.shape[2]!], data: x.data }, kind);
    return (l as unknown as { keepDims: boolean }).keepDims ? { shape: [y.shape[0]!, 1, y.shape[1]!], data: y.data } : y;
  };

test('the 1-D pools pass the layer conformance check', () => {
  checkLayer({ make: (a) => L.maxPooling1d(a), inputShape: [6, 3], outputShape: [3, 3], params: 0, reference: pool1dReference('max') });
  checkLayer({
    make: (a) => L.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same', ...a }),
    inputShape: [7, 2],
    outputShape: [4, 2],
    params: 0,
    reference: pool1dReference('max'),
  });
  checkLayer({
    make: (a) => L.averagePooling1d({ poolSize: 4, strides: 3, padding: 'same', ...a }),
    inputShape: [7, 2],
    outputShape: [3, 2],
    params: 0,
    reference: pool1dReference('avg'),
  });
  checkLayer({
    make: (a) => L.averagePooling1d({ poolSize: 3, strides: 1, ...a }),
    inputShape: [5, 2],
    outputShape: [3, 2],
    params: 0,
    reference: pool1dReference('avg'),
  });
  checkLayer({ make: (a) => L.globalAveragePooling1d(a), inputShape: [5, 3], outputShape: [3], params: 0, reference: global1dReference('avg') });
  checkLayer({
    make: (a) => L.globalMaxPooling1d({ keepDims: true, ...a }),
    inputShape: [5, 3],
    outputShape: [1, 3],
    params: 0,
    reference: global1dReference('max'),
  });
});

// ---- shapes, options and errors ------------------------------------------------------

test('output shapes: valid and same padding, strides, keepDims, symbolic steps', () => {
  const shape = (layer: Layer, s: (number | null)[]) => layer.computeOutputShape(s);
  assert.deepEqual(shape(L.maxPooling1d(), [null, 9, 4]), [null, 4, 4]);
  assert.deepEqual(shape(L.maxPooling1d({ poolSize: 3, strides: 1 }), [null, 9, 4]), [null, 7, 4]);
  assert.deepEqual(shape(L.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }), [null, 9, 4]), [null, 5, 4]);
  assert.deepEqual(shape(L.averagePooling1d({ poolSize: [2], strides: [2] }), [5, 10, 1]), [5, 5, 1]);
  assert.deepEqual(shape(L.globalMaxPooling1d(), [null, 9, 4]), [null, 4]);
  assert.deepEqual(shape(L.globalAveragePooling1d({ keepDims: true }), [null, 9, 4]), [null, 1, 4]);
  // the real output has the computed shape
  assert.deepEqual([...L.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }).apply(nb.ones([2, 9, 4])).shape], [2, 5, 4]);
});

test('bad options and inputs are refused by name', () => {
  assert.throws(() => L.maxPooling1d({ poolSize: 0 }), /maxPooling1d: poolSize must be a positive integer \(or \[n\]\), got 0/);
  assert.throws(() => L.averagePooling1d({ strides: [2, 2] as never }), /averagePooling1d: strides must be a positive integer \(or \[n\]\), got \[2,2\]/);
  assert.throws(() => L.maxPooling1d({ padding: 'causal' as never }), /maxPooling1d: padding must be one of/);
  assert.throws(() => L.globalAveragePooling1d({ keepDims: 1 as never }), /globalAveragePooling1d: keepDims must be true or false, got 1/);
  assert.throws(() => L.maxPooling1d({ poolsize: 3 } as never), /unknown option 'poolsize' \(did you mean 'poolSize'\?\)/);
  assert.throws(
    () => L.maxPooling1d().apply(nb.ones([2, 4, 4, 1])),
    (e: Error) => e instanceof nb.ShapeError && /must be \[batch, steps, channels\]/.test(e.message),
  );
  assert.throws(() => L.globalMaxPooling1d().apply(nb.ones([2, 4])), /input shape \[2,4\] must be \[batch, steps, channels\]/);
  assert.throws(() => L.maxPooling1d({ poolSize: 5 }).apply(nb.ones([1, 3, 2])), /has 3 steps, fewer than the window of 5/);
});

test('config round trip and a model file keep the options', () => {
  const layers = [
    L.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }),
    L.averagePooling1d({ poolSize: [2] }),
    L.globalMaxPooling1d({ keepDims: true }),
    L.globalAveragePooling1d(),
  ];
  for (const l of layers) {
    const config = JSON.parse(JSON.stringify(l.getConfig()));
    const again = layerFromConfig({ className: l.className, config });
    assert.deepEqual(again.getConfig(), config);
  }
  assert.equal(layers[1]!.getConfig()['poolSize'], 2);
  assert.ok(!('keepDims' in layers[3]!.getConfig()));
  const model = nb.sequential([
    L.dense({ units: 4, inputShape: [8, 3] }),
    L.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }),
    L.globalMaxPooling1d({ keepDims: true }),
  ]);
  const x = nb.randomNormal([2, 8, 3]);
  const back = decodeModel(encodeModel(model));
  assert.deepEqual(back.predict(x).toArray(), model.predict(x).toArray());
});

test('a sequence classifier with 1-D pools learns (loss falls)', async () => {
  nb.seed(3);
  // class 1 when the sequence's peak is above 1
  const n = 64,
    steps = 8;
  const xs = nb.randomNormal([n, steps, 1]);
  const data = xs.storage as Float32Array;
  const ys = Array.from({ length: n }, (_, i) => {
    const row = Array.from(data.subarray(i * steps, (i + 1) * steps));
    return Math.max(...row) > 1 ? 1 : 0;
  });
  const model = nb.sequential([
    L.dense({ units: 8, activation: 'tanh', inputShape: [steps, 1] }),
    L.maxPooling1d({ poolSize: 2 }),
    L.averagePooling1d({ poolSize: 2, padding: 'same' }),
    L.globalMaxPooling1d(),
    L.dense({ units: 1, activation: 'sigmoid' }),
  ]);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.03 }), loss: 'binaryCrossentropy' });
  const h = await model.fit(xs, nb.tensor(ys, [n, 1]), { epochs: 30, batchSize: 16, verbose: 0 });
  const losses = h.history['loss'] as number[];
  assert.ok(losses[losses.length - 1]! < 0.6 * losses[0]!, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
});
