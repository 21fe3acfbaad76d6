import { scoped } from '../autograd/tape.js';
import type { FusedActivation } from '../backend/kernels.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { normalizeAxis } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { abs, add, div, erf, exp, expm1, log1p, maximum, mul, neg, sqrt, tanh } from './arithmetic.js';
import { sum } from './reduce.js';
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
 * With `beta`: ln(1 + e^(βx))/β (β > 0); with a finite `threshold`, x itself
 * where βx > threshold (PyTorch's Softplus, whose default threshold is 20; here
 * it is ∞ by default, the exact value everywhere).
 */
export function softplus(x: TensorLike, beta = 1, threshold = Infinity): Tensor {
  return scoped('softplus', 'op', [x], beta === 1 && threshold === Infinity ? {} : { beta, threshold }, () => {
    const t = floatTensor('softplus', 'x', x);
    checkNumber('softplus', 'beta', beta);
    checkNumber('softplus', 'threshold', threshold);
    if (!(beta > 0) || !Number.isFinite(beta)) throw new ArgumentError(`softplus: beta must be a positive finite number, got ${beta}`);
    if (Number.isNaN(threshold)) throw new ArgumentError('softplus: threshold must be a number, got NaN');
    const bx = beta === 1 ? t : mul(t, beta);
    const positive = greaterEqual(bx, 0);
    const l = log1p(exp(where(positive, neg(bx), bx))); // ln(1 + e^(−|βx|))
    const sp = where(positive, add(bx, l), l);
    const scaled = beta === 1 ? sp : div(sp, beta);
    return threshold === Infinity ? scaled : where(greater(bx, threshold), t, scaled);
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

// ---- the activations of issue 18 -------------------------------------------

/** SELU's constants (Klambauer et al. 2017), as Keras and PyTorch. */
export const SELU_ALPHA = 1.6732632423543772;
/** SELU's scale λ. */
export const SELU_SCALE = 1.0507009873554805;

/** The scaled exponential linear unit λ·elu(x, α) with λ ≈ 1.0507 and α ≈ 1.6733 (self-normalising). */
export function selu(x: TensorLike): Tensor {
  return scoped('selu', 'op', [x], {}, () => mul(elu(floatTensor('selu', 'x', x), SELU_ALPHA), SELU_SCALE));
}

/** The continuously differentiable ELU: x for x > 0, α(e^(x/α) − 1) otherwise (α > 0, 1 by default). */
export function celu(x: TensorLike, alpha = 1): Tensor {
  return scoped('celu', 'op', [x], { alpha }, () => {
    const t = floatTensor('celu', 'x', x);
    checkNumber('celu', 'alpha', alpha);
    if (alpha === 0) throw new ArgumentError('celu: alpha must not be 0');
    const positive = greater(t, 0);
    return where(positive, t, mul(expm1(div(where(positive, 0, t), alpha)), alpha));
  });
}

/** softsign(x) = x/(1 + |x|); its derivative 1/(1 + |x|)² is continuous at 0. */
export function softsign(x: TensorLike): Tensor {
  return scoped('softsign', 'op', [x], {}, () => {
    const t = floatTensor('softsign', 'x', x);
    return div(t, add(abs(t), 1));
  });
}

/** ln σ(x) = −softplus(−x), finite and accurate for ±1000 (−1000 gives −1000, not −∞). */
export function logSigmoid(x: TensorLike): Tensor {
  return scoped('logSigmoid', 'op', [x], {}, () => neg(softplus(neg(floatTensor('logSigmoid', 'x', x)))));
}

/**
 * The hard sigmoid max(0, min(1, x/6 + 1/2)), computed as (x + 3)/6 between ±3: PyTorch's (and Keras 3's) definition; Keras 2
 * and TF.js use 0.2x + 0.5. The gradient is 1/6 for −3 < x < 3 and 0 outside (and at ±3).
 */
export function hardSigmoid(x: TensorLike): Tensor {
  return scoped('hardSigmoid', 'op', [x], {}, () => {
    const t = floatTensor('hardSigmoid', 'x', x);
    return where(lessEqual(t, -3), 0, where(greaterEqual(t, 3), 1, div(add(t, 3), 6)));
  });
}

/**
 * Keras 2's and TF.js's hard sigmoid max(0, min(1, 0.2x + 0.5)) (TF.js's and Keras 2's 'hard_sigmoid', the default
 * recurrentActivation of their LSTM and GRU); nabla's hardSigmoid is PyTorch's x/6 + 1/2. The gradient is 0.2 for
 * −2.5 < x < 2.5 and 0 outside (and at ±2.5).
 */
export function hardSigmoidKeras2(x: TensorLike): Tensor {
  return scoped('hardSigmoidKeras2', 'op', [x], {}, () => {
    const t = floatTensor('hardSigmoidKeras2', 'x', x);
    return where(lessEqual(t, -2.5), 0, where(greaterEqual(t, 2.5), 1, add(mul(t, 0.2), 0.5)));
  });
}

/** min(max(x, 0), 6); the gradient is 1 for 0 < x < 6 and 0 elsewhere (PyTorch's). NaN stays NaN. */
export function relu6(x: TensorLike): Tensor {
  return scoped('relu6', 'op', [x], {}, () => {
    const t = floatTensor('relu6', 'x', x);
    return where(lessEqual(t, 0), 0, where(greaterEqual(t, 6), 6, t));
  });
}

/** The hard swish x·relu6(x + 3)/6 (MobileNetV3): 0 for x ≤ −3, x for x ≥ 3, x(x + 3)/6 between. */
export function hardSwish(x: TensorLike): Tensor {
  return scoped('hardSwish', 'op', [x], {}, () => {
    const t = floatTensor('hardSwish', 'x', x);
    return where(lessEqual(t, -3), 0, where(greaterEqual(t, 3), t, div(mul(t, add(t, 3)), 6)));
  });
}

/** mish(x) = x·tanh(softplus(x)) (Misra 2019). */
export function mish(x: TensorLike): Tensor {
  return scoped('mish', 'op', [x], {}, () => {
    const t = floatTensor('mish', 'x', x);
    return mul(t, tanh(softplus(t)));
  });
}

/** softmin(x) = softmax(−x) along `axis` (the last by default). */
export function softmin(x: TensorLike, axis = -1): Tensor {
  return scoped('softmin', 'op', [x], { axis }, () => {
    const t = floatTensor('softmin', 'x', x);
    return apply('softmax', [neg(t)], { axis: normalizeAxis('softmin', axis, t.rank) });
  });
}

/**
 * x/√max(Σx², ε) along `axis` (the last by default): unit L2 norm, as Keras's and TensorFlow's
 * l2_normalize (ε = 1e-12 by default keeps a zero vector at 0).
 */
export function l2Normalize(x: TensorLike, axis = -1, epsilon = 1e-12): Tensor {
  return scoped('l2Normalize', 'op', [x], { axis, epsilon }, () => {
    const t = floatTensor('l2Normalize', 'x', x);
    checkNumber('l2Normalize', 'epsilon', epsilon);
    if (!(epsilon >= 0)) throw new ArgumentError(`l2Normalize: epsilon must be non-negative, got ${epsilon}`);
    const a = normalizeAxis('l2Normalize', axis, t.rank);
    return div(t, sqrt(maximum(sum(mul(t, t), a, true), epsilon)));
  });
}
