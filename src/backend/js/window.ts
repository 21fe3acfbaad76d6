import { allocate, dtypeOf, type FloatArray } from '../../core/dtype.js';
import type { Window2D } from '../kernels.js';

/**
 * Walks every window row of a 2-D sliding window: for patch entry (n, oh, ow, i)
 * — one kernel row of kw·C values — calls `row(p, x, j0, j1)` with the offset p
 * of that row in the patches, the input offset x of the window's first
 * column on input row h, whether row h is inside the input, and the range
 * [j0, j1) of kernel columns that fall inside the input.
 */
function forEachWindowRow(win: Window2D, row: (p: number, x: number, inside: boolean, j0: number, j1: number) => void): void {
  const [N, H, W, C] = win.inShape;
  const rowLength = win.kw * C;
  let p = 0;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < win.outH; oh++) {
      for (let ow = 0; ow < win.outW; ow++) {
        const w0 = ow * win.strideW - win.padLeft;
        // kernel columns j with 0 <= w0 + j·d < W
        const d = win.dilationW;
        const j0 = w0 >= 0 ? 0 : Math.ceil(-w0 / d);
        const j1 = Math.min(win.kw, Math.ceil((W - w0) / d));
        for (let i = 0; i < win.kh; i++, p += rowLength) {
          const h = oh * win.strideH + i * win.dilationH - win.padTop;
          // x may be negative when w0 is: only columns j0.. are read
          row(p, ((n * H + h) * W + w0) * C, h >= 0 && h < H, j0, Math.max(j0, j1));
        }
      }
    }
  }
}

/** im2col: windows of x as [N, outH, outW, kh, kw, C]; padding positions take padValue. */
export function extractPatches(x: FloatArray, win: Window2D, padValue: number): FloatArray {
  const [N, , , C] = win.inShape;
  const out = allocate(dtypeOf(x), N * win.outH * win.outW * win.kh * win.kw * C) as FloatArray;
  const step = win.dilationW * C,
    kw = win.kw;
  const contiguous = win.dilationW === 1;
  forEachWindowRow(win, (p, xi, inside, j0, j1) => {
    if (padValue !== 0 && (!inside || j0 > 0 || j1 < kw)) out.fill(padValue, p, p + kw * C);
    if (!inside || j1 <= j0) return;
    if (contiguous) {
      // the in-bounds columns of a kernel row are one contiguous run of the input
      const from = xi + j0 * C,
        n = (j1 - j0) * C,
        to = p + j0 * C;
      if (n > 32) out.set(x.subarray(from, from + n), to);
      else for (let k = 0; k < n; k++) out[to + k] = x[from + k]!;
    } else {
      for (let j = j0; j < j1; j++) {
        const from = xi + j * step,
          to = p + j * C;
        for (let c = 0; c < C; c++) out[to + c] = x[from + c]!;
      }
    }
  });
  return out;
}

/** col2im, the adjoint of extractPatches: patch entries summed back into an input-shaped tensor. */
export function addPatches(patches: FloatArray, win: Window2D): FloatArray {
  const [N, H, W, C] = win.inShape;
  const out = allocate(dtypeOf(patches), N * H * W * C) as FloatArray;
  const step = win.dilationW * C;
  forEachWindowRow(win, (p, xi, inside, j0, j1) => {
    if (!inside) return;
    for (let j = j0; j < j1; j++) {
      const to = xi + j * step,
        from = p + j * C;
      for (let c = 0; c < C; c++) out[to + c] = out[to + c]! + patches[from + c]!;
    }
  });
  return out;
}
