import type { UnaryOp } from '../backend/kernels.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { floatTensor, operands, type TensorLike } from './convert.js';
import { apply } from './prim.js';
import { greater, less, where } from './compare.js';

export { cast } from './convert.js';

function unary(op: UnaryOp & keyof import('./prim.js').PrimAttrs, x: TensorLike): Tensor {
  return apply(op, [floatTensor(op, 'x', x)], {});
}

/** a + b, broadcast. */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return apply('add', operands('add', a, b), {});
}
/** a − b, broadcast. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return apply('sub', operands('sub', a, b), {});
}
/** a · b elementwise (the Hadamard product ⊙), broadcast. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return apply('mul', operands('mul', a, b), {});
}
/** a / b elementwise, broadcast; integer operands divide as floats. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('div', a, b);
  return apply('div', [floatTensor('div', 'a', x), floatTensor('div', 'b', y)], {});
}
/** aᵇ elementwise, broadcast. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('pow', a, b);
  return apply('pow', [floatTensor('pow', 'a', x), floatTensor('pow', 'b', y)], {});
}
/** The larger of a and b elementwise; on ties the gradient is split evenly. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return apply('maximum', operands('maximum', a, b), {});
}
/** The smaller of a and b elementwise; on ties the gradient is split evenly. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return apply('minimum', operands('minimum', a, b), {});
}
/** −x. */
export function neg(x: TensorLike): Tensor {
  return unary('neg', x);
}
/** x² (as x·x). */
export function square(x: TensorLike): Tensor {
  const t = floatTensor('square', 'x', x);
  return mul(t, t);
}
/** 1/x. */
export function reciprocal(x: TensorLike): Tensor {
  return div(1, floatTensor('reciprocal', 'x', x));
}
/** √x. */
export function sqrt(x: TensorLike): Tensor {
  return unary('sqrt', x);
}
/** eˣ. */
export function exp(x: TensorLike): Tensor {
  return unary('exp', x);
}
/** eˣ − 1, accurate for small x. */
export function expm1(x: TensorLike): Tensor {
  return unary('expm1', x);
}
/** The natural logarithm ln x. */
export function log(x: TensorLike): Tensor {
  return unary('log', x);
}
/** ln(1 + x), accurate for small x. */
export function log1p(x: TensorLike): Tensor {
  return unary('log1p', x);
}
/** |x|; its derivative at 0 is taken as 0. */
export function abs(x: TensorLike): Tensor {
  return unary('abs', x);
}
/** −1, 0 or 1 by the sign of x (zero derivative). */
export function sign(x: TensorLike): Tensor {
  return unary('sign', x);
}
/** sin x. */
export function sin(x: TensorLike): Tensor {
  return unary('sin', x);
}
/** cos x. */
export function cos(x: TensorLike): Tensor {
  return unary('cos', x);
}
/** The hyperbolic tangent (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ); tanh′ = 1 − tanh². */
export function tanh(x: TensorLike): Tensor {
  return unary('tanh', x);
}
/** The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt. */
export function erf(x: TensorLike): Tensor {
  return unary('erf', x);
}
/**
 * x limited to [min, max]. The gradient is 1 inside the interval (ends
 * included) and 0 outside.
 */
export function clip(x: TensorLike, min: number, max: number): Tensor {
  for (const [k, v] of [['min', min], ['max', max]] as const) {
    if (typeof v !== 'number') throw new ArgumentError(`clip: argument ${k} must be a number, got ${describe(v)}`);
  }
  if (!(min <= max)) throw new ArgumentError(`clip: min (${min}) must not exceed max (${max})`);
  const t = floatTensor('clip', 'x', x);
  return where(less(t, min), min, where(greater(t, max), max, t));
}
