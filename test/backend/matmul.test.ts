import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemm, type FloatArray } from '../../src/backend/js/matmul.js';

/** Tiny seeded LCG (Numerical Recipes constants), values in [-1, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function fill(T: Ctor, n: number, rnd: () => number): FloatArray {
  const x = new T(n);
  for (let i = 0; i < n; i++) x[i] = rnd();
  return x;
}

/** Reference: naive triple loop in doubles, returns op(A)·op(B) as a Float64Array [M, N]. */
function naive(a: FloatArray, aOff: number, b: FloatArray, bOff: number, M: number, N: number, K: number, transA: boolean, transB: boolean): Float64Array {
  const out = new Float64Array(M * N);
  // op(A)[i, k] = a[aOff + i*sai + k*sak], op(B)[k, j] = b[bOff + k*sbk + j*sbj]
  const sai = transA ? 1 : K,
    sak = transA ? M : 1;
  const sbk = transB ? 1 : N,
    sbj = transB ? K : 1;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[aOff + i * sai + k * sak]! * b[bOff + k * sbk + j * sbj]!;
      out[i * N + j] = s;
    }
  }
  return out;
}

/**
 * Relative error check whose scale does not collapse for entries that cancel to ~0:
 * |got - want| <= tol * max(|want|, 1, max over C of |want|).
 */
function check(got: FloatArray, gOff: number, want: Float64Array, tol: number, what: string): void {
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  for (let i = 0; i < want.length; i++) {
    const g = got[gOff + i]!,
      w = want[i]!;
    const err = Math.abs(g - w);
    if (!(err <= tol * Math.max(Math.abs(w), scale))) {
      assert.fail(`${what}: C[${i}] = ${g}, expected ${w} (err ${err}, scale ${scale})`);
    }
  }
}

const shapes: [number, number, number][] = [
  // M, N, K
  [1, 1, 1],
  [0, 0, 0],
  [0, 5, 3],
  [5, 0, 3],
  [4, 6, 0],
  [3, 7, 0],
  [0, 0, 4],
  [1, 1, 9],
  [1, 9, 1],
  [9, 1, 1],
  [2, 3, 4],
  [4, 6, 1],
  [4, 6, 8],
  [8, 12, 16],
  [7, 13, 5],
  [13, 7, 5],
  [5, 7, 13],
  [3, 5, 7],
  [11, 17, 19],
  [33, 65, 17],
  [65, 33, 31],
  [1, 300, 50],
  [2, 129, 70],
  [3, 64, 257],
  [300, 1, 50],
  [130, 2, 33],
  [257, 5, 9],
  [70, 6, 3],
  [200, 7, 3],
  [5, 200, 3],
  [4, 600, 10],
  [67, 521, 13],
  [61, 7, 600],
  [9, 11, 520],
  [64, 64, 64],
  [65, 67, 259],
  [130, 100, 513],
];

const combos: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];
const dtypes: [string, Ctor, number][] = [
  ['float32', Float32Array, 1e-5],
  ['float64', Float64Array, 1e-12],
];

for (const [name, T, tol] of dtypes) {
  for (const [transA, transB] of combos) {
    test(`gemm ${name} transA=${transA} transB=${transB} matches the naive product`, () => {
      let seed = 1;
      for (const [M, N, K] of shapes) {
        const rnd = lcg(seed++);
        const a = fill(T, M * K, rnd),
          b = fill(T, K * N, rnd);
        const c = fill(T, M * N, rnd); // garbage that must be overwritten
        gemm(a, 0, b, 0, c, 0, M, N, K, transA, transB);
        check(c, 0, naive(a, 0, b, 0, M, N, K, transA, transB), tol, `${M}x${N}x${K}`);
      }
    });

    test(`gemm ${name} transA=${transA} transB=${transB} honours offsets and leaves the rest alone`, () => {
      let seed = 1000;
      for (const [M, N, K] of [
        [1, 1, 1],
        [7, 13, 5],
        [33, 65, 17],
        [2, 40, 9],
        [40, 3, 9],
        [4, 6, 0],
      ] as const) {
        const rnd = lcg(seed++);
        const aOff = 3,
          bOff = 11,
          cOff = 7,
          pad = 5;
        const a = fill(T, aOff + M * K + pad, rnd),
          b = fill(T, bOff + K * N + pad, rnd);
        const c = fill(T, cOff + M * N + pad, rnd);
        const before = Float64Array.from(c);
        gemm(a, aOff, b, bOff, c, cOff, M, N, K, transA, transB);
        check(c, cOff, naive(a, aOff, b, bOff, M, N, K, transA, transB), tol, `offset ${M}x${N}x${K}`);
        for (let i = 0; i < cOff; i++) assert.equal(c[i], before[i], `C[${i}] before the offset was written`);
        for (let i = cOff + M * N; i < c.length; i++) assert.equal(c[i], before[i], `C[${i}] past the end was written`);
      }
    });
  }

  test(`gemm ${name} batched use: consecutive products through offsets`, () => {
    const rnd = lcg(77);
    const batch = 3,
      M = 10,
      N = 14,
      K = 9;
    const a = fill(T, batch * M * K, rnd),
      b = fill(T, batch * K * N, rnd),
      c = new T(batch * M * N);
    for (let q = 0; q < batch; q++) gemm(a, q * M * K, b, q * K * N, c, q * M * N, M, N, K, false, true);
    for (let q = 0; q < batch; q++) {
      check(c, q * M * N, naive(a, q * M * K, b, q * K * N, M, N, K, false, true), tol, `batch ${q}`);
    }
  });
}

