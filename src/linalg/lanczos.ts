/**
 * The extreme eigenvalues and eigenvectors of a Hessian by Lanczos iteration
 * over Hessian-vector products: the Hessian itself (n × n for n parameters)
 * is never formed, each step costs one hvp (about two gradients).
 */
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { Generator } from '../core/random.js';
import { formatShape } from '../core/shape.js';
import { isFloat } from '../core/dtype.js';
import { Tensor, isTensor } from '../tensor/tensor.js';
import { hvp } from '../autograd/transforms.js';
import { leaves, mapTree, type Tree } from '../autograd/tree.js';
import { noGrad } from '../ops/stop.js';
import { jacobiEigen } from './eigh.js';

/** Options of {@link hessianEigs}. */
export interface HessianEigsOptions {
  /** How many eigenpairs (default 1). */
  k?: number;
  /**
   * Which end of the spectrum: 'largest' (default) the algebraically largest
   * eigenvalues (λ_max is the sharpness), 'magnitude' the largest |λ|
   * (the most negative curvature counts too).
   */
  which?: 'largest' | 'magnitude';
  /** At most this many Lanczos steps (Hessian-vector products); default min(n, max(2k + 20, 40)). */
  maxIterations?: number;
  /**
   * Stop when every wanted Ritz pair's residual estimate β_m·|s_mi| is at most
   * tol·max|θ| (default 1e-6; the Hessian-vector products of float32
   * parameters carry rounding errors of about 1e-7 relative).
   */
  tol?: number;
  /** The seed of the random start vector (default 0): the same seed gives the same result. */
  seed?: number;
}

/** What {@link hessianEigs} returns. */
export interface HessianEigsResult<T> {
  /** The k eigenvalues, largest first (by |λ| with which: 'magnitude'). */
  values: number[];
  /** The eigenvectors, each a tree shaped like x, of unit norm over the whole tree (sign fixed so its largest entry is positive). */
  vectors: T[];
  /** The number of Lanczos steps taken (Hessian-vector products, not counting the k residual checks). */
  iterations: number;
  /** Whether every residual estimate met `tol` (true too when the Krylov space is the whole space). */
  converged: boolean;
  /** ‖H·v_i − λ_i·v_i‖ for each pair, computed with one more hvp each. */
  residuals: number[];
}

const op = 'hessianEigs';

/** The tensors of x as one float64 vector, and the way back. */
function flattener(x: Tree) {
  const ls = leaves(x, op);
  if (ls.length === 0) throw new ArgumentError(`${op}: x holds no tensors`);
  ls.forEach((t, i) => {
    if (!isFloat(t.dtype)) throw new ArgumentError(`${op}: x's tensor ${i} (shape ${formatShape(t.shape)}) is ${t.dtype}; the Hessian needs float tensors`);
  });
  const offsets = [0];
  for (const t of ls) offsets.push(offsets.at(-1)! + t.size);
  const n = offsets.at(-1)!;
  return {
    n,
    flatten(tree: Tree): Float64Array {
      const out = new Float64Array(n);
      leaves(tree, op).forEach((t, i) => out.set(t.storage, offsets[i]!));
      return out;
    },
    unflatten<T>(v: Float64Array): T {
      let i = 0;
      return mapTree(x, (t) => {
        const data = t.dtype === 'float64' ? new Float64Array(t.size) : new Float32Array(t.size);
        data.set(v.subarray(offsets[i]!, offsets[i + 1]!));
        i++;
        return new Tensor(data, t.shape);
      }) as T;
    },
  };
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** w ← w − Σ_j (q_j·w) q_j, twice ("twice is enough", Kahan–Parlett), against the first `count` basis vectors. */
function orthogonalize(w: Float64Array, basis: readonly Float64Array[], count: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < count; j++) {
      const q = basis[j]!,
        c = dot(q, w);
      for (let i = 0; i < w.length; i++) w[i] = w[i]! - c * q[i]!;
    }
  }
}

