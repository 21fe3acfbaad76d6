// Matrix products, float32 (sgemm) and float64 (dgemm): packed, register-blocked GEMM.
//
// Design (GotoBLAS/BLIS style, sized for V8's 16 xmm registers):
// - op(B) is packed KC rows at a time into column panels NR wide: panel p holds
//   op(B)[k][p*NR .. p*NR+NR) for k = 0..kc, one NR-element row per k (zero-padded past N).
//   When C has few rows (M <= DIRECT_M) and B is not transposed, B's full panels are read
//   in place with its row stride instead, and only the last, partial panel is packed.
// - op(A) is packed MC rows × KC at a time into row panels MR tall: panel q holds
//   op(A)[q*MR .. q*MR+MR)[k], MR elements per k (zero-padded past M).
// - The micro-kernel keeps an MR×NR tile of C in v128 accumulators, A broadcast by load*_splat:
//     baseline SIMD: sgemm 4x8, dgemm 4x4, mul + add, 8 accumulators;
//     relaxed SIMD:  sgemm 6x8, dgemm 6x4, relaxed_madd (FMA), 12 accumulators: with
//                    FMA's latency of 4 cycles and two FMA pipes, 8 accumulators leave
//                    no slack; 12 measured 56 GFLOP/s against 44 for the earlier 2x16.
//   V8 has 15 allocatable xmm registers: 12 accumulators + 2 B vectors + 1 broadcast A
//   fit exactly, and anything more spills. A branch at the end of the kernel (add into C
//   or store) also made TurboFan spill (26 GFLOP/s), so the kernels have none: they start
//   from a tile read at `init` (C itself to accumulate, or a zero tile with stride 0)
//   and always store. Unrolling the k loop makes TurboFan hoist all the loads above the
//   arithmetic and spill too, so the loops do one k per iteration.
//   Edge tiles are computed into a scratch tile and the valid part copied out; when only
//   1 or 2 rows are left below the last whole row tile, a 2×16 kernel covers them two
//   panels at a time instead of a 6-row tile that keeps 2 (thinRows: +2.6% at N = 128).
// - The first KC block stores into C, later blocks add to it: C is never read before it
//   is written (no need to zero it), and no byte outside the M×N elements of C is touched.
// Transposes are absorbed by the packing routines (in-register 4x4 / 2x2 transposes),
// so all four transpose combinations run the same inner kernel.
// Few rows (vector-matrix products, the last rows of a thread's block): rows below the last
// whole MR tile run a one-row kernel over 128 bytes of columns of B in place (direct mode),
// and op(A)·Bᵀ with M <= DOT_M is computed as dot products of contiguous rows, unpacked.

const RELAXED: bool = ASC_FEATURE_RELAXED_SIMD;
/** Register tile: rows of C per micro-kernel call (both precisions). */
const MR: i32 = RELAXED ? 6 : 4;
/** Register tile: bytes of a row of C per micro-kernel call (NR = NRB / element size). */
const NRB: i32 = 32;
/** Depth of a packed block (K direction), in elements. */
const KC: i32 = 256;
/** Rows of op(A) packed at once (a multiple of MR). */
const MC: i32 = RELAXED ? 72 : 64;
/** Bytes of the zero tile the kernels start from when they do not accumulate (one row, read with stride 0). */
const ZERO: usize = 32;
/** Bytes of a row of a packed block of B: 2048 floats or 1024 doubles. */
const NCB: i32 = 8192;
/**
 * Up to this many rows of C, a non-transposed B is read in place (row stride ldb) instead
 * of being packed: each B element is used too few times for a packed copy to pay.
 * Measured: float32 relaxed 6x8 gains at 32 rows (46 against 42 GFLOP/s packed) and is
 * even at 64; float64 relaxed up to 32 (the earlier 2x8 lost 15% at 64 rows with a 4 KiB
 * row stride); baseline 4x8 / 4x4 (half lines, two panels per line) only for a few rows.
 */
const DIRECT_M_F32: i32 = RELAXED ? 64 : 8;
const DIRECT_M_F64: i32 = RELAXED ? 32 : 8;
/** Up to this many rows of C, C = op(A)·Bᵀ is computed by dot products without packing B. */
const DOT_M: i32 = 4;

// @ts-ignore: decorator
@inline function imin(a: i32, b: i32): i32 { return a < b ? a : b; }
// @ts-ignore: decorator
@inline function roundUp(x: i32, m: i32): i32 { return (x + m - 1) / m * m; }
/** log2 of the element size. */
// @ts-ignore: decorator
@inline function shift<T>(): usize { return sizeof<T>() == 4 ? 2 : 3; }
/** Register tile width in elements. */
// @ts-ignore: decorator
@inline function nrOf<T>(): i32 { return NRB >> <i32>shift<T>(); }
/** Packed block width in elements. */
// @ts-ignore: decorator
@inline function ncOf<T>(): i32 { return NCB >> <i32>shift<T>(); }

/** Bytes of scratch sgemm needs for these sizes (packing buffers); the caller provides it, 16-byte aligned. */
export function sgemmScratchBytes(M: i32, N: i32, K: i32): usize {
  return scratchBytes<f32>(M, N, K);
}

/** Bytes of scratch dgemm needs for these sizes (packing buffers); the caller provides it, 16-byte aligned. */
export function dgemmScratchBytes(M: i32, N: i32, K: i32): usize {
  return scratchBytes<f64>(M, N, K);
}

/**
 * C = op(A)·op(B), float32, row-major, OVERWRITING C (M×N, row stride ldc elements).
 * op(A) is M×K: A is stored M×K with row stride lda, or K×M (row stride lda) when transA != 0.
 * op(B) is K×N: B is stored K×N with row stride ldb, or N×K (row stride ldb) when transB != 0.
 * Pointers are byte addresses, 4-byte aligned (not necessarily 16). Any M, N, K >= 0 (K = 0 → C = 0).
 */