test('gemm with a long K: several M, N (and, for float64, K) blocks, and a one-off scratch buffer', () => {
  let seed = 4000;
  for (const [, T, tol] of dtypes) {
    for (const [transA, transB] of combos) {
      const rnd = lcg(seed++);
      const M = 23,
        N = 90,
        K = 1500; // float32: mc = 16, nc = 84; float64: six K blocks
      const a = fill(T, M * K, rnd),
        b = fill(T, K * N, rnd),
        c = new T(M * N);
      gemm(a, 0, b, 0, c, 0, M, N, K, transA, transB);
      check(c, 0, naive(a, 0, b, 0, M, N, K, transA, transB), tol, `${M}x${N}x${K} transA=${transA} transB=${transB}`);
    }
    // float32 packs all of K: (8 + 12) * 350000 doubles is past the size kept between calls
    const rnd = lcg(seed++);
    const M = 5,
      N = 7,
      K = 350000;
    const a = fill(T, M * K, rnd),
      b = fill(T, K * N, rnd),
      c = new T(M * N);
    gemm(a, 0, b, 0, c, 0, M, N, K, true, false);
    check(c, 0, naive(a, 0, b, 0, M, N, K, true, false), tol, `${M}x${N}x${K}`);
  }
});

test('gemm with K = 0 writes zeros (an empty sum), even over NaN', () => {
  const c = new Float64Array(12).fill(NaN);
  gemm(new Float64Array(0), 0, new Float64Array(0), 0, c, 0, 3, 4, 0, false, false);
  assert.deepEqual(Array.from(c), new Array(12).fill(0));
});

test('gemm overwrites NaN in C rather than accumulating into it', () => {
  const rnd = lcg(5);
  for (const [M, N, K] of [
    [8, 12, 300],
    [2, 9, 5],
    [9, 2, 5],
  ] as const) {
    const a = fill(Float64Array, M * K, rnd),
      b = fill(Float64Array, K * N, rnd);
    const c = new Float64Array(M * N).fill(NaN);
    gemm(a, 0, b, 0, c, 0, M, N, K, false, false);
    check(c, 0, naive(a, 0, b, 0, M, N, K, false, false), 1e-12, `NaN-filled ${M}x${N}x${K}`);
  }
});

test('gemm propagates infinities and NaN from the operands only where they belong', () => {
  // A row 0 holds an Inf; rows 1.. are finite, so only row 0 of C may be non-finite.
  const M = 6,
    N = 8,
    K = 5;
  const a = new Float64Array(M * K).fill(1),
    b = new Float64Array(K * N).fill(1);
  a[0] = Infinity;
  const c = new Float64Array(M * N);
  gemm(a, 0, b, 0, c, 0, M, N, K, false, false);
  for (let j = 0; j < N; j++) assert.equal(c[j], Infinity);
  for (let i = N; i < M * N; i++) assert.equal(c[i], K);
});

test('gemm float32 accumulates in double precision over all of K', () => {
  // With positive data and long K, rounding partial sums to float32 (e.g. between K blocks) drifts by
  // several ulps; accumulating in doubles and rounding once gives fround(exact) on every entry.
  const rnd = lcg(123);
  for (const [M, N, K] of [
    [5, 7, 4097],
    [9, 13, 1500],
    [1, 8, 3000],
    [8, 1, 3000],
    [2, 3, 5000],
  ] as const) {
    for (const [transA, transB] of combos) {
      const a = new Float32Array(M * K),
        b = new Float32Array(K * N);
      for (let i = 0; i < a.length; i++) a[i] = rnd() + 1;
      for (let i = 0; i < b.length; i++) b[i] = rnd() + 1;
      const c = new Float32Array(M * N);
      gemm(a, 0, b, 0, c, 0, M, N, K, transA, transB);
      const want = naive(a, 0, b, 0, M, N, K, transA, transB);
      for (let i = 0; i < M * N; i++) {
        assert.equal(c[i], Math.fround(want[i]!), `${M}x${N}x${K} transA=${transA} transB=${transB} C[${i}]`);
      }
    }
  }
});

test('gemm alternating float32 and float64 calls stay correct (shared scratch)', () => {
  const rnd = lcg(9);
  for (let r = 0; r < 4; r++) {
    for (const [T, tol] of [
      [Float32Array, 1e-5],
      [Float64Array, 1e-12],
    ] as const) {
      const M = 37 + r,
        N = 29 + 3 * r,
        K = 300 - r;
      const a = fill(T, M * K, rnd),
        b = fill(T, K * N, rnd),
        c = new T(M * N);
      gemm(a, 0, b, 0, c, 0, M, N, K, r % 2 === 1, r > 1);
      check(c, 0, naive(a, 0, b, 0, M, N, K, r % 2 === 1, r > 1), tol, `round ${r}`);
    }
  }
});