function checkInteger(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ArgumentError(`${op}: ${name} must be an integer >= ${min}, got ${describe(v)}`);
  return v;
}

/**
 * The top-k eigenpairs of the Hessian H = ∇²f(x) of a scalar function f of a
 * tree of tensors x (a tensor, or arrays/objects of them, as nb.hvp takes),
 * by the Lanczos iteration with full re-orthogonalisation, using only
 * Hessian-vector products H·v = ∇⟨∇f(x), v⟩ (nb.hvp):
 *
 *   q₁ random (seeded), ‖q₁‖ = 1;  w = H·q_j − α_j q_j − β_{j−1} q_{j−1}, α_j = q_jᵀH q_j,
 *   w re-orthogonalised against q₁..q_j,  β_j = ‖w‖,  q_{j+1} = w / β_j.
 *
 * After m steps Qᵀ H Q = T, the m × m tridiagonal matrix with diagonal α and
 * off-diagonal β; its eigenpairs (θ_i, s_i) (the Ritz values) approximate H's
 * extreme ones, with eigenvectors v_i = Q s_i and residual ‖H v_i − θ_i v_i‖
 * = β_m |s_mi|. The vectors are flattened into one float64 vector; f is
 * evaluated at x's own dtype.
 *
 * ```ts
 * const f = nb.modelLoss(model);
 * const { values, vectors } = nb.linalg.hessianEigs((p) => f.loss(p, x, y), f.params(), { k: 2 });
 * ```
 */
