import { scoped } from '../autograd/tape.js';
import { isFloat } from '../core/dtype.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { formatShape, normalizeAxes, normalizeAxis, reducedShape, sizeOf } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { div, exp, log, square, sub, add } from './arithmetic.js';
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

function argExtremum(op: 'argmax' | 'argmin', x: TensorLike, axis: number | undefined): Tensor {
  let t = toTensor(op, 'x', x);
  if (axis === undefined) t = reshape(t, [t.size]); // the primitive's shape rule refuses an empty tensor
  return apply(op, [t], { axis: normalizeAxis(op, axis ?? 0, t.rank) });
}

/** The index (int32) of the first maximum along `axis` (over the flattened tensor by default). */
export function argmax(x: TensorLike, axis?: number): Tensor {
  return argExtremum('argmax', x, axis);
}

/** The index (int32) of the first minimum along `axis` (over the flattened tensor by default). */
export function argmin(x: TensorLike, axis?: number): Tensor {
  return argExtremum('argmin', x, axis);
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

/** The population variance mean((x − mean(x))²) over `axis` (NumPy's default, ddof = 0). */
export function variance(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return scoped('variance', 'op', [x], { axis, keepDims }, () => {
    const t = floatTensor('variance', 'x', x);
    checkKeepDims('variance', keepDims);
    const axes = normalizeAxes('variance', axis, t.rank);
    const centered = sub(t, mean(t, axes, true));
    return mean(square(centered), axes, keepDims);
  });
}
