/**
 * Householder QR on raw float64 arrays: the kernel behind linalg.qr and the
 * first step of linalg.svd. Internal; matrices are column-major here so that
 * the reflectors work on contiguous columns.
 */

/** A QR factorisation kept as Householder reflectors (LAPACK's compact form). */
export interface HouseholderQR {
  m: number;
  n: number;
  /** min(m, n): the number of reflectors. */
  k: number;
  /**
   * m×n column-major: R on and above the diagonal; below it, the reflector
   * vectors v_j (whose implicit leading entry is 1).
   */
  a: Float64Array;
  /** The reflector coefficients: H_j = I − beta_j·v_j·v_jᵀ (0 for H_j = I). */
  beta: Float64Array;
}

/** The 2-norm of a[start .. end), scaled against overflow and underflow. */
function norm2(a: Float64Array, start: number, end: number): number {
  let scale = 0;
  for (let i = start; i < end; i++) scale = Math.max(scale, Math.abs(a[i]!));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = start; i < end; i++) {
    const v = a[i]! / scale;
    s += v * v;
  }
  return scale * Math.sqrt(s);
}

/**
 * Factors the m×n column-major matrix `colMajor` (overwritten) as
 * A = H_0·H_1·…·H_{k−1}·R. Each reflector maps its column onto
 * alpha·e_1 with alpha = −sign(x_0)·‖x‖, which avoids cancellation.
 */
export function householderQR(colMajor: Float64Array, m: number, n: number): HouseholderQR {
  const a = colMajor;
  const k = Math.min(m, n);
  const beta = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const col = j * m;
    const norm = norm2(a, col + j, col + m);
    if (norm === 0) continue; // already zero below the diagonal: H_j = I
    const x0 = a[col + j]!;
    const alpha = x0 >= 0 ? -norm : norm;
    const v0 = x0 - alpha; // |v0| = |x0| + ‖x‖, no cancellation
    let vv = 1;
    for (let i = j + 1; i < m; i++) {
      const v = a[col + i]! / v0;
      a[col + i] = v;
      vv += v * v;
    }
    const b = 2 / vv;
    beta[j] = b;
    a[col + j] = alpha;
    // apply H_j = I − b·v·vᵀ to the remaining columns
    for (let c = j + 1; c < n; c++) {
      const cc = c * m;
      let w = a[cc + j]!;
      for (let i = j + 1; i < m; i++) w += a[col + i]! * a[cc + i]!;
      w *= b;
      a[cc + j] = a[cc + j]! - w;
      for (let i = j + 1; i < m; i++) a[cc + i] = a[cc + i]! - w * a[col + i]!;
    }
  }
  return { m, n, k, a, beta };
}

/**
 * The first `cols` columns of Q = H_0·…·H_{k−1} (cols = k for the reduced
 * factorisation, m for the complete one), column-major m×cols, accumulated
 * backwards as LAPACK's orgqr does.
 */
export function formQ(h: HouseholderQR, cols: number): Float64Array {
  const { m, k, a, beta } = h;
  const q = new Float64Array(m * cols);
  for (let j = 0; j < cols; j++) q[j * m + j] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const b = beta[j]!;
    if (b === 0) continue;
    const col = j * m;
    for (let c = j; c < cols; c++) {
      const cc = c * m;
      let w = q[cc + j]!;
      for (let i = j + 1; i < m; i++) w += a[col + i]! * q[cc + i]!;
      w *= b;
      q[cc + j] = q[cc + j]! - w;
      for (let i = j + 1; i < m; i++) q[cc + i] = q[cc + i]! - w * a[col + i]!;
    }
  }
  return q;
}

/** The upper-triangular R, `rows`×n column-major (rows = k reduced, m complete; zero below the diagonal). */
export function formR(h: HouseholderQR, rows: number): Float64Array {
  const { m, n, a } = h;
  const r = new Float64Array(rows * n);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i <= Math.min(c, rows - 1); i++) r[c * rows + i] = a[c * m + i]!;
  }
  return r;
}

/** Row-major r×c → column-major (or back: the same transpose). */
export function transposeCopy(a: Float64Array, rows: number, cols: number, offset = 0): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[j * rows + i] = a[offset + i * cols + j]!;
  }
  return out;
}
