import { scoped } from '../autograd/tape.js';
import type { ScanOp } from '../backend/kernels.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { normalizeAxes, normalizeAxis } from '../core/shape.js';
import { arange } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, cast, div, exp, mul, sub } from './arithmetic.js';
import { equal, notEqual, where } from './compare.js';
import { floatTensor, toTensor, type TensorLike } from './convert.js';
import { apply } from './prim.js';
import type { ScanAttrs } from './prims/scan.js';
import { SCAN_NAMES } from './prims/scan.js';
import { max, sum, varianceWithCorrection, type Axis } from './reduce.js';
import { pad, permute, reshape, slice } from './shape.js';
import { stopGradient } from './stop.js';

function checkFlag(op: string, name: string, v: unknown): void {
  if (typeof v !== 'boolean') throw new ArgumentError(`${op}: argument ${name} must be true or false, got ${describe(v)}`);
}

/** The inclusive scan primitive, without argument checks. */
function scanPrim(x: Tensor, op: ScanOp, axis: number, reverse: boolean): Tensor {
  return apply('scan', [x], { op, axis, reverse });
}

/** x moved one step along `axis` in the scan's direction, `fill` entering first (what makes a scan exclusive). */
function shiftIn(x: Tensor, axis: number, reverse: boolean, fill: number): Tensor {
  const n = x.shape[axis]!;
  const paddings = x.shape.map((_, i) => (i === axis ? (reverse ? [0, 1] : [1, 0]) : [0, 0]) as [number, number]);
  const begin = x.shape.map((_, i) => (i === axis && reverse ? 1 : 0));
  const size = x.shape.map((d, i) => (i === axis ? n : d));
  return slice(pad(x, paddings, fill), begin, size);
}

const IDENTITY: Partial<Record<ScanOp, number>> = { sum: 0, prod: 1, logSumExp: -Infinity };

function cumulative(op: ScanOp, x: TensorLike, axis: number, exclusive: boolean, reverse: boolean, float: boolean): Tensor {
  const name = SCAN_NAMES[op];
  return scoped(name, 'op', [x], { axis, exclusive, reverse }, () => {
    let t = float ? floatTensor(name, 'x', x) : toTensor(name, 'x', x);
    if (t.dtype === 'bool') t = cast(t, 'int32');
    checkFlag(name, 'exclusive', exclusive);
    checkFlag(name, 'reverse', reverse);
    const scalar = t.rank === 0;
    if (scalar) t = reshape(t, [1]);
    const a = normalizeAxis(name, scalar && axis === -1 ? 0 : axis, t.rank);
    const input = exclusive ? shiftIn(t, a, reverse, IDENTITY[op]!) : t;
    const out = scanPrim(input, op, a, reverse);
    return scalar ? reshape(out, []) : out;
  });
}

/**
 * The cumulative sum along `axis`: yₖ = Σ_{j≤k} xⱼ (Σ_{j<k} with `exclusive`; from the end with
 * `reverse`: yₖ = Σ_{j≥k} xⱼ), as TensorFlow's cumsum. int32 (and bool) sums stay int32, exactly.
 * Its gradient is the reverse cumulative sum of the cotangent.
 */
export function cumsum(x: TensorLike, axis = 0, exclusive = false, reverse = false): Tensor {
  return cumulative('sum', x, axis, exclusive, reverse, false);
}

/**
 * The cumulative product along `axis`: yₖ = Π_{j≤k} xⱼ (with `exclusive` and `reverse` as cumsum).
 * Its gradient ∂L/∂xᵢ = Σ_{k≥i} gₖ Π_{j≤k, j≠i} xⱼ is exact when x holds zeros (no division by a
 * zero); second derivatives are exact with at most one zero along the axis.
 */
export function cumprod(x: TensorLike, axis = 0, exclusive = false, reverse = false): Tensor {
  return cumulative('prod', x, axis, exclusive, reverse, false);
}

/**
 * The running maximum along `axis`: yₖ = max_{j≤k} xⱼ (NaN propagates). The gradient of yₖ goes
 * to the entry that holds it (the later one on ties, as PyTorch's cummax). The indices are
 * `cumArgmax`'s.
 */