export function sgemm(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  transA: i32, transB: i32, scratch: usize): void {
  gemm<f32>(M, N, K, a, lda, b, ldb, c, ldc, transA, transB, scratch);
}

/**
 * C = op(A)·op(B), float64: as sgemm, with 8-byte elements (pointers 8-byte aligned, not
 * necessarily 16; strides in elements).
 */
export function dgemm(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  transA: i32, transB: i32, scratch: usize): void {
  gemm<f64>(M, N, K, a, lda, b, ldb, c, ldc, transA, transB, scratch);
}

function scratchBytes<T>(M: i32, N: i32, K: i32): usize {
  if (M <= 0 || N <= 0 || K <= 0) return 64;
  const NR = nrOf<T>();
  const kc = imin(K, KC), nc = roundUp(imin(N, ncOf<T>()), NR), mc = roundUp(imin(M, MC), MR);
  // 64 bytes of slack to align the buffers to cache lines, then B panels, A panels, edge
  // tile, zero tile.
  return 64 + (<usize>(kc * nc + mc * kc + MR * NR) << shift<T>()) + ZERO;
}

function gemm<T>(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  transA: i32, transB: i32, scratch: usize): void {
  if (M <= 0 || N <= 0) return;
  const SH = shift<T>(), NR = nrOf<T>(), NC = ncOf<T>();
  const ldcb = <usize>ldc << SH;
  if (K <= 0) {
    for (let i = 0; i < M; i++) memory.fill(c + <usize>i * ldcb, 0, <usize>N << SH);
    return;
  }
  const kcMax = imin(K, KC), ncMax = roundUp(imin(N, NC), NR), mcMax = roundUp(imin(M, MC), MR);
  const bp = (scratch + 63) & ~<usize>63;
  const ap = bp + (<usize>(kcMax * ncMax) << SH);
  const tile = ap + (<usize>(mcMax * kcMax) << SH);
  const zero = tile + (<usize>(MR * NR) << SH);
  memory.fill(zero, 0, ZERO);
  if (transB && M <= DOT_M) {
    gemmDot<T>(M, N, K, a, lda, b, ldb, c, ldc, transA, ap);
    return;
  }
  const direct = !transB && M <= (sizeof<T>() == 4 ? DIRECT_M_F32 : DIRECT_M_F64);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = imin(NC, N - jc);
    const full = nc / NR * NR; // columns in whole panels
    for (let pc = 0; pc < K; pc += KC) {
      const kc = imin(KC, K - pc);
      const acc = pc > 0;
      if (direct) {
        if (full < nc) packBN<T>(kc, nc - full, b + ((<usize>pc * ldb + jc + full) << SH), ldb, bp);
      } else if (transB) {
        packBT<T>(kc, nc, b + ((<usize>jc * ldb + pc) << SH), ldb, bp);
      } else {
        packBN<T>(kc, nc, b + ((<usize>pc * ldb + jc) << SH), ldb, bp);
      }
      for (let ic = 0; ic < M; ic += MC) {
        const mc = imin(MC, M - ic);
        if (transA) packAT<T>(mc, kc, a + ((<usize>pc * lda + ic) << SH), lda, ap);
        else packAN<T>(mc, kc, a + ((<usize>ic * lda + pc) << SH), lda, ap);
        const cblk = c + ((<usize>ic * ldc + jc) << SH);
        // In direct mode, rows left over below the last whole row tile run the one-row
        // kernel over whole 128-byte column blocks of B instead of a zero-padded tile.
        const mcFull = mc / MR * MR;
        const rowsAlone = direct && mcFull < mc;
        const thin = !direct && mc - mcFull > 0 && mc - mcFull <= 2; // last 1-2 rows: thinRows
        const jRows = rowsAlone ? full / ROWW<T>() * ROWW<T>() : 0; // columns done by the row kernel
        if (rowsAlone) {
          for (let r = mcFull; r < mc; r++) {
            const pa = ap + (<usize>(mcFull * kc + r - mcFull) << SH);
            for (let j = 0; j < jRows; j += ROWW<T>()) {
              rowKernel<T>(kc, pa, b + ((<usize>pc * ldb + jc + j) << SH), <usize>ldb << SH,
                cblk + ((<usize>r * ldc + j) << SH), acc);
            }
          }
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = imin(NR, nc - jr);
          let pb = bp + (<usize>(jr * kc) << SH), sb = <usize>NRB; // panel, bytes per k
          if (direct) {
            if (jr < full) {
              pb = b + ((<usize>pc * ldb + jc + jr) << SH);
              sb = <usize>ldb << SH;
            } else {
              pb = bp;
            }
          }
          const mEnd = jr < jRows || thin ? mcFull : mc; // rows of this panel still to do
          for (let ir = 0; ir < mEnd; ir += MR) {
            const mr = imin(MR, mc - ir);
            const pa = ap + (<usize>(ir * kc) << SH);
            const cp = cblk + ((<usize>ir * ldc + jr) << SH);
            if (mr == MR && nr == NR) {
              kernel<T>(kc, pa, pb, sb, cp, ldcb, acc ? cp : zero, acc ? ldcb : 0);
            } else {
              kernel<T>(kc, pa, pb, sb, tile, <usize>NRB, zero, 0);
              storeEdge<T>(mr, nr, tile, cp, ldcb, acc);
            }
          }
        }
        if (thin) {
          thinRows<T>(mc - mcFull, kc, ap + (<usize>(mcFull * kc) << SH), bp, 0, nc,
            cblk + (<usize>mcFull * ldcb), ldcb, tile, acc);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Pre-packed B, for the thread pool: op(B) is packed once per product (its depth blocks
// and column ranges split among the threads), then every thread multiplies its own blocks
// of C against the shared packed copy, so no thread re-packs B.
//
// Layout: for each block of NC columns jc and each block of KC rows pc, the block's
// panels (kc × ncb elements, ncb = the block's width rounded up to NR) start at element
// jc·K + pc·ncb; panel jr (a column offset inside the block) starts jr·kc further.

/** Bytes of the fully packed op(B) (K×N) that sgemmPackB writes and sgemmPacked reads. */
export function sgemmPackedBBytes(N: i32, K: i32): usize {
  if (N <= 0 || K <= 0) return 64;
  return <usize>K * <usize>roundUp(N, nrOf<f32>()) << 2;
}

/** Bytes of scratch sgemmPacked needs per caller (packed A block and edge tile). */
export function sgemmPackedScratchBytes(M: i32, K: i32): usize {
  if (M <= 0 || K <= 0) return 64;
  return 64 + (<usize>(roundUp(imin(M, MC), MR) * imin(K, KC) + MR * nrOf<f32>()) << 2) + ZERO;
}

/** The depth of a packed block of B (KC): sgemmPackB splits K at multiples of it. */
export function sgemmDepthBlock(): i32 {
  return KC;
}

/**
 * Packs rows [k0, k1) and columns [j0, j1) of op(B) (K×N; B stored K×N, or N×K when
 * transB != 0, row stride ldb elements) into the packed layout at d (16-byte aligned).
 * k0 and k1 are multiples of sgemmDepthBlock() or k1 = K; j0 and j1 are multiples of 16
 * columns or j1 = N: disjoint ranges can be packed by different threads.
 */
export function sgemmPackB(K: i32, N: i32, b: usize, ldb: i32, transB: i32, d: usize, j0: i32, j1: i32, k0: i32, k1: i32): void {
  packB<f32>(K, N, b, ldb, transB, d, j0, j1, k0, k1);
}

/**
 * C[0..M)[j0..j1) = op(A)·op(B) with op(B) pre-packed at bp by sgemmPackB (all N columns),
 * OVERWRITING those elements of C (c points at C[0][0], row stride ldc). op(A) as in sgemm.
 * j0 is a multiple of 16, j1 a multiple of 16 or N. scratch: sgemmPackedScratchBytes(M, K).
 */
export function sgemmPacked(M: i32, N: i32, K: i32, a: usize, lda: i32, transA: i32, bp: usize,
  c: usize, ldc: i32, scratch: usize, j0: i32, j1: i32): void {
  gemmPacked<f32>(M, N, K, a, lda, transA, bp, c, ldc, scratch, j0, j1);
}

function packB<T>(K: i32, N: i32, b: usize, ldb: i32, transB: i32, d: usize, j0: i32, j1: i32, k0: i32, k1: i32): void {
  const SH = shift<T>(), NR = nrOf<T>(), NC = ncOf<T>();
  if (j1 > N) j1 = N;
  if (k1 > K) k1 = K;
  for (let jc = j0 / NC * NC; jc < j1; jc += NC) {
    const nc = imin(NC, N - jc), ncb = roundUp(nc, NR);
    const c0 = j0 > jc ? j0 : jc, c1 = imin(j1, jc + nc);
    if (c0 >= c1) continue;
    for (let pc = k0; pc < k1; pc += KC) {
      const kc = imin(KC, K - pc);
      const dst = d + (<usize>(jc * K + pc * ncb + (c0 - jc) * kc) << SH);
      if (transB) packBT<T>(kc, c1 - c0, b + ((<usize>c0 * ldb + pc) << SH), ldb, dst);
      else packBN<T>(kc, c1 - c0, b + ((<usize>pc * ldb + c0) << SH), ldb, dst);
    }
  }
}

function gemmPacked<T>(M: i32, N: i32, K: i32, a: usize, lda: i32, transA: i32, bpk: usize,
  c: usize, ldc: i32, scratch: usize, j0: i32, j1: i32): void {
  if (j1 > N) j1 = N;
  if (M <= 0 || j0 >= j1) return;
  const SH = shift<T>(), NR = nrOf<T>(), NC = ncOf<T>();
  const ldcb = <usize>ldc << SH;
  if (K <= 0) {
    for (let i = 0; i < M; i++) memory.fill(c + <usize>i * ldcb + (<usize>j0 << SH), 0, <usize>(j1 - j0) << SH);
    return;
  }
  const kcMax = imin(K, KC), mcMax = roundUp(imin(M, MC), MR);
  const ap = (scratch + 63) & ~<usize>63;
  const tile = ap + (<usize>(mcMax * kcMax) << SH);
  const zero = tile + (<usize>(MR * NR) << SH);
  memory.fill(zero, 0, ZERO);
  for (let jc = j0 / NC * NC; jc < j1; jc += NC) {
    const nc = imin(NC, N - jc), ncb = roundUp(nc, NR);
    const c0 = (j0 > jc ? j0 : jc) - jc, c1 = imin(j1, jc + nc) - jc; // columns inside the block
    for (let pc = 0; pc < K; pc += KC) {
      const kc = imin(KC, K - pc);
      const acc = pc > 0;
      const bblk = bpk + (<usize>(jc * K + pc * ncb) << SH);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = imin(MC, M - ic);
        if (transA) packAT<T>(mc, kc, a + ((<usize>pc * lda + ic) << SH), lda, ap);
        else packAN<T>(mc, kc, a + ((<usize>ic * lda + pc) << SH), lda, ap);
        const cblk = c + ((<usize>ic * ldc + jc) << SH);
        const mcFull = mc / MR * MR;
        const thin = mc - mcFull > 0 && mc - mcFull <= 2; // last 1-2 rows: thinRows
        const mEnd = thin ? mcFull : mc;
        for (let jr = c0; jr < c1; jr += NR) {
          const nr = imin(NR, c1 - jr);
          const pb = bblk + (<usize>(jr * kc) << SH);
          for (let ir = 0; ir < mEnd; ir += MR) {
            const mr = imin(MR, mc - ir);
            const pa = ap + (<usize>(ir * kc) << SH);
            const cp = cblk + ((<usize>ir * ldc + jr) << SH);
            if (mr == MR && nr == NR) {
              kernel<T>(kc, pa, pb, <usize>NRB, cp, ldcb, acc ? cp : zero, acc ? ldcb : 0);
            } else {
              kernel<T>(kc, pa, pb, <usize>NRB, tile, <usize>NRB, zero, 0);
              storeEdge<T>(mr, nr, tile, cp, ldcb, acc);
            }
          }
        }
        if (thin) {
          thinRows<T>(mc - mcFull, kc, ap + (<usize>(mcFull * kc) << SH), bblk, c0, c1,
            cblk + (<usize>mcFull * ldcb), ldcb, tile, acc);
        }
      }
    }
  }
}

/**
 * C = op(A)·Bᵀ for a few rows of C, B stored N×K: every element of C is a dot product of
 * two contiguous rows, four rows of B at a time, so B is streamed once per row of C and
 * never packed. op(A) is copied to contiguous rows at ap when A is transposed.
 */
function gemmDot<T>(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  transA: i32, ap: usize): void {
  const SH = shift<T>();
  const ldbb = <usize>ldb << SH;
  const n4 = N & ~3;
  for (let pc = 0; pc < K; pc += KC) {
    const kc = imin(KC, K - pc);
    const acc = pc > 0;
    if (transA) {
      for (let i = 0; i < M; i++) {
        const d = ap + (<usize>(i * kc) << SH), s = a + ((<usize>pc * lda + i) << SH);
        for (let k = 0; k < kc; k++) store<T>(d + (<usize>k << SH), load<T>(s + <usize>k * (<usize>lda << SH)));
      }
    }
    for (let i = 0; i < M; i++) {
      const ar = transA ? ap + (<usize>(i * kc) << SH) : a + ((<usize>i * lda + pc) << SH);
      const ci = c + ((<usize>i * ldc) << SH);
      const bk = b + (<usize>pc << SH);
      for (let j = 0; j < n4; j += 4) dot4<T>(kc, ar, bk + <usize>j * ldbb, ldbb, ci + (<usize>j << SH), acc);
      for (let j = n4; j < N; j++) {
        const br = bk + <usize>j * ldbb;
        let sum = <T>0;
        for (let k = 0; k < kc; k++) sum += load<T>(ar + (<usize>k << SH)) * load<T>(br + (<usize>k << SH));
        const cp = ci + (<usize>j << SH);
        store<T>(cp, acc ? load<T>(cp) + sum : sum);
      }
    }
  }
}

/** C[0..4) (+)= dot(a, b rows 0..3) over kc elements; the rows of b are sbb bytes apart. */
function dot4<T>(kc: i32, a: usize, b: usize, sbb: usize, c: usize, acc: bool): void {
  const SH = shift<T>();
  let s0 = v128.splat<T>(<T>0), s1 = s0, s2 = s0, s3 = s0;
  const b1 = b + sbb, b2 = b1 + sbb, b3 = b2 + sbb;
  const kvb = <usize>(kc << <i32>SH) & ~<usize>15; // bytes in whole vectors
  for (let o: usize = 0; o < kvb; o += 16) {
    const x = v128.load(a + o);
    s0 = madd<T>(x, v128.load(b + o), s0); s1 = madd<T>(x, v128.load(b1 + o), s1);
    s2 = madd<T>(x, v128.load(b2 + o), s2); s3 = madd<T>(x, v128.load(b3 + o), s3);
  }
  let r0 = hsum<T>(s0), r1 = hsum<T>(s1), r2 = hsum<T>(s2), r3 = hsum<T>(s3);
  for (let o = kvb; o < (<usize>kc << SH); o += sizeof<T>()) {
    const x = load<T>(a + o);
    r0 += x * load<T>(b + o); r1 += x * load<T>(b1 + o); r2 += x * load<T>(b2 + o); r3 += x * load<T>(b3 + o);
  }
  if (acc) {
    r0 += load<T>(c); r1 += load<T>(c + sizeof<T>()); r2 += load<T>(c + 2 * sizeof<T>()); r3 += load<T>(c + 3 * sizeof<T>());
  }
  store<T>(c, r0); store<T>(c + sizeof<T>(), r1); store<T>(c + 2 * sizeof<T>(), r2); store<T>(c + 3 * sizeof<T>(), r3);
}

/** Sum of the lanes of a vector of T. */
// @ts-ignore: decorator
@inline function hsum<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    const h = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    return <T>(f32x4.extract_lane(h, 0) + f32x4.extract_lane(h, 1));
  } else {
    return <T>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
  }
}

/** Copies the top-left mr×nr of the scratch tile (row stride NR) to C, adding when acc. */
function storeEdge<T>(mr: i32, nr: i32, tile: usize, c: usize, ldcb: usize, acc: bool): void {
  const SH = shift<T>();
  for (let i = 0; i < mr; i++) {
    const t = tile + <usize>(i * NRB), ci = c + <usize>i * ldcb;
    if (acc) {
      for (let j = 0; j < nr; j++) {
        const p = ci + (<usize>j << SH);
        store<T>(p, load<T>(p) + load<T>(t + (<usize>j << SH)));
      }
    } else {
      for (let j = 0; j < nr; j++) store<T>(ci + (<usize>j << SH), load<T>(t + (<usize>j << SH)));
    }
  }
}

// ---------------------------------------------------------------------------
// Micro-kernels: C tile = init tile + A panel · B panel over kc steps; B advances sb bytes
// per k; the init tile's rows are ldib bytes apart (0: one zero row read again).

// @ts-ignore: decorator
@inline function kernel<T>(kc: i32, pa: usize, pb: usize, sb: usize, c: usize, ldcb: usize, init: usize, ldib: usize): void {
  if (sizeof<T>() == 4) {
    if (RELAXED) kernel6x8(kc, pa, pb, sb, c, ldcb, init, ldib);
    else kernel4x8(kc, pa, pb, sb, c, ldcb, init, ldib);
  } else {
    if (RELAXED) kernel6x4d(kc, pa, pb, sb, c, ldcb, init, ldib);
    else kernel4x4d(kc, pa, pb, sb, c, ldcb, init, ldib);
  }
}

/**
 * The last 1 or 2 rows of a row block (an MR-tall tile would compute MR rows to keep 2:
 * at M = 128, 128 = 21·6 + 2, that wasted 3% of the product), over panels jr0 ≤ jr < jr1
 * packed at bp, two panels at a time by kernel2x16 into the scratch tile, then copied out.
 * pa is the rows' packed A (MR elements per k, zero past M); c is C at the first row.
 */
function thinRows<T>(rows: i32, kc: i32, pa: usize, bp: usize, jr0: i32, jr1: i32, c: usize, ldcb: usize,
  tile: usize, acc: bool): void {
  const SH = shift<T>(), NR = nrOf<T>();
  const panelb = <usize>kc * <usize>NRB; // bytes per packed panel
  for (let jr = jr0; jr < jr1; jr += 2 * NR) {
    const pb = bp + (<usize>(jr * kc) << SH);
    const nr0 = imin(NR, jr1 - jr), nr1 = imin(NR, jr1 - jr - NR);
    kernel2x16<T>(kc, pa, pb, nr1 > 0 ? pb + panelb : pb, tile);
    const cp = c + (<usize>jr << SH);
    storeEdge<T>(rows, nr0, tile, cp, ldcb, acc);
    if (nr1 > 0) storeEdge<T>(rows, nr1, tile + 2 * <usize>NRB, cp + <usize>NRB, ldcb, acc);
  }
}

/**
 * Two rows of A's panel (element stride MR) times two B panels (pb, pb2; NRB bytes per k):
 * 8 accumulators, the 2×(2 NR) product stored at tile as two 2×NR tiles (row stride NRB).
 */
function kernel2x16<T>(kc: i32, pa: usize, pb: usize, pb2: usize, tile: usize): void {
  let c00 = v128.splat<T>(<T>0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  const sa = <usize>MR << shift<T>(), se = <usize>sizeof<T>();
  const pend = pa + <usize>kc * sa;
  while (pa < pend) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16), b2 = v128.load(pb2), b3 = v128.load(pb2, 16);
    let a = sizeof<T>() == 4 ? v128.load32_splat(pa) : v128.load64_splat(pa);
    c00 = madd<T>(a, b0, c00); c01 = madd<T>(a, b1, c01); c02 = madd<T>(a, b2, c02); c03 = madd<T>(a, b3, c03);
    a = sizeof<T>() == 4 ? v128.load32_splat(pa + se) : v128.load64_splat(pa + se);
    c10 = madd<T>(a, b0, c10); c11 = madd<T>(a, b1, c11); c12 = madd<T>(a, b2, c12); c13 = madd<T>(a, b3, c13);
    pa += sa; pb += <usize>NRB; pb2 += <usize>NRB;
  }
  v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c02, 64); v128.store(tile, c03, 80); v128.store(tile, c12, 96); v128.store(tile, c13, 112);
}

