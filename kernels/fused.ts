// Fused float32 kernels: a bias add with an activation in one pass, and
// softmax / log softmax along an axis. Pointers are byte addresses.
import { expv, logv, tanhv } from './simdmath';

// The activation codes come from kernels/opcodes.json; every dispatch below traps on a code outside that list.
import { ACTIVATION_LINEAR as LINEAR, ACTIVATION_RELU as RELU, ACTIVATION_SIGMOID as SIGMOID, ACTIVATION_TANH as TANH } from './opcodes.generated';

// @ts-ignore: decorator
@inline function activate(op: i32, v: v128): v128 {
  switch (op) {
    case LINEAR: return v;
    case RELU: return f32x4.max(f32x4.splat(0), v); // max propagates NaN (pmax would not), as the relu op does
    case SIGMOID: {
      const one = f32x4.splat(1);
      return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(v))));
    }
    case TANH: return tanhv(v);
    default: return unreachable();
  }
}

// @ts-ignore: decorator
@inline function biasRows(op: i32, z: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = <usize>(r * cols) << 2;
    let c = 0;
    for (; c < c4; c += 4) {
      const k = <usize>c << 2;
      v128.store(out + row + k, activate(op, f32x4.add(v128.load(z + row + k), v128.load(b + k))));
    }
    for (; c < cols; c++) {
      const k = <usize>c << 2;
      const v = f32x4.splat(load<f32>(z + row + k) + load<f32>(b + k));
      store<f32>(out + row + k, f32x4.extract_lane(activate(op, v), 0));
    }
  }
}

/** out[r, c] = act(z[r, c] + b[c]) for a rows × cols matrix z (op: an ACTIVATION_* code; any other code traps). */
export function biasActF32(op: i32, z: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  // one specialised loop per activation
  switch (op) {
    case LINEAR: biasRows(LINEAR, z, b, out, rows, cols); break;
    case RELU: biasRows(RELU, z, b, out, rows, cols); break;
    case SIGMOID: biasRows(SIGMOID, z, b, out, rows, cols); break;
    case TANH: biasRows(TANH, z, b, out, rows, cols); break;
    default: unreachable();
  }
}


/**
 * softmax (log softmax when `log`) of n values spaced `stride` floats apart,
 * for four neighbouring columns at once (stride >= 4) or, with `lanes` = 1,
 * one column (the other lanes compute copies of it and are not stored).
 */
// @ts-ignore: decorator
@inline function softmaxColumns(x: usize, out: usize, n: i32, stride: i32, log: i32, lanes: i32): void {
  const step = <usize>stride << 2;
  let m = f32x4.splat(-Infinity);
  let p = x;
  for (let k = 0; k < n; k++, p += step) m = f32x4.max(m, lanes == 4 ? v128.load(p) : v128.load32_splat(p));
  const shift = m; // a slice with a maximum of ±∞ or NaN becomes NaN, as in PyTorch
  let s = f32x4.splat(0);
  p = x;
  for (let k = 0; k < n; k++, p += step) s = f32x4.add(s, expv(f32x4.sub(lanes == 4 ? v128.load(p) : v128.load32_splat(p), shift)));
  const ls = logv(s);
  p = x;
  let q = out;
  for (let k = 0; k < n; k++, p += step, q += step) {
    const d = f32x4.sub(lanes == 4 ? v128.load(p) : v128.load32_splat(p), shift);
    const y = log ? f32x4.sub(d, ls) : f32x4.div(expv(d), s);
    if (lanes == 4) v128.store(q, y);
    else store<f32>(q, f32x4.extract_lane(y, 0));
  }
}

