// im2col and col2im for 2-D sliding windows over NHWC float32 data (convolution and pooling).

// @ts-ignore: decorator
@inline function fillRow(p: usize, n: i32, value: f32): void {
  if (value == 0) memory.fill(p, 0, <usize>n << 2);
  else for (let k = 0; k < n; k++) store<f32>(p + (<usize>k << 2), value);
}

/** The first kernel column j with w0 + j·d >= 0. */
// @ts-ignore: decorator
@inline function firstColumn(w0: i32, d: i32): i32 {
  return w0 >= 0 ? 0 : (-w0 + d - 1) / d;
}

/** One past the last kernel column j with w0 + j·d < W (at most kw). */
// @ts-ignore: decorator
@inline function endColumn(w0: i32, d: i32, W: i32, kw: i32): i32 {
  const e = (W - w0 + d - 1) / d;
  return e < kw ? e : kw;
}

/**
 * im2col: out[n, oh, ow, i, j, c] = x[n, oh·sh + i·dh − pt, ow·sw + j·dw − pl, c],
 * or padValue where that position lies outside the input.
 */
export function extractPatchesF32(x: usize, N: i32, H: i32, W: i32, C: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  pt: i32, pl: i32, OH: i32, OW: i32, padValue: f32, out: usize): void {
  const rowLength = kw * C;
  let p = out;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - pl;
        const j0 = firstColumn(w0, dw);
        let j1 = endColumn(w0, dw, W, kw);
        if (j1 < j0) j1 = j0;
        for (let i = 0; i < kh; i++) {
          const h = oh * sh + i * dh - pt;
          if (h < 0 || h >= H) {
            fillRow(p, rowLength, padValue);
          } else {
            if (j0 > 0) fillRow(p, j0 * C, padValue);
            if (j1 < kw) fillRow(p + (<usize>(j1 * C) << 2), (kw - j1) * C, padValue);
            // the input offset of column j is rowStart + j·dw·C (rowStart may be "negative" before j0)
            const rowStart = ((n * H + h) * W + w0) * C;
            if (dw == 1) {
              memory.copy(p + (<usize>(j0 * C) << 2), x + (<usize>(rowStart + j0 * C) << 2), <usize>((j1 - j0) * C) << 2);
            } else {
              for (let j = j0; j < j1; j++) {
                memory.copy(p + (<usize>(j * C) << 2), x + (<usize>(rowStart + j * dw * C) << 2), <usize>C << 2);
              }
            }
          }
          p += <usize>rowLength << 2;
        }
      }
    }
  }
}

/** col2im, the adjoint of extractPatchesF32: each patch entry added back at its input position (out is zeroed first). */
export function addPatchesF32(patches: usize, N: i32, H: i32, W: i32, C: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32,
  pt: i32, pl: i32, OH: i32, OW: i32, out: usize): void {
  memory.fill(out, 0, <usize>(N * H * W * C) << 2);
  const rowLength = kw * C;
  const C4 = C & ~3;
  let p = patches;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - pl;
        const j0 = firstColumn(w0, dw);
        const j1 = endColumn(w0, dw, W, kw);
        for (let i = 0; i < kh; i++) {
          const h = oh * sh + i * dh - pt;
          if (h >= 0 && h < H) {
            const rowStart = ((n * H + h) * W + w0) * C;
            for (let j = j0; j < j1; j++) {
              const dst = out + (<usize>(rowStart + j * dw * C) << 2), src = p + (<usize>(j * C) << 2);
              let c = 0;
              for (; c < C4; c += 4) {
                const o = <usize>c << 2;
                v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
              }
              for (; c < C; c++) {
                const o = <usize>c << 2;
                store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
              }
            }
          }
          p += <usize>rowLength << 2;
        }
      }
    }
  }
}
