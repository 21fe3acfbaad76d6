import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { randn } from '../helpers.js';
import type { OpRow } from './op-table.js';

// The op-table rows of issue 18, part A (fixtures: test/fixtures/ops18a.json, made by
// make_ops18a_fixtures.py). Spread into opTable and extraSamples by op-table.ts.

let seed = 1801;
const r = (...shape: number[]) => randn(shape, seed++);
/** Values kept at least `gap` from each point in `points`. */
const awayFrom = (x: Tensor, points: number[], gap = 0.2) => {
  let t = x;
  for (const p of points) {
    const d = nb.sub(t, p);
    t = nb.where(nb.less(nb.abs(d), gap), nb.add(p, nb.mul(nb.where(nb.greaterEqual(d, 0), 1, -1), gap)), t);
  }
  return t;
};
const uniform = (lo: number, hi: number, ...shape: number[]) => nb.add(nb.mul(nb.sigmoid(r(...shape)), hi - lo), lo);
const unary = (f: (x: Tensor) => Tensor, sample: () => Tensor = () => r(3, 4)): OpRow => ({
  call: ([x]) => f(x!),
  sample: () => ({ inputs: [sample()] }),
});
/** Values with fractional parts in (0.15, 0.35) ∪ (0.65, 0.85): away from integers and halves. */
const fractional = () => {
  const x = nb.mul(r(3, 4), 3);
  const f = nb.sub(x, nb.floor(x));
  return nb.add(nb.floor(x), nb.where(nb.less(f, 0.5), nb.add(nb.mul(f, 0.4), 0.15), nb.add(nb.mul(f, 0.4), 0.45)));
};
const axisRow = (f: (x: Tensor, a: Record<string, any>) => Tensor, sample: () => Tensor, attrs: Record<string, any>): OpRow => ({
  call: ([x], a) => f(x!, a),
  sample: () => ({ inputs: [sample()], attrs }),
});
const nonzero = (...shape: number[]) => uniform(0.5, 1.5, ...shape);

