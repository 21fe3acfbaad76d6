// The WebAssembly GEMM kernels (kernels/matmul.ts: sgemm and dgemm) in every build,
// baseline SIMD and relaxed SIMD (FMA), over shared memory and (the *Single builds)
// ordinary memory, against a naive float64 triple loop: many shapes, all four
// transpose combinations, padded row strides, 16-byte-aligned and misaligned
// (4 mod 16 for float32, 8 mod 16 for float64) operands, garbage in the scratch,
// guard values around and between the rows of C that must survive, and row blocks
// computed by separate calls the way the thread pool splits a product.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

/** The folder holding build/kernels/nabla-simd.wasm: walks up from this file, then from the working directory. */
function kernelsDir(): string {
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'build', 'kernels');
      if (existsSync(join(candidate, 'nabla-simd.wasm'))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('build/kernels/nabla-simd.wasm not found: run `node scripts/build-kernels.mjs`');
}

type Gemm = (
  M: number,
  N: number,
  K: number,
  a: number,
  lda: number,
  b: number,
  ldb: number,
  c: number,
  ldc: number,
  transA: number,
  transB: number,
  scratch: number,
) => void;
interface Kernels {
  heapBase(): number;
  sgemmScratchBytes(M: number, N: number, K: number): number;
  sgemm: Gemm;
  dgemmScratchBytes?(M: number, N: number, K: number): number;
  dgemm?: Gemm;
}
interface Build {
  name: string;
  ex: Kernels;
  memory: WebAssembly.Memory;
}
/** The pre-packed-B entry points the thread pool uses (float32). */
interface PackedKernels {
  sgemmPackedBBytes(N: number, K: number): number;
  sgemmPackedScratchBytes(M: number, K: number): number;
  sgemmDepthBlock(): number;
  sgemmPackB(K: number, N: number, b: number, ldb: number, transB: number, d: number, j0: number, j1: number, k0: number, k1: number): void;
  sgemmPacked(
    M: number,
    N: number,
    K: number,
    a: number,
    lda: number,
    transA: number,
    bp: number,
    c: number,
    ldc: number,
    scratch: number,
    j0: number,
    j1: number,
  ): void;
}

/** Instantiates build `name`: the *Single builds import ordinary memory, the others shared memory. */
function load(name: string): Build | string {
  const file = join(kernelsDir(), `nabla-${name}.wasm`);
  if (!existsSync(file)) return `${file} not built`;
  const bytes = readFileSync(file);
  if (!WebAssembly.validate(bytes)) return `this engine refuses the ${name} build`;
  const shared = !name.endsWith('Single');
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 32768, shared });
  const module = new WebAssembly.Module(bytes);
  const env: Record<string, unknown> = { memory };
  if (WebAssembly.Module.imports(module).some((i) => i.module === 'env' && i.name === 'abort')) {
    env.abort = () => {
      throw new Error(`${name} build called abort`);
    };
  }
  const instance = new WebAssembly.Instance(module, { env } as WebAssembly.Imports);
  return { name, ex: instance.exports as unknown as Kernels, memory };
}

/** Tiny seeded LCG (Numerical Recipes constants), values in [-1, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

interface Case {
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  /** Extra elements at the end of each stored row of A, B and C. */
  padA: number;
  padB: number;
  padC: number;
  /** false: every operand 16-byte aligned; true: every operand at one element past that (4 or 8 mod 16 bytes). */
  misalign: boolean;
}

const GUARD = 64; // guard elements before and after C's extent, and between C's rows via padC
const SENTINEL = -12345.5;

type Floats = Float32Array | Float64Array;

/**
 * Checks C (M×N, row stride ldc, starting at element c0 of `C`) against op(A)·op(B) summed in
 * float64, within tol·Σ|products|, and that the padding past each row's N elements still holds
 * the sentinel.
 */
function checkProduct(
  label: string,
  A: Floats,
  lda: number,
  transA: boolean,
  B: Floats,
  ldb: number,
  transB: boolean,
  C: Floats,
  c0: number,
  ldc: number,
  M: number,
  N: number,
  K: number,
  tol: number,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0,
        abs = 0;
      for (let k = 0; k < K; k++) {
        const p = A[transA ? k * lda + i : i * lda + k]! * B[transB ? j * ldb + k : k * ldb + j]!;
        sum += p;
        abs += Math.abs(p);
      }
      const got = C[c0 + i * ldc + j]!;
      if (!(Math.abs(got - sum) <= tol * abs + 1e-30)) assert.fail(`${label}: C[${i}][${j}] = ${got}, expected ${sum} (sum |products| ${abs})`);
    }
    for (let j = N; j < ldc; j++) {
      if (C[c0 + i * ldc + j] !== SENTINEL) assert.fail(`${label}: row padding C[${i}][${j}] was overwritten`);
    }
  }
}

