import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

// History.diagnosis(): a one-line message when the training loss says the
// run diverged (did not fall below the first batch's loss, or grew 100-fold),
// null otherwise.

/** A History fed as fit feeds it: the first batch's loss, then each epoch's mean loss. */
function historyOf(start: number, epochLosses: number[]): nb.History {
  const h = new nb.History();
  h.onBatchEnd(0, { batch: 0, size: 8, loss: start });
  epochLosses.forEach((loss, e) => {
    h.onBatchEnd(0, { loss: loss * 3 });
    h.onEpochEnd(e, { loss });
  });
  return h;
}

test('diagnosis: null for a falling loss and before any epoch', () => {
  assert.equal(historyOf(2.3, [2.0, 1.5, 1.1]).diagnosis(), null);
  assert.equal(historyOf(2.3, [2.29]).diagnosis(), null);
  assert.equal(new nb.History().diagnosis(), null);
  const h = new nb.History();
  h.onBatchEnd(0, { loss: 1 });
  assert.equal(h.startLoss, 1);
  assert.equal(h.diagnosis(), null);
});

test("diagnosis: a last loss not below the first batch's says so and suggests a smaller learning rate", () => {
  const d = historyOf(2.3026, [14.17, 14.41, 14.41])!.diagnosis();
  assert.equal(
    d,
    'The training loss did not fall: it was 2.3026 on the first batch and 14.4100 in the last epoch (after 3 epochs); ' +
      'the training diverged or did not learn: try a smaller learning rate (10 times smaller, say).',
  );
  assert.match(historyOf(1, [0.5, 1])!.diagnosis()!, /did not fall: it was 1\.0000 on the first batch and 1\.0000 in the last epoch \(after 2 epochs\)/);
  // one epoch's mean includes the first batch: not judged (a single-batch run would always "not fall")
  assert.equal(historyOf(1, [1]).diagnosis(), null);
  assert.equal(historyOf(1, [1.2]).diagnosis(), null);
});

test('diagnosis: a loss that grew 100-fold before coming back is reported as unstable', () => {
  assert.equal(
    historyOf(0.5, [80, 0.4])!.diagnosis(),
    "The training loss exploded: it was 0.5000 on the first batch and reached 80.0000 (an epoch's mean) " +
      'before ending at 0.4000; the training is unstable: try a smaller learning rate (10 times smaller, say).',
  );
  assert.equal(historyOf(0.5, [40, 0.4])!.diagnosis(), null, '80-fold is below the threshold');
});

test('diagnosis of real runs: Adam at learning rate 1000 is diagnosed, at 0.01 it is not', async () => {
  const run = async (learningRate: number) => {
    nb.seed(7);
    const x = nb.randomNormal([120, 4]);
    const labels = nb.argmax(
      nb.matmul(
        x,
        nb.tensor([
          [2, -1, 0],
          [0, 2, -1],
          [-1, 0, 2],
          [1, 1, -2],
        ]),
      ),
      1,
    );
    const model = nb.sequential([nb.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), nb.layers.dense({ units: 3, activation: 'softmax' })]);
    model.compile({ optimizer: nb.optimizers.adam({ learningRate }), loss: 'categoricalCrossentropy' });
    return model.fit(x, nb.oneHot(labels, 3), { epochs: 5, batchSize: 16, verbose: 0 });
  };
  const diverged = await run(1000);
  assert.ok(diverged.history['loss']!.every(Number.isFinite), 'no NaN: only the diagnosis can tell');
  assert.match(diverged.diagnosis() ?? 'null', /^The training loss did not fall: .* try a smaller learning rate/);
  assert.equal((await run(0.01)).diagnosis(), null);
});
