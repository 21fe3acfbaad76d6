/**
 * The reference backend's matrix product: a packed, register-tiled GEMM in plain TypeScript.
 *
 * Layout (Goto/BLIS style, scaled down to what a JS engine can do without SIMD):
 *
 *   for jc over N in blocks of nc                      (packed B block meant to stay in L2)
 *     for pc over K in blocks of kc                    (float64 only; float32 takes all of K)
 *       pack op(B)[pc:pc+kc, jc:jc+nc] into column panels NR wide: panel[p*NR + jj]
 *       for ic over M in blocks of mc                  (packed A block meant to stay in L2)
 *         pack op(A)[ic:ic+mc, pc:pc+kc] into row panels MR tall: panel[p*MR + ii]
 *         for each B panel, for each A panel: MR x NR micro-kernel over kc, then store into C
 *
 * Packing absorbs both transposes, so a single micro-kernel serves all four combinations and always
 * reads two unit-stride streams. Panels are zero-padded to full MR/NR, so the micro-kernel always does
 * a full tile and only the store is clipped at the right/bottom edges. (The padding's values never
 * reach C; it is zeroed anyway so that stale denormals or NaNs cannot slow the arithmetic down.)
 *
 * Both element types are packed into one Float64Array scratch buffer. That keeps the hot micro-kernel
 * monomorphic (it only ever reads a Float64Array, whatever the caller's element type), is exact
 * (float32 -> float64 is lossless) and measured faster than packing float32 into a Float32Array
 * (the extra float->double conversion per load cost ~10%). Only the O(MK + KN) packing and the O(MN)
 * stores see both array types, and calling with both types measured no slower than with one.
 * Packing A and B into the *same* buffer measured ~5% faster than two buffers (one map check and one
 * base-pointer load per k step instead of two).
 *
 * The tile is 4 x 6 (24 accumulators). V8 has no SIMD for plain JS and every typed-array load carries
 * a bounds check, so the kernel is bound by the loads per multiply-add ((MR + NR) / (MR * NR)) more
 * than by the floating-point units; 4x6 beat 4x4 by ~10-15% and larger tiles (8x8, 4x8, 6x6) gained
 * nothing more because of register spills. The micro-kernel accumulates in JS doubles (locals). For a
 * float32 C it runs over all of K, so every result is rounded to float32 exactly once.
 *
 * Skinny products (M < MR or N < NR, e.g. a batch-of-one forward pass or a single output unit) would
 * waste most of a padded tile and spend as long packing as multiplying, so they take a direct
 * unpacked path instead (gemmSkinny).
 */

export type FloatArray = Float32Array | Float64Array;

/** Micro-tile height (rows of C). Packed A panels are MR wide. */
const MR = 4;
/** Micro-tile width (columns of C). Packed B panels are NR wide. */
const NR = 6;
/** K block for float64 (a B micro-panel of KC x NR doubles = 12 KiB stays in L1); float32 uses all of K. */
const KC = 256;
/** Largest M block; multiple of MR. */
const MC = 64;
/** Largest N block; multiple of NR. */
const NC = 510;
/**
 * Smallest M and N blocks. With float32's unblocked K, a huge K would shrink the blocks to a single
 * panel, and re-packing A for every 6 columns of C would cost more than the product; at these
 * minimums the blocks outgrow L2 instead, which measured faster (64x64x16384: 4.4 vs 2.9 GFLOP/s).
 */
const MC_MIN = 16;
const NC_MIN = 60;
/** Scratch buffers larger than this many doubles (32 MiB) are not kept between calls. */
const SCRATCH_KEEP = 1 << 22;
/** Packed A block budget in doubles (128 KiB, L2-resident): MC = A_BLOCK_DOUBLES / kc. */
const A_BLOCK_DOUBLES = 16384;
/** Packed B block budget in doubles (1 MiB, L2-resident): NC = B_BLOCK_DOUBLES / kc. */
const B_BLOCK_DOUBLES = 131072;

/** Shared packing scratch for both element types: [packed A block | packed B block]. Grown on demand. */
let scratch = new Float64Array(0);
/** One MR x NR tile of C from the micro-kernel, row-major. */
const tile = new Float64Array(MR * NR);

/**
 * General matrix product C = op(A) · op(B), row-major, overwriting C.
 * op(A) is [M, K]: A is stored [M, K], or [K, M] when transA (then op(A) = Aᵀ).
 * op(B) is [K, N]: B is stored [K, N], or [N, K] when transB.
 * aOff/bOff/cOff are element offsets into the arrays (used for batched products).
 * a, b and c have the same element type (all Float32Array or all Float64Array).
 * c must not overlap a or b.
 */
