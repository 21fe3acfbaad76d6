// Reductions of float32 data viewed as [outer, r, inner]: out[o, i] = op over k of x[o, k, i].

// The op codes come from kernels/opcodes.json; every dispatch below traps on a code outside that list.
import { REDUCE_COUNT, REDUCE_MAX as MAX, REDUCE_MIN as MIN, REDUCE_SUM as SUM } from './opcodes.generated';

// @ts-ignore: decorator
@inline function combine(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case SUM: return f32x4.add(a, b);
    case MAX: return f32x4.max(a, b);
    case MIN: return f32x4.min(a, b);
    default: return unreachable();
  }
}

// @ts-ignore: decorator
@inline function identity(op: i32): f32 {
  switch (op) {
    case SUM: return 0.0;
    case MAX: return -Infinity;
    case MIN: return Infinity;
    default: return unreachable();
  }
}

// @ts-ignore: decorator
@inline function horizontal(op: i32, v: v128): f32 {
  const a = f32x4.extract_lane(v, 0), b = f32x4.extract_lane(v, 1), c = f32x4.extract_lane(v, 2), d = f32x4.extract_lane(v, 3);
  if (op == SUM) return (a + b) + (c + d);
  return f32x4.extract_lane(combine(op, combine(op, f32x4.splat(a), f32x4.splat(b)), combine(op, f32x4.splat(c), f32x4.splat(d))), 0);
}

// @ts-ignore: decorator
@inline function reduceContiguous(op: i32, x: usize, n: i32): f32 {
  // four independent accumulators hide the add latency
  const init = f32x4.splat(identity(op));
  let a0 = init, a1 = init, a2 = init, a3 = init;
  const n16 = n & ~15;
  let k = 0;
  for (; k < n16; k += 16) {
    const p = x + (<usize>k << 2);
    a0 = combine(op, a0, v128.load(p));
    a1 = combine(op, a1, v128.load(p, 16));
    a2 = combine(op, a2, v128.load(p, 32));
    a3 = combine(op, a3, v128.load(p, 48));
  }
  let acc = combine(op, combine(op, a0, a1), combine(op, a2, a3));
  for (; k + 4 <= n; k += 4) acc = combine(op, acc, v128.load(x + (<usize>k << 2)));
  let s = horizontal(op, acc);
  for (; k < n; k++) s = f32x4.extract_lane(combine(op, f32x4.splat(s), f32x4.splat(load<f32>(x + (<usize>k << 2)))), 0);
  return s;
}

/**
 * out[o, i] = op_k x[o, k, i]: sum, max or min over the middle axis of [outer, r, inner]
 * (op: a REDUCE_* code; any other code traps).
 */
export function reduceF32(op: i32, x: usize, outer: i32, r: i32, inner: i32, out: usize): void {
  if (<u32>op >= <u32>REDUCE_COUNT) unreachable(); // even when there is nothing to compute
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const p = x + (<usize>(o * r) << 2);
      let v: f32 = 0;
      switch (op) {
        case SUM: v = reduceContiguous(SUM, p, r); break;
        case MAX: v = reduceContiguous(MAX, p, r); break;
        case MIN: v = reduceContiguous(MIN, p, r); break;
        default: unreachable();
      }
      store<f32>(out + (<usize>o << 2), v);
    }
    return;
  }
  // one specialised loop per op
  switch (op) {
    case SUM: reduceStrided(SUM, x, outer, r, inner, out); break;
    case MAX: reduceStrided(MAX, x, outer, r, inner, out); break;
    case MIN: reduceStrided(MIN, x, outer, r, inner, out); break;
    default: unreachable();
  }
}

/** The inner > 1 case of reduceF32: vectorised across the inner axis, accumulating rows. */
// @ts-ignore: decorator
@inline function reduceStrided(op: i32, x: usize, outer: i32, r: i32, inner: i32, out: usize): void {
  const inner4 = inner & ~3;
  const init = identity(op);
  for (let o = 0; o < outer; o++) {
    const base = x + (<usize>(o * r * inner) << 2);
    const dst = out + (<usize>(o * inner) << 2);
    let i = 0;
    for (; i < inner4; i += 4) {
      let acc = f32x4.splat(init);
      for (let k = 0; k < r; k++) acc = combine(op, acc, v128.load(base + (<usize>(k * inner + i) << 2)));
      v128.store(dst + (<usize>i << 2), acc);
    }
    for (; i < inner; i++) {
      let acc = f32x4.splat(init);
      for (let k = 0; k < r; k++) acc = combine(op, acc, f32x4.splat(load<f32>(base + (<usize>(k * inner + i) << 2))));
      store<f32>(dst + (<usize>i << 2), f32x4.extract_lane(acc, 0));
    }
  }
}