export const opTable18a: Record<string, OpRow> = {
  // elementwise
  tan: unary(nb.tan, () => uniform(-1.2, 1.2, 3, 4)),
  asin: unary(nb.asin, () => uniform(-0.9, 0.9, 3, 4)),
  acos: unary(nb.acos, () => uniform(-0.9, 0.9, 3, 4)),
  atan: unary(nb.atan),
  sinh: unary(nb.sinh),
  cosh: unary(nb.cosh),
  asinh: unary(nb.asinh),
  acosh: unary(nb.acosh, () => uniform(1.2, 4, 3, 4)),
  atanh: unary(nb.atanh, () => uniform(-0.9, 0.9, 3, 4)),
  log2: unary(nb.log2, () => uniform(0.2, 3, 3, 4)),
  log10: unary(nb.log10, () => uniform(0.2, 3, 3, 4)),
  exp2: unary(nb.exp2),
  cbrt: unary(nb.cbrt, () => awayFrom(r(3, 4), [0], 0.3)),
  erfc: unary(nb.erfc),
  erfinv: unary(nb.erfinv, () => uniform(-0.9, 0.9, 3, 4)),
  rsqrt: unary(nb.rsqrt, () => uniform(0.2, 3, 3, 4)),
  floor: unary(nb.floor, fractional),
  ceil: unary(nb.ceil, fractional),
  round: unary(nb.round, fractional),
  trunc: unary(nb.trunc, fractional),
  atan2: { call: ([a, b]) => nb.atan2(a!, b!), sample: () => ({ inputs: [r(2, 3), r(3)] }) },
  copysign: { call: ([a, b]) => nb.copysign(a!, b!), sample: () => ({ inputs: [awayFrom(r(2, 3), [0]), awayFrom(r(3), [0])] }) },
  // a/b = 0.3 + integer, away from the jumps of ⌊a/b⌋
  mod: {
    call: ([a, b]) => nb.mod(a!, b!),
    sample: () => ({ inputs: [nb.tensor([2.6, -2.1, 0.9, 3.3, -4.2, 1.2], [2, 3], 'float64'), nb.tensor([2, 3, -3], [3], 'float64')] }),
  },
  fmod: {
    call: ([a, b]) => nb.fmod(a!, b!),
    sample: () => ({ inputs: [nb.tensor([2.6, -2.1, 0.9, 3.3, -4.2, 1.2], [2, 3], 'float64'), nb.tensor([2, 3, -3], [3], 'float64')] }),
  },
  floorDiv: {
    call: ([a, b]) => nb.floorDiv(a!, b!),
    sample: () => ({ inputs: [nb.tensor([2.6, -2.1, 0.9, 3.3, -4.2, 1.2], [2, 3], 'float64'), nb.tensor([2, 3, -3], [3], 'float64')] }),
  },
  logAddExp: { call: ([a, b]) => nb.logAddExp(a!, b!), sample: () => ({ inputs: [nb.mul(r(2, 3), 2), r(3)] }) },
  lerp: {
    call: ([a, b, w], at) => nb.lerp(a!, b!, w ?? at.weight),
    sample: () => ({ inputs: [r(2, 3), r(3), r(2, 3)] }),
  },
  // activations
  selu: unary(nb.selu, () => awayFrom(nb.mul(r(3, 4), 2), [0])),
  celu: axisRow(
    (x, a) => nb.celu(x, a.alpha),
    () => awayFrom(nb.mul(r(3, 4), 2), [0]),
    { alpha: 1.5 },
  ),
  softsign: unary(nb.softsign, () => awayFrom(r(3, 4), [0])),
  logSigmoid: unary(nb.logSigmoid, () => nb.mul(r(3, 4), 3)),
  hardSigmoid: unary(nb.hardSigmoid, () => awayFrom(nb.mul(r(3, 4), 4), [-3, 3])),
  hardSigmoidKeras2: unary(nb.hardSigmoidKeras2, () => awayFrom(nb.mul(r(3, 4), 4), [-2.5, 2.5])),
  relu6: unary(nb.relu6, () => awayFrom(nb.mul(r(3, 4), 4), [0, 6])),
  hardSwish: unary(nb.hardSwish, () => awayFrom(nb.mul(r(3, 4), 4), [-3, 3])),
  mish: unary(nb.mish, () => nb.mul(r(3, 4), 2)),
  softmin: axisRow(
    (x, a) => nb.softmin(x, a.axis),
    () => r(3, 4),
    { axis: 0 },
  ),
  l2Normalize: axisRow(
    (x, a) => nb.l2Normalize(x, a.axis),
    () => r(3, 4),
    { axis: -1 },
  ),
  // reductions and scans
  prod: axisRow(
    (x, a) => nb.prod(x, a.axis, a.keepDims),
    () => nonzero(2, 4),
    { axis: 1 },
  ),
  std: axisRow(
    (x, a) => nb.std(x, a.axis, a.keepDims, a.correction),
    () => r(3, 4),
    { axis: 1, correction: 1 },
  ),
  cumsum: axisRow(
    (x, a) => nb.cumsum(x, a.axis, a.exclusive, a.reverse),
    () => r(3, 4),
    { axis: 1 },
  ),
  cumprod: axisRow(
    (x, a) => nb.cumprod(x, a.axis, a.exclusive, a.reverse),
    () => nonzero(3, 4),
    { axis: 1 },
  ),
  cummax: axisRow(
    (x, a) => nb.cummax(x, a.axis),
    () => r(5, 3),
    { axis: 0 },
  ),
  cummin: axisRow(
    (x, a) => nb.cummin(x, a.axis),
    () => r(3, 5),
    { axis: 1 },
  ),
  logCumSumExp: axisRow(
    (x, a) => nb.logCumSumExp(x, a.axis, a.exclusive, a.reverse),
    () => nb.mul(r(3, 4), 2),
    { axis: 1 },
  ),
  // sorting and selection
  sort: axisRow(
    (x, a) => nb.sort(x, a.axis, a.descending).values,
    () => r(3, 5),
    { axis: -1 },
  ),
  topk: axisRow(
    (x, a) => nb.topk(x, a.k).values,
    () => r(2, 6),
    { k: 3 },
  ),
  booleanMask: {
    call: ([x, m], a) => nb.booleanMask(x!, m!, a.axis),
    sample: () => ({ inputs: [r(2, 3, 4), nb.greater(r(3, 4), 0)], attrs: { axis: 1 }, fixed: [1] }),
  },
  // losses (both arguments differentiated)
  'losses.huber': {
    call: ([t, p], a) => nb.losses.huber(t!, p!, a),
    sample: () => ({ inputs: [r(4, 3), nb.add(r(4, 3), 0.1)], attrs: { delta: 0.8 } }),
  },
  'losses.kullbackLeiblerDivergence': {
    call: ([t, p], a) => nb.losses.kullbackLeiblerDivergence(t!, p!, a),
    sample: () => ({ inputs: [nb.softmax(r(4, 3)), nb.softmax(r(4, 3))] }),
  },
  'losses.poisson': {
    call: ([t, p], a) => nb.losses.poisson(t!, p!, a),
    sample: () => ({ inputs: [uniform(0, 3, 4, 3), uniform(0.2, 3, 4, 3)] }),
  },
  'losses.cosineSimilarity': {
    call: ([t, p], a) => nb.losses.cosineSimilarity(t!, p!, a),
    sample: () => ({ inputs: [r(4, 3), r(4, 3)], attrs: { axis: -1 } }),
  },
  'losses.categoricalCrossentropy': {
    call: ([t, p], a) => nb.losses.categoricalCrossentropy(t!, p!, a),
    sample: () => ({ inputs: [nb.oneHot([1, 3, 0], 4, 'float64'), nb.softmax(r(3, 4))], attrs: { labelSmoothing: 0.1 } }),
  },
  'losses.binaryCrossentropy': {
    call: ([t, p], a) => nb.losses.binaryCrossentropy(t!, p!, a),
    sample: () => ({ inputs: [nb.tensor([1, 0, 0, 1, 1, 0, 1, 1], [4, 2], 'float64'), r(4, 2)], attrs: { labelSmoothing: 0.2, fromLogits: true } }),
  },
};

