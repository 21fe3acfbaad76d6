/**
 * Special functions, accurate to a few units in the last place of a float64.
 *
 * erf and erfc are built from Chebyshev expansions (evaluated by Clenshaw's recurrence):
 *
 * - |x| < 1: erf(x) = x·P(x²), P a 13-term expansion of erf(x)/x in u = x² on [0, 1]; the factor x
 *   keeps full relative accuracy down to the smallest subnormals and preserves the sign of ±0.
 * - x ≥ 0.5: erfc(x) = e^(−x²)·erfcx(x), where the scaled function erfcx(x) = e^(x²)·erfc(x) is
 *   smooth and slowly varying. It is expanded on [0.5, 1.5], [1.5, 2.5] and [2.5, 4.5], and for
 *   x ≥ 4.5 as erfcx(x) = Q(1/x²)/(x·√π), Q an expansion in y = 1/x² of the asymptotic factor
 *   (Q(0) = 1). e^(−x²) is computed without rounding x² first: with x = h + d, h = x rounded to
 *   float32 (so h² is exact in float64), e^(−x²) = e^(−h²)·e^(−d·(x + h)), the small second factor
 *   by its Taylor polynomial.
 * - The rest follows without cancellation: erf(x) = 1 − erfc(x) for x ≥ 1 (erfc(1) ≈ 0.157),
 *   erfc(x) = 1 − erf(x) for −1 < x < 0.5, erfc(x) = 2 − erfc(−x) for x ≤ −1, erf(−x) = −erf(x).
 *
 * The coefficients are the Chebyshev coefficients c_k = (2/π)∫₀^π f(cos θ)·cos(kθ) dθ of each
 * function f on its interval (mapped to t ∈ [−1, 1], f ≈ c₀/2 + Σ_{k≥1} c_k·T_k(t)), computed
 * with 60-digit arithmetic (mpmath) by Gauss–Chebyshev quadrature on 256 nodes and cut where
 * |c_k| < 1e−19·|c₀|, then rounded to the nearest float64. To regenerate them:
 *
 *     import mpmath as mp; mp.mp.dps = 60
 *     def cheb(f, a, b, n, M=256):
 *         th = [mp.pi*(k + 0.5)/M for k in range(M)]
 *         fs = [f((b - a)/2*mp.cos(t) + (b + a)/2) for t in th]
 *         return [2*mp.fsum(fs[k]*mp.cos(j*th[k]) for k in range(M))/M for j in range(n)]
 *     erfcx = lambda x: mp.exp(x*x)*mp.erfc(x)
 *     cheb(lambda u: mp.erf(mp.sqrt(u))/mp.sqrt(u) if u > 0 else 2/mp.sqrt(mp.pi), 0, 1, 13)
 *     cheb(erfcx, 0.5, 1.5, 19); cheb(erfcx, 1.5, 2.5, 17); cheb(erfcx, 2.5, 4.5, 20)
 *     Y = 1/mp.mpf(4.5)**2
 *     cheb(lambda y: mp.sqrt(mp.pi/y)*erfcx(1/mp.sqrt(y)) if y > 0 else mp.mpf(1), 0, Y, 15)
 *
 * Measured on 63,000 random points against 40-digit mpmath, the maximum relative error is 2.4e−16
 * for erf and 5.7e−16 for erfc (results above 1e−300); against Python's math.erf/math.erfc (glibc)
 * it is below 6e−16 (see test/core/special.test.ts and test/fixtures/make_erf_fixture.py).
 *
 * This module imports nothing from the rest of the library.
 */

/** Chebyshev coefficients of erf(x)/x as a function of u = x² on [0, 1], t = 2u − 1 (used for |x| < 1). */
const ERF_SMALL = new Float64Array([
  1.9509538787653082, -0.14226120510371365, 0.010035582187599796, -0.0005768764699767485, 2.741993125219606e-5, -1.1043175507344507e-6, 3.8488755420345036e-8,
  -1.1808582533875466e-9, 3.2334215826050907e-11, -7.991015947004549e-13, 1.7990725113961456e-14, -3.718635487818693e-16, 7.103599003714253e-18,
]);
/** Chebyshev coefficients of erfcx(x) = e^(x²)·erfc(x) on [0.5, 1.5], t = 2x − 2. */
const ERFCX_1 = new Float64Array([
  0.895591621361798, -0.14437117094579746, 0.02052348013327858, -0.0026459068473904633, 0.0003148828357127584, -3.501741816305982e-5, 3.6716735606971222e-6,
  -3.654722598254305e-7, 3.4721186358948525e-8, -3.162115483017617e-9, 2.7705635476511733e-10, -2.3425031428441204e-11, 1.916171382436389e-12,
  -1.5198378406714607e-13, 1.1711473727725093e-14, -8.78250623357929e-16, 6.41911560261423e-17, -4.578977398787957e-18, 3.191725423126078e-19,
]);
/** Chebyshev coefficients of erfcx(x) on [1.5, 2.5], t = 2x − 4. */
const ERFCX_2 = new Float64Array([
  0.5215029825422925, -0.05488424581819016, 0.005399803660278792, -0.0005015165986088882, 4.4290221181768035e-5, -3.7399388006550433e-6, 3.0330399634949025e-7,
  -2.370909933804727e-8, 1.7917464565325043e-9, -1.3123858073442695e-10, 9.337072907254232e-12, -6.464561665267422e-13, 4.3627408963952615e-14,
  -2.874093751408312e-15, 1.8506451210995282e-16, -1.1660765536443181e-17, 7.197206629507234e-19,
]);
/** Chebyshev coefficients of erfcx(x) on [2.5, 4.5], t = x − 3.5. */
const ERFCX_3 = new Float64Array([
  0.32176162163560273, -0.04343026315197241, 0.005674710582267441, -0.0007196936657058049, 8.879290266671703e-5, -1.0677400532513016e-5, 1.2535047206613344e-6,
  -1.4387475828491222e-7, 1.616559918429564e-8, -1.7800661849728996e-9, 1.9228901302891015e-10, -2.0395756532905327e-11, 2.12592463747785e-12,
  -2.1792250895646396e-13, 2.198356179968821e-14, -2.1837702901320904e-15, 2.1373642225709654e-16, -2.062261048345134e-17, 1.9625299206499435e-18,
  -1.842873396184627e-19,
]);
/** Chebyshev coefficients of √π·x·erfcx(x) as a function of y = 1/x² on (0, 1/4.5²], t = 40.5·y − 1 (used for x ≥ 4.5). */
const ERFC_ASYM = new Float64Array([
  1.9765571583449606, -0.011522807077639394, 0.000193223834795544, -5.19263395518219e-6, 1.8831717093831246e-7, -8.482369924247201e-9, 4.5195644418341763e-10,
  -2.7590357985240162e-11, 1.8868972003370902e-12, -1.4218878655470596e-13, 1.1656988053341603e-14, -1.029331136435811e-15, 9.710819173748617e-17,
  -9.722937130468124e-18, 1.0274601342449382e-18,
]);

