import { kernels } from '../backend/index.js';
import type { UnaryOp, BinaryOp, Window2D } from '../backend/kernels.js';
import type { FloatArray } from '../core/dtype.js';
import { checkCastable, isFloat } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { broadcastShapes, checkSize, formatShape, reducedShape, sameShape, sizeOf } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { onesLike } from '../tensor/create.js';
import { abs, add, cast, cos, div, exp, log, mul, neg, pow, sign, sin, square, sub } from './arithmetic.js';
import { equal, greater, greaterEqual, less, lessEqual, where } from './compare.js';
import { matmul } from './linalg.js';
import { apply, type Aval, type MultiPrimTable, type PrimDef, type PrimTable, type ReduceAttrs } from './prim.js';
import { sum } from './reduce.js';
import { broadcastTo, gather, pad, permute, reshape, scatterAdd, slice } from './shape.js';
import { addPatches, extractPatches } from './conv.js';
import { elementwisePrims } from './prims/elementwise.js';
import { scanPrims } from './prims/scan.js';

const noGradient = (_g: Tensor, inputs: readonly Tensor[]) => inputs.map(() => null);

/** The shape rule of an op whose output has its (first) input's shape and dtype. */
const sameAval = ([x]: readonly Aval[]): Aval => ({ shape: x!.shape, dtype: x!.dtype });

function unaryPrim<P extends UnaryOp>(op: P, rule: (g: Tensor, x: Tensor, out: Tensor) => Tensor): PrimDef<P> {
  return {
    shape: sameAval,
    forward: ([x]) => new Tensor(kernels().unary(op, x!.storage), x!.shape),
    backward: (g, [x], out) => [rule(g, x!, out)],
  };
}

/** On two bool tensors add is logical or and mul logical and (PyTorch's rules); sub is refused. */
const boolOps: Partial<Record<BinaryOp, BinaryOp>> = { add: 'maximum', mul: 'minimum', maximum: 'maximum', minimum: 'minimum' };

/** The shape rule of a broadcast binary op: the broadcast shape, a's dtype (the wrappers promote b to it); sub, div and pow refuse bool. */
function binaryShape(op: BinaryOp) {
  return ([a, b]: readonly Aval[]): Aval => {
    const shape = broadcastShapes(op, a!.shape, b!.shape);
    if (a!.dtype === 'bool' && !boolOps[op]) {
      throw new DTypeError(`${op}: not defined for two bool tensors (shapes ${formatShape(a!.shape)} and ${formatShape(b!.shape)}); cast them to int32 first`);
    }
    return { shape, dtype: a!.dtype };
  };
}

function binaryForward(op: BinaryOp) {
  return ([a, b]: readonly Tensor[], _attrs: unknown, { shape }: Aval): Tensor => {
    const k = a!.dtype === 'bool' ? boolOps[op]! : op;
    return new Tensor(kernels().binary(k, a!.storage, a!.shape, b!.storage, b!.shape, shape), shape);
  };
}

/** The shape rule of a reduction over `axes`. */
function reduceShape(op: 'sum' | 'max' | 'min') {
  return ([x]: readonly Aval[], { axes, keepDims }: ReduceAttrs): Aval => {
    checkAxes(op, x!.shape, axes);
    if (op !== 'sum') {
      for (const a of axes) {
        if (x!.shape[a] === 0) throw new ArgumentError(`${op}: cannot reduce axis ${a} of length 0 (shape ${formatShape(x!.shape)})`);
      }
    }
    return { shape: reducedShape(x!.shape, axes, keepDims), dtype: x!.dtype };
  };
}

/** Axes (already normalised by the wrappers) must name distinct axes of the shape. */
function checkAxes(op: string, shape: readonly number[], axes: readonly number[]): void {
  if (axes.some((a) => !Number.isInteger(a) || a < 0 || a >= shape.length) || new Set(axes).size !== axes.length) {
    throw new ShapeError(`${op}: axes [${axes.join(',')}] are not distinct axes of shape ${formatShape(shape)}`);
  }
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
  // the extreme is NaN, to the NaN entries (as PyTorch's max() does): one fused primitive
  const kept = reducedShape(x.shape, attrs.axes, true);
  return apply('extremumGrad', [reshape(g, kept), x, reshape(out, kept)], { axes: attrs.axes });
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

/** An axis (already normalised by the wrapper) must be one of the shape's axes. */
function checkAxis(op: string, shape: readonly number[], axis: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new ShapeError(`${op}: axis ${axis} is not an axis of shape ${formatShape(shape)}`);
  }
}

