// Float32 (and float64) matrix products: packed, register-blocked GEMM.
//
// Design (GotoBLAS/BLIS style, tuned for V8's 16 xmm registers):
// - op(B) is packed, KC rows at a time, into column panels NR wide: panel p holds
//   op(B)[k][p*NR .. p*NR+NR) for k = 0..kc, contiguous (zero-padded past N).
// - op(A) is packed, MC rows × KC at a time, into row panels MR tall: panel q holds
//   op(A)[q*MR .. q*MR+MR)[k] for k = 0..kc, MR floats per k (zero-padded past M).
// - The micro-kernel keeps an MR×NR tile of C in 8 v128 accumulators: baseline
//   SIMD 4x8 with f32x4.mul + f32x4.add, relaxed SIMD 2x16 with f32x4.relaxed_madd.
//   Edge tiles are computed into a scratch tile and copied out element by element.
// - The first KC block overwrites C, later blocks add to it, so C is never read
//   before it is written (no need to zero it) and bytes around C are untouched.
// Transposed operands cost only a different packing routine (4x4 in-register
// transposes), so all four transpose combinations run the same inner kernel.

// ---------------------------------------------------------------------------
// float32

const RELAXED: bool = ASC_FEATURE_RELAXED_SIMD;
/** Register tile: rows of C per micro-kernel call. */
const MR: i32 = RELAXED ? 2 : 4;
/** Register tile: columns of C per micro-kernel call (a multiple of 4). */
const NR: i32 = RELAXED ? 16 : 8;
/** Depth of a packed block (K direction). */
const KC: i32 = 256;
/** Rows of op(A) packed at once (a multiple of MR). */
const MC: i32 = 64;
/** Columns of op(B) packed at once (a multiple of NR). */
const NC: i32 = 2048;

// @ts-ignore: decorator
@inline function imin(a: i32, b: i32): i32 { return a < b ? a : b; }
// @ts-ignore: decorator
@inline function roundUp(x: i32, m: i32): i32 { return (x + m - 1) / m * m; }

/** Bytes of scratch sgemm needs for these sizes (packing buffers); the caller provides it, 16-byte aligned. */
export function sgemmScratchBytes(M: i32, N: i32, K: i32): usize {
  if (M <= 0 || N <= 0 || K <= 0) return 64;
  const kc = imin(K, KC), nc = roundUp(imin(N, NC), NR), mc = roundUp(imin(M, MC), MR);
  // 64 bytes of slack to align the buffers to cache lines, then B panels, A panels, edge tile.
  return 64 + <usize>(kc * nc + mc * kc + MR * NR) * 4 + 64;
}

/**
 * C = op(A)·op(B), float32, row-major, OVERWRITING C (M×N, row stride ldc elements).
 * op(A) is M×K: A is stored M×K with row stride lda, or K×M (row stride lda) when transA != 0.
 * op(B) is K×N: B is stored K×N with row stride ldb, or N×K (row stride ldb) when transB != 0.
 * Pointers are byte addresses, 4-byte aligned (not necessarily 16). Any M, N, K >= 0 (K = 0 → C = 0).
 */