export function gemm(
  a: FloatArray,
  aOff: number,
  b: FloatArray,
  bOff: number,
  c: FloatArray,
  cOff: number,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    c.fill(0, cOff, cOff + M * N);
    return;
  }
  if (M < MR || N < NR) {
    gemmSkinny(a, aOff, b, bOff, c, cOff, M, N, K, transA, transB);
    return;
  }

  // Float64 partial sums stored into a Float64Array C are exact, so f64 may block over K. A float32 C
  // would round every partial sum to float32, so for f32 each C tile is computed over all of K at once.
  const kcBlock = c instanceof Float64Array ? KC : K;
  const kcMax = K < kcBlock ? K : kcBlock;
  // Size the A and B blocks so that they stay cache-resident for this panel depth.
  const mcBlock = blockSize(A_BLOCK_DOUBLES / kcMax, MR, MC_MIN, MC);
  const ncBlock = blockSize(B_BLOCK_DOUBLES / kcMax, NR, NC_MIN, NC);
  const mcMax = M < mcBlock ? roundUp(M, MR) : mcBlock;
  const ncMax = N < ncBlock ? roundUp(N, NR) : ncBlock;
  const bBase = mcMax * kcMax;
  const need = bBase + kcMax * ncMax;
  const buf =
    scratch.length >= need
      ? scratch
      : need > SCRATCH_KEEP
        ? new Float64Array(need) // a one-off (float32 with a very long K): not kept
        : (scratch = new Float64Array(need));

  for (let jc = 0; jc < N; jc += ncBlock) {
    const nc = N - jc < ncBlock ? N - jc : ncBlock;
    for (let pc = 0; pc < K; pc += kcBlock) {
      const kc = K - pc < kcBlock ? K - pc : kcBlock;
      const first = pc === 0;
      for (let j0 = 0; j0 < nc; j0 += NR) {
        packB(b, bOff, N, K, transB, pc, kc, jc + j0, nc - j0 < NR ? nc - j0 : NR, buf, bBase + j0 * kc);
      }
      for (let ic = 0; ic < M; ic += mcBlock) {
        const mc = M - ic < mcBlock ? M - ic : mcBlock;
        for (let i0 = 0; i0 < mc; i0 += MR) {
          packA(a, aOff, M, K, transA, pc, kc, ic + i0, mc - i0 < MR ? mc - i0 : MR, buf, i0 * kc);
        }
        for (let j0 = 0; j0 < nc; j0 += NR) {
          const nr = nc - j0 < NR ? nc - j0 : NR;
          const bp = bBase + j0 * kc;
          const cRow = cOff + ic * N + jc + j0;
          for (let i0 = 0; i0 < mc; i0 += MR) {
            kernel(buf, i0 * kc, bp, kc, tile);
            storeTile(tile, c, cRow + i0 * N, N, mc - i0 < MR ? mc - i0 : MR, nr, first);
          }
        }
      }
    }
  }
}

/** x rounded down to a multiple of unit, clamped to [min, max] (both multiples of unit). */
function blockSize(x: number, unit: number, min: number, max: number): number {
  const v = Math.floor(x / unit) * unit;
  return v < min ? min : v > max ? max : v;
}

function roundUp(x: number, m: number): number {
  return Math.ceil(x / m) * m;
}

/**
 * Packs op(A)[i0:i0+mr, pc:pc+kc] as dst[d + p*MR + ii], zero-padding rows mr..MR-1.
 * op(A)[i, k] is a[aOff + i*K + k], or a[aOff + k*M + i] when transA.
 */
function packA(
  a: FloatArray,
  aOff: number,
  M: number,
  K: number,
  transA: boolean,
  pc: number,
  kc: number,
  i0: number,
  mr: number,
  dst: Float64Array,
  d: number,
): void {
  if (transA) {
    let s = aOff + pc * M + i0;
    if (mr === MR) {
      for (let p = 0; p < kc; p++, s += M, d += MR) {
        dst[d] = a[s]!;
        dst[d + 1] = a[s + 1]!;
        dst[d + 2] = a[s + 2]!;
        dst[d + 3] = a[s + 3]!;
      }
    } else {
      for (let p = 0; p < kc; p++, s += M, d += MR) {
        for (let ii = 0; ii < MR; ii++) dst[d + ii] = ii < mr ? a[s + ii]! : 0;
      }
    }
  } else {
    for (let ii = 0; ii < MR; ii++) {
      let t = d + ii;
      if (ii < mr) {
        const s = aOff + (i0 + ii) * K + pc;
        for (let p = 0; p < kc; p++, t += MR) dst[t] = a[s + p]!;
      } else {
        for (let p = 0; p < kc; p++, t += MR) dst[t] = 0;
      }
    }
  }
}