export function hessianEigs<T extends Tree>(f: (x: T) => Tensor, x: T, options: HessianEigsOptions = {}): HessianEigsResult<T> {
  if (typeof f !== 'function') throw new ArgumentError(`${op}: f must be a function of x returning a scalar, got ${describe(f)}`);
  if (options === null || typeof options !== 'object') throw new ArgumentError(`${op}: options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!['k', 'which', 'maxIterations', 'tol', 'seed'].includes(key))
      throw new ArgumentError(`${op}: unknown option '${key}' (expected k, which, maxIterations, tol, seed)`);
  }
  const flat = flattener(x);
  const n = flat.n;
  const k = checkInteger('k', options.k ?? 1, 1);
  if (k > n) throw new ArgumentError(`${op}: k = ${k} eigenpairs asked for, but x has only ${n} parameter(s)`);
  const which = options.which ?? 'largest';
  if (which !== 'largest' && which !== 'magnitude') throw new ArgumentError(`${op}: which must be 'largest' or 'magnitude', got ${describe(which)}`);
  const maxIterations = Math.min(n, checkInteger('maxIterations', options.maxIterations ?? Math.max(2 * k + 20, 40), 1));
  if (maxIterations < k) throw new ArgumentError(`${op}: maxIterations = ${maxIterations} is fewer than k = ${k}`);
  const tol = options.tol ?? 1e-6;
  if (typeof tol !== 'number' || !(tol > 0) || !Number.isFinite(tol)) throw new ArgumentError(`${op}: tol must be a positive number, got ${describe(tol)}`);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new ArgumentError(`${op}: seed must be a number, got ${describe(seed)}`);

  const value = noGrad(() => f(x));
  if (!isTensor(value) || value.size !== 1 || !isFloat(value.dtype)) {
    const what = isTensor(value) ? `a ${value.dtype} tensor of shape ${formatShape(value.shape)}` : describe(value);
    throw new ArgumentError(`${op}: f must return a float scalar (one element), got ${what}; reduce it first, e.g. with nb.sum or nb.mean`);
  }
  const hv = hvp(f);
  const apply = (v: Float64Array): Float64Array => {
    const out = flat.flatten(hv(x, flat.unflatten<T>(v)) as Tree);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(out[i]!))
        throw new ArgumentError(
          `${op}: the Hessian-vector product has a non-finite entry (${out[i]}) at parameter ${i}; is f finite and twice differentiable at x?`,
        );
    }
    return out;
  };

  const gen = new Generator(seed);
  const randomUnit = (count: number, basis: Float64Array[]): Float64Array | null => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = gen.normal();
      orthogonalize(v, basis, count);
      const norm = Math.sqrt(dot(v, v));
      if (norm > 1e-8) {
        for (let i = 0; i < n; i++) v[i] = v[i]! / norm;
        return v;
      }
    }
    return null;
  };

  const Q: Float64Array[] = [randomUnit(0, [])!];
  const alpha: number[] = [],
    beta: number[] = [];
  let ritz: ReturnType<typeof ritzPairs> = { values: new Float64Array(0), vectors: new Float64Array(0), order: [] };
  let converged = false;
  let m = 0;
  for (let j = 0; j < maxIterations; j++) {
    const q = Q[j]!;
    const w = apply(q);
    const a = dot(q, w);
    alpha.push(a);
    for (let i = 0; i < n; i++) w[i] = w[i]! - (a * q[i]! + (j > 0 ? beta[j - 1]! * Q[j - 1]![i]! : 0));
    orthogonalize(w, Q, j + 1);
    let b = Math.sqrt(dot(w, w));
    m = j + 1;
    ritz = ritzPairs(alpha, beta, m, which);
    const scale = Math.max(...Array.from(ritz.values, Math.abs), Number.MIN_VALUE);
    if (m === n) {
      converged = true;
      break;
    }
    // a Krylov space that H maps into itself: its Ritz pairs are exact; go on from a new direction
    const invariant = b <= 1e-12 * scale;
    if (m >= k && ritz.order.slice(0, k).every((i) => (invariant ? 0 : b) * Math.abs(ritz.vectors[(m - 1) * m + i]!) <= tol * scale)) {
      converged = true;
      break;
    }
    if (m === maxIterations) break;
    let next: Float64Array | null;
    if (invariant) {
      next = randomUnit(m, Q);
      b = 0;
    } else {
      next = w;
      for (let i = 0; i < n; i++) next[i] = next[i]! / b;
    }
    if (!next) break; // the whole space is spanned (cannot happen before m = n, but be safe)
    beta.push(b);
    Q.push(next);
  }

  const values: number[] = [],
    vectors: T[] = [],
    residuals: number[] = [];
  for (const i of ritz.order.slice(0, k)) {
    const v = new Float64Array(n);
    for (let j = 0; j < m; j++) {
      const s = ritz.vectors[j * m + i]!,
        q = Q[j]!;
      for (let p = 0; p < n; p++) v[p] = v[p]! + s * q[p]!;
    }
    let norm = Math.sqrt(dot(v, v)),
      big = 0;
    for (let p = 0; p < n; p++) if (Math.abs(v[p]!) > Math.abs(big)) big = v[p]!;
    if (big < 0) norm = -norm;
    for (let p = 0; p < n; p++) v[p] = v[p]! / norm;
    const theta = ritz.values[i]!;
    const hvv = apply(v);
    let r = 0;
    for (let p = 0; p < n; p++) r += (hvv[p]! - theta * v[p]!) ** 2;
    values.push(theta);
    vectors.push(flat.unflatten<T>(v));
    residuals.push(Math.sqrt(r));
  }
  return { values, vectors, iterations: m, converged, residuals };
}

/**
 * The eigenpairs of the m × m tridiagonal T (diagonal alpha, off-diagonal
 * beta), with `order` listing their indices from the most wanted.
 */
function ritzPairs(alpha: readonly number[], beta: readonly number[], m: number, which: 'largest' | 'magnitude') {
  const t = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    t[i * m + i] = alpha[i]!;
    if (i + 1 < m) t[i * m + i + 1] = t[(i + 1) * m + i] = beta[i]!;
  }
  const { values, vectors } = jacobiEigen(t, m);
  const order = Array.from({ length: m }, (_, i) => i);
  order.sort(which === 'largest' ? (a, b) => values[b]! - values[a]! : (a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || values[b]! - values[a]!);
  return { values, vectors, order };
}
