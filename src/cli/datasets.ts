import * as nb from '../index.js';
import { CliError } from './errors.js';

/** A labelled classification data set as the CLI uses it. */
export interface Dataset {
  name: string;
  /** [n, features] float32 in a trainable scale. */
  x: nb.Tensor;
  /** [n] int32 class indices. */
  labels: nb.Tensor;
  numClasses: number;
  /** [h, w] when the examples are images (for drawing first-layer weights). */
  imageShape?: [number, number];
  /** Test data that comes with the set (MNIST-style); otherwise the CLI splits x. */
  test?: { x: nb.Tensor; labels: nb.Tensor };
  /** How features were scaled, saved beside the model so predict can repeat it. */
  scaler?: { kind: 'standard'; state: unknown };
}

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

function classCount(labels: nb.Tensor): number {
  let max = -1;
  for (const v of labels.storage) max = Math.max(max, v);
  return max + 1;
}

/**
 * Resolves the `train` command's DATA argument: 'digits' (shipped), 'fashion-mnist'
 * (Debian's dataset-fashion-mnist), 'mnist' (IDX files in a folder the user gives
 * with --data-dir), or a CSV file whose last column is the label.
 */
export function loadDataset(name: string, opts: { dataDir?: string }): Dataset {
  if (name === 'digits') {
    const d = nb.data.loadDigits();
    return { name, x: d.x, labels: d.labels, numClasses: 10, imageShape: [8, 8] };
  }
  if (name === 'fashion-mnist' || name === 'mnist') {
    const dir = opts.dataDir ?? (name === 'fashion-mnist' ? FASHION_DIR : undefined);
    if (!dir) throw new CliError('mnist needs --data-dir DIR holding train-images-idx3-ubyte(.gz) and the other three IDX files');
    const train = nb.data.loadMnist(dir, { kind: 'train' });
    const test = nb.data.loadMnist(dir, { kind: 't10k' });
    return { name, x: train.x, labels: train.labels, numClasses: 10, imageShape: [28, 28], test: { x: test.x, labels: test.labels } };
  }
  if (name.endsWith('.csv')) {
    const d = nb.data.loadCsv(name, { labelColumn: 'last', header: 'auto' });
    const scaler = nb.data.standardScaler();
    const x = scaler.fitTransform(d.x);
    return { name, x, labels: d.labels!, numClasses: classCount(d.labels!), scaler: { kind: 'standard', state: scaler.toJSON() } };
  }
  throw new CliError(`unknown data set '${name}': use digits, fashion-mnist, mnist or a .csv file`);
}