/**
 * Runs one product in the build and checks it against float64 arithmetic. The
 * operands are laid out one after the other past heapBase, each at an address
 * that is 16-byte aligned, or one element (4 or 8 bytes) past that when `misalign`.
 */
function check(build: Build, elem: 4 | 8, c: Case, seed: number): void {
  const { M, N, K, transA, transB, padA, padB, padC, misalign } = c;
  const { ex, memory } = build;
  const T = elem === 4 ? Float32Array : Float64Array;
  const gemm = (elem === 4 ? ex.sgemm : ex.dgemm)!;
  const scratchBytes = (elem === 4 ? ex.sgemmScratchBytes : ex.dgemmScratchBytes)!(M, N, K);
  // Stored shapes: A is M×K (or K×M), B is K×N (or N×K), C is M×N; each row padded.
  const aRows = transA ? K : M,
    aCols = transA ? M : K,
    lda = aCols + padA;
  const bRows = transB ? N : K,
    bCols = transB ? K : N,
    ldb = bCols + padB;
  const ldc = N + padC;
  const place = (at: number) => ((at + 15) & ~15) + (misalign ? elem : 0);
  const aAt = place(ex.heapBase() + 64);
  const bAt = place(aAt + Math.max(aRows * lda, 1) * elem);
  const cExtent = M * ldc + 2 * GUARD;
  const cAt = place(bAt + Math.max(bRows * ldb, 1) * elem); // start of the guarded region
  const sAt = (cAt + cExtent * elem + 15) & ~15; // the scratch is 16-byte aligned, as promised
  const end = sAt + scratchBytes + 64;
  const pages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);

  const rnd = lcg(seed);
  const A = new T(memory.buffer, aAt, aRows * lda);
  const B = new T(memory.buffer, bAt, bRows * ldb);
  const C = new T(memory.buffer, cAt, cExtent);
  for (let i = 0; i < A.length; i++) A[i] = rnd();
  for (let i = 0; i < B.length; i++) B[i] = rnd();
  C.fill(SENTINEL);
  // Garbage in the scratch: the kernel must not depend on its contents.
  new Uint8Array(memory.buffer, sAt, scratchBytes).fill(0xff);

  gemm(M, N, K, aAt, lda, bAt, ldb, cAt + GUARD * elem, ldc, transA ? 1 : 0, transB ? 1 : 0, sAt);

  const label =
    `${build.name} ${elem === 4 ? 'sgemm' : 'dgemm'} M=${M} N=${N} K=${K} tA=${+transA} tB=${+transB} ` +
    `pad=${padA},${padB},${padC}${misalign ? ' misaligned' : ''}`;
  checkProduct(label, A, lda, transA, B, ldb, transB, C, GUARD, ldc, M, N, K, elem === 4 ? 1e-5 : 1e-13);
  for (let g = 0; g < GUARD; g++) {
    if (C[g] !== SENTINEL) assert.fail(`${label}: guard before C overwritten at -${GUARD - g}`);
    if (C[GUARD + M * ldc + g] !== SENTINEL) assert.fail(`${label}: guard after C overwritten at +${g}`);
  }
}

const shapes: [number, number, number][] = [
  // [M, N, K]
  [1, 1, 1],
  [1, 1, 0],
  [5, 7, 0],
  [2, 3, 1],
  [7, 13, 5],
  [33, 65, 17],
  [64, 64, 64],
  [100, 1, 37],
  [1, 100, 37],
  [3, 5, 300],
  [17, 19, 513], // K spans several depth blocks, with a remainder
  [257, 3, 9],
  [3, 257, 9],
  [300, 2, 70],
  [2, 300, 70], // tall and skinny, short and wide
  [31, 47, 29],
  [16, 16, 16],
  [4, 8, 3],
  [2, 16, 3],
  [67, 61, 131],
  [129, 33, 260],
  [1, 67, 520],
  [5, 70, 300],
  [65, 40, 270], // few rows: one-row kernel, dot products, several depth blocks
  [74, 27, 40],
  [73, 9, 33],
  [134, 24, 300], // 1 or 2 rows left below the last whole row tile (thinRows): panel pairs, an odd panel, accumulation
];
const variants: Omit<Case, 'M' | 'N' | 'K'>[] = [];
for (const transA of [false, true]) {
  for (const transB of [false, true]) {
    variants.push({ transA, transB, padA: 0, padB: 0, padC: 0, misalign: false });
    variants.push({ transA, transB, padA: 3, padB: 5, padC: 7, misalign: true });
    variants.push({ transA, transB, padA: 1, padB: 0, padC: 2, misalign: true });
  }
}