const INV_SQRT_PI = 0.5641895835477563; // 1/√π

/**
 * Clenshaw's recurrence for a Chebyshev series: Σ' c_k·T_k(t) = c₀/2 + Σ_{k≥1} c_k·T_k(t),
 * with b_k = 2t·b_{k+1} − b_{k+2} + c_k and result t·b₁ − b₂ + c₀/2.
 */
function chebyshev(c: Float64Array, t: number): number {
  const t2 = 2 * t;
  let b1 = 0;
  let b2 = 0;
  for (let k = c.length - 1; k >= 1; k--) {
    const b0 = t2 * b1 - b2 + c[k]!;
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + 0.5 * c[0]!;
}

/**
 * e^(−x²) for 0 ≤ x < 27.3 without the rounding error of x²: x = h + d with h = fround(x) (24-bit
 * significand, so h² is exact in float64), x² = h² + δ with δ = d·(x + h), |δ| ≤ 2^−24·x² < 5e−5,
 * and e^(−x²) = e^(−h²)·e^(−δ), where e^(−δ) ≈ 1 − δ + δ²/2 − δ³/6 (truncation error < δ⁴/24 < 3e−19).
 */
function expNegSquare(x: number): number {
  const h = Math.fround(x);
  const delta = (x - h) * (x + h);
  return Math.exp(-h * h) * (1 - delta * (1 - delta * 0.5 * (1 - delta / 3)));
}

/** erf(x) for |x| < 1: x·P(x²). */
function erfSmall(x: number): number {
  return x * chebyshev(ERF_SMALL, 2 * x * x - 1);
}

/** erfc(x) for x ≥ 0.5 (or NaN → NaN): e^(−x²)·erfcx(x); exactly 0 once the true value is below the smallest subnormal. */
function erfcLarge(x: number): number {
  if (x >= 27.3) return 0; // erfc(27.3) ≈ 4e−326 rounds to 0
  let scaled: number;
  if (x < 1.5) scaled = chebyshev(ERFCX_1, 2 * x - 2);
  else if (x < 2.5) scaled = chebyshev(ERFCX_2, 2 * x - 4);
  else if (x < 4.5) scaled = chebyshev(ERFCX_3, x - 3.5);
  else scaled = (chebyshev(ERFC_ASYM, 40.5 / (x * x) - 1) * INV_SQRT_PI) / x;
  return expNegSquare(x) * scaled;
}

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, odd, with values in [−1, 1].
 * Accurate to a few ulp (≲ 1e−15 relative) over all x; erf(±0) = ±0, erf(±Infinity) = ±1,
 * erf(NaN) = NaN. Near 0, erf(x) ≈ (2/√π)·x with full relative accuracy.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 1) return erfSmall(x);
  if (ax >= 6) return x > 0 ? 1 : -1; // erfc(6) ≈ 2.2e−17 < ulp(1)/2
  if (Number.isNaN(x)) return NaN;
  const r = 1 - erfcLarge(ax);
  return x > 0 ? r : -r;
}

/**
 * The complementary error function erfc(x) = 1 − erf(x) = 2/√π ∫ₓ^∞ e^(−t²) dt, with values in
 * [0, 2]. Computed without cancellation, so it keeps full relative accuracy in the right tail
 * (erfc(10) ≈ 2.088e−45, erfc(26) ≈ 5.663e−296) down to underflow (0 for x ≳ 27.23);
 * erfc(−Infinity) = 2, erfc(Infinity) = 0, erfc(NaN) = NaN.
 */
export function erfc(x: number): number {
  if (x >= 0.5) return erfcLarge(x);
  if (x > -1) return 1 - erfSmall(x);
  if (x <= -6) return 2; // erfc(6) ≈ 2.2e−17 < ulp(2)/2
  if (Number.isNaN(x)) return NaN;
  return 2 - erfcLarge(-x);
}
