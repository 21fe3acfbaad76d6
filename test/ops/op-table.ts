import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { randn } from '../helpers.js';
import { extraSamples18b, opTable18b } from './op-table-18b.js';
import { extraSamples18a, opTable18a } from './op-table-18a.js';

/**
 * One row per public op: how to call it from a fixture's inputs and
 * attributes, and sample inputs for the finite-difference gradient checks.
 * `fixed` lists inputs that are not differentiated (indices, conditions).
 */
export interface OpRow {
  call: (inputs: Tensor[], attrs: Record<string, any>) => Tensor;
  /** Float64 sample inputs (and attrs) for gradCheck at orders 1 and 2; omitted for non-differentiable ops. */
  sample?: () => { inputs: Tensor[]; attrs?: Record<string, any>; fixed?: number[] };
}

let seed = 1;
const r = (...shape: number[]) => randn(shape, seed++);
/** Values kept at least 0.2 from zero (away from kinks). */
const away = (...shape: number[]) => {
  const x = r(...shape);
  return nb.add(x, nb.mul(nb.sign(x), 0.2));
};
const positive = (...shape: number[]) => nb.add(nb.abs(r(...shape)), 0.5);
const unary = (f: (x: Tensor) => Tensor, sample: () => Tensor = () => r(3, 4)): OpRow => ({
  call: ([x]) => f(x!),
  sample: () => ({ inputs: [sample()] }),
});
const binary = (f: (a: Tensor, b: Tensor) => Tensor, a: () => Tensor = () => r(2, 3), b: () => Tensor = () => r(3)): OpRow => ({
  call: ([x, y]) => f(x!, y!),
  sample: () => ({ inputs: [a(), b()] }),
});

