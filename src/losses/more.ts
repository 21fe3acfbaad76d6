import { scoped } from '../autograd/tape.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { normalizeAxis } from '../core/shape.js';
import { abs, add, clip, div, log, maximum, mul, neg, sqrt, square, sub } from '../ops/arithmetic.js';
import { lessEqual, where } from '../ops/compare.js';
import type { TensorLike } from '../ops/convert.js';
import { mean, sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { lossOptions, reduceLoss, samePair, type LossOptions } from './common.js';
import { EPSILON } from './crossentropy.js';

// The losses of issue 18 (Keras's definitions): Huber, Kullback–Leibler divergence, Poisson
// and cosine similarity.

/** Options of the Huber loss. */
export interface HuberOptions extends LossOptions {
  /** The point δ > 0 where the loss turns from quadratic to linear; default 1. */
  delta?: number;
}

/**
 * The Huber loss. Per element, with x = yPred − yTrue: ½x² for |x| ≤ δ and δ(|x| − ½δ)
 * beyond (δ = 1 by default); the mean over the last axis per example, then `reduction`.
 * Its gradient is x clipped to [−δ, δ].
 */
export function huber(yTrue: TensorLike, yPred: TensorLike, opts?: HuberOptions): Tensor {
  return scoped('huber', 'loss', [yTrue, yPred], { ...opts }, () => {
    const { reduction } = lossOptions('huber', opts, false);
    const delta = opts?.delta ?? 1;
    if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
      throw new ArgumentError(`huber: delta must be a positive finite number, got ${describe(delta)}`);
    }
    const [t, p] = samePair('huber', yTrue, yPred);
    const x = sub(p, t);
    const a = abs(x);
    const elementwise = where(lessEqual(a, delta), mul(square(x), 0.5), mul(sub(a, 0.5 * delta), delta));
    return reduceLoss(mean(elementwise, -1), reduction);
  });
}

/**
 * The Kullback–Leibler divergence KL(yTrue ‖ yPred) = Σ y·ln(y/p) over the last axis, with both
 * clipped to [ε, 1] first (ε = 1e-7, Keras), then `reduction`. Keras's names 'kld' and
 * 'kl_divergence' find it too.
 */
export function kullbackLeiblerDivergence(yTrue: TensorLike, yPred: TensorLike, opts?: LossOptions): Tensor {
  return scoped('kullbackLeiblerDivergence', 'loss', [yTrue, yPred], { ...opts }, () => {
    const { reduction } = lossOptions('kullbackLeiblerDivergence', opts, false);
    const [t0, p0] = samePair('kullbackLeiblerDivergence', yTrue, yPred);
    const t = clip(t0, EPSILON, 1),
      p = clip(p0, EPSILON, 1);
    return reduceLoss(sum(mul(t, log(div(t, p))), -1), reduction);
  });
}

/** The Poisson loss mean(p − y·ln(p + ε)) over the last axis (ε = 1e-7, Keras), then `reduction`; yPred is a rate (> 0). */
export function poisson(yTrue: TensorLike, yPred: TensorLike, opts?: LossOptions): Tensor {
  return scoped('poisson', 'loss', [yTrue, yPred], { ...opts }, () => {
    const { reduction } = lossOptions('poisson', opts, false);
    const [t, p] = samePair('poisson', yTrue, yPred);
    return reduceLoss(mean(sub(p, mul(t, log(add(p, EPSILON)))), -1), reduction);
  });
}

/** Options of the cosine-similarity loss. */
export interface CosineSimilarityOptions extends LossOptions {
  /** The axis along which vectors are compared; default −1 (the last). */
  axis?: number;
}

/**
 * The cosine-similarity loss −Σ ŷ·p̂ along `axis` (the last by default), with each side
 * normalised as x/√max(Σx², ε), ε = 1e-12 (Keras's l2_normalize): −1 when the vectors point the
 * same way, 0 when orthogonal, 1 when opposite; then `reduction` over the remaining axes.
 */
export function cosineSimilarity(yTrue: TensorLike, yPred: TensorLike, opts?: CosineSimilarityOptions): Tensor {
  return scoped('cosineSimilarity', 'loss', [yTrue, yPred], { ...opts }, () => {
    const { reduction } = lossOptions('cosineSimilarity', opts, false);
    const [t, p] = samePair('cosineSimilarity', yTrue, yPred);
    const axis = normalizeAxis('cosineSimilarity', opts?.axis ?? -1, p.rank);
    const unit = (v: Tensor) => div(v, sqrt(maximum(sum(mul(v, v), axis, true), 1e-12)));
    return reduceLoss(neg(sum(mul(unit(t), unit(p)), axis)), reduction);
  });
}
