import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor, Variable } from '../../src/index.js';
import { layerFromConfig, type Layer } from '../../src/nn/layer.js';
import type { Bidirectional, TimeDistributed } from '../../src/nn/layers/wrappers.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { fromFixture, loadFixture, randn, type FixtureTensor } from '../helpers.js';
import { checkLayer } from './conformance.js';
import { referenceOf, type Nd, type Reference } from './reference.js';

// TimeDistributed and Bidirectional: values and gradients against PyTorch
// (test/fixtures/wrappers.json, made by test/fixtures/make_wrappers_fixtures.py:
// nn.LSTM / nn.GRU with bidirectional=True, nn.Linear over every step),
// finite differences at orders 1 and 2, the shared conformance check,
// shapes, masks, errors, config and model-file round trips, and training.

interface Case {
  name: string;
  layer: string;
  config: { layer: { className: string; config: Record<string, unknown> }; mergeMode?: string };
  x: FixtureTensor;
  weights: FixtureTensor[];
  output: FixtureTensor;
  cotangent: FixtureTensor;
  grads: FixtureTensor[];
}
const cases = loadFixture<Case[]>('wrappers.json').filter((c) => c.layer === 'Bidirectional' || c.layer === 'TimeDistributed');
const L = nb.layers;

function maxError(actual: Tensor, expected: FixtureTensor, what: string): number {
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  let m = 0;
  actual.storage.forEach((v, i) => (m = Math.max(m, Math.abs(v - expected.data[i]!))));
  return m;
}

/** The fixture's layer in float64 (its inner layer too), built and given the fixture's weights. */
function fixtureLayer(c: Case, dtype: 'float32' | 'float64' = 'float64'): { layer: Layer; x: Tensor } {
  const config = { ...c.config, dtype, layer: { ...c.config.layer, config: { ...c.config.layer.config, dtype } } };
  const layer = layerFromConfig({ className: c.layer, config });
  const x = fromFixture(c.x, dtype);
  layer.apply(x);
  layer.setWeights(c.weights.map((w) => fromFixture(w, dtype)));
  return { layer, x };
}

for (const c of cases) {
  test(`${c.name}: output and gradients of Σ y ⊙ c (input and every weight) match torch (float64)`, (t) => {
    const { layer, x } = fixtureLayer(c);
    const errors = [maxError(layer.apply(x), c.output, 'output')];
    const cot = fromFixture(c.cotangent);
    const ws = layer.parameters();
    const [gx, gw] = nb.grad((xi: Tensor, _w: Variable[]) => nb.sum(nb.mul(layer.apply(xi), cot)), { argnums: [0, 1] })(x, ws) as [Tensor, Tensor[]];
    errors.push(maxError(gx, c.grads[0]!, 'd/dx'));
    gw.forEach((g, i) => errors.push(maxError(g, c.grads[i + 1]!, `d/d weight ${i} (${ws[i]!.name})`)));
    const e = Math.max(...errors);
    t.diagnostic(`max |nabla − torch| = ${e.toExponential(2)}`);
    assert.ok(e < 1e-10, `max error ${e}`);
    const f32 = fixtureLayer(c, 'float32');
    assert.ok(maxError(f32.layer.apply(f32.x), c.output, 'float32 output') < 1e-5);
  });
}

test('the fixture covers LSTM and GRU, every merge mode, with and without returnSequences', () => {
  const bi = cases.filter((c) => c.layer === 'Bidirectional');
  assert.deepEqual([...new Set(bi.map((c) => c.config.layer.className))].sort(), ['GRU', 'LSTM']);
  assert.deepEqual([...new Set(bi.map((c) => c.config.mergeMode))].sort(), ['ave', 'concat', 'mul', 'sum']);
  for (const seq of [true, false]) assert.ok(bi.some((c) => c.config.layer.config['returnSequences'] === seq));
  assert.ok(cases.some((c) => c.layer === 'TimeDistributed'));
});

// ---- finite differences, orders 1 and 2 -------------------------------------------