/** float32 4×8 tile: A panel 4 floats per k, B 8 floats per k; mul + add. */
function kernel4x8(kc: i32, pa: usize, pb: usize, sb: usize, c: usize, ldcb: usize, init: usize, ldib: usize): void {
  let c00 = v128.load(init), c01 = v128.load(init, 16); init += ldib;
  let c10 = v128.load(init), c11 = v128.load(init, 16); init += ldib;
  let c20 = v128.load(init), c21 = v128.load(init, 16); init += ldib;
  let c30 = v128.load(init), c31 = v128.load(init, 16);
  const pend = pa + <usize>kc * 16;
  while (pa < pend) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += 16; pb += sb;
  }
  v128.store(c, c00); v128.store(c, c01, 16); c += ldcb;
  v128.store(c, c10); v128.store(c, c11, 16); c += ldcb;
  v128.store(c, c20); v128.store(c, c21, 16); c += ldcb;
  v128.store(c, c30); v128.store(c, c31, 16);
}

/** float32 6×8 tile: A panel 6 floats per k, B 8 floats per k; fused multiply-add. */
function kernel6x8(kc: i32, pa: usize, pb: usize, sb: usize, c: usize, ldcb: usize, init: usize, ldib: usize): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    let c00 = v128.load(init), c01 = v128.load(init, 16); init += ldib;
    let c10 = v128.load(init), c11 = v128.load(init, 16); init += ldib;
    let c20 = v128.load(init), c21 = v128.load(init, 16); init += ldib;
    let c30 = v128.load(init), c31 = v128.load(init, 16); init += ldib;
    let c40 = v128.load(init), c41 = v128.load(init, 16); init += ldib;
    let c50 = v128.load(init), c51 = v128.load(init, 16);
    const pend = pa + <usize>kc * 24;
    while (pa < pend) {
      const b0 = v128.load(pb), b1 = v128.load(pb, 16);
      let a = v128.load32_splat(pa);
      c00 = f32x4.relaxed_madd(a, b0, c00); c01 = f32x4.relaxed_madd(a, b1, c01);
      a = v128.load32_splat(pa, 4);
      c10 = f32x4.relaxed_madd(a, b0, c10); c11 = f32x4.relaxed_madd(a, b1, c11);
      a = v128.load32_splat(pa, 8);
      c20 = f32x4.relaxed_madd(a, b0, c20); c21 = f32x4.relaxed_madd(a, b1, c21);
      a = v128.load32_splat(pa, 12);
      c30 = f32x4.relaxed_madd(a, b0, c30); c31 = f32x4.relaxed_madd(a, b1, c31);
      a = v128.load32_splat(pa, 16);
      c40 = f32x4.relaxed_madd(a, b0, c40); c41 = f32x4.relaxed_madd(a, b1, c41);
      a = v128.load32_splat(pa, 20);
      c50 = f32x4.relaxed_madd(a, b0, c50); c51 = f32x4.relaxed_madd(a, b1, c51);
      pa += 24; pb += sb;
    }
    v128.store(c, c00); v128.store(c, c01, 16); c += ldcb;
    v128.store(c, c10); v128.store(c, c11, 16); c += ldcb;
    v128.store(c, c20); v128.store(c, c21, 16); c += ldcb;
    v128.store(c, c30); v128.store(c, c31, 16); c += ldcb;
    v128.store(c, c40); v128.store(c, c41, 16); c += ldcb;
    v128.store(c, c50); v128.store(c, c51, 16);
  }
}

