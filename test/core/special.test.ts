import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { erf, erfc } from '../../src/core/special.js';

interface ErfPoint {
  x: number;
  erf: number;
  erfc: number;
}

/**
 * Loads test/fixtures/erf.json (written by test/fixtures/make_erf_fixture.py from Python's
 * math.erf/math.erfc): walks up from this file, which may run from test/core or build/test/core,
 * and failing that from the working directory.
 */
function loadFixture(): ErfPoint[] {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (let dir of starts) {
    for (;;) {
      const candidate = join(dir, 'test', 'fixtures', 'erf.json');
      if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, 'utf8')) as ErfPoint[];
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`test/fixtures/erf.json not found above ${starts.join(' or ')}`);
}

const points = loadFixture();
const MIN_NORMAL = 2.2250738585072014e-308;
const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** The largest float64 below x (x finite and positive). */
function nextDown(x: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  v.setBigUint64(0, v.getBigUint64(0) - 1n);
  return v.getFloat64(0);
}

/**
 * Compares f against the fixture column: relative error ≤ tol where |ref| > 1e-300, otherwise
 * (subnormal or tiny results) an absolute error of a few units of the smallest subnormal.
 */
function checkAgainstPython(t: { diagnostic(msg: string): void }, name: 'erf' | 'erfc', f: (x: number) => number, tol: number): void {
  let worst = 0;
  let worstX = 0;
  assert.ok(points.length >= 60, 'fixture has too few points');
  for (const p of points) {
    const got = f(p.x);
    const want = p[name];
    if (Math.abs(want) > 1e-300) {
      const rel = want === got ? 0 : Math.abs(got - want) / Math.abs(want);
      if (rel > worst) {
        worst = rel;
        worstX = p.x;
      }
      assert.ok(rel <= tol, `${name}(${p.x}) = ${got}, Python gives ${want} (relative error ${rel})`);
    } else {
      assert.ok(Math.abs(got - want) <= 4 * Number.MIN_VALUE || Math.abs(got - want) <= tol * Math.abs(want), `${name}(${p.x}) = ${got}, Python gives ${want}`);
    }
  }
  t.diagnostic(`${name}: max relative error vs Python ${worst.toExponential(3)} at x = ${worstX}`);
}

test('erf matches Python math.erf to 1e-14 relative', (t) => {
  checkAgainstPython(t, 'erf', erf, 1e-14);
});

test('erfc matches Python math.erfc to 1e-13 relative, tail included', (t) => {
  checkAgainstPython(t, 'erfc', erfc, 1e-13);
  // Spot values of the far tail, where 1 − erf(x) would be 0.
  assert.ok(Math.abs(erfc(10) / 2.088487583762545e-45 - 1) < 1e-13, `erfc(10) = ${erfc(10)}`);
  assert.ok(erfc(26) > 5e-296 && erfc(26) < 6e-296, `erfc(26) = ${erfc(26)}`);
});

test('special values', () => {
  assert.ok(Object.is(erf(0), 0));
  assert.ok(Object.is(erf(-0), -0));
  assert.equal(erf(Infinity), 1);
  assert.equal(erf(-Infinity), -1);
  assert.ok(Number.isNaN(erf(NaN)));
  assert.equal(erfc(0), 1);
  assert.equal(erfc(-0), 1);
  assert.equal(erfc(Infinity), 0);
  assert.equal(erfc(-Infinity), 2);
  assert.ok(Number.isNaN(erfc(NaN)));
  assert.equal(erfc(30), 0);
  assert.ok(erfc(27.2) > 0, 'erfc(27.2) ≈ 1e-323 is a positive subnormal');
  // Near 0, erf(x) ≈ (2/√π)·x with full relative accuracy, subnormals included.
  for (const x of [1e-300, 1e-200, 1e-30, 1e-17]) {
    assert.ok(Math.abs(erf(x) / (TWO_OVER_SQRT_PI * x) - 1) < 1e-15, `erf(${x})`);
  }
  assert.equal(erf(1e-310), TWO_OVER_SQRT_PI * 1e-310);
  assert.equal(erf(Number.MIN_VALUE), Number.MIN_VALUE);
});

test('erf is exactly odd and erfc(−x) = 2 − erfc(x)', () => {
  for (let x = 0; x <= 7; x += 0.01) {
    assert.ok(Object.is(erf(-x), -erf(x)), `erf(-${x})`);
    const s = erfc(-x) + erfc(x);
    assert.ok(Math.abs(s - 2) <= 4.5e-16, `erfc(-${x}) + erfc(${x}) = ${s}`);
  }
});

test('erf(x) + erfc(x) = 1 to a few ulp', () => {
  for (let x = -7; x <= 7; x += 0.01) {
    const s = erf(x) + erfc(x);
    assert.ok(Math.abs(s - 1) <= 4.5e-16, `erf(${x}) + erfc(${x}) = ${s}`);
  }
});

test("erf' = 2/√π·e^(−x²) by central differences, across every expansion boundary", () => {
  const h = 1e-5;
  const xs: number[] = [];
  for (let x = -5; x <= 5; x += 0.125) xs.push(x);
  xs.push(0.5, 1, 1.5, 2.5, 4.5, -0.5, -1, -1.5, -2.5, -4.5, 0.3, 0.77, 1.23, 3.14159);
  for (const x of xs) {
    const numeric = (erf(x + h) - erf(x - h)) / (2 * h);
    const exact = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    assert.ok(Math.abs(numeric - exact) < 1e-9, `erf'(${x}): ${numeric} vs ${exact}`);
  }
  // In the tail, erfc' = −2/√π·e^(−x²) to a relative accuracy that 1 − erf could never give.
  for (let x = 1; x <= 26; x += 0.5) {
    const hx = 1e-6;
    const numeric = (erfc(x + hx) - erfc(x - hx)) / (2 * hx);
    const exact = -TWO_OVER_SQRT_PI * Math.exp(-x * x);
    assert.ok(Math.abs(numeric / exact - 1) < 1e-7, `erfc'(${x}): ${numeric} vs ${exact}`);
  }
});

test('erf and erfc are monotone and continuous at the expansion boundaries', () => {
  let prev = erf(-6);
  for (let i = -6000; i <= 6000; i++) {
    const e = erf(i / 1000);
    assert.ok(e >= prev, `erf not monotone at ${i / 1000}`);
    prev = e;
  }
  for (const b of [0.5, 1, 1.5, 2.5, 4.5, 6]) {
    for (const [name, f] of [
      ['erf', erf],
      ['erfc', erfc],
    ] as const) {
      for (const s of [1, -1]) {
        const x = s * b;
        const below = f(nextDown(b) * s);
        const at = f(x);
        const slope = TWO_OVER_SQRT_PI * Math.exp(-b * b);
        const jump = Math.abs(at - below);
        // One float64 step moves f by about slope·ulp(b); allow a few ulp of the value on top.
        assert.ok(jump <= slope * (b - nextDown(b)) + 4 * Number.EPSILON * Math.max(Math.abs(at), MIN_NORMAL), `${name} jumps by ${jump} at ${x}`);
      }
    }
  }
});