/** (x, ...weights) ↦ layer(x) with those weights, for gradCheck. */
function asFunction(layer: Layer) {
  const ws = layer.parameters();
  return (xi: Tensor, ...wi: Tensor[]) => {
    const saved = ws.map((v, i) => v.swap(wi[i]!));
    try {
      return layer.apply(xi);
    } finally {
      ws.forEach((v, i) => v.swap(saved[i]!));
    }
  };
}

const tiny: [string, () => Layer, number[]][] = [
  [
    'bidirectional(simpleRNN) concat, sequences',
    () => L.bidirectional({ layer: L.simpleRNN({ units: 2, returnSequences: true, dtype: 'float64', seed: 1 }) }),
    [2, 3, 2],
  ],
  ['bidirectional(lstm) ave, last', () => L.bidirectional({ layer: L.lstm({ units: 2, dtype: 'float64', seed: 2 }), mergeMode: 'ave' }), [1, 3, 2]],
  [
    'bidirectional(gru) mul, sequences',
    () => L.bidirectional({ layer: L.gru({ units: 2, returnSequences: true, dtype: 'float64', seed: 3 }), mergeMode: 'mul' }),
    [1, 3, 2],
  ],
  ['timeDistributed(dense tanh)', () => L.timeDistributed({ layer: L.dense({ units: 2, activation: 'tanh', dtype: 'float64', seed: 4 }) }), [2, 3, 2]],
];
for (const [name, make, shape] of tiny) {
  test(`${name}: gradients (input and weights) agree with finite differences at orders 1 and 2`, () => {
    const layer = make();
    const x = randn(shape, 5);
    layer.apply(x);
    // non-zero biases, so that every bias entry matters
    layer.parameters().forEach((v, i) => /bias/.test(v.name) && v.assign(nb.mul(randn([...v.shape], 6 + i), 0.5)));
    for (const order of [1, 2] as const) {
      const r = nb.gradCheck(asFunction(layer), [x, ...layer.getWeights()], { order });
      assert.ok(r.passed, `order ${order}: ${JSON.stringify(r.levels)}`);
    }
  });
}

// ---- the shared conformance check --------------------------------------------------

/** TimeDistributed's formula: the inner layer's reference on x [b, t, ...] seen as [b·t, ...]. */
const timeDistributedReference: Reference = (l, x, training) => {
  const inner = (l as TimeDistributed).layer;
  const [b, t, ...rest] = x.shape as number[];
  const y = referenceOf(inner)(inner, { shape: [b! * t!, ...rest], data: x.data }, training);
  return y && { shape: [b!, t!, ...y.shape.slice(1)], data: y.data };
};

/** Bidirectional's formula: the two directions' recurrent references, the backward one put back in time order, merged. */
const bidirectionalReference: Reference = (l, x, training) => {
  const bi = l as Bidirectional;
  const f = referenceOf(bi.forwardLayer)(bi.forwardLayer, x, training)!;
  const g = referenceOf(bi.backwardLayer)(bi.backwardLayer, x, training)!;
  const u = f.shape[f.shape.length - 1]!;
  const rows = f.data.length / u;
  const [B, T] = x.shape as [number, number];
  // row r of g (batch b, step k) belongs at step T − 1 − k with returnSequences
  const gRow = (r: number) => (bi.returnSequences ? Math.floor(r / T) * T + (T - 1 - (r % T)) : r);
  const merged: number[] = [];
  for (let r = 0; r < rows; r++) {
    const fr = Array.from(f.data.subarray(r * u, (r + 1) * u)),
      gr = Array.from(g.data.subarray(gRow(r) * u, (gRow(r) + 1) * u));
    if (bi.mergeMode === 'concat') merged.push(...fr, ...gr);
    else merged.push(...fr.map((v, j) => (bi.mergeMode === 'sum' ? v + gr[j]! : bi.mergeMode === 'mul' ? v * gr[j]! : (v + gr[j]!) / 2)));
  }
  const shape = bi.returnSequences ? [B, T, merged.length / (B * T)] : [B, merged.length / B];
  return { shape, data: Float64Array.from(merged) } as Nd;
};

