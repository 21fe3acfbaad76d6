import { allocate, dtypeOf, type FloatArray } from '../../core/dtype.js';
import { sizeOf, type Shape } from '../../core/shape.js';
import type { FusedActivation } from '../kernels.js';

/** out[r, c] = act(z[r, c] + b[c]), each activation in its own loop. */
export function biasActivation(z: FloatArray, b: FloatArray, act: FusedActivation): FloatArray {
  const out = allocate(dtypeOf(z), z.length) as FloatArray;
  const cols = b.length;
  const rows = cols === 0 ? 0 : z.length / cols;
  for (let r = 0, i = 0; r < rows; r++) {
    if (act === 'relu') {
      for (let c = 0; c < cols; c++, i++) { const v = z[i]! + b[c]!; out[i] = v > 0 ? v : 0; }
    } else if (act === 'sigmoid') {
      // 1/(1 + e^−v) for v ≥ 0, e^v/(1 + e^v) below: no overflow, full relative accuracy
      for (let c = 0; c < cols; c++, i++) {
        const v = z[i]! + b[c]!;
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else { const e = Math.exp(v); out[i] = e / (1 + e); }
      }
    } else if (act === 'tanh') {
      for (let c = 0; c < cols; c++, i++) out[i] = Math.tanh(z[i]! + b[c]!);
    } else {
      for (let c = 0; c < cols; c++, i++) out[i] = z[i]! + b[c]!;
    }
  }
  return out;
}

/** softmax or log softmax along `axis`, the data viewed as [outer, n, inner]. */
export function softmax(x: FloatArray, shape: Shape, axis: number, log: boolean): FloatArray {
  const out = allocate(dtypeOf(x), x.length) as FloatArray;
  const outer = sizeOf(shape.slice(0, axis)), n = shape[axis]!, inner = sizeOf(shape.slice(axis + 1));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let m = -Infinity;
      for (let k = 0, i = base; k < n; k++, i += inner) m = Math.max(m, x[i]!);
      const shift = Number.isFinite(m) ? m : 0;
      let s = 0;
      for (let k = 0, i = base; k < n; k++, i += inner) s += Math.exp(x[i]! - shift);
      if (log) {
        const ls = Math.log(s);
        for (let k = 0, i = base; k < n; k++, i += inner) out[i] = x[i]! - shift - ls;
      } else {
        for (let k = 0, i = base; k < n; k++, i += inner) out[i] = Math.exp(x[i]! - shift) / s;
      }
    }
  }
  return out;
}
