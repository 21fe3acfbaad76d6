import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { progressBarFactory } from '../../src/train/progress-bar.js';

test('ProgressLogger draws with the installed bar factory (how an application or the CLI supplies a bar)', async () => {
  const calls: string[] = [];
  nb.callbacks.setProgressBarFactory((format) => ({
    start: (total) => calls.push(`start ${total} ${format.slice(0, 9)}`),
    update: (value) => calls.push(`update ${value}`),
    stop: () => calls.push('stop'),
  }));
  try {
    const model = nb.sequential([nb.layers.dense({ units: 1, inputShape: [2], seed: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = nb.tensor([[1, 2], [3, 4], [5, 6]]), y = nb.tensor([[1], [2], [3]]);
    await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [new nb.callbacks.ProgressLogger(() => {})] });
  } finally {
    nb.callbacks.setProgressBarFactory(null);
  }
  assert.deepEqual(calls, ['start 2 Epoch 1/1', 'update 1', 'update 2', 'update 2', 'stop']);
});

test('without an installed factory: no bar off a terminal; in a Node terminal, the lazily loaded cli-progress bar', async () => {
  assert.equal(await progressBarFactory(false), null);
  const factory = await progressBarFactory(true);
  assert.equal(typeof factory, 'function');
  const bar = factory!('{bar}');
  assert.equal(typeof bar.start, 'function');
  assert.equal(typeof bar.stop, 'function');
});

test('the progress line shows the loss and metrics, not the batch index and size', async () => {
  const { formatLogs } = await import('../../src/train/progress.js');
  assert.equal(formatLogs({ batch: 3, size: 32, loss: 0.5, accuracy: 0.25 }), 'loss: 0.5000 - accuracy: 0.2500');
});