test('TimeDistributed and Bidirectional pass the layer conformance check', () => {
  // dense 3 → 4: 3·4 + 4 weights
  checkLayer({
    make: (a) => L.timeDistributed({ layer: L.dense({ units: 4, activation: 'relu', ...a }) }),
    inputShape: [5, 3],
    outputShape: [5, 4],
    params: 16,
    reference: timeDistributedReference,
  });
  // an LSTM per direction: 3·8 + 2·8 + 8 = 48
  checkLayer({
    make: (a) => L.bidirectional({ layer: L.lstm({ units: 2, ...a }) }),
    inputShape: [4, 3],
    outputShape: [4],
    params: 96,
    reference: bidirectionalReference,
  });
  checkLayer({
    make: (a) => L.bidirectional({ layer: L.gru({ units: 2, returnSequences: true, ...a }), mergeMode: 'sum' }),
    inputShape: [4, 3],
    outputShape: [4, 2],
    params: 2 * (3 * 6 + 2 * 6 + 2 * 6),
    reference: bidirectionalReference,
  });
  checkLayer({
    make: (a) => L.bidirectional({ layer: L.simpleRNN({ units: 3, returnSequences: true, goBackwards: true, ...a }), mergeMode: 'concat' }),
    inputShape: [4, 2],
    outputShape: [4, 6],
    params: 2 * (2 * 3 + 3 * 3 + 3),
    reference: bidirectionalReference,
  });
});

// ---- shapes ---------------------------------------------------------------------------

test('output shapes: merge modes, returnSequences, TimeDistributed of dense, conv2d and lstm', () => {
  const lstm = (seq: boolean) => L.lstm({ units: 3, returnSequences: seq });
  assert.deepEqual(L.bidirectional({ layer: lstm(true) }).computeOutputShape([null, 5, 2]), [null, 5, 6]);
  assert.deepEqual(L.bidirectional({ layer: lstm(false) }).computeOutputShape([null, 5, 2]), [null, 6]);
  for (const mergeMode of ['sum', 'mul', 'ave'] as const) {
    assert.deepEqual(L.bidirectional({ layer: lstm(true), mergeMode }).computeOutputShape([null, 5, 2]), [null, 5, 3]);
    assert.deepEqual(L.bidirectional({ layer: lstm(false), mergeMode }).computeOutputShape([null, 5, 2]), [null, 3]);
  }
  assert.deepEqual(L.timeDistributed({ layer: L.dense({ units: 7 }) }).computeOutputShape([null, 5, 2]), [null, 5, 7]);
  assert.deepEqual(L.timeDistributed({ layer: L.dense({ units: 7 }) }).computeOutputShape([null, 5, 4, 2]), [null, 5, 4, 7]);
  const conv = L.timeDistributed({ layer: L.conv2d({ filters: 4, kernelSize: 3 }) });
  assert.deepEqual(conv.computeOutputShape([null, 6, 8, 8, 1]), [null, 6, 6, 6, 4]);
  assert.deepEqual([...conv.apply(nb.ones([2, 6, 8, 8, 1])).shape], [2, 6, 6, 6, 4]);
  // a recurrent layer over a sequence of sequences [batch, outer, inner, features]
  const rnn = L.timeDistributed({ layer: L.simpleRNN({ units: 3 }) });
  assert.deepEqual([...rnn.apply(nb.ones([2, 4, 5, 2])).shape], [2, 4, 3]);
  assert.deepEqual(L.timeDistributed({ layer: L.flatten() }).computeOutputShape([null, 5, 2, 3]), [null, 5, 6]);
});