export function sgemm(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  transA: i32, transB: i32, scratch: usize): void {
  if (M <= 0 || N <= 0) return;
  const ldcb = <usize>ldc << 2;
  if (K <= 0) {
    for (let i = 0; i < M; i++) memory.fill(c + <usize>i * ldcb, 0, <usize>N << 2);
    return;
  }
  const kcMax = imin(K, KC), ncMax = roundUp(imin(N, NC), NR), mcMax = roundUp(imin(M, MC), MR);
  const bp = (scratch + 63) & ~<usize>63;
  const ap = bp + (<usize>(kcMax * ncMax) << 2);
  const tile = ap + (<usize>(mcMax * kcMax) << 2);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = imin(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = imin(KC, K - pc);
      const acc = pc > 0;
      if (transB) packBT(kc, nc, b + ((<usize>jc * ldb + pc) << 2), ldb, bp);
      else packBN(kc, nc, b + ((<usize>pc * ldb + jc) << 2), ldb, bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = imin(MC, M - ic);
        if (transA) packAT(mc, kc, a + ((<usize>pc * lda + ic) << 2), lda, ap);
        else packAN(mc, kc, a + ((<usize>ic * lda + pc) << 2), lda, ap);
        const cblk = c + ((<usize>ic * ldc + jc) << 2);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = imin(NR, nc - jr);
          const pb = bp + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = imin(MR, mc - ir);
            const pa = ap + (<usize>(ir * kc) << 2);
            const cp = cblk + ((<usize>ir * ldc + jr) << 2);
            if (mr == MR && nr == NR) {
              kernel(kc, pa, pb, cp, ldcb, acc);
            } else {
              kernel(kc, pa, pb, tile, <usize>NR << 2, false);
              storeEdge(mr, nr, tile, cp, ldcb, acc);
            }
          }
        }
      }
    }
  }
}

/** Copies the top-left mr×nr of the scratch tile (row stride NR) to C, adding when acc. */
function storeEdge(mr: i32, nr: i32, tile: usize, c: usize, ldcb: usize, acc: bool): void {
  for (let i = 0; i < mr; i++) {
    const t = tile + (<usize>(i * NR) << 2), ci = c + <usize>i * ldcb;
    if (acc) {
      for (let j = 0; j < nr; j++) {
        const p = ci + (<usize>j << 2);
        store<f32>(p, load<f32>(p) + load<f32>(t + (<usize>j << 2)));
      }
    } else {
      for (let j = 0; j < nr; j++) store<f32>(ci + (<usize>j << 2), load<f32>(t + (<usize>j << 2)));
    }
  }
}

// @ts-ignore: decorator
@inline function kernel(kc: i32, pa: usize, pb: usize, c: usize, ldcb: usize, acc: bool): void {
  if (RELAXED) kernel2x16(kc, pa, pb, c, ldcb, acc);
  else kernel4x8(kc, pa, pb, c, ldcb, acc);
}

/** 4×8 tile of C += A panel (4 floats per k) · B panel (8 floats per k), mul + add. */
function kernel4x8(kc: i32, pa: usize, pb: usize, c: usize, ldcb: usize, acc: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += 16; pb += 32;
  }
  if (acc) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    v128.store(c, c00); v128.store(c, c01, 16); c += ldcb;
    c10 = f32x4.add(c10, v128.load(c)); c11 = f32x4.add(c11, v128.load(c, 16));
    v128.store(c, c10); v128.store(c, c11, 16); c += ldcb;
    c20 = f32x4.add(c20, v128.load(c)); c21 = f32x4.add(c21, v128.load(c, 16));
    v128.store(c, c20); v128.store(c, c21, 16); c += ldcb;
    c30 = f32x4.add(c30, v128.load(c)); c31 = f32x4.add(c31, v128.load(c, 16));
    v128.store(c, c30); v128.store(c, c31, 16);
  } else {
    v128.store(c, c00); v128.store(c, c01, 16); c += ldcb;
    v128.store(c, c10); v128.store(c, c11, 16); c += ldcb;
    v128.store(c, c20); v128.store(c, c21, 16); c += ldcb;
    v128.store(c, c30); v128.store(c, c31, 16);
  }
}

