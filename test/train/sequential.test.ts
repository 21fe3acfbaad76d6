import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { inferenceBatchSize } from '../../src/train/model-data.js';

/** A synthetic, linearly separable 3-class problem: the class is the argmax of a fixed linear map. */
function blobs(n: number, seed: number): { x: Tensor; labels: Tensor; y: Tensor } {
  const g = new nb.Generator(seed);
  const x = nb.randomNormal([n, 4], 0, 1, { generator: g });
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
  return { x, labels, y: nb.oneHot(labels, 3) };
}

test("the seed's Keras script: Dense 64 relu, 64 relu, 3 softmax; Adam 0.001; MSE; fit 50 epochs, batch 32, validationSplit 0.2", async () => {
  nb.seed(0);
  const x = nb.randomNormal([200, 8]);
  const y = nb.oneHot(nb.cast(nb.mul(nb.randomUniform([200]), 3), 'int32'), 3);
  const model = nb.sequential([
    nb.layers.dense({ units: 64, activation: 'relu', inputShape: [8] }),
    nb.layers.dense({ units: 64, activation: 'relu' }),
    nb.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.001 }), loss: 'meanSquaredError', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: 50, batchSize: 32, validationSplit: 0.2, verbose: 0 });
  for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) assert.equal(history.history[key]!.length, 50, key);
  assert.deepEqual(
    history.epoch,
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.ok(history.history['loss']![49]! < history.history['loss']![0]!, 'the training loss fell');
  const result = model.evaluate(x, y);
  assert.deepEqual(Object.keys(result), ['loss', 'accuracy']);
  const p = model.predict(x);
  assert.deepEqual([...p.shape], [200, 3]);
  const rowSums = nb.sum(p, 1).storage;
  assert.ok(
    rowSums.every((s) => Math.abs(s - 1) < 1e-5),
    'softmax rows sum to 1',
  );
});

test('an MLP learns a separable classification task', async () => {
  nb.seed(1);
  const train = blobs(600, 2),
    test = blobs(300, 3);
  const model = nb.sequential([nb.layers.dense({ units: 32, activation: 'relu', inputShape: [4] }), nb.layers.dense({ units: 3, activation: 'softmax' })]);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const h = await model.fit(train.x, train.y, { epochs: 40, batchSize: 32, verbose: 0 });
  const { accuracy } = model.evaluate(test.x, test.y);
  assert.ok(accuracy! > 0.95, `test accuracy ${accuracy}`);
  assert.ok(h.history['accuracy']![39]! > h.history['accuracy']![0]!);
});

test('each epoch logs the mean of its batch losses', async () => {
  nb.seed(2);
  const { x, y } = blobs(64, 4);
  const model = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.1 }), loss: 'categoricalCrossentropy' });
  const batchLosses: number[] = [];
  const h = await model.fit(x, y, {
    epochs: 1,
    batchSize: 16,
    verbose: 0,
    callbacks: [
      {
        onBatchEnd: (_b, logs) => {
          batchLosses.push(logs!['loss']!);
        },
      },
    ],
  });
  assert.equal(batchLosses.length, 4);
  const mean = batchLosses.reduce((a, b) => a + b) / 4;
  assert.ok(Math.abs(h.history['loss']![0]! - mean) < 1e-12);
});

test('callbacks see every hook in order, and stopTraining ends fit', async () => {
  const { x, y } = blobs(40, 5);
  const model = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const events: string[] = [];
  await model.fit(x, y, {
    epochs: 10,
    batchSize: 20,
    verbose: 0,
    callbacks: [
      {
        onTrainBegin: () => {
          events.push('trainBegin');
        },
        onEpochBegin: (e) => {
          events.push(`epochBegin ${e}`);
        },
        onBatchEnd: (b, logs) => {
          events.push(`batchEnd ${b} ${Object.keys(logs!).join(',')}`);
        },
        onEpochEnd: (e, logs) => {
          events.push(`epochEnd ${e} ${Object.keys(logs!).join(',')}`);
          if (e === 1) model.stopTraining = true;
        },
        onTrainEnd: () => {
          events.push('trainEnd');
        },
      },
    ],
  });
  assert.deepEqual(events, [
    'trainBegin',
    'epochBegin 0',
    'batchEnd 0 batch,size,loss,accuracy',
    'batchEnd 1 batch,size,loss,accuracy',
    'epochEnd 0 loss,accuracy',
    'epochBegin 1',
    'batchEnd 0 batch,size,loss,accuracy',
    'batchEnd 1 batch,size,loss,accuracy',
    'epochEnd 1 loss,accuracy',
    'trainEnd',
  ]);
});

