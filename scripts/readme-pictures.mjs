// Makes the pictures the README shows (docs/images/*.svg) with nabla itself:
//   npm run build && node scripts/readme-pictures.mjs
// Deterministic: the same nabla gives the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nb from '../dist/index.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'images');
mkdirSync(out, { recursive: true });
const save = (name, svg) => { writeFileSync(join(out, name), svg); console.log(`docs/images/${name}`); };

// curvature: λmax against 2/η in full-batch gradient descent (the edge of stability)
{
  nb.seed(1);
  const x = nb.randomNormal([64, 2]);
  const y = nb.reshape(nb.sum(nb.tanh(nb.sin(nb.mul(x, 2))), 1), [64, 1]);
  const model = nb.sequential([
    nb.layers.dense({ units: 16, activation: 'tanh', inputShape: [2] }),
    nb.layers.dense({ units: 1 }),
  ]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.4 }), loss: 'mse' });
  const tracker = nb.callbacks.sharpness({ x, y, every: 5 });
  await model.fit(x, y, { epochs: 300, batchSize: 64, shuffle: false, verbose: 0, callbacks: [tracker] });
  save('sharpness.svg', nb.viz.sharpnessChart(tracker.records));
  const J = nb.layerJacobian(model, 0, nb.slice(x, [0, 0], [1, 2]));
  save('jacobian.svg', nb.viz.heatmap(J, { title: 'Jacobian of dense_1 (tanh) at one example', xLabel: 'input j', yLabel: 'output i' }));
}
