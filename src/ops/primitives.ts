import { kernels } from '../backend/index.js';
import type { UnaryOp, BinaryOp } from '../backend/kernels.js';
import type { FloatArray } from '../core/dtype.js';
import { checkCastable, isFloat } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';
import { broadcastShapes, formatShape, reducedShape } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { abs, add, cast, cos, div, exp, log, mul, neg, pow, sign, sin, square, sub } from './arithmetic.js';
import { equal, greater, greaterEqual, less, lessEqual, notEqual, where } from './compare.js';
import { matmul } from './linalg.js';
import type { PrimDef, PrimTable, ReduceAttrs } from './prim.js';
import { sum } from './reduce.js';
import { broadcastTo, gather, pad, permute, reshape, scatterAdd, slice } from './shape.js';
import { addPatches, extractPatches } from './conv.js';

const noGradient = (_g: Tensor, inputs: readonly Tensor[]) => inputs.map(() => null);

function unaryPrim<P extends UnaryOp>(op: P, rule: (g: Tensor, x: Tensor, out: Tensor) => Tensor): PrimDef<P> {
  return {
    forward: ([x]) => new Tensor(kernels().unary(op, x!.storage), x!.shape),
    backward: (g, [x], out) => [rule(g, x!, out)],
  };
}

/** On two bool tensors add is logical or and mul logical and (PyTorch's rules); sub is refused. */
const boolOps: Partial<Record<BinaryOp, BinaryOp>> = { add: 'maximum', mul: 'minimum', maximum: 'maximum', minimum: 'minimum' };

function binaryForward(op: BinaryOp) {
  return ([a, b]: readonly Tensor[]): Tensor => {
    const shape = broadcastShapes(op, a!.shape, b!.shape);
    if (a!.dtype === 'bool') {
      const k = boolOps[op];
      if (!k) throw new DTypeError(`${op}: not defined for two bool tensors (shapes ${formatShape(a!.shape)} and ${formatShape(b!.shape)}); cast them to int32 first`);
      return new Tensor(kernels().binary(k, a!.storage, a!.shape, b!.storage, b!.shape, shape), shape);
    }
    return new Tensor(kernels().binary(op, a!.storage, a!.shape, b!.storage, b!.shape, shape), shape);
  };
}

/**
 * The share of a maximum's (minimum's) gradient that an operand gets, as in
 * PyTorch: 0 where it lost (`lost` is true), 0.5 on ties, 1 otherwise, which
 * includes every comparison with NaN (the NaN result depends on both).
 */
function share(a: Tensor, b: Tensor, lost: Tensor): Tensor {
  const dtype = a.dtype;
  return sub(1, add(cast(lost, dtype), mul(cast(equal(a, b), dtype), 0.5)));
}

function extremumBackward(g: Tensor, x: Tensor, out: Tensor, attrs: ReduceAttrs): Tensor {
  // the gradient goes to the extreme entries, split evenly among ties; where
  // the extreme is NaN, to the NaN entries (as PyTorch's max() does)
  const kept = reducedShape(x.shape, attrs.axes, true);
  const m = reshape(out, kept);
  const mask = cast(where(notEqual(m, m), notEqual(x, x), equal(x, m)), x.dtype);
  const count = sum(mask, attrs.axes, true);
  return div(mul(reshape(g, kept), mask), count);
}

/**
 * ∂(aᵇ)/∂a = b·aᵇ⁻¹, taken as 0 where b = 0 and a is 0 or NaN (there a⁰ = 1
 * does not depend on a, while b·aᵇ⁻¹ would be 0·∞ or NaN). The masked
 * entries compute the formula on the safe base 1, so every derivative of it
 * (the zero cotangent of the mask times finite values) stays 0; elsewhere,
 * b = 0 included, the formula's own derivatives hold: ∂²/∂a∂b = aᵇ⁻¹(1 + b·ln a),
 * which is 1/a at b = 0, so the Hessian is symmetric.
 */
function powBaseDerivative(a: Tensor, b: Tensor): Tensor {
  const masked = where(greater(abs(a), 0), false, equal(b, 0)); // b = 0 and a is 0 or NaN
  return where(masked, 0, mul(b, pow(where(masked, 1, a), sub(b, 1))));
}

/**
 * ∂(aᵇ)/∂b = aᵇ·ln a, taken as 0 where a = 0 and b ≥ 0 (the limit from a > 0,
 * as PyTorch does); aᵇ is recomputed on the safe base 1 there, for the same
 * reason as above.
 */