test('TimeDistributed applies the same weights at every step; they are the inner layer’s', () => {
  const inner = L.dense({ units: 2, activation: 'tanh', seed: 1 });
  const td = L.timeDistributed({ layer: inner });
  const x = nb.randomNormal([3, 4, 5]);
  const y = td.apply(x);
  for (let t = 0; t < 4; t++) {
    const step = nb.reshape(nb.slice(x, [0, t, 0], [3, 1, 5]), [3, 5]);
    assert.deepEqual(nb.reshape(nb.slice(y, [0, t, 0], [3, 1, 2]), [3, 2]).toArray(), inner.apply(step).toArray());
  }
  assert.deepEqual(td.parameters(), inner.parameters());
  assert.deepEqual(
    td.namedParameters().map(([n]) => n),
    ['kernel', 'bias'],
  );
  // an inner layer built before wrapping: its weights come along
  const built = L.dense({ units: 2 });
  built.apply(nb.ones([1, 3]));
  assert.equal(L.timeDistributed({ layer: built }).countParams(), 8);
});

test('Bidirectional: the forward and backward copies are the inner layer run each way', () => {
  const bi = L.bidirectional({ layer: L.gru({ units: 2, returnSequences: true, seed: 4, name: 'enc' }), mergeMode: 'concat' });
  const x = nb.randomNormal([2, 5, 3]);
  const y = bi.apply(x);
  assert.equal(bi.forwardLayer.name, 'forward_enc');
  assert.equal(bi.backwardLayer.name, 'backward_enc');
  assert.equal(bi.forwardLayer.goBackwards, false);
  assert.equal(bi.backwardLayer.goBackwards, true);
  assert.notDeepEqual(bi.forwardLayer.getWeights()[0]!.toArray(), bi.backwardLayer.getWeights()[0]!.toArray(), 'seeded copies differ');
  assert.deepEqual(nb.slice(y, [0, 0, 0], [2, 5, 2]).toArray(), bi.forwardLayer.apply(x).toArray());
  // the backward half is the backward layer's sequence put back in time order: at step t it has read x[t..end]
  assert.deepEqual(nb.slice(y, [0, 0, 2], [2, 5, 2]).toArray(), nb.flip(bi.backwardLayer.apply(x), 1).toArray());
  const last = nb.reshape(nb.slice(y, [0, 0, 2], [2, 1, 2]), [2, 2]);
  const onlyBackward = L.gru({ units: 2, goBackwards: true });
  onlyBackward.apply(x);
  onlyBackward.setWeights(bi.backwardLayer.getWeights());
  assert.deepEqual(last.toArray(), onlyBackward.apply(x).toArray(), 'step 0 of the backward half is the state after reading the whole sequence backwards');
  assert.deepEqual(
    bi.namedParameters().map(([n]) => n),
    ['forward_enc.kernel', 'forward_enc.recurrentKernel', 'forward_enc.bias', 'backward_enc.kernel', 'backward_enc.recurrentKernel', 'backward_enc.bias'],
  );
});

test('masks: Bidirectional skips padded steps in both directions; both wrappers pass the mask on', () => {
  nb.seed(5);
  const emb = L.embedding({ inputDim: 6, outputDim: 3, maskZero: true, seed: 1 });
  const bi = L.bidirectional({ layer: L.lstm({ units: 2, seed: 2 }) });
  const padded = nb.tensor([[1, 4, 2, 0, 0]], [1, 5], 'int32');
  const plain = nb.tensor([[1, 4, 2]], [1, 3], 'int32');
  const a = bi.apply(emb.apply(padded));
  const b = bi.apply(emb.apply(plain));
  const close = (p: Tensor, q: Tensor) => {
    const u = Array.from(p.storage as Float32Array),
      w = Array.from(q.storage as Float32Array);
    return u.length === w.length && u.every((v, k) => Math.abs(v - w[k]!) < 1e-6);
  };
  assert.ok(close(a, b), `${JSON.stringify(a.toArray())} vs ${JSON.stringify(b.toArray())}`);
  // with returnSequences the mask stays on the output, for a following recurrent layer
  const seq = L.bidirectional({ layer: L.lstm({ units: 2, returnSequences: true, seed: 3 }) });
  const next = L.lstm({ units: 2, seed: 4 });
  const p = next.apply(seq.apply(emb.apply(padded)));
  const q = next.apply(seq.apply(emb.apply(plain)));
  assert.ok(close(p, q), `${JSON.stringify(p.toArray())} vs ${JSON.stringify(q.toArray())}`);
  // TimeDistributed passes the mask on
  const td = L.timeDistributed({ layer: L.dense({ units: 3, seed: 5 }) });
  const after = L.lstm({ units: 2, seed: 6 });
  const r1 = after.apply(td.apply(emb.apply(padded)));
  const r2 = after.apply(td.apply(emb.apply(plain)));
  assert.ok(close(r1, r2), `${JSON.stringify(r1.toArray())} vs ${JSON.stringify(r2.toArray())}`);
});

