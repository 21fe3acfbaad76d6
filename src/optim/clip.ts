import { ArgumentError } from '../core/errors.js';
import { clip, mul, square } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { type Tensor, isTensor } from '../tensor/tensor.js';
import { checkPositive } from './validate.js';

/**
 * Gradient clipping, as Keras and TensorFlow define it. The scale factors
 * are computed as plain numbers, so autodiff treats them as constants.
 */

/** The squared L2 norm Σ gᵢ² of one tensor, as a number. */
function squaredNorm(g: Tensor): number {
  return sum(square(g)).item();
}

/**
 * `g` rescaled so that its L2 norm is at most `maxNorm` (TF `clip_by_norm`):
 *
 *   g ← g · c / max(‖g‖₂, c)        with c = maxNorm
 *
 * A gradient already inside the ball is returned unchanged.
 */
export function clipByNorm(g: Tensor, maxNorm: number): Tensor {
  checkPositive('clipByNorm', 'maxNorm', maxNorm);
  if (!isTensor(g)) throw new ArgumentError(`clipByNorm: expected a tensor, got ${typeof g}`);
  const norm = Math.sqrt(squaredNorm(g));
  return norm <= maxNorm ? g : mul(g, maxNorm / norm);
}

/**
 * The gradients rescaled together so that their global norm is at most
 * `maxNorm` (TF `clip_by_global_norm`, Keras `global_clipnorm`):
 *
 *   N = √(Σᵢ ‖gᵢ‖₂²),    gᵢ ← gᵢ · c / max(N, c)        with c = maxNorm
 *
 * Directions are preserved; when N ≤ c the same tensors are returned. As
 * in TensorFlow, a non-finite N makes every gradient NaN. (PyTorch's
 * `clip_grad_norm_` uses c / (N + 10⁻⁶) instead, which differs by about
 * 10⁻⁶ / N relative.)
 */
export function clipByGlobalNorm(grads: readonly Tensor[], maxNorm: number): Tensor[] {
  checkPositive('clipByGlobalNorm', 'maxNorm', maxNorm);
  if (!Array.isArray(grads)) throw new ArgumentError('clipByGlobalNorm: expected an array of tensors');
  grads.forEach((g, i) => {
    if (!isTensor(g)) throw new ArgumentError(`clipByGlobalNorm: grads[${i}] is not a tensor`);
  });
  let total = 0;
  for (const g of grads) total += squaredNorm(g);
  const norm = Math.sqrt(total);
  if (norm <= maxNorm) return [...grads];
  const scale = Number.isFinite(norm) ? maxNorm / norm : NaN;
  return grads.map((g) => mul(g, scale));
}

/** `g` with every element limited to [−v, v] (Keras `clipvalue`). */
export function clipByValue(g: Tensor, v: number): Tensor {
  checkPositive('clipByValue', 'clipValue', v);
  return clip(g, -v, v);
}
