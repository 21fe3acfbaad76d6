import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { TensorLike } from '../ops/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { EPS, LinAlgError, broadcastBatchIndex, makeTensor, readSquare, readTensor, resultDType } from './matrices.js';

/** An LU factorisation with partial pivoting: P·A = L·U, kept in one array as LAPACK's getrf does. */
interface LU {
  n: number;
  /** Row-major: U on and above the diagonal, L's multipliers below it (L has a unit diagonal). */
  lu: Float64Array;
  /** Row i of P·A is row perm[i] of A. */
  perm: Int32Array;
  /** The sign of P's permutation: ±1. */
  sign: number;
  /** True when some pivot is negligible: |u_kk| ≤ n·ε·(the largest |entry| of that row of A). */
  singular: boolean;
}

/** Doolittle elimination with partial (row) pivoting on a copy of the n×n row-major a[offset ..]. */
function luKernel(a: Float64Array, n: number, offset = 0): LU {
  const lu = a.slice(offset, offset + n * n);
  const rowMax = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < n; j++) m = Math.max(m, Math.abs(lu[i * n + j]!));
    rowMax[i] = m;
  }
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign = 1,
    singular = false;
  for (let k = 0; k < n; k++) {
    let p = k,
      best = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j]!;
        lu[k * n + j] = lu[p * n + j]!;
        lu[p * n + j] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[p]!;
      perm[p] = t;
      sign = -sign;
    }
    const pivot = lu[k * n + k]!;
    if (Math.abs(pivot) <= n * EPS * rowMax[perm[k]!]!) singular = true; // (NaN is not singular: it propagates)
    if (pivot === 0) continue; // the column is already zero below the diagonal
    for (let i = k + 1; i < n; i++) {
      const l = lu[i * n + k]! / pivot;
      lu[i * n + k] = l;
      if (l === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j] = lu[i * n + j]! - l * lu[k * n + j]!;
    }
  }
  return { n, lu, perm, sign, singular };
}

/** Solves A·x = b in place for `cols` right-hand sides (b row-major n×cols) from A's LU. */
function luSolve(f: LU, b: Float64Array, cols: number): Float64Array {
  const { n, lu, perm } = f;
  const x = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) for (let c = 0; c < cols; c++) x[i * cols + c] = b[perm[i]! * cols + c]!;
  for (let i = 1; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const l = lu[i * n + k]!;
      if (l === 0) continue;
      for (let c = 0; c < cols; c++) x[i * cols + c] = x[i * cols + c]! - l * x[k * cols + c]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const u = lu[i * n + k]!;
      if (u === 0) continue;
      for (let c = 0; c < cols; c++) x[i * cols + c] = x[i * cols + c]! - u * x[k * cols + c]!;
    }
    const d = lu[i * n + i]!;
    for (let c = 0; c < cols; c++) x[i * cols + c] = x[i * cols + c]! / d;
  }
  return x;
}

function singularError(op: string, shape: readonly number[], b: number, count: number): LinAlgError {
  const where = count > 1 ? ` (matrix ${b} of the batch of shape ${formatShape(shape)})` : ` (shape ${formatShape(shape)})`;
  return new LinAlgError(`${op}: the matrix is singular${where}: a pivot of its LU factorisation vanishes to working precision`);
}

/**
 * The solution x of a·x = b, by LU factorisation with partial pivoting.
 * a is [n,n] (or a batch [..., n, n]); b is a vector [n] (x is then [..., n])
 * or a matrix [..., n, k] of k right-hand sides (x is [..., n, k]); the batch
 * dimensions broadcast (as in NumPy 2: b is a vector only when it is 1-D).
 * Throws a LinAlgError when a is singular to working precision (a pivot
 * |u_kk| ≤ n·ε·max_j |a_ij| of its row). Computed in float64; the result has
 * the float dtype of a and b (float64 when either is).
 *
 * Not differentiable (an error is thrown when an input is traced by grad).
 */
