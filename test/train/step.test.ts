import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';

const data = () => {
  const x = nb.tensor(
    Array.from({ length: 24 }, (_, i) => Math.sin(i)),
    [8, 3],
  );
  const y = nb.tensor(
    Array.from({ length: 8 }, (_, i) => Math.cos(i)),
    [8, 1],
  );
  return { x, y };
};
const net = () =>
  nb.sequential([
    nb.layers.dense({ units: 4, inputShape: [3], seed: 1, activation: 'tanh', kernelRegularizer: nb.regularizers.l2(0.01) }),
    nb.layers.batchNormalization(),
    nb.layers.dense({ units: 1, seed: 2 }),
  ]);
const values = (m: nb.Sequential) => m.getWeights().map((w) => Array.from(w.storage));

test('a step is pure: the model, its batch-norm statistics and the optimiser are unchanged; the results are returned by name', () => {
  const model = net();
  const optimizer = nb.optimizers.adam({ learningRate: 0.01 });
  const trainer = nb.makeTrainStep(model, { loss: 'mse', optimizer });
  const before = values(model);
  const params = trainer.params();
  const r = trainer(params, trainer.initOptState(), data());
  assert.deepEqual(values(model), before, 'no variable of the model was assigned');
  assert.equal(optimizer.iterations, 0);
  assert.deepEqual(
    Object.keys(r.params),
    model
      .namedParameters()
      .filter(([, v]) => v.trainable)
      .map(([k]) => k),
  );
  assert.deepEqual(
    Object.keys(r.state).sort(),
    model
      .namedParameters()
      .filter(([, v]) => !v.trainable)
      .map(([k]) => k)
      .sort(),
  );
  assert.equal(r.optState.iterations, 1);
  assert.deepEqual(r.outputs.shape, [8, 1]);
  assert.equal(r.loss.size, 1);
  for (const k of trainer.names) assert.notDeepEqual(Array.from(r.params[k]!.storage), Array.from(params[k]!.storage), k);
});

test('step + write back gives bit for bit what fit gives (one batch per epoch, two epochs), with batch-norm statistics', async () => {
  const { x, y } = data();
  const a = net();
  a.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
  await a.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });

  const b = net();
  const trainer = nb.makeTrainStep(b, { loss: 'mse', optimizer: nb.optimizers.adam({ learningRate: 0.01 }) });
  let params = trainer.params(),
    optState = trainer.initOptState(),
    state = trainer.state();
  for (let epoch = 0; epoch < 2; epoch++) {
    const r = trainer(params, optState, { x, y }, state);
    ({ params, optState, state } = r);
  }
  trainer.write(params, state);
  assert.deepEqual(values(b), values(a));
});

test('the loss includes the regularisation penalty, and outputs are the training-mode predictions', () => {
  const model = net();
  const trainer = nb.makeTrainStep(model, { loss: 'mse', optimizer: 'sgd', metrics: { mae: (t: Tensor, p: Tensor) => nb.mean(nb.abs(nb.sub(t, p))) } });
  const { x, y } = data();
  const r = trainer(trainer.params(), trainer.initOptState(), { x, y });
  const pred = nb.noGrad(() => model.call(x, true)); // eager: also updates the statistics, which the step did not
  assert.deepEqual(Array.from(r.outputs.storage), Array.from(pred.storage));
  const penalty = model.layers[0]!.regularizationLosses()[0]!;
  const expected = nb.add(nb.losses.meanSquaredError(y, pred), penalty);
  assert.ok(Math.abs(r.loss.item() - expected.item()) < 1e-6);
  assert.ok(Math.abs(r.metrics.mae!.item() - nb.mean(nb.abs(nb.sub(y, pred))).item()) < 1e-6);
});

test('makeTrainStep works over any Module with forward(x), not only Sequential', () => {
  class Affine extends nb.nn.Module {
    w = this.registerParameter('w', nb.variable(nb.tensor([[1], [2], [3]]), { name: 'w' }));
    forward(x: Tensor) {
      return nb.matmul(x, this.w);
    }
  }
  const m = new Affine();
  const trainer = nb.makeTrainStep(m, { loss: 'mse', optimizer: nb.optimizers.sgd({ learningRate: 0.1 }) });
  const { x, y } = data();
  const r = trainer(trainer.params(), trainer.initOptState(), { x, y });
  // plain SGD: w' = w − η·∂L/∂w, with ∂L/∂w from grad
  const g = nb.grad((w: Tensor) => nb.losses.meanSquaredError(y, nb.matmul(x, w)))(m.w.value);
  const expected = nb.sub(m.w.value, nb.mul(g, 0.1));
  assert.deepEqual(Array.from(r.params.w!.storage), Array.from(expected.storage));
  assert.deepEqual(Array.from(r.grads.w!.storage), Array.from(g.storage));
});

test('batch normalisation: eager call assigns its statistics; inside collectStateUpdates they are recorded, not assigned', () => {
  const bn = nb.layers.batchNormalization({ inputShape: [3] });
  const { x } = data();
  const mean0 = Array.from(bn.movingMean!.value.storage);
  const [, updates] = nb.nn.collectStateUpdates(() => bn.call(x, true));
  assert.deepEqual(Array.from(bn.movingMean!.value.storage), mean0);
  assert.deepEqual([...updates.keys()], [bn.movingMean, bn.movingVariance]);
  bn.call(x, true);
  assert.deepEqual(Array.from(bn.movingMean!.value.storage), Array.from(updates.get(bn.movingMean!)!.storage));
});

test('the step checks its arguments', () => {
  const model = net();
  const trainer = nb.makeTrainStep(model, { loss: 'mse', optimizer: 'adam' });
  const s = trainer.initOptState();
  assert.throws(() => trainer(trainer.params(), s, null as never), ArgumentError);
  const params = trainer.params();
  const k = trainer.names[0]!;
  assert.throws(() => trainer({ ...params, [k]: nb.zeros([2]) }, s, data()), ShapeError);
  const { [k]: _, ...missing } = params;
  assert.throws(() => trainer(missing, s, data()), new RegExp(`params\\['${k.replace('/', '\\/')}'\\]`));
  assert.throws(() => nb.makeTrainStep(model, { optimizer: 'adam' } as never), /loss is required/);
  assert.throws(() => nb.makeTrainStep(model, { loss: 'mse', optimizer: 'adam', junk: 1 } as never), ArgumentError);
  const unbuilt = nb.sequential([nb.layers.dense({ units: 2 })]);
  assert.throws(() => nb.makeTrainStep(unbuilt, { loss: 'mse', optimizer: 'adam' }), /not built yet/);
});