/** 2×16 tile of C += A panel (2 floats per k) · B panel (16 floats per k), fused multiply-add. */
function kernel2x16(kc: i32, pa: usize, pb: usize, c: usize, ldcb: usize, acc: bool): void {
  if (!RELAXED) return;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16), b2 = v128.load(pb, 32), b3 = v128.load(pb, 48);
    const a0 = v128.load32_splat(pa), a1 = v128.load32_splat(pa, 4);
    c00 = f32x4.relaxed_madd(a0, b0, c00); c01 = f32x4.relaxed_madd(a0, b1, c01);
    c02 = f32x4.relaxed_madd(a0, b2, c02); c03 = f32x4.relaxed_madd(a0, b3, c03);
    c10 = f32x4.relaxed_madd(a1, b0, c10); c11 = f32x4.relaxed_madd(a1, b1, c11);
    c12 = f32x4.relaxed_madd(a1, b2, c12); c13 = f32x4.relaxed_madd(a1, b3, c13);
    pa += 8; pb += 64;
  }
  if (acc) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c02 = f32x4.add(c02, v128.load(c, 32)); c03 = f32x4.add(c03, v128.load(c, 48));
    v128.store(c, c00); v128.store(c, c01, 16); v128.store(c, c02, 32); v128.store(c, c03, 48);
    c += ldcb;
    c10 = f32x4.add(c10, v128.load(c)); c11 = f32x4.add(c11, v128.load(c, 16));
    c12 = f32x4.add(c12, v128.load(c, 32)); c13 = f32x4.add(c13, v128.load(c, 48));
    v128.store(c, c10); v128.store(c, c11, 16); v128.store(c, c12, 32); v128.store(c, c13, 48);
  } else {
    v128.store(c, c00); v128.store(c, c01, 16); v128.store(c, c02, 32); v128.store(c, c03, 48);
    c += ldcb;
    v128.store(c, c10); v128.store(c, c11, 16); v128.store(c, c12, 32); v128.store(c, c13, 48);
  }
}

// ---------------------------------------------------------------------------
// Packing. "N" = operand stored as op() sees it, "T" = stored transposed.

