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
  assert.deepEqual(
    names.map((n) => nb.losses.canonicalLossName(n)),
    ['meanSquaredError', 'binaryCrossentropy'],
  );
});

test('grad and valueAndGrad return the gradient tree of the argument (argnums): its keys and tensors are typed', () => {
  const params = { W: nb.ones([2, 3]), b: nb.zeros([3]) };
  const x = nb.ones([4, 2]);
  const loss = (p: { W: nb.Tensor; b: nb.Tensor }, input: nb.Tensor) => nb.sum(nb.add(nb.matmul(input, p.W), p.b));
  const g = nb.grad(loss)(params, x);
  const dW: nb.Tensor = g.W; // typed: a Tensor, no cast
  // @ts-expect-error the gradient has the argument's keys only
  assert.equal(g.c, undefined);
  assert.deepEqual(dW.shape, [2, 3]);
  const [dp, dx] = nb.grad(loss, { argnums: [0, 1] })(params, x); // a tuple, one tree per argnum
  assert.deepEqual([dp.b.shape, dx.shape], [[3], [4, 2]]);
  const [value, dInput] = nb.valueAndGrad(loss, { argnums: 1 })(params, x);
  assert.equal(value.item(), 4 * 3 * 2 * 1 * 1 + 0);
  assert.deepEqual(dInput.shape, [4, 2]);
});

test("vjp's pullback returns one gradient tree per argument, shaped like it; its cotangent is shaped like the output", () => {
  const params = { W: nb.ones([2, 3]), b: nb.zeros([3]) };
  const x = nb.ones([4, 2]);
  const [y, pullback] = nb.vjp((p: { W: nb.Tensor; b: nb.Tensor }, input: nb.Tensor) => nb.add(nb.matmul(input, p.W), p.b), params, x);
  const [dp, dx] = pullback(nb.onesLike(y));
  const dW: nb.Tensor = dp.W; // typed: no cast
  assert.deepEqual([dW.shape, dp.b.shape, dx.shape], [[2, 3], [3], [4, 2]]);
  // @ts-expect-error the gradient tree has the argument's keys only
  assert.equal(dp.c, undefined);
  // @ts-expect-error a tuple of two: there is no third argument
  assert.equal(pullback(nb.onesLike(y))[2], undefined);
  const [, pair] = nb.vjp((a: nb.Tensor) => [nb.exp(a), nb.sin(a)] as [nb.Tensor, nb.Tensor], nb.zeros([2]));
  // @ts-expect-error the output is a pair: so is the cotangent
  assert.throws(() => pair(nb.ones([2])), /vjp: the cotangent has 1 tensor\(s\) but the output has 2/);
  assert.deepEqual(pair([nb.ones([2]), nb.ones([2])])[0].toArray(), [2, 2]);
});

test('applyGradients and update take gradients shaped like the variables; another structure fails to compile', () => {
  const W = nb.variable(nb.ones([2, 2]), { name: 'W' }),
    b = nb.variable(nb.zeros([2]), { name: 'b' });
  const opt = nb.optimizers.sgd({ learningRate: 0.5 });
  const gW = nb.ones([2, 2]),
    gb = nb.ones([2]);
  opt.applyGradients({ W: gW, b: gb }, { W, b });
  opt.applyGradients({ W: gW }, { W, b }); // a missing gradient: that variable is left alone
  opt.applyGradients([gW, null], [W, b]);
  // @ts-expect-error an object of gradients for an array of variables
  assert.throws(() => opt.applyGradients({ W: gW, b: gb }, [W, b]), /expected an array of 2, got an object/);
  // @ts-expect-error a gradient no variable has
  assert.throws(() => opt.applyGradients({ W: gW, c: gb }, { W, b }), /gradient \.c has no matching variable/);
  // @ts-expect-error variables where the gradients go
  assert.throws(() => opt.applyGradients([W, b], [W, b]), /found a Variable where a gradient tensor was expected/);
  assert.deepEqual(W.value.toArray(), [
    [-0.5, -0.5],
    [-0.5, -0.5],
  ]);
  const params = { W: nb.ones([2]), b: nb.zeros([1]) };
  const { params: next } = opt.update({ b: nb.ones([1]) }, opt.init(params), params);
  const nextB: nb.Tensor = next.b;
  assert.deepEqual(nextB.toArray(), [-0.5]);
  // @ts-expect-error an array for an object of parameters
  assert.throws(() => opt.update([nb.ones([2])], opt.init(params), params), /expected an object/);
});

test('a misspelled initializer name fails to compile, and throws at run time', () => {
  // @ts-expect-error 'glorotUnifrom' is not an initializer name
  assert.throws(() => nb.layers.dense({ units: 2, kernelInitializer: 'glorotUnifrom' }), /unknown initializer 'glorotUnifrom'/);
  // @ts-expect-error 'orthogonal' is a recurrent layer's initializer, not a dense one's
  assert.throws(() => nb.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'orthogonal' }), /unknown initializer 'orthogonal'/);
  const names: nb.initializers.InitializerSpelling[] = ['heNormal', 'glorot_uniform', 'zeros'];
  for (const n of names) nb.layers.dense({ units: 2, inputShape: [3], kernelInitializer: n });
  nb.layers.lstm({ units: 2, recurrentInitializer: 'orthogonal', kernelInitializer: 'he_uniform' });
  const all: Record<nb.initializers.InitializerName, true> = {
    zeros: true,
    ones: true,
    randomNormal: true,
    randomUniform: true,
    glorotUniform: true,
    glorotNormal: true,
    heNormal: true,
    heUniform: true,
  };
  for (const n of Object.keys(all)) assert.equal(typeof nb.initializers.getInitializer(n as nb.initializers.InitializerName), 'function', n);
});