for (const name of ['simd', 'relaxed', 'simdSingle', 'relaxedSingle']) {
  const build = load(name);
  for (const elem of [4, 8] as const) {
    const fn = elem === 4 ? 'sgemm' : 'dgemm';
    test(`wasm ${name} ${fn} matches a float64 triple loop`, (t) => {
      if (typeof build === 'string') {
        t.skip(build);
        return;
      }
      if (typeof build.ex[fn] !== 'function') {
        t.skip(`${fn} not exported`);
        return;
      }
      let seed = 1;
      for (const [M, N, K] of shapes) {
        for (const v of variants) check(build, elem, { M, N, K, ...v }, seed++);
      }
    });
    test(`wasm ${name} ${fn} on row blocks of a larger product (as the threads call it)`, (t) => {
      if (typeof build === 'string') {
        t.skip(build);
        return;
      }
      if (typeof build.ex[fn] !== 'function') {
        t.skip(`${fn} not exported`);
        return;
      }
      // A larger product, large enough for several N and K blocks, split into uneven row blocks.
      for (const [M, N, K] of [
        [150, 70, 600],
        [40, 2100, 20],
      ] as const) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) checkRowBlocks(build, elem, M, N, K, transA, transB);
        }
      }
    });
  }
}

for (const name of ['simd', 'relaxed', 'simdSingle', 'relaxedSingle']) {
  const build = load(name);
  test(`wasm ${name} sgemmPackB + sgemmPacked: B packed once in depth and column ranges, C in blocks`, (t) => {
    if (typeof build === 'string') {
      t.skip(build);
      return;
    }
    // several N blocks (NC = 2048 floats) and K blocks (KC = 256), partial panels, few rows
    for (const [M, N, K] of [
      [150, 70, 600],
      [40, 2100, 20],
      [67, 2200, 300],
      [1, 33, 5],
      [9, 16, 0],
      [20, 40, 1100],
      [74, 27, 40],
      [134, 24, 300],
    ] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) checkPacked(build, M, N, K, transA, transB);
      }
    }
  });
}

/**
 * Packs op(B) in uneven depth ranges (multiples of KC) × column ranges (multiples of 16), as
 * the pool splits it, then
 * computes C in uneven row blocks × column blocks, each call with garbage in its scratch,
 * and compares with float64; the padding of C's rows must survive.
 */