test('stopTraining set part way through an epoch ends it there, with the mean loss of the batches it ran', async () => {
  const { x, y } = blobs(80, 5);
  const model = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const losses: number[] = [];
  const h = await model.fit(x, y, {
    epochs: 3,
    batchSize: 10,
    shuffle: false,
    verbose: 0,
    callbacks: [
      {
        onBatchEnd: (b, logs) => {
          losses.push(logs!['loss']!);
          if (b === 2) model.stopTraining = true;
        },
      },
    ],
  });
  assert.equal(losses.length, 3, 'three of eight batches ran');
  assert.equal(h.history['loss']!.length, 1);
  assert.ok(Math.abs(h.history['loss']![0]! - (losses[0]! + losses[1]! + losses[2]!) / 3) < 1e-12);
});

test('earlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
  nb.seed(3);
  const { x, y } = blobs(100, 6);
  const model = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
  // a huge learning rate makes the validation loss erratic, so improvement stalls quickly
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 50 }), loss: 'categoricalCrossentropy' });
  const stopper = nb.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
  let bestWeights: Tensor[] = [];
  let best = Infinity;
  const h = await model.fit(x, y, {
    epochs: 100,
    batchSize: 10,
    validationSplit: 0.3,
    verbose: 0,
    callbacks: [
      {
        onEpochEnd: (_e, logs) => {
          if (logs!['val_loss']! < best) {
            best = logs!['val_loss']!;
            bestWeights = model.getWeights();
          }
        },
      },
      stopper,
    ],
  });
  assert.ok(h.epoch.length < 100, 'stopped early');
  assert.equal(stopper.stoppedEpoch, h.epoch.length - 1);
  assert.equal(h.epoch.length - 1 - stopper.bestEpoch, 3, 'patience 2: stops on the third epoch without improvement');
  assert.deepEqual(
    model.getWeights().map((w) => w.toArray()),
    bestWeights.map((w) => w.toArray()),
  );
  assert.throws(() => nb.callbacks.earlyStopping({ patience: -1 }), /patience must be a non-negative integer/);
});

test('validationData, shuffle: false and evaluate/predict with a batch size give consistent results', async () => {
  nb.seed(4);
  const train = blobs(50, 7),
    val = blobs(30, 8);
  const model = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const h = await model.fit(train.x, train.y, { epochs: 2, validationData: [val.x, val.y], shuffle: false, verbose: 0 });
  const v = model.evaluate(val.x, val.y, { batchSize: 7 });
  assert.ok(Math.abs(v['loss']! - h.history['val_loss']![1]!) < 1e-6);
  // different batch sizes take different kernel paths, so the sums may differ in the last bit
  const small = model.predict(val.x, { batchSize: 7 }).storage,
    large = model.predict(val.x, { batchSize: 100 }).storage;
  assert.equal(small.length, 90);
  small.forEach((v, i) => assert.ok(Math.abs(v - large[i]!) < 1e-6));
});

