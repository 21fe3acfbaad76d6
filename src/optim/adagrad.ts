import { add, div, mul, sqrt, square, sub } from '../ops/arithmetic.js';
import { full } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, optimizerOptions, type OptimizerOptions } from './optimizer.js';
import { checkNonNegative, option } from './validate.js';

/** Options of `adagrad`. */
export interface AdagradOptions extends OptimizerOptions {
  /** The accumulator's starting value a₀ ≥ 0. Default 0.1. */
  initialAccumulatorValue?: number;
  /** ε ≥ 0 added to the denominator. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adagrad (Duchi et al., 2011; Keras `Adagrad`, PyTorch `Adagrad`): each
 * element's rate shrinks with the sum of its squared gradients. With
 * learning rate η and gradient g:
 *
 *   a ← a + g²,    θ ← θ − η·g / (√a + ε)
 *
 * with the accumulator a starting at `initialAccumulatorValue`.
 */
export class Adagrad extends Optimizer {
  /** a₀, the accumulator's starting value. */
  readonly initialAccumulatorValue: number;
  /** ε, added to the denominator. */
  readonly epsilon: number;

  constructor(opts: AdagradOptions = {}) {
    const o = optimizerOptions('adagrad', opts, ['initialAccumulatorValue', 'epsilon']);
    super('adagrad', 'Adagrad', o, 0.001);
    this.initialAccumulatorValue = option(o, 'initialAccumulatorValue', 0.1, (v) => checkNonNegative('adagrad', 'initialAccumulatorValue', v));
    this.epsilon = option(o, 'epsilon', 1e-7, (v) => checkNonNegative('adagrad', 'epsilon', v));
  }

  protected hyperparameters(): Record<string, unknown> {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }

  protected createSlots(value: Tensor): Record<string, Tensor> {
    return { accumulator: full(value.shape, this.initialAccumulatorValue, value.dtype) };
  }

  protected rule(value: Tensor, g: Tensor, slots: Record<string, Tensor>, lr: number): Tensor {
    const a = add(slots.accumulator!, square(g));
    slots.accumulator = a;
    return sub(value, div(mul(g, lr), add(sqrt(a), this.epsilon)));
  }
}

/**
 * Adagrad (Keras `Adagrad`; default η = 0.001, a₀ = 0.1, ε = 1e-7):
 * a ← a + g², θ ← θ − η·g / (√a + ε). See `Adagrad`.
 */
export function adagrad(opts: AdagradOptions = {}): Adagrad {
  return new Adagrad(opts);
}
