import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SEED, Generator, globalGenerator, seed } from '../../src/core/random.js';
import { ArgumentError } from '../../src/core/errors.js';

const N = 100_000;

function draws(g: Generator, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(g.nextUint32());
  return out;
}

/** Asserts |actual − expected| ≤ k·se, printing the z-score on failure. */
function assertWithin(actual: number, expected: number, se: number, k: number, what: string): void {
  const z = (actual - expected) / se;
  assert.ok(Math.abs(z) <= k, `${what}: got ${actual}, expected ${expected} ± ${k}·${se} (z = ${z.toFixed(2)})`);
}

/** Pearson's χ² statistic of observed counts against equal expected counts. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const e = total / counts.length;
  return counts.reduce((s, c) => s + ((c - e) * (c - e)) / e, 0);
}

test('xoshiro128** matches the reference output for state (1, 2, 3, 4)', () => {
  const g = Generator.fromState({ words: [1, 2, 3, 4], spareNormal: null });
  // Reference values from the algorithm of Blackman & Vigna, computed independently in Python.
  assert.deepEqual(draws(g, 8), [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
});

test('the same seed gives the same sequence', () => {
  for (const s of [0, 1, 42, -7, 2 ** 53, 0.5, DEFAULT_SEED]) {
    const a = new Generator(s);
    const b = new Generator(s);
    assert.deepEqual(draws(a, 1000), draws(b, 1000), `seed ${s}`);
    assert.equal(a.uniform(), b.uniform());
    assert.equal(a.normal(), b.normal());
    assert.equal(a.randint(1000), b.randint(1000));
  }
});

test('different seeds give different streams', () => {
  const seeds = [
    0,
    1,
    2,
    3,
    -1,
    -2,
    2 ** 31,
    2 ** 32,
    2 ** 32 + 1,
    2 ** 53,
    -(2 ** 53),
    2 ** 53 - 1,
    0.5,
    -0.5,
    1e300,
    Infinity,
    -Infinity,
    NaN,
    2 ** 60,
    DEFAULT_SEED,
  ];
  const seen = new Set<string>();
  for (const s of seeds) seen.add(draws(new Generator(s), 4).join(','));
  assert.equal(seen.size, seeds.length);
  // -0 is the same seed as 0.
  assert.deepEqual(draws(new Generator(-0), 4), draws(new Generator(0), 4));
});

test('consecutive integer seeds give well-mixed first outputs', () => {
  // For seeds 0..4095, every bit of the first output must be set about half the time.
  const n = 4096;
  const ones = new Array<number>(32).fill(0);
  let sumUniform = 0;
  for (let s = 0; s < n; s++) {
    const g = new Generator(s);
    const x = g.nextUint32();
    for (let b = 0; b < 32; b++) ones[b]! += (x >>> b) & 1;
    sumUniform += new Generator(-s - 1).uniform();
  }
  const se = Math.sqrt(0.25 / n);
  for (let b = 0; b < 32; b++) assertWithin(ones[b]! / n, 0.5, se, 5, `bit ${b}`);
  assertWithin(sumUniform / n, 0.5, Math.sqrt(1 / 12 / n), 5, 'mean of first uniforms over negative seeds');
});

test('seed(n) resets the global generator, in place', () => {
  const held = globalGenerator();
  seed(123);
  const a = [held.uniform(), held.normal(), held.randint(10)];
  seed(123);
  const b = [globalGenerator().uniform(), globalGenerator().normal(), globalGenerator().randint(10)];
  assert.deepEqual(a, b);
  assert.equal(globalGenerator(), held);
  seed(123);
  assert.deepEqual(draws(globalGenerator(), 10), draws(new Generator(123), 10));
  seed(DEFAULT_SEED);
  assert.deepEqual(draws(globalGenerator(), 10), draws(new Generator(DEFAULT_SEED), 10));
});

test('reseeding discards a cached spare normal', () => {
  const g = new Generator(5);
  g.normal(); // caches the spare
  g.reseed(5);
  assert.equal(g.normal(), new Generator(5).normal());
});

test('fork gives a different but reproducible stream', () => {
  const p1 = new Generator(99);
  const p2 = new Generator(99);
  const c1 = p1.fork();
  const c2 = p2.fork();
  const child = draws(c1, 1000);
  assert.deepEqual(child, draws(c2, 1000));
  // The parents stay in step with each other, and differ from the child.
  const parent = draws(p1, 1000);
  assert.deepEqual(parent, draws(p2, 1000));
  assert.notDeepEqual(child, parent);
  assert.notDeepEqual(child, draws(new Generator(99), 1000));
  // Successive forks differ.
  const d1 = p1.fork();
  const d2 = p1.fork();
  assert.notDeepEqual(draws(d1, 100), draws(d2, 100));
  // Child and parent uniforms are uncorrelated.
  const a = new Generator(7);
  const b = a.fork();
  let sxy = 0;
  for (let i = 0; i < N; i++) sxy += (a.uniform() - 0.5) * (b.uniform() - 0.5);
  // Var((u − ½)(v − ½)) = (1/12)² for independent u, v.
  assertWithin(sxy / N, 0, 1 / 12 / Math.sqrt(N), 5, 'parent/child covariance');
});

test('uniform lies in [0, 1) with the right mean, variance and histogram', () => {
  const g = new Generator(2024);
  let sum = 0;
  let sumSq = 0;
  const bins = new Array<number>(20).fill(0);
  for (let i = 0; i < N; i++) {
    const u = g.uniform();
    assert.ok(u >= 0 && u < 1, `uniform out of range: ${u}`);
    sum += u;
    sumSq += (u - 0.5) * (u - 0.5);
    bins[Math.floor(u * 20)]! += 1;
  }
  assertWithin(sum / N, 0.5, Math.sqrt(1 / 12 / N), 5, 'mean');
  // Var((u − ½)²) = 1/80 − 1/144.
  assertWithin(sumSq / N, 1 / 12, Math.sqrt((1 / 80 - 1 / 144) / N), 5, 'variance');
  // χ² with 19 degrees of freedom: P(χ² > 50) ≈ 1.3e-4.
  assert.ok(chiSquare(bins) < 50, `histogram χ² = ${chiSquare(bins)}`);
});

test('uniform uses 53 bits: low bits of the mantissa vary', () => {
  const g = new Generator(3);
  let oddUnits = 0;
  for (let i = 0; i < 1000; i++) if ((g.uniform() * 2 ** 53) % 2 === 1) oddUnits++;
  assertWithin(oddUnits / 1000, 0.5, Math.sqrt(0.25 / 1000), 5, 'fraction of odd multiples of 2^-53');
});

test('normal has mean 0, variance 1 and normal tail fractions', () => {
  const g = new Generator(11);
  let sum = 0;
  let sumSq = 0;
  let within1 = 0;
  let within2 = 0;
  for (let i = 0; i < N; i++) {
    const z = g.normal();
    assert.ok(Number.isFinite(z));
    sum += z;
    sumSq += z * z;
    if (Math.abs(z) < 1) within1++;
    if (Math.abs(z) < 2) within2++;
  }
  assertWithin(sum / N, 0, 1 / Math.sqrt(N), 5, 'mean');
  assertWithin(sumSq / N, 1, Math.sqrt(2 / N), 5, 'variance'); // Var(z²) = 2
  const p1 = 0.6826894921370859; // erf(1/√2)
  const p2 = 0.9544997361036416; // erf(2/√2)
  assertWithin(within1 / N, p1, Math.sqrt((p1 * (1 - p1)) / N), 5, 'P(|z| < 1)');
  assertWithin(within2 / N, p2, Math.sqrt((p2 * (1 - p2)) / N), 5, 'P(|z| < 2)');
});

test('randint stays in range and is unbiased', () => {
  const g = new Generator(17);
  for (const n of [1, 2, 3, 7, 10, 1000, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 3, 2 ** 53]) {
    for (let i = 0; i < 1000; i++) {
      const k = g.randint(n);
      assert.ok(Number.isInteger(k) && k >= 0 && k < n, `randint(${n}) gave ${k}`);
    }
  }
  const counts = new Array<number>(6).fill(0);
  for (let i = 0; i < 60_000; i++) counts[g.randint(6)]! += 1;
  // χ² with 5 degrees of freedom: P(χ² > 25) ≈ 1.4e-4.
  assert.ok(chiSquare(counts) < 25, `die counts ${counts}`);
  // n = 3·2^30 (and 3·2^50): plain x mod n would put half of all draws below 2^30, not a third.
  for (const [n, cut] of [
    [3 * 2 ** 30, 2 ** 30],
    [3 * 2 ** 50, 2 ** 50],
  ] as const) {
    let below = 0;
    const m = 30_000;
    for (let i = 0; i < m; i++) if (g.randint(n) < cut) below++;
    assertWithin(below / m, 1 / 3, Math.sqrt(2 / 9 / m), 5, `P(randint(${n}) < ${cut})`);
  }
});

test('randint rejects invalid n', () => {
  const g = new Generator(0);
  for (const n of [0, -1, 1.5, NaN, Infinity, 2 ** 53 + 2]) {
    assert.throws(() => g.randint(n), ArgumentError, `randint(${n})`);
  }
});

test('fillUniform float32 values lie in [low, high) after rounding', () => {
  const g = new Generator(8);
  const cases: [number, number][] = [
    [-1, 1],
    [0, 1],
    [0.1, 0.2],
    [-3.5, -1e-3],
    [1e-3, 1e-3 + 1e-9],
    [1, 1 + 2 ** -22],
  ];
  for (const [low, high] of cases) {
    const out = new Float32Array(20_000);
    g.fillUniform(out, low, high);
    for (const v of out) assert.ok(v >= low && v < high, `fillUniform(${low}, ${high}) gave ${v}`);
  }
  // In [1, 1 + 2^-22) only 1 and 1 + 2^-23 are float32; draws rounding up to 1 + 2^-22 are redrawn.
  const out = new Float32Array(20_000);
  g.fillUniform(out, 1, 1 + 2 ** -22);
  const distinct = new Set(out);
  assert.deepEqual([...distinct].sort(), [1, 1 + 2 ** -23]);
  // Mean and spread of a plain case.
  const big = new Float32Array(N);
  g.fillUniform(big, -2, 4);
  let sum = 0;
  for (const v of big) sum += v;
  assertWithin(sum / N, 1, Math.sqrt(36 / 12 / N), 5, 'mean of U(-2, 4)');
});

test('fillUniform float64 values lie in [low, high)', () => {
  const g = new Generator(9);
  for (const [low, high] of [
    [-1, 1],
    [5, 5 + 1e-12],
    [-1e300, 1e300],
  ] as const) {
    const out = new Float64Array(20_000);
    g.fillUniform(out, low, high);
    for (const v of out) assert.ok(v >= low && v < high, `fillUniform(${low}, ${high}) gave ${v}`);
  }
});

test('fillUniform rejects empty or unusable intervals', () => {
  const g = new Generator(0);
  assert.throws(() => g.fillUniform(new Float64Array(4), 1, 1), ArgumentError);
  assert.throws(() => g.fillUniform(new Float64Array(4), 2, 1), ArgumentError);
  assert.throws(() => g.fillUniform(new Float64Array(4), 0, Infinity), ArgumentError);
  assert.throws(() => g.fillUniform(new Float64Array(4), NaN, 1), ArgumentError);
  assert.throws(() => g.fillUniform(new Float64Array(4), -1.7e308, 1.7e308), ArgumentError);
  // No float32 lies in [1 − 1e-9, 1).
  assert.throws(() => g.fillUniform(new Float32Array(4), 1 - 1e-9, 1), ArgumentError);
});

test('fillNormal has the requested mean and standard deviation', () => {
  const g = new Generator(10);
  for (const out of [new Float32Array(N), new Float64Array(N)]) {
    g.fillNormal(out, 3, 0.5);
    let sum = 0;
    let sumSq = 0;
    for (const v of out) {
      sum += v;
      sumSq += (v - 3) * (v - 3);
    }
    assertWithin(sum / N, 3, 0.5 / Math.sqrt(N), 5, 'mean');
    assertWithin(sumSq / N, 0.25, 0.25 * Math.sqrt(2 / N), 5, 'variance');
  }
  assert.throws(() => g.fillNormal(new Float32Array(1), NaN, 1), ArgumentError);
});

test('shuffle is a reproducible, uniform permutation', () => {
  const g = new Generator(12);
  const a = Int32Array.from({ length: 1000 }, (_, i) => i);
  g.shuffle(a);
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.notDeepEqual(
    [...a],
    Array.from({ length: 1000 }, (_, i) => i),
  );
  const b = Array.from({ length: 1000 }, (_, i) => i);
  new Generator(12).shuffle(b);
  assert.deepEqual(b, [...a]);
  const empty: number[] = [];
  g.shuffle(empty);
  assert.deepEqual(empty, []);
  // All 6 orders of 3 elements are equally likely.
  const counts = new Map<string, number>();
  for (let i = 0; i < 60_000; i++) {
    const p = [0, 1, 2];
    g.shuffle(p);
    counts.set(p.join(''), (counts.get(p.join('')) ?? 0) + 1);
  }
  assert.equal(counts.size, 6);
  assert.ok(chiSquare([...counts.values()]) < 25, `permutation counts ${[...counts.entries()]}`);
});

test('getState / fromState continue the stream exactly, spare normal included', () => {
  const g = new Generator(13);
  g.normal(); // leaves a spare
  const state = g.getState();
  assert.notEqual(state.spareNormal, null);
  const h = Generator.fromState(state);
  assert.equal(h.normal(), g.normal());
  assert.deepEqual(draws(h, 50), draws(g, 50));
  assert.throws(() => Generator.fromState({ words: [0, 0, 0, 0], spareNormal: null }), ArgumentError);
  assert.throws(() => Generator.fromState({ words: [1, 2, 3, 2 ** 32], spareNormal: null }), ArgumentError);
});
