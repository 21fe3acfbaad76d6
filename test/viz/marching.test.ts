import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoRings, type Ring } from '../../src/viz/marching.js';

/** The signed area of a ring (shoelace; positive counter-clockwise). */
const area = (r: Ring) =>
  r.reduce((s, [x, y], k) => {
    const [u, v] = r[(k + 1) % r.length]!;
    return s + x * v - u * y;
  }, 0) / 2;

/** The area of {z ≥ t} by the even-odd rule: the sum of |area| with sign by nesting (holes are oriented the other way). */
const regionArea = (rings: Ring[]) => rings.reduce((s, r) => s + area(r), 0);

function grid(n: number, f: (x: number, y: number) => number, lo = -1, hi = 1): number[][] {
  const c = (i: number) => lo + ((hi - lo) * i) / (n - 1);
  return Array.from({ length: n }, (_, j) => Array.from({ length: n }, (_, i) => f(c(i), c(j))));
}

test('isoRings: a linear ramp gives one rectangle, interpolated exactly', () => {
  // z = i on a 5 × 4 grid: {z ≥ 1.5} is i ∈ [1.5, 4], j ∈ [0, 3]
  const z = Array.from({ length: 4 }, () => [0, 1, 2, 3, 4]);
  const rings = isoRings(z, 1.5);
  assert.equal(rings.length, 1);
  assert.ok(Math.abs(area(rings[0]!) - 2.5 * 3) < 1e-12, `area ${area(rings[0]!)}`);
  const xs = rings[0]!.map((p) => p[0]);
  assert.equal(Math.min(...xs), 1.5);
  assert.equal(Math.max(...xs), 4);
});

test('isoRings: the disc {r ≤ 0.6} of a cone has area ≈ π·0.6², oriented with the region on the left', () => {
  const n = 101,
    h = 2 / (n - 1);
  const rings = isoRings(
    grid(n, (x, y) => -Math.hypot(x, y)),
    -0.6,
  );
  assert.equal(rings.length, 1);
  const a = area(rings[0]!) * h * h;
  assert.ok(a > 0, 'counter-clockwise');
  assert.ok(Math.abs(a - Math.PI * 0.36) < 0.01, `area ${a}`);
});

test('isoRings: an annulus is an outer ring and a hole oriented the other way', () => {
  const n = 121,
    h = 2 / (n - 1);
  const rings = isoRings(
    grid(n, (x, y) => -Math.abs(Math.hypot(x, y) - 0.5)),
    -0.2,
  ); // 0.3 ≤ r ≤ 0.7
  assert.equal(rings.length, 2);
  const areas = rings.map((r) => area(r) * h * h).sort((a, b) => a - b);
  assert.ok(areas[0]! < 0 && areas[1]! > 0, 'one ring each way');
  assert.ok(Math.abs(regionArea(rings) * h * h - Math.PI * (0.49 - 0.09)) < 0.01);
});

test('isoRings: a region touching the edge closes along the edge; NaN counts as outside', () => {
  const z = [
    [5, 5, 5],
    [5, NaN, 5],
    [5, 5, 5],
  ];
  const rings = isoRings(z, 1);
  // the square [0, 2]² with a hole around the NaN at (1, 1): the diamond through its four neighbours (no value, no interpolation)
  assert.equal(rings.length, 2);
  assert.ok(Math.abs(regionArea(rings) - (4 - 2)) < 1e-12, `area ${regionArea(rings)}`);
  assert.deepEqual(
    isoRings(
      [
        [0, 0],
        [0, 0],
      ],
      1,
    ),
    [],
  );
  assert.equal(
    isoRings(
      [
        [2, 2],
        [2, 2],
      ],
      1,
    ).length,
    1,
  );
});

test('isoRings: every ring of a rough random field closes, and the areas match a direct count on a fine field', () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const z = Array.from({ length: 30 }, () => Array.from({ length: 30 }, rand));
  for (const t of [0.2, 0.5, 0.8]) {
    const rings = isoRings(z, t);
    assert.ok(rings.length > 3);
    for (const r of rings) assert.ok(r.length >= 3 && r.every(([x, y]) => x >= 0 && x <= 29 && y >= 0 && y <= 29));
    // the even-odd area is the area of the bilinear cells above t, roughly: between the counts of all-above and any-above cells
    let all = 0,
      any = 0;
    for (let j = 0; j < 29; j++)
      for (let i = 0; i < 29; i++) {
        const c = [z[j]![i]!, z[j]![i + 1]!, z[j + 1]![i]!, z[j + 1]![i + 1]!].filter((v) => v >= t).length;
        if (c === 4) all++;
        if (c > 0) any++;
      }
    const a = regionArea(rings);
    assert.ok(a >= all - 1e-9 && a <= any + 1e-9, `t=${t}: ${all} ≤ ${a} ≤ ${any}`);
  }
});