/** More gradCheck samples (other attributes, zeros in products). */
export const extraSamples18a: { op: string; inputs: () => Tensor[]; attrs: Record<string, any>; fixed?: number[] }[] = [
  { op: 'lerp', inputs: () => [r(2, 3), r(2, 3)], attrs: { weight: 0.3 } },
  { op: 'softplus', inputs: () => [nb.mul(r(3, 4), 3)], attrs: { beta: 2, threshold: 20 } },
  { op: 'prod', inputs: () => [nb.tensor([1.5, 0, -0.7, 2, 0, 1.1, 0.8, -1.3], [2, 4], 'float64')], attrs: { axis: 1 } },
  {
    op: 'prod',
    inputs: () => [nb.tensor([1.5, 0, -0.7, 2, 0.6, 1.1, 0.8, 0, 0, 0.9, -0.4, 1.2], [2, 3, 2], 'float64')],
    attrs: { axis: [0, 2], keepDims: true },
  },
  { op: 'std', inputs: () => [r(3, 4)], attrs: {} },
  { op: 'variance', inputs: () => [r(3, 4)], attrs: { axis: 0, keepDims: true, correction: 1 } },
  { op: 'cumsum', inputs: () => [r(4, 3)], attrs: { axis: 0, exclusive: true, reverse: true } },
  { op: 'cumprod', inputs: () => [nb.tensor([1.5, 0, -0.7, 2, 0.6, 1.1, 0, 0.8, 1.3, -0.9], [2, 5], 'float64')], attrs: { axis: 1 } },
  { op: 'cumprod', inputs: () => [nonzero(4, 2)], attrs: { axis: 0, exclusive: true, reverse: true } },
  { op: 'logCumSumExp', inputs: () => [nb.mul(r(4, 3), 2)], attrs: { axis: 0, reverse: true } },
  { op: 'sort', inputs: () => [r(4, 3)], attrs: { axis: 0, descending: true } },
];
