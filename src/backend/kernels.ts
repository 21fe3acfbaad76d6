import type { DType, FloatArray, TypedArray } from '../core/dtype.js';
import type { Shape } from '../core/shape.js';

/** Elementwise functions of one float tensor. */
export type UnaryOp = 'neg' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'abs' | 'sign' | 'sin' | 'cos' | 'tanh' | 'erf' | UnaryOp18;

/** The elementwise functions of issue 18 (float only, except floor, ceil, round and trunc, which keep int32). */
export type UnaryOp18 =
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'asinh'
  | 'acosh'
  | 'atanh'
  | 'log2'
  | 'log10'
  | 'exp2'
  | 'cbrt'
  | 'erfc'
  | 'erfinv'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'trunc';

/** Elementwise functions of two tensors of one dtype, broadcast NumPy-style. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | BinaryOp18;

/**
 * The binary ops of issue 18: atan2(a, b) (the angle of the point (b, a)), mod (the remainder of
 * floor division, with b's sign, Python's %), fmod (C's fmod, with a's sign), floorDiv (⌊a/b⌋ as
 * Python's //) and copysign (|a| with b's sign).
 */
export type BinaryOp18 = 'atan2' | 'mod' | 'fmod' | 'floorDiv' | 'copysign';

/**
 * Scans along one axis: running sum, product, maximum, minimum and log-sum-exp; argmax and argmin
 * give the (int32) index of the running maximum (minimum), the later one on ties, as PyTorch's cummax.
 */
export type ScanOp = 'sum' | 'prod' | 'max' | 'min' | 'logSumExp' | 'argmax' | 'argmin';

/** Elementwise comparisons; the result is bool (0 or 1 in a Uint8Array). */
export type CompareOp = 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual';

/** Reductions along axes. */
export type ReduceOp = 'sum' | 'max' | 'min';

/** The activations fused with a bias add (`biasActivation`). */
export type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

/**
 * One Adam step's constants: the decays β₁ and β₂, stepSize = η/(1 − β₁ᵗ),
 * root2 = √(1 − β₂ᵗ) and ε.
 */
export interface AdamStep {
  beta1: number;
  beta2: number;
  stepSize: number;
  root2: number;
  epsilon: number;
}

/** Index reductions along one axis. */
export type ArgReduceOp = 'argmax' | 'argmin';

/**
 * The numeric kernels a backend provides. Every kernel takes flat row-major
 * typed arrays with explicit shapes and returns a freshly allocated result;
 * it never mutates its inputs. Shapes are validated by the ops layer before a
 * kernel is called, so kernels may assume consistent arguments.
 */