/** The shape rule of softmax and logSoftmax: x's shape and dtype, along one of its axes. */
function softmaxShape(op: string) {
  return ([x]: readonly Aval[], { axis }: { axis: number }): Aval => {
    checkAxis(op, x!.shape, axis);
    return sameAval([x!]);
  };
}

/** The shape rule of argmax and argmin: the axis dropped, int32 indices. */
function argShape(op: string) {
  return ([x]: readonly Aval[], { axis }: { axis: number }): Aval => {
    checkAxis(op, x!.shape, axis);
    if (sizeOf(x!.shape) === 0)
      throw new ArgumentError(`${op}: empty tensor of shape ${formatShape(x!.shape)} has no ${op === 'argmax' ? 'maximum' : 'minimum'}`);
    return { shape: reducedShape(x!.shape, [axis], false), dtype: 'int32' };
  };
}

/**
 * The op table: every primitive's shape rule, forward kernel call and backward
 * rule, side by side. Shape rules read only shapes, dtypes and attributes,
 * never values; backward rules use only public differentiable ops.
 */
export const primitives: PrimTable = {
  identity: {
    shape: sameAval,
    forward: ([x]) => new Tensor(x!.storage, x!.shape),
    backward: (g) => [g],
  },
  cast: {
    shape: ([x], { dtype }) => ({ shape: x!.shape, dtype }),
    forward: ([x], { dtype }) => {
      checkCastable('cast', x!.storage, x!.shape, dtype); // NaN, ±∞ and out-of-range values have no int32 (a check of values)
      return new Tensor(kernels().cast(x!.storage, dtype), x!.shape);
    },
    backward: (g, [x]) => [isFloat(x!.dtype) ? cast(g, x!.dtype) : null],
  },

  // unary elementwise: d/dx f(x) = f'(x)
  neg: unaryPrim('neg', (g) => neg(g)),
  exp: unaryPrim('exp', (g, _x, y) => mul(g, y)), // (eˣ)' = eˣ
  expm1: unaryPrim('expm1', (g, _x, y) => mul(g, add(y, 1))), // (eˣ − 1)' = eˣ
  log: unaryPrim('log', (g, x) => div(g, x)), // (ln x)' = 1/x
  log1p: unaryPrim('log1p', (g, x) => div(g, add(x, 1))), // ln(1+x)' = 1/(1+x)
  sqrt: unaryPrim('sqrt', (g, _x, y) => div(g, mul(y, 2))), // (√x)' = 1/(2√x)
  abs: unaryPrim('abs', (g, x) => mul(g, sign(x))), // |x|' = sign(x) (0 at 0 and NaN)
  sign: { ...unaryPrim('sign', (g) => g), backward: noGradient }, // zero almost everywhere
  sin: unaryPrim('sin', (g, x) => mul(g, cos(x))),
  cos: unaryPrim('cos', (g, x) => neg(mul(g, sin(x)))),
  tanh: unaryPrim('tanh', (g, _x, y) => mul(g, sub(1, square(y)))), // tanh' = 1 − tanh²
  erf: unaryPrim('erf', (g, x) => mul(g, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI)))), // erf' = 2/√π e^(−x²)

  // softmax along an axis: dx = y·(g − Σ g·y); log softmax: dx = g − e^y·Σ g
  softmax: {
    shape: softmaxShape('softmax'),
    forward: ([x], { axis }) => new Tensor(kernels().softmax(x!.storage as FloatArray, x!.shape, axis, false), x!.shape),
    backward: (g, _i, y, { axis }) => [mul(y, sub(g, sum(mul(g, y), axis, true)))],
  },
  logSoftmax: {
    shape: softmaxShape('logSoftmax'),
    forward: ([x], { axis }) => new Tensor(kernels().softmax(x!.storage as FloatArray, x!.shape, axis, true), x!.shape),
    backward: (g, _i, y, { axis }) => [sub(g, mul(exp(y), sum(g, axis, true)))],
  },
  // y = act(z + b), b along the last axis: dz = g·act'(z + b), written with y; the engine sums db
  // (relu passes the gradient where y is NaN, as the relu op does)
  biasActivation: {
    shape: ([z, b]) => {
      if (z!.shape.length === 0 || b!.shape.length !== 1 || b!.shape[0] !== z!.shape[z!.shape.length - 1]) {
        throw new ShapeError(
          `biasActivation: z ${formatShape(z!.shape)} and bias ${formatShape(b!.shape)}: the bias must be a vector as long as z's last dimension`,
        );
      }
      return { shape: z!.shape, dtype: z!.dtype };
    },
    forward: ([z, b], { activation }) => new Tensor(kernels().biasActivation(z!.storage as FloatArray, b!.storage as FloatArray, activation), z!.shape),
    backward: (g, _i, y, { activation }) => {
      const dz =
        activation === 'relu'
          ? where(lessEqual(y, 0), 0, g)
          : activation === 'sigmoid'
            ? mul(g, mul(y, sub(1, y))) // σ' = σ(1 − σ)
            : activation === 'tanh'
              ? mul(g, sub(1, square(y))) // tanh' = 1 − tanh²
              : g;
      return [dz, dz];
    },
  },

  // binary elementwise, broadcast; the engine sums gradients back to each input's shape
  add: { shape: binaryShape('add'), forward: binaryForward('add'), backward: (g) => [g, g] },
  sub: { shape: binaryShape('sub'), forward: binaryForward('sub'), backward: (g, _i, _o, _a, needs) => [g, needs[1] ? neg(g) : null] },
  mul: {
    shape: binaryShape('mul'),
    forward: binaryForward('mul'),
    backward: (g, [a, b], _o, _a, needs) => [needs[0] ? mul(g, b!) : null, needs[1] ? mul(g, a!) : null],
  },
  div: {
    shape: binaryShape('div'),
    forward: binaryForward('div'),
    // d(a/b)/da = 1/b, d(a/b)/db = −a/b²
    backward: (g, [a, b], _o, _a, needs) => [needs[0] ? div(g, b!) : null, needs[1] ? neg(div(mul(g, a!), square(b!))) : null],
  },
  pow: {
    shape: binaryShape('pow'),
    forward: binaryForward('pow'),
    backward: (g, [a, b], _y, _a, needs) => [needs[0] ? mul(g, powBaseDerivative(a!, b!)) : null, needs[1] ? mul(g, powExponentDerivative(a!, b!)) : null],
  },
  maximum: {
    shape: binaryShape('maximum'),
    forward: binaryForward('maximum'),
    backward: (g, [a, b], _o, _a, needs) => [needs[0] ? mul(g, share(a!, b!, less(a!, b!))) : null, needs[1] ? mul(g, share(a!, b!, greater(a!, b!))) : null],
  },
  minimum: {
    shape: binaryShape('minimum'),
    forward: binaryForward('minimum'),
    backward: (g, [a, b], _o, _a, needs) => [needs[0] ? mul(g, share(a!, b!, greater(a!, b!))) : null, needs[1] ? mul(g, share(a!, b!, less(a!, b!))) : null],
  },

  compare: {
    shape: ([a, b], { op }) => ({ shape: broadcastShapes(op, a!.shape, b!.shape), dtype: 'bool' }),
    forward: ([a, b], { op }, { shape }) => new Tensor(kernels().compare(op, a!.storage, a!.shape, b!.storage, b!.shape, shape), shape),
    backward: noGradient,
  },
  where: {
    shape: ([c, a, b]) => {
      const shape = broadcastShapes('where', c!.shape, a!.shape, b!.shape);
      if (c!.dtype !== 'bool') throw new DTypeError(`where: condition must be bool, got ${c!.dtype} (shape ${formatShape(c!.shape)})`);
      return { shape, dtype: a!.dtype };
    },
    forward: ([c, a, b], _attrs, { shape }) =>
      new Tensor(kernels().where(c!.storage as Uint8Array, c!.shape, a!.storage, a!.shape, b!.storage, b!.shape, shape), shape),
    backward: (g, [c], _o, _a, needs) => {
      return [null, needs[1] ? where(c!, g, 0) : null, needs[2] ? where(c!, 0, g) : null];
    },
  },

  // reductions
  sum: {
    shape: reduceShape('sum'),
    forward: ([x], { axes }, { shape }) => new Tensor(kernels().reduce('sum', x!.storage, x!.shape, axes), shape),
    backward: (g, [x], _o, { axes }) => [broadcastTo(reshape(g, reducedShape(x!.shape, axes, true)), x!.shape)],
  },
  max: {
    shape: reduceShape('max'),
    forward: ([x], { axes }, { shape }) => new Tensor(kernels().reduce('max', x!.storage, x!.shape, axes), shape),
    backward: (g, [x], out, attrs) => [extremumBackward(g, x!, out, attrs)],
  },
  min: {
    shape: reduceShape('min'),
    forward: ([x], { axes }, { shape }) => new Tensor(kernels().reduce('min', x!.storage, x!.shape, axes), shape),
    backward: (g, [x], out, attrs) => [extremumBackward(g, x!, out, attrs)],
  },
  argmax: {
    shape: argShape('argmax'),
    forward: ([x], { axis }, { shape }) => new Tensor(kernels().argReduce('argmax', x!.storage, x!.shape, axis), shape),
    backward: noGradient,
  },
  argmin: {
    shape: argShape('argmin'),
    forward: ([x], { axis }, { shape }) => new Tensor(kernels().argReduce('argmin', x!.storage, x!.shape, axis), shape),
    backward: noGradient,
  },

  // linear algebra: C = op(A)·op(B)
  matmul: {
    shape: ([a, b], { transA, transB }) => ({ shape: matmulShape(a!.shape, b!.shape, transA, transB), dtype: a!.dtype }),
    forward: ([a, b], { transA, transB }, { shape }) =>
      new Tensor(kernels().matmul(a!.storage as FloatArray, a!.shape, b!.storage as FloatArray, b!.shape, transA, transB, shape), shape),
    backward: (g, [a, b], _o, { transA, transB }, needs) => {
      // C = AB: dA = G·Bᵀ, dB = Aᵀ·G, with the transposes folded into the flags
      let da: Tensor | null = null,
        db: Tensor | null = null;
      if (needs[0]) da = transA ? matmul(b!, g, transB, true) : matmul(g, b!, false, !transB);
      if (needs[1]) db = transB ? matmul(g, a!, true, transA) : matmul(a!, g, !transA, false);
      return [da, db];
    },
  },

  // layout
  reshape: {
    shape: ([x], { shape }) => {
      const n = sizeOf(x!.shape),
        m = sizeOf(shape);
      if (shape.some((d) => !Number.isSafeInteger(d) || d < 0) || n !== m) {
        throw new ShapeError(`reshape: cannot reshape ${formatShape(x!.shape)} (${n} elements) to ${formatShape(shape)} (${m} elements)`);
      }
      return { shape, dtype: x!.dtype };
    },
    forward: ([x], _attrs, { shape }) => new Tensor(x!.storage, shape),
    backward: (g, [x]) => [reshape(g, x!.shape)],
  },
  permute: {
    shape: ([x], { perm }) => {
      const r = x!.shape.length;
      if (perm.length !== r || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= r) || new Set(perm).size !== r) {
        throw new ShapeError(`permute: [${perm.join(',')}] is not a permutation of the ${r} axes of shape ${formatShape(x!.shape)}`);
      }
      return { shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype };
    },
    forward: ([x], { perm }, { shape }) => new Tensor(kernels().permute(x!.storage, x!.shape, perm), shape),
    backward: (g, _i, _o, { perm }) => {
      const inverse = new Array<number>(perm.length);
      perm.forEach((p, i) => (inverse[p] = i));
      return [permute(g, inverse)];
    },
  },
  broadcastTo: {
    shape: ([x], { shape }) => {
      let fits = x!.shape.length <= shape.length;
      try {
        fits &&= sameShape(broadcastShapes('broadcastTo', x!.shape, shape), shape);
      } catch {
        fits = false;
      }
      if (!fits) throw new ShapeError(`broadcastTo: shape ${formatShape(x!.shape)} cannot be broadcast to ${formatShape(shape)}`);
      return { shape, dtype: x!.dtype };
    },
    forward: ([x], { shape }) => new Tensor(kernels().broadcastTo(x!.storage, x!.shape, shape), shape),
    backward: (g) => [g], // the engine sums g back to x's shape
  },
  slice: {
    shape: ([x], { begin, size }) => {
      const s = x!.shape;
      if (begin.length !== s.length || size.length !== s.length) {
        throw new ShapeError(`slice: begin [${begin.join(',')}] and size [${size.join(',')}] must have one entry for each axis of shape ${formatShape(s)}`);
      }
      for (let i = 0; i < s.length; i++) {
        const b = begin[i]!,
          n = size[i]!;
        if (!Number.isInteger(b) || !Number.isInteger(n) || b < 0 || n < 0 || b + n > s[i]!) {
          throw new ShapeError(`slice: begin [${begin.join(',')}] size [${size.join(',')}] is out of bounds for shape ${formatShape(s)} on axis ${i}`);
        }
      }
      return { shape: size, dtype: x!.dtype };
    },
    forward: ([x], { begin, size }) => new Tensor(kernels().slice(x!.storage, x!.shape, begin, size), size),
    backward: (g, [x], _o, { begin, size }) => [
      pad(
        g,
        begin.map((b, i) => [b, x!.shape[i]! - b - size[i]!] as [number, number]),
      ),
    ],
  },
  pad: {
    shape: ([x], { paddings }) => {
      if (paddings.length !== x!.shape.length || paddings.some((p) => p.some((v) => !Number.isSafeInteger(v) || v < 0))) {
        throw new ShapeError(
          `pad: paddings [${paddings.map((p) => `[${p.join(',')}]`).join(',')}] must give [before, after] non-negative integers for each of the ${x!.shape.length} axes of shape ${formatShape(x!.shape)}`,
        );
      }
      const shape = x!.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
      checkSize('pad', shape);
      return { shape, dtype: x!.dtype };
    },
    forward: ([x], { paddings, value }, { shape }) => new Tensor(kernels().pad(x!.storage, x!.shape, paddings, value), shape),
    backward: (g, [x], _o, { paddings }) => [
      slice(
        g,
        paddings.map((p) => p[0]),
        x!.shape,
      ),
    ],
  },
  concat: {
    shape: (xs, { axis }) => {
      const first = xs[0]!;
      checkAxis('concat', first.shape, axis);
      for (const x of xs) {
        if (x.shape.length !== first.shape.length || x.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
          throw new ShapeError(`concat: shapes ${xs.map((u) => formatShape(u.shape)).join(', ')} must agree on every axis but ${axis}`);
        }
      }
      const shape = [...first.shape];
      shape[axis] = xs.reduce((s, x) => s + x.shape[axis]!, 0);
      checkSize('concat', shape);
      return { shape, dtype: first.dtype };
    },
    forward: (xs, { axis }, { shape }) =>
      new Tensor(
        kernels().concat(
          xs.map((x) => x.storage),
          xs.map((x) => x.shape),
          axis,
        ),
        shape,
      ),
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
    shape: ([x, idx], { axis }) => {
      checkAxis('gather', x!.shape, axis);
      if (idx!.dtype !== 'int32') throw new DTypeError(`gather: indices must be int32, got ${idx!.dtype}`);
      const shape = [...x!.shape.slice(0, axis), ...idx!.shape, ...x!.shape.slice(axis + 1)];
      checkSize('gather', shape);
      return { shape, dtype: x!.dtype };
    },
    forward: ([x, idx], { axis }, { shape }) => new Tensor(kernels().gather(x!.storage, x!.shape, idx!.storage as Int32Array, idx!.shape, axis), shape),
    backward: (g, [x, idx], _o, { axis }) => [scatterAdd(g, idx!, axis, x!.shape[axis]!), null],
  },
  scatterAdd: {
    shape: ([u, idx], { axis, dimSize }) => {
      checkAxis('scatterAdd', u!.shape, axis);
      if (idx!.dtype !== 'int32') throw new DTypeError(`scatterAdd: indices must be int32, got ${idx!.dtype}`);
      const r = idx!.shape.length;
      if (!sameShape(u!.shape.slice(axis, axis + r), idx!.shape)) {
        throw new ShapeError(`scatterAdd: updates ${formatShape(u!.shape)} do not hold indices ${formatShape(idx!.shape)} at axis ${axis}`);
      }
      const shape = [...u!.shape.slice(0, axis), dimSize, ...u!.shape.slice(axis + r)];
      checkSize('scatterAdd', shape);
      return { shape, dtype: u!.dtype };
    },
    forward: ([u, idx], { axis, dimSize }, { shape }) =>
      new Tensor(kernels().scatterAdd(u!.storage as FloatArray, u!.shape, idx!.storage as Int32Array, idx!.shape, axis, dimSize), shape),
    backward: (g, [, idx], _o, { axis }) => [gather(g, idx!, axis), null],
  },

  // sliding windows (im2col and its adjoint col2im): convolution and pooling are built on these
  extractPatches: {
    shape: ([x], { win }) => {
      if (!sameShape(x!.shape, win.inShape)) {
        throw new ShapeError(`extractPatches: input ${formatShape(x!.shape)} does not match the window's input shape ${formatShape(win.inShape)}`);
      }
      return { shape: patchesShape(win), dtype: x!.dtype };
    },
    forward: ([x], { win, padValue }, { shape }) => new Tensor(kernels().extractPatches(x!.storage as FloatArray, win, padValue), shape),
    backward: (g, _i, _o, { win }) => [addPatches(g, win)],
  },
  addPatches: {
    shape: ([p], { win }) => {
      if (!sameShape(p!.shape, patchesShape(win))) {
        throw new ShapeError(`addPatches: patches ${formatShape(p!.shape)} do not match the window's patches shape ${formatShape(patchesShape(win))}`);
      }
      return { shape: win.inShape, dtype: p!.dtype };
    },
    forward: ([p], { win }) => new Tensor(kernels().addPatches(p!.storage as FloatArray, win), win.inShape),
    backward: (g, _i, _o, { win }) => [extractPatches(g, win, 0)],
  },
  /**
   * The gradient of max and min over `axes`: inputs g and m (the extreme) have
   * x's shape with the reduced axes 1, and
   *   extremumGrad(g, x, m) = g · mask / count,  mask = [x = m] + [x is NaN]·[m is NaN],  count = Σ_axes mask
   * (ties share the gradient evenly; a NaN extreme sends it to the NaN entries),
   * one kernel pass instead of a compare, selects, a sum, a product and a
   * division over x's size; the mask is 0/1 and the count a whole number, so
   * the values are those of that formula op by op, bit for bit.
   * It is linear in g, with w = extremumGrad(1, x, m) = mask / count:
   *   ∂/∂g: ct ↦ Σ_axes ct · w (kept dims);  x and m enter only through
   *   comparisons, piecewise constant: no gradient.
   */
  extremumGrad: {
    shape: ([g, x, m], { axes }) => {
      const kept = reducedShape(x!.shape, axes, true);
      if (!sameShape(g!.shape, kept) || !sameShape(m!.shape, kept)) {
        throw new ShapeError(
          `extremumGrad: g ${formatShape(g!.shape)} and m ${formatShape(m!.shape)} must be x's shape ${formatShape(x!.shape)} with axes [${axes.join(', ')}] of size 1`,
        );
      }
      return { shape: [...x!.shape], dtype: x!.dtype };
    },
    forward: ([g, x, m], { axes }, { shape }) =>
      new Tensor(kernels().extremumGrad(g!.storage as FloatArray, x!.storage as FloatArray, m!.storage as FloatArray, x!.shape, axes), shape),
    backward: (ct, [g, x, m], _o, { axes }) => {
      const w = apply('extremumGrad', [onesLike(g!), x!, m!], { axes });
      return [sum(mul(ct, w), axes, true), null, null];
    },
  },
  ...elementwisePrims, // issue 18: src/ops/prims/elementwise.ts
  ...scanPrims, // issue 18: scans, product, argsort (src/ops/prims/scan.ts)
};

