import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

// Option strings are looked up among a table's own names only, and layer
// options are checked in the constructor (issue 11 §7).

const INHERITED = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];
const argumentError = (pattern: RegExp) => (e: unknown) => e instanceof nb.ArgumentError && pattern.test((e as Error).message);

test('inherited names are unknown activations, everywhere an activation is named', () => {
  for (const name of INHERITED) {
    assert.throws(
      () => nb.layers.dense({ units: 2, activation: name as never }),
      argumentError(new RegExp(`^dense: unknown activation '${name}'; expected one of linear, sigmoid, tanh, relu`)),
    );
    assert.throws(() => nb.nn.getActivation(name), argumentError(/unknown activation/));
    assert.throws(() => nb.layers.lstm({ units: 2, recurrentActivation: name }), argumentError(/^lstm: unknown activation/));
    // a model file's layer config goes through the same lookup
    assert.throws(() => nb.nn.layerFromConfig({ className: 'Dense', config: { units: 2, activation: name } }), argumentError(/^dense: unknown activation/));
  }
});

test('inherited names are unknown initializers, regularizers, losses, metrics, optimizers and layer classes', () => {
  for (const name of INHERITED) {
    assert.throws(() => nb.layers.dense({ units: 2, kernelInitializer: name as never }), argumentError(/^dense: unknown initializer/));
    assert.throws(() => nb.layers.dense({ units: 2, kernelInitializer: { className: name } }), argumentError(/^dense: unknown initializer class/));
    assert.throws(() => nb.layers.dense({ units: 2, kernelRegularizer: name as never }), argumentError(/^dense: unknown regularizer/));
    assert.throws(() => nb.layers.dense({ units: 2, kernelRegularizer: { className: name } as never }), argumentError(/^dense: unknown regularizer class/));
    assert.throws(() => nb.losses.getLoss(name), argumentError(/unknown loss/));
    assert.throws(() => nb.metrics.getMetric(name), argumentError(/unknown metric/));
    assert.throws(() => nb.optimizers.getOptimizer(name), argumentError(/unknown optimizer/));
    assert.throws(() => nb.nn.layerFromConfig({ className: name, config: {} }), argumentError(/^layerFromConfig: unknown layer class/));
    assert.throws(
      () => nb.layers.conv2d({ filters: 1, kernelSize: 1, padding: name as never }),
      argumentError(/^conv2d: padding must be one of 'valid', 'same'/),
    );
  }
});

test('layer constructors reject bad options with the factory and option named', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => nb.layers.conv2d({ filters: 2, kernelSize: 0 }), /^conv2d: kernelSize must be a positive integer or a pair of them, got 0$/],
    [() => nb.layers.conv2d({ filters: 2, kernelSize: [3, 1.5] as never }), /^conv2d: kernelSize must be .* got \[3,1.5\]$/],
    [() => nb.layers.conv2d({ filters: 0, kernelSize: 3 }), /^conv2d: filters must be a positive integer, got 0$/],
    [() => nb.layers.conv2d({ filters: 2, kernelSize: 3, strides: -1 }), /^conv2d: strides must be/],
    [() => nb.layers.maxPooling2d({ poolSize: 'x' as never }), /^maxPooling2d: poolSize must be/],
    [() => nb.layers.dense({ units: 1.5 }), /^dense: units must be a positive integer, got 1.5$/],
    [() => nb.layers.dense({ units: Symbol('u') as never }), /^dense: units must be a positive integer, got a symbol$/],
    [() => nb.layers.dense(undefined as never), /^dense: expected an options object, got undefined$/],
    [() => nb.layers.dense({ units: 2, useBias: 'no' as never }), /^dense: useBias must be true or false/],
    [() => nb.layers.dense({ units: 2, dtype: 'int32' as never }), /^dense: dtype must be one of 'float32', 'float64'/],
    [() => nb.layers.dense({ units: 2, inputShape: [0] }), /^dense: inputShape\[0\] must be a positive integer, got 0$/],
    [() => nb.layers.dropout({ rate: 1 }), /^dropout: rate must be a number in \[0, 1\), got 1$/],
    [() => nb.layers.dropout({ rate: NaN }), /^dropout: rate must be a number in \[0, 1\)/],
    [() => nb.layers.reshape({ targetShape: [-1, -1] }), /^reshape: targetShape must be an array of positive integers with at most one -1/],
    [() => nb.layers.lstm({ units: 0 }), /^lstm: units must be a positive integer, got 0$/],
    [() => nb.layers.gru({ units: 2, resetAfter: 1 as never }), /^gru: resetAfter must be true or false/],
    [() => nb.layers.simpleRNN({ units: 2, returnSequences: 'yes' as never }), /^simpleRNN: returnSequences must be true or false/],
    [() => nb.layers.embedding({ inputDim: 0, outputDim: 2 }), /^embedding: inputDim must be a positive integer, got 0$/],
    [() => nb.layers.batchNormalization({ momentum: 2 }), /^batchNormalization: momentum must be a number in \[0, 1\]/],
    [() => nb.layers.batchNormalization({ axis: '1' as never }), /^batchNormalization: axis must be an integer/],
  ];
  for (const [fn, pattern] of cases) assert.throws(fn, argumentError(pattern), String(pattern));
});

test('an initializer that does not return a tensor of the weight shape is reported by the layer', () => {
  const bad = Object.assign(() => 1, { className: 'Bad', config: {} });
  const layer = nb.layers.dense({ units: 2, kernelInitializer: bad as never });
  assert.throws(
    () => layer.apply(nb.zeros([1, 3])),
    argumentError(/^dense_\d+: the initializer of weight 'kernel' returned 1, not a tensor of shape \[3,2\]$/),
  );
});