/**
 * Packs op(B)[pc:pc+kc, j0:j0+nr] as dst[d + p*NR + jj], zero-padding columns nr..NR-1.
 * op(B)[k, j] is b[bOff + k*N + j], or b[bOff + j*K + k] when transB.
 */
function packB(
  b: FloatArray,
  bOff: number,
  N: number,
  K: number,
  transB: boolean,
  pc: number,
  kc: number,
  j0: number,
  nr: number,
  dst: Float64Array,
  d: number,
): void {
  if (transB) {
    for (let jj = 0; jj < NR; jj++) {
      let t = d + jj;
      if (jj < nr) {
        const s = bOff + (j0 + jj) * K + pc;
        for (let p = 0; p < kc; p++, t += NR) dst[t] = b[s + p]!;
      } else {
        for (let p = 0; p < kc; p++, t += NR) dst[t] = 0;
      }
    }
  } else {
    let s = bOff + pc * N + j0;
    if (nr === NR) {
      for (let p = 0; p < kc; p++, s += N, d += NR) {
        dst[d] = b[s]!;
        dst[d + 1] = b[s + 1]!;
        dst[d + 2] = b[s + 2]!;
        dst[d + 3] = b[s + 3]!;
        dst[d + 4] = b[s + 4]!;
        dst[d + 5] = b[s + 5]!;
      }
    } else {
      for (let p = 0; p < kc; p++, s += N, d += NR) {
        for (let jj = 0; jj < NR; jj++) dst[d + jj] = jj < nr ? b[s + jj]! : 0;
      }
    }
  }
}

/**
 * The 4x6 micro-kernel: tile[ii*NR + jj] = sum_p Apanel[p*MR + ii] * Bpanel[p*NR + jj] over kc steps,
 * where the A panel is buf[ap + ...] and the B panel buf[bp + ...], accumulating in local doubles.
 *
 * It deliberately has no branches besides the loop and touches only Float64Arrays: V8 deoptimizes on
 * any path that had not run before the function was optimized (an edge tile, the first float64
 * call after float32 ones, ...), and a deopt of the on-stack-replaced copy of this loop was seen to
 * repeat on every call, halving the speed. C is written by `storeTile`, which is cheap to deopt.
 * `| 0` on the index arithmetic lets V8 drop the overflow checks on every load.
 */
function kernel(buf: Float64Array, ap: number, bp: number, kc: number, t: Float64Array): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c04 = 0,
    c05 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0,
    c14 = 0,
    c15 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c24 = 0,
    c25 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0,
    c34 = 0,
    c35 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = buf[ap]!,
      a1 = buf[(ap + 1) | 0]!,
      a2 = buf[(ap + 2) | 0]!,
      a3 = buf[(ap + 3) | 0]!;
    const b0 = buf[bp]!,
      b1 = buf[(bp + 1) | 0]!,
      b2 = buf[(bp + 2) | 0]!;
    const b3 = buf[(bp + 3) | 0]!,
      b4 = buf[(bp + 4) | 0]!,
      b5 = buf[(bp + 5) | 0]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c04 += a0 * b4;
    c05 += a0 * b5;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c14 += a1 * b4;
    c15 += a1 * b5;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c24 += a2 * b4;
    c25 += a2 * b5;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    c34 += a3 * b4;
    c35 += a3 * b5;
    ap = (ap + MR) | 0;
    bp = (bp + NR) | 0;
  }
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c03;
  t[4] = c04;
  t[5] = c05;
  t[6] = c10;
  t[7] = c11;
  t[8] = c12;
  t[9] = c13;
  t[10] = c14;
  t[11] = c15;
  t[12] = c20;
  t[13] = c21;
  t[14] = c22;
  t[15] = c23;
  t[16] = c24;
  t[17] = c25;
  t[18] = c30;
  t[19] = c31;
  t[20] = c32;
  t[21] = c33;
  t[22] = c34;
  t[23] = c35;
}

/** C[0:mr, 0:nr] (row stride ldc, from co) = tile (first K block) or += tile (later ones). */
function storeTile(t: Float64Array, c: FloatArray, co: number, ldc: number, mr: number, nr: number, first: boolean): void {
  for (let i = 0; i < mr; i++, co += ldc) {
    const r = i * NR;
    if (first) {
      for (let j = 0; j < nr; j++) c[co + j] = t[r + j]!;
    } else {
      for (let j = 0; j < nr; j++) c[co + j] = c[co + j]! + t[r + j]!;
    }
  }
}

/**
 * Direct path for M < MR or N < NR (a batch of one, a single output unit), where a padded tile would
 * be mostly zeros and packing would cost as much as the product. Each output is a strided dot product
 * of a row of op(A) and a column of op(B); four outputs at a time share the operand on the short side
 * (the single row of op(A), or the single column of op(B)), accumulating in local doubles.
 *
 * The dot products read the caller's arrays directly, so they come in one copy per element type:
 * a single copy seeing both Float32Array and Float64Array measured 15-20% slower.
 */