/** The patches (im2col) shape of a window: [N, outH, outW, kh, kw, C]. */
function patchesShape(win: Window2D): number[] {
  return [win.inShape[0], win.outH, win.outW, win.kh, win.kw, win.inShape[3]];
}

/**
 * The output shape of a batched matmul op(A)·op(B) of operands of rank ≥ 2
 * (op = transpose of the last two axes where the flag is set):
 * [...broadcast(batchA, batchB), M, K]·[K, N] → [..., M, N]. Throws a ShapeError
 * naming the shapes and transposes when the inner dimensions differ or the
 * batch dimensions do not broadcast.
 */
export function matmulShape(a: readonly number[], b: readonly number[], transA: boolean, transB: boolean): number[] {
  const shapes = () => `shapes ${formatShape(a)}${transA ? 'ᵀ' : ''} and ${formatShape(b)}${transB ? 'ᵀ' : ''}`;
  if (a.length < 2 || b.length < 2) throw new ShapeError(`matmul: ${shapes()}: the primitive's operands must have rank >= 2`);
  const ka = transA ? a[a.length - 2]! : a[a.length - 1]!;
  const kb = transB ? b[b.length - 1]! : b[b.length - 2]!;
  if (ka !== kb) throw new ShapeError(`matmul: ${shapes()}: inner dimensions ${ka} and ${kb} differ`);
  const M = transA ? a[a.length - 1]! : a[a.length - 2]!;
  const N = transB ? b[b.length - 2]! : b[b.length - 1]!;
  const ba = a.slice(0, -2),
    bb = b.slice(0, -2);
  const r = Math.max(ba.length, bb.length);
  const batch: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = ba[ba.length - r + i] ?? 1,
      y = bb[bb.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeError(`matmul: ${shapes()}: batch dimensions ${formatShape(ba)} and ${formatShape(bb)} cannot be broadcast`);
    }
    batch.push(x === 1 ? y : x);
  }
  const shape = [...batch, M, N];
  checkSize('matmul', shape);
  return shape;
}