/** float64 4×4 tile: A panel 4 doubles per k, B 4 doubles per k; mul + add. */
function kernel4x4d(kc: i32, pa: usize, pb: usize, sb: usize, c: usize, ldcb: usize, init: usize, ldib: usize): void {
  let c00 = v128.load(init), c01 = v128.load(init, 16); init += ldib;
  let c10 = v128.load(init), c11 = v128.load(init, 16); init += ldib;
  let c20 = v128.load(init), c21 = v128.load(init, 16); init += ldib;
  let c30 = v128.load(init), c31 = v128.load(init, 16);
  const pend = pa + <usize>kc * 32;
  while (pa < pend) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load64_splat(pa);
    c00 = f64x2.add(c00, f64x2.mul(a, b0)); c01 = f64x2.add(c01, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 8);
    c10 = f64x2.add(c10, f64x2.mul(a, b0)); c11 = f64x2.add(c11, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 16);
    c20 = f64x2.add(c20, f64x2.mul(a, b0)); c21 = f64x2.add(c21, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 24);
    c30 = f64x2.add(c30, f64x2.mul(a, b0)); c31 = f64x2.add(c31, f64x2.mul(a, b1));
    pa += 32; pb += sb;
  }
  v128.store(c, c00); v128.store(c, c01, 16); c += ldcb;
  v128.store(c, c10); v128.store(c, c11, 16); c += ldcb;
  v128.store(c, c20); v128.store(c, c21, 16); c += ldcb;
  v128.store(c, c30); v128.store(c, c31, 16);
}

