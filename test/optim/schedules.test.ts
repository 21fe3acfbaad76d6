import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosineDecay, exponentialDecay, scheduleFromConfig, stepDecay } from '../../src/optim/index.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-15 * Math.abs(b), `${what}: ${a} vs ${b}`);

test('exponentialDecay: η₀·r^(t/T), and r^⌊t/T⌋ with staircase', () => {
  const smooth = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
  assert.equal(smooth(0), 0.1);
  close(smooth(10), 0.05, 't = 10');
  close(smooth(5), 0.1 * Math.SQRT1_2, 't = 5');
  close(smooth(30), 0.0125, 't = 30');
  const stairs = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
  assert.equal(stairs(9), 0.1);
  assert.equal(stairs(10), 0.05);
  assert.equal(stairs(19), 0.05);
  assert.equal(stairs(20), 0.025);
});

test('stepDecay: Keras PiecewiseConstantDecay (a boundary belongs to the interval below it)', () => {
  const keras = stepDecay({ boundaries: [100, 200], values: [1, 0.5, 0.1] });
  assert.deepEqual([0, 100, 101, 200, 201, 10_000].map(keras), [1, 1, 0.5, 0.5, 0.1, 0.1]);
  const withInitial = stepDecay({ initialLearningRate: 1, boundaries: [100, 200], values: [0.5, 0.1] });
  assert.deepEqual([0, 100, 101, 200, 201].map(withInitial), [1, 1, 0.5, 0.5, 0.1]);
  assert.deepEqual(withInitial.config, keras.config);
});

test('cosineDecay: η₀((1 − α)·½(1 + cos πp) + α), after a linear warm-up', () => {
  const s = cosineDecay({ initialLearningRate: 1, decaySteps: 4, alpha: 0.2 });
  assert.equal(s(0), 1);
  close(s(1), 0.2 + 0.8 * 0.5 * (1 + Math.SQRT1_2), 't = 1');
  close(s(2), 0.6, 't = 2 (halfway)');
  close(s(4), 0.2, 't = 4 (the end: α·η₀)');
  close(s(100), 0.2, 'after the end it stays at α·η₀');
  const w = cosineDecay({ initialLearningRate: 0.4, decaySteps: 2, warmupSteps: 4 });
  assert.deepEqual([0, 1, 2, 3].map(w), [0.1, 0.2, 0.30000000000000004, 0.4]);
  assert.equal(w(4), 0.4); // the decay starts at η₀
  close(w(5), 0.2, 'halfway through the decay');
  assert.equal(w(6), 0); // alpha defaults to 0
});

test('schedules carry a config and are rebuilt from it', () => {
  const made = [
    exponentialDecay({ initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.9, staircase: true }),
    stepDecay({ boundaries: [2], values: [0.1, 0.01] }),
    cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 0.1, warmupSteps: 2 }),
  ];
  for (const s of made) {
    const again = scheduleFromConfig(JSON.parse(JSON.stringify(s.config)));
    assert.deepEqual(again.config, s.config);
    for (let t = 0; t < 15; t++) assert.equal(again(t), s(t));
  }
  assert.equal(made[0]!.config!.className, 'ExponentialDecay');
  assert.equal(made[1]!.config!.className, 'PiecewiseConstantDecay');
  assert.equal(made[2]!.config!.className, 'CosineDecay');
});

test('schedule arguments are validated', () => {
  assert.throws(
    () => exponentialDecay({ initialLearningRate: 0, decaySteps: 1, decayRate: 0.5 }),
    /^ArgumentError: exponentialDecay: initialLearningRate must be a positive finite number, got 0$/,
  );
  assert.throws(() => exponentialDecay({ initialLearningRate: 0.1, decaySteps: -1, decayRate: 0.5 }), /decaySteps must be a positive finite number, got -1/);
  assert.throws(
    () => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5, staircase: 1 as unknown as boolean }),
    /exponentialDecay: staircase must be true or false, got 1/,
  );
  assert.throws(() => stepDecay({ boundaries: [2, 1], values: [1, 2, 3] }), /stepDecay: boundaries must be strictly increasing, got \[2, 1\]/);
  assert.throws(() => stepDecay({ boundaries: [1, 2], values: [1, 2] }), /stepDecay: values needs one more entry than boundaries \(3\), got 2/);
  assert.throws(
    () => stepDecay({ initialLearningRate: 1, boundaries: [1, 2], values: [1, 2, 3] }),
    /stepDecay: with initialLearningRate, values needs one entry per boundary \(2\), got 3/,
  );
  assert.throws(() => stepDecay({ boundaries: [1], values: [1, -2] }), /stepDecay: values\[1\] must be a finite number >= 0, got -2/);
  assert.throws(() => cosineDecay({ initialLearningRate: 1, decaySteps: 10, alpha: 2 }), /cosineDecay: alpha must be in \[0, 1\], got 2/);
  assert.throws(() => cosineDecay({ initialLearningRate: 1, decaySteps: 10, warmupSteps: 1.5 }), /cosineDecay: warmupSteps must be an integer >= 0, got 1.5/);
  assert.throws(() => cosineDecay({ initialLearningRate: 1, decaySteps: 10, warmup: 3 } as never), /cosineDecay: unknown option 'warmup'/);
  assert.throws(() => scheduleFromConfig({ className: 'Nope' }), /scheduleFromConfig: unknown schedule className "Nope"/);
});
