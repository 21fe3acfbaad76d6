import type { TensorLike } from '../ops/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { EPS, checkFinite, checkSymmetric, defaultSymmetryTolerance, makeTensor, maxAbs, readSquare } from './matrices.js';

/** Options of {@link eigh}. */
export interface EighOptions {
  /**
   * How far from symmetric the input may be, relative to its largest |entry|
   * (default 1e-10 for float64, 1e-4 for float32). The input is then
   * symmetrised as (a + aᵀ)/2.
   */
  symmetryTolerance?: number;
}

/** The factors of {@link eigh}: a = vectors·diag(values)·vectorsᵀ. */
export interface EighResult {
  /** The eigenvalues in ascending order (as NumPy's eigh): [..., n]. */
  values: Tensor;
  /** The orthonormal eigenvectors as columns, in the order of `values`: [..., n, n]. */
  vectors: Tensor;
}

const MAX_SWEEPS = 100;

/**
 * The eigendecomposition of a real symmetric matrix (or a batch [..., n, n]):
 * a·vectors = vectors·diag(values), vectorsᵀ·vectors = I, values ascending.
 * Throws a LinAlgError naming the shape when the matrix is not symmetric
 * within `symmetryTolerance`.
 *
 * Algorithm: cyclic Jacobi. Each rotation zeroes one off-diagonal pair
 * (θ = (a_qq − a_pp)/(2a_pq), t = sign(θ)/(|θ| + √(θ²+1)), c = 1/√(1+t²),
 * s = c·t); sweeps repeat until every |a_pq| ≤ ε·√(|a_pp|·|a_qq|), a
 * relative criterion that gives eigenvalues accurate to working precision,
 * small ones included. Computed in float64; results have the input's float
 * dtype. An eigenvector is determined only up to sign (and within the
 * eigenspace of a repeated eigenvalue).
 *
 * Not differentiable (an error is thrown when the input is traced by grad).
 */
export function eigh(a: TensorLike, options: EighOptions = {}): EighResult {
  const st = readSquare('eigh', a);
  checkFinite('eigh', st);
  checkSymmetric('eigh', st, options?.symmetryTolerance ?? defaultSymmetryTolerance(st.dtype));
  const n = st.rows;
  const values = new Float64Array(st.count * n),
    vectors = new Float64Array(st.count * n * n);
  for (let b = 0; b < st.count; b++) {
    const r = jacobiEigen(st.data.subarray(b * n * n, (b + 1) * n * n), n);
    values.set(r.values, b * n);
    vectors.set(r.vectors, b * n * n);
  }
  return {
    values: makeTensor(values, [...st.batch, n], st.dtype),
    vectors: makeTensor(vectors, [...st.batch, n, n], st.dtype),
  };
}

/** Only the eigenvalues of a symmetric matrix, ascending: [..., n]. */
export function eigvalsh(a: TensorLike, options: EighOptions = {}): Tensor {
  return eigh(a, options).values;
}

/**
 * Cyclic Jacobi on the symmetric part of the n×n row-major `input`. Returns
 * ascending eigenvalues and row-major eigenvectors (as columns).
 */
export function jacobiEigen(input: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = new Float64Array(n * n);
  const scale = maxAbs(input) || 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) a[i * n + j] = (input[i * n + j]! + input[j * n + i]!) / 2 / scale;
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!,
          aqq = a[q * n + q]!;
        const g = Math.abs(apq);
        if (g <= EPS * Math.sqrt(Math.abs(app)) * Math.sqrt(Math.abs(aqq)) || g < 1e-300) continue;
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1),
          s = t * c;
        a[p * n + p] = app - t * apq;
        a[q * n + q] = aqq + t * apq;
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let r = 0; r < n; r++) {
          if (r === p || r === q) continue;
          const arp = a[r * n + p]!,
            arq = a[r * n + q]!;
          const np = c * arp - s * arq,
            nq = s * arp + c * arq;
          a[r * n + p] = np;
          a[p * n + r] = np;
          a[r * n + q] = nq;
          a[q * n + r] = nq;
        }
        for (let r = 0; r < n; r++) {
          const vrp = v[r * n + p]!,
            vrq = v[r * n + q]!;
          v[r * n + p] = c * vrp - s * vrq;
          v[r * n + q] = s * vrp + c * vrq;
        }
      }
    }
    if (!rotated) break;
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[x * n + x]! - a[y * n + y]! || x - y);
  const values = new Float64Array(n),
    vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const src = order[j]!;
    values[j] = a[src * n + src]! * scale;
    for (let r = 0; r < n; r++) vectors[r * n + j] = v[r * n + src]!;
  }
  return { values, vectors };
}
