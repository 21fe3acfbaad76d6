import { erf, erfc } from './special.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The inverse error function: erfinv(y) = x with erf(x) = y, for y in [−1, 1]
 * (±Infinity at ±1, NaN outside). A starting value from Giles' single-precision
 * approximation ("Approximating the erfinv function", 2010), then Newton steps on
 * erf(x) − y, or on erfc(x) − (1 − |y|) in the tails, where 1 − |y| is exact and
 * keeps the relative accuracy erf would lose: accurate to a few ulp.
 */
export function erfinv(y: number): number {
  if (!(y >= -1 && y <= 1)) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  if (y === 0) return y; // keeps −0
  const a = Math.abs(y);
  let w = -Math.log((1 - a) * (1 + a));
  let x: number;
  if (w < 5) {
    w -= 2.5;
    let p = 2.81022636e-8;
    p = 3.43273939e-7 + p * w;
    p = -3.5233877e-6 + p * w;
    p = -4.39150654e-6 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
    x = p * a;
  } else {
    w = Math.sqrt(w) - 3;
    let p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
    x = p * a;
  }
  const tail = 1 - a; // exact for a ≥ 0.5 (Sterbenz)
  for (let i = 0; i < 3; i++) {
    const slope = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    if (slope === 0) break;
    const f = a >= 0.5 ? tail - erfc(x) : erf(x) - a; // both increase with x
    x -= f / slope;
  }
  return y < 0 ? -x : x;
}
