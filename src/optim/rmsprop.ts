import { add, div, maximum, mul, sqrt, square, sub } from '../ops/arithmetic.js';
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, optimizerOptions, type OptimizerOptions } from './optimizer.js';
import { checkBoolean, checkNonNegative, checkRange, option } from './validate.js';

/** Options of `rmsprop`. */
export interface RMSpropOptions extends OptimizerOptions {
  /** ρ in [0, 1): the decay of the moving averages. Default 0.9. */
  rho?: number;
  /** μ in [0, 1]. Default 0 (no momentum). */
  momentum?: number;
  /** ε ≥ 0 added to the denominator. Default 1e-7. */
  epsilon?: number;
  /** Normalise by an estimate of the variance rather than the second moment. Default false. */
  centered?: boolean;
}

/**
 * RMSprop (Hinton; Keras `RMSprop`, in PyTorch's form). With learning rate
 * η, gradient g, decay ρ and momentum μ:
 *
 *   s ← ρ·s + (1 − ρ)·g²
 *   d = √s + ε,  or when centered:  ḡ ← ρ·ḡ + (1 − ρ)·g,  d = √(s − ḡ²) + ε
 *   without momentum:  θ ← θ − η·g / d
 *   with momentum:     b ← μ·b + g / d,   θ ← θ − η·b
 *
 * with s, ḡ and b starting at 0. (s − ḡ² ≥ 0 in exact arithmetic; it is
 * floored at 0 so that rounding cannot make a NaN.) Keras instead puts ε
 * inside the square root and η inside the momentum buffer.
 */
export class RMSprop extends Optimizer {
  /** ρ, the decay of the moving averages. */
  readonly rho: number;
  /** μ, the momentum (0 for none). */
  readonly momentum: number;
  /** ε, added to the denominator. */
  readonly epsilon: number;
  /** Whether the denominator uses the variance estimate s − ḡ². */
  readonly centered: boolean;

  constructor(opts: RMSpropOptions = {}) {
    const o = optimizerOptions('rmsprop', opts, ['rho', 'momentum', 'epsilon', 'centered']);
    super('rmsprop', 'RMSprop', o, 0.001);
    this.rho = option(o, 'rho', 0.9, (v) => checkRange('rmsprop', 'rho', v, 0, 1, false, true));
    this.momentum = option(o, 'momentum', 0, (v) => checkRange('rmsprop', 'momentum', v, 0, 1, false, false));
    this.epsilon = option(o, 'epsilon', 1e-7, (v) => checkNonNegative('rmsprop', 'epsilon', v));
    this.centered = option(o, 'centered', false, (v) => checkBoolean('rmsprop', 'centered', v));
  }

  protected hyperparameters(): Record<string, unknown> {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }

  protected createSlots(value: Tensor): Record<string, Tensor> {
    const slots: Record<string, Tensor> = { meanSquare: zerosLike(value) };
    if (this.centered) slots.meanGradient = zerosLike(value);
    if (this.momentum > 0) slots.momentum = zerosLike(value);
    return slots;
  }

  protected rule(value: Tensor, g: Tensor, slots: Record<string, Tensor>, lr: number): Tensor {
    const { rho } = this;
    const s = add(mul(slots.meanSquare!, rho), mul(square(g), 1 - rho));
    slots.meanSquare = s;
    let variance = s;
    if (this.centered) {
      const gBar = add(mul(slots.meanGradient!, rho), mul(g, 1 - rho));
      slots.meanGradient = gBar;
      variance = maximum(sub(s, square(gBar)), 0);
    }
    const d = add(sqrt(variance), this.epsilon);
    if (this.momentum === 0) return sub(value, div(mul(g, lr), d));
    const b = add(mul(slots.momentum!, this.momentum), div(g, d));
    slots.momentum = b;
    return sub(value, mul(b, lr));
  }
}

/**
 * RMSprop (default η = 0.001, ρ = 0.9, ε = 1e-7, no momentum, not
 * centered): s ← ρ·s + (1 − ρ)·g², θ ← θ − η·g / (√s + ε). See `RMSprop`.
 */
export function rmsprop(opts: RMSpropOptions = {}): RMSprop {
  return new RMSprop(opts);
}
