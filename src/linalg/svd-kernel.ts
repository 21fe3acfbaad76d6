/**
 * The singular value decomposition on raw float64 arrays (internal), by
 * Householder QR followed by one-sided (Hestenes) Jacobi on the triangular
 * factor. One-sided Jacobi orthogonalises the columns of the matrix by plane
 * rotations until every pair is orthogonal to working precision; the column
 * norms are then the singular values, computed to high relative accuracy.
 */
import { EPS, maxAbs } from './matrices.js';
import { formQ, formR, householderQR } from './householder.js';

/** Singular values (descending) and, when asked for, the singular vectors, row-major. */
export interface SVDKernelResult {
  /** min(m, n) singular values, descending, ≥ 0. */
  s: Float64Array;
  /** m×uCols row-major (uCols = min(m,n), or m when full), or null. */
  u: Float64Array | null;
  /** n×vCols row-major (vCols = min(m,n), or n when full), or null. */
  v: Float64Array | null;
  uCols: number;
  vCols: number;
}

const MAX_SWEEPS = 100;

/**
 * The SVD of the m×n row-major matrix `a[offset .. offset + m·n)`:
 * A = U·diag(s)·Vᵀ. `full` completes U to m×m and V to n×n.
 */
export function svdKernel(a: Float64Array, m: number, n: number, computeUV: boolean, full = false, offset = 0): SVDKernelResult {
  if (m >= n) {
    // the column-major copy of A
    const w = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[offset + i * n + j]!;
    const r = tallSVD(w, m, n, computeUV, full);
    return {
      s: r.s,
      u: r.u && toRowMajor(r.u, m, r.uCols),
      v: r.v && toRowMajor(r.v, n, n),
      uCols: r.uCols,
      vCols: n,
    };
  }
  // A is wide: the row-major A is the column-major Aᵀ (n×m, tall), and A = V'·S·U'ᵀ for Aᵀ = U'·S·V'ᵀ.
  const w = a.slice(offset, offset + m * n);
  const r = tallSVD(w, n, m, computeUV, full);
  return {
    s: r.s,
    u: r.v && toRowMajor(r.v, m, m),
    v: r.u && toRowMajor(r.u, n, r.uCols),
    uCols: m,
    vCols: r.uCols,
  };
}

function toRowMajor(colMajor: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out[i * cols + j] = colMajor[j * rows + i]!;
  return out;
}

/**
 * The SVD of a tall (m ≥ n) column-major matrix `w` (overwritten). Returns
 * column-major U (m×uCols) and V (n×n).
 */
function tallSVD(w: Float64Array, m: number, n: number, computeUV: boolean, full: boolean) {
  const uCols = full ? m : n;
  if (n === 0) {
    const u = computeUV ? new Float64Array(m * uCols) : null;
    if (u) for (let j = 0; j < uCols; j++) u[j * m + j] = 1;
    return { s: new Float64Array(0), u, v: computeUV ? new Float64Array(0) : null, uCols };
  }
  // scale to max |a| = 1 so that squared norms neither overflow nor underflow
  const scale = maxAbs(w);
  const scaled = scale > 0 && Number.isFinite(scale);
  if (scaled) for (let i = 0; i < w.length; i++) w[i] = w[i]! / scale;

  // a tall matrix is first reduced to its n×n triangular factor: A = Q·R
  let work = w,
    rows = m;
  let q: Float64Array | null = null;
  if (m > n) {
    const h = householderQR(w, m, n);
    work = formR(h, n);
    rows = n;
    if (computeUV) q = formQ(h, uCols);
  }

  const v = computeUV ? identity(n) : null;
  jacobiSweeps(work, rows, n, v);

  // singular values are the column norms; sort them descending
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) norms[j] = columnNorm(work, rows, j);
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => norms[y]! - norms[x]! || x - y);
  const s = new Float64Array(n);
  for (let j = 0; j < n; j++) s[j] = norms[order[j]!]! * (scaled ? scale : 1);
  if (!computeUV || !v) return { s, u: null, v: null, uCols };

  // the left vectors of the (reduced) matrix: its normalised columns, in sorted order
  const ur = new Float64Array(rows * n);
  const vs = new Float64Array(n * n);
  const good: boolean[] = [];
  for (let j = 0; j < n; j++) {
    const src = order[j]!,
      norm = norms[src]!;
    vs.set(v.subarray(src * n, src * n + n), j * n);
    const ok = norm > 1e-150;
    good.push(ok);
    if (ok) for (let i = 0; i < rows; i++) ur[j * rows + i] = work[src * rows + i]! / norm;
  }
  // a (numerically) zero singular value leaves its left vector free: complete an orthonormal basis
  if (good.includes(false)) completeBasis(ur, rows, n, good);

  if (!q) return { s, u: ur, v: vs, uCols }; // square: U is the reduced one
  // U = Q·[U_r 0; 0 I]: the first n columns are Q[:, :n]·U_r, the rest are Q's own
  const u = new Float64Array(m * uCols);
  for (let j = 0; j < n; j++) {
    const dst = j * m;
    for (let l = 0; l < n; l++) {
      const c = ur[j * n + l]!;
      if (c === 0) continue;
      const qc = l * m;
      for (let i = 0; i < m; i++) u[dst + i] = u[dst + i]! + c * q[qc + i]!;
    }
  }
  if (uCols > n) u.set(q.subarray(n * m), n * m);
  return { s, u, v: vs, uCols };
}

