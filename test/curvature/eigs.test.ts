import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

function setup() {
  nb.seed(5);
  const model = nb.sequential([nb.layers.dense({ units: 5, activation: 'tanh', inputShape: [3] }), nb.layers.dense({ units: 1 })]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
  const x = nb.randomNormal([16, 3]);
  const y = nb.reshape(nb.sin(nb.sum(x, 1)), [16, 1]);
  return { model, x, y };
}

const maxAbsDiff = (a: nb.Tensor, b: nb.Tensor) => nb.max(nb.abs(nb.sub(a, b))).item();

test("modelHessianEigs: the Hessian eigenpairs of the model's loss as named tensors, H·v = λ·v", () => {
  const { model, x, y } = setup();
  const r = nb.modelHessianEigs(model, x, y, { k: 2 });
  const f = nb.modelLoss(model);
  assert.deepEqual(r.names, f.names);
  assert.equal(r.values.length, 2);
  assert.ok(r.values[0]! > r.values[1]!);
  assert.ok(r.converged);
  // the same as hessianEigs on the loss as a function of the parameters
  const direct = nb.linalg.hessianEigs((p: nb.NamedTensors) => f.loss(p, x, y), f.params(), { k: 2 });
  assert.deepEqual(r.values, direct.values);
  // each vector is an eigenvector of the Hessian: check with nb.hvp
  const hv = nb.hvp((p: nb.NamedTensors) => f.loss(p, x, y));
  r.vectors.forEach((v, i) => {
    assert.deepEqual(Object.keys(v), f.names);
    const Hv = hv(f.params(), v);
    for (const k of f.names) assert.ok(maxAbsDiff(Hv[k]!, nb.mul(r.values[i]!, v[k]!)) < 1e-4 * r.values[0]!, `${k} of vector ${i}`);
    const norm2 = f.names.reduce((s, k) => s + nb.sum(nb.square(v[k]!)).item(), 0);
    assert.ok(Math.abs(norm2 - 1) < 1e-5);
  });
  // the model's weights are left as they were
  assert.deepEqual(
    model.getWeights().map((w) => w.toArray()),
    Object.values(f.params()).map((w) => w.toArray()),
  );
});

test('sharpness: λmax and its eigenvector; larger when the loss is scaled up', () => {
  const { model, x, y } = setup();
  const s = nb.sharpness(model, x, y);
  const r = nb.modelHessianEigs(model, x, y, { k: 1 });
  assert.equal(s.value, r.values[0]);
  assert.deepEqual(Object.keys(s.vector), r.names);
  assert.ok(s.residual < 1e-4 * s.value);
  // J scaled by 3 (a loss function of our own) has a Hessian 3 times larger
  const scaled = nb.sharpness(model, x, y, { loss: (t: nb.TensorLike, p: nb.TensorLike) => nb.mul(3, nb.losses.meanSquaredError(t, p)) });
  assert.ok(Math.abs(scaled.value - 3 * s.value) < 1e-4 * scaled.value, `${scaled.value} vs 3·${s.value}`);
});

test('modelHessianEigs and sharpness: clear errors', () => {
  const { model, x, y } = setup();
  const arg = (re: RegExp) => (e: Error) => e instanceof nb.ArgumentError && re.test(e.message);
  assert.throws(() => nb.sharpness(model, x, y, { k: 2 } as never), arg(/^sharpness: option 'k' is not for sharpness/));
  assert.throws(() => nb.modelHessianEigs(model, x, y, { kk: 2 } as never), arg(/^modelHessianEigs: unknown option 'kk'/));
  assert.throws(() => nb.modelHessianEigs(model, x, y, { k: 100 }), arg(/^hessianEigs: k = 100 eigenpairs asked for, but x has only 26 parameter/));
  assert.throws(() => nb.sharpness(model, nb.zeros([0, 3]), nb.zeros([0, 1])), arg(/^sharpness: x holds no examples/));
  assert.throws(
    () => nb.sharpness(model, x, nb.zeros([4, 1])),
    (e: Error) => e instanceof nb.ShapeError && /sharpness: x has 16 example\(s\) .* but y has shape \[4,1\]/.test(e.message),
  );
  const bare = nb.sequential([nb.layers.dense({ units: 1, inputShape: [3] })]);
  assert.throws(() => nb.sharpness(bare, x, y), /modelLoss: the model is not compiled/);
});
