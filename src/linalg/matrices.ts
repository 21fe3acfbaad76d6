/**
 * Internal helpers of nabla.linalg: reading tensors as stacks of float64
 * matrices, building results in the input's float dtype, and the checks that
 * every function shares (rank, squareness, symmetry, no tracing).
 */
import { ArgumentError, NablaError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import { Tensor } from '../tensor/tensor.js';
import { shouldRecord } from '../autograd/tape.js';

/** The float dtypes that linalg results take. */
export type FloatDType = 'float32' | 'float64';

/** Machine epsilon of float64. */
export const EPS = 2 ** -52;

/**
 * A numerical-linear-algebra failure on valid shapes: a singular matrix in
 * solve or inv, a matrix that is not positive definite in cholesky, an
 * asymmetric matrix in eigh. (NumPy's LinAlgError.) It is an ArgumentError.
 */
export class LinAlgError extends ArgumentError {
  override name = 'LinAlgError';
}

/** A stack of matrices copied into float64, row-major, one after another. */
export interface MatrixStack {
  /** The input's shape (for error messages). */
  shape: readonly number[];
  /** The leading (batch) dimensions. */
  batch: number[];
  rows: number;
  cols: number;
  /** How many matrices: the product of `batch`. */
  count: number;
  /** All the matrices, each rows·cols values. */
  data: Float64Array;
  /** The dtype of the results: the input's float dtype (int32 and bool give float32). */
  dtype: FloatDType;
}

/** The result dtype for an input dtype: floats keep theirs, int32 and bool give float32 (as float ops do). */
export function resultDType(dtype: string): FloatDType {
  return dtype === 'float64' ? 'float64' : 'float32';
}

/**
 * Throws when `t` is being traced by grad/vjp/...: the decompositions have no
 * backward rule, and silently returning constants would make gradients wrong.
 */
export function checkNotTraced(op: string, t: Tensor): void {
  if (shouldRecord([t])) {
    throw new NablaError(
      `${op}: not differentiable: nabla.linalg works on data (PCA, statistics); wrap the input in stopGradient to use the result as a constant`,
    );
  }
}

/** The input as a tensor, checked to be untraced. */
export function readTensor(op: string, x: TensorLike): Tensor {
  const t = toTensor(op, 'x', x);
  checkNotTraced(op, t);
  return t;
}

/** Reads a tensor of rank ≥ 2 as a stack of matrices over its last two axes. */
export function readMatrices(op: string, x: TensorLike): MatrixStack {
  const t = readTensor(op, x);
  if (t.rank < 2) {
    throw new ShapeError(`${op}: expected a matrix (rank 2, or more for a batch of matrices), got ${formatShape(t.shape)}`);
  }
  const rows = t.shape[t.rank - 2]!,
    cols = t.shape[t.rank - 1]!;
  const batch = t.shape.slice(0, -2);
  const count = batch.reduce((n, d) => n * d, 1);
  return { shape: t.shape, batch, rows, cols, count, data: new Float64Array(t.storage), dtype: resultDType(t.dtype) };
}

/** Reads a stack of square matrices; `cholesky: expected a square matrix, got [3,4]` otherwise. */
export function readSquare(op: string, x: TensorLike): MatrixStack {
  const s = readMatrices(op, x);
  if (s.rows !== s.cols) {
    throw new ShapeError(`${op}: expected a square matrix${s.batch.length ? ' (or a batch of them)' : ''}, got ${formatShape(s.shape)}`);
  }
  return s;
}

/** Throws unless every value is finite (iterative methods would not converge on NaN or ±∞). */
export function checkFinite(op: string, s: MatrixStack): void {
  for (let i = 0; i < s.data.length; i++) {
    if (!Number.isFinite(s.data[i]!)) {
      throw new ArgumentError(`${op}: the matrix of shape ${formatShape(s.shape)} contains NaN or infinite values`);
    }
  }
}

/** The default symmetry tolerance, relative to the largest |entry|: 1e-10 for float64, 1e-4 for float32. */
export function defaultSymmetryTolerance(dtype: FloatDType): number {
  return dtype === 'float64' ? 1e-10 : 1e-4;
}

/**
 * Checks that each n×n matrix of `s` is symmetric: |a[i,j] − a[j,i]| ≤
 * tolerance·max|a|. Throws a LinAlgError naming the shape and the first
 * offending pair.
 */
export function checkSymmetric(op: string, s: MatrixStack, tolerance: number): void {
  const n = s.rows;
  for (let b = 0; b < s.count; b++) {
    const a = s.data.subarray(b * n * n, (b + 1) * n * n);
    let scale = 0;
    for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]!));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const x = a[i * n + j]!,
          y = a[j * n + i]!;
        if (Math.abs(x - y) > tolerance * scale) {
          const where = s.count > 1 ? ` (matrix ${b} of the batch)` : '';
          throw new LinAlgError(
            `${op}: expected a symmetric matrix, got one of shape ${formatShape(s.shape)}${where} with a[${i},${j}] = ${x} ≠ a[${j},${i}] = ${y}`,
          );
        }
      }
    }
  }
}

/** A tensor of `dtype` from float64 values. */
export function makeTensor(values: Float64Array, shape: readonly number[], dtype: FloatDType): Tensor {
  return new Tensor(dtype === 'float64' ? values : new Float32Array(values), shape);
}

/** The flat index into a (possibly broadcast) input batch for each flat index of the output batch. */
export function broadcastBatchIndex(outBatch: readonly number[], inBatch: readonly number[]): Int32Array {
  const count = outBatch.reduce((n, d) => n * d, 1);
  const index = new Int32Array(count);
  const offset = outBatch.length - inBatch.length;
  for (let i = 0; i < count; i++) {
    let rest = i,
      at = 0,
      stride = 1;
    for (let d = outBatch.length - 1; d >= 0; d--) {
      const coord = rest % outBatch[d]!;
      rest = Math.floor(rest / outBatch[d]!);
      const k = d - offset;
      if (k >= 0) {
        const size = inBatch[k]!;
        if (size !== 1) at += coord * stride;
        stride *= size;
      }
    }
    index[i] = at;
  }
  return index;
}

/** The largest |value| of a[start .. end). */
export function maxAbs(a: Float64Array, start = 0, end = a.length): number {
  let m = 0;
  for (let i = start; i < end; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
}
