// Worker side: the network of a NetSpec built with nabla, and its training
// data (the Points lab's points and features, or the UCI digits shipped with
// nabla). Everything random comes from the spec's seed.
import * as nb from 'nabla';
import { classCount } from '../points/config.js';
import { makePoints } from '../points/datasets.js';
import { featurize } from '../points/features.js';
import { training, type NetSpec } from './spec.js';

export interface Net {
  model: nb.Sequential;
  loss: nb.losses.LossFunction;
  /** nabla's name of the loss ('binaryCrossentropy', ...). */
  lossName: string;
  /** The training inputs [n, features] and targets [n, outputs] (one-hot or 0/1). */
  x: nb.Tensor;
  y: nb.Tensor;
}

/** The Points lab's number of points (its trainer's). */
const POINTS = 500;

/** Rows `idx` of a [n, k] tensor. */
const rows = (t: nb.Tensor, idx: number[]) => nb.gather(t, nb.tensor(Int32Array.from(idx), [idx.length]));

/** Builds the spec's network (initial weights from its seed) and its training data, at most `maxExamples` of them. */
export async function buildNet(spec: NetSpec, maxExamples = Infinity): Promise<Net> {
  const t = training(spec);
  let x: nb.Tensor, y: nb.Tensor, classes: number;
  if (spec.source === 'points') {
    const c = spec.points;
    classes = classCount(c.dataset);
    // the Points lab's training points: the same draw and split as its trainer
    const all = makePoints(c.dataset, POINTS, c.noise / 100, new nb.Generator(c.seed));
    const order = Array.from({ length: POINTS }, (_, i) => i);
    new nb.Generator(c.seed + 1).shuffle(order);
    const idx = order.slice(0, Math.min(maxExamples, Math.round((POINTS * c.trainPercent) / 100)));
    x = rows(featurize(nb.tensor(all.xy, [POINTS, 2]), c.features), idx);
    const labels = nb.tensor(Int32Array.from(idx.map((i) => all.label[i]!)), [idx.length]);
    y = classes === 2 ? nb.reshape(nb.cast(labels, 'float32'), [idx.length, 1]) : nb.oneHot(labels, classes);
  } else {
    classes = 10;
    const d = await nb.data.loadDigitsAsync();
    const n = d.x.shape[0]!;
    const order = Array.from({ length: n }, (_, i) => i);
    new nb.Generator(t.seed).shuffle(order);
    const idx = order.slice(0, Math.min(maxExamples, n));
    x = rows(d.x, idx);
    y = nb.oneHot(rows(d.labels, idx), 10);
  }
  nb.seed(t.seed); // the initial weights
  const reg =
    spec.source === 'points' && spec.points.regularization !== 'none'
      ? nb.regularizers.l1l2(spec.points.regularization === 'l1' ? { l1: spec.points.regRate } : { l2: spec.points.regRate })
      : undefined;
  const hidden = spec.source === 'points' ? spec.points.layers : spec.digits.layers;
  const inputs = x.shape[1]!;
  const binary = classes === 2;
  const layers = hidden.map((units, i) =>
    nb.layers.dense({ units, activation: t.activation, kernelRegularizer: reg, ...(i === 0 ? { inputShape: [inputs] } : {}) }),
  );
  layers.push(
    nb.layers.dense({
      units: binary ? 1 : classes,
      activation: binary ? 'sigmoid' : 'softmax',
      kernelRegularizer: reg,
      ...(hidden.length === 0 ? { inputShape: [inputs] } : {}),
    }),
  );
  const lossName = t.loss === 'mse' ? 'meanSquaredError' : binary ? 'binaryCrossentropy' : 'categoricalCrossentropy';
  return { model: nb.sequential(layers), loss: nb.losses.getLoss(lossName), lossName, x, y };
}