export const opTable: Record<string, OpRow> = {
  // arithmetic
  add: binary(
    nb.add,
    () => r(2, 3, 4),
    () => r(3, 1),
  ),
  sub: binary(nb.sub),
  mul: binary(
    nb.mul,
    () => r(2, 1, 4),
    () => r(3, 1),
  ),
  div: binary(
    nb.div,
    () => r(2, 3),
    () => positive(3),
  ),
  pow: binary(
    nb.pow,
    () => positive(2, 3),
    () => r(3),
  ),
  maximum: binary(nb.maximum),
  minimum: binary(
    nb.minimum,
    () => r(2, 3),
    () => r(2, 1),
  ),
  neg: unary(nb.neg),
  square: unary(nb.square),
  sqrt: unary(nb.sqrt, () => positive(3, 4)),
  exp: unary(nb.exp),
  expm1: unary(nb.expm1),
  log: unary(nb.log, () => positive(3, 4)),
  log1p: unary(nb.log1p, () => positive(3, 4)),
  abs: unary(nb.abs, () => away(3, 4)),
  sign: unary(nb.sign, () => away(3, 4)),
  sin: unary(nb.sin),
  cos: unary(nb.cos),
  tanh: unary(nb.tanh),
  erf: unary(nb.erf),
  reciprocal: unary(nb.reciprocal, () => away(3, 4)),
  clip: {
    call: ([x], a) => nb.clip(x!, a.min, a.max),
    sample: () => ({ inputs: [nb.tensor([-2, -0.9, -0.3, 0.1, 0.4, 1.5], [2, 3], 'float64')], attrs: { min: -0.5, max: 0.7 } }),
  },
  // comparison and selection
  where: {
    call: ([c, a, b]) => nb.where(c!, a!, b!),
    sample: () => ({ inputs: [nb.greater(r(3, 4), 0), r(3, 4), r(4)], fixed: [0] }),
  },
  // linear algebra
  matmul: {
    call: ([a, b], at) => nb.matmul(a!, b!, at.transposeA ?? false, at.transposeB ?? false),
    sample: () => ({ inputs: [r(2, 1, 3, 4), r(2, 4, 2)] }),
  },
  dot: binary(
    nb.dot,
    () => r(5),
    () => r(5),
  ),
  outer: binary(
    nb.outer,
    () => r(3),
    () => r(4),
  ),
  transpose: { call: ([x]) => nb.transpose(x!), sample: () => ({ inputs: [r(2, 3, 4)] }) },
  permute: { call: ([x], a) => nb.permute(x!, a.perm), sample: () => ({ inputs: [r(2, 3, 4)], attrs: { perm: [1, 2, 0] } }) },
  // reductions
  sum: { call: ([x], a) => nb.sum(x!, a.axis, a.keepDims), sample: () => ({ inputs: [r(2, 3, 4)], attrs: { axis: [0, 2] } }) },
  mean: { call: ([x], a) => nb.mean(x!, a.axis, a.keepDims), sample: () => ({ inputs: [r(2, 3, 4)], attrs: { axis: 1, keepDims: true } }) },
  max: { call: ([x], a) => nb.max(x!, a.axis, a.keepDims), sample: () => ({ inputs: [r(3, 4)], attrs: { axis: 1 } }) },
  min: { call: ([x], a) => nb.min(x!, a.axis, a.keepDims), sample: () => ({ inputs: [r(3, 4)], attrs: { axis: 0 } }) },
  logSumExp: { call: ([x], a) => nb.logSumExp(x!, a.axis, a.keepDims), sample: () => ({ inputs: [r(3, 4)], attrs: { axis: -1 } }) },
  variance: { call: ([x], a) => nb.variance(x!, a.axis, a.keepDims, a.correction), sample: () => ({ inputs: [r(3, 4)], attrs: { axis: 0 } }) },
  argmax: { call: ([x], a) => nb.argmax(x!, a.axis, a.keepDims) },
  argmin: { call: ([x], a) => nb.argmin(x!, a.axis, a.keepDims) },
  // shape
  reshape: { call: ([x], a) => nb.reshape(x!, a.shape), sample: () => ({ inputs: [r(2, 3, 2)], attrs: { shape: [3, -1] } }) },
  flatten: unary(nb.flatten, () => r(2, 3)),
  squeeze: { call: ([x], a) => nb.squeeze(x!, a.axis), sample: () => ({ inputs: [r(3, 1, 2)], attrs: { axis: 1 } }) },
  expandDims: { call: ([x], a) => nb.expandDims(x!, a.axis), sample: () => ({ inputs: [r(3, 2)], attrs: { axis: -1 } }) },
  broadcastTo: { call: ([x], a) => nb.broadcastTo(x!, a.shape), sample: () => ({ inputs: [r(3, 1)], attrs: { shape: [2, 3, 4] } }) },
  slice: { call: ([x], a) => nb.slice(x!, a.begin, a.size), sample: () => ({ inputs: [r(4, 5)], attrs: { begin: [1, 2], size: [2, -1] } }) },
  concat: { call: (xs, a) => nb.concat(xs, a.axis), sample: () => ({ inputs: [r(2, 3), r(2, 2)], attrs: { axis: 1 } }) },
  stack: { call: (xs, a) => nb.stack(xs, a.axis), sample: () => ({ inputs: [r(2, 3), r(2, 3)], attrs: { axis: 2 } }) },
  splitPart: {
    call: ([x], a) => nb.split(x!, a.sections, a.axis)[a.part]!,
    sample: () => ({ inputs: [r(4, 3)], attrs: { sections: 2, axis: 0, part: 1 } }),
  },
  pad: {
    call: ([x], a) => nb.pad(x!, a.paddings, a.value),
    sample: () => ({
      inputs: [r(2, 3)],
      attrs: {
        paddings: [
          [0, 1],
          [2, 0],
        ],
        value: 0,
      },
    }),
  },
  gather: {
    call: ([x, i], a) => nb.gather(x!, i!, a.axis),
    sample: () => ({ inputs: [r(4, 3), nb.tensor([3, 3, 0], [3], 'int32')], attrs: { axis: 0 }, fixed: [1] }),
  },
  scatterAdd: {
    call: ([u, i], a) => nb.scatterAdd(u!, i!, a.axis, a.dimSize),
    sample: () => ({ inputs: [r(2, 3), nb.tensor([1, 1, 0], [3], 'int32')], attrs: { axis: 1, dimSize: 4 }, fixed: [1] }),
  },
  // convolution and pooling (NHWC)
  conv2d: {
    call: ([x, k], a) => nb.conv2d(x!, k!, a.strides, a.padding, a.dilation),
    sample: () => ({ inputs: [r(1, 5, 4, 2), r(3, 2, 2, 2)], attrs: { strides: [2, 1], padding: 'same', dilation: 1 } }),
  },
  maxPool2d: {
    call: ([x], a) => nb.maxPool2d(x!, a.poolSize, a.strides, a.padding),
    sample: () => ({ inputs: [r(2, 4, 5, 2)], attrs: { poolSize: 2, strides: 1, padding: 'same' } }),
  },
  avgPool2d: {
    call: ([x], a) => nb.avgPool2d(x!, a.poolSize, a.strides, a.padding),
    sample: () => ({ inputs: [r(2, 5, 5, 2)], attrs: { poolSize: [3, 2], strides: 2, padding: 'same' } }),
  },
  // activations
  sigmoid: unary(nb.sigmoid, () => nb.mul(r(3, 4), 3)),
  relu: unary(nb.relu, () => away(3, 4)),
  leakyRelu: { call: ([x], a) => nb.leakyRelu(x!, a.alpha), sample: () => ({ inputs: [away(3, 4)], attrs: { alpha: 0.1 } }) },
  elu: { call: ([x], a) => nb.elu(x!, a.alpha), sample: () => ({ inputs: [away(3, 4)], attrs: { alpha: 1.5 } }) },
  swish: unary(nb.swish, () => nb.mul(r(3, 4), 3)),
  gelu: { call: ([x], a) => nb.gelu(x!, a.approximate), sample: () => ({ inputs: [nb.mul(r(3, 4), 2)], attrs: { approximate: false } }) },
  softplus: { call: ([x], a) => nb.softplus(x!, a.beta, a.threshold), sample: () => ({ inputs: [nb.mul(r(3, 4), 3)] }) },
  softmax: { call: ([x], a) => nb.softmax(x!, a.axis), sample: () => ({ inputs: [r(3, 4)], attrs: { axis: 0 } }) },
  logSoftmax: { call: ([x], a) => nb.logSoftmax(x!, a.axis), sample: () => ({ inputs: [r(3, 4)], attrs: { axis: -1 } }) },
  biasActivation: {
    call: ([z, b], a) => nb.biasActivation(z!, b!, a.activation),
    sample: () => ({ inputs: [away(2, 3, 4), nb.mul(r(4), 0.05)], attrs: { activation: 'sigmoid' } }),
  },
  ...opTable18b,
  ...opTable18a,
};

