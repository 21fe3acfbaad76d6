// An LSTM learns to continue a sine wave: from 20 past samples of sin(ωt + φ) (random ω and φ),
// predict the next one. Trained by backpropagation through time through nabla's autodiff.
// Run: node examples/07-lstm-sine.mjs   (QUICK=1 for a smoke run)
import * as nb from 'nabla';

const quick = Boolean(process.env.QUICK);
const steps = 20,
  n = quick ? 128 : 1024,
  epochs = quick ? 1 : 30;
const g = new nb.Generator(0);
function windows(count) {
  const xs = new Float32Array(count * steps),
    ys = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const w = 0.1 + 0.4 * g.uniform(),
      phase = 2 * Math.PI * g.uniform();
    for (let t = 0; t < steps; t++) xs[i * steps + t] = Math.sin(w * t + phase);
    ys[i] = Math.sin(w * steps + phase);
  }
  return { x: nb.tensor(xs, [count, steps, 1]), y: nb.tensor(ys, [count, 1]) };
}
const train = windows(n),
  test = windows(256);

nb.seed(0);
const model = nb.sequential([nb.layers.lstm({ units: 32, inputShape: [steps, 1] }), nb.layers.dense({ units: 1 })]);
model.summary();
model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
const t0 = performance.now();
await model.fit(train.x, train.y, { epochs, batchSize: 32 });
const mse = model.evaluate(test.x, test.y).loss;
// the naive forecast "the next value equals the last one" as a baseline
const last = nb.reshape(nb.slice(test.x, [0, steps - 1, 0], [-1, 1, 1]), [-1, 1]);
const baseline = nb.mean(nb.square(nb.sub(last, test.y))).item();
console.log(
  `\n${epochs} epochs in ${((performance.now() - t0) / 1000).toFixed(1)} s: test MSE ${mse.toFixed(5)}, against ${baseline.toFixed(5)} for repeating the last value`,
);
const sample = model
  .predict(nb.slice(test.x, [0, 0, 0], [3, -1, -1]))
  .toArray()
  .map((r) => r[0].toFixed(3));
console.log(
  `first three predictions ${sample.join(', ')}; true ${nb
    .slice(test.y, [0, 0], [3, 1])
    .toArray()
    .map((r) => r[0].toFixed(3))
    .join(', ')}`,
);
