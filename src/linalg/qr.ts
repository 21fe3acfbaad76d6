import { ArgumentError } from '../core/errors.js';
import type { TensorLike } from '../ops/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { formQ, formR, householderQR } from './householder.js';
import { makeTensor, readMatrices } from './matrices.js';

/** Options of {@link qr}. */
export interface QROptions {
  /** 'reduced' (default): q [m,k], r [k,n] with k = min(m,n). 'complete': q [m,m], r [m,n]. */
  mode?: 'reduced' | 'complete';
}

/** The factors of {@link qr}: a = q·r. */
export interface QRResult {
  /** Orthonormal columns: [..., m, k] (qᵀq = I). */
  q: Tensor;
  /** Upper triangular: [..., k, n]. */
  r: Tensor;
}

/**
 * The QR decomposition a = q·r of an m×n matrix (or a batch [..., m, n]) by
 * Householder reflections: q has orthonormal columns and r is upper
 * triangular. As in LAPACK (and NumPy), the diagonal of r may be negative.
 * Computed in float64; the results have the input's float dtype.
 *
 * Not differentiable (an error is thrown when the input is traced by grad).
 */
export function qr(a: TensorLike, options: QROptions = {}): QRResult {
  const mode = options?.mode ?? 'reduced';
  if (mode !== 'reduced' && mode !== 'complete') {
    throw new ArgumentError(`qr: mode must be 'reduced' or 'complete', got ${JSON.stringify(mode)}`);
  }
  const st = readMatrices('qr', a);
  const { rows: m, cols: n, count, batch } = st;
  const k = mode === 'complete' ? m : Math.min(m, n);
  const q = new Float64Array(count * m * k),
    r = new Float64Array(count * k * n);
  for (let b = 0; b < count; b++) {
    // column-major copy of this matrix
    const w = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = st.data[b * m * n + i * n + j]!;
    const h = householderQR(w, m, n);
    const qc = formQ(h, k),
      rc = formR(h, k);
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) q[b * m * k + i * k + j] = qc[j * m + i]!;
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) r[b * k * n + i * n + j] = rc[j * k + i]!;
  }
  return { q: makeTensor(q, [...batch, m, k], st.dtype), r: makeTensor(r, [...batch, k, n], st.dtype) };
}
