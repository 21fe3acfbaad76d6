import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';

function model() {
  nb.seed(3);
  const m = nb.sequential([
    nb.layers.dense({ units: 4, activation: 'tanh', inputShape: [3], kernelRegularizer: nb.regularizers.l2(0.01) }),
    nb.layers.dense({ units: 2, activation: 'softmax' }),
  ]);
  m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return m;
}

test('modelLoss: J(θ) at the current weights is what evaluate reports (loss plus penalty), and the model is left alone', () => {
  const m = model();
  const x = nb.randomNormal([5, 3]);
  const y = nb.oneHot(nb.tensor([0, 1, 1, 0, 1], [5], 'int32'), 2);
  const f = nb.modelLoss(m);
  assert.equal(f.names.length, 4);
  const expected = nb.add(nb.losses.categoricalCrossentropy(y, m.predict(x)), nb.mul(0.01, nb.sum(nb.square(m.getWeights()[0]!)))).item();
  assert.ok(Math.abs(f.loss(f.params(), x, y).item() - expected) < 1e-6);
  // other parameters give another loss, and the model's weights do not change
  const before = m.getWeights().map((w) => w.toArray());
  const moved = Object.fromEntries(Object.entries(f.params()).map(([k, v]) => [k, nb.add(v, 0.5)]));
  const other = f.loss(moved, x, y).item();
  assert.notEqual(other, expected);
  assert.deepEqual(
    m.getWeights().map((w) => w.toArray()),
    before,
  );
  // differentiable in the parameters: matches the gradient of the same expression built by hand
  const g = nb.grad((p: Record<string, nb.Tensor>) => f.loss(p, x, y))(f.params()) as Record<string, nb.Tensor>;
  const byHand = nb.grad((k: nb.Tensor) => {
    const h = nb.tanh(nb.add(nb.matmul(x, k), m.getWeights()[1]!));
    const p = nb.softmax(nb.add(nb.matmul(h, m.getWeights()[2]!), m.getWeights()[3]!));
    return nb.add(nb.losses.categoricalCrossentropy(y, p), nb.mul(0.01, nb.sum(nb.square(k))));
  })(m.getWeights()[0]!) as nb.Tensor;
  assert.ok(nb.max(nb.abs(nb.sub(g['dense_1.kernel']!, byHand))).item() < 1e-6);
});

test('modelLoss: clear errors for a model that is not compiled, and for parameters of the wrong shape', () => {
  const m = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3] })]);
  assert.throws(() => nb.modelLoss(m), /modelLoss: the model is not compiled/);
  const f = nb.modelLoss(m, { loss: 'mse' });
  const [kernel, bias] = f.names as [string, string];
  assert.throws(
    () => f.loss({ [kernel]: nb.zeros([2, 3]), [bias]: nb.zeros([2]) }, nb.zeros([1, 3]), nb.zeros([1, 2])),
    (e: Error) => e instanceof nb.ShapeError && e.message.includes(`modelLoss: params['${kernel}'] has shape [2,3]`),
  );
  assert.throws(
    () => f.loss({ [kernel]: nb.zeros([3, 2]) }, nb.zeros([1, 3]), nb.zeros([1, 2])),
    (e: Error) => e.message.includes(`modelLoss: params['${bias}'] must be a Tensor`),
  );
});
