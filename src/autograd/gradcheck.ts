import { ArgumentError } from '../core/errors.js';
import { Generator } from '../core/random.js';
import { randomNormal } from '../tensor/create.js';
import { Tensor, isTensor } from '../tensor/tensor.js';
import { add, cast, mul } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { grad } from './transforms.js';

/** Options of gradCheck. */
export interface GradCheckOptions {
  /** 1 checks first derivatives; 2 also checks second derivatives (the gradient of a directional derivative). Default 1. */
  order?: 1 | 2;
  /** The finite-difference step. Default 1e-6. */
  eps?: number;
  /** The largest accepted error |analytic − numeric| / max(1, |numeric|). Default 1e-5. */
  tolerance?: number;
  /** Seed of the random projections used for non-scalar outputs and order 2. Default 0. */
  seed?: number;
}

/** The outcome of one order of gradCheck. */
export interface GradCheckLevel {
  order: number;
  /** The largest |analytic − numeric| / max(1, |numeric|) over all checked entries. */
  maxError: number;
  passed: boolean;
  /** Where the largest error is: argument index, flat element index, and both values. */
  worst: { arg: number; index: number; analytic: number; numeric: number } | null;
}

/** The result of gradCheck: overall pass/fail, the largest error, and each order's details. */
export interface GradCheckResult {
  passed: boolean;
  maxError: number;
  levels: GradCheckLevel[];
}

type Fn = (...args: Tensor[]) => Tensor;

/**
 * Checks the autodiff gradients of f against central finite differences,
 * (f(x + εeⱼ) − f(x − εeⱼ)) / 2ε, computed in float64 for every element of
 * every tensor argument. A non-scalar output y is reduced to Σ y ⊙ r with a
 * fixed random r. With order 2 it also checks the second derivatives: the
 * gradient of x ↦ ⟨∇f(x), u⟩ for a random direction u, against finite
 * differences of ∇f. Returns the largest error and pass/fail; it never throws
 * on a mismatch, so users can check their own functions and models.
 */
export function gradCheck(f: Fn, args: readonly Tensor[], opts: GradCheckOptions = {}): GradCheckResult {
  const order = opts.order ?? 1;
  if (order !== 1 && order !== 2) throw new ArgumentError(`gradCheck: order must be 1 or 2, got ${order}`);
  const eps = opts.eps ?? 1e-6,
    tolerance = opts.tolerance ?? 1e-5;
  const gen = new Generator(opts.seed ?? 0);
  const xs = args.map((a) => {
    if (!isTensor(a)) throw new ArgumentError('gradCheck: every argument must be a tensor');
    return cast(a, 'float64');
  });
  // reduce f to a scalar with a fixed random projection
  const probe = f(...xs);
  const r = probe.size === 1 ? null : randomNormal(probe.shape, 0, 1, { dtype: 'float64', generator: gen });
  const scalarF: Fn = (...a) => {
    const y = cast(f(...a), 'float64');
    return r ? sum(mul(y, r)) : sum(y);
  };
  const levels: GradCheckLevel[] = [checkFirstOrder(scalarF, xs, eps, tolerance, 1)];
  if (order === 2) {
    const argnums = xs.map((_, i) => i);
    const us = xs.map((x) => randomNormal(x.shape, 0, 1, { dtype: 'float64', generator: gen }));
    const directional: Fn = (...a) => {
      const gs = grad(scalarF, { argnums })(...a) as Tensor[];
      return gs.reduce((acc: Tensor | null, g, i) => (acc ? add(acc, sum(mul(g, us[i]!))) : sum(mul(g, us[i]!))), null)!;
    };
    levels.push(checkFirstOrder(directional, xs, eps, tolerance, 2));
  }
  const maxError = Math.max(...levels.map((l) => l.maxError));
  return { passed: levels.every((l) => l.passed), maxError, levels };
}

function checkFirstOrder(f: Fn, xs: Tensor[], eps: number, tolerance: number, order: number): GradCheckLevel {
  const argnums = xs.map((_, i) => i);
  const analytic = grad(f, { argnums })(...xs) as Tensor[];
  let maxError = 0;
  let worst: GradCheckLevel['worst'] = null;
  xs.forEach((x, a) => {
    const g = analytic[a]!.storage;
    for (let j = 0; j < x.size; j++) {
      const at = (delta: number) => {
        const data = x.storage.slice();
        data[j]! += delta;
        const shifted = xs.map((y, k) => (k === a ? new Tensor(data, x.shape) : y));
        return f(...shifted).item();
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const raw = Math.abs(g[j]! - numeric) / Math.max(1, Math.abs(numeric));
      const err = Number.isNaN(raw) ? Infinity : raw; // a NaN anywhere fails the check
      if (worst === null || err > maxError) {
        maxError = Math.max(maxError, err);
        worst = { arg: a, index: j, analytic: g[j]!, numeric };
      }
    }
  });
  return { order, maxError, passed: maxError <= tolerance, worst };
}
