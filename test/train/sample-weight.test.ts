// fit's and evaluate's sampleWeight and classWeight: Keras's weighted loss
// Σᵢ wᵢ·ℓᵢ / N, against a hand computation and against PyTorch's weighted
// cross-entropy (test/fixtures/sample_weight.json, make_sample_weight_fixtures.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { weightedLoss } from '../../src/train/sample-weight.js';
import { loadFixture } from '../helpers.js';

interface Fixture {
  logits: number[][];
  labels: number[];
  classWeight: number[];
  sampleWeight: number[];
  classWeighted: { perExample: number[]; kerasLoss: number; torchMean: number; gradLogits: number[][] };
  sampleWeighted: { kerasLoss: number; gradLogits: number[][] };
}
const fx = loadFixture<Fixture>('sample_weight.json');
const f64 = (v: number[] | number[][]) => nb.tensor(v, undefined, 'float64');
const close = (a: Tensor, b: Tensor, tol: number, what = '') => {
  assert.deepEqual([...a.shape], [...b.shape], `${what} shape`);
  const worst = nb.max(nb.abs(nb.sub(nb.cast(a, 'float64'), nb.cast(b, 'float64')))).item();
  assert.ok(worst <= tol, `${what}: largest difference ${worst}`);
};
const sparseLogits = (y: nb.TensorLike, p: nb.TensorLike, o?: nb.losses.LossOptions) =>
  nb.losses.sparseCategoricalCrossentropy(y, p, { ...o, fromLogits: true });

/** A float64 model whose output is x·K with K the identity: its logits are its inputs, and ∂L/∂K = xᵀ·∂L/∂logits. */
function identityLogits(): nb.Sequential {
  const m = nb.sequential([nb.layers.dense({ units: 4, useBias: false, inputShape: [4], dtype: 'float64' })]);
  m.setWeights([nb.eye(4, 4, 'float64')]);
  return m;
}

test("class weights: the loss and its gradient are PyTorch's weighted cross-entropy summed and divided by N (Keras), not torch's mean over Σw", () => {
  const x = f64(fx.logits),
    labels = nb.tensor(fx.labels, undefined, 'int32');
  const w = f64(fx.labels.map((c) => fx.classWeight[c]!));
  close(weightedLoss(sparseLogits, labels, x, w), f64([fx.classWeighted.kerasLoss]).reshape([]), 1e-12, 'loss');
  assert.ok(Math.abs(fx.classWeighted.kerasLoss - fx.classWeighted.torchMean) > 0.05, 'the two normalisations differ on this data');
  const model = identityLogits();
  const step = nb.makeTrainStep(model, { loss: sparseLogits, optimizer: 'sgd' });
  const r = step(step.params(), step.initOptState(), { x, y: labels, sampleWeight: w });
  close(r.loss, f64([fx.classWeighted.kerasLoss]).reshape([]), 1e-12, 'the step loss');
  const [name] = step.names;
  close(r.grads[name!]!, nb.matmul(nb.transpose(x), f64(fx.classWeighted.gradLogits)), 1e-12, 'the gradient');
  // evaluate with classWeight's sample weights gives the same number
  model.compile({ optimizer: 'sgd', loss: sparseLogits });
  assert.ok(Math.abs(model.evaluate(x, labels, { sampleWeight: w, batchSize: 3 })['loss']! - fx.classWeighted.kerasLoss) < 1e-12);
});

test("sample weights: the loss and gradient are Σ wᵢ·ℓᵢ / N as PyTorch computes it from reduction 'none'", () => {
  const x = f64(fx.logits),
    labels = nb.tensor(fx.labels, undefined, 'int32');
  const model = identityLogits();
  const step = nb.makeTrainStep(model, { loss: sparseLogits, optimizer: 'sgd' });
  const r = step(step.params(), step.initOptState(), { x, y: labels, sampleWeight: f64(fx.sampleWeight) });
  close(r.loss, f64([fx.sampleWeighted.kerasLoss]).reshape([]), 1e-12, 'loss');
  close(r.grads[step.names[0]!]!, nb.matmul(nb.transpose(x), f64(fx.sampleWeighted.gradLogits)), 1e-12, 'gradient');
});

test('evaluate with sampleWeight: mean squared error weighted by hand, over batches of any size', () => {
  const model = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3] })]);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = nb.randomNormal([5, 3]),
    y = nb.randomNormal([5, 2]);
  const w = [1, 0, 2, 0.5, 3];
  const p = model.predict(x);
  const per = nb.mean(nb.square(nb.sub(p, y)), 1).storage as Float32Array;
  const want = w.reduce((s, wi, i) => s + wi * per[i]!, 0) / 5;
  for (const batchSize of [5, 2]) {
    const got = model.evaluate(x, y, { sampleWeight: nb.tensor(w), batchSize })['loss']!;
    assert.ok(Math.abs(got - want) < 1e-6, `batchSize ${batchSize}: ${got} vs ${want}`);
  }
  // weights of 1 are the unweighted loss
  assert.ok(Math.abs(model.evaluate(x, y, { sampleWeight: nb.ones([5]) })['loss']! - model.evaluate(x, y)['loss']!) < 1e-6);
});