function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

function columnNorm(w: Float64Array, rows: number, j: number): number {
  let s = 0;
  for (let i = j * rows, end = i + rows; i < end; i++) s += w[i]! * w[i]!;
  return Math.sqrt(s);
}

/**
 * Cyclic one-sided Jacobi: rotate column pairs (p, q) of the rows×n
 * column-major `w` until |w_pᵀw_q| ≤ tol·‖w_p‖·‖w_q‖ for every pair,
 * accumulating the rotations in the n×n column-major `v` (when given).
 * The rotation angle zeroes the pair's inner product exactly:
 * ζ = (‖w_q‖² − ‖w_p‖²) / (2 w_pᵀw_q), t = sign(ζ)/(|ζ| + √(1+ζ²)),
 * c = 1/√(1+t²), s = c·t.
 */
function jacobiSweeps(w: Float64Array, rows: number, n: number, v: Float64Array | null): void {
  const tol = EPS * Math.max(1, Math.sqrt(rows));
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      const pc = p * rows;
      for (let q = p + 1; q < n; q++) {
        const qc = q * rows;
        let alpha = 0,
          beta = 0,
          gamma = 0;
        for (let i = 0; i < rows; i++) {
          const x = w[pc + i]!,
            y = w[qc + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.abs(zeta) > 1e150 ? 1 / (2 * zeta) : (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t),
          s = c * t;
        for (let i = 0; i < rows; i++) {
          const x = w[pc + i]!,
            y = w[qc + i]!;
          w[pc + i] = c * x - s * y;
          w[qc + i] = s * x + c * y;
        }
        if (v) {
          const pv = p * n,
            qv = q * n;
          for (let i = 0; i < n; i++) {
            const x = v[pv + i]!,
              y = v[qv + i]!;
            v[pv + i] = c * x - s * y;
            v[qv + i] = s * x + c * y;
          }
        }
      }
    }
    if (!rotated) return;
  }
}

/**
 * Replaces the columns of the d×k column-major `u` not marked `good` with
 * unit vectors orthogonal to all the others (Gram–Schmidt, twice, on the
 * standard basis vector that keeps the most of its length).
 */
export function completeBasis(u: Float64Array, d: number, k: number, good: boolean[]): void {
  const accepted: number[] = [];
  for (let j = 0; j < k; j++) if (good[j]) accepted.push(j);
  const vec = new Float64Array(d),
    best = new Float64Array(d);
  for (let j = 0; j < k; j++) {
    if (good[j]) continue;
    let bestNorm = -1;
    const enough = Math.sqrt((d - accepted.length) / d) * 0.99;
    for (let e = 0; e < d; e++) {
      vec.fill(0);
      vec[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const c of accepted) {
          const cc = c * d;
          let dot = 0;
          for (let i = 0; i < d; i++) dot += u[cc + i]! * vec[i]!;
          for (let i = 0; i < d; i++) vec[i] = vec[i]! - dot * u[cc + i]!;
        }
      }
      let norm = 0;
      for (let i = 0; i < d; i++) norm += vec[i]! * vec[i]!;
      norm = Math.sqrt(norm);
      if (norm > bestNorm) {
        bestNorm = norm;
        best.set(vec);
      }
      if (norm >= enough) break;
    }
    for (let i = 0; i < d; i++) u[j * d + i] = best[i]! / bestNorm;
    accepted.push(j);
  }
}
