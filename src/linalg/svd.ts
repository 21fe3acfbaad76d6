import type { TensorLike } from '../ops/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFinite, makeTensor, readMatrices } from './matrices.js';
import { svdKernel } from './svd-kernel.js';

/** Options of {@link svd}. */
export interface SVDOptions {
  /**
   * false (the default): the thin SVD, u [m,k] and v [n,k] with k = min(m,n).
   * true: the full SVD, u [m,m] and v [n,n] (orthonormal completions).
   */
  full?: boolean;
}

/** The factors of {@link svd}: a = u·diag(s)·vᵀ. */
export interface SVDResult {
  /** Left singular vectors as columns: [..., m, k] (or [..., m, m] when full). */
  u: Tensor;
  /** Singular values, descending and ≥ 0: [..., k], k = min(m, n). */
  s: Tensor;
  /** Right singular vectors as columns: [..., n, k] (or [..., n, n] when full). Note: v, not NumPy's vᵀ. */
  v: Tensor;
}

/**
 * The singular value decomposition a = u·diag(s)·vᵀ of an m×n matrix (or a
 * batch [..., m, n]), with uᵀu = I, vᵀv = I and s descending, ≥ 0.
 *
 * Algorithm: the matrix is scaled to max |a| = 1; a tall one is reduced by
 * Householder QR to its n×n factor R (a wide one is handled through its
 * transpose); then cyclic one-sided Jacobi rotates column pairs until all are
 * orthogonal to working precision. Singular values come out with high
 * relative accuracy; rank-deficient inputs are fine (left vectors of zero
 * singular values are completed to an orthonormal basis). Computed in
 * float64; the results have the input's float dtype. Each singular vector is
 * determined only up to sign (and, for repeated singular values, up to a
 * rotation within their subspace).
 *
 * Not differentiable (an error is thrown when the input is traced by grad).
 */
export function svd(a: TensorLike, options: SVDOptions = {}): SVDResult {
  const full = options?.full ?? false;
  const st = readMatrices('svd', a);
  checkFinite('svd', st);
  const { rows: m, cols: n, count, batch } = st;
  const k = Math.min(m, n);
  const uCols = full ? m : k,
    vCols = full ? n : k;
  const u = new Float64Array(count * m * uCols),
    s = new Float64Array(count * k),
    v = new Float64Array(count * n * vCols);
  for (let b = 0; b < count; b++) {
    const r = svdKernel(st.data, m, n, true, full, b * m * n);
    s.set(r.s, b * k);
    u.set(r.u!, b * m * uCols);
    v.set(r.v!, b * n * vCols);
  }
  return {
    u: makeTensor(u, [...batch, m, uCols], st.dtype),
    s: makeTensor(s, [...batch, k], st.dtype),
    v: makeTensor(v, [...batch, n, vCols], st.dtype),
  };
}

/** The singular values of a matrix (or a batch), descending: [..., min(m,n)]. Cheaper than svd: no vectors. */
export function svdvals(a: TensorLike): Tensor {
  const st = readMatrices('svdvals', a);
  checkFinite('svdvals', st);
  const { rows: m, cols: n, count, batch } = st;
  const k = Math.min(m, n);
  const s = new Float64Array(count * k);
  for (let b = 0; b < count; b++) s.set(svdKernel(st.data, m, n, false, false, b * m * n).s, b * k);
  return makeTensor(s, [...batch, k], st.dtype);
}
