import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis } from '../core/shape.js';
import { abs, pow, sqrt, square } from '../ops/arithmetic.js';
import { notEqual } from '../ops/compare.js';
import { cast, floatTensor, type TensorLike } from '../ops/convert.js';
import { max, min, sum } from '../ops/reduce.js';
import { permute, reshape } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { makeTensor, readMatrices } from './matrices.js';
import { svdKernel } from './svd-kernel.js';

/** The order of a norm: a number p (vectors), or for matrices 'fro', 'nuc', 1, −1, 2, −2, ±Infinity. */
export type NormOrder = number | 'fro' | 'nuc';

/**
 * A vector or matrix norm, as NumPy's `linalg.norm(x, ord, axis, keepdims)`.
 *
 * Vectors (1-D x, or `axis` a single axis), with ord:
 * - 2 (default): √Σ|x|²; 1: Σ|x|; Infinity: max|x|; −Infinity: min|x|;
 *   0: the number of nonzero entries; any other p: (Σ|x|^p)^(1/p).
 *
 * Matrices (2-D x, or `axis` a pair of axes [rows, cols]), with ord:
 * - 'fro' (default): √Σ|a_ij|²; 'nuc': the sum of the singular values;
 *   1 / −1: the largest / smallest column sum of |a|; Infinity / −Infinity:
 *   the largest / smallest row sum of |a|; 2 / −2: the largest / smallest
 *   singular value.
 *
 * Without `axis` and `ord`, any x gives the 2-norm of all its entries; with
 * `ord` but no `axis`, x must be 1-D or 2-D. Computed in float64; the result
 * has x's float dtype and x's shape without the reduced axes (kept as size 1
 * with `keepDims`).
 *
 * The norms built from sums and maxima (every vector norm; 'fro', ±1, ±Infinity
 * for matrices) are differentiable; 'nuc' and ±2 go through the SVD and are not.
 */
export function norm(x: TensorLike, ord?: NormOrder, axis?: number | readonly [number, number], keepDims = false): Tensor {
  const t = floatTensor('norm', 'x', x);
  const dtype = t.dtype;
  const x64 = cast(t, 'float64');
  let axes: number[];
  if (axis === undefined) {
    if (ord === undefined) {
      const all = t.shape.map((_, i) => i);
      return cast(sqrt(sum(square(x64), all, keepDims)), dtype);
    }
    if (t.rank !== 1 && t.rank !== 2) {
      throw new ShapeError(
        `norm: ord ${typeof ord === 'string' ? ord : describe(ord)} needs a vector or a matrix, got shape ${formatShape(t.shape)}; pass axis to choose one`,
      );
    }
    axes = t.rank === 1 ? [0] : [0, 1];
  } else {
    if (typeof axis !== 'number' && !Array.isArray(axis)) throw new ArgumentError(`norm: axis must be one axis or a pair of axes, got ${describe(axis)}`);
    const list = typeof axis === 'number' ? [axis] : [...axis];
    if (list.length !== 1 && list.length !== 2) {
      throw new ArgumentError(`norm: axis must be one axis or a pair of axes, got [${list.join(',')}]`);
    }
    axes = list.map((a) => normalizeAxis('norm', a, t.rank));
    if (axes.length === 2 && axes[0] === axes[1]) throw new ArgumentError(`norm: the two axes [${list.join(',')}] are the same`);
  }
  const out = axes.length === 1 ? vectorNorm(x64, ord, axes[0]!, keepDims) : matrixNorm(x64, ord, axes[0]!, axes[1]!, keepDims);
  return cast(out, dtype);
}

function vectorNorm(x: Tensor, ord: NormOrder | undefined, axis: number, keepDims: boolean): Tensor {
  if (ord === undefined || ord === 2) return sqrt(sum(square(x), axis, keepDims));
  if (typeof ord !== 'number' || Number.isNaN(ord)) {
    throw new ArgumentError(
      `norm: ord ${typeof ord === 'string' ? JSON.stringify(ord) : describe(ord)} is not a vector norm (use a number; 'fro' and 'nuc' are matrix norms)`,
    );
  }
  if (ord === 1) return sum(abs(x), axis, keepDims);
  if (ord === Infinity) return max(abs(x), axis, keepDims);
  if (ord === -Infinity) return min(abs(x), axis, keepDims);
  if (ord === 0) return cast(sum(notEqual(x, 0), axis, keepDims), 'float64');
  return pow(sum(pow(abs(x), ord), axis, keepDims), 1 / ord);
}

function matrixNorm(x: Tensor, ord: NormOrder | undefined, rowAxis: number, colAxis: number, keepDims: boolean): Tensor {
  const both = [rowAxis, colAxis];
  const finish = (reduced: Tensor) => reshapeReduced(reduced, x.shape, both, keepDims);
  switch (ord) {
    case undefined:
    case 'fro':
      return sqrt(sum(square(x), both, keepDims));
    case 1:
      return finish(max(sum(abs(x), rowAxis, true), colAxis, true));
    case -1:
      return finish(min(sum(abs(x), rowAxis, true), colAxis, true));
    case Infinity:
      return finish(max(sum(abs(x), colAxis, true), rowAxis, true));
    case -Infinity:
      return finish(min(sum(abs(x), colAxis, true), rowAxis, true));
    case 2:
    case -2:
    case 'nuc':
      return singularValueNorm(x, ord, rowAxis, colAxis, keepDims);
    default:
      throw new ArgumentError(
        `norm: ord ${typeof ord === 'string' ? JSON.stringify(ord) : describe(ord)} is not a matrix norm (use 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity)`,
      );
  }
}

/** `reduced` (with the axes kept as 1) in the final shape. */
function reshapeReduced(reduced: Tensor, shape: readonly number[], axes: number[], keepDims: boolean): Tensor {
  return keepDims
    ? reduced
    : reshape(
        reduced,
        shape.filter((_, i) => !axes.includes(i)),
      );
}

/** 2, −2 and 'nuc' from the singular values of each matrix (not differentiable). */
function singularValueNorm(x: Tensor, ord: 2 | -2 | 'nuc', rowAxis: number, colAxis: number, keepDims: boolean): Tensor {
  const rest = x.shape.map((_, i) => i).filter((i) => i !== rowAxis && i !== colAxis);
  const st = readMatrices('norm', permute(x, [...rest, rowAxis, colAxis]));
  const { rows: m, cols: n } = st;
  const values = new Float64Array(st.count);
  for (let b = 0; b < st.count; b++) {
    const s = svdKernel(st.data, m, n, false, false, b * m * n).s;
    if (s.length === 0) {
      values[b] = 0;
      continue;
    }
    values[b] = ord === 2 ? s[0]! : ord === -2 ? s[s.length - 1]! : s.reduce((a, v) => a + v, 0);
  }
  const shape = keepDims ? x.shape.map((d, i) => (i === rowAxis || i === colAxis ? 1 : d)) : st.batch;
  return makeTensor(values, shape, 'float64');
}