export function solve(a: TensorLike, b: TensorLike): Tensor {
  const A = readSquare('solve', a);
  const B = readTensor('solve', b);
  const n = A.rows;
  const shapes = `shapes ${formatShape(A.shape)} and ${formatShape(B.shape)}`;
  const vector = B.rank === 1;
  if (B.rank === 0) throw new ShapeError(`solve: ${shapes}: b must be a vector [n] or a matrix [..., n, k]`);
  const bRows = vector ? B.shape[0]! : B.shape[B.rank - 2]!;
  if (bRows !== n) {
    throw new ShapeError(`solve: ${shapes}: b has ${bRows} rows, expected ${n} (the size of a)`);
  }
  const cols = vector ? 1 : B.shape[B.rank - 1]!;
  const bBatch = vector ? [] : B.shape.slice(0, -2);
  const outBatch = broadcastBatches('solve', shapes, A.batch, bBatch);
  const ia = broadcastBatchIndex(outBatch, A.batch),
    ib = broadcastBatchIndex(outBatch, bBatch);
  const bData = new Float64Array(B.storage);
  const count = ia.length;
  const out = new Float64Array(count * n * cols);
  const factors = new Map<number, LU>();
  for (let i = 0; i < count; i++) {
    const ai = ia[i]!;
    let f = factors.get(ai);
    if (!f) {
      f = luKernel(A.data, n, ai * n * n);
      if (f.singular) throw singularError('solve', A.shape, ai, A.count);
      factors.set(ai, f);
    }
    const rhs = bData.subarray(ib[i]! * n * cols, (ib[i]! + 1) * n * cols);
    out.set(luSolve(f, rhs, cols), i * n * cols);
  }
  const dtype = A.dtype === 'float64' || B.dtype === 'float64' ? 'float64' : resultDType(B.dtype);
  return makeTensor(out, vector ? [...outBatch, n] : [...outBatch, n, cols], dtype);
}

function broadcastBatches(op: string, shapes: string, x: readonly number[], y: readonly number[]): number[] {
  const rank = Math.max(x.length, y.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const p = x[x.length - rank + i] ?? 1,
      q = y[y.length - rank + i] ?? 1;
    if (p !== q && p !== 1 && q !== 1) {
      throw new ShapeError(`${op}: ${shapes}: batch dimensions ${formatShape(x)} and ${formatShape(y)} cannot be broadcast`);
    }
    out.push(p === 1 ? q : p);
  }
  return out;
}

/**
 * The inverse of a square matrix (or a batch [..., n, n]), by LU with partial
 * pivoting: a·inv(a) = I. Throws a LinAlgError when a is singular to working
 * precision. Prefer solve(a, b) to inv(a)·b: it is cheaper and more accurate.
 *
 * Not differentiable (an error is thrown when the input is traced by grad).
 */
export function inv(a: TensorLike): Tensor {
  const A = readSquare('inv', a);
  const n = A.rows;
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const out = new Float64Array(A.count * n * n);
  for (let b = 0; b < A.count; b++) {
    const f = luKernel(A.data, n, b * n * n);
    if (f.singular) throw singularError('inv', A.shape, b, A.count);
    out.set(luSolve(f, eye, n), b * n * n);
  }
  return makeTensor(out, A.shape, A.dtype);
}

/**
 * The determinant of a square matrix (or a batch: [...]), as the signed
 * product of the pivots of its LU factorisation (0 for an exactly singular
 * matrix; no error). For large matrices the product can overflow or
 * underflow: use slogdet.
 *
 * Not differentiable (an error is thrown when the input is traced by grad).
 */
export function det(a: TensorLike): Tensor {
  const A = readSquare('det', a);
  const n = A.rows;
  const out = new Float64Array(A.count);
  for (let b = 0; b < A.count; b++) {
    const f = luKernel(A.data, n, b * n * n);
    let d = f.sign;
    for (let i = 0; i < n; i++) d *= f.lu[i * n + i]!;
    out[b] = d === 0 ? 0 : d; // no −0
  }
  return makeTensor(out, A.batch, A.dtype);
}

/**
 * The sign and the natural logarithm of the absolute value of the
 * determinant, det = sign·exp(logAbsDet), without overflow: each [...]
 * (sign 0 and logAbsDet −∞ for a singular matrix).
 *
 * Not differentiable (an error is thrown when the input is traced by grad).
 */
export function slogdet(a: TensorLike): { sign: Tensor; logAbsDet: Tensor } {
  const A = readSquare('slogdet', a);
  const n = A.rows;
  const sign = new Float64Array(A.count),
    logAbs = new Float64Array(A.count);
  for (let b = 0; b < A.count; b++) {
    const f = luKernel(A.data, n, b * n * n);
    let s = f.sign,
      l = 0;
    for (let i = 0; i < n; i++) {
      const u = f.lu[i * n + i]!;
      if (u < 0) s = -s;
      l += Math.log(Math.abs(u));
    }
    if (l === -Infinity) s = 0;
    sign[b] = s;
    logAbs[b] = l;
  }
  return { sign: makeTensor(sign, A.batch, A.dtype), logAbsDet: makeTensor(logAbs, A.batch, A.dtype) };
}
