import * as nb from '../index.js';
import { CliError } from './errors.js';
import { applyClasses, encodeClasses, numericTargets, type ClassMapping } from './labels.js';

export type Task = 'classification' | 'regression';

/**
 * A labelled data set as the CLI uses it. x holds the raw inputs, exactly as
 * they are in the files: any scaling is done by the model's own first layer,
 * so a saved model takes the same raw inputs.
 */
export interface Dataset {
  name: string;
  /** [n, features] float32 raw inputs. */
  x: nb.Tensor;
  /** [n] int32 class indices (classification) or float32 targets (regression). */
  y: nb.Tensor;
  task: Task;
  /** Class names (and label values) of a classification set. */
  classes?: ClassMapping;
  /** [h, w] when the examples are images. */
  imageShape?: [number, number];
  /** The largest raw pixel value of an image set (16 for digits, 255 for MNIST): the model rescales by 1/pixelMax. */
  pixelMax?: number;
  /** Test data that comes with the set (MNIST-style); otherwise the CLI splits x. */
  test?: { x: nb.Tensor; y: nb.Tensor };
  /** The lines of a CSV that were dropped for holding nan or inf (--drop-nan). */
  dropped?: number[];
  /** A CSV's feature names (its header, when it has one). */
  featureNames?: string[];
}

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const DIGIT_NAMES = Array.from({ length: 10 }, (_, i) => String(i));

export const isCsv = (name: string) => /\.csv(\.gz)?$/i.test(name);

/** Raw 8-bit pixel values back from loadMnist's 0..1 floats (v/255 rounds to the nearest float32; ·255 and rounding undoes it exactly). */
function rawPixels(x: nb.Tensor, max: number): nb.Tensor {
  const out = Float32Array.from(x.storage, (v) => Math.round(v * max));
  return new nb.Tensor(out, x.shape);
}

/** The image sets: digits (shipped), fashion-mnist, mnist (IDX files in --data-dir). */
function imageSet(name: string, dataDir: string | undefined): Dataset | null {
  if (name === 'digits') {
    const d = nb.data.loadDigits();
    return {
      name,
      x: rawPixels(d.x, 16),
      y: d.labels,
      task: 'classification',
      imageShape: [8, 8],
      pixelMax: 16,
      classes: { classNames: DIGIT_NAMES, labelValues: DIGIT_NAMES.map(Number) },
    };
  }
  if (name === 'fashion-mnist' || name === 'mnist') {
    const dir = dataDir ?? (name === 'fashion-mnist' ? FASHION_DIR : undefined);
    if (!dir) throw new CliError('mnist needs --data-dir DIR holding train-images-idx3-ubyte(.gz) and the other three IDX files');
    const train = nb.data.loadMnist(dir, { kind: 'train' });
    const test = nb.data.loadMnist(dir, { kind: 't10k' });
    const names = name === 'fashion-mnist' ? [...nb.data.FASHION_MNIST_CLASSES] : DIGIT_NAMES;
    return {
      name,
      x: rawPixels(train.x, 255),
      y: train.labels,
      task: 'classification',
      imageShape: [28, 28],
      pixelMax: 255,
      classes: { classNames: names, labelValues: names.map((_, i) => i) },
      test: { x: rawPixels(test.x, 255), y: test.labels },
    };
  }
  return null;
}

/** A CSV's raw table: features, the label column as text, each row's line number. */
function readCsv(path: string, dropNan: boolean): { x: nb.Tensor; cells: string[]; lines: Int32Array; dropped: number[]; columns?: string[] } {
  let d: nb.data.CsvData;
  try {
    d = nb.data.loadCsv(path, { labelColumn: 'last', header: 'auto', textLabels: true, allowNonFinite: dropNan });
  } catch (e) {
    if (/is not a finite number|is beyond float32's range/.test((e as Error).message)) {
      throw new CliError(
        `${(e as Error).message.replace(/^loadCsv: /, `${path}: `).replace(` (${path})`, '')}; nabla refuses to train on nan or inf (--drop-nan drops such rows)`,
      );
    }
    throw e;
  }
  let x = d.x,
    cells = d.labelText!,
    lines = d.lineNumbers!;
  const dropped: number[] = [];
  if (dropNan) {
    const f = x.shape[1]!,
      v = x.storage;
    const keep: number[] = [];
    for (let i = 0; i < cells.length; i++) {
      let ok = !/^[+-]?(nan|inf(inity)?)$/i.test(cells[i]!);
      for (let j = 0; ok && j < f; j++) ok = Number.isFinite(v[i * f + j]!);
      if (ok) keep.push(i);
      else dropped.push(lines[i]!);
    }
    if (dropped.length > 0) {
      if (keep.length === 0) throw new CliError(`${path}: every row holds nan or inf`);
      const kept = new Float32Array(keep.length * f);
      keep.forEach((r, i) => kept.set(v.subarray(r * f, (r + 1) * f), i * f));
      x = new nb.Tensor(kept, [keep.length, f]);
      cells = keep.map((r) => cells[r]!);
      lines = Int32Array.from(keep, (r) => lines[r]!);
    }
  }
  return { x, cells, lines, dropped, ...(d.columns ? { columns: d.columns } : {}) };
}

