import { scoped } from '../autograd/tape.js';
import type { FusedActivation } from '../backend/kernels.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { normalizeAxis } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, div, erf, exp, expm1, log1p, mul, neg, tanh } from './arithmetic.js';
import { greater, greaterEqual, lessEqual, where } from './compare.js';
import { floatTensor, operands, type TensorLike } from './convert.js';
import { apply } from './prim.js';

function checkNumber(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number') throw new ArgumentError(`${op}: argument ${name} must be a number, got ${describe(v)}`);
}

// Most activations are composites of primitives: their derivatives of every
// order come from the primitives' rules (softmax, log softmax and the fused
// bias + activation are primitives of their own, for speed). Where a naive
// formula would overflow, the "double where" keeps both branches finite, so
// no NaN leaks into gradients.

/**
 * The logistic sigmoid σ(x) = 1/(1 + e⁻ˣ), computed as 1/(1 + e^(−|x|)) for
 * x ≥ 0 and e^(−|x|)/(1 + e^(−|x|)) for x < 0: finite and accurate for ±1000.
 */
export function sigmoid(x: TensorLike): Tensor {
  return scoped('sigmoid', 'op', [x], {}, () => {
    const t = floatTensor('sigmoid', 'x', x);
    const positive = greaterEqual(t, 0);
    const e = exp(where(positive, neg(t), t)); // e^(−|x|) ≤ 1, exact derivative on each side
    return where(positive, div(1, add(e, 1)), div(e, add(e, 1)));
  });
}

/**
 * The rectified linear unit max(x, 0); its derivative at 0 is taken as 0.
 * NaN stays NaN (and passes the gradient), as in PyTorch.
 */
export function relu(x: TensorLike): Tensor {
  return scoped('relu', 'op', [x], {}, () => {
    const t = floatTensor('relu', 'x', x);
    return where(lessEqual(t, 0), 0, t);
  });
}

/** x for x > 0, αx otherwise (α = 0.2 by default, as in TensorFlow.js). */
export function leakyRelu(x: TensorLike, alpha = 0.2): Tensor {
  return scoped('leakyRelu', 'op', [x], { alpha }, () => {
    const t = floatTensor('leakyRelu', 'x', x);
    checkNumber('leakyRelu', 'alpha', alpha);
    return where(greater(t, 0), t, mul(t, alpha));
  });
}

/** The exponential linear unit: x for x > 0, α(eˣ − 1) otherwise. */
export function elu(x: TensorLike, alpha = 1): Tensor {
  return scoped('elu', 'op', [x], { alpha }, () => {
    const t = floatTensor('elu', 'x', x);
    checkNumber('elu', 'alpha', alpha);
    const positive = greater(t, 0);
    return where(positive, t, mul(expm1(where(positive, 0, t)), alpha));
  });
}

/** Swish (SiLU): x·σ(x). */
export function swish(x: TensorLike): Tensor {
  return scoped('swish', 'op', [x], {}, () => {
    const t = floatTensor('swish', 'x', x);
    return mul(t, sigmoid(t));
  });
}

/**
 * The Gaussian error linear unit x·Φ(x) = x/2·(1 + erf(x/√2)); with
 * `approximate`, the tanh form x/2·(1 + tanh(√(2/π)(x + 0.044715x³))).
 */
export function gelu(x: TensorLike, approximate = false): Tensor {
  return scoped('gelu', 'op', [x], { approximate }, () => {
    const t = floatTensor('gelu', 'x', x);
    if (typeof approximate !== 'boolean') throw new ArgumentError(`gelu: argument approximate must be true or false, got ${describe(approximate)}`);
    if (approximate) {
      const inner = mul(add(t, mul(mul(mul(t, t), t), 0.044715)), Math.sqrt(2 / Math.PI));
      return mul(mul(t, 0.5), add(tanh(inner), 1));
    }
    return mul(mul(t, 0.5), add(erf(mul(t, Math.SQRT1_2)), 1));
  });
}

/**
 * softplus(x) = ln(1 + eˣ), computed as x + ln(1 + e⁻ˣ) for x ≥ 0 and
 * ln(1 + eˣ) otherwise: finite and accurate for ±1000. Its derivative is σ(x).
 */
export function softplus(x: TensorLike): Tensor {
  return scoped('softplus', 'op', [x], {}, () => {
    const t = floatTensor('softplus', 'x', x);
    const positive = greaterEqual(t, 0);
    const l = log1p(exp(where(positive, neg(t), t))); // ln(1 + e^(−|x|))
    return where(positive, add(t, l), l);
  });
}

/**
 * softmax(x)ᵢ = e^(xᵢ) / Σⱼ e^(xⱼ) along `axis` (the last by default),
 * shifted by the maximum so that it never overflows. One primitive (one
 * kernel pass per row), with the backward rule dx = y·(g − Σ g·y).
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = floatTensor('softmax', 'x', x);
  return apply('softmax', [t], { axis: normalizeAxis('softmax', axis, t.rank) });
}

/**
 * log softmax(x) = x − logSumExp(x) along `axis`, computed as
 * (x − m) − log Σ e^(x − m) with m the maximum: finite for inputs of ±1000.
 * Its backward rule is dx = g − softmax(x)·Σ g.
 */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = floatTensor('logSoftmax', 'x', x);
  return apply('logSoftmax', [t], { axis: normalizeAxis('logSoftmax', axis, t.rank) });
}

/** The activations `biasActivation` fuses with the bias. */
export const FUSED_ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

/**
 * activation(z + bias) in one pass, the bias (a vector) added along the last
 * axis: what a Dense or Conv2D layer computes after its product. The same
 * values and derivatives as `activation(add(z, bias))` with one kernel call
 * and one tensor instead of three or four.
 */
export function biasActivation(z: TensorLike, bias: TensorLike, activation: FusedActivation = 'linear'): Tensor {
  if (!FUSED_ACTIVATIONS.includes(activation)) {
    throw new ArgumentError(
      `biasActivation: unknown activation ${typeof activation === 'string' ? `'${activation}'` : describe(activation)}; expected one of ${FUSED_ACTIVATIONS.join(', ')}`,
    );
  }
  const [zt, bt] = operands('biasActivation', floatTensor('biasActivation', 'z', z), floatTensor('biasActivation', 'bias', bias), ['z', 'bias']);
  return apply('biasActivation', [zt, bt], { activation });
}
