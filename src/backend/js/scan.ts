import { allocate, dtypeOf, INT32_MAX, INT32_MIN, positionOf, type TypedArray } from '../../core/dtype.js';
import { DTypeError } from '../../core/errors.js';
import { sizeOf, stridesOf, type Shape } from '../../core/shape.js';
import type { ScanOp } from '../kernels.js';
import { forEachRow } from './strided.js';

/** The extent before, along and after `axis`. */
function split(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/** Stores float64 results in x's dtype; int32 only when every value fits (exact arithmetic or an error). */
function store(op: string, x: TypedArray, acc: Float64Array, shape: Shape): TypedArray {
  const out = allocate(dtypeOf(x), acc.length);
  if (out instanceof Int32Array) {
    const bad = acc.findIndex((v) => !(v >= INT32_MIN && v <= INT32_MAX));
    if (bad >= 0) {
      throw new DTypeError(
        `${op}: the int32 result ${acc[bad]} at ${positionOf(bad, shape)} is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]; cast to float64 first`,
      );
    }
  }
  out.set(acc);
  return out;
}

/**
 * The inclusive scan of x along `axis` (from the last entry when `reverse`), accumulated in
 * float64: running sum, product, max and min (NaN propagates), the running log-sum-exp
 * (m + ln Σ e^(x − m) updated with the running maximum m, finite for ±1000), or the int32
 * index of the running maximum (minimum), the later one on ties and the first NaN once one is met.
 */
export function scan(op: ScanOp, x: TypedArray, shape: Shape, axis: number, reverse: boolean): TypedArray {
  const [outer, n, inner] = split(shape, axis);
  const total = x.length;
  const acc = new Float64Array(total);
  const index = op === 'argmax' || op === 'argmin' ? new Int32Array(total) : null;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let run = 0,
        at = 0;
      for (let s = 0; s < n; s++) {
        const k = reverse ? n - 1 - s : s;
        const p = base + k * inner;
        const v = x[p]!;
        if (s === 0) {
          run = v;
          at = k;
        } else {
          switch (op) {
            case 'sum':
              run += v;
              break;
            case 'prod':
              run *= v;
              break;
            case 'max':
            case 'argmax':
              if (run === run && (v >= run || v !== v)) {
                run = v;
                at = k;
              }
              break;
            case 'min':
            case 'argmin':
              if (run === run && (v <= run || v !== v)) {
                run = v;
                at = k;
              }
              break;
            case 'logSumExp': {
              // log(eʳ + eᵛ) = M + log1p(e^(−|r − v|)), M = max(r, v); equal infinities stay as they are
              const hi = Math.max(run, v),
                lo = Math.min(run, v);
              run = hi === lo || hi === -Infinity ? hi + (hi === lo && Number.isFinite(hi) ? Math.LN2 : 0) : hi + Math.log1p(Math.exp(lo - hi));
              if (v !== v) run = NaN;
              break;
            }
          }
        }
        acc[p] = run;
        if (index) index[p] = at;
      }
    }
  }
  if (index) return index;
  return store(`cum${op}`, x, acc, shape);
}

/** The product over `axes`, accumulated in float64 and rounded once (int32 exactly, or a DTypeError on overflow). */
export function prod(x: TypedArray, shape: Shape, axes: readonly number[]): TypedArray {
  const rank = shape.length;
  const keptShape = shape.filter((_, i) => !axes.includes(i));
  const keptStrides = stridesOf(keptShape);
  const outStrides: number[] = [];
  for (let i = 0, k = 0; i < rank; i++) outStrides.push(axes.includes(i) ? 0 : keptStrides[k++]!);
  const acc = new Float64Array(sizeOf(keptShape)).fill(1);
  const inner = rank === 0 ? 1 : shape[rank - 1]!;
  const os = rank === 0 ? 0 : outStrides[rank - 1]!;
  forEachRow(shape, [stridesOf(shape), outStrides], (off) => {
    const xi = off[0]!;
    let o = off[1]!;
    for (let k = 0; k < inner; k++, o += os) acc[o] = acc[o]! * x[xi + k]!;
  });
  return store('prod', x, acc, keptShape);
}

/** The stable sorting permutation of x along `axis`; NaN sorts above every number (and +∞). */
export function argsort(x: TypedArray, shape: Shape, axis: number, descending: boolean): Int32Array {
  const [outer, n, inner] = split(shape, axis);
  const out = new Int32Array(x.length);
  const order = new Array<number>(n);
  const key = new Float64Array(n);
  // ascending: a before b when a < b, NaN last; descending: a before b when a > b, NaN first; ties keep their order
  const cmp = descending
    ? (a: number, b: number) => {
        const u = key[a]!,
          v = key[b]!;
        if (u !== u) return v !== v ? a - b : -1;
        if (v !== v) return 1;
        return u > v ? -1 : u < v ? 1 : a - b;
      }
    : (a: number, b: number) => {
        const u = key[a]!,
          v = key[b]!;
        if (u !== u) return v !== v ? a - b : 1;
        if (v !== v) return -1;
        return u < v ? -1 : u > v ? 1 : a - b;
      };
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let k = 0; k < n; k++) {
        order[k] = k;
        key[k] = x[base + k * inner]!;
      }
      order.sort(cmp);
      for (let k = 0; k < n; k++) out[base + k * inner] = order[k]!;
    }
  }
  return out;
}
