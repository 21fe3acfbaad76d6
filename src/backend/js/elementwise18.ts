import { erfinv } from '../../core/erfinv.js';
import { erfc } from '../../core/special.js';
import type { BinaryOp18, UnaryOp18 } from '../kernels.js';

/** round half to even (as PyTorch and NumPy): Math.round rounds halves up. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The scalar functions of the issue-18 unary ops (computed in float64, rounded once to the array's dtype). */
export const UNARY18: Record<UnaryOp18, (x: number) => number> = {
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  log2: Math.log2,
  log10: Math.log10,
  exp2: (x) => 2 ** x,
  cbrt: Math.cbrt,
  erfc,
  erfinv,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  trunc: Math.trunc,
};

/** Python's floor division of floats, as PyTorch computes it (div_floor_floating): exact for the quotient's integer part. */
function floorDiv(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return Math.sign(a / b) < 0 || Object.is(a / b, -0) ? -0 : 0;
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

/** The scalar functions of the issue-18 binary ops. */
export const BINARY18: Record<BinaryOp18, (a: number, b: number) => number> = {
  atan2: Math.atan2,
  mod: (a, b) => {
    let r = a % b;
    if (r !== 0 && r < 0 !== b < 0) r += b;
    return r;
  },
  fmod: (a, b) => a % b,
  floorDiv,
  copysign: (a, b) => (b < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a)),
};
