import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { adagrad, adam, adamw, rmsprop, sgd } from '../../src/optim/index.js';

/** Asserts that fn throws an ArgumentError whose message is exactly `message`. */
function throwsArgument(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof nb.ArgumentError, `expected an ArgumentError, got ${e}`);
    assert.equal(e.message, message);
    return true;
  });
}

test('learningRate must be a positive finite number or a schedule', () => {
  throwsArgument(() => adam({ learningRate: 0 }), 'adam: learningRate must be a positive finite number or a schedule, got 0');
  throwsArgument(() => sgd({ learningRate: -0.1 }), 'sgd: learningRate must be a positive finite number or a schedule, got -0.1');
  throwsArgument(() => rmsprop({ learningRate: NaN }), 'rmsprop: learningRate must be a positive finite number or a schedule, got NaN');
  throwsArgument(() => adagrad({ learningRate: Infinity }), 'adagrad: learningRate must be a positive finite number or a schedule, got Infinity');
  throwsArgument(() => adamw({ learningRate: '0.1' as never }), 'adamw: learningRate must be a positive finite number or a schedule, got "0.1"');
  assert.equal(adam({ learningRate: (t: number) => 1 / (t + 1) }).getLearningRate(), 1);
});

test('each hyperparameter is checked against its range', () => {
  throwsArgument(() => adam({ beta1: 1.5 }), 'adam: beta1 must be in [0, 1), got 1.5');
  throwsArgument(() => adam({ beta1: 1 }), 'adam: beta1 must be in [0, 1), got 1');
  throwsArgument(() => adam({ beta2: -0.1 }), 'adam: beta2 must be in [0, 1), got -0.1');
  throwsArgument(() => adam({ epsilon: -1e-8 }), 'adam: epsilon must be a finite number >= 0, got -1e-8');
  throwsArgument(() => adamw({ beta1: 2 }), 'adamw: beta1 must be in [0, 1), got 2');
  throwsArgument(() => adamw({ weightDecay: -0.01 }), 'adamw: weightDecay must be a finite number >= 0, got -0.01');
  throwsArgument(() => sgd({ momentum: 1.1 }), 'sgd: momentum must be in [0, 1], got 1.1');
  throwsArgument(() => sgd({ momentum: -0.5 }), 'sgd: momentum must be in [0, 1], got -0.5');
  throwsArgument(() => sgd({ nesterov: true }), 'sgd: nesterov requires momentum > 0');
  throwsArgument(() => sgd({ nesterov: 'yes' as never, momentum: 0.9 }), 'sgd: nesterov must be true or false, got "yes"');
  throwsArgument(() => rmsprop({ rho: 1 }), 'rmsprop: rho must be in [0, 1), got 1');
  throwsArgument(() => rmsprop({ momentum: 2 }), 'rmsprop: momentum must be in [0, 1], got 2');
  throwsArgument(() => rmsprop({ epsilon: NaN }), 'rmsprop: epsilon must be a finite number >= 0, got NaN');
  throwsArgument(() => rmsprop({ centered: 1 as never }), 'rmsprop: centered must be true or false, got 1');
  throwsArgument(() => adagrad({ initialAccumulatorValue: -1 }), 'adagrad: initialAccumulatorValue must be a finite number >= 0, got -1');
  throwsArgument(() => adagrad({ epsilon: Infinity }), 'adagrad: epsilon must be a finite number >= 0, got Infinity');
});

test('clipping options must be positive, and clipNorm excludes globalClipNorm', () => {
  throwsArgument(() => sgd({ clipNorm: 0 }), 'sgd: clipNorm must be a positive finite number, got 0');
  throwsArgument(() => adam({ clipValue: -1 }), 'adam: clipValue must be a positive finite number, got -1');
  throwsArgument(() => rmsprop({ globalClipNorm: Infinity }), 'rmsprop: globalClipNorm must be a positive finite number, got Infinity');
  throwsArgument(() => adam({ clipNorm: 1, globalClipNorm: 1 }), 'adam: only one of clipNorm and globalClipNorm can be set');
  assert.doesNotThrow(() => adam({ clipNorm: 1, clipValue: 0.5 }));
});

test('unknown options and non-object options are rejected', () => {
  throwsArgument(
    () => adam({ lr: 0.1 } as never),
    "adam: unknown option 'lr' (expected one of learningRate, clipNorm, clipValue, globalClipNorm, beta1, beta2, epsilon)",
  );
  throwsArgument(
    () => sgd({ weightDecay: 0.1 } as never),
    "sgd: unknown option 'weightDecay' (expected one of learningRate, clipNorm, clipValue, globalClipNorm, momentum, nesterov)",
  );
  throwsArgument(() => rmsprop(0.1 as never), 'rmsprop: expected an options object, got 0.1');
  assert.equal(adamw(null as never).weightDecay, 0.004); // null and undefined mean the defaults
  assert.equal(adam(undefined).beta1, 0.9);
});

test('the defaults are those of Keras', () => {
  assert.deepEqual(sgd().getConfig(), { className: 'SGD', learningRate: 0.01, momentum: 0, nesterov: false });
  assert.deepEqual(adam().getConfig(), { className: 'Adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  assert.deepEqual(adamw().getConfig(), { className: 'AdamW', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 });
  assert.deepEqual(rmsprop().getConfig(), { className: 'RMSprop', learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
  assert.deepEqual(adagrad().getConfig(), { className: 'Adagrad', learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
});

test('a schedule that returns a bad rate is reported at the update', () => {
  const opt = sgd({ learningRate: () => NaN });
  const v = nb.variable(nb.tensor([1, 2]));
  throwsArgument(() => opt.applyGradients([nb.tensor([1, 1])], [v]), 'sgd: the learning-rate schedule returned NaN at step 0; expected a finite number >= 0');
  assert.deepEqual(v.value.toArray(), [1, 2]);
});