export interface Kernels {
  /** The backend's name, as given to `setBackend`. */
  readonly name: string;
  /**
   * out[i] = op(x[i]); same dtype as x, a float type or, for neg, abs and
   * sign, int32 (exact: a result outside the int32 range throws a DTypeError).
   */
  unary(op: UnaryOp, x: TypedArray): TypedArray;
  /**
   * out = op(a, b) broadcast to outShape; a and b share a dtype, which out
   * keeps (an int32 result outside the int32 range throws a DTypeError).
   */
  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray;
  /** out = a (op) b broadcast to outShape, as 0/1. */
  compare(op: CompareOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): Uint8Array;
  /** out = cond ? a : b, all three broadcast to outShape; a and b share a dtype. */
  where(cond: Uint8Array, cShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray;
  /** Reduces the (sorted, distinct) `axes` of x; the result is laid out in the order of the kept axes. */
  reduce(op: ReduceOp, x: TypedArray, shape: Shape, axes: readonly number[]): TypedArray;
  /** The index of the first maximum (minimum) along `axis`; the axis is removed. */
  argReduce(op: ArgReduceOp, x: TypedArray, shape: Shape, axis: number): Int32Array;
  /**
   * The gradient of a max or min over `axes` of x: g and m (the extreme) have
   * x's shape with the reduced axes 1; out = g · mask / count with
   * mask = [x = m] + [x is NaN]·[m is NaN] and count = Σ_axes mask (ties
   * share the gradient evenly; a NaN extreme sends it to the NaN entries).
   */
  extremumGrad(g: FloatArray, x: FloatArray, m: FloatArray, shape: Shape, axes: readonly number[]): FloatArray;
  /**
   * Batched matrix product out = op(a) · op(b). aShape and bShape have rank >= 2;
   * their leading (batch) dimensions broadcast to the leading dimensions of outShape.
   * op(a) is a, or its last two axes swapped when transA (likewise b).
   */
  matmul(a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, transA: boolean, transB: boolean, outShape: Shape): FloatArray;
  /**
   * out[r, c] = act(z[r, c] + b[c]): a bias along the last axis and an
   * activation in one pass (z has b.length columns; relu keeps NaN, as the
   * relu op does).
   */
  biasActivation(z: FloatArray, b: FloatArray, act: FusedActivation): FloatArray;
  /**
   * One Adam update of a variable in one pass, with the arithmetic of the
   * separate ops: m' = β₁m + (1 − β₁)g, v' = β₂v + (1 − β₂)g²,
   * value' = value − (m'·stepSize) / (√v'/root2 + ε). All four arrays have
   * one dtype and length; returns [value', m', v'].
   */
  adam(value: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, step: AdamStep): [FloatArray, FloatArray, FloatArray];
  /**
   * softmax (or, with `log`, log softmax) of x along `axis`, shifted by the
   * maximum m (all NaN along a slice where m is ±∞ or NaN, as in PyTorch).
   */
  softmax(x: FloatArray, shape: Shape, axis: number, log: boolean): FloatArray;
  /** out = x with its axes reordered: out.shape[i] = shape[perm[i]]. */
  permute(x: TypedArray, shape: Shape, perm: readonly number[]): TypedArray;
  /** x broadcast to outShape (a copy). */
  broadcastTo(x: TypedArray, shape: Shape, outShape: Shape): TypedArray;
  /** The block of x starting at `begin` with extent `size` on every axis. */
  slice(x: TypedArray, shape: Shape, begin: readonly number[], size: readonly number[]): TypedArray;
  /** x surrounded by `paddings[i] = [before, after]` elements equal to `value` on every axis. */
  pad(x: TypedArray, shape: Shape, paddings: readonly (readonly [number, number])[], value: number): TypedArray;
  /** The inputs joined along `axis` (they share a dtype and all other dimensions). */
  concat(xs: readonly TypedArray[], shapes: readonly Shape[], axis: number): TypedArray;
  /**
   * The inclusive scan of x along `axis` (from the end when `reverse`): out[..., k, ...] = op over
   * x[..., 0..k, ...]. Same dtype as x (int32 exactly, or a DTypeError on overflow), Int32Array for argmax/argmin.
   */
  scan(op: ScanOp, x: TypedArray, shape: Shape, axis: number, reverse: boolean): TypedArray;
  /** The product over the (sorted, distinct) `axes` of x, accumulated in float64 (int32 exactly, or a DTypeError on overflow). */
  prod(x: TypedArray, shape: Shape, axes: readonly number[]): TypedArray;
  /**
   * The indices (int32) that sort x along `axis`, stably: ascending, or descending with
   * `descending`; NaN counts as larger than every number (PyTorch's order).
   */
  argsort(x: TypedArray, shape: Shape, axis: number, descending: boolean): Int32Array;
  /** Rows of x picked by `indices` along `axis`: out.shape = shape[:axis] + indicesShape + shape[axis+1:]. */
  gather(x: TypedArray, shape: Shape, indices: Int32Array, indicesShape: Shape, axis: number): TypedArray;
  /**
   * The adjoint of gather: a zero tensor of shape shape[:axis] + [dimSize] + shape[axis+indices.rank:]
   * to which each slice of `updates` is added at the row its index names (repeats accumulate).
   */
  scatterAdd(updates: FloatArray, shape: Shape, indices: Int32Array, indicesShape: Shape, axis: number, dimSize: number): FloatArray;
  /**
   * x converted to dtype as PyTorch does (core/dtype castArray): nonzero is
   * true, floats truncate toward zero into int32 (the ops layer has refused
   * NaN, ±∞ and out-of-range values), float64 rounds to float32.
   */
  cast(x: TypedArray, dtype: DType): TypedArray;
  /**
   * im2col: the windows of an NHWC tensor as [N, outH, outW, kh, kw, C];
   * positions in the padding take `padValue`.
   */
  extractPatches(x: FloatArray, win: Window2D, padValue: number): FloatArray;
  /** col2im, the adjoint of extractPatches: each patch entry added back to the input position it came from. */
  addPatches(patches: FloatArray, win: Window2D): FloatArray;
}

/**
 * The geometry of a 2-D sliding window over an NHWC tensor: kernel size,
 * strides, dilation and the padding before the first row and column; the
 * output size follows.
 */
export interface Window2D {
  /** Input [N, H, W, C]. */
  inShape: readonly [number, number, number, number];
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
  /** Output rows and columns. */
  outH: number;
  outW: number;
}
