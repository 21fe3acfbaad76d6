import * as nb from '../index.js';
import { loadDataset } from './datasets.js';
import { CliError } from './errors.js';
import { classificationReport } from './report.js';

type FsSync = typeof import('node:fs');
const fsSync = () => (process as unknown as { getBuiltinModule(n: string): FsSync }).getBuiltinModule('node:fs');

async function openModel(path: string): Promise<nb.Sequential> {
  if (!fsSync().existsSync(path)) throw new CliError(`no model file at ${path}`);
  return nb.loadModel(path);
}

/** The scaler saved beside a model trained on CSV data, if any. */
function scalerFor(modelPath: string): { transform(x: nb.Tensor): nb.Tensor } | null {
  const file = modelPath.replace(/[^/]*$/, '') + 'scaler.json';
  if (!fsSync().existsSync(file)) return null;
  const saved = JSON.parse(fsSync().readFileSync(file, 'utf8')) as { state: unknown };
  return nb.data.scalerFromJSON(saved.state as never);
}

/**
 * Checks that flat examples [n, features] fit the model, and shapes them as
 * it expects (images [n, h, w, 1] for a CNN, rows [n, h, w] for an LSTM).
 */
function fitToModel(model: nb.Sequential, x: nb.Tensor, source: string): nb.Tensor {
  const shape = model.inputShape;
  if (!shape) return x;
  const want = shape.reduce((a, b) => a * b, 1);
  const have = x.shape.slice(1).reduce((a, b) => a * b, 1);
  if (have !== want) throw new CliError(`${source} has ${have} features per example, but the model expects ${want}`);
  return nb.reshape(x, [-1, ...shape]);
}

/** `nabla summary MODEL`. */
export async function summary(modelPath: string): Promise<void> {
  (await openModel(modelPath)).summary();
}

/** `nabla evaluate MODEL DATA`: loss, accuracy and the classification report on DATA. */
export async function evaluate(modelPath: string, data: string, o: { dataDir?: string }): Promise<void> {
  const model = await openModel(modelPath);
  const ds = loadDataset(data, { dataDir: o.dataDir });
  let x = ds.test?.x ?? ds.x;
  const labels = ds.test?.labels ?? ds.labels;
  if (data.endsWith('.csv')) {
    const raw = nb.data.loadCsv(data, { labelColumn: 'last', header: 'auto' }).x;
    x = scalerFor(modelPath)?.transform(raw) ?? raw;
  }
  x = fitToModel(model, x, data);
  const numClasses = model.predict(nb.slice(x, [0], [1])).shape[1]!;
  const results = model.evaluate(x, nb.oneHot(labels, numClasses));
  console.log(`on all ${labels.shape[0]} examples of ${data}${ds.test ? ' (its test set)' : ''}; the held-out test figures of a training run are in its report.json`);
  console.log(Object.entries(results).map(([k, v]) => `${k}: ${v.toFixed(4)}`).join('  '));
  const predicted = Array.from(nb.argmax(model.predict(x), 1).storage);
  console.log('\n' + classificationReport(Array.from(labels.storage), predicted, numClasses).text.replace('test accuracy', 'accuracy'));
}

/** `nabla predict MODEL INPUT`: the class and probabilities of each example of a CSV or IDX file. */
export async function predict(modelPath: string, input: string, o: { top: string }): Promise<void> {
  const model = await openModel(modelPath);
  if (!fsSync().existsSync(input)) throw new CliError(`no input file at ${input}`);
  const want = model.inputShape?.reduce((a, b) => a * b, 1);
  const top = Number(o.top);
  if (!Number.isInteger(top) || top < 1) throw new CliError(`--top must be a positive integer, got '${o.top}'`);
  let x: nb.Tensor;
  if (/\.csv$/i.test(input)) {
    const table = nb.data.loadCsv(input, { header: 'auto', labelColumn: null }).x;
    // a trailing label column (one more than the model takes) is ignored
    x = want !== undefined && table.shape[1] === want + 1 ? nb.slice(table, [0, 0], [-1, want]) : table;
    x = scalerFor(modelPath)?.transform(x) ?? x;
  } else {
    const images = nb.data.loadIdx(input);
    const n = images.shape[0]!;
    x = nb.div(nb.reshape(nb.cast(images, 'float32'), [n, -1]), 255);
  }
  x = fitToModel(model, x, input);
  const p = model.predict(x);
  const shown = Math.min(top, p.shape[1]!);
  const rows = p.toArray() as number[][];
  console.log(`example  class  probabilities (top ${shown})`);
  rows.forEach((r, i) => {
    const ranked = r.map((v, c) => [c, v] as const).sort((a, b) => b[1] - a[1]).slice(0, shown);
    console.log(`${String(i).padStart(7)}  ${String(ranked[0]![0]).padStart(5)}  ${ranked.map(([c, v]) => `${c}: ${v.toFixed(4)}`).join('  ')}`);
  });
}