/** 4×4 transpose of four rows loaded from r, r+ldb, ... → stored as four 16-byte rows at d, d+dstride, ... */
// @ts-ignore: decorator
@inline function transpose4x4(s: usize, ldsb: usize, d: usize, ddb: usize): void {
  const r0 = v128.load(s), r1 = v128.load(s + ldsb), r2 = v128.load(s + 2 * ldsb), r3 = v128.load(s + 3 * ldsb);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(d + ddb, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(d + 2 * ddb, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(d + 3 * ddb, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/** Packs op(B) = B[kc × nc] (row stride ldb) into NR-wide panels at d. */
function packBN(kc: i32, nc: i32, b: usize, ldb: i32, d: usize): void {
  const ldbb = <usize>ldb << 2;
  const full = nc / NR * NR;
  const panelBytes = <usize>(kc * NR) << 2;
  for (let k = 0; k < kc; k++) {
    let s = b + <usize>k * ldbb;
    let p = d + (<usize>(k * NR) << 2);
    for (let j = 0; j < full; j += NR) {
      if (NR == 8) {
        v128.store(p, v128.load(s)); v128.store(p, v128.load(s, 16), 16);
      } else {
        v128.store(p, v128.load(s)); v128.store(p, v128.load(s, 16), 16);
        v128.store(p, v128.load(s, 32), 32); v128.store(p, v128.load(s, 48), 48);
      }
      s += <usize>NR << 2; p += panelBytes;
    }
    if (full < nc) {
      const rest = nc - full;
      for (let j = 0; j < rest; j++) store<f32>(p + (<usize>j << 2), load<f32>(s + (<usize>j << 2)));
      for (let j = rest; j < NR; j++) store<f32>(p + (<usize>j << 2), 0);
    }
  }
}

/** Packs op(B) = Bᵀ, B stored [nc × kc] (row stride ldb), into NR-wide panels at d. */
function packBT(kc: i32, nc: i32, b: usize, ldb: i32, d: usize): void {
  const ldbb = <usize>ldb << 2;
  const rowb = <usize>NR << 2; // bytes per k in a panel
  const k4 = kc & ~3;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const panel = d + (<usize>(j0 * kc) << 2);
    const nr = imin(NR, nc - j0);
    const n4 = nr & ~3;
    for (let jj = 0; jj < n4; jj += 4) {
      const s = b + <usize>(j0 + jj) * ldbb;
      const p = panel + (<usize>jj << 2);
      for (let k = 0; k < k4; k += 4) transpose4x4(s + (<usize>k << 2), ldbb, p + <usize>k * rowb, rowb);
      for (let k = k4; k < kc; k++) {
        const sk = s + (<usize>k << 2), pk = p + <usize>k * rowb;
        store<f32>(pk, load<f32>(sk)); store<f32>(pk, load<f32>(sk + ldbb), 4);
        store<f32>(pk, load<f32>(sk + 2 * ldbb), 8); store<f32>(pk, load<f32>(sk + 3 * ldbb), 12);
      }
    }
    if (n4 < NR) {
      for (let k = 0; k < kc; k++) {
        const pk = panel + <usize>k * rowb;
        for (let jj = n4; jj < nr; jj++) store<f32>(pk + (<usize>jj << 2), load<f32>(b + <usize>(j0 + jj) * ldbb + (<usize>k << 2)));
        for (let jj = nr; jj < NR; jj++) store<f32>(pk + (<usize>jj << 2), 0);
      }
    }
  }
}

/** Packs op(A) = A[mc × kc] (row stride lda) into MR-tall panels at d. */
function packAN(mc: i32, kc: i32, a: usize, lda: i32, d: usize): void {
  const ldab = <usize>lda << 2;
  const rowb = <usize>MR << 2;
  const k4 = kc & ~3;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const panel = d + (<usize>(i0 * kc) << 2);
    const s = a + <usize>i0 * ldab;
    const mr = imin(MR, mc - i0);
    if (mr == MR) {
      if (MR == 4) {
        for (let k = 0; k < k4; k += 4) transpose4x4(s + (<usize>k << 2), ldab, panel + <usize>k * rowb, rowb);
      } else { // MR == 2
        for (let k = 0; k < k4; k += 4) {
          const r0 = v128.load(s + (<usize>k << 2)), r1 = v128.load(s + ldab + (<usize>k << 2));
          const p = panel + <usize>k * rowb;
          v128.store(p, v128.shuffle<f32>(r0, r1, 0, 4, 1, 5));
          v128.store(p, v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), 16);
        }
      }
      for (let k = k4; k < kc; k++) {
        const p = panel + <usize>k * rowb;
        for (let i = 0; i < MR; i++) store<f32>(p + (<usize>i << 2), load<f32>(s + <usize>i * ldab + (<usize>k << 2)));
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const p = panel + <usize>k * rowb;
        for (let i = 0; i < mr; i++) store<f32>(p + (<usize>i << 2), load<f32>(s + <usize>i * ldab + (<usize>k << 2)));
        for (let i = mr; i < MR; i++) store<f32>(p + (<usize>i << 2), 0);
      }
    }
  }
}

/** Packs op(A) = Aᵀ, A stored [kc × mc] (row stride lda), into MR-tall panels at d. */
function packAT(mc: i32, kc: i32, a: usize, lda: i32, d: usize): void {
  const ldab = <usize>lda << 2;
  const rowb = <usize>MR << 2;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const panel = d + (<usize>(i0 * kc) << 2);
    const s = a + (<usize>i0 << 2);
    const mr = imin(MR, mc - i0);
    if (mr == MR) {
      if (MR == 4) {
        for (let k = 0; k < kc; k++) v128.store(panel + <usize>k * rowb, v128.load(s + <usize>k * ldab));
      } else {
        for (let k = 0; k < kc; k++) store<u64>(panel + <usize>k * rowb, load<u64>(s + <usize>k * ldab));
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const p = panel + <usize>k * rowb, sk = s + <usize>k * ldab;
        for (let i = 0; i < mr; i++) store<f32>(p + (<usize>i << 2), load<f32>(sk + (<usize>i << 2)));
        for (let i = mr; i < MR; i++) store<f32>(p + (<usize>i << 2), 0);
      }
    }
  }
}
