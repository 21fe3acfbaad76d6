import { Tensor } from '../tensor/tensor.js';
import * as activations from './activations.js';
import * as arithmetic from './arithmetic.js';
import * as compare from './compare.js';
import * as elementwise from './elementwise.js';
import * as linalg from './linalg.js';
import * as reduce from './reduce.js';
import * as scan from './scan.js';
import * as sort from './sort.js';
import * as shape from './shape.js';

/**
 * The chainable methods: each is the op function of the same name with the
 * tensor as its first argument, so `a.add(b).relu()` is `relu(add(a, b))`.
 * This table is the one place both spellings come from.
 */
const methods = {
  add: arithmetic.add,
  sub: arithmetic.sub,
  mul: arithmetic.mul,
  div: arithmetic.div,
  pow: arithmetic.pow,
  neg: arithmetic.neg,
  square: arithmetic.square,
  sqrt: arithmetic.sqrt,
  exp: arithmetic.exp,
  log: arithmetic.log,
  abs: arithmetic.abs,
  sin: arithmetic.sin,
  cos: arithmetic.cos,
  tanh: arithmetic.tanh,
  maximum: arithmetic.maximum,
  minimum: arithmetic.minimum,
  clip: arithmetic.clip,
  cast: arithmetic.cast,
  equal: compare.equal,
  greater: compare.greater,
  less: compare.less,
  matmul: linalg.matmul,
  transpose: linalg.transpose,
  dot: linalg.dot,
  sum: reduce.sum,
  mean: reduce.mean,
  max: reduce.max,
  min: reduce.min,
  argmax: reduce.argmax,
  argmin: reduce.argmin,
  logSumExp: reduce.logSumExp,
  variance: reduce.variance,
  reshape: shape.reshape,
  flatten: shape.flatten,
  squeeze: shape.squeeze,
  expandDims: shape.expandDims,
  broadcastTo: shape.broadcastTo,
  permute: shape.permute,
  slice: shape.slice,
  pad: shape.pad,
  gather: shape.gather,
  sigmoid: activations.sigmoid,
  relu: activations.relu,
  leakyRelu: activations.leakyRelu,
  elu: activations.elu,
  swish: activations.swish,
  gelu: activations.gelu,
  softplus: activations.softplus,
  softmax: activations.softmax,
  logSoftmax: activations.logSoftmax,
  // issue 18, part A
  ...{
    tan: elementwise.tan,
    asin: elementwise.asin,
    acos: elementwise.acos,
    atan: elementwise.atan,
    sinh: elementwise.sinh,
    cosh: elementwise.cosh,
    asinh: elementwise.asinh,
    acosh: elementwise.acosh,
    atanh: elementwise.atanh,
    log2: elementwise.log2,
    log10: elementwise.log10,
    exp2: elementwise.exp2,
    cbrt: elementwise.cbrt,
    erfc: elementwise.erfc,
    erfinv: elementwise.erfinv,
    rsqrt: elementwise.rsqrt,
    floor: elementwise.floor,
    ceil: elementwise.ceil,
    round: elementwise.round,
    trunc: elementwise.trunc,
    atan2: elementwise.atan2,
    mod: elementwise.mod,
    fmod: elementwise.fmod,
    floorDiv: elementwise.floorDiv,
    isNaN: elementwise.isNaN,
    isInf: elementwise.isInf,
    isFinite: elementwise.isFinite,
    logicalAnd: elementwise.logicalAnd,
    logicalOr: elementwise.logicalOr,
    logicalNot: elementwise.logicalNot,
    selu: activations.selu,
    softsign: activations.softsign,
    logSigmoid: activations.logSigmoid,
    hardSigmoid: activations.hardSigmoid,
    hardSigmoidKeras2: activations.hardSigmoidKeras2,
    relu6: activations.relu6,
    hardSwish: activations.hardSwish,
    mish: activations.mish,
    softmin: activations.softmin,
    l2Normalize: activations.l2Normalize,
    prod: scan.prod,
    std: scan.std,
    any: scan.any,
    all: scan.all,
    cumsum: scan.cumsum,
    cumprod: scan.cumprod,
    cummax: scan.cummax,
    cummin: scan.cummin,
    logCumSumExp: scan.logCumSumExp,
    sort: sort.sort,
    argsort: sort.argsort,
    topk: sort.topk,
  },
};

type Methods = typeof methods;
type AsMethod<F> = F extends (self: Tensor, ...rest: infer R) => infer O
  ? (...rest: R) => O
  : F extends (self: never, ...rest: infer R) => infer O
    ? (...rest: R) => O
    : never;
type BoundMethods = { [K in keyof Methods]: AsMethod<Methods[K]> };

declare module '../tensor/tensor.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends BoundMethods {}
}

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      return (fn as (...a: unknown[]) => unknown)(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}
