import * as nb from '../index.js';
import type { Dataset } from './datasets.js';

type Fs = typeof import('node:fs/promises');
const fs = () => (process as unknown as { getBuiltinModule(n: string): Fs }).getBuiltinModule('node:fs/promises');

/**
 * Writes a training run's folder: the saved model, the history, the report,
 * and SVG charts (loss and accuracy curves, the confusion matrix and, for
 * images, the first layer's weights drawn as images). Returns the file names.
 */
export async function writeRunFiles(dir: string, run: {
  model: nb.Sequential; history: nb.History; dataset: Dataset; seconds: number; options: Record<string, unknown>;
  report: { matrix: number[][]; accuracy: number; perClass: Record<string, number[]> };
}): Promise<string[]> {
  const f = fs();
  await f.mkdir(dir, { recursive: true });
  const files: Record<string, string> = {};
  files['history.json'] = JSON.stringify({ epoch: run.history.epoch, history: run.history.history, params: run.history.params }, null, 2);
  files['report.json'] = JSON.stringify({
    dataset: run.dataset.name, testAccuracy: run.report.accuracy, ...run.report.perClass,
    confusionMatrix: run.report.matrix, trainingSeconds: run.seconds, options: run.options,
  }, null, 2);
  for (const [name, svg] of Object.entries(nb.viz.historyCharts(run.history.history))) if (svg) files[`${name}.svg`] = svg;
  files['confusion.svg'] = nb.viz.confusionMatrixChart(run.report.matrix, { title: `Confusion matrix, test accuracy ${(100 * run.report.accuracy).toFixed(1)}%` });
  const first = run.model.layers[0];
  if (run.dataset.imageShape && first instanceof nb.layers.Dense) {
    files['weights.svg'] = nb.viz.weightImages(first.getWeights()[0]!, { imageShape: run.dataset.imageShape, title: `First layer weights (${first.units} units)` });
  } else if (run.dataset.imageShape && first instanceof nb.layers.Conv2D) {
    const k = first.getWeights()[0]!; // [kh, kw, 1, filters]
    files['weights.svg'] = nb.viz.weightImages(k, { imageShape: [k.shape[0]!, k.shape[1]!], title: `First convolution's ${first.filters} kernels` });
  }
  if (run.dataset.scaler) files['scaler.json'] = JSON.stringify(run.dataset.scaler);
  for (const [name, text] of Object.entries(files)) await f.writeFile(`${dir}/${name}`, text);
  await run.model.save(`${dir}/model.nabla`);
  return ['model.nabla', ...Object.keys(files)];
}
