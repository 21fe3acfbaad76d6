// The plane a training path lives in: principal directions of θ_t − θ*
// (Li et al. 2018, §7), for landscapes drawn around a trajectory.
import { ArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { eigh } from '../linalg/eigh.js';

/** The principal directions of a path and the share of its spread each explains. */
export interface PathComponents {
  /** Unit vectors v_1, v_2, ... in parameter space, orthogonal. */
  directions: Float64Array[];
  /** λ_k / Σλ: the fraction of Σ_t ‖θ_t − θ*‖² along v_k. */
  explained: number[];
}

/**
 * The top `count` principal directions of the rows of M = [θ_t − θ*]_t
 * (uncentred: the best-fitting subspace through θ*, so the plane θ* + span
 * minimises Σ_t ‖residual_t‖²). Computed from the small T×T Gram matrix
 * G = M·Mᵀ = U·Λ·Uᵀ: v_k = Mᵀ·u_k / √λ_k. Each v_k's sign is chosen so the
 * path's first point has a coordinate ≤ 0 (the path runs towards +v_k).
 */
export function pathComponents(op: string, points: readonly ArrayLike<number>[], theta: ArrayLike<number>, count: number): PathComponents {
  const t = points.length,
    p = theta.length;
  const rows = points.map((q) => {
    const r = new Float64Array(p);
    for (let i = 0; i < p; i++) r[i] = q[i]! - theta[i]!;
    return r;
  });
  const g = new Float64Array(t * t);
  for (let a = 0; a < t; a++) {
    for (let b = a; b < t; b++) {
      let s = 0;
      const ra = rows[a]!,
        rb = rows[b]!;
      for (let i = 0; i < p; i++) s += ra[i]! * rb[i]!;
      g[a * t + b] = s;
      g[b * t + a] = s;
    }
  }
  const { values, vectors } = eigh(new Tensor(g, [t, t]));
  const lam = values.storage,
    u = vectors.storage;
  let total = 0;
  for (let a = 0; a < t; a++) total += Math.max(0, lam[a]!);
  const directions: Float64Array[] = [],
    explained: number[] = [];
  for (let k = 0; k < count; k++) {
    const col = t - 1 - k; // eigenvalues ascend
    const l = col >= 0 ? lam[col]! : 0;
    if (!(l > 1e-12 * total) || total === 0) {
      throw new ArgumentError(
        `${op}: the recorded path spans only ${k} direction${k === 1 ? '' : 's'} around the current weights (${t} points), so it gives no ${count === 1 ? '' : `${ordinal(k + 1)} `}principal direction: record more points (every: 'batch'), or train the model before drawing the landscape`,
      );
    }
    const v = new Float64Array(p);
    for (let a = 0; a < t; a++) {
      const c = u[a * t + col]!;
      const r = rows[a]!;
      for (let i = 0; i < p; i++) v[i]! += c * r[i]!;
    }
    const norm = Math.sqrt(l);
    let first = 0;
    for (let i = 0; i < p; i++) {
      v[i]! /= norm;
      first += v[i]! * rows[0]![i]!;
    }
    if (first > 0) for (let i = 0; i < p; i++) v[i] = -v[i]!;
    directions.push(v);
    explained.push(l / total);
  }
  return { directions, explained };
}

function ordinal(k: number): string {
  return k === 1 ? 'first' : k === 2 ? 'second' : `${k}th`;
}
