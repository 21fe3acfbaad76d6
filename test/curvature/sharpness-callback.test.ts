import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

function regression(lr: number | ((step: number) => number)) {
  nb.seed(1);
  const n = 32;
  const x = nb.randomNormal([n, 2]);
  const y = nb.reshape(nb.sum(nb.tanh(nb.sin(nb.mul(x, 2))), 1), [n, 1]);
  const model = nb.sequential([nb.layers.dense({ units: 16, activation: 'tanh', inputShape: [2] }), nb.layers.dense({ units: 1 })]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: lr }), loss: 'mse' });
  return { model, x, y, n };
}

test('callbacks.sharpness: each record is the sharpness at the weights of that moment, with η and 2/η', async () => {
  const { model, x, y, n } = regression(0.2);
  const tracker = nb.callbacks.sharpness({ x, y, every: 2 });
  const direct: number[] = [];
  const after: nb.Callback = {
    onEpochEnd: (epoch) => {
      if ((epoch + 1) % 2 === 0) direct.push(nb.sharpness(model, x, y).value);
    },
  };
  const before = nb.sharpness(model, x, y).value;
  await model.fit(x, y, { epochs: 6, batchSize: n, shuffle: false, verbose: 0, callbacks: [tracker, after] });
  assert.deepEqual(
    tracker.records.map((r) => r.epoch),
    [0, 2, 4, 6],
  );
  assert.deepEqual(
    tracker.records.map((r) => r.step),
    [0, 2, 4, 6],
  );
  assert.deepEqual(
    tracker.records.map((r) => r.sharpness),
    [before, ...direct],
  );
  assert.ok(new Set(tracker.records.map((r) => r.sharpness)).size === 4, 'the weights moved between records');
  for (const r of tracker.records) {
    assert.equal(r.learningRate, 0.2);
    assert.equal(r.threshold, 10);
    assert.deepEqual(r.values, [r.sharpness]);
    assert.ok(r.converged);
  }
});

test('callbacks.sharpness: full-batch gradient descent sharpens progressively toward 2/η', async () => {
  const { model, x, y, n } = regression(0.2);
  const tracker = nb.callbacks.sharpness({ x, y, every: 20 });
  await model.fit(x, y, { epochs: 80, batchSize: n, shuffle: false, verbose: 0, callbacks: [tracker] });
  const s = tracker.records.map((r) => r.sharpness);
  assert.equal(s.length, 5);
  for (let i = 2; i < s.length; i++) assert.ok(s[i]! > s[i - 1]!, `λmax rises: ${s.map((v) => v.toFixed(3))}`);
  assert.ok(s.at(-1)! > 1.15 * s[0]!, `${s}`);
  assert.ok(s.at(-1)! < 2 / 0.2, 'and stays below 2/η while training is stable');
});

test("callbacks.sharpness: by batch, top-k values, a schedule's η at each record, or a given η", async () => {
  const schedule = (step: number) => 0.1 / (1 + step);
  const { model, x, y, n } = regression(schedule);
  const tracker = nb.callbacks.sharpness({ x, y, every: 3, unit: 'batch', k: 2, atStart: false });
  await model.fit(x, y, { epochs: 3, batchSize: n / 2, shuffle: false, verbose: 0, callbacks: [tracker] });
  assert.deepEqual(
    tracker.records.map((r) => r.step),
    [3, 6],
  );
  assert.deepEqual(
    tracker.records.map((r) => r.epoch),
    [1, 2],
  ); // epochs completed when the step-3 and step-6 records were taken
  assert.deepEqual(
    tracker.records.map((r) => r.learningRate),
    [schedule(3), schedule(6)],
  );
  for (const r of tracker.records) {
    assert.equal(r.values.length, 2);
    assert.ok(r.values[0]! >= r.values[1]!);
    assert.equal(r.threshold, 2 / r.learningRate);
  }
  const fixed = nb.callbacks.sharpness({ x, y, learningRate: 0.5, atStart: true });
  await model.fit(x, y, { epochs: 1, batchSize: n, verbose: 0, callbacks: [fixed] });
  assert.deepEqual(
    fixed.records.map((r) => [r.epoch, r.learningRate, r.threshold]),
    [
      [0, 0.5, 4],
      [1, 0.5, 4],
    ],
  );
});

test('callbacks.sharpness: clear errors', () => {
  const x = nb.zeros([4, 2]),
    y = nb.zeros([4, 1]);
  const arg = (re: RegExp) => (e: Error) => e instanceof nb.ArgumentError && re.test(e.message);
  assert.throws(() => nb.callbacks.sharpness(undefined as never), arg(/^callbacks.sharpness: expected options \{ x, y/));
  assert.throws(() => nb.callbacks.sharpness({ y } as never), arg(/x \(the inputs\) is required/));
  assert.throws(() => nb.callbacks.sharpness({ x, y, every: 0 }), arg(/every must be a positive integer, got 0/));
  assert.throws(() => nb.callbacks.sharpness({ x, y, unit: 'epochs' as 'epoch' }), arg(/unit must be 'epoch' or 'batch'/));
  assert.throws(() => nb.callbacks.sharpness({ x, y, k: 0 }), arg(/k must be a positive integer/));
  assert.throws(() => nb.callbacks.sharpness({ x, y, lr: 0.1 } as never), arg(/unknown option 'lr'/));
  assert.throws(() => nb.callbacks.sharpness({ x, y }).record(), arg(/no model yet/));
});
