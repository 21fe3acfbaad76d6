import { scoped } from '../autograd/tape.js';
import { isFloat } from '../core/dtype.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { formatShape, normalizeAxes, normalizeAxis, reducedShape, sizeOf } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { div, exp, log, mul, sub, add } from './arithmetic.js';
import { cast, floatTensor, toTensor, type TensorLike } from './convert.js';
import { apply } from './prim.js';
import { reshape } from './shape.js';
import { stopGradient } from './stop.js';
import { equal, where } from './compare.js';

/** An axis argument: one axis, several, or undefined for all of them. Negative axes count from the end. */
export type Axis = number | readonly number[] | undefined;

function checkKeepDims(op: string, keepDims: unknown): void {
  if (typeof keepDims !== 'boolean') throw new ArgumentError(`${op}: argument keepDims must be true or false, got ${describe(keepDims)}`);
}

function reduceArgs(op: string, x: TensorLike, axis: Axis, keepDims: boolean) {
  const t = toTensor(op, 'x', x);
  checkKeepDims(op, keepDims);
  return { t, axes: normalizeAxes(op, axis, t.rank) };
}

/** The sum over `axis` (all axes by default); bool and int32 sum to int32. */
export function sum(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const { t, axes } = reduceArgs('sum', x, axis, keepDims);
  const input = t.dtype === 'bool' ? cast(t, 'int32') : t;
  return apply('sum', [input], { axes, keepDims });
}

/** The arithmetic mean over `axis`; of int32 or bool values, computed exactly in float64 and rounded once to float32. */
export function mean(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return scoped('mean', 'op', [x], { axis, keepDims }, () => {
    const { t, axes } = reduceArgs('mean', x, axis, keepDims);
    const count = axes.reduce((n, a) => n * t.shape[a]!, 1);
    if (!isFloat(t.dtype)) return cast(div(sum(cast(t, 'float64'), axes, keepDims), count), 'float32');
    return div(sum(t, axes, keepDims), count);
  });
}

function extremum(op: 'max' | 'min', x: TensorLike, axis: Axis, keepDims: boolean): Tensor {
  const { t, axes } = reduceArgs(op, x, axis, keepDims); // the primitive's shape rule refuses an empty axis
  return apply(op, [t.dtype === 'bool' ? cast(t, 'int32') : t], { axes, keepDims });
}

/** The maximum over `axis`; the gradient is split evenly among tied maxima. */
export function max(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return extremum('max', x, axis, keepDims);
}

/** The minimum over `axis`; the gradient is split evenly among tied minima. */
export function min(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return extremum('min', x, axis, keepDims);
}

function argExtremum(op: 'argmax' | 'argmin', x: TensorLike, axis: number | undefined, keepDims: boolean): Tensor {
  const t0 = toTensor(op, 'x', x);
  checkKeepDims(op, keepDims);
  const t = axis === undefined ? reshape(t0, [t0.size]) : t0; // the primitive's shape rule refuses an empty tensor
  const a = normalizeAxis(op, axis ?? 0, t.rank);
  const out = apply(op, [t], { axis: a });
  if (!keepDims) return out;
  return reshape(out, axis === undefined ? t0.shape.map(() => 1) : reducedShape(t0.shape, [a], true));
}

/**
 * The index (int32) of the first maximum along `axis` (over the flattened tensor by default);
 * with `keepDims` the axis stays as a dimension of size 1 (every axis, for the flattened tensor).
 */
export function argmax(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return argExtremum('argmax', x, axis, keepDims);
}

/** The index (int32) of the first minimum along `axis` (over the flattened tensor by default); `keepDims` as argmax. */
export function argmin(x: TensorLike, axis?: number, keepDims = false): Tensor {
  return argExtremum('argmin', x, axis, keepDims);
}

/**
 * log Σ exp(x) over `axis`, computed as m + log Σ exp(x − m) with m the
 * (gradient-stopped) maximum, so it is finite for inputs of ±1000.
 * Its gradient is softmax(x).
 */
export function logSumExp(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return scoped('logSumExp', 'op', [x], { axis, keepDims }, () => {
    const t = floatTensor('logSumExp', 'x', x);
    checkKeepDims('logSumExp', keepDims);
    const axes = normalizeAxes('logSumExp', axis, t.rank);
    if (sizeOf(t.shape) === 0) throw new ArgumentError(`logSumExp: empty tensor of shape ${formatShape(t.shape)}`);
    const m = stopGradient(max(t, axes, true));
    // an all −∞ slice keeps m finite so that the result is −∞, not NaN
    const safeM = where(equal(sub(m, m), 0), m, 0); // m − m is NaN for ±∞
    const s = log(sum(exp(sub(t, safeM)), axes, true));
    const out = add(s, safeM);
    return keepDims ? out : reshape(out, reducedShape(t.shape, axes, false));
  });
}

/** variance with the op's name in errors (variance and std). */
export function varianceWithCorrection(op: string, x: TensorLike, axis: Axis, keepDims: boolean, correction: number): Tensor {
  const t = floatTensor(op, 'x', x);
  checkKeepDims(op, keepDims);
  if (typeof correction !== 'number' || !(correction >= 0) || !Number.isFinite(correction)) {
    throw new ArgumentError(`${op}: argument correction must be a non-negative number, got ${describe(correction)}`);
  }
  const axes = normalizeAxes(op, axis, t.rank);
  const count = axes.reduce((n, a) => n * t.shape[a]!, 1);
  const centered = sub(t, div(sum(t, axes, true), count));
  const ss = sum(mul(centered, centered), axes, keepDims);
  return div(ss, Math.max(count - correction, 0));
}

/**
 * The variance Σ(x − x̄)²/(N − correction) over `axis`. correction 0 (the default, NumPy's
 * ddof = 0) gives the population variance mean((x − x̄)²); 1 the unbiased sample variance
 * (PyTorch's default, Bessel's correction). Where N − correction ≤ 0 the result is ±∞ or NaN.
 */
export function variance(x: TensorLike, axis?: Axis, keepDims = false, correction = 0): Tensor {
  return scoped('variance', 'op', [x], { axis, keepDims, correction }, () => varianceWithCorrection('variance', x, axis, keepDims, correction));
}
