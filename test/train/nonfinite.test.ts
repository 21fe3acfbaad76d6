import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

// fit, evaluate and predict never train on or score NaN/±Inf silently: the
// data is checked once (with the position of the first bad value), every
// batch's loss and gradients are checked before the update, and a
// non-finite val_loss is reported as a warning.

/** A float tensor of `shape` with values i/10 and `bad` values at the given flat positions. */
function withBad(shape: number[], bad: [number, number][]): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: size }, (_, i) => (i % 7) / 10);
  for (const [i, v] of bad) data[i] = v;
  return nb.tensor(data, shape);
}

function dense(inputs: number, units = 2): nb.Sequential {
  const model = nb.sequential([nb.layers.dense({ units, inputShape: [inputs], seed: 1 })]);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  return model;
}

test('fit rejects NaN/±Inf in x, y and validation data with the example and feature index', async () => {
  const model = dense(3);
  const y = nb.zeros([10, 2]);
  // x[4, 2] = NaN, and two more
  await assert.rejects(
    model.fit(
      withBad(
        [10, 3],
        [
          [14, NaN],
          [20, Infinity],
          [29, NaN],
        ],
      ),
      y,
      { verbose: 0 },
    ),
    (e: Error) =>
      e instanceof nb.ArgumentError &&
      /^fit: x holds NaN at example 4, feature 2 \(x\[4, 2\]\) \(3 non-finite values in all\); .*allowNonFinite: true/.test(e.message),
  );
  await assert.rejects(
    model.fit(nb.zeros([10, 3]), withBad([10, 2], [[7, -Infinity]]), { verbose: 0 }),
    /fit: y holds -Infinity at example 3, feature 1 \(y\[3, 1\]\);/,
  );
  // the check runs before validationSplit, so the position is in x as given
  await assert.rejects(
    model.fit(withBad([10, 3], [[27, NaN]]), y, { validationSplit: 0.2, verbose: 0 }),
    /fit: x holds NaN at example 9, feature 0 \(x\[9, 0\]\)/,
  );
  await assert.rejects(
    model.fit(nb.zeros([10, 3]), y, { validationData: [nb.zeros([4, 3]), withBad([4, 2], [[5, NaN]])], verbose: 0 }),
    /fit: validationData y holds NaN at example 2, feature 1/,
  );
  // examples of several dimensions get a multi-index
  const image = nb.sequential([nb.layers.flatten({ inputShape: [2, 3, 2] }), nb.layers.dense({ units: 1 })]);
  image.compile({ optimizer: 'sgd', loss: 'mse' });
  // flat 12·3 + (1·6 + 2·2 + 1) = 47 is example 3, feature [1, 2, 1]
  await assert.rejects(
    image.fit(withBad([5, 2, 3, 2], [[47, Infinity]]), nb.zeros([5, 1]), { verbose: 0 }),
    /fit: x holds Infinity at example 3, feature \[1, 2, 1\] \(x\[3, 1, 2, 1\]\)/,
  );
  // nothing was trained
  assert.deepEqual(
    model.getWeights().map((w) => w.toArray()),
    dense(3)
      .getWeights()
      .map((w) => w.toArray()),
  );
});

test('allowNonFinite lets a loss that handles missing values train on them; int32 labels are not checked', async () => {
  nb.seed(1);
  const model = nb.sequential([nb.layers.dense({ units: 1, inputShape: [2], seed: 2 })]);
  // a loss that ignores NaN targets: mean over the finite ones
  const maskedMse = (yTrue: nb.TensorLike, yPred: nb.TensorLike) => {
    const ok = nb.equal(yTrue, yTrue);
    const diff = nb.where(ok, nb.sub(nb.where(ok, yTrue, 0), yPred), 0);
    return nb.div(nb.sum(nb.square(diff)), nb.maximum(nb.sum(nb.cast(ok, 'float32')), 1));
  };
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.1 }), loss: maskedMse });
  const x = nb.randomNormal([16, 2]);
  const y = nb.tensor(
    Array.from({ length: 16 }, (_, i) => (i === 5 ? NaN : i / 16)),
    [16, 1],
  );
  await assert.rejects(model.fit(x, y, { verbose: 0 }), /y holds NaN at example 5, feature 0/);
  const h = await model.fit(x, y, { epochs: 3, verbose: 0, allowNonFinite: true });
  assert.ok(h.history['loss']!.every(Number.isFinite));
  // sparse int32 labels cannot hold NaN and are not scanned
  const clf = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
  clf.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  await clf.fit(
    x,
    nb.tensor(
      Array.from({ length: 16 }, (_, i) => i % 3),
      [16],
      'int32',
    ),
    { verbose: 0 },
  );
});