/** Extra gradCheck samples for rows whose fixtures use other attributes. */
export const extraSamples: { op: string; inputs: () => Tensor[]; attrs: Record<string, any>; fixed?: number[] }[] = [
  { op: 'gelu', inputs: () => [nb.mul(r(3, 4), 2)], attrs: { approximate: true } },
  { op: 'biasActivation', inputs: () => [away(2, 3, 4), nb.mul(r(4), 0.05)], attrs: { activation: 'relu' } },
  { op: 'biasActivation', inputs: () => [r(3, 4), r(4)], attrs: { activation: 'tanh' } },
  { op: 'biasActivation', inputs: () => [r(3, 4), r(4)], attrs: { activation: 'linear' } },
  { op: 'softmax', inputs: () => [r(2, 3, 4)], attrs: { axis: 1 } },
  { op: 'logSoftmax', inputs: () => [r(2, 3, 4)], attrs: { axis: 0 } },
  { op: 'matmul', inputs: () => [r(4, 3), r(2, 5, 4)], attrs: { transposeA: true, transposeB: true } },
  { op: 'matmul', inputs: () => [r(3, 4), r(5, 4)], attrs: { transposeB: true } },
  { op: 'matmul', inputs: () => [r(4), r(4, 3)], attrs: {} },
  { op: 'max', inputs: () => [r(2, 3, 4)], attrs: { axis: [0, 2], keepDims: true } },
  { op: 'sum', inputs: () => [r(2, 3)], attrs: {} },
  { op: 'conv2d', inputs: () => [r(2, 6, 6, 1), r(2, 2, 1, 2)], attrs: { strides: 1, padding: 'valid', dilation: 2 } },
  ...extraSamples18b,
  ...extraSamples18a,
];
