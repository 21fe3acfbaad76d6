import { allocate, dtypeOf, INT32_MAX, INT32_MIN, positionOf, type TypedArray } from '../../core/dtype.js';
import { DTypeError } from '../../core/errors.js';
import { erf } from '../../core/special.js';
import { sameShape, sizeOf, type Shape } from '../../core/shape.js';
import type { BinaryOp, BinaryOp18, CompareOp, UnaryOp, UnaryOp18 } from '../kernels.js';
import { BINARY18, UNARY18 } from './elementwise18.js';
import { broadcastStrides, forEachRow, innerStride } from './strided.js';

function like<T extends TypedArray>(x: T, n: number): T {
  return allocate(dtypeOf(x), n) as T;
}

/**
 * An int32 result computed exactly in float64, stored as int32, or refused
 * when a value does not fit (int32 arithmetic is exact or it throws).
 */
function toInt32(op: string, exact: Float64Array, shape: Shape): Int32Array {
  for (let i = 0; i < exact.length; i++) {
    const v = exact[i]!;
    if (v < INT32_MIN || v > INT32_MAX) {
      throw new DTypeError(
        `${op}: the int32 result ${v} at ${positionOf(i, shape)} is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]; cast the operands to float64 for a float result`,
      );
    }
  }
  return Int32Array.from(exact);
}

/** out[i] = op(x[i]); same dtype as x (int32 for neg, abs and sign only: exact, or refused on overflow). */
export function unary(op: UnaryOp, x: TypedArray): TypedArray {
  const n = x.length;
  if (x instanceof Int32Array) return toInt32(op, unary(op, Float64Array.from(x)) as Float64Array, [n]);
  const out = like(x, n);
  if (Object.hasOwn(UNARY18, op)) {
    const f = UNARY18[op as UnaryOp18];
    for (let i = 0; i < n; i++) out[i] = f(x[i]!);
    return out;
  }
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      break;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      break;
    case 'expm1':
      for (let i = 0; i < n; i++) out[i] = Math.expm1(x[i]!);
      break;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      break;
    case 'log1p':
      for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]!);
      break;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
      break;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!);
      break;
    case 'sign':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? 1 : v < 0 ? -1 : 0;
      }
      break; // 0 at ±0 and NaN, as in PyTorch
    case 'sin':
      for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]!);
      break;
    case 'cos':
      for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]!);
      break;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      break;
    case 'erf':
      for (let i = 0; i < n; i++) out[i] = erf(x[i]!);
      break;
    default:
      throw new Error(`unknown unary op ${String(op)}`);
  }
  return out;
}

type Row = (a: TypedArray, ai: number, as: number, b: TypedArray, bi: number, bs: number, o: TypedArray, oi: number, n: number) => void;

// One row function per op keeps each inner loop monomorphic in its arithmetic.
/** The row function of a scalar function (the issue-18 ops, not hot). */
function scalarRow(f: (a: number, b: number) => number): Row {
  return (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = f(a[ai]!, b[bi]!);
  };
}

const rows18 = Object.fromEntries(Object.entries(BINARY18).map(([k, f]) => [k, scalarRow(f)])) as Record<BinaryOp18, Row>;

const rows: Record<BinaryOp, Row> = {
  ...rows18,
  add: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! + b[bi]!;
  },
  sub: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! - b[bi]!;
  },
  mul: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! * b[bi]!;
  },
  div: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! / b[bi]!;
  },
  pow: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! ** b[bi]!;
  },
  maximum: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) {
      const x = a[ai]!,
        y = b[bi]!;
      o[oi + k] = x > y || x !== x ? x : y;
    }
  },
  minimum: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) {
      const x = a[ai]!,
        y = b[bi]!;
      o[oi + k] = x < y || x !== x ? x : y;
    }
  },
};

const compareRows: Record<CompareOp, Row> = {
  equal: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! === b[bi]! ? 1 : 0;
  },
  notEqual: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! !== b[bi]! ? 1 : 0;
  },
  greater: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! > b[bi]! ? 1 : 0;
  },
  greaterEqual: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! >= b[bi]! ? 1 : 0;
  },
  less: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! < b[bi]! ? 1 : 0;
  },
  lessEqual: (a, ai, as, b, bi, bs, o, oi, n) => {
    for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! <= b[bi]! ? 1 : 0;
  },
};

function broadcastRows(row: Row, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
  const n = out.length;
  if (sameShape(aShape, bShape)) {
    row(a, 0, 1, b, 0, 1, out, 0, n);
    return;
  }
  if (b.length === 1 && sameShape(aShape, outShape)) {
    row(a, 0, 1, b, 0, 0, out, 0, n);
    return;
  }
  if (a.length === 1 && sameShape(bShape, outShape)) {
    row(a, 0, 0, b, 0, 1, out, 0, n);
    return;
  }
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const ia = innerStride(sa),
    ib = innerStride(sb);
  const len = outShape.length === 0 ? 1 : outShape[outShape.length - 1]!;
  forEachRow(outShape, [sa, sb], (off, o) => row(a, off[0]!, ia, b, off[1]!, ib, out, o, len));
}

/**
 * out = op(a, b) with NumPy broadcasting; out has a's dtype. int32 results are
 * computed in float64 (exact: an inexact product is beyond 2⁵³, far out of
 * range) and refused when they do not fit in int32, rather than wrapped.
 */
export function binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray {
  if (a instanceof Int32Array) {
    const exact = new Float64Array(sizeOf(outShape));
    broadcastRows(rows[op], a, aShape, b, bShape, exact, outShape);
    return toInt32(op, exact, outShape);
  }
  const out = like(a, sizeOf(outShape));
  broadcastRows(rows[op], a, aShape, b, bShape, out, outShape);
  return out;
}

/** out = a (op) b as 0/1, with NumPy broadcasting. */
export function compare(op: CompareOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): Uint8Array {
  const out = new Uint8Array(sizeOf(outShape));
  broadcastRows(compareRows[op], a, aShape, b, bShape, out, outShape);
  return out;
}

/** out = cond ? a : b, with NumPy broadcasting of all three. */
export function where(cond: Uint8Array, cShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray {
  const out = like(a, sizeOf(outShape));
  if (sameShape(cShape, outShape) && sameShape(aShape, outShape) && sameShape(bShape, outShape)) {
    for (let i = 0; i < out.length; i++) out[i] = cond[i] ? a[i]! : b[i]!;
    return out;
  }
  const sc = broadcastStrides(cShape, outShape),
    sa = broadcastStrides(aShape, outShape),
    sb = broadcastStrides(bShape, outShape);
  const ic = innerStride(sc),
    ia = innerStride(sa),
    ib = innerStride(sb);
  const len = outShape.length === 0 ? 1 : outShape[outShape.length - 1]!;
  forEachRow(outShape, [sc, sa, sb], (off, o) => {
    let c = off[0]!,
      x = off[1]!,
      y = off[2]!;
    for (let k = 0; k < len; k++, c += ic, x += ia, y += ib) out[o + k] = cond[c] ? a[x]! : b[y]!;
  });
  return out;
}