test('evaluate and predict reject non-finite inputs unless allowNonFinite', () => {
  const model = dense(3);
  assert.throws(
    () => model.predict(withBad([6, 3], [[10, NaN]])),
    (e: Error) => e instanceof nb.ArgumentError && /^predict: x holds NaN at example 3, feature 1 \(x\[3, 1\]\)/.test(e.message),
  );
  assert.throws(() => model.evaluate(withBad([6, 3], [[0, Infinity]]), nb.zeros([6, 2])), /ArgumentError: evaluate: x holds Infinity at example 0, feature 0/);
  assert.throws(() => model.evaluate(nb.zeros([6, 3]), withBad([6, 2], [[11, NaN]])), /ArgumentError: evaluate: y holds NaN at example 5, feature 1/);
  const p = model.predict(withBad([6, 3], [[10, NaN]]), { allowNonFinite: true }).toArray() as number[][];
  assert.ok(p[3]!.every(Number.isNaN) && p[2]!.every(Number.isFinite));
  assert.ok(Number.isNaN(model.evaluate(nb.zeros([6, 3]), withBad([6, 2], [[11, NaN]]), { allowNonFinite: true })['loss']));
});

/** SGD model with a batch-norm layer; x row 9 holds NaN (allowed), so the loss of the batch holding it is NaN. */
async function runIntoNaN() {
  const model = nb.sequential([
    nb.layers.dense({ units: 3, inputShape: [2], seed: 3 }),
    nb.layers.batchNormalization(),
    nb.layers.dense({ units: 1, seed: 4 }),
  ]);
  const optimizer = nb.optimizers.adam({ learningRate: 0.01 });
  model.compile({ optimizer, loss: 'mse' });
  const x = nb.tensor(
    Array.from({ length: 24 }, (_, i) => (i === 18 ? NaN : Math.sin(i))),
    [12, 2],
  );
  const y = nb.tensor(
    Array.from({ length: 12 }, (_, i) => Math.cos(i)),
    [12, 1],
  );
  // batches of 4 in order: the NaN (example 9) is in the third batch of the first epoch
  const seen: { weights: Tensor[]; iterations: number; moments: (Readonly<Record<string, Tensor>> | undefined)[] }[] = [];
  const snapshot = () =>
    seen.push({ weights: model.getWeights(), iterations: optimizer.iterations, moments: model.trainableWeights.map((v) => optimizer.getState(v)) });
  let error: unknown;
  const ends: unknown[] = [];
  try {
    await model.fit(x, y, {
      epochs: 3,
      batchSize: 4,
      shuffle: false,
      verbose: 0,
      allowNonFinite: true,
      callbacks: [
        {
          onBatchEnd: () => {
            snapshot();
          },
          onTrainError: (e) => {
            ends.push(e);
          },
          onTrainEnd: () => {
            ends.push('onTrainEnd');
          },
        },
      ],
    });
  } catch (e) {
    error = e;
  }
  return { model, optimizer, seen, error, ends };
}

test('a non-finite batch loss stops fit before the update, with weights, batch-norm statistics and optimiser state from before it', async () => {
  const { model, optimizer, seen, error, ends } = await runIntoNaN();
  assert.ok(error instanceof nb.DivergenceError, `got ${error}`);
  assert.ok(error instanceof nb.NablaError);
  assert.match(
    error.message,
    /^fit: the loss became NaN at epoch 1\/3, batch 3\/3\. Training stopped before applying that batch's update: the model keeps its weights from before it\. The training diverged: try a smaller learning rate \(the optimiser's is 0\.01\).*allowNonFinite is true/,
  );
  assert.deepEqual({ ...error.details }, { epoch: 0, batch: 2, quantity: 'loss', value: NaN });
  assert.equal(error.history.epoch.length, 0);
  assert.equal(seen.length, 2, 'two good batches');
  const last = seen[1]!;
  // every weight (kernels, biases, γ, β and the moving statistics) is as after the second batch
  assert.deepEqual(
    model.getWeights().map((w) => w.toArray()),
    last.weights.map((w) => w.toArray()),
  );
  assert.ok(model.getWeights().every((w) => w.storage.every(Number.isFinite)));
  assert.equal(optimizer.iterations, last.iterations);
  model.trainableWeights.forEach((v, i) => {
    const now = optimizer.getState(v)!,
      then = last.moments[i]!;
    for (const k of Object.keys(then)) assert.deepEqual(now[k]!.toArray(), then[k]!.toArray(), `${v.name} ${k}`);
  });
  // the model is left in inference mode; callbacks hear onTrainError (a progress bar stops there), not onTrainEnd
  assert.equal(model.training, false);
  assert.deepEqual(ends, [error]);
});

