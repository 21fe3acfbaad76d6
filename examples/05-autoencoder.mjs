// Two ways to reduce the 64 pixels of a digit to 2 numbers: PCA (linear) and an autoencoder
// 64-32-2-32-64 trained to reproduce its input. Prints both reconstruction errors and draws both
// 2-D embeddings side by side, coloured by digit (embeddings.svg).
// Run: node examples/05-autoencoder.mjs   (QUICK=1 for a smoke run)
import { writeFileSync } from 'node:fs';
import * as nb from 'nabla';

const epochs = process.env.QUICK ? 2 : 150;
const { x, labels } = nb.data.loadDigits();

// PCA to 2 components, and back
const pca = nb.decomposition.pca({ nComponents: 2 });
const zPca = pca.fitTransform(x);
const pcaError = nb.mean(nb.square(nb.sub(pca.inverseTransform(zPca), x))).item();

// the autoencoder: encoder 64 → 32 → 2, decoder 2 → 32 → 64 (sigmoid: pixels are in 0..1)
nb.seed(0);
const encoder = [nb.layers.dense({ units: 32, activation: 'relu', inputShape: [64], name: 'encode_1' }), nb.layers.dense({ units: 2, name: 'code' })];
const decoder = [
  nb.layers.dense({ units: 32, activation: 'relu', name: 'decode_1' }),
  nb.layers.dense({ units: 64, activation: 'sigmoid', name: 'reconstruction' }),
];
const autoencoder = nb.sequential([...encoder, ...decoder], { name: 'autoencoder' });
autoencoder.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.003 }), loss: 'meanSquaredError' });
autoencoder.summary();
const history = await autoencoder.fit(x, x, { epochs, batchSize: 32, verbose: 0 });
const aeError = autoencoder.evaluate(x, x).loss;
const zAe = nb.noGrad(() => encoder.reduce((t, layer) => layer.apply(t), x));

console.log(`\nmean squared reconstruction error per pixel, 2 numbers per digit:`);
console.log(`  PCA (2 components)        ${pcaError.toFixed(4)}   (variance kept: ${(100 * nb.sum(pca.explainedVarianceRatio).item()).toFixed(1)}%)`);
console.log(`  autoencoder 64-32-2-32-64 ${aeError.toFixed(4)}   (after ${history.epoch.length} epochs)`);

const points = (z) => {
  const zz = z.toArray(),
    ls = labels.storage;
  return zz.map(([a, b], i) => ({ x: a, y: b, label: ls[i] }));
};
const chart = nb.viz.sideBySide(
  [
    nb.viz.scatterChart({
      title: `PCA, 2 components (error ${pcaError.toFixed(4)})`,
      xLabel: 'PC 1',
      yLabel: 'PC 2',
      points: points(zPca),
      legendTitle: 'digit',
    }),
    nb.viz.scatterChart({
      title: `Autoencoder 64-32-2-32-64 (error ${aeError.toFixed(4)})`,
      xLabel: 'code 1',
      yLabel: 'code 2',
      points: points(zAe),
      legendTitle: 'digit',
    }),
  ],
  { title: 'Digits in two dimensions: PCA and an autoencoder' },
);
if (!process.env.QUICK) {
  writeFileSync('embeddings.svg', chart);
  console.log('chart: embeddings.svg (PCA beside the autoencoder)');
}