function powExponentDerivative(a: Tensor, b: Tensor): Tensor {
  const masked = where(equal(a, 0), greaterEqual(b, 0), false);
  const safe = where(masked, 1, a);
  return where(masked, 0, mul(pow(safe, b), log(safe)));
}

/**
 * The op table: every primitive's forward kernel call and backward rule, side
 * by side. Backward rules use only public differentiable ops.
 */
export const primitives: PrimTable = {
  identity: {
    forward: ([x]) => new Tensor(x!.storage, x!.shape),
    backward: (g) => [g],
  },
  cast: {
    forward: ([x], { dtype }) => {
      checkCastable('cast', x!.storage, x!.shape, dtype); // NaN, ±∞ and out-of-range values have no int32
      return new Tensor(kernels().cast(x!.storage, dtype), x!.shape);
    },
    backward: (g, [x]) => [isFloat(x!.dtype) ? cast(g, x!.dtype) : null],
  },

  // unary elementwise: d/dx f(x) = f'(x)
  neg: unaryPrim('neg', (g) => neg(g)),
  exp: unaryPrim('exp', (g, _x, y) => mul(g, y)),                       // (eˣ)' = eˣ
  expm1: unaryPrim('expm1', (g, _x, y) => mul(g, add(y, 1))),           // (eˣ − 1)' = eˣ
  log: unaryPrim('log', (g, x) => div(g, x)),                           // (ln x)' = 1/x
  log1p: unaryPrim('log1p', (g, x) => div(g, add(x, 1))),               // ln(1+x)' = 1/(1+x)
  sqrt: unaryPrim('sqrt', (g, _x, y) => div(g, mul(y, 2))),             // (√x)' = 1/(2√x)
  abs: unaryPrim('abs', (g, x) => mul(g, sign(x))),                     // |x|' = sign(x) (0 at 0 and NaN)
  sign: { forward: unaryPrim('sign', (g) => g).forward, backward: noGradient }, // zero almost everywhere
  sin: unaryPrim('sin', (g, x) => mul(g, cos(x))),
  cos: unaryPrim('cos', (g, x) => neg(mul(g, sin(x)))),
  tanh: unaryPrim('tanh', (g, _x, y) => mul(g, sub(1, square(y)))),     // tanh' = 1 − tanh²
  erf: unaryPrim('erf', (g, x) => mul(g, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI)))), // erf' = 2/√π e^(−x²)

  // softmax along an axis: dx = y·(g − Σ g·y); log softmax: dx = g − e^y·Σ g
  softmax: {
    forward: ([x], { axis }) => new Tensor(kernels().softmax(x!.storage as FloatArray, x!.shape, axis, false), x!.shape),
    backward: (g, _i, y, { axis }) => [mul(y, sub(g, sum(mul(g, y), axis, true)))],
  },
  logSoftmax: {
    forward: ([x], { axis }) => new Tensor(kernels().softmax(x!.storage as FloatArray, x!.shape, axis, true), x!.shape),
    backward: (g, _i, y, { axis }) => [sub(g, mul(exp(y), sum(g, axis, true)))],
  },
  // y = act(z + b), b along the last axis: dz = g·act'(z + b), written with y; the engine sums db
  // (relu passes the gradient where y is NaN, as the relu op does)
  biasActivation: {
    forward: ([z, b], { activation }) =>
      new Tensor(kernels().biasActivation(z!.storage as FloatArray, b!.storage as FloatArray, activation), z!.shape),
    backward: (g, _i, y, { activation }) => {
      const dz = activation === 'relu' ? where(lessEqual(y, 0), 0, g)
        : activation === 'sigmoid' ? mul(g, mul(y, sub(1, y)))     // σ' = σ(1 − σ)
        : activation === 'tanh' ? mul(g, sub(1, square(y)))        // tanh' = 1 − tanh²
        : g;
      return [dz, dz];
    },
  },

  // binary elementwise, broadcast; the engine sums gradients back to each input's shape
  add: { forward: binaryForward('add'), backward: (g) => [g, g] },
  sub: { forward: binaryForward('sub'), backward: (g, _i, _o, _a, needs) => [g, needs[1] ? neg(g) : null] },
  mul: {
    forward: binaryForward('mul'),
    backward: (g, [a, b], _o, _a, needs) => [needs[0] ? mul(g, b!) : null, needs[1] ? mul(g, a!) : null],
  },
  div: {
    forward: binaryForward('div'),
    // d(a/b)/da = 1/b, d(a/b)/db = −a/b²
    backward: (g, [a, b], _o, _a, needs) => [needs[0] ? div(g, b!) : null, needs[1] ? neg(div(mul(g, a!), square(b!))) : null],
  },
  pow: {
    forward: binaryForward('pow'),
    backward: (g, [a, b], _y, _a, needs) => [
      needs[0] ? mul(g, powBaseDerivative(a!, b!)) : null,
      needs[1] ? mul(g, powExponentDerivative(a!, b!)) : null,
    ],
  },
  maximum: {
    forward: binaryForward('maximum'),
    backward: (g, [a, b], _o, _a, needs) => [
      needs[0] ? mul(g, share(a!, b!, less(a!, b!))) : null,
      needs[1] ? mul(g, share(a!, b!, greater(a!, b!))) : null,
    ],
  },
  minimum: {
    forward: binaryForward('minimum'),
    backward: (g, [a, b], _o, _a, needs) => [
      needs[0] ? mul(g, share(a!, b!, greater(a!, b!))) : null,
      needs[1] ? mul(g, share(a!, b!, less(a!, b!))) : null,
    ],
  },

  compare: {
    forward: ([a, b], { op }) => {
      const shape = broadcastShapes(op, a!.shape, b!.shape);
      return new Tensor(kernels().compare(op, a!.storage, a!.shape, b!.storage, b!.shape, shape), shape);
    },
    backward: noGradient,
  },
  where: {
    forward: ([c, a, b]) => {
      const shape = broadcastShapes('where', c!.shape, a!.shape, b!.shape);
      return new Tensor(kernels().where(c!.storage as Uint8Array, c!.shape, a!.storage, a!.shape, b!.storage, b!.shape, shape), shape);
    },
    backward: (g, [c], _o, _a, needs) => {
      return [null, needs[1] ? where(c!, g, 0) : null, needs[2] ? where(c!, 0, g) : null];
    },
  },

  // reductions
  sum: {
    forward: ([x], { axes, keepDims }) =>
      new Tensor(kernels().reduce('sum', x!.storage, x!.shape, axes), reducedShape(x!.shape, axes, keepDims)),
    backward: (g, [x], _o, { axes }) => [broadcastTo(reshape(g, reducedShape(x!.shape, axes, true)), x!.shape)],
  },
  max: {
    forward: ([x], { axes, keepDims }) =>
      new Tensor(kernels().reduce('max', x!.storage, x!.shape, axes), reducedShape(x!.shape, axes, keepDims)),
    backward: (g, [x], out, attrs) => [extremumBackward(g, x!, out, attrs)],
  },
  min: {
    forward: ([x], { axes, keepDims }) =>
      new Tensor(kernels().reduce('min', x!.storage, x!.shape, axes), reducedShape(x!.shape, axes, keepDims)),
    backward: (g, [x], out, attrs) => [extremumBackward(g, x!, out, attrs)],
  },
  argmax: {
    forward: ([x], { axis }) => new Tensor(kernels().argReduce('argmax', x!.storage, x!.shape, axis), reducedShape(x!.shape, [axis], false)),
    backward: noGradient,
  },
  argmin: {
    forward: ([x], { axis }) => new Tensor(kernels().argReduce('argmin', x!.storage, x!.shape, axis), reducedShape(x!.shape, [axis], false)),
    backward: noGradient,
  },

  // linear algebra: C = op(A)·op(B)
  matmul: {
    forward: ([a, b], { transA, transB }) => {
      const shape = matmulShape(a!.shape, b!.shape, transA, transB);
      return new Tensor(kernels().matmul(a!.storage as FloatArray, a!.shape, b!.storage as FloatArray, b!.shape, transA, transB, shape), shape);
    },
    backward: (g, [a, b], _o, { transA, transB }, needs) => {
      // C = AB: dA = G·Bᵀ, dB = Aᵀ·G, with the transposes folded into the flags
      let da: Tensor | null = null, db: Tensor | null = null;
      if (needs[0]) da = transA ? matmul(b!, g, transB, true) : matmul(g, b!, false, !transB);
      if (needs[1]) db = transB ? matmul(g, a!, true, transA) : matmul(a!, g, !transA, false);
      return [da, db];
    },
  },

  // layout
  reshape: {
    forward: ([x], { shape }) => new Tensor(x!.storage, shape),
    backward: (g, [x]) => [reshape(g, x!.shape)],
  },
  permute: {
    forward: ([x], { perm }) => new Tensor(kernels().permute(x!.storage, x!.shape, perm), perm.map((p) => x!.shape[p]!)),
    backward: (g, _i, _o, { perm }) => {
      const inverse = new Array<number>(perm.length);
      perm.forEach((p, i) => (inverse[p] = i));
      return [permute(g, inverse)];
    },
  },
  broadcastTo: {
    forward: ([x], { shape }) => new Tensor(kernels().broadcastTo(x!.storage, x!.shape, shape), shape),
    backward: (g) => [g], // the engine sums g back to x's shape
  },
  slice: {
    forward: ([x], { begin, size }) => new Tensor(kernels().slice(x!.storage, x!.shape, begin, size), size),
    backward: (g, [x], _o, { begin, size }) => [pad(g, begin.map((b, i) => [b, x!.shape[i]! - b - size[i]!] as [number, number]))],
  },
  pad: {
    forward: ([x], { paddings, value }) =>
      new Tensor(kernels().pad(x!.storage, x!.shape, paddings, value), x!.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1])),
    backward: (g, [x], _o, { paddings }) => [slice(g, paddings.map((p) => p[0]), x!.shape)],
  },
  concat: {
    forward: (xs, { axis }) => {
      const shape = [...xs[0]!.shape];
      shape[axis] = xs.reduce((s, x) => s + x.shape[axis]!, 0);
      return new Tensor(kernels().concat(xs.map((x) => x.storage), xs.map((x) => x.shape), axis), shape);
    },
    backward: (g, xs, _o, { axis }, needs) => {
      let at = 0;
      return xs.map((x, i) => {
        const begin = x.shape.map((_, d) => (d === axis ? at : 0));
        at += x.shape[axis]!;
        return needs[i] ? slice(g, begin, x.shape) : null;
      });
    },
  },
  gather: {
    forward: ([x, idx], { axis }) => {
      const shape = [...x!.shape.slice(0, axis), ...idx!.shape, ...x!.shape.slice(axis + 1)];
      return new Tensor(kernels().gather(x!.storage, x!.shape, idx!.storage as Int32Array, idx!.shape, axis), shape);
    },
    backward: (g, [x, idx], _o, { axis }) => [scatterAdd(g, idx!, axis, x!.shape[axis]!), null],
  },
  scatterAdd: {
    forward: ([u, idx], { axis, dimSize }) => {
      const shape = [...u!.shape.slice(0, axis), dimSize, ...u!.shape.slice(axis + idx!.rank)];
      return new Tensor(kernels().scatterAdd(u!.storage as FloatArray, u!.shape, idx!.storage as Int32Array, idx!.shape, axis, dimSize), shape);
    },
    backward: (g, [, idx], _o, { axis }) => [gather(g, idx!, axis), null],
  },

  // sliding windows (im2col and its adjoint col2im): convolution and pooling are built on these
  extractPatches: {
    forward: ([x], { win, padValue }) =>
      new Tensor(kernels().extractPatches(x!.storage as FloatArray, win, padValue), [win.inShape[0], win.outH, win.outW, win.kh, win.kw, win.inShape[3]]),
    backward: (g, _i, _o, { win }) => [addPatches(g, win)],
  },
  addPatches: {
    forward: ([p], { win }) => new Tensor(kernels().addPatches(p!.storage as FloatArray, win), win.inShape),
    backward: (g, _i, _o, { win }) => [extractPatches(g, win, 0)],
  },
};

/** The output shape of a (validated) batched matmul. */
export function matmulShape(a: readonly number[], b: readonly number[], transA: boolean, transB: boolean): number[] {
  const M = transA ? a[a.length - 1]! : a[a.length - 2]!;
  const N = transB ? b[b.length - 2]! : b[b.length - 1]!;
  const ba = a.slice(0, -2), bb = b.slice(0, -2);
  const r = Math.max(ba.length, bb.length);
  const batch: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = ba[ba.length - r + i] ?? 1, y = bb[bb.length - r + i] ?? 1;
    batch.push(x === 1 ? y : x);
  }
  return [...batch, M, N];
}

