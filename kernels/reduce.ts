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
