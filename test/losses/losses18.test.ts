import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

// Issue 18: the Huber, KL-divergence, Poisson and cosine-similarity losses by their Keras names,
// label smoothing, and their errors. Values, gradients and Hessian-vector products against
// PyTorch are in test/fixtures/ops18a.json (checked by test/ops/ops.test.ts).

test('the new losses by every Keras spelling', () => {
  const pairs: [string, nb.losses.LossFunction][] = [
    ['huber', nb.losses.huber],
    ['huber_loss', nb.losses.huber],
    ['kld', nb.losses.kullbackLeiblerDivergence],
    ['KLD', nb.losses.kullbackLeiblerDivergence],
    ['kl_divergence', nb.losses.kullbackLeiblerDivergence],
    ['kullback_leibler_divergence', nb.losses.kullbackLeiblerDivergence],
    ['poisson', nb.losses.poisson],
    ['cosine_similarity', nb.losses.cosineSimilarity],
  ];
  for (const [name, fn] of pairs) assert.equal(nb.losses.getLoss(name), fn, name);
  assert.equal(nb.losses.canonicalLossName('kld'), 'kullbackLeiblerDivergence');
});

test('hand-derived values: huber at the switch point, cosine similarity of parallel and opposite vectors', () => {
  // |x| = 2 > δ = 1: δ(|x| − δ/2) = 1.5; |x| = 0.5: 0.125; mean = 0.8125
  assert.equal(nb.losses.huber([[0, 0]], [[2, 0.5]]).item(), 0.8125);
  const c = nb.losses.cosineSimilarity(
    [
      [1, 2],
      [1, 0],
    ],
    [
      [2, 4],
      [-3, 0],
    ],
    { reduction: 'none' },
  );
  assert.deepEqual(
    c.toArray().map((v: number) => Math.round(v * 1e6) / 1e6),
    [-1, 1],
  );
  // KL(p ‖ p) = 0; label smoothing 1 makes every label 1/K
  assert.equal(nb.losses.kullbackLeiblerDivergence([[0.2, 0.8]], [[0.2, 0.8]]).item(), 0);
  const uniform = nb.losses.categoricalCrossentropy([[1, 0, 0, 0]], [[0.1, 0.2, 0.3, 0.4]], { labelSmoothing: 1 });
  const expected = -(Math.log(0.1) + Math.log(0.2) + Math.log(0.3) + Math.log(0.4)) / 4;
  assert.ok(Math.abs(uniform.item() - expected) < 1e-6);
  const sparse = nb.losses.sparseCategoricalCrossentropy([0], [[0.1, 0.2, 0.3, 0.4]], { labelSmoothing: 1 });
  assert.ok(Math.abs(sparse.item() - expected) < 1e-6);
});

test('errors name the loss and the option', () => {
  assert.throws(() => nb.losses.huber([1], [2], { delta: 0 }), /huber: delta must be a positive finite number/);
  assert.throws(() => nb.losses.binaryCrossentropy([1], [0.5], { labelSmoothing: 2 }), /binaryCrossentropy: labelSmoothing must be a number in \[0, 1\]/);
  assert.throws(() => nb.losses.poisson([[1, 2]], [[1, 2, 3]]), /poisson: yTrue \[1,2\] and yPred \[1,3\] must have the same shape/);
  assert.throws(() => nb.losses.cosineSimilarity([[1]], [[1]], { axis: 2 }), /cosineSimilarity: axis 2/);
  assert.throws(() => nb.losses.kullbackLeiblerDivergence([1], [1], { fromLogits: true }), /kullbackLeiblerDivergence: fromLogits does not apply/);
});

test('a model trains with a new loss by name', async () => {
  const m = nb.sequential([nb.layers.dense({ units: 1, inputShape: [2], seed: 1 })]);
  m.compile({ optimizer: 'sgd', loss: 'huber' });
  const x = nb.tensor([
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const y = nb.tensor([[1], [2], [3]]);
  const before = (nb.losses.huber(y, m.predict(x) as Tensor) as Tensor).item();
  await m.fit(x, y, { epochs: 20, verbose: 0 });
  const after = (nb.losses.huber(y, m.predict(x) as Tensor) as Tensor).item();
  assert.ok(after < before, `${after} < ${before}`);
});
