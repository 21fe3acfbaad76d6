// The Keras script of "Decoding the Matrix: The Advanced Mathematics of Neural Networks"
// (source [1] in the README), in nabla, on random data:
//   Dense 64 relu → Dense 64 relu → Dense 3 softmax; Adam 0.001; mean squared error;
//   fit(epochs=50, batch_size=32, validation_split=0.2), then evaluate and predict.
// Run: node examples/01-keras-script.mjs   (QUICK=1 for a smoke run)
import * as nb from 'nabla';

const epochs = process.env.QUICK ? 3 : 50;
nb.seed(42);

// random data: 1000 examples of 20 features, 3 classes given by a random linear rule
const x = nb.randomNormal([1000, 20]);
const labels = nb.argmax(nb.matmul(x, nb.randomNormal([20, 3])), 1);
const y = nb.oneHot(labels, 3);

const model = nb.sequential([
  nb.layers.dense({ units: 64, activation: 'relu', inputShape: [20] }),
  nb.layers.dense({ units: 64, activation: 'relu' }),
  nb.layers.dense({ units: 3, activation: 'softmax' }),
]);
model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.001 }), loss: 'meanSquaredError', metrics: ['accuracy'] });
model.summary();

const history = await model.fit(x, y, { epochs, batchSize: 32, validationSplit: 0.2 });
console.log(`\nepochs run: ${history.history.loss.length}`);
console.log(
  `final loss ${history.history.loss.at(-1).toFixed(4)}, val_loss ${history.history.val_loss.at(-1).toFixed(4)}, val_accuracy ${history.history.val_accuracy.at(-1).toFixed(4)}`,
);

const scores = model.evaluate(x, y);
console.log(
  'evaluate:',
  Object.entries(scores)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(', '),
);

const predictions = model.predict(nb.slice(x, [0, 0], [5, -1]));
console.log('predict, first 5 examples (class probabilities):');
console.log(predictions.toString());
console.log('predicted classes:', nb.argmax(predictions, 1).toArray(), 'true classes:', nb.slice(labels, [0], [5]).toArray());
