import { allocate, dtypeOf, INT32_MAX, INT32_MIN, positionOf, type FloatArray, type TypedArray } from '../../core/dtype.js';
import { DTypeError } from '../../core/errors.js';
import { sizeOf, stridesOf, type Shape } from '../../core/shape.js';
import type { ArgReduceOp, ReduceOp } from '../kernels.js';
import { forEachRow } from './strided.js';

/**
 * Reduces `axes` of x. Sums accumulate in float64 and are rounded once at the
 * end; max and min propagate NaN.
 */
export function reduce(op: ReduceOp, x: TypedArray, shape: Shape, axes: readonly number[]): TypedArray {
  const rank = shape.length;
  const keptShape = shape.filter((_, i) => !axes.includes(i));
  const outSize = sizeOf(keptShape);
  const keptStrides = stridesOf(keptShape);
  // the output offset step of each input dimension (0 on reduced axes)
  const outStrides: number[] = [];
  for (let i = 0, k = 0; i < rank; i++) outStrides.push(axes.includes(i) ? 0 : keptStrides[k++]!);
  const acc = new Float64Array(outSize);
  if (op === 'max') acc.fill(-Infinity);
  else if (op === 'min') acc.fill(Infinity);
  const inner = rank === 0 ? 1 : shape[rank - 1]!;
  const os = rank === 0 ? 0 : outStrides[rank - 1]!;
  forEachRow(shape, [stridesOf(shape), outStrides], (off) => {
    let xi = off[0]!,
      o = off[1]!;
    if (op === 'sum') {
      if (os === 0) {
        let s = 0;
        for (let k = 0; k < inner; k++) s += x[xi + k]!;
        acc[o] = acc[o]! + s;
      } else for (let k = 0; k < inner; k++, o += os) acc[o] = acc[o]! + x[xi + k]!;
    } else if (op === 'max') {
      for (let k = 0; k < inner; k++, o += os) {
        const v = x[xi + k]!;
        if (v > acc[o]! || v !== v) acc[o] = v;
      }
    } else {
      for (let k = 0; k < inner; k++, o += os) {
        const v = x[xi + k]!;
        if (v < acc[o]! || v !== v) acc[o] = v;
      }
    }
    xi += inner;
  });
  const out = allocate(dtypeOf(x), outSize);
  if (out instanceof Int32Array) {
    const bad = acc.findIndex((v) => v < INT32_MIN || v > INT32_MAX);
    if (bad >= 0)
      throw new DTypeError(
        `sum: the int32 sum ${acc[bad]} at ${positionOf(bad, keptShape)} is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]; cast to float64 first`,
      );
  }
  out.set(acc);
  return out;
}

/**
 * The gradient of a max or min over `axes` of x (shape `shape`): g and m (the
 * extreme) have x's shape with the reduced axes 1, and out = g · mask / count,
 * mask = [x = m] + [x is NaN]·[m is NaN], count = Σ_axes mask (see Kernels.extremumGrad).
 */
export function extremumGrad(g: FloatArray, x: FloatArray, m: FloatArray, shape: Shape, axes: readonly number[]): FloatArray {
  const rank = shape.length;
  const keptShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(keptShape);
  // the kept offset step of each dimension of x (0 on reduced axes)
  const outStrides = keptStrides.map((st, i) => (axes.includes(i) ? 0 : st));
  const count = new Float64Array(sizeOf(keptShape));
  const inner = rank === 0 ? 1 : shape[rank - 1]!;
  const os = rank === 0 ? 0 : outStrides[rank - 1]!;
  const xStrides = stridesOf(shape);
  const maskOf = (xv: number, mv: number) => (xv === mv ? 1 : 0) + (xv !== xv && mv !== mv ? 1 : 0);
  forEachRow(shape, [xStrides, outStrides], (off) => {
    for (let k = 0, xi = off[0]!, o = off[1]!; k < inner; k++, xi++, o += os) count[o] = count[o]! + maskOf(x[xi]!, m[o]!);
  });
  const out = allocate(dtypeOf(x), x.length) as FloatArray;
  forEachRow(shape, [xStrides, outStrides], (off) => {
    for (let k = 0, xi = off[0]!, o = off[1]!; k < inner; k++, xi++, o += os) out[xi] = (g[o]! * maskOf(x[xi]!, m[o]!)) / count[o]!;
  });
  return out;
}

/** The index of the first extreme value along `axis` (NaN counts as the extreme). */
export function argReduce(op: ArgReduceOp, x: TypedArray, shape: Shape, axis: number): Int32Array {
  const n = shape[axis]!;
  let outer = 1,
    inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  const out = new Int32Array(outer * inner);
  const better = op === 'argmax' ? (v: number, m: number) => v > m : (v: number, m: number) => v < m;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base]!,
        at = 0;
      if (best === best) {
        for (let k = 1; k < n; k++) {
          const v = x[base + k * inner]!;
          if (v !== v) {
            at = k;
            break;
          }
          if (better(v, best)) {
            best = v;
            at = k;
          }
        }
      }
      out[o * inner + i] = at;
    }
  }
  return out;
}