export function cummax(x: TensorLike, axis = 0): Tensor {
  return cumulative('max', x, axis, false, false, false);
}

/** The running minimum along `axis`: yₖ = min_{j≤k} xⱼ; see cummax. */
export function cummin(x: TensorLike, axis = 0): Tensor {
  return cumulative('min', x, axis, false, false, false);
}

/** The (int32) index of the running maximum along `axis`, the later one on ties: PyTorch's cummax(x).indices. */
export function cumArgmax(x: TensorLike, axis = 0): Tensor {
  return cumulative('argmax', x, axis, false, false, false);
}

/** The (int32) index of the running minimum along `axis`: PyTorch's cummin(x).indices. */
export function cumArgmin(x: TensorLike, axis = 0): Tensor {
  return cumulative('argmin', x, axis, false, false, false);
}

/**
 * log Σ_{j≤k} e^(xⱼ) along `axis` (with `exclusive` and `reverse` as cumsum; an empty exclusive
 * sum is −∞), computed with a running maximum so that it is finite for inputs of ±1000.
 * Its gradient is ∂L/∂xᵢ = Σ_{k≥i} gₖ e^(xᵢ − yₖ) (computed with one shift per slice: exact while
 * the outputs along the axis span less than about 80 in float32, 700 in float64).
 */
export function logCumSumExp(x: TensorLike, axis = 0, exclusive = false, reverse = false): Tensor {
  return cumulative('logSumExp', x, axis, exclusive, reverse, true);
}

// ---- backward rules (used by the scan primitive in prims/scan.ts) --------

/** The sum over k ≥ i (in the scan's direction) of t: the adjoint of a cumulative sum. */
function sumAfter(t: Tensor, axis: number, reverse: boolean): Tensor {
  return scanPrim(t, 'sum', axis, !reverse);
}

/** ∂L/∂x of y = scan(x) for the cotangent g (differentiable, for higher derivatives). */
export function cumulativeBackward(g: Tensor, x: Tensor, y: Tensor, { op, axis, reverse }: ScanAttrs): Tensor {
  switch (op) {
    case 'sum':
      return sumAfter(g, axis, reverse);
    case 'prod':
      return cumprodBackward(g, x, y, axis, reverse);
    case 'max':
    case 'min':
      return routeToIndices(g, scanPrim(x, op === 'max' ? 'argmax' : 'argmin', axis, reverse), axis);
    case 'logSumExp': {
      // Σ_{k≥i} gₖ e^(xᵢ − yₖ) = e^(xᵢ − c)·Σ_{k≥i} gₖ e^(c − yₖ), c the slice's largest output
      const c = stopGradient(max(where(equal(y, y), y, -Infinity), axis, true));
      const safe = where(equal(sub(c, c), 0), c, 0); // ±∞ or NaN maxima shift by 0
      return mul(exp(sub(x, safe)), sumAfter(mul(g, exp(sub(safe, y))), axis, reverse));
    }
    default:
      throw new ArgumentError(`scan: no gradient for ${op}`);
  }
}

/**
 * dxⱼ = Σₖ gₖ [iₖ = j]: each cotangent entry sent to the position its running extreme came
 * from, as one scatter-add over the flattened tensor (linear in g, so higher derivatives hold;
 * its adjoint is the matching gather).
 */
function routeToIndices(g: Tensor, idx: Tensor, axis: number): Tensor {
  const n = g.shape[axis]!;
  const rank = g.rank;
  const perm = [...[...Array(rank).keys()].filter((i) => i !== axis), axis];
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  const gp = permute(g, perm),
    ip = permute(idx, perm);
  const size = gp.size,
    rows = size / Math.max(n, 1);
  const flat = reshape(add(reshape(ip, [rows, n]), mul(reshape(arange(0, rows, 1, 'int32'), [rows, 1]), n)), [size]);
  const routed = apply('scatterAdd', [reshape(gp, [size]), flat], { axis: 0, dimSize: size });
  return permute(reshape(routed, gp.shape), inverse);
}

