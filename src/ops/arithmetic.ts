import { scoped } from '../autograd/tape.js';
import type { UnaryOp } from '../backend/kernels.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { broadcastShapes } from '../core/shape.js';
import { isTensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { cast, floatTensor, operands, toTensor, type TensorLike } from './convert.js';
import { apply } from './prim.js';
import { equal, greater, less, where } from './compare.js';

export { cast } from './convert.js';

function unary(op: UnaryOp & keyof import('./prim.js').PrimAttrs, x: TensorLike): Tensor {
  return apply(op, [floatTensor(op, 'x', x)], {});
}

/** neg, abs and sign keep int32 (bool becomes int32), exactly: an overflow throws. */
function integerUnary(op: 'neg' | 'abs' | 'sign', x: TensorLike): Tensor {
  const t = toTensor(op, 'x', x);
  return apply(op, [t.dtype === 'int32' ? t : t.dtype === 'bool' ? cast(t, 'int32') : floatTensor(op, 'x', t)], {});
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
/** −x (int32 stays int32). */
export function neg(x: TensorLike): Tensor {
  return integerUnary('neg', x);
}
/** x² (as x·x; int32 stays int32). */
export function square(x: TensorLike): Tensor {
  return scoped('square', 'op', [x], {}, () => {
    const t = toTensor('square', 'x', x);
    const u = t.dtype === 'int32' ? t : t.dtype === 'bool' ? cast(t, 'int32') : floatTensor('square', 'x', t);
    return mul(u, u);
  });
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
/** |x| (int32 stays int32); its derivative at 0 is taken as 0. */
export function abs(x: TensorLike): Tensor {
  return integerUnary('abs', x);
}
/** −1, 0 or 1 by the sign of x, 0 for NaN as in PyTorch (int32 stays int32; zero derivative). */
export function sign(x: TensorLike): Tensor {
  return integerUnary('sign', x);
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
 * x limited to [min, max]: out = min(max(x, min), max) (so max wins where
 * min > max, as in PyTorch's clamp). Either bound may be null or undefined (no
 * limit on that side), a number, or a tensor broadcast against x; NaN stays
 * NaN. Gradients: to x where min ≤ x ≤ max, to a tensor bound where it is
 * the value taken. int32 x with integer number bounds stays int32.
 */
export function clip(x: TensorLike, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  return scoped('clip', 'op', [x, min, max], { min, max }, () => {
    const numeric = (v: unknown) => typeof v === 'number' || v === null || v === undefined;
    for (const [k, v] of [
      ['min', min],
      ['max', max],
    ] as const) {
      if (!numeric(v) && !isTensorLike(v)) throw new ArgumentError(`clip: argument ${k} must be a number, a tensor, null or undefined, got ${describe(v)}`);
    }
    if (numeric(min) && numeric(max)) {
      for (const [k, v] of [
        ['min', min],
        ['max', max],
      ] as const) {
        if (typeof v === 'number' && Number.isNaN(v)) throw new ArgumentError(`clip: argument ${k} must be a number, got NaN`);
      }
      const lo = (min ?? -Infinity) as number,
        hi = (max ?? Infinity) as number;
      if (min === undefined && max === undefined) throw new ArgumentError('clip: give min, max or both');
      if (!(lo <= hi)) throw new ArgumentError(`clip: min (${lo}) must not exceed max (${hi})`);
      const i = toTensor('clip', 'x', x);
      if (i.dtype === 'int32' && (Number.isInteger(lo) || lo === -Infinity) && (Number.isInteger(hi) || hi === Infinity)) {
        // int32 values: a bound beyond the int32 range clips nothing on its side
        const l = Math.max(lo, -(2 ** 31)),
          h = Math.min(hi, 2 ** 31 - 1);
        return where(less(i, l), l, where(greater(i, h), h, i));
      }
      const t = floatTensor('clip', 'x', i);
      const kept = where(equal(t, t), t, NaN); // NaN (x ≠ x) is passed on as a constant
      return where(less(t, lo), lo, where(greater(t, hi), hi, kept));
    }
    const t = floatTensor('clip', 'x', x);
    let y = where(equal(t, t), t, NaN); // NaN (x ≠ x) is passed on as a constant
    const bound = (k: 'min' | 'max', v: TensorLike | null | undefined) => {
      if (v === null || v === undefined) return null;
      const b = floatTensor('clip', k, v);
      broadcastShapes('clip', y.shape, b.shape);
      return b;
    };
    const lo = bound('min', min),
      hi = bound('max', max);
    if (lo) y = where(less(y, lo), lo, y);
    if (hi) y = where(greater(y, hi), hi, y);
    return y;
  });
}
