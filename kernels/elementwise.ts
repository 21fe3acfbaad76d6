// Elementwise float32 kernels: unary functions, binary ops and comparisons
// over a 3-D broadcast pattern, and where. Pointers are byte addresses.
import { expv, logv, tanhv } from './simdmath';

import {
  BINARY_ADD, BINARY_COUNT, BINARY_DIV, BINARY_MAXIMUM, BINARY_MINIMUM, BINARY_MUL, BINARY_SUB,
  COMPARE_COUNT, COMPARE_EQUAL, COMPARE_GREATER, COMPARE_GREATER_EQUAL, COMPARE_LESS, COMPARE_LESS_EQUAL, COMPARE_NOT_EQUAL,
  UNARY_ABS, UNARY_EXP, UNARY_LOG, UNARY_NEG, UNARY_SQRT, UNARY_TANH,
} from './opcodes.generated';

// The op codes come from kernels/opcodes.json (generated into ./opcodes.generated);
// every dispatch below traps on a code outside that list.

// @ts-ignore: decorator
@inline function unaryVec(op: i32, v: v128): v128 {
  switch (op) {
    case UNARY_NEG: return f32x4.neg(v);
    case UNARY_ABS: return f32x4.abs(v);
    case UNARY_SQRT: return f32x4.sqrt(v);
    case UNARY_EXP: return expv(v);
    case UNARY_LOG: return logv(v);
    case UNARY_TANH: return tanhv(v);
    default: return unreachable();
  }
}

// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, out: usize, n4: i32): void {
  for (let i = 0; i < n4; i += 4) v128.store(out + (<usize>i << 2), unaryVec(op, v128.load(x + (<usize>i << 2))));
}

/** out[i] = op(x[i]) for n float32 values (op: a UNARY_* code; any other code traps). */
export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  const n4 = n & ~3;
  // the switch is hoisted by specialising the loop per op
  switch (op) {
    case UNARY_NEG: unaryLoop(UNARY_NEG, x, out, n4); break;
    case UNARY_ABS: unaryLoop(UNARY_ABS, x, out, n4); break;
    case UNARY_SQRT: unaryLoop(UNARY_SQRT, x, out, n4); break;
    case UNARY_EXP: unaryLoop(UNARY_EXP, x, out, n4); break;
    case UNARY_LOG: unaryLoop(UNARY_LOG, x, out, n4); break;
    case UNARY_TANH: unaryLoop(UNARY_TANH, x, out, n4); break;
    default: unreachable();
  }
  for (let i = n4; i < n; i++) {
    const v = f32x4.extract_lane(unaryVec(op, f32x4.splat(load<f32>(x + (<usize>i << 2)))), 0);
    store<f32>(out + (<usize>i << 2), v);
  }
}

// @ts-ignore: decorator
@inline function binaryVec(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case BINARY_ADD: return f32x4.add(a, b);
    case BINARY_SUB: return f32x4.sub(a, b);
    case BINARY_MUL: return f32x4.mul(a, b);
    case BINARY_DIV: return f32x4.div(a, b);
    case BINARY_MAXIMUM: return f32x4.max(a, b);
    case BINARY_MINIMUM: return f32x4.min(a, b);
    default: return unreachable();
  }
}

// @ts-ignore: decorator
@inline function binaryRow(op: i32, a: usize, as: i32, b: usize, bs: i32, o: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  if (as == 1 && bs == 1) {
    for (; i < n4; i += 4) {
      const k = <usize>i << 2;
      v128.store(o + k, binaryVec(op, v128.load(a + k), v128.load(b + k)));
    }
  } else if (as == 1) {
    const vb = v128.load32_splat(b);
    for (; i < n4; i += 4) {
      const k = <usize>i << 2;
      v128.store(o + k, binaryVec(op, v128.load(a + k), vb));
    }
  } else if (bs == 1) {
    const va = v128.load32_splat(a);
    for (; i < n4; i += 4) {
      const k = <usize>i << 2;
      v128.store(o + k, binaryVec(op, va, v128.load(b + k)));
    }
  }
  for (; i < n; i++) {
    const va = f32x4.splat(load<f32>(a + (<usize>(i * as) << 2)));
    const vb = f32x4.splat(load<f32>(b + (<usize>(i * bs) << 2)));
    store<f32>(o + (<usize>i << 2), f32x4.extract_lane(binaryVec(op, va, vb), 0));
  }
}

/**
 * out[o, r, c] = a[o·aos + r·ars + c·acs] (op) b[o·bos + r·brs + c·bcs] for
 * o < outer, r < rows, c < cols (strides in elements; out is contiguous): a
 * 3-D broadcast pattern whose column strides are 0 or 1. It covers equal
 * shapes, scalars, bias rows ([m,n] with [n]), columns ([m,n] with [m,1]) and
 * their batches ([a,m,n] with [a,1,n], [a,1,n] with [1,m,n], ...).
 */
export function binaryF32(op: i32, a: usize, aos: i32, ars: i32, acs: i32, b: usize, bos: i32, brs: i32, bcs: i32, out: usize,
  outer: i32, rows: i32, cols: i32): void {
  if (<u32>op >= <u32>BINARY_COUNT) unreachable(); // even when there is nothing to compute
  for (let o = 0; o < outer; o++) {
    const ao = a + (<usize>(o * aos) << 2), bo = b + (<usize>(o * bos) << 2), oo = out + (<usize>(o * rows * cols) << 2);
    for (let r = 0; r < rows; r++) {
      const pa = ao + (<usize>(r * ars) << 2), pb = bo + (<usize>(r * brs) << 2), po = oo + (<usize>(r * cols) << 2);
      switch (op) {
        case BINARY_ADD: binaryRow(BINARY_ADD, pa, acs, pb, bcs, po, cols); break;
        case BINARY_SUB: binaryRow(BINARY_SUB, pa, acs, pb, bcs, po, cols); break;
        case BINARY_MUL: binaryRow(BINARY_MUL, pa, acs, pb, bcs, po, cols); break;
        case BINARY_DIV: binaryRow(BINARY_DIV, pa, acs, pb, bcs, po, cols); break;
        case BINARY_MAXIMUM: binaryRow(BINARY_MAXIMUM, pa, acs, pb, bcs, po, cols); break;
        case BINARY_MINIMUM: binaryRow(BINARY_MINIMUM, pa, acs, pb, bcs, po, cols); break;
        default: unreachable();
      }
    }
  }
}