test('predict and evaluate without batchSize take passes as large as their examples allow, with the same results', () => {
  // 32 (Keras's default) to 1024 rows, at most 2^19 values of inputs and layer outputs a pass; 32 when the layers' sizes are unknown
  assert.equal(inferenceBatchSize(nb.zeros([5000, 64]), 202), 1024);
  assert.equal(inferenceBatchSize(nb.zeros([5000, 784]), 394), 256);
  assert.equal(inferenceBatchSize(nb.zeros([5000, 28, 28, 1]), 25000), 32);
  assert.equal(inferenceBatchSize(nb.zeros([5000, 64]), null), 32);
  assert.equal(inferenceBatchSize([nb.zeros([5000, 200]), nb.zeros([5000, 56])], 256), 1024);
  assert.equal(inferenceBatchSize([nb.zeros([5000, 200]), nb.zeros([5000, 56])], 1000), 256);
  // the models say what their layers produce per example: Sequential from the layers' output shapes, functional from its graph
  const mlp = nb.sequential([
    nb.layers.dense({ units: 64, activation: 'relu', inputShape: [64] }),
    nb.layers.dense({ units: 64, activation: 'relu' }),
    nb.layers.dense({ units: 10, activation: 'softmax' }),
  ]);
  assert.equal(mlp.exampleValues(), 138);
  assert.equal(nb.sequential([nb.layers.dense({ units: 3 })]).exampleValues(), null, 'no input shape yet');
  const bn = nb.sequential([
    nb.layers.dense({ units: 16, inputShape: [8] }),
    nb.layers.batchNormalization(),
    nb.layers.dropout({ rate: 0.5 }),
    nb.layers.dense({ units: 2 }),
  ]);
  assert.equal(bn.exampleValues(), 16 + 16 + 16 + 2);
  // a layer with more values inside than out (im2col patches, recurrent states, attention scores): Keras's 32
  const cnn = nb.sequential([
    nb.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', inputShape: [28, 28, 1] }),
    nb.layers.flatten(),
    nb.layers.dense({ units: 10 }),
  ]);
  assert.equal(cnn.exampleValues(), null);
  const rnn = nb.sequential([nb.layers.lstm({ units: 8, inputShape: [20, 4] }), nb.layers.dense({ units: 1 })]);
  assert.equal(rnn.exampleValues(), null);
  assert.equal(inferenceBatchSize(nb.zeros([100, 20, 4]), rnn.exampleValues()), 32);
  const tokens = nb.input({ shape: [16, 8] });
  const attended = nb.layers.multiHeadAttention({ numHeads: 2, keyDim: 4 }).apply([tokens, tokens]) as nb.SymbolicTensor;
  assert.equal(nb.model({ inputs: tokens, outputs: attended }).exampleValues(), null);
  // an added layer counts (the value is kept by layer count and input shape)
  mlp.add(nb.layers.dense({ units: 5 }));
  assert.equal(mlp.exampleValues(), 143);
  const input = nb.input({ shape: [64] });
  const hidden = nb.layers.dense({ units: 32 }).apply(input) as nb.SymbolicTensor;
  const functional = nb.model({ inputs: input, outputs: nb.layers.dense({ units: 4 }).apply(hidden) as nb.SymbolicTensor });
  assert.equal(functional.exampleValues(), 36);
  nb.seed(3);
  const x = nb.randomNormal([1500, 64]);
  const y = nb.oneHot(nb.argmax(nb.randomNormal([1500, 10]), 1), 10);
  const model = nb.sequential([nb.layers.dense({ units: 64, activation: 'relu', inputShape: [64] }), nb.layers.dense({ units: 10, activation: 'softmax' })]);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const byDefault = model.predict(x).storage,
    by32 = model.predict(x, { batchSize: 32 }).storage;
  assert.equal(byDefault.length, 15000);
  byDefault.forEach((v, i) => assert.ok(Math.abs(v - by32[i]!) < 1e-6, `output ${i}: ${v} vs ${by32[i]}`));
  const e = model.evaluate(x, y),
    e32 = model.evaluate(x, y, { batchSize: 32 });
  assert.ok(Math.abs(e['loss']! - e32['loss']!) < 1e-6 && e['accuracy'] === e32['accuracy'], JSON.stringify([e, e32]));
});

test('a custom training loop is as short as valueAndGrad + applyGradients', () => {
  nb.seed(5);
  const { x, y } = blobs(128, 9);
  const model = nb.sequential([nb.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), nb.layers.dense({ units: 3 })]);
  const optimizer = nb.optimizers.adam({ learningRate: 0.01 });
  const lossOf = () => nb.losses.categoricalCrossentropy(y, model.call(x, true), { fromLogits: true });
  const first = lossOf().item();
  for (let i = 0; i < 50; i++) {
    const [, grads] = nb.valueAndGrad(lossOf)(model.trainableWeights);
    optimizer.applyGradients(grads, model.trainableWeights);
  }
  assert.ok(lossOf().item() < first / 2);
});