// ---- errors ---------------------------------------------------------------------------

test('bad options and inputs are refused by name', () => {
  assert.throws(
    () => L.bidirectional({ layer: L.lstm({ units: 2 }), mergeMode: null }),
    /bidirectional: mergeMode null \(the forward and backward outputs apart\) is not supported: a layer returns one tensor/,
  );
  assert.throws(() => L.bidirectional({ layer: L.lstm({ units: 2 }), mergeMode: 'max' as never }), /bidirectional: mergeMode must be one of/);
  assert.throws(
    () => L.bidirectional({ layer: L.dense({ units: 2 }) }),
    /bidirectional: layer must be a recurrent layer \(simpleRNN, lstm or gru\), got a Dense layer/,
  );
  assert.throws(() => L.bidirectional({} as never), /bidirectional: layer must be a layer .* got undefined/);
  assert.throws(() => L.timeDistributed({ layer: 3 as never }), /timeDistributed: layer must be a layer .* got 3/);
  assert.throws(() => L.timeDistributed({ layer: { className: 'Nope', config: {} } }), /timeDistributed: layer: .*unknown layer class 'Nope'/);
  assert.throws(() => L.timeDistributed(undefined as never), /timeDistributed: expected an options object/);
  assert.throws(
    () => L.bidirectional({ layer: L.lstm({ units: 2 }), merge_mode: 'sum' } as never),
    /unknown option 'merge_mode' \(did you mean 'mergeMode'\?\)/,
  );
  const td = L.timeDistributed({ layer: L.dense({ units: 2 }) });
  assert.throws(
    () => td.apply(nb.ones([2, 3])),
    (e: Error) => e instanceof nb.ShapeError && /expects rank 3 or more, \[batch, time, \.\.\.\]/.test(e.message),
  );
  assert.throws(() => L.bidirectional({ layer: L.lstm({ units: 2 }) }).apply(nb.ones([2, 3])), /expects rank 3, \[batch, time, features\]/);
  // a config nesting wrappers without end (an untrusted model file) is refused, not a stack overflow
  let deep: Record<string, unknown> = { className: 'Dense', config: { units: 1 } };
  for (let i = 0; i < 40; i++) deep = { className: 'TimeDistributed', config: { layer: deep } };
  assert.throws(() => layerFromConfig(deep as never), /wrappers nested more than 16 deep/);
  // two levels are fine: a dense layer over [batch, a, b, features]
  const twice = layerFromConfig({
    className: 'TimeDistributed',
    config: { layer: { className: 'TimeDistributed', config: { layer: { className: 'Dense', config: { units: 2 } } } } },
  });
  assert.deepEqual([...twice.apply(nb.ones([2, 3, 4, 5])).shape], [2, 3, 4, 2]);
  // an error of the wrapped layer names the wrapper too
  const named = L.timeDistributed({ layer: L.dense({ units: 2, name: 'inner_dense' }), name: 'td', inputShape: [3, 4] });
  assert.throws(
    () => named.apply(nb.ones([2, 3, 5])),
    (e: Error) => e instanceof nb.ShapeError && /^td: inner_dense: /.test(e.message),
  );
  assert.throws(
    () => L.bidirectional({ layer: L.lstm({ units: 2 }), name: 'bi' }).apply(nb.ones([1, 0, 3])),
    /ShapeError: bi: forward_lstm_\d+: .*has no time steps/,
  );
  const built = L.bidirectional({ layer: L.lstm({ units: 2 }), inputShape: [4, 3] });
  assert.throws(() => built.apply(nb.ones([1, 4, 5])), /does not fit/);
});

