import { allocate, dtypeOf, type FloatArray } from '../../core/dtype.js';
import type { Window2D } from '../kernels.js';

/**
 * Visits every (patch entry, input position) pair of a 2-D window: `visit(p, x)`
 * gets the flat offset of a run of C channels in the patches and in the input
 * (x = −1 where the window lies in the padding).
 */
function forEachWindowRow(win: Window2D, visit: (p: number, x: number) => void): void {
  const [N, H, W, C] = win.inShape;
  let p = 0;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < win.outH; oh++) {
      for (let ow = 0; ow < win.outW; ow++) {
        for (let i = 0; i < win.kh; i++) {
          const h = oh * win.strideH + i * win.dilationH - win.padTop;
          for (let j = 0; j < win.kw; j++, p += C) {
            const w = ow * win.strideW + j * win.dilationW - win.padLeft;
            visit(p, h >= 0 && h < H && w >= 0 && w < W ? ((n * H + h) * W + w) * C : -1);
          }
        }
      }
    }
  }
}

/** im2col: windows of x as [N, outH, outW, kh, kw, C]. */
export function extractPatches(x: FloatArray, win: Window2D, padValue: number): FloatArray {
  const [N, , , C] = win.inShape;
  const out = allocate(dtypeOf(x), N * win.outH * win.outW * win.kh * win.kw * C) as FloatArray;
  forEachWindowRow(win, (p, xi) => {
    if (xi >= 0) {
      if (C > 16) out.set(x.subarray(xi, xi + C), p);
      else for (let c = 0; c < C; c++) out[p + c] = x[xi + c]!;
    } else if (padValue !== 0) out.fill(padValue, p, p + C);
  });
  return out;
}

/** col2im: patch entries summed back into an input-shaped tensor. */
export function addPatches(patches: FloatArray, win: Window2D): FloatArray {
  const [N, H, W, C] = win.inShape;
  const out = allocate(dtypeOf(patches), N * H * W * C) as FloatArray;
  forEachWindowRow(win, (p, xi) => {
    if (xi >= 0) for (let c = 0; c < C; c++) out[xi + c] += patches[p + c]!;
  });
  return out;
}