// @ts-ignore: decorator
@inline function compareVec(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case COMPARE_EQUAL: return f32x4.eq(a, b);
    case COMPARE_NOT_EQUAL: return f32x4.ne(a, b);
    case COMPARE_GREATER: return f32x4.gt(a, b);
    case COMPARE_GREATER_EQUAL: return f32x4.ge(a, b);
    case COMPARE_LESS: return f32x4.lt(a, b);
    case COMPARE_LESS_EQUAL: return f32x4.le(a, b);
    default: return unreachable();
  }
}

// @ts-ignore: decorator
@inline function compareRow(op: i32, a: usize, as: i32, b: usize, bs: i32, o: usize, n: i32): void {
  let i = 0;
  if (as <= 1 && bs <= 1 && (as | bs) != 0) {
    const one = i8x16.splat(1);
    const n16 = n & ~15;
    const va0 = v128.load32_splat(a), vb0 = v128.load32_splat(b);
    for (; i < n16; i += 16) {
      const k = <usize>i << 2;
      const a0 = as ? v128.load(a + k) : va0, a1 = as ? v128.load(a + k, 16) : va0;
      const a2 = as ? v128.load(a + k, 32) : va0, a3 = as ? v128.load(a + k, 48) : va0;
      const b0 = bs ? v128.load(b + k) : vb0, b1 = bs ? v128.load(b + k, 16) : vb0;
      const b2 = bs ? v128.load(b + k, 32) : vb0, b3 = bs ? v128.load(b + k, 48) : vb0;
      const m01 = i16x8.narrow_i32x4_s(compareVec(op, a0, b0), compareVec(op, a1, b1));
      const m23 = i16x8.narrow_i32x4_s(compareVec(op, a2, b2), compareVec(op, a3, b3));
      v128.store(o + <usize>i, v128.and(i8x16.narrow_i16x8_s(m01, m23), one));
    }
  }
  for (; i < n; i++) {
    const va = f32x4.splat(load<f32>(a + (<usize>(i * as) << 2)));
    const vb = f32x4.splat(load<f32>(b + (<usize>(i * bs) << 2)));
    store<u8>(o + <usize>i, <u8>(i32x4.extract_lane(compareVec(op, va, vb), 0) & 1));
  }
}

/** out[o, r, c] = a (op) b as 0/1 bytes, over the same 3-D broadcast pattern as binaryF32. */
export function compareF32(op: i32, a: usize, aos: i32, ars: i32, acs: i32, b: usize, bos: i32, brs: i32, bcs: i32, out: usize,
  outer: i32, rows: i32, cols: i32): void {
  if (<u32>op >= <u32>COMPARE_COUNT) unreachable(); // even when there is nothing to compute
  for (let o = 0; o < outer; o++) {
    const ao = a + (<usize>(o * aos) << 2), bo = b + (<usize>(o * bos) << 2), oo = out + <usize>(o * rows * cols);
    for (let r = 0; r < rows; r++) {
      const pa = ao + (<usize>(r * ars) << 2), pb = bo + (<usize>(r * brs) << 2), po = oo + <usize>(r * cols);
      switch (op) {
        case COMPARE_EQUAL: compareRow(COMPARE_EQUAL, pa, acs, pb, bcs, po, cols); break;
        case COMPARE_NOT_EQUAL: compareRow(COMPARE_NOT_EQUAL, pa, acs, pb, bcs, po, cols); break;
        case COMPARE_GREATER: compareRow(COMPARE_GREATER, pa, acs, pb, bcs, po, cols); break;
        case COMPARE_GREATER_EQUAL: compareRow(COMPARE_GREATER_EQUAL, pa, acs, pb, bcs, po, cols); break;
        case COMPARE_LESS: compareRow(COMPARE_LESS, pa, acs, pb, bcs, po, cols); break;
        case COMPARE_LESS_EQUAL: compareRow(COMPARE_LESS_EQUAL, pa, acs, pb, bcs, po, cols); break;
        default: unreachable();
      }
    }
  }
}

/**
 * out[i] = cond[i] ? a[i·as] : b[i·bs] for n values, where as and bs are 0
 * (a broadcast scalar) or 1.
 */
export function whereF32(cond: usize, a: usize, as: i32, b: usize, bs: i32, out: usize, n: i32): void {
  const n4 = n & ~3;
  const va0 = v128.load32_splat(a), vb0 = v128.load32_splat(b);
  const zero = i32x4.splat(0);
  let i = 0;
  for (; i < n4; i += 4) {
    const k = <usize>i << 2;
    const c = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(cond + <usize>i)));
    const mask = i32x4.ne(c, zero);
    const va = as ? v128.load(a + k) : va0;
    const vb = bs ? v128.load(b + k) : vb0;
    v128.store(out + k, v128.bitselect(va, vb, mask));
  }
  for (; i < n; i++) {
    const v = load<u8>(cond + <usize>i) ? load<f32>(a + (<usize>(i * as) << 2)) : load<f32>(b + (<usize>(i * bs) << 2));
    store<f32>(out + (<usize>i << 2), v);
  }
}