function gemmSkinny(
  a: FloatArray,
  aOff: number,
  b: FloatArray,
  bOff: number,
  c: FloatArray,
  cOff: number,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
): void {
  const f32 = a instanceof Float32Array;
  const d4 = f32 ? dot4f32 : dot4f64;
  const d1 = f32 ? dot1f32 : dot1f64;
  // op(A)[i, k] = a[aOff + i*sai + k*sak]; op(B)[k, j] = b[bOff + k*sbk + j*sbj]
  const sai = transA ? 1 : K,
    sak = transA ? M : 1;
  const sbk = transB ? 1 : N,
    sbj = transB ? K : 1;
  const t = tile;
  if (M < MR) {
    // row i of op(A) against four columns of op(B) at a time
    for (let i = 0; i < M; i++) {
      const xo = aOff + i * sai,
        cr = cOff + i * N;
      let j = 0;
      for (; j + 3 < N; j += 4) {
        d4(a, xo, sak, b, bOff + j * sbj, sbj, sbk, K, t);
        c[cr + j] = t[0]!;
        c[cr + j + 1] = t[1]!;
        c[cr + j + 2] = t[2]!;
        c[cr + j + 3] = t[3]!;
      }
      for (; j < N; j++) c[cr + j] = d1(a, xo, sak, b, bOff + j * sbj, sbk, K);
    }
  } else {
    // column j of op(B) against four rows of op(A) at a time
    for (let j = 0; j < N; j++) {
      const xo = bOff + j * sbj;
      let i = 0;
      for (; i + 3 < M; i += 4) {
        d4(b, xo, sbk, a, aOff + i * sai, sai, sak, K, t);
        const cr = cOff + i * N + j;
        c[cr] = t[0]!;
        c[cr + N] = t[1]!;
        c[cr + 2 * N] = t[2]!;
        c[cr + 3 * N] = t[3]!;
      }
      for (; i < M; i++) c[cOff + i * N + j] = d1(b, xo, sbk, a, aOff + i * sai, sak, K);
    }
  }
}

type Dot4 = (x: FloatArray, xo: number, xs: number, y: FloatArray, yo: number, yq: number, ys: number, K: number, out: Float64Array) => void;
type Dot1 = (x: FloatArray, xo: number, xs: number, y: FloatArray, yo: number, ys: number, K: number) => number;

// out[q] = sum_k x[xo + k*xs] * y[yo + q*yq + k*ys] for q = 0..3.
// dot4f32 and dot4f64 are textually identical on purpose (V8 keeps type feedback per function).
const dot4f32: Dot4 = (x, xo, xs, y, yo, yq, ys, K, out) => {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  const y1 = yo + yq,
    y2 = y1 + yq,
    y3 = y2 + yq;
  for (let k = 0, ko = 0; k < K; k++, xo += xs, ko += ys) {
    const v = x[xo]!;
    s0 += v * y[yo + ko]!;
    s1 += v * y[y1 + ko]!;
    s2 += v * y[y2 + ko]!;
    s3 += v * y[y3 + ko]!;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
};
const dot4f64: Dot4 = (x, xo, xs, y, yo, yq, ys, K, out) => {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  const y1 = yo + yq,
    y2 = y1 + yq,
    y3 = y2 + yq;
  for (let k = 0, ko = 0; k < K; k++, xo += xs, ko += ys) {
    const v = x[xo]!;
    s0 += v * y[yo + ko]!;
    s1 += v * y[y1 + ko]!;
    s2 += v * y[y2 + ko]!;
    s3 += v * y[y3 + ko]!;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
};

// sum_k x[xo + k*xs] * y[yo + k*ys], with two accumulators; one copy per element type as above.
const dot1f32: Dot1 = (x, xo, xs, y, yo, ys, K) => {
  let s0 = 0,
    s1 = 0,
    k = 0;
  for (; k + 1 < K; k += 2, xo += 2 * xs, yo += 2 * ys) {
    s0 += x[xo]! * y[yo]!;
    s1 += x[xo + xs]! * y[yo + ys]!;
  }
  if (k < K) s0 += x[xo]! * y[yo]!;
  return s0 + s1;
};
const dot1f64: Dot1 = (x, xo, xs, y, yo, ys, K) => {
  let s0 = 0,
    s1 = 0,
    k = 0;
  for (; k + 1 < K; k += 2, xo += 2 * xs, yo += 2 * ys) {
    s0 += x[xo]! * y[yo]!;
    s1 += x[xo + xs]! * y[yo + ys]!;
  }
  if (k < K) s0 += x[xo]! * y[yo]!;
  return s0 + s1;
};