/** softmax of one contiguous row of n values, four at a time. */
// @ts-ignore: decorator
@inline function softmaxRow(x: usize, out: usize, n: i32, log: i32): void {
  const n4 = n & ~3;
  let mv = f32x4.splat(-Infinity);
  let k = 0;
  for (; k < n4; k += 4) mv = f32x4.max(mv, v128.load(x + (<usize>k << 2)));
  let m = Mathf.max(Mathf.max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), Mathf.max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (; k < n; k++) m = Mathf.max(m, load<f32>(x + (<usize>k << 2)));
  const shift = f32x4.splat(m);
  let sv = f32x4.splat(0);
  for (k = 0; k < n4; k += 4) sv = f32x4.add(sv, expv(f32x4.sub(v128.load(x + (<usize>k << 2)), shift)));
  let s = (f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1)) + (f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3));
  for (; k < n; k++) s += f32x4.extract_lane(expv(f32x4.sub(v128.load32_splat(x + (<usize>k << 2)), shift)), 0);
  const ss = f32x4.splat(s);
  const ls = logv(ss);
  for (k = 0; k < n4; k += 4) {
    const d = f32x4.sub(v128.load(x + (<usize>k << 2)), shift);
    v128.store(out + (<usize>k << 2), log ? f32x4.sub(d, ls) : f32x4.div(expv(d), ss));
  }
  for (; k < n; k++) {
    const d = f32x4.sub(v128.load32_splat(x + (<usize>k << 2)), shift);
    store<f32>(out + (<usize>k << 2), f32x4.extract_lane(log ? f32x4.sub(d, ls) : f32x4.div(expv(d), ss), 0));
  }
}

/** softmax (log softmax when `log` is 1) of x viewed as [outer, n, inner], along n. */
export function softmaxF32(x: usize, out: usize, outer: i32, n: i32, inner: i32, log: i32): void {
  if (<u32>log > 1) unreachable(); // a flag: 0 or 1
  const plane = <usize>(n * inner) << 2;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * plane, oo = out + <usize>o * plane;
    if (inner == 1) {
      softmaxRow(xo, oo, n, log);
      continue;
    }
    const i4 = inner & ~3;
    let j = 0;
    for (; j < i4; j += 4) softmaxColumns(xo + (<usize>j << 2), oo + (<usize>j << 2), n, inner, log, 4);
    for (; j < inner; j++) softmaxColumns(xo + (<usize>j << 2), oo + (<usize>j << 2), n, inner, log, 1);
  }
}

/**
 * One Adam update of n float32 values, with the arithmetic (and the float32
 * rounding after each step) of the separate ops:
 * m' = β₁m + c₁g, v' = β₂v + c₂g², value' = value − (m'·stepSize) / (√v'/root2 + ε).
 */
export function adamF32(value: usize, g: usize, m: usize, v: usize, outValue: usize, outM: usize, outV: usize, n: i32,
  b1: f32, c1: f32, b2: f32, c2: f32, stepSize: f32, root2: f32, eps: f32): void {
  const vb1 = f32x4.splat(b1), vc1 = f32x4.splat(c1), vb2 = f32x4.splat(b2), vc2 = f32x4.splat(c2);
  const vstep = f32x4.splat(stepSize), vroot2 = f32x4.splat(root2), veps = f32x4.splat(eps);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const k = <usize>i << 2;
    const gi = v128.load(g + k);
    const mi = f32x4.add(f32x4.mul(v128.load(m + k), vb1), f32x4.mul(gi, vc1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + k), vb2), f32x4.mul(f32x4.mul(gi, gi), vc2));
    v128.store(outM + k, mi);
    v128.store(outV + k, vi);
    const den = f32x4.add(f32x4.div(f32x4.sqrt(vi), vroot2), veps);
    v128.store(outValue + k, f32x4.sub(v128.load(value + k), f32x4.div(f32x4.mul(mi, vstep), den)));
  }
  for (; i < n; i++) {
    const k = <usize>i << 2;
    const gi = load<f32>(g + k);
    const mi = load<f32>(m + k) * b1 + gi * c1;
    const vi = load<f32>(v + k) * b2 + (gi * gi) * c2;
    store<f32>(outM + k, mi);
    store<f32>(outV + k, vi);
    store<f32>(outValue + k, load<f32>(value + k) - (mi * stepSize) / (Mathf.sqrt(vi) / root2 + eps));
  }
}
