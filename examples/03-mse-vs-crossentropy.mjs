// Why classifiers are trained with cross-entropy rather than squared error: the same network on
// the digits, once with each loss, side by side. With a softmax output, squared error's gradient
// carries the factor ŷ(1 − ŷ), which is tiny when the network is confidently wrong, so learning
// stalls exactly where it is needed most; cross-entropy's gradient is simply ŷ − y.
// Both runs' paths are drawn on one loss landscape (the cross-entropy cost, on the plane the
// two paths span), written to mse-vs-crossentropy-landscape.svg and -3d.svg.
// Run: node examples/03-mse-vs-crossentropy.mjs   (QUICK=1 for a smoke run)
import { writeFileSync } from 'node:fs';
import * as nb from 'nabla';

const epochs = process.env.QUICK ? 2 : 20;
const { x, labels } = nb.data.loadDigits();
const order = Int32Array.from({ length: x.shape[0] }, (_, i) => i);
new nb.Generator(0).shuffle(order);
const nTrain = Math.floor(0.8 * order.length);
const take = (t, from, to) => nb.gather(t, nb.tensor(order.subarray(from, to), [to - from], 'int32'), 0);
const xTrain = take(x, 0, nTrain),
  xTest = take(x, nTrain, order.length);
const y = nb.oneHot(labels, 10);
const yTrain = take(y, 0, nTrain),
  yTest = take(y, nTrain, order.length);

const results = {};
const models = {},
  paths = {};
for (const loss of ['meanSquaredError', 'categoricalCrossentropy']) {
  nb.seed(1); // the same initial weights and shuffles for both
  const model = nb.sequential([nb.layers.dense({ units: 32, activation: 'sigmoid', inputShape: [64] }), nb.layers.dense({ units: 10, activation: 'softmax' })]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.5 }), loss, metrics: ['accuracy'] });
  paths[loss] = nb.callbacks.parameterPath({ every: 5 });
  const h = await model.fit(xTrain, yTrain, { epochs, batchSize: 32, verbose: 0, callbacks: [paths[loss]] });
  results[loss] = { accuracy: h.history.accuracy, test: model.evaluate(xTest, yTest).accuracy };
  models[loss] = model;
}

console.log('training accuracy by epoch (same network, same initial weights, SGD 0.5):');
console.log('epoch   squared error   cross-entropy');
for (let e = 0; e < epochs; e++) {
  const a = results.meanSquaredError.accuracy[e],
    b = results.categoricalCrossentropy.accuracy[e];
  console.log(`${String(e + 1).padStart(5)}   ${(100 * a).toFixed(1).padStart(12)}%   ${(100 * b).toFixed(1).padStart(12)}%`);
}
console.log(
  `test accuracy: squared error ${(100 * results.meanSquaredError.test).toFixed(1)}%, cross-entropy ${(100 * results.categoricalCrossentropy.test).toFixed(1)}%`,
);

// the gradient with respect to the logit of the true class, for a confidently wrong prediction
const z = nb.tensor([[4, 0, 0]]),
  target = nb.tensor([[0, 0, 1]]);
const dMse = nb
  .grad((t) => nb.losses.meanSquaredError(target, nb.softmax(t)))(z)
  .toArray()[0][2];
const dCe = nb
  .grad((t) => nb.losses.categoricalCrossentropy(target, t, { fromLogits: true }))(z)
  .toArray()[0][2];
console.log(
  `\nconfidently wrong (p(true class) = ${nb.softmax(z).toArray()[0][2].toFixed(3)}): ∂loss/∂z_true is ${dMse.toFixed(4)} with squared error, ${dCe.toFixed(4)} with cross-entropy`,
);

// both paths on one landscape: the cross-entropy cost around the cross-entropy run's weights, on the
// plane its path lives in (the path's two principal directions), the squared-error run projected there
// (same architecture, same start; its layers have other names, so by position)
const ce = models.categoricalCrossentropy;
const plane = nb.landscape(ce, xTrain, yTrain, {
  directions: 'pca',
  path: paths.categoricalCrossentropy,
  resolution: process.env.QUICK ? 9 : 31,
  samples: 500,
});
const ceTrack = nb.projectPath(paths.categoricalCrossentropy, plane);
const mseTrack = nb.projectPath(paths.meanSquaredError, plane, { byPosition: true });
const tracks = [ceTrack.toPath('cross-entropy'), mseTrack.toPath('squared error')];
const title = 'Cross-entropy cost with both runs: same start, squared error (slow) and cross-entropy';
const out = (name) => (process.env.QUICK ? '/dev/null' : name);
writeFileSync(out('mse-vs-crossentropy-landscape.svg'), nb.viz.contourChart(plane.toGrid(), { title, paths: tracks, animate: true }));
writeFileSync(out('mse-vs-crossentropy-landscape-3d.svg'), nb.viz.surfaceChart(plane.toGrid(), { title, paths: tracks, animate: true }));
console.log(
  `\nboth paths on one landscape (mse-vs-crossentropy-landscape.svg, -3d.svg): the cross-entropy cost falls from ${ceTrack.loss[0].toFixed(3)} to ${ceTrack.loss.at(-1).toFixed(3)} along the cross-entropy run, and only to ${mseTrack.loss.at(-1).toFixed(3)} along the squared-error run`,
);