test('summary lists layers, output shapes and parameter counts', () => {
  const model = nb.sequential(
    [
      nb.layers.dense({ units: 64, activation: 'relu', inputShape: [64], name: 'hidden' }),
      nb.layers.dropout({ rate: 0.5, name: 'drop' }),
      nb.layers.dense({ units: 10, activation: 'softmax', name: 'out' }),
    ],
    { name: 'digits' },
  );
  const text = model.summary(null);
  assert.match(text, /Model: "digits"/);
  assert.match(text, /hidden \(Dense\)\s+\[null,64\]\s+4160/);
  assert.match(text, /drop \(Dropout\)\s+\[null,64\]\s+0/);
  assert.match(text, /out \(Dense\)\s+\[null,10\]\s+650/);
  assert.match(text, /Total params: 4810/);
});

test('getWeights/setWeights use Keras order and trainableWeights lists the variables', () => {
  const model = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3] }), nb.layers.batchNormalization(), nb.layers.dense({ units: 1 })]);
  assert.deepEqual(
    model.getWeights().map((w) => w.shape.join('x')),
    ['3x2', '2', '2', '2', '2', '2', '2x1', '1'],
  );
  assert.equal(model.trainableWeights.length, 6); // the moving statistics are not trainable
  const ws = model.getWeights().map((w) => nb.add(w, 1));
  model.setWeights(ws);
  assert.deepEqual(model.getWeights()[0]!.toArray(), ws[0]!.toArray());
  assert.throws(() => model.setWeights(ws.slice(1)), /setWeights: the model has 8 weights, got 7/);
});

test('clear errors: fit before compile, mismatched examples, wrong input shape, unknown names', async () => {
  const model = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3] })]);
  await assert.rejects(model.fit(nb.ones([4, 3]), nb.ones([4, 2])), /fit: compile the model first/);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  await assert.rejects(model.fit(nb.ones([4, 3]), nb.ones([5, 2])), /fit: x \[4,3\] and y \[5,2\] must have the same number of examples/);
  assert.throws(() => model.predict(nb.ones([4, 5])), /input shape \[4,5\] does not match the model's input shape \[batch,3\]/);
  assert.throws(() => model.compile({ optimizer: 'sgd', loss: 'hinge' as never }), /unknown loss/);
  await assert.rejects(model.fit(nb.ones([4, 3]), nb.ones([4, 2]), { validationSplit: 1.5 }), /validationSplit must be in \[0, 1\)/);
});

test('verbose training reports each epoch with its time, loss and metrics', async () => {
  const { x, y } = blobs(32, 10);
  const model = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const lines: string[] = [];
  await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new nb.callbacks.ProgressLogger((l) => lines.push(l))], validationSplit: 0.25 });
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /^Epoch 2\/2 - \d+\.\d\ds - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$/);
});

test('predict on zero examples gives an empty result; evaluate on none is an error', () => {
  const model = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3] })]);
  assert.deepEqual([...model.predict(nb.zeros([0, 3])).shape], [0, 2]);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  assert.throws(() => model.evaluate(nb.zeros([0, 3]), nb.zeros([0, 2])), /evaluate: x and y hold no examples/);
});

test('a model whose first layer has no inputShape is built before training, so it learns', async () => {
  nb.seed(6);
  const { x, y } = blobs(60, 11);
  const model = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax' })]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.5 }), loss: 'categoricalCrossentropy' });
  const h = await model.fit(x, y, { epochs: 3, verbose: 0 });
  assert.ok(h.history['loss']![2]! < h.history['loss']![0]!, `loss ${h.history['loss']}`);
  await assert.rejects(model.fit(nb.zeros([0, 4]), nb.zeros([0, 3])), /fit: x and y hold no training examples/);
});
