// A small convolutional network on the 8x8 digits: conv 3x3 (16) → max-pool → conv 3x3 (32) →
// max-pool → dense 64 → softmax, trained with Adam on a stratified 80/20 split.
// Run: node examples/06-cnn-digits.mjs   (QUICK=1 for a smoke run)
import * as nb from 'nabla';

const epochs = process.env.QUICK ? 1 : 40;
const { images, labels } = nb.data.loadDigits();
const x = nb.reshape(images, [-1, 8, 8, 1]); // NHWC
const split = nb.data.trainTestSplit(x, labels, { testSize: 0.2, seed: 0, stratify: labels });

nb.seed(0);
const model = nb.sequential([
  nb.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 1] }),
  nb.layers.maxPooling2d({ poolSize: 2 }),
  nb.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
  nb.layers.maxPooling2d({ poolSize: 2 }),
  nb.layers.flatten(),
  nb.layers.dense({ units: 64, activation: 'relu' }),
  nb.layers.dense({ units: 10, activation: 'softmax' }),
]);
model.summary();
model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.002 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const t0 = performance.now();
await model.fit(split.xTrain, split.yTrain, { epochs, batchSize: 32, validationSplit: 0.1 });
const { loss, accuracy } = model.evaluate(split.xTest, split.yTest);
console.log(
  `\ntrained ${epochs} epochs in ${((performance.now() - t0) / 1000).toFixed(1)} s; test loss ${loss.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}%`,
);
