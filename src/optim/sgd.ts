import { ArgumentError } from '../core/errors.js';
import { add, mul, sub } from '../ops/arithmetic.js';
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, optimizerOptions, type OptimizerOptions } from './optimizer.js';
import { checkBoolean, checkRange, option } from './validate.js';

/** Options of `sgd`. */
export interface SGDOptions extends OptimizerOptions {
  /** μ in [0, 1]; 0 (the default) is plain gradient descent. */
  momentum?: number;
  /** Nesterov momentum (needs momentum > 0). Default false. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, optionally with momentum (Keras `SGD`). With
 * learning rate η, gradient g and momentum μ:
 *
 *   plain (μ = 0):  θ ← θ − η·g
 *   momentum:       v ← μ·v − η·g,   θ ← θ + v
 *   nesterov:       v ← μ·v − η·g,   θ ← θ + μ·v − η·g
 *
 * with the velocity v starting at 0. For a constant η this is PyTorch's
 * `SGD` (b ← μ·b + g, θ ← θ − η·b; nesterov θ ← θ − η·(g + μ·b)) with
 * v = −η·b; under a schedule, the Keras form scales each gradient by the
 * rate of its own step.
 */
export class SGD extends Optimizer {
  /** μ, the momentum (0 for plain gradient descent). */
  readonly momentum: number;
  /** Whether the momentum is Nesterov's. */
  readonly nesterov: boolean;

  constructor(opts: SGDOptions = {}) {
    const o = optimizerOptions('sgd', opts, ['momentum', 'nesterov']);
    super('sgd', 'SGD', o, 0.01);
    this.momentum = option(o, 'momentum', 0, (v) => checkRange('sgd', 'momentum', v, 0, 1, false, false));
    this.nesterov = option(o, 'nesterov', false, (v) => checkBoolean('sgd', 'nesterov', v));
    if (this.nesterov && this.momentum === 0) throw new ArgumentError('sgd: nesterov requires momentum > 0');
  }

  protected hyperparameters(): Record<string, unknown> {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }

  protected createSlots(value: Tensor): Record<string, Tensor> {
    return this.momentum > 0 ? { velocity: zerosLike(value) } : {};
  }

  protected rule(value: Tensor, g: Tensor, slots: Record<string, Tensor>, lr: number): Tensor {
    if (this.momentum === 0) return sub(value, mul(g, lr));
    const step = mul(g, lr); // η·g
    const v = sub(mul(slots.velocity!, this.momentum), step); // μ·v − η·g
    slots.velocity = v;
    return this.nesterov ? sub(add(value, mul(v, this.momentum)), step) : add(value, v);
  }
}

/**
 * Stochastic gradient descent (Keras `SGD`; default η = 0.01, no
 * momentum): θ ← θ − η·g, or with momentum μ, v ← μ·v − η·g, θ ← θ + v
 * (nesterov: θ ← θ + μ·v − η·g). See `SGD`.
 */
export function sgd(opts: SGDOptions = {}): SGD {
  return new SGD(opts);
}
