import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { checkLayer } from './conformance.js';

test('Conv2D passes the layer conformance check', () => {
  checkLayer({
    make: (a) => nb.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'tanh', ...a }),
    inputShape: [5, 6, 2],
    outputShape: [3, 4, 3],
    params: 3 * 3 * 2 * 3 + 3,
  });
  checkLayer({
    make: (a) => nb.layers.conv2d({ filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same', ...a }),
    inputShape: [5, 5, 1],
    outputShape: [3, 3, 2],
    params: 2 * 3 * 2 + 2,
  });
  checkLayer({
    make: (a) => nb.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: [2, 1], padding: 'same', activation: 'relu', ...a }),
    inputShape: [4, 5, 3],
    outputShape: [4, 5, 2],
    params: 2 * 2 * 3 * 2 + 2,
  });
});

test('pooling layers pass the layer conformance check', () => {
  checkLayer({ make: (a) => nb.layers.maxPooling2d(a), inputShape: [4, 6, 2], outputShape: [2, 3, 2], params: 0 });
  checkLayer({
    make: (a) => nb.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', ...a }),
    inputShape: [5, 5, 2],
    outputShape: [3, 3, 2],
    params: 0,
  });
  checkLayer({
    make: (a) => nb.layers.maxPooling2d({ poolSize: [2, 3], strides: 1, padding: 'same', ...a }),
    inputShape: [3, 4, 2],
    outputShape: [3, 4, 2],
    params: 0,
  });
  checkLayer({ make: (a) => nb.layers.globalAveragePooling2d(a), inputShape: [3, 4, 5], outputShape: [5], params: 0 });
  checkLayer({ make: (a) => nb.layers.globalMaxPooling2d(a), inputShape: [3, 4, 5], outputShape: [5], params: 0 });
});

test('Conv2D uses the Keras kernel layout [kh, kw, in, filters] and adds the bias per filter', () => {
  const layer = nb.layers.conv2d({ filters: 2, kernelSize: 2, inputShape: [2, 2, 1] });
  const k = nb.tensor([1, 10, 2, 20, 3, 30, 4, 40], [2, 2, 1, 2]);
  layer.setWeights([k, nb.tensor([0.5, -0.5])]);
  const x = nb.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
  // one 2x2 window: filter 0 = 1·1 + 2·2 + 3·3 + 4·4 = 30, filter 1 = 300
  assert.deepEqual(layer.apply(x).toArray(), [[[[30.5, 299.5]]]]);
});

test('a small CNN learns the digits', async () => {
  nb.seed(3);
  const { images, labels } = nb.data.loadDigits();
  const x = nb.reshape(images, [-1, 8, 8, 1]);
  const n = 1200;
  const xTrain = nb.slice(x, [0, 0, 0, 0], [n, -1, -1, -1]),
    yTrain = nb.oneHot(nb.slice(labels, [0], [n]), 10);
  const xTest = nb.slice(x, [n, 0, 0, 0], [-1, -1, -1, -1]),
    yTest = nb.oneHot(nb.slice(labels, [n], [-1]), 10);
  const model = nb.sequential([
    nb.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 1] }),
    nb.layers.maxPooling2d({ poolSize: 2 }),
    nb.layers.flatten(),
    nb.layers.dense({ units: 10, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  assert.match(model.summary(null), /conv2d_\d+ \(Conv2D\)\s+\[null,8,8,8\]\s+80/);
  await model.fit(xTrain, yTrain, { epochs: 4, batchSize: 32, verbose: 0 });
  const { accuracy } = model.evaluate(xTest, yTest);
  assert.ok(accuracy! > 0.9, `test accuracy ${accuracy}`);
});