/** float64 6×4 tile: A panel 6 doubles per k, B 4 doubles per k; fused multiply-add. */
function kernel6x4d(kc: i32, pa: usize, pb: usize, sb: usize, c: usize, ldcb: usize, init: usize, ldib: usize): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    let c00 = v128.load(init), c01 = v128.load(init, 16); init += ldib;
    let c10 = v128.load(init), c11 = v128.load(init, 16); init += ldib;
    let c20 = v128.load(init), c21 = v128.load(init, 16); init += ldib;
    let c30 = v128.load(init), c31 = v128.load(init, 16); init += ldib;
    let c40 = v128.load(init), c41 = v128.load(init, 16); init += ldib;
    let c50 = v128.load(init), c51 = v128.load(init, 16);
    const pend = pa + <usize>kc * 48;
    while (pa < pend) {
      const b0 = v128.load(pb), b1 = v128.load(pb, 16);
      let a = v128.load64_splat(pa);
      c00 = f64x2.relaxed_madd(a, b0, c00); c01 = f64x2.relaxed_madd(a, b1, c01);
      a = v128.load64_splat(pa, 8);
      c10 = f64x2.relaxed_madd(a, b0, c10); c11 = f64x2.relaxed_madd(a, b1, c11);
      a = v128.load64_splat(pa, 16);
      c20 = f64x2.relaxed_madd(a, b0, c20); c21 = f64x2.relaxed_madd(a, b1, c21);
      a = v128.load64_splat(pa, 24);
      c30 = f64x2.relaxed_madd(a, b0, c30); c31 = f64x2.relaxed_madd(a, b1, c31);
      a = v128.load64_splat(pa, 32);
      c40 = f64x2.relaxed_madd(a, b0, c40); c41 = f64x2.relaxed_madd(a, b1, c41);
      a = v128.load64_splat(pa, 40);
      c50 = f64x2.relaxed_madd(a, b0, c50); c51 = f64x2.relaxed_madd(a, b1, c51);
      pa += 48; pb += sb;
    }
    v128.store(c, c00); v128.store(c, c01, 16); c += ldcb;
    v128.store(c, c10); v128.store(c, c11, 16); c += ldcb;
    v128.store(c, c20); v128.store(c, c21, 16); c += ldcb;
    v128.store(c, c30); v128.store(c, c31, 16); c += ldcb;
    v128.store(c, c40); v128.store(c, c41, 16); c += ldcb;
    v128.store(c, c50); v128.store(c, c51, 16);
  }
}

