import { isFloat } from '../core/dtype.js';
import { sameShape } from '../core/shape.js';
import { add, div, mul, sqrt, square, sub } from '../ops/arithmetic.js';
import { applyMulti } from '../ops/prim.js';
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, optimizerOptions, type OptimizerOptions } from './optimizer.js';
import { checkNonNegative, checkRange, option } from './validate.js';

/** Options of `adam`. */
export interface AdamOptions extends OptimizerOptions {
  /** β₁ in [0, 1): the decay of the first-moment estimate. Default 0.9. */
  beta1?: number;
  /** β₂ in [0, 1): the decay of the second-moment estimate. Default 0.999. */
  beta2?: number;
  /** ε ≥ 0 added to the denominator. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adam (Kingma & Ba, 2015), in PyTorch's form. With learning rate η,
 * gradient g and t the number of updates of this variable so far
 * (including this one):
 *
 *   m ← β₁·m + (1 − β₁)·g,       v ← β₂·v + (1 − β₂)·g²
 *   m̂ = m / (1 − β₁ᵗ),           v̂ = v / (1 − β₂ᵗ)
 *   θ ← θ − η·m̂ / (√v̂ + ε)
 *
 * with m and v starting at 0. (Keras adds ε to √v before the bias
 * correction, "ε̂"; the two differ only in the effective ε.)
 */
export class Adam extends Optimizer {
  /** β₁, the decay of the first-moment estimate m. */
  readonly beta1: number;
  /** β₂, the decay of the second-moment estimate v. */
  readonly beta2: number;
  /** ε, added to the denominator. */
  readonly epsilon: number;

  /** @internal Used by subclasses (AdamW) to pass their own name and options. */
  constructor(opts: AdamOptions = {}, op = 'adam', className = 'Adam', own: readonly string[] = []) {
    const o = optimizerOptions(op, opts, ['beta1', 'beta2', 'epsilon', ...own]);
    super(op, className, o, 0.001);
    this.beta1 = option(o, 'beta1', 0.9, (v) => checkRange(op, 'beta1', v, 0, 1, false, true));
    this.beta2 = option(o, 'beta2', 0.999, (v) => checkRange(op, 'beta2', v, 0, 1, false, true));
    this.epsilon = option(o, 'epsilon', 1e-7, (v) => checkNonNegative(op, 'epsilon', v));
  }

  protected hyperparameters(): Record<string, unknown> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  protected createSlots(value: Tensor): Record<string, Tensor> {
    return { m: zerosLike(value), v: zerosLike(value) };
  }

  protected rule(value: Tensor, g: Tensor, slots: Record<string, Tensor>, lr: number, t: number): Tensor {
    const { beta1, beta2 } = this;
    const stepSize = lr / (1 - beta1 ** t); // η / (1 − β₁ᵗ)
    const root2 = Math.sqrt(1 - beta2 ** t); // √(1 − β₂ᵗ): v̂ = v / root2²
    const [value1, m, v] = adamUpdate(value, g, slots.m!, slots.v!, { beta1, beta2, stepSize, root2, epsilon: this.epsilon });
    slots.m = m;
    slots.v = v;
    return value1;
  }
}

/** The constants of one Adam update (see `adamUpdate`). */
export interface AdamUpdateConstants {
  beta1: number;
  beta2: number;
  /** η / (1 − β₁ᵗ) */
  stepSize: number;
  /** √(1 − β₂ᵗ) */
  root2: number;
  epsilon: number;
}

/**
 * One Adam update of a parameter θ with gradient g and moments m, v:
 *
 *   m' = β₁·m + (1 − β₁)·g,   v' = β₂·v + (1 − β₂)·g²
 *   θ' = θ − stepSize·m' / (√v' / root2 + ε)
 *
 * returning [θ', m', v']. When all four tensors share a float dtype and
 * shape it is the adamUpdate primitive of the op table (a multi-output
 * primitive: one fused kernel pass, the same arithmetic as the ops, and one
 * equation of a traced training step); otherwise the ops.
 */
export function adamUpdate(value: Tensor, g: Tensor, m0: Tensor, v0: Tensor, c: AdamUpdateConstants): [Tensor, Tensor, Tensor] {
  const { beta1, beta2, stepSize, root2, epsilon } = c;
  if (fusable(value, g, m0, v0)) {
    // the adamUpdate primitive: one fused kernel pass (and one equation of a traced step)
    const [nv, m, v] = applyMulti('adamUpdate', [value, g, m0, v0], { beta1, beta2, stepSize, root2, epsilon });
    return [nv!, m!, v!];
  }
  const m = add(mul(m0, beta1), mul(g, 1 - beta1));
  const v = add(mul(v0, beta2), mul(square(g), 1 - beta2));
  const denominator = add(div(sqrt(v), root2), epsilon); // √v̂ + ε
  return [sub(value, div(mul(m, stepSize), denominator)), m, v];
}

/** True when an update can run as one fused kernel: float tensors of one dtype and shape (updates run under noGrad). */
function fusable(value: Tensor, ...others: Tensor[]): boolean {
  return isFloat(value.dtype) && others.every((t) => t.dtype === value.dtype && sameShape(t.shape, value.shape));
}

/**
 * Adam (default η = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7):
 * m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η·m̂ / (√v̂ + ε) with
 * the bias-corrected m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ). See `Adam`.
 */
export function adam(opts: AdamOptions = {}): Adam {
  return new Adam(opts);
}
