import { allocate, dtypeOf, type FloatArray } from '../../core/dtype.js';
import { sizeOf, type Shape } from '../../core/shape.js';
import type { AdamStep, FusedActivation } from '../kernels.js';

/** out[r, c] = act(z[r, c] + b[c]), each activation in its own loop. */
export function biasActivation(z: FloatArray, b: FloatArray, act: FusedActivation): FloatArray {
  const out = allocate(dtypeOf(z), z.length) as FloatArray;
  const cols = b.length;
  const rows = cols === 0 ? 0 : z.length / cols;
  for (let r = 0, i = 0; r < rows; r++) {
    if (act === 'relu') {
      for (let c = 0; c < cols; c++, i++) {
        const v = z[i]! + b[c]!;
        out[i] = v <= 0 ? 0 : v;
      } // NaN stays NaN
    } else if (act === 'sigmoid') {
      // 1/(1 + e^−v) for v ≥ 0, e^v/(1 + e^v) below: no overflow, full relative accuracy
      for (let c = 0; c < cols; c++, i++) {
        const v = z[i]! + b[c]!;
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
    } else if (act === 'tanh') {
      for (let c = 0; c < cols; c++, i++) out[i] = Math.tanh(z[i]! + b[c]!);
    } else {
      for (let c = 0; c < cols; c++, i++) out[i] = z[i]! + b[c]!;
    }
  }
  return out;
}

/**
 * softmax or log softmax along `axis`, the data viewed as [outer, n, inner],
 * shifted by the maximum m: a slice whose maximum is +∞, −∞ or NaN is all
 * NaN (x − m is NaN somewhere), as in PyTorch.
 */
export function softmax(x: FloatArray, shape: Shape, axis: number, log: boolean): FloatArray {
  const out = allocate(dtypeOf(x), x.length) as FloatArray;
  const exp = Math.exp;
  const outer = sizeOf(shape.slice(0, axis)),
    n = shape[axis]!,
    inner = sizeOf(shape.slice(axis + 1));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let m = -Infinity;
      for (let k = 0, i = base; k < n; k++, i += inner) m = Math.max(m, x[i]!);
      const shift = m;
      let s = 0;
      for (let k = 0, i = base; k < n; k++, i += inner) s += exp(x[i]! - shift);
      if (log) {
        const ls = Math.log(s);
        for (let k = 0, i = base; k < n; k++, i += inner) out[i] = x[i]! - shift - ls;
      } else {
        for (let k = 0, i = base; k < n; k++, i += inner) out[i] = exp(x[i]! - shift) / s;
      }
    }
  }
  return out;
}

/** One Adam update (see Kernels.adam), each step rounded to the dtype as the separate ops would. */
export function adam(value: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, s: AdamStep): [FloatArray, FloatArray, FloatArray] {
  const n = value.length,
    dtype = dtypeOf(value);
  const out = allocate(dtype, n) as FloatArray,
    m2 = allocate(dtype, n) as FloatArray,
    v2 = allocate(dtype, n) as FloatArray;
  // a one-element array of the dtype rounds each intermediate the way a tensor would hold it
  const r = allocate(dtype, 1) as FloatArray;
  const round = (x: number) => ((r[0] = x), r[0]!);
  // the constants too: an op rounds a scalar operand to the tensor's dtype
  const b1 = round(s.beta1),
    c1 = round(1 - s.beta1),
    b2 = round(s.beta2),
    c2 = round(1 - s.beta2);
  const stepSize = round(s.stepSize),
    root2 = round(s.root2),
    epsilon = round(s.epsilon);
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = round(round(m[i]! * b1) + round(gi * c1));
    const vi = round(round(v[i]! * b2) + round(round(gi * gi) * c2));
    m2[i] = mi;
    v2[i] = vi;
    const den = round(round(round(Math.sqrt(vi)) / root2) + epsilon);
    out[i] = value[i]! - round(round(mi * stepSize) / den);
  }
  return [out, m2, v2];
}
