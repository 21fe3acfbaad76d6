// Makes the pictures the README shows (docs/images/*.svg) with nabla itself:
//   npm run build && node scripts/readme-pictures.mjs
// Deterministic: the same nabla gives the same files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nb from '../dist/index.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'images');
mkdirSync(out, { recursive: true });
const save = (name, svg) => {
  writeFileSync(join(out, name), svg);
  console.log(`docs/images/${name}`);
};

// curvature: λmax against 2/η in full-batch gradient descent (the edge of stability)
{
  nb.seed(1);
  const x = nb.randomNormal([64, 2]);
  const y = nb.reshape(nb.sum(nb.tanh(nb.sin(nb.mul(x, 2))), 1), [64, 1]);
  const model = nb.sequential([nb.layers.dense({ units: 16, activation: 'tanh', inputShape: [2] }), nb.layers.dense({ units: 1 })]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.4 }), loss: 'mse' });
  const tracker = nb.callbacks.sharpness({ x, y, every: 5 });
  await model.fit(x, y, { epochs: 300, batchSize: 64, shuffle: false, verbose: 0, callbacks: [tracker] });
  save('sharpness.svg', nb.viz.sharpnessChart(tracker.records));
  const J = nb.layerJacobian(model, 0, nb.slice(x, [0, 0], [1, 2]));
  save('jacobian.svg', nb.viz.heatmap(J, { title: 'Jacobian of dense_1 (tanh) at one example', xLabel: 'input j', yLabel: 'output i' }));
}

// the computation drawn: the loss of a batch of digits, layer by layer, with ‖v‖ and ‖∂J/∂v‖ on every node
{
  nb.seed(0);
  const model = nb.sequential([nb.layers.dense({ units: 64, activation: 'relu', inputShape: [64] }), nb.layers.dense({ units: 10, activation: 'softmax' })]);
  const { x, labels } = nb.data.loadDigits();
  const xb = nb.slice(x, [0, 0], [32, 64]),
    yb = nb.oneHot(nb.slice(labels, [0], [32]), 10);
  const J = nb.trace((x, y) => nb.losses.categoricalCrossentropy(y, model.call(x)), { name: 'J' })(
    nb.spec([null, 64], 'float32', 'x'),
    nb.spec([null, 10], 'float32', 'y'),
  );
  const params = Object.fromEntries(model.namedParameters().map(([n, v]) => [n, v.value]));
  save(
    'graph-loss-layers.svg',
    await nb.viz.graph(J, { inputs: [xb, yb], params, gradients: true, level: 'layers', title: 'The loss of 32 digits, layer by layer, with ‖v‖ and ‖∇‖' }),
  );
  save('graph-forward.svg', await nb.viz.graph(nb.trace(model)(nb.spec([null, 64])), { title: 'The digits MLP: nb.trace(model)' }));
}

// the loss landscape of a digits MLP on the plane of its training path (Li et al. 2018), contour and 3-D
{
  nb.seed(0);
  const { x, labels } = nb.data.loadDigits();
  const y = nb.oneHot(labels, 10);
  const model = nb.sequential([nb.layers.dense({ units: 32, activation: 'relu', inputShape: [64] }), nb.layers.dense({ units: 10, activation: 'softmax' })]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.05 }), loss: 'categoricalCrossentropy' });
  const path = nb.callbacks.parameterPath({ every: 10 });
  await model.fit(x, y, { epochs: 10, batchSize: 32, verbose: 0, callbacks: [path] });
  const plane = nb.landscape(model, x, y, { directions: 'pca', path, resolution: 31 });
  const track = nb.projectPath(path, plane).toPath('SGD');
  save(
    'landscape-contour.svg',
    nb.viz.contourChart(plane.toGrid(), { title: 'Loss landscape of a digits MLP with its training path', paths: [track], animate: true }),
  );
  save(
    'landscape-3d.svg',
    nb.viz.surfaceChart(plane.toGrid(), { title: 'The same landscape as a surface: the ball rolls down', paths: [track], animate: true }),
  );
}

// source [4]'s pictures (README, Sources): the tangent, four optimisers on a surface, three learning rates
{
  save(
    'tangent.svg',
    nb.viz.tangentChart((x) => nb.sub(nb.square(x), 2), { from: -2, to: 2, formula: 'f(x) = x² − 2' }),
  );
  const { contour, surface } = nb.viz.descentChart('himmelblau');
  save('descent-contour.svg', contour);
  save('descent-3d.svg', surface);
  save('learning-rates.svg', nb.viz.learningRatesChart('saddle'));
}