function checkPacked(build: Build, M: number, N: number, K: number, transA: boolean, transB: boolean): void {
  const { memory } = build;
  const ex = build.ex as unknown as PackedKernels & Kernels;
  const lda = (transA ? M : K) + 1,
    ldb = (transB ? K : N) + 2,
    ldc = N + 3;
  const aLen = (transA ? K : M) * lda,
    bLen = (transB ? N : K) * ldb,
    cLen = M * ldc;
  const place = (at: number) => ((at + 15) & ~15) + 4; // misaligned: 4 mod 16
  const aAt = place(ex.heapBase()),
    bAt = place(aAt + aLen * 4);
  const cAt = place(bAt + bLen * 4);
  const pAt = (cAt + cLen * 4 + 63) & ~63,
    pBytes = ex.sgemmPackedBBytes(N, K);
  const sAt = (pAt + pBytes + 63) & ~63,
    sBytes = ex.sgemmPackedScratchBytes(M, K);
  const end = sAt + sBytes + 64;
  const pages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  const rnd = lcg(M * 5 + N * 3 + K);
  const A = new Float32Array(memory.buffer, aAt, aLen),
    B = new Float32Array(memory.buffer, bAt, bLen);
  const C = new Float32Array(memory.buffer, cAt, cLen);
  for (let i = 0; i < aLen; i++) A[i] = rnd();
  for (let i = 0; i < bLen; i++) B[i] = rnd();
  C.fill(SENTINEL);
  new Uint8Array(memory.buffer, pAt, pBytes).fill(0xff);
  const colCuts = [0, ...[16, 48, 64, 2048, 2064].filter((j) => j < N), N];
  // column ranges × depth ranges (one or two depth blocks at a time), as the pool splits the packing
  const kb = ex.sgemmDepthBlock();
  const depthCuts = [0, ...[kb, 3 * kb].filter((k) => k < K), K];
  for (let s = 0; s + 1 < colCuts.length; s++) {
    for (let q = 0; q + 1 < depthCuts.length; q++) {
      ex.sgemmPackB(K, N, bAt, ldb, transB ? 1 : 0, pAt, colCuts[s]!, colCuts[s + 1]!, depthCuts[q]!, depthCuts[q + 1]!);
    }
  }
  const rowCuts = [0, ...[1, 8, 37, 64, 101].filter((r) => r < M), M];
  const blockCols = [0, ...[32, 2048].filter((j) => j < N), N];
  for (let s = 0; s + 1 < rowCuts.length; s++) {
    const r0 = rowCuts[s]!,
      r1 = rowCuts[s + 1]!;
    for (let q = 0; q + 1 < blockCols.length; q++) {
      new Uint8Array(memory.buffer, sAt, sBytes).fill(0xff);
      ex.sgemmPacked(
        r1 - r0,
        N,
        K,
        aAt + (transA ? r0 : r0 * lda) * 4,
        lda,
        transA ? 1 : 0,
        pAt,
        cAt + r0 * ldc * 4,
        ldc,
        sAt,
        blockCols[q]!,
        blockCols[q + 1]!,
      );
    }
  }
  checkProduct(`${build.name} packed M=${M} N=${N} K=${K} tA=${+transA} tB=${+transB}`, A, lda, transA, B, ldb, transB, C, 0, ldc, M, N, K, 1e-5);
}

/** Computes C in uneven row blocks [r0, r1), each call with its own scratch, and compares with float64. */
function checkRowBlocks(build: Build, elem: 4 | 8, M: number, N: number, K: number, transA: boolean, transB: boolean): void {
  const { ex, memory } = build;
  const T = elem === 4 ? Float32Array : Float64Array;
  const gemm = (elem === 4 ? ex.sgemm : ex.dgemm)!;
  const scratchFor = (elem === 4 ? ex.sgemmScratchBytes : ex.dgemmScratchBytes)!;
  const lda = (transA ? M : K) + 1,
    ldb = (transB ? K : N) + 2,
    ldc = N + 3;
  const aLen = (transA ? K : M) * lda,
    bLen = (transB ? N : K) * ldb,
    cLen = M * ldc;
  const place = (at: number) => ((at + 15) & ~15) + elem; // misaligned: 4 or 8 mod 16
  const aAt = place(ex.heapBase()),
    bAt = place(aAt + aLen * elem);
  const cAt = place(bAt + bLen * elem),
    sAt = (cAt + cLen * elem + 15) & ~15;
  const end = sAt + scratchFor(M, N, K) + 64;
  const pages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  const rnd = lcg(M * 7 + N * 13 + K);
  const A = new T(memory.buffer, aAt, aLen),
    B = new T(memory.buffer, bAt, bLen),
    C = new T(memory.buffer, cAt, cLen);
  for (let i = 0; i < aLen; i++) A[i] = rnd();
  for (let i = 0; i < bLen; i++) B[i] = rnd();
  C.fill(SENTINEL);
  const cuts = [0, ...[1, 8, 37, 64, 101].filter((r) => r < M), M];
  for (let s = 0; s + 1 < cuts.length; s++) {
    const r0 = cuts[s]!,
      r1 = cuts[s + 1]!;
    const a = aAt + (transA ? r0 : r0 * lda) * elem;
    const scratch = (sAt + 15) & ~15;
    gemm(r1 - r0, N, K, a, lda, bAt, ldb, cAt + r0 * ldc * elem, ldc, transA ? 1 : 0, transB ? 1 : 0, scratch);
  }
  checkProduct(
    `${build.name} row blocks M=${M} N=${N} K=${K} tA=${+transA} tB=${+transB}`,
    A,
    lda,
    transA,
    B,
    ldb,
    transB,
    C,
    0,
    ldc,
    M,
    N,
    K,
    elem === 4 ? 1e-5 : 1e-13,
  );
}