/**
 * ∂L/∂xᵢ = Σ_{k≥i} gₖ Π_{j≤k, j≠i} xⱼ for y = cumprod(x), without dividing by a zero: with z the
 * first zero along the slice (in the scan's direction), entries before z get
 * (Σ_{k≥i} gₖyₖ)/xᵢ, the entry z gets Σ_{k≥z} gₖy′ₖ with y′ the cumprod of x with xz replaced
 * by 1, later nonzero entries xz·(Σ_{k≥i} gₖy′ₖ)/xᵢ (0, with the derivative in xz that makes the
 * Hessian exact with one zero), and later zeros 0.
 */
function cumprodBackward(g: Tensor, x: Tensor, y: Tensor, axis: number, reverse: boolean): Tensor {
  const isZero = equal(x, 0);
  const zerosSoFar = scanPrim(cast(isZero, 'int32'), 'sum', axis, reverse);
  const before = equal(zerosSoFar, 0);
  const first = where(isZero, equal(zerosSoFar, 1), false);
  const safe = where(isZero, 1, x);
  const yPrime = scanPrim(where(first, 1, x), 'prod', axis, reverse);
  const firstValue = sum(where(first, x, 0), axis, true); // x at the first zero: 0, differentiable
  const beforeGrad = div(sumAfter(mul(g, y), axis, reverse), safe);
  const fromPrime = sumAfter(mul(g, yPrime), axis, reverse);
  const afterGrad = div(mul(firstValue, fromPrime), safe);
  return where(before, beforeGrad, where(first, fromPrime, where(isZero, 0, afterGrad)));
}

/** Π_{j≠i} xⱼ over the reduced axes, for every entry i of x: the exclusive products from both sides. */
export function productOfOthers(x: Tensor, axes: readonly number[]): Tensor {
  const kept = [...Array(x.rank).keys()].filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const inverse = new Array<number>(x.rank);
  perm.forEach((p, i) => (inverse[p] = i));
  const moved = permute(x, perm);
  const m = axes.reduce((n, a) => n * x.shape[a]!, 1);
  const rows = reshape(moved, [...kept.map((a) => x.shape[a]!), m]);
  const last = rows.rank - 1;
  const fromStart = scanPrim(shiftIn(rows, last, false, 1), 'prod', last, false);
  const fromEnd = scanPrim(shiftIn(rows, last, true, 1), 'prod', last, true);
  return permute(reshape(mul(fromStart, fromEnd), moved.shape), inverse);
}

// ---- reductions --------------------------------------------------------

/**
 * The product over `axis` (all axes by default): Π xᵢ, accumulated in float64; int32 (and bool)
 * stay int32, exactly. Its gradient Π_{j≠i} xⱼ is computed without division, so it is exact
 * when x holds one, two or more zeros.
 */
export function prod(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const t0 = toTensor('prod', 'x', x);
  const t = t0.dtype === 'bool' ? cast(t0, 'int32') : t0;
  checkFlag('prod', 'keepDims', keepDims);
  return apply('prod', [t], { axes: normalizeAxes('prod', axis, t.rank), keepDims });
}

/** True where any entry over `axis` is nonzero (all axes by default); false over an empty axis. */
export function any(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return scoped('any', 'op', [x], { axis, keepDims }, () => {
    const t = toTensor('any', 'x', x);
    checkFlag('any', 'keepDims', keepDims);
    const axes = normalizeAxes('any', axis, t.rank);
    return notEqual(sum(cast(notEqual(t, 0), 'int32'), axes, keepDims), 0);
  });
}

/** True where every entry over `axis` is nonzero (all axes by default); true over an empty axis. NaN counts as nonzero. */
export function all(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return scoped('all', 'op', [x], { axis, keepDims }, () => {
    const t = toTensor('all', 'x', x);
    checkFlag('all', 'keepDims', keepDims);
    const axes = normalizeAxes('all', axis, t.rank);
    return equal(sum(cast(equal(t, 0), 'int32'), axes, keepDims), 0);
  });
}

/** The standard deviation √variance(x, axis, keepDims, correction) over `axis`; see variance. */
export function std(x: TensorLike, axis?: Axis, keepDims = false, correction = 0): Tensor {
  return scoped('std', 'op', [x], { axis, keepDims, correction }, () => {
    const v = varianceWithCorrection('std', x, axis, keepDims, correction);
    return apply('sqrt', [v], {});
  });
}