/**
 * The primitives with several outputs. adamUpdate is one Adam step over
 * tensors of one shape and float dtype, fused in one kernel pass:
 * m' = β₁m + (1 − β₁)g, v' = β₂v + (1 − β₂)g², θ' = θ − stepSize·m' / (√v' / root2 + ε),
 * with stepSize = η/(1 − β₁ᵗ) and root2 = √(1 − β₂ᵗ) (the bias corrections).
 */
export const multiOutputPrimitives: MultiPrimTable = {
  adamUpdate: {
    shape: (inputs) => {
      const [value] = inputs;
      if (inputs.length !== 4 || !isFloat(value!.dtype) || !inputs.every((t) => t.dtype === value!.dtype && sameShape(t.shape, value!.shape))) {
        throw new ShapeError(
          `adamUpdate: expects the value, gradient, m and v as float tensors of one shape and dtype, got ${inputs.map((t) => `${t.dtype}${formatShape(t.shape)}`).join(', ')}`,
        );
      }
      return [0, 1, 2].map(() => ({ shape: value!.shape, dtype: value!.dtype }));
    },
    forward: ([value, g, m, v], attrs) => {
      const [nv, nm, nvv] = kernels().adam(value!.storage as FloatArray, g!.storage as FloatArray, m!.storage as FloatArray, v!.storage as FloatArray, attrs);
      return [new Tensor(nv, value!.shape), new Tensor(nm, value!.shape), new Tensor(nvv, value!.shape)];
    },
  },
};