// ---- configuration, saving, training ---------------------------------------------------

test('config round trip: the inner layer is saved as { className, config } and rebuilt', () => {
  const layers = [
    L.timeDistributed({ layer: L.dense({ units: 3, activation: 'relu' }), inputShape: [4, 2] }),
    L.bidirectional({ layer: L.gru({ units: 2, returnSequences: true, resetAfter: false, inputShape: [4, 3] }), mergeMode: 'ave' }),
  ];
  for (const l of layers) {
    const config = JSON.parse(JSON.stringify(l.getConfig()));
    assert.equal(typeof config.layer.className, 'string');
    assert.ok(!('inputShape' in config.layer.config), 'the inner layer’s inputShape moves to the wrapper');
    const again = layerFromConfig({ className: l.className, config });
    assert.deepEqual(again.getConfig(), config);
  }
  // the wrapper's dtype is its layer's
  assert.equal(L.bidirectional({ layer: L.lstm({ units: 2, dtype: 'float64' }) }).dtype, 'float64');
  assert.equal(L.timeDistributed({ layer: L.dense({ units: 2, dtype: 'float64' }) }).dtype, 'float64');
  // Keras's idiom: the inner layer's inputShape becomes the wrapper's
  assert.deepEqual(layers[1]!.inputShape, [4, 3]);
  assert.equal(layers[1]!.getConfig()['mergeMode'], 'ave');
});

test('a model with both wrappers saves to a model file and loads back computing the same', () => {
  nb.seed(2);
  const model = nb.sequential([
    L.timeDistributed({ layer: L.dense({ units: 3, activation: 'tanh' }), inputShape: [5, 2] }),
    L.bidirectional({ layer: L.lstm({ units: 2, returnSequences: true }) }),
    L.bidirectional({ layer: L.gru({ units: 2 }), mergeMode: 'sum' }),
    L.dense({ units: 1 }),
  ]);
  const x = nb.randomNormal([3, 5, 2]);
  const back = decodeModel(encodeModel(model));
  assert.deepEqual(back.predict(x).toArray(), model.predict(x).toArray());
  assert.deepEqual(
    back.namedParameters().map(([n]) => n),
    model.namedParameters().map(([n]) => n),
  );
});

test('a Bidirectional LSTM in a Sequential learns (loss falls)', async () => {
  nb.seed(7);
  // the target needs both ends of the sequence: first step minus last step
  const n = 48,
    steps = 6;
  const xs = nb.randomNormal([n, steps, 1]);
  const d = xs.storage as Float32Array;
  const ys = nb.tensor(
    Array.from({ length: n }, (_, i) => d[i * steps]! - d[i * steps + steps - 1]!),
    [n, 1],
  );
  const model = nb.sequential([L.bidirectional({ layer: L.lstm({ units: 6 }), inputShape: [steps, 1] }), L.dense({ units: 1 })]);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.03 }), loss: 'meanSquaredError' });
  const h = await model.fit(xs, ys, { epochs: 25, batchSize: 16, verbose: 0 });
  const losses = h.history['loss'] as number[];
  assert.ok(losses[losses.length - 1]! < 0.3 * losses[0]!, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
});

test('regularizers of the wrapped layers join the training loss', () => {
  const bi = L.bidirectional({ layer: L.lstm({ units: 2, kernelRegularizer: 'l2' }), inputShape: [3, 2] });
  assert.equal(bi.regularizationLosses().length, 2);
  const td = L.timeDistributed({ layer: L.dense({ units: 2, kernelRegularizer: 'l1' }), inputShape: [3, 2] });
  assert.equal(td.regularizationLosses().length, 1);
});
