// report.html of `nabla train`: the run folder's facts, curves, confusion
// matrix, first-layer weights and mistakes gathered into nb.viz.reportPage's
// data, so the run can be read in a browser, from disk, with no server.
import * as nb from '../index.js';

/** The first layer worth drawing as images: a Dense kernel [h·w, units] or a single-channel Conv2D kernel. */
export function firstLayerWeights(model: nb.Sequential, imageShape: [number, number]): nb.viz.WeightsData | null {
  const weighted = model.layers.find((l) => l instanceof nb.layers.Dense || l instanceof nb.layers.Conv2D || l instanceof nb.layers.LSTM);
  if (weighted instanceof nb.layers.Dense) {
    return { kernel: weighted.getWeights()[0]!, imageShape, title: `First layer weights (${weighted.units} units)` };
  }
  if (weighted instanceof nb.layers.Conv2D) {
    const kernel = weighted.getWeights()[0]!; // [kh, kw, 1, filters]
    return { kernel, imageShape: [kernel.shape[0]!, kernel.shape[1]!], title: `First convolution's ${weighted.filters} kernels` };
  }
  return null;
}

/** What the train command knows at the end of a run, for its report page. */
export interface RunReportInput {
  /** report.json's content (status, options, examples, scores, ...). */
  report: Record<string, unknown>;
  model: nb.Sequential;
  /** The logged values of each completed epoch (loss, val_loss, accuracy, ...). */
  history: Record<string, number[]>;
  classNames?: readonly string[];
  /** The test data's raw inputs [n, features], labels [n] and the model's outputs [n, classes] (classification only). */
  test?: { x: nb.Tensor; y: nb.Tensor; probabilities: nb.Tensor };
  /** [h, w] for image data, with the largest raw pixel value. */
  imageShape?: [number, number];
  pixelMax?: number;
  /** A CSV's feature names. */
  featureNames?: readonly string[];
  /** The model's equations in LaTeX (default: model.explain().latex(), one aligned block with the shapes). */
  equations?: readonly string[];
  /** The loss landscape and the sharpness curve, as SVG documents. */
  landscape?: string | readonly string[];
  sharpness?: string;
}

/**
 * The model's forward and backward pass as one LaTeX aligned block with the
 * shapes (model.explain().latex()), or undefined with a warning on stderr
 * when the model cannot be explained: the run's report is written anyway.
 */
function modelEquations(model: nb.Sequential): string[] | undefined {
  try {
    return [model.explain().latex()];
  } catch (e) {
    console.error(`nabla: warning: report.html shows no equations: ${(e as Error).message}`);
    return undefined;
  }
}

const pct = (v: unknown) => `${(100 * Number(v)).toFixed(2)}%`;
const last = (h: Record<string, number[]>, key: string) => h[key]?.at(-1);

/** The report page of a `nabla train` run (see nb.viz.reportPage). */
export async function runReportPage(r: RunReportInput): Promise<string> {
  const rep = r.report;
  const o = rep['options'] as Record<string, unknown>;
  const ex = rep['examples'] as { train: number; validation: number; test: number };
  const epochs = Number(rep['epochsCompleted']);
  const facts: [string, string | number][] = [
    ['data set', String(rep['dataset'])],
    ['task', String(rep['task'])],
    ['examples', `${ex.train} training, ${ex.validation} validation, ${ex.test} test`],
    [
      'model',
      `${String(o['model'])}${Array.isArray(o['layers']) ? ` (hidden layers: ${(o['layers'] as number[]).join(', ') || 'none'})` : ''}${o['activation'] ? `, ${String(o['activation'])}` : ''}`,
    ],
    ['loss', String(o['loss'])],
    ['optimizer', `${String(o['optimizer'])}, learning rate ${String(o['learningRate'])}, batch size ${String(o['batchSize'])}`],
    ['epochs', `${epochs} of ${String(o['epochs'])}${rep['earlyStoppedAtEpoch'] ? ` (early stopping after epoch ${String(rep['earlyStoppedAtEpoch'])})` : ''}`],
    ['training time', `${Number(rep['trainingSeconds']).toFixed(1)} s`],
    ['seed', String(o['seed'])],
  ];
  if (rep['error']) facts.push(['error', String(rep['error'])]);
  const metrics: [string, string | number][] = [];
  if (rep['testAccuracy'] !== undefined) {
    metrics.push(['test accuracy', pct(rep['testAccuracy'])], ['always the most common class', pct(rep['chanceAccuracy'])]);
  }
  for (const [key, label] of [
    ['testR2', 'test R²'],
    ['testMAE', 'test MAE'],
    ['testRMSE', 'test RMSE'],
  ] as const) {
    if (rep[key] !== undefined) metrics.push([label, Number(rep[key])]);
  }
  for (const key of Object.keys(r.history)) {
    const v = last(r.history, key);
    if (v !== undefined) metrics.push([`${key} (last epoch)`, v]);
  }
  if (rep['bestEpoch'] !== undefined)
    metrics.push(['best epoch (val_loss)', `${String(rep['bestEpoch'])} (${Number(Number(rep['bestValLoss']).toPrecision(4))})`]);

  const failed = rep['status'] === 'failed';
  const data: nb.viz.ReportPageData = {
    title: `nabla run: ${r.model.name}`,
    subtitle: `${String(rep['status'])} · ${epochs} epoch${epochs === 1 ? '' : 's'} · ${String(rep['dataset'])}`,
    facts,
    model: nb.viz.modelTable(r.model),
    ...(metrics.length ? { metrics } : {}),
    ...(epochs > 0 ? { history: r.history } : {}),
    ...(r.classNames ? { classNames: r.classNames } : {}),
    ...(Array.isArray(rep['confusionMatrix']) ? { confusion: rep['confusionMatrix'] as number[][] } : {}),
  };
  if (r.imageShape && !failed) {
    const w = firstLayerWeights(r.model, r.imageShape);
    if (w) data.weights = w;
  }
  if (r.test) {
    const found = nb.viz.findMisclassified(r.test.x, r.test.y.storage, r.test.probabilities, { limit: 24 });
    data.misclassified = {
      ...found,
      ...(r.imageShape ? { imageShape: r.imageShape, pixelRange: [0, r.pixelMax ?? 1] as const } : {}),
      ...(r.featureNames ? { featureNames: r.featureNames } : {}),
    };
  }
  const equations = r.equations ?? modelEquations(r.model);
  if (equations) data.equations = equations;
  if (r.landscape !== undefined) data.landscape = r.landscape;
  if (r.sharpness !== undefined) data.sharpness = r.sharpness;
  return nb.viz.reportPage(data);
}
