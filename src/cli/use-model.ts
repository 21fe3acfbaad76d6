import * as nb from '../index.js';
import { loadForModel, type SavedMetadata } from './datasets.js';
import { CliError } from './errors.js';
import { fsSync } from './run-folder.js';
import { classificationReport, regressionReport } from './report.js';

export async function openModel(path: string): Promise<nb.Sequential> {
  if (!fsSync().existsSync(path)) throw new CliError(`no model file at ${path}`);
  return nb.loadModel(path);
}

/** The preprocessing layers a model starts with (then it takes raw inputs). */
const PREPROCESSING = ['Rescaling', 'Normalization'];

/**
 * The scaler saved beside a model by an older nabla (scaler.json), for models
 * without a preprocessing layer of their own.
 */
export function legacyScaler(model: nb.Sequential, modelPath: string): { transform(x: nb.Tensor): nb.Tensor } | null {
  if (PREPROCESSING.includes(model.layers[0]?.className ?? '')) return null;
  const file = `${modelPath.replace(/[^/]*$/, '')}scaler.json`;
  if (!fsSync().existsSync(file)) return null;
  const saved = JSON.parse(fsSync().readFileSync(file, 'utf8')) as { state: unknown };
  return nb.data.scalerFromJSON(saved.state as never);
}

/**
 * Checks that flat examples [n, features] fit the model, and shapes them as
 * it expects (images [n, h, w, 1] for a CNN, rows [n, h, w] for an LSTM).
 */
export function fitToModel(model: nb.Sequential, x: nb.Tensor, source: string): nb.Tensor {
  const shape = model.inputShape;
  if (!shape) return x;
  const want = shape.reduce((a, b) => a * b, 1);
  const have = x.shape.slice(1).reduce((a, b) => a * b, 1);
  if (have !== want) throw new CliError(`${source} has ${have} features per example, but the model expects ${want}`);
  return nb.reshape(x, [-1, ...shape]);
}

export const metadataOf = (model: nb.Sequential): SavedMetadata => model.metadata as SavedMetadata;

/** `nabla summary MODEL`. */
export async function summary(modelPath: string): Promise<void> {
  const model = await openModel(modelPath);
  model.summary();
  const meta = metadataOf(model);
  if (meta.task === 'regression') console.log('task: regression (one numeric output)');
  else if (meta.classNames) console.log(`classes: ${meta.classNames.join(', ')}`);
}

/** `nabla evaluate MODEL DATA`: loss and metrics, and the classification (or regression) report on DATA's raw inputs. */
export async function evaluate(modelPath: string, data: string, o: { dataDir?: string }): Promise<void> {
  const model = await openModel(modelPath);
  const meta = metadataOf(model);
  const set = loadForModel(data, meta, { dataDir: o.dataDir });
  const scaler = legacyScaler(model, modelPath);
  const x = fitToModel(model, scaler ? scaler.transform(set.x) : set.x, data);
  console.log(`on ${set.note}; the held-out test figures of a training run are in its report.json`);
  const pred = model.predict(x);
  if (set.task === 'regression') {
    console.log(regressionReport(set.y.storage, pred.storage, 'evaluation').text);
    return;
  }
  const numClasses = pred.shape[1]!;
  const labels = Array.from(set.y.storage);
  const outside = labels.findIndex((l) => l >= numClasses);
  if (outside >= 0) throw new CliError(`${data}: label ${labels[outside]} (example ${outside}) is not one of the model's ${numClasses} classes`);
  if (model.getCompileConfig()) {
    const results = model.evaluate(x, nb.oneHot(set.y, numClasses));
    console.log(
      Object.entries(results)
        .map(([k, v]) => `${k}: ${v.toFixed(4)}`)
        .join('  '),
    );
  }
  const predicted = Array.from(nb.argmax(pred, 1).storage);
  console.log(`\n${classificationReport(labels, predicted, numClasses, set.classes?.classNames).text.replace('test accuracy', 'accuracy')}`);
}

/** `nabla predict MODEL INPUT`: the class (named) and probabilities of each example of a CSV or IDX file, or the predicted value of a regression model. */
export async function predict(modelPath: string, input: string, o: { top: string }): Promise<void> {
  const model = await openModel(modelPath);
  if (!fsSync().existsSync(input)) throw new CliError(`no input file at ${input}`);
  const want = model.inputShape?.reduce((a, b) => a * b, 1);
  const top = Number(o.top);
  if (!Number.isInteger(top) || top < 1) throw new CliError(`--top must be a positive integer, got '${o.top}'`);
  let x: nb.Tensor;
  if (/\.csv(\.gz)?$/i.test(input)) {
    // a trailing label column (one more than the model takes, text or numbers) is ignored
    const withLabel = nb.data.loadCsv(input, { header: 'auto', labelColumn: 'last', textLabels: true, allowNonFinite: false });
    x =
      want !== undefined && withLabel.x.shape[1] === want
        ? withLabel.x
        : nb.data.loadCsv(input, { header: 'auto', labelColumn: null, allowNonFinite: false }).x;
    x = legacyScaler(model, modelPath)?.transform(x) ?? x;
  } else {
    // raw pixels: the model's own rescaling layer scales them
    const images = nb.data.loadIdx(input);
    const n = images.shape[0]!;
    x = nb.reshape(nb.cast(images, 'float32'), [n, -1]);
    if (!PREPROCESSING.includes(model.layers[0]?.className ?? '')) x = nb.div(x, 255);
  }
  x = fitToModel(model, x, input);
  const p = model.predict(x);
  const meta = metadataOf(model);
  const rows = p.toArray() as number[][];
  if (meta.task === 'regression') {
    console.log('example  prediction');
    rows.forEach((r, i) => console.log(`${String(i).padStart(7)}  ${r.map((v) => v.toPrecision(6)).join('  ')}`));
    return;
  }
  const names = meta.classNames;
  const name = (c: number) => names?.[c] ?? String(c);
  const shown = Math.min(top, p.shape[1]!);
  const width = Math.max(5, ...Array.from({ length: p.shape[1]! }, (_, c) => name(c).length));
  console.log(`example  ${'class'.padStart(width)}  probabilities (top ${shown})`);
  rows.forEach((r, i) => {
    const ranked = r
      .map((v, c) => [c, v] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, shown);
    console.log(`${String(i).padStart(7)}  ${name(ranked[0]![0]).padStart(width)}  ${ranked.map(([c, v]) => `${name(c)}: ${v.toFixed(4)}`).join('  ')}`);
  });
}

/** `nabla explain MODEL`: the model's forward and backward equations with shapes. */
export async function explainCommand(modelPath: string, o: { latex?: boolean; markdown?: boolean; layout?: string }): Promise<void> {
  if (o.latex && o.markdown) throw new CliError('explain: choose one of --latex and --markdown');
  const layout = o.layout ?? 'columns';
  if (layout !== 'rows' && layout !== 'columns') throw new CliError(`explain: --layout must be rows or columns, got ${layout}`);
  const model = await openModel(modelPath);
  const e = model.explain({ layout, format: o.latex ? 'latex' : o.markdown ? 'markdown' : 'text' });
  console.log(e.toString());
}
