// Names are string-literal unions: an editor completes them and a typo fails to compile. The
// expect-error directives below are checked by tsc when the suite builds (an unflagged typo would
// make the build fail), and each typo also fails at run time, for JavaScript users.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../src/index.js';

test('a misspelled loss, optimiser, metric or activation name fails to compile, and throws at run time', () => {
  const model = nb.sequential([nb.layers.dense({ units: 3, inputShape: [4] })]);
  // @ts-expect-error 'categoricalCrossentropi' is not a loss name
  assert.throws(() => model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropi' }), /unknown loss/);
  // @ts-expect-error 'adamm' is not an optimiser name
  assert.throws(() => model.compile({ optimizer: 'adamm', loss: 'mse' }), /unknown optimizer/);
  // @ts-expect-error 'acuracy' is not a metric name
  assert.throws(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acuracy'] }), /unknown metric/);
  // @ts-expect-error 'rleu' is not an activation name
  assert.throws(() => nb.layers.dense({ units: 2, activation: 'rleu' }), /unknown activation/);
  // the accepted spellings, Keras's aliases included, compile and work
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['acc'] });
  nb.layers.dense({ units: 2, activation: 'leaky_relu' });
  const names: nb.losses.LossSpelling[] = ['mse', 'binaryCrossentropy'];
  assert.deepEqual(names.map((n) => nb.losses.canonicalLossName(n)), ['meanSquaredError', 'binaryCrossentropy']);
});

test('grad and valueAndGrad return the gradient tree of the argument (argnums): its keys and tensors are typed', () => {
  const params = { W: nb.ones([2, 3]), b: nb.zeros([3]) };
  const x = nb.ones([4, 2]);
  const loss = (p: { W: nb.Tensor; b: nb.Tensor }, input: nb.Tensor) => nb.sum(nb.add(nb.matmul(input, p.W), p.b));
  const g = nb.grad(loss)(params, x);
  const dW: nb.Tensor = g.W;                 // typed: a Tensor, no cast
  // @ts-expect-error the gradient has the argument's keys only
  assert.equal(g.c, undefined);
  assert.deepEqual(dW.shape, [2, 3]);
  const [dp, dx] = nb.grad(loss, { argnums: [0, 1] })(params, x);   // a tuple, one tree per argnum
  assert.deepEqual([dp.b.shape, dx.shape], [[3], [4, 2]]);
  const [value, dInput] = nb.valueAndGrad(loss, { argnums: 1 })(params, x);
  assert.equal(value.item(), 4 * 3 * 2 * 1 * 1 + 0);
  assert.deepEqual(dInput.shape, [4, 2]);
});
