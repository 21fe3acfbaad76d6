import { scoped } from '../autograd/tape.js';
import type { BinaryOp18, UnaryOp18 } from '../backend/kernels.js';
import { isFloat } from '../core/dtype.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { broadcastShapes } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { abs, add, div, exp, log1p, maximum, minimum, mul, neg, sqrt, sub } from './arithmetic.js';
import { equal, lessEqual, notEqual, where } from './compare.js';
import { cast, floatTensor, operands, toTensor, type TensorLike } from './convert.js';
import { apply } from './prim.js';

// The elementwise functions of issue 18. The ones without an exact composite are primitives
// with a kernel of their own (prims/elementwise.ts); the rest are composites.

function unaryFloat(op: Exclude<UnaryOp18, 'floor' | 'ceil' | 'round' | 'trunc'>, x: TensorLike): Tensor {
  return apply(op, [floatTensor(op, 'x', x)], {});
}

/** floor, ceil, round and trunc keep int32 (bool becomes int32): integers are already whole. */
function rounding(op: 'floor' | 'ceil' | 'round' | 'trunc', x: TensorLike): Tensor {
  const t = toTensor(op, 'x', x);
  if (t.dtype === 'int32') return t;
  if (t.dtype === 'bool') return cast(t, 'int32');
  return apply(op, [floatTensor(op, 'x', t)], {});
}

function binaryFloat(op: 'atan2' | 'copysign', a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  return apply(op, [floatTensor(op, 'a', x), floatTensor(op, 'b', y)], {});
}

/** mod, fmod and floorDiv keep int32 (exactly; an int32 divisor of 0 is refused); bool becomes int32. */
function division(op: Extract<BinaryOp18, 'mod' | 'fmod' | 'floorDiv'>, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  return x.dtype === 'bool' ? apply(op, [cast(x, 'int32'), cast(y, 'int32')], {}) : apply(op, [x, y], {});
}

/** tan x = sin x / cos x; tan′ = 1 + tan². */
export function tan(x: TensorLike): Tensor {
  return unaryFloat('tan', x);
}
/** asin x, in [−π/2, π/2] for x in [−1, 1] (NaN outside); asin′ = 1/√(1 − x²). */
export function asin(x: TensorLike): Tensor {
  return unaryFloat('asin', x);
}
/** acos x, in [0, π] for x in [−1, 1] (NaN outside); acos′ = −1/√(1 − x²). */
export function acos(x: TensorLike): Tensor {
  return unaryFloat('acos', x);
}
/** atan x, in (−π/2, π/2); atan′ = 1/(1 + x²). */
export function atan(x: TensorLike): Tensor {
  return unaryFloat('atan', x);
}
/** sinh x = (eˣ − e⁻ˣ)/2, accurate near 0; sinh′ = cosh. */
export function sinh(x: TensorLike): Tensor {
  return unaryFloat('sinh', x);
}
/** cosh x = (eˣ + e⁻ˣ)/2; cosh′ = sinh. */
export function cosh(x: TensorLike): Tensor {
  return unaryFloat('cosh', x);
}
/** asinh x = ln(x + √(x² + 1)); asinh′ = 1/√(x² + 1). */
export function asinh(x: TensorLike): Tensor {
  return unaryFloat('asinh', x);
}
/** acosh x = ln(x + √(x² − 1)) for x ≥ 1 (NaN below); acosh′ = 1/√(x² − 1). */
export function acosh(x: TensorLike): Tensor {
  return unaryFloat('acosh', x);
}
/** atanh x = ½ ln((1 + x)/(1 − x)) for |x| < 1 (±∞ at ±1, NaN beyond); atanh′ = 1/(1 − x²). */
export function atanh(x: TensorLike): Tensor {
  return unaryFloat('atanh', x);
}
/** log₂ x (exact at powers of two); log₂′ = 1/(x ln 2). */
export function log2(x: TensorLike): Tensor {
  return unaryFloat('log2', x);
}
/** log₁₀ x (exact at powers of ten); log₁₀′ = 1/(x ln 10). */
export function log10(x: TensorLike): Tensor {
  return unaryFloat('log10', x);
}
/** 2ˣ (exact at integers); (2ˣ)′ = 2ˣ ln 2. */
export function exp2(x: TensorLike): Tensor {
  return unaryFloat('exp2', x);
}
/** The real cube root ∛x (negative for x < 0); ∛′ = 1/(3∛x²). */
export function cbrt(x: TensorLike): Tensor {
  return unaryFloat('cbrt', x);
}
/**
 * The complementary error function erfc x = 1 − erf x, with full relative accuracy in the
 * right tail (erfc 10 ≈ 2.1e−45, where 1 − erf gives 0); erfc′ = −2/√π e^(−x²).
 */
