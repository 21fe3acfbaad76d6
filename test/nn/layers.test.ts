import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { checkLayer } from './conformance.js';

test('Dense passes the layer conformance check', () => {
  checkLayer({ make: (a) => nb.layers.dense({ units: 3, activation: 'tanh', ...a }), inputShape: [5], outputShape: [3], params: 18 });
  checkLayer({ make: (a) => nb.layers.dense({ units: 2, useBias: false, ...a }), inputShape: [3, 4], outputShape: [3, 2], params: 8 });
});

test('Activation passes the layer conformance check', () => {
  checkLayer({ make: (a) => nb.layers.activation({ activation: 'swish', ...a }), inputShape: [6], outputShape: [6], params: 0 });
});

test('every activation by name agrees with its formula (Dense and Activation layers)', () => {
  for (const activation of nb.nn.ACTIVATIONS) {
    checkLayer({ make: (a) => nb.layers.activation({ activation, ...a }), inputShape: [2, 3], outputShape: [2, 3], params: 0 });
    checkLayer({ make: (a) => nb.layers.dense({ units: 3, activation, ...a }), inputShape: [4], outputShape: [3], params: 15 });
  }
});

test('Dropout passes the layer conformance check', () => {
  checkLayer({ make: (a) => nb.layers.dropout({ rate: 0.3, ...a }), inputShape: [6], outputShape: [6], params: 0, gradCheckTraining: false });
});

test('BatchNormalization passes the layer conformance check (last and non-last axis, without γ or β)', () => {
  checkLayer({ make: (a) => nb.layers.batchNormalization(a), inputShape: [5], outputShape: [5], params: 20 });
  // channels first, [C, H, W] examples: the statistics are per axis 1
  checkLayer({ make: (a) => nb.layers.batchNormalization({ axis: 1, ...a }), inputShape: [3, 4, 2], outputShape: [3, 4, 2], params: 12 });
  checkLayer({
    make: (a) => nb.layers.batchNormalization({ axis: -2, center: false, scale: false, ...a }),
    inputShape: [3, 2],
    outputShape: [3, 2],
    params: 6,
  });
});

test('Flatten and Reshape pass the layer conformance check', () => {
  checkLayer({ make: (a) => nb.layers.flatten(a), inputShape: [2, 3], outputShape: [6], params: 0 });
  checkLayer({ make: (a) => nb.layers.reshape({ targetShape: [3, -1], ...a }), inputShape: [6], outputShape: [3, 2], params: 0 });
});

test("Dense computes x·W + b with a kernel of shape [in, units], the transpose of the seeds' W", () => {
  const layer = nb.layers.dense({ units: 2, inputShape: [3] });
  const W = nb.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]),
    b = nb.tensor([0.5, -0.5]);
  layer.setWeights([W, b]);
  const x = nb.tensor([[1, 0, -1]]);
  assert.deepEqual(layer.apply(x).toArray(), [[1 - 5 + 0.5, 2 - 6 - 0.5]]);
  // z = W'·x + b with W' = Wᵀ and x as a column gives the same numbers
  assert.deepEqual(nb.add(nb.matmul(nb.transpose(W), nb.transpose(x)), nb.reshape(b, [2, 1])).toArray(), [[-3.5], [-4.5]]);
});

test('Dropout zeroes about `rate` of the entries in training and scales the rest; inference is the identity', () => {
  const d = nb.layers.dropout({ rate: 0.25, seed: 4 });
  const x = nb.ones([100, 100]);
  const y = d.apply(x, { training: true }).storage;
  const zeros = y.filter((v) => v === 0).length / y.length;
  assert.ok(Math.abs(zeros - 0.25) < 0.02, `dropped ${zeros}`);
  assert.ok(y.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6));
  assert.deepEqual(d.apply(x).toArray(), x.toArray());
});

test('BatchNormalization normalises with batch statistics in training and moving averages in inference', () => {
  const bn = nb.layers.batchNormalization({ momentum: 0.5 });
  const x = nb.tensor([
    [1, 10],
    [3, 30],
  ]);
  const y = bn.apply(x, { training: true });
  const e = Math.sqrt(1 + 1e-3),
    f = Math.sqrt(100 + 1e-3);
  const yy = y.toArray();
  assert.ok(Math.abs(yy[0][0] + 1 / e) < 1e-6 && Math.abs(yy[1][1] - 10 / f) < 1e-5);
  // moving mean: 0.5·0 + 0.5·[2, 20]; moving variance: 0.5·1 + 0.5·[1, 100]
  assert.deepEqual(bn.movingMean!.value.toArray(), [1, 10]);
  assert.deepEqual(bn.movingVariance!.value.toArray(), [1, 50.5]);
  const inf = bn.apply(x).toArray();
  assert.ok(Math.abs(inf[0][0] - (1 - 1) / Math.sqrt(1 + 1e-3)) < 1e-6);
});

test('initialisers draw with the right scale and are reproducible with a seed', () => {
  const a = nb.layers.dense({ units: 400, inputShape: [600], seed: 9 }).getWeights()[0]!;
  const b = nb.layers.dense({ units: 400, inputShape: [600], seed: 9 }).getWeights()[0]!;
  assert.deepEqual(a.storage, b.storage);
  const limit = Math.sqrt(6 / (600 + 400));
  assert.ok(a.storage.every((v) => Math.abs(v) <= limit));
  const std = (t: nb.Tensor) => Math.sqrt(nb.variance(t).item());
  assert.ok(Math.abs(std(a) - limit / Math.sqrt(3)) < 0.002, `glorotUniform std ${std(a)}`);
  const he = nb.initializers.heNormal()([500, 300], 'float32', new nb.Generator(1));
  assert.ok(Math.abs(std(he) - Math.sqrt(2 / 500)) < 0.003, `heNormal std ${std(he)}`);
  assert.ok(
    he.storage.every((v) => Math.abs(v) <= (2 * Math.sqrt(2 / 500)) / 0.87962566103423978 + 1e-6),
    'truncated at two standard deviations',
  );
  // @ts-expect-error 'bogus' is not an initializer name
  assert.throws(() => nb.layers.dense({ units: 2, kernelInitializer: 'bogus' }), /unknown initializer 'bogus'/);
});

test('regularisers add their penalty: l2·Σw², l1·Σ|w|', () => {
  const layer = nb.layers.dense({ units: 1, inputShape: [2], kernelRegularizer: nb.regularizers.l1l2({ l1: 0.1, l2: 0.5 }) });
  layer.setWeights([nb.tensor([[1], [-2]]), nb.tensor([0])]);
  const [p] = layer.regularizationLosses();
  assert.ok(Math.abs(p!.item() - (0.1 * 3 + 0.5 * 5)) < 1e-6);
});

test('activations by name, and unknown names rejected', () => {
  for (const a of nb.nn.ACTIVATIONS) nb.layers.dense({ units: 2, activation: a, inputShape: [3] }).apply(nb.ones([1, 3]));
  assert.throws(() => nb.layers.dense({ units: 2, activation: 'relu7' as never }), /unknown activation 'relu7'; expected one of linear, sigmoid/);
});

test('a layer rejects an input that does not fit its weights', () => {
  const layer = nb.layers.dense({ units: 2, inputShape: [3], name: 'hidden' });
  assert.throws(() => layer.apply(nb.ones([4, 5])), /hidden: input shape \[4,5\] does not fit: its kernel \[3,2\] expects last dimension 3/);
});