test('a run that blows up the weights stops with a DivergenceError and finite weights', async () => {
  nb.seed(2);
  const model = nb.sequential([nb.layers.dense({ units: 4, activation: 'relu', inputShape: [3], seed: 5 }), nb.layers.dense({ units: 1, seed: 6 })]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 1e6 }), loss: 'mse' });
  const x = nb.randomNormal([64, 3]),
    y = nb.randomNormal([64, 1]);
  await assert.rejects(
    model.fit(x, y, { epochs: 20, batchSize: 8, verbose: 0 }),
    (e: Error) =>
      e instanceof nb.DivergenceError && /try a smaller learning rate \(the optimiser's is 1000000\)/.test(e.message) && e.details.batch + e.details.epoch > 0,
  );
  assert.ok(model.getWeights().every((w) => w.storage.every(Number.isFinite)));
});

test('a non-finite gradient with a finite loss stops fit too, naming the variable', async () => {
  // |pred − y| at pred = y exactly: the loss is 0 but d/dz √(z²) at 0 is Inf·0 = NaN
  const model = nb.sequential([nb.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros', name: 'only' })]);
  model.compile({ optimizer: 'sgd', loss: (yTrue: nb.TensorLike, yPred: nb.TensorLike) => nb.mean(nb.sqrt(nb.square(nb.sub(yPred, yTrue)))) });
  const before = model.getWeights().map((w) => w.toArray());
  await assert.rejects(
    model.fit(nb.ones([4, 2]), nb.zeros([4, 1]), { verbose: 0 }),
    (e: Error) =>
      e instanceof nb.DivergenceError &&
      e.details.quantity === 'gradient' &&
      e.details.variable === 'only/kernel' &&
      /^fit: the gradient of 'only\/kernel' holds NaN at epoch 1\/1, batch 1\/1\. .* This is the first batch, before any update/.test(e.message),
  );
  assert.deepEqual(
    model.getWeights().map((w) => w.toArray()),
    before,
  );
});

test('an update that overflows a weight is undone', async () => {
  // finite loss and gradient, but η·g overflows float32
  const model = nb.sequential([nb.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'ones', name: 'big' })]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 1e38 }), loss: 'mse' });
  const before = model.getWeights().map((w) => w.toArray());
  await assert.rejects(
    model.fit(nb.ones([2, 1]), nb.tensor([[-100], [-100]]), { verbose: 0 }),
    (e: Error) =>
      e instanceof nb.DivergenceError &&
      e.details.quantity === 'weights' &&
      /update would make 'big\/kernel' hold -Infinity .* the update was undone/.test(e.message),
  );
  assert.deepEqual(
    model.getWeights().map((w) => w.toArray()),
    before,
  );
});

test('a non-finite val_loss is a warning: printed by the progress logger and kept in history.warnings', async () => {
  const model = dense(3);
  const lines: string[] = [];
  const warned: string[] = [];
  const h = await model.fit(nb.ones([8, 3]), nb.zeros([8, 2]), {
    epochs: 2,
    verbose: 0,
    allowNonFinite: true,
    validationData: [withBad([4, 3], [[4, NaN]]), nb.zeros([4, 2])],
    callbacks: [
      new nb.callbacks.ProgressLogger((l) => lines.push(l)),
      {
        onWarning: (m) => {
          warned.push(m);
        },
      },
    ],
  });
  assert.ok(Number.isNaN(h.history['val_loss']![0]));
  assert.equal(h.warnings.length, 2);
  assert.match(h.warnings[0]!, /^epoch 1\/2: val_loss is NaN while the training loss is \d\.\d+(e-\d+)?; check the validation data/);
  assert.deepEqual(warned, h.warnings);
  assert.deepEqual(
    lines.filter((l) => l.startsWith('Warning: ')),
    h.warnings.map((w) => `Warning: ${w}`),
  );
  // the warning follows its epoch's line
  assert.match(lines[0]!, /^Epoch 1\/2/);
  assert.match(lines[1]!, /^Warning: epoch 1\/2: val_loss is NaN/);
  // a finite run has no warnings
  assert.deepEqual((await model.fit(nb.ones([8, 3]), nb.zeros([8, 2]), { verbose: 0, validationSplit: 0.25 })).warnings, []);
});