test('fit with classWeight trains exactly as fit with the sample weights it stands for, for sparse and one-hot labels; validationData takes weights third', async () => {
  const x = nb.randomNormal([24, 4]);
  const labels = nb.tensor(
    Array.from({ length: 24 }, (_, i) => (i * 5) % 3),
    undefined,
    'int32',
  );
  const classWeight = { 0: 1, 1: 4, 2: 0.5 };
  const sw = nb.tensor(Array.from(labels.storage as Int32Array, (c) => classWeight[c as 0 | 1 | 2]));
  for (const [loss, y] of [
    ['sparseCategoricalCrossentropy', labels],
    ['categoricalCrossentropy', nb.oneHot(labels, 3)],
  ] as const) {
    const histories: Record<string, number[]>[] = [];
    const weights: Tensor[][] = [];
    for (const opts of [{ classWeight }, { sampleWeight: sw }]) {
      nb.seed(5);
      const m = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
      m.compile({ optimizer: 'sgd', loss, metrics: ['accuracy'] });
      nb.seed(6);
      const h = await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, ...opts, validationData: [x, y, sw] });
      histories.push(h.history);
      weights.push(m.getWeights());
    }
    assert.deepEqual(histories[0], histories[1], loss);
    weights[0]!.forEach((w, i) => assert.deepEqual(Array.from(w.storage as Float32Array), Array.from(weights[1]![i]!.storage as Float32Array)));
  }
  // weighting changes training: class 1 weighs more than without weights
  nb.seed(5);
  const plain = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
  plain.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  nb.seed(6);
  const hp = await plain.fit(x, labels, { epochs: 2, batchSize: 8, verbose: 0 });
  nb.seed(5);
  const weighted = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
  weighted.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  nb.seed(6);
  const hw = await weighted.fit(x, labels, { epochs: 2, batchSize: 8, verbose: 0, classWeight });
  assert.notDeepEqual(hw.history['loss'], hp.history['loss']);
});

test('sample weights reach the compiled training step: jitCompile true and false give the same weights', async () => {
  const x = nb.randomNormal([16, 3]),
    y = nb.randomNormal([16, 1]);
  const w = nb.randomUniform([16]);
  const out: Tensor[][] = [];
  for (const jitCompile of [false, true]) {
    nb.seed(8);
    const m = nb.sequential([nb.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), nb.layers.dense({ units: 1 })]);
    m.compile({ optimizer: 'adam', loss: 'mse', jitCompile });
    nb.seed(9);
    await m.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, sampleWeight: w });
    out.push(m.getWeights());
  }
  out[0]!.forEach((t, i) => assert.deepEqual(Array.from(t.storage as Float32Array), Array.from(out[1]![i]!.storage as Float32Array)));
});

test('sampleWeight and classWeight errors: the length, both at once, bad class keys, a custom loss without per-example values', async () => {
  const m = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3] })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = nb.ones([4, 3]),
    y = nb.ones([4, 2]);
  await assert.rejects(m.fit(x, y, { sampleWeight: nb.ones([3]) }), /fit: sampleWeight must hold one weight per example, shape \[4\], got \[3\]/);
  await assert.rejects(m.fit(x, y, { sampleWeight: [1, 1, -1, 1] }), /fit: sampleWeight\[2\] is -1; weights must be finite and non-negative/);
  await assert.rejects(m.fit(x, y, { sampleWeight: nb.ones([4]), classWeight: { 0: 1 } }), /fit: give sampleWeight or classWeight, not both/);
  await assert.rejects(m.fit(x, y, { classWeight: { a: 1 } as never }), /fit: classWeight keys must be class indices/);
  await assert.rejects(m.fit(x, y, { validationData: [x, y, nb.ones([2])] }), /fit: validationData sampleWeight must hold one weight per example, shape \[4\]/);
  assert.throws(() => m.evaluate(x, y, { sampleWeight: nb.ones([5]) }), /evaluate: sampleWeight must hold one weight per example/);
  assert.throws(() => m.predict(x, { sampleWeight: nb.ones([4]) } as never), /predict: unknown option 'sampleWeight'|predict: .*sampleWeight/);
  m.compile({ optimizer: 'sgd', loss: (a, b) => nb.losses.meanSquaredError(a, b) });
  await assert.rejects(m.fit(x, y, { sampleWeight: nb.ones([4]) }), /a custom loss used with sampleWeight or classWeight must return one loss per example/);
});
