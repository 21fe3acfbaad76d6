import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import {
  Adam,
  type Optimizer,
  SGD,
  adagrad,
  adam,
  adamw,
  cosineDecay,
  exponentialDecay,
  getOptimizer,
  optimizerFromConfig,
  rmsprop,
  sgd,
  stepDecay,
} from '../../src/optim/index.js';

/** Runs 4 steps of `opt` on fixed float64 variables and gradients; returns the final values. */
function trajectory(opt: Optimizer): number[][] {
  const gen = new nb.Generator(7);
  const vars = [
    nb.variable(nb.randomNormal([2, 3], 0, 1, { dtype: 'float64', generator: gen })),
    nb.variable(nb.randomNormal([3], 0, 1, { dtype: 'float64', generator: gen })),
  ];
  for (let step = 0; step < 4; step++) {
    opt.applyGradients(
      vars.map((v) => nb.randomNormal(v.shape as number[], 0, 1, { dtype: 'float64', generator: gen })),
      vars,
    );
  }
  return vars.map((v) => v.value.toArray().flat());
}

const configured: Array<() => Optimizer> = [
  () => sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true, clipValue: 0.7 }),
  () => adagrad({ learningRate: 0.2, initialAccumulatorValue: 0.5, epsilon: 1e-6, clipNorm: 1 }),
  () => rmsprop({ learningRate: stepDecay({ boundaries: [1, 2], values: [0.1, 0.05, 0.01] }), rho: 0.8, momentum: 0.3, centered: true }),
  () => adam({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5, staircase: true }), beta1: 0.7, globalClipNorm: 1.5 }),
  () => adamw({ learningRate: cosineDecay({ initialLearningRate: 0.1, decaySteps: 3, alpha: 0.1, warmupSteps: 1 }), weightDecay: 0.05, epsilon: 1e-3 }),
];

for (const make of configured) {
  const original = make();
  test(`${original.className}: getConfig → JSON → optimizerFromConfig gives the same updates`, () => {
    const config = original.getConfig();
    const json = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    assert.deepEqual(json, config); // plain data
    const again = optimizerFromConfig(json);
    assert.equal(again.className, original.className);
    assert.deepEqual(again.getConfig(), config);
    assert.equal(again.iterations, 0);
    assert.deepEqual(trajectory(again), trajectory(make()));
  });
}

test('a schedule is stored as its config', () => {
  const config = adam({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }) }).getConfig();
  assert.deepEqual(config.learningRate, { className: 'ExponentialDecay', initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9, staircase: false });
  assert.throws(
    () => adam({ learningRate: (t: number) => 0.1 / (t + 1) }).getConfig(),
    /adam\.getConfig: the learning-rate schedule is a plain function without a config and cannot be serialised/,
  );
});

test('optimizerFromConfig rejects unknown classes', () => {
  assert.throws(
    () => optimizerFromConfig({ className: 'Adadelta' }),
    /optimizerFromConfig: unknown className "Adadelta" \(expected one of SGD, Adagrad, RMSprop, Adam, AdamW\)/,
  );
  assert.throws(() => optimizerFromConfig({ className: 'toString' }), /unknown className "toString"/);
  assert.throws(() => optimizerFromConfig({ className: 'Adam', beta1: 3 }), /adam: beta1 must be in \[0, 1\), got 3/);
});

test('getOptimizer: names with Keras defaults, or the optimiser itself', () => {
  assert.ok(getOptimizer('sgd') instanceof SGD);
  assert.deepEqual(getOptimizer('momentum').getConfig(), { className: 'SGD', learningRate: 0.01, momentum: 0.9, nesterov: false });
  assert.ok(getOptimizer('Adam') instanceof Adam);
  assert.equal(getOptimizer('adamw').className, 'AdamW');
  assert.equal(getOptimizer('RMSProp').className, 'RMSprop');
  assert.equal(getOptimizer('adagrad').className, 'Adagrad');
  assert.notEqual(getOptimizer('adam'), getOptimizer('adam')); // a fresh optimiser each time
  const mine = adam({ learningRate: 0.1 });
  assert.equal(getOptimizer(mine), mine);
  assert.throws(
    () => getOptimizer('nadam'),
    /getOptimizer: unknown optimizer "nadam" \(expected one of sgd, momentum, adagrad, rmsprop, adam, adamw, or an Optimizer\)/,
  );
});