/** Columns of C per one-row kernel call: 128 bytes, 8 accumulators. */
// @ts-ignore: decorator
@inline function ROWW<T>(): i32 { return 128 >> <i32>shift<T>(); }

/**
 * One row of C (+)= one row of a packed A panel (element stride MR) · 128 bytes of columns
 * of B read in place (sb bytes per k): 8 accumulators, one broadcast and 8 loads per k.
 */
function rowKernel<T>(kc: i32, pa: usize, pb: usize, sb: usize, c: usize, acc: bool): void {
  let c0 = v128.splat<T>(<T>0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  const sa = <usize>MR << shift<T>();
  const pend = pa + <usize>kc * sa;
  while (pa < pend) {
    const a = sizeof<T>() == 4 ? v128.load32_splat(pa) : v128.load64_splat(pa);
    const b0 = v128.load(pb), b1 = v128.load(pb, 16), b2 = v128.load(pb, 32), b3 = v128.load(pb, 48);
    const b4 = v128.load(pb, 64), b5 = v128.load(pb, 80), b6 = v128.load(pb, 96), b7 = v128.load(pb, 112);
    c0 = madd<T>(a, b0, c0); c1 = madd<T>(a, b1, c1); c2 = madd<T>(a, b2, c2); c3 = madd<T>(a, b3, c3);
    c4 = madd<T>(a, b4, c4); c5 = madd<T>(a, b5, c5); c6 = madd<T>(a, b6, c6); c7 = madd<T>(a, b7, c7);
    pa += sa; pb += sb;
  }
  if (acc) {
    c0 = v128.add<T>(c0, v128.load(c)); c1 = v128.add<T>(c1, v128.load(c, 16));
    c2 = v128.add<T>(c2, v128.load(c, 32)); c3 = v128.add<T>(c3, v128.load(c, 48));
    c4 = v128.add<T>(c4, v128.load(c, 64)); c5 = v128.add<T>(c5, v128.load(c, 80));
    c6 = v128.add<T>(c6, v128.load(c, 96)); c7 = v128.add<T>(c7, v128.load(c, 112));
  }
  v128.store(c, c0); v128.store(c, c1, 16); v128.store(c, c2, 32); v128.store(c, c3, 48);
  v128.store(c, c4, 64); v128.store(c, c5, 80); v128.store(c, c6, 96); v128.store(c, c7, 112);
}

/** a·b + c: fused in the relaxed build, mul + add in the baseline build. */
// @ts-ignore: decorator
@inline function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return sizeof<T>() == 4 ? f32x4.relaxed_madd(a, b, c) : f64x2.relaxed_madd(a, b, c);
  } else {
    return v128.add<T>(c, v128.mul<T>(a, b));
  }
}

