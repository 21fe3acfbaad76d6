import { mul } from '../ops/arithmetic.js';
import type { Tensor } from '../tensor/tensor.js';
import { Adam, type AdamOptions } from './adam.js';
import { checkNonNegative, option } from './validate.js';

/** Options of `adamw`. */
export interface AdamWOptions extends AdamOptions {
  /** λ ≥ 0: the decoupled weight decay. Default 0.004 (Keras 3). */
  weightDecay?: number;
}

/**
 * AdamW (Loshchilov & Hutter, 2019; Keras `AdamW`, PyTorch `AdamW`): Adam
 * with decoupled weight decay λ. Each update first shrinks the weights,
 *
 *   θ ← θ·(1 − η·λ)
 *
 * and then applies the Adam update (see `Adam`) with the same η.
 */
export class AdamW extends Adam {
  /** λ, the decoupled weight decay. */
  readonly weightDecay: number;

  constructor(opts: AdamWOptions = {}) {
    super(opts, 'adamw', 'AdamW', ['weightDecay']);
    this.weightDecay = option((opts ?? {}) as Record<string, unknown>, 'weightDecay', 0.004, (v) => checkNonNegative('adamw', 'weightDecay', v));
  }

  protected override hyperparameters(): Record<string, unknown> {
    return { ...super.hyperparameters(), weightDecay: this.weightDecay };
  }

  protected override rule(value: Tensor, g: Tensor, slots: Record<string, Tensor>, lr: number, t: number): Tensor {
    const decayed = this.weightDecay === 0 ? value : mul(value, 1 - lr * this.weightDecay);
    return super.rule(decayed, g, slots, lr, t);
  }
}

/**
 * AdamW (default η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7, λ = 0.004):
 * θ ← θ·(1 − ηλ), then the Adam update. See `AdamW`.
 */
export function adamw(opts: AdamWOptions = {}): AdamW {
  return new AdamW(opts);
}
