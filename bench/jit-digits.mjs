// The digits MLP (64-64-64-10 relu + softmax, Adam 1e-3, batch 32) trained eagerly and compiled
// (compile({ jitCompile })), from the same weights and shuffles, and predict of 1 and 1024 samples.
//   npm run build && node bench/jit-digits.mjs [--epochs 50] [--threads 1] [--accuracy]  (--accuracy: fit with metrics: ['accuracy'])
import * as nb from '../dist/index.js';
import { digitsSplit } from './digits.mjs';

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
};
const EPOCHS = arg('epochs', 50);
await nb.ready();
nb.setThreads(arg('threads', 1));
const { xTrain, yTrain, xTest, testLabels: testLabelTensor } = digitsSplit(nb);
const testLabels = testLabelTensor.data();
nb.seed(1);
const build = () =>
  nb.sequential([
    nb.layers.dense({ units: 64, activation: 'relu', inputShape: [64] }),
    nb.layers.dense({ units: 64, activation: 'relu' }),
    nb.layers.dense({ units: 64, activation: 'relu' }),
    nb.layers.dense({ units: 10, activation: 'softmax' }),
  ]);
const initial = build().getWeights();
const weights = {};
for (const jitCompile of [false, true]) {
  const model = build();
  model.setWeights(initial);
  model.compile({
    optimizer: nb.optimizers.adam({ learningRate: 1e-3 }),
    loss: 'categoricalCrossentropy',
    metrics: process.argv.includes('--accuracy') ? ['accuracy'] : [],
    jitCompile,
  });
  nb.seed(2);
  const t0 = performance.now();
  await model.fit(xTrain, yTrain, { epochs: EPOCHS, batchSize: 32, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const pred = nb.argmax(model.predict(xTest), 1).data();
  let ok = 0;
  pred.forEach((p, i) => (ok += p === testLabels[i] ? 1 : 0));
  weights[jitCompile] = model.getWeights().map((w) => w.data());
  const one = nb.slice(xTest, [0, 0], [1, 64]);
  const batch = nb.concat([xTest, xTest, xTest, xTest], 0).slice([0, 0], [1024, 64]);
  const time = (f, reps) => {
    for (let i = 0; i < Math.min(reps, 50); i++) f();
    const t = performance.now();
    for (let i = 0; i < reps; i++) f();
    return ((performance.now() - t) / reps) * 1000;
  };
  const p1 = time(() => model.predict(one), 2000);
  const p1024 = time(() => model.predict(batch, { batchSize: 1024 }), 200);
  console.log(
    `${jitCompile ? 'jit  ' : 'eager'}: fit ${seconds.toFixed(3)} s (${EPOCHS} epochs), test accuracy ${(ok / pred.length).toFixed(4)}, predict 1: ${p1.toFixed(1)} µs, 1024: ${p1024.toFixed(0)} µs`,
  );
}
const same = weights.false.every((w, i) => w.every((v, j) => Object.is(v, weights.true[i][j])));
console.log(`weights after training bit for bit equal: ${same}`);