// ---------------------------------------------------------------------------
// Packing. "N" = operand stored as op() sees it, "T" = stored transposed. Sizes in
// elements, addresses and strides in bytes unless named otherwise.

/** 4×4 float32 transpose: rows at s, s+ssb, ... → columns stored as rows at d, d+dsb, ... */
// @ts-ignore: decorator
@inline function transpose4x4(s: usize, ssb: usize, d: usize, dsb: usize): void {
  const r0 = v128.load(s), r1 = v128.load(s + ssb), r2 = v128.load(s + 2 * ssb), r3 = v128.load(s + 3 * ssb);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(d + dsb, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(d + 2 * dsb, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(d + 3 * dsb, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/** 2×2 float64 transpose: rows at s, s+ssb → columns stored as rows at d, d+dsb. */
// @ts-ignore: decorator
@inline function transpose2x2(s: usize, ssb: usize, d: usize, dsb: usize): void {
  const r0 = v128.load(s), r1 = v128.load(s + ssb);
  v128.store(d, v128.shuffle<f64>(r0, r1, 0, 2));
  v128.store(d + dsb, v128.shuffle<f64>(r0, r1, 1, 3));
}

/**
 * Packs op(B) = B[kc × nc] (row stride ldb elements) into NR-wide panels at d. Goes 64
 * bytes of columns (one or two panels) at a time down all kc rows, so that the writes are
 * sequential streams and every byte read from a cache line of B is used.
 */
function packBN<T>(kc: i32, nc: i32, b: usize, ldb: i32, d: usize): void {
  const SH = shift<T>(), NR = nrOf<T>();
  const ldbb = <usize>ldb << SH;
  const chunk = 64 >> <i32>SH; // columns in 64 bytes
  const full = nc / chunk * chunk;
  for (let j = 0; j < full; j += chunk) {
    let s = b + (<usize>j << SH);
    let p = d + (<usize>(j * kc) << SH);
    // NRB == 32: two panels side by side
    let q = p + (<usize>(kc * NRB));
    for (let k = 0; k < kc; k++) {
      const x0 = v128.load(s), x1 = v128.load(s, 16), x2 = v128.load(s, 32), x3 = v128.load(s, 48);
      v128.store(p, x0); v128.store(p, x1, 16); v128.store(q, x2); v128.store(q, x3, 16);
      s += ldbb; p += 32; q += 32;
    }
  }
  for (let j0 = full; j0 < nc; j0 += NR) {
    const nrb = imin(NR, nc - j0) << <i32>SH, n16 = nrb & ~15;
    let s = b + (<usize>j0 << SH);
    let p = d + (<usize>(j0 * kc) << SH);
    for (let k = 0; k < kc; k++) {
      let j = 0;
      for (; j < n16; j += 16) v128.store(p + <usize>j, v128.load(s + <usize>j));
      for (; j < nrb; j += 4) store<u32>(p + <usize>j, load<u32>(s + <usize>j));
      for (; j < NRB; j += 4) store<u32>(p + <usize>j, 0);
      s += ldbb; p += <usize>NRB;
    }
  }
}

/** Packs op(B) = Bᵀ, B stored [nc × kc] (row stride ldb elements), into NR-wide panels at d. */
function packBT<T>(kc: i32, nc: i32, b: usize, ldb: i32, d: usize): void {
  const SH = shift<T>(), NR = nrOf<T>();
  const G = 16 >> <i32>SH; // elements per v128: the transpose block
  const ldbb = <usize>ldb << SH;
  const rowb = <usize>NRB; // bytes per k in a panel
  const kg = kc / G * G;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const panel = d + (<usize>(j0 * kc) << SH);
    const nr = imin(NR, nc - j0);
    const ng = nr / G * G;
    for (let jj = 0; jj < ng; jj += G) {
      const s = b + <usize>(j0 + jj) * ldbb;
      const p = panel + (<usize>jj << SH);
      for (let k = 0; k < kg; k += G) {
        if (sizeof<T>() == 4) transpose4x4(s + (<usize>k << 2), ldbb, p + <usize>k * rowb, rowb);
        else transpose2x2(s + (<usize>k << 3), ldbb, p + <usize>k * rowb, rowb);
      }
      for (let k = kg; k < kc; k++) {
        const sk = s + (<usize>k << SH), pk = p + <usize>k * rowb;
        for (let g = 0; g < G; g++) store<T>(pk + (<usize>g << SH), load<T>(sk + <usize>g * ldbb));
      }
    }
    if (ng < NR) {
      for (let k = 0; k < kc; k++) {
        const pk = panel + <usize>k * rowb, sk = b + (<usize>k << SH);
        for (let jj = ng; jj < nr; jj++) store<T>(pk + (<usize>jj << SH), load<T>(sk + <usize>(j0 + jj) * ldbb));
        for (let jj = nr; jj < NR; jj++) store<T>(pk + (<usize>jj << SH), <T>0);
      }
    }
  }
}

/** Packs op(A) = A[mc × kc] (row stride lda elements) into MR-tall panels at d. */
function packAN<T>(mc: i32, kc: i32, a: usize, lda: i32, d: usize): void {
  const SH = shift<T>();
  const G = 16 >> <i32>SH;
  const ldab = <usize>lda << SH;
  const rowb = <usize>MR << SH; // bytes per k in a panel
  const kg = kc / G * G;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const panel = d + (<usize>(i0 * kc) << SH);
    const s = a + <usize>i0 * ldab;
    const mr = imin(MR, mc - i0);
    if (mr == MR) {
      if (sizeof<T>() == 4) {
        if (MR == 4) {
          for (let k = 0; k < kg; k += 4) transpose4x4(s + (<usize>k << 2), ldab, panel + <usize>k * rowb, rowb);
        } else { // MR == 6: rows 0-3 by a 4×4 transpose, rows 4-5 interleaved, four k at a time
          for (let k = 0; k < kg; k += 4) {
            const p = panel + <usize>k * rowb, sk = s + (<usize>k << 2);
            transpose4x4(sk, ldab, p, rowb);
            const r4 = v128.load(sk + 4 * ldab), r5 = v128.load(sk + 5 * ldab);
            const lo = v128.shuffle<f32>(r4, r5, 0, 4, 1, 5), hi = v128.shuffle<f32>(r4, r5, 2, 6, 3, 7);
            v128.store64_lane(p + 16, lo, 0); v128.store64_lane(p + 16 + rowb, lo, 1);
            v128.store64_lane(p + 16 + 2 * rowb, hi, 0); v128.store64_lane(p + 16 + 3 * rowb, hi, 1);
          }
        }
      } else { // float64: 2×2 blocks, MR / 2 of them side by side
        for (let i = 0; i < MR; i += 2) {
          const si = s + <usize>i * ldab, pi = panel + (<usize>i << 3);
          for (let k = 0; k < kg; k += 2) transpose2x2(si + (<usize>k << 3), ldab, pi + <usize>k * rowb, rowb);
        }
      }
      for (let k = kg; k < kc; k++) {
        const p = panel + <usize>k * rowb;
        for (let i = 0; i < MR; i++) store<T>(p + (<usize>i << SH), load<T>(s + <usize>i * ldab + (<usize>k << SH)));
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const p = panel + <usize>k * rowb;
        for (let i = 0; i < mr; i++) store<T>(p + (<usize>i << SH), load<T>(s + <usize>i * ldab + (<usize>k << SH)));
        for (let i = mr; i < MR; i++) store<T>(p + (<usize>i << SH), <T>0);
      }
    }
  }
}

/** Packs op(A) = Aᵀ, A stored [kc × mc] (row stride lda elements), into MR-tall panels at d. */
function packAT<T>(mc: i32, kc: i32, a: usize, lda: i32, d: usize): void {
  const SH = shift<T>();
  const ldab = <usize>lda << SH;
  const rowb = <usize>MR << SH; // bytes per k in a panel: 16 or 32 (MR 4), 24 or 48 (MR 6)
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const panel = d + (<usize>(i0 * kc) << SH);
    const s = a + (<usize>i0 << SH);
    const mr = imin(MR, mc - i0);
    if (mr == MR) {
      if (rowb == 16) {
        for (let k = 0; k < kc; k++) v128.store(panel + <usize>k * rowb, v128.load(s + <usize>k * ldab));
      } else if (rowb == 24) {
        for (let k = 0; k < kc; k++) {
          const sk = s + <usize>k * ldab, pk = panel + <usize>k * rowb;
          v128.store(pk, v128.load(sk)); store<u64>(pk + 16, load<u64>(sk + 16));
        }
      } else if (rowb == 32) {
        for (let k = 0; k < kc; k++) {
          const sk = s + <usize>k * ldab, pk = panel + <usize>k * rowb;
          v128.store(pk, v128.load(sk)); v128.store(pk, v128.load(sk, 16), 16);
        }
      } else { // 48
        for (let k = 0; k < kc; k++) {
          const sk = s + <usize>k * ldab, pk = panel + <usize>k * rowb;
          v128.store(pk, v128.load(sk)); v128.store(pk, v128.load(sk, 16), 16); v128.store(pk, v128.load(sk, 32), 32);
        }
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const p = panel + <usize>k * rowb, sk = s + <usize>k * ldab;
        for (let i = 0; i < mr; i++) store<T>(p + (<usize>i << SH), load<T>(sk + (<usize>i << SH)));
        for (let i = mr; i < MR; i++) store<T>(p + (<usize>i << SH), <T>0);
      }
    }
  }
}