export function erfc(x: TensorLike): Tensor {
  return unaryFloat('erfc', x);
}
/** The inverse error function: erf(erfinv y) = y for y in [−1, 1] (±∞ at ±1, NaN outside); erfinv′ = √π/2 e^(erfinv²). */
export function erfinv(x: TensorLike): Tensor {
  return unaryFloat('erfinv', x);
}
/** ⌊x⌋, the largest integer ≤ x (int32 stays int32); zero gradient. */
export function floor(x: TensorLike): Tensor {
  return rounding('floor', x);
}
/** ⌈x⌉, the smallest integer ≥ x (int32 stays int32); zero gradient. */
export function ceil(x: TensorLike): Tensor {
  return rounding('ceil', x);
}
/** x rounded to the nearest integer, halves to the even one (2.5 → 2, 3.5 → 4), as PyTorch and NumPy; zero gradient. */
export function round(x: TensorLike): Tensor {
  return rounding('round', x);
}
/** x rounded toward zero (int32 stays int32); zero gradient. */
export function trunc(x: TensorLike): Tensor {
  return rounding('trunc', x);
}
/** 1/√x. */
export function rsqrt(x: TensorLike): Tensor {
  return scoped('rsqrt', 'op', [x], {}, () => div(1, sqrt(floatTensor('rsqrt', 'x', x))));
}

/**
 * atan2(a, b): the angle in (−π, π] of the point (b, a) (a is the y coordinate, as in
 * Math.atan2 and PyTorch); ∂/∂a = b/(a² + b²), ∂/∂b = −a/(a² + b²).
 */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  return binaryFloat('atan2', a, b);
}
/** |a| with the sign of b (−0 counts as negative), broadcast; ∂/∂a = ±1 (0 at a = 0), ∂/∂b = 0. */
export function copysign(a: TensorLike, b: TensorLike): Tensor {
  return binaryFloat('copysign', a, b);
}
/**
 * The remainder of floor division, a − b·⌊a/b⌋, with the sign of b (Python's %, PyTorch's
 * remainder, NumPy's mod). int32 stays int32; ∂/∂a = 1, ∂/∂b = −⌊a/b⌋.
 */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  return division('mod', a, b);
}
/** C's fmod: a − b·trunc(a/b), with the sign of a, exact. int32 stays int32; ∂/∂a = 1, ∂/∂b = −trunc(a/b). */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  return division('fmod', a, b);
}
/** ⌊a/b⌋ (Python's //, PyTorch's floor_divide), with mod(a, b) = a − b·floorDiv(a, b). int32 stays int32; zero gradient. */
export function floorDiv(a: TensorLike, b: TensorLike): Tensor {
  return division('floorDiv', a, b);
}

/**
 * ln(eᵃ + eᵇ), computed as max(a, b) + ln(1 + e^(−|a − b|)): finite for ±1000, and ±∞ when
 * a = b = ±∞. Its gradient is (σ(a − b), σ(b − a)), ½ each on ties.
 */
export function logAddExp(a: TensorLike, b: TensorLike): Tensor {
  return scoped('logAddExp', 'op', [a, b], {}, () => {
    const [x0, y0] = operands('logAddExp', a, b);
    const x = floatTensor('logAddExp', 'a', x0),
      y = floatTensor('logAddExp', 'b', y0);
    broadcastShapes('logAddExp', x.shape, y.shape);
    const d = where(equal(x, y), 0, sub(x, y)); // 0 on ties, infinite ones included
    return add(maximum(x, y), log1p(exp(neg(abs(d)))));
  });
}

/**
 * Linear interpolation a + w·(b − a), broadcast (w a number or a tensor); differentiable in all
 * three: ∂/∂a = 1 − w, ∂/∂b = w, ∂/∂w = b − a.
 */