/**
 * Resolves the `train` command's DATA argument: 'digits' (shipped), 'fashion-mnist'
 * (Debian's dataset-fashion-mnist), 'mnist' (IDX files in a folder the user gives
 * with --data-dir), or a CSV file (.csv or .csv.gz) whose last column is the label.
 */
export function loadDataset(name: string, opts: { dataDir?: string; task?: Task; dropNan?: boolean }): Dataset {
  const task = opts.task ?? 'classification';
  const images = imageSet(name, opts.dataDir);
  if (images) {
    if (task === 'regression') throw new CliError(`--task regression needs a CSV file with a numeric target in its last column, not ${name}`);
    return images;
  }
  if (isCsv(name)) {
    const { x, cells, lines, dropped, columns } = readCsv(name, opts.dropNan ?? false);
    const named = columns ? { featureNames: columns } : {};
    if (task === 'regression') return { name, x, y: new nb.Tensor(numericTargets(cells, lines, name), [cells.length]), task, dropped, ...named };
    const { labels, ...classes } = encodeClasses(cells, lines, name);
    return { name, x, y: new nb.Tensor(labels, [labels.length]), task, classes, dropped, ...named };
  }
  throw new CliError(`unknown data set '${name}': use digits, fashion-mnist, mnist or a .csv file`);
}

/** What a saved model says about its labels and task (model.metadata, written by train). */
export interface SavedMetadata {
  task?: Task;
  classNames?: string[];
  labelValues?: number[];
}

/**
 * A data set to evaluate a saved model on, its labels mapped as the model's
 * metadata says (a CSV's text labels by name, numeric labels by value). For
 * MNIST-style sets, the test set.
 */
export function loadForModel(
  name: string,
  meta: SavedMetadata,
  opts: { dataDir?: string },
): { x: nb.Tensor; y: nb.Tensor; task: Task; classes?: ClassMapping; note: string } {
  const task = meta.task ?? 'classification';
  const images = imageSet(name, opts.dataDir);
  if (images) {
    if (task === 'regression') throw new CliError(`the model is a regression model; evaluate it on a CSV file, not ${name}`);
    const set = images.test ?? images;
    const note = images.test ? `the ${set.x.shape[0]} test examples of ${name}` : `all ${set.x.shape[0]} examples of ${name}`;
    return { x: set.x, y: set.y, task, classes: meta.classNames ? classesOf(meta) : images.classes, note };
  }
  if (isCsv(name)) {
    const { x, cells, lines } = readCsv(name, false);
    const note = `all ${x.shape[0]} examples of ${name}`;
    if (task === 'regression') return { x, y: new nb.Tensor(numericTargets(cells, lines, name), [cells.length]), task, note };
    if (meta.classNames) {
      const classes = classesOf(meta);
      return { x, y: new nb.Tensor(applyClasses(cells, lines, classes, name), [cells.length]), task, classes, note };
    }
    // a model saved without class names: labels are the class indices themselves
    const labels = Int32Array.from(cells, (c, i) => {
      const v = Number(c);
      if (!Number.isInteger(v) || v < 0)
        throw new CliError(`${name}: line ${lines[i]}: label ${JSON.stringify(c)} is not a class index, and the model has no class names to look it up`);
      return v;
    });
    return { x, y: new nb.Tensor(labels, [labels.length]), task, note };
  }
  throw new CliError(`unknown data set '${name}': use digits, fashion-mnist, mnist or a .csv file`);
}

function classesOf(meta: SavedMetadata): ClassMapping {
  return meta.labelValues ? { classNames: meta.classNames!, labelValues: meta.labelValues } : { classNames: meta.classNames! };
}
