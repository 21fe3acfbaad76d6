/** Helpers for the linalg tests: plain float64 matrix arithmetic, independent of the code under test. */
import * as nb from '../../src/index.js';
import { randn } from '../helpers.js';

/** A row-major float64 matrix. */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** The last two axes of a tensor's matrix number `b` (0 for a plain matrix). */
export function mat(t: nb.Tensor, b = 0): Mat {
  const rows = t.shape[t.rank - 2]!,
    cols = t.shape[t.rank - 1]!;
  return { rows, cols, data: Float64Array.from(t.storage.subarray(b * rows * cols, (b + 1) * rows * cols)) };
}

/** A vector [n] as an n×1 matrix. */
export function column(t: nb.Tensor, b = 0): Mat {
  const n = t.shape[t.rank - 1]!;
  return { rows: n, cols: 1, data: Float64Array.from(t.storage.subarray(b * n, (b + 1) * n)) };
}

export function mm(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) throw new Error(`mm: ${a.rows}x${a.cols} · ${b.rows}x${b.cols}`);
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const x = a.data[i * a.cols + k]!;
      for (let j = 0; j < b.cols; j++) out[i * b.cols + j] = out[i * b.cols + j]! + x * b.data[k * b.cols + j]!;
    }
  }
  return { rows: a.rows, cols: b.cols, data: out };
}

export function tr(a: Mat): Mat {
  const out = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j]!;
  return { rows: a.cols, cols: a.rows, data: out };
}

/** a·diag(d) (scales the columns). */
export function scaleColumns(a: Mat, d: ArrayLike<number>): Mat {
  const out = a.data.slice();
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[i * a.cols + j] = out[i * a.cols + j]! * d[j]!;
  return { rows: a.rows, cols: a.cols, data: out };
}

export function identity(n: number): Mat {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { rows: n, cols: n, data };
}

/** max |a − b| (shapes must agree). */
export function maxDiff(a: Mat, b: Mat): number {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`maxDiff: ${a.rows}x${a.cols} vs ${b.rows}x${b.cols}`);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

/** max |a_ij|. */
export function maxAbs(a: Mat | ArrayLike<number>): number {
  const d = 'data' in a ? a.data : a;
  let m = 0;
  for (let i = 0; i < d.length; i++) m = Math.max(m, Math.abs(d[i]!));
  return m;
}

/** max |aᵀa − I|: how far the columns are from orthonormal. */
export function orthogonalityError(a: Mat): number {
  return maxDiff(mm(tr(a), a), identity(a.cols));
}

export function tensorOf(a: Mat): nb.Tensor {
  return nb.tensor(a.data, [a.rows, a.cols], 'float64');
}

/** A random orthogonal n×n matrix: a product of n Householder reflections of random vectors. */
export function randomOrthogonal(n: number, seed: number): Mat {
  let q = identity(n);
  const vs = randn([n, n], seed).storage;
  for (let r = 0; r < n; r++) {
    const v = vs.subarray(r * n, (r + 1) * n);
    let vv = 0;
    for (const x of v) vv += x * x;
    const h = identity(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h.data[i * n + j] = h.data[i * n + j]! - (2 * v[i]! * v[j]!) / vv;
    q = mm(q, h);
  }
  return q;
}

/** U·diag(s)·Vᵀ with random orthogonal U (m×m) and V (n×n): an m×n matrix with singular values s. */
export function withSingularValues(m: number, n: number, s: number[], seed: number): Mat {
  const u = randomOrthogonal(m, seed),
    v = randomOrthogonal(n, seed + 1);
  const sigma = new Float64Array(m * n);
  s.forEach((x, i) => {
    sigma[i * n + i] = x;
  });
  return mm(mm(u, { rows: m, cols: n, data: sigma }), tr(v));
}

/** A random m×n float64 matrix. */
export function randomMat(m: number, n: number, seed: number): Mat {
  return mat(randn([m, n], seed));
}
