import type { Tensor } from '../../tensor/tensor.js';
import { add, div, exp, mul, neg, sqrt, square, sub } from '../arithmetic.js';
import { equal, where } from '../compare.js';
import { cosh, floorDiv, sinh, trunc } from '../elementwise.js';
import type { PrimDef } from '../prim.js';
import { binaryForward, binaryShape, noGradient, unaryPrim } from './common.js';

type None = Record<string, never>;

/** The elementwise primitives of issue 18 and their attributes (none). */
export interface ElementwisePrimAttrs {
  tan: None;
  asin: None;
  acos: None;
  atan: None;
  sinh: None;
  cosh: None;
  asinh: None;
  acosh: None;
  atanh: None;
  log2: None;
  log10: None;
  exp2: None;
  cbrt: None;
  erfc: None;
  erfinv: None;
  floor: None;
  ceil: None;
  round: None;
  trunc: None;
  atan2: None;
  mod: None;
  fmod: None;
  floorDiv: None;
  copysign: None;
}

/** 1/√(1 − x²), the derivative of asin. */
const invSqrtOneMinusSquare = (x: Tensor) => div(1, sqrt(sub(1, square(x))));

/**
 * The elementwise primitives of issue 18: forward on the unary and binary kernels,
 * backward rules written with differentiable ops (so higher derivatives follow).
 */
export const elementwisePrims: { [P in keyof ElementwisePrimAttrs]: PrimDef<P> } = {
  tan: unaryPrim('tan', (g, _x, y) => mul(g, add(square(y), 1))), // tan' = 1 + tan²
  asin: unaryPrim('asin', (g, x) => mul(g, invSqrtOneMinusSquare(x))), // asin' = 1/√(1 − x²)
  acos: unaryPrim('acos', (g, x) => neg(mul(g, invSqrtOneMinusSquare(x)))), // acos' = −1/√(1 − x²)
  atan: unaryPrim('atan', (g, x) => div(g, add(square(x), 1))), // atan' = 1/(1 + x²)
  sinh: unaryPrim('sinh', (g, x) => mul(g, cosh(x))), // sinh' = cosh
  cosh: unaryPrim('cosh', (g, x) => mul(g, sinh(x))), // cosh' = sinh
  asinh: unaryPrim('asinh', (g, x) => div(g, sqrt(add(square(x), 1)))), // asinh' = 1/√(x² + 1)
  acosh: unaryPrim('acosh', (g, x) => div(g, sqrt(sub(square(x), 1)))), // acosh' = 1/√(x² − 1)
  atanh: unaryPrim('atanh', (g, x) => div(g, sub(1, square(x)))), // atanh' = 1/(1 − x²)
  log2: unaryPrim('log2', (g, x) => div(g, mul(x, Math.LN2))), // log₂' = 1/(x ln 2)
  log10: unaryPrim('log10', (g, x) => div(g, mul(x, Math.LN10))), // log₁₀' = 1/(x ln 10)
  exp2: unaryPrim('exp2', (g, _x, y) => mul(g, mul(y, Math.LN2))), // (2ˣ)' = 2ˣ ln 2
  cbrt: unaryPrim('cbrt', (g, _x, y) => div(g, mul(square(y), 3))), // (∛x)' = 1/(3∛x²)
  erfc: unaryPrim('erfc', (g, x) => mul(g, mul(exp(neg(square(x))), -2 / Math.sqrt(Math.PI)))), // erfc' = −2/√π e^(−x²)
  erfinv: unaryPrim('erfinv', (g, _x, y) => mul(g, mul(exp(square(y)), Math.sqrt(Math.PI) / 2))), // erfinv' = √π/2 e^(erfinv²)
  // integer-valued steps: zero derivative almost everywhere (PyTorch's convention)
  floor: unaryPrim('floor', null),
  ceil: unaryPrim('ceil', null),
  round: unaryPrim('round', null),
  trunc: unaryPrim('trunc', null),

  // atan2(a, b), the angle of (b, a): ∂/∂a = b/(a² + b²), ∂/∂b = −a/(a² + b²)
  atan2: {
    shape: binaryShape('atan2'),
    forward: binaryForward('atan2'),
    backward: (g, [a, b], _o, _a, needs) => {
      const r2 = add(square(a!), square(b!));
      return [needs[0] ? div(mul(g, b!), r2) : null, needs[1] ? neg(div(mul(g, a!), r2)) : null];
    },
  },
  // mod(a, b) = a − b·⌊a/b⌋: ∂/∂a = 1, ∂/∂b = −⌊a/b⌋ (PyTorch's remainder)
  mod: {
    shape: binaryShape('mod'),
    forward: binaryForward('mod', true),
    backward: (g, [a, b], _o, _a, needs) => [needs[0] ? g : null, needs[1] ? neg(mul(g, floorDiv(a!, b!))) : null],
  },
  // fmod(a, b) = a − b·trunc(a/b): ∂/∂a = 1, ∂/∂b = −trunc(a/b)
  fmod: {
    shape: binaryShape('fmod'),
    forward: binaryForward('fmod', true),
    backward: (g, [a, b], _o, _a, needs) => [needs[0] ? g : null, needs[1] ? neg(mul(g, trunc(div(a!, b!)))) : null],
  },
  floorDiv: { shape: binaryShape('floorDiv'), forward: binaryForward('floorDiv', true), backward: noGradient },
  // copysign(a, b) = |a|·sign(b): ∂/∂a = copysign(a, b)/a (±1; 0 at a = 0, as PyTorch), ∂/∂b = 0
  copysign: {
    shape: binaryShape('copysign'),
    forward: binaryForward('copysign'),
    backward: (g, [a], y, _a, needs) => {
      const zero = equal(a!, 0);
      return [needs[0] ? mul(g, where(zero, 0, div(y, where(zero, 1, a!)))) : null, null];
    },
  },
};