/**
 * The gradient of a max or min over the middle axis of x [outer, r, inner]:
 * out[o, k, i] = g[o, i] · mask / count, where mask = [x = m] + [x is NaN]·[m is NaN]
 * (m[o, i] the extreme, so the gradient goes to the extreme entries, or to the NaN ones
 * when the extreme is NaN) and count = Σ_k mask, the ties it is split among. The mask is
 * 0 or 1 and the count a small whole number, so the result is bit for bit that of the
 * same formula evaluated op by op (compare, select, sum, multiply, divide).
 */
export function extremumGradF32(x: usize, m: usize, g: usize, outer: i32, r: i32, inner: i32, out: usize): void {
  const one = f32x4.splat(1.0);
  const rowBytes = <usize>inner << 2;
  const vecs = inner & ~3;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * <usize>r * rowBytes, oo = out + <usize>o * <usize>r * rowBytes;
    const mo = m + <usize>o * rowBytes, go = g + <usize>o * rowBytes;
    for (let i = 0; i < vecs; i += 4) {
      const at = <usize>i << 2;
      const mv = v128.load(mo + at), mnan = f32x4.ne(mv, mv);
      let c = f32x4.splat(0);
      for (let k = 0; k < r; k++) {
        const xv = v128.load(xo + <usize>k * rowBytes + at);
        c = f32x4.add(c, f32x4.add(v128.and(f32x4.eq(xv, mv), one), v128.and(v128.and(f32x4.ne(xv, xv), mnan), one)));
      }
      const gv = v128.load(go + at);
      for (let k = 0; k < r; k++) {
        const off = <usize>k * rowBytes + at;
        const xv = v128.load(xo + off);
        const mask = f32x4.add(v128.and(f32x4.eq(xv, mv), one), v128.and(v128.and(f32x4.ne(xv, xv), mnan), one));
        v128.store(oo + off, f32x4.div(f32x4.mul(gv, mask), c));
      }
    }
    for (let i = vecs; i < inner; i++) {
      const at = <usize>i << 2;
      const mv = load<f32>(mo + at);
      const mnan = mv != mv;
      let c: f32 = 0;
      for (let k = 0; k < r; k++) {
        const xv = load<f32>(xo + <usize>k * rowBytes + at);
        c += <f32>(xv == mv ? 1 : 0) + <f32>(xv != xv && mnan ? 1 : 0);
      }
      const gv = load<f32>(go + at);
      for (let k = 0; k < r; k++) {
        const off = <usize>k * rowBytes + at;
        const xv = load<f32>(xo + off);
        const mask = <f32>(xv == mv ? 1 : 0) + <f32>(xv != xv && mnan ? 1 : 0);
        store<f32>(oo + off, (gv * mask) / c);
      }
    }
  }
}

/**
 * argmax (op 0) or argmin (op 1) over the middle axis of x [outer, n, inner], into int32
 * out [outer, inner]: the index of the first extreme entry, or of the first NaN when there
 * is one (NaN wins, as in NumPy and PyTorch), exactly as the js kernel picks it.
 */
export function argReduceF32(op: i32, x: usize, outer: i32, n: i32, inner: i32, out: usize): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * <usize>n * rowBytes, oo = out + (<usize>(o * inner) << 2);
    for (let i = 0; i < inner; i++) {
      const base = xo + (<usize>i << 2);
      let best = load<f32>(base), at = 0;
      if (best == best) {
        for (let k = 1; k < n; k++) {
          const v = load<f32>(base + <usize>k * rowBytes);
          if (v != v) {
            at = k;
            break;
          }
          if (op == 0 ? v > best : v < best) {
            best = v;
            at = k;
          }
        }
      }
      store<i32>(oo + (<usize>i << 2), at);
    }
  }
}