export function lerp(a: TensorLike, b: TensorLike, weight: TensorLike): Tensor {
  return scoped('lerp', 'op', [a, b, weight], {}, () => {
    const [x0, y0] = operands('lerp', a, b);
    const x = floatTensor('lerp', 'a', x0),
      y = floatTensor('lerp', 'b', y0);
    const w = typeof weight === 'number' ? weight : floatTensor('lerp', 'weight', weight);
    const wShape = typeof w === 'number' ? [] : w.shape;
    broadcastShapes('lerp', x.shape, y.shape, wShape);
    if (typeof w !== 'number' && w.dtype !== x.dtype) return add(x, mul(cast(w, x.dtype), sub(y, x)));
    return add(x, mul(w, sub(y, x)));
  });
}

/** True where x is NaN (never for int32 and bool). */
export function isNaN(x: TensorLike): Tensor {
  const t = toTensor('isNaN', 'x', x);
  return notEqual(t, t);
}
/** True where x is +∞ or −∞ (never for int32 and bool). */
export function isInf(x: TensorLike): Tensor {
  return scoped('isInf', 'op', [x], {}, () => {
    const t = toTensor('isInf', 'x', x);
    return isFloat(t.dtype) ? equal(abs(t), Infinity) : notEqual(t, t);
  });
}
/** True where x is neither NaN nor ±∞ (always for int32 and bool). */
export function isFinite(x: TensorLike): Tensor {
  return scoped('isFinite', 'op', [x], {}, () => {
    const t = toTensor('isFinite', 'x', x);
    return isFloat(t.dtype) ? equal(sub(t, t), 0) : equal(t, t);
  });
}

function checkTolerance(name: string, v: unknown): void {
  if (typeof v !== 'number' || !(v >= 0)) throw new ArgumentError(`isClose: argument ${name} must be a non-negative number, got ${describe(v)}`);
}

/**
 * |a − b| ≤ atol + rtol·|b| elementwise (PyTorch's isclose, asymmetric in b), broadcast; equal
 * infinities are close, NaN is close to NaN only with `equalNaN`.
 */
export function isClose(a: TensorLike, b: TensorLike, rtol = 1e-5, atol = 1e-8, equalNaN = false): Tensor {
  return scoped('isClose', 'op', [a, b], { rtol, atol, equalNaN }, () => {
    checkTolerance('rtol', rtol);
    checkTolerance('atol', atol);
    if (typeof equalNaN !== 'boolean') throw new ArgumentError(`isClose: argument equalNaN must be true or false, got ${describe(equalNaN)}`);
    const [x0, y0] = operands('isClose', a, b);
    broadcastShapes('isClose', x0.shape, y0.shape);
    const x = floatTensor('isClose', 'a', x0),
      y = floatTensor('isClose', 'b', y0);
    const close = lessEqual(abs(sub(x, y)), add(mul(abs(y), rtol), atol));
    const same = equal(x, y);
    const result = maximum(same, close);
    return equalNaN ? maximum(result, minimum(notEqual(x, x), notEqual(y, y))) : result;
  });
}

/** x as bool: nonzero (NaN included) is true. */
function truth(op: string, arg: string, x: TensorLike): Tensor {
  const t = toTensor(op, arg, x);
  return t.dtype === 'bool' ? t : notEqual(t, 0);
}

function logical(op: string, a: TensorLike, b: TensorLike, f: (x: Tensor, y: Tensor) => Tensor): Tensor {
  return scoped(op, 'op', [a, b], {}, () => {
    const x = truth(op, 'a', a),
      y = truth(op, 'b', b);
    broadcastShapes(op, x.shape, y.shape);
    return f(x, y);
  });
}

/** a ∧ b elementwise, as bool (nonzero is true), broadcast. */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return logical('logicalAnd', a, b, minimum);
}
/** a ∨ b elementwise, as bool (nonzero is true), broadcast. */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return logical('logicalOr', a, b, maximum);
}
/** a ⊕ b (exclusive or) elementwise, as bool (nonzero is true), broadcast. */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return logical('logicalXor', a, b, notEqual);
}
/** ¬x elementwise, as bool (nonzero is true). */
export function logicalNot(x: TensorLike): Tensor {
  return scoped('logicalNot', 'op', [x], {}, () => equal(truth('logicalNot', 'x', x), false));
}
