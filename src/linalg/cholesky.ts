import { formatShape } from '../core/shape.js';
import type { TensorLike } from '../ops/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { LinAlgError, checkFinite, checkSymmetric, defaultSymmetryTolerance, makeTensor, readSquare } from './matrices.js';

/** Options of {@link cholesky}. */
export interface CholeskyOptions {
  /** How far from symmetric the input may be, relative to its largest |entry| (default 1e-10 for float64, 1e-4 for float32). */
  symmetryTolerance?: number;
}

/**
 * The Cholesky factor of a symmetric positive-definite matrix (or a batch
 * [..., n, n]): the lower-triangular l with a = l·lᵀ and a positive
 * diagonal. l_jj = √(a_jj − Σ_{k<j} l_jk²), l_ij = (a_ij − Σ_{k<j} l_ik·l_jk)/l_jj
 * (the lower triangle of a is used). Throws a LinAlgError when the matrix is
 * not symmetric or not positive definite. Computed in float64; the result has
 * the input's float dtype.
 *
 * Not differentiable (an error is thrown when the input is traced by grad).
 */
export function cholesky(a: TensorLike, options: CholeskyOptions = {}): Tensor {
  const st = readSquare('cholesky', a);
  checkFinite('cholesky', st);
  checkSymmetric('cholesky', st, options?.symmetryTolerance ?? defaultSymmetryTolerance(st.dtype));
  const n = st.rows;
  const out = new Float64Array(st.count * n * n);
  for (let b = 0; b < st.count; b++) {
    const o = b * n * n;
    const A = st.data,
      L = out;
    for (let j = 0; j < n; j++) {
      let d = A[o + j * n + j]!;
      for (let k = 0; k < j; k++) d -= L[o + j * n + k]! * L[o + j * n + k]!;
      if (!(d > 0)) {
        const where = st.count > 1 ? ` (matrix ${b} of the batch)` : '';
        throw new LinAlgError(
          `cholesky: the matrix of shape ${formatShape(st.shape)}${where} is not positive definite ` +
            `(its leading ${j + 1}×${j + 1} minor is not: pivot ${d})`,
        );
      }
      const ljj = Math.sqrt(d);
      L[o + j * n + j] = ljj;
      for (let i = j + 1; i < n; i++) {
        let x = A[o + i * n + j]!;
        for (let k = 0; k < j; k++) x -= L[o + i * n + k]! * L[o + j * n + k]!;
        L[o + i * n + j] = x / ljj;
      }
    }
  }
  return makeTensor(out, st.shape, st.dtype);
}
