// SGD, momentum, RMSprop and Adam on the same network and digits, from the same initial weights:
// the training loss per epoch, printed and drawn (optimizers.svg).
// Run: node examples/04-optimizers.mjs   (QUICK=1 for a smoke run)
import { writeFileSync } from 'node:fs';
import * as nb from 'nabla';

const epochs = process.env.QUICK ? 2 : 25;
const { x, labels } = nb.data.loadDigits();
const y = nb.oneHot(labels, 10);
const optimizers = {
  'SGD (0.05)': () => nb.optimizers.sgd({ learningRate: 0.05 }),
  'momentum (0.05, 0.9)': () => nb.optimizers.sgd({ learningRate: 0.05, momentum: 0.9 }),
  'RMSprop (0.001)': () => nb.optimizers.rmsprop({ learningRate: 0.001 }),
  'Adam (0.001)': () => nb.optimizers.adam({ learningRate: 0.001 }),
};

nb.seed(0);
const build = () =>
  nb.sequential([nb.layers.dense({ units: 64, activation: 'relu', inputShape: [64] }), nb.layers.dense({ units: 10, activation: 'softmax' })]);
const initial = build().getWeights();

const curves = {};
for (const [name, make] of Object.entries(optimizers)) {
  const model = build();
  model.setWeights(initial);
  model.compile({ optimizer: make(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  nb.seed(1); // the same batches for every optimiser
  const h = await model.fit(x, y, { epochs, batchSize: 32, verbose: 0 });
  curves[name] = h.history;
}

console.log('training loss by epoch');
console.log(
  `epoch ${Object.keys(curves)
    .map((n) => n.padStart(22))
    .join('')}`,
);
for (let e = 0; e < epochs; e++) {
  console.log(
    `${String(e + 1).padStart(5)} ${Object.values(curves)
      .map((h) => h.loss[e].toFixed(4).padStart(22))
      .join('')}`,
  );
}
console.log(
  `final accuracy: ${Object.entries(curves)
    .map(([n, h]) => `${n} ${(100 * h.accuracy.at(-1)).toFixed(1)}%`)
    .join(', ')}`,
);

const svg = nb.viz.lineChart({
  title: 'Digits: training loss by optimiser',
  xLabel: 'epoch',
  yLabel: 'cross-entropy',
  logY: true,
  series: Object.entries(curves).map(([name, h]) => ({ name, values: h.loss })),
});
writeFileSync(process.env.QUICK ? '/dev/null' : 'optimizers.svg', svg);
if (!process.env.QUICK) console.log('chart: optimizers.svg');
