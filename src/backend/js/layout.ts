import { allocate, castArray, dtypeOf, type DType, type FloatArray, type TypedArray } from '../../core/dtype.js';
import { sizeOf, stridesOf, type Shape } from '../../core/shape.js';
import { broadcastStrides, forEachRow, innerStride } from './strided.js';

function like<T extends TypedArray>(x: T, n: number): T {
  return allocate(dtypeOf(x), n) as T;
}

/** Copies x read through `strides` (one per output dimension) into a new contiguous array of `outShape`. */
function gatherStrided(x: TypedArray, base: number, strides: readonly number[], outShape: Shape): TypedArray {
  const out = like(x, sizeOf(outShape));
  const inner = outShape.length === 0 ? 1 : outShape[outShape.length - 1]!;
  const is = innerStride(strides);
  forEachRow(outShape, [strides], (off, o) => {
    let xi = base + off[0]!;
    if (is === 1) out.set(x.subarray(xi, xi + inner), o);
    else for (let k = 0; k < inner; k++, xi += is) out[o + k] = x[xi]!;
  });
  return out;
}

/** x with axes reordered: out.shape[i] = shape[perm[i]]. */
export function permute(x: TypedArray, shape: Shape, perm: readonly number[]): TypedArray {
  const strides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  if (shape.length === 2 && perm[0] === 1) {
    // blocked 2-D transpose, friendlier to the cache than the strided walk
    const [r, c] = shape as [number, number];
    const out = like(x, r * c);
    const B = 32;
    for (let i0 = 0; i0 < r; i0 += B) {
      const i1 = Math.min(i0 + B, r);
      for (let j0 = 0; j0 < c; j0 += B) {
        const j1 = Math.min(j0 + B, c);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * r + i] = x[i * c + j]!;
      }
    }
    return out;
  }
  return gatherStrided(
    x,
    0,
    perm.map((p) => strides[p]!),
    outShape,
  );
}

/** x broadcast to outShape. */
export function broadcastTo(x: TypedArray, shape: Shape, outShape: Shape): TypedArray {
  return gatherStrided(x, 0, broadcastStrides(shape, outShape), outShape);
}

/** The block of x at `begin` with extent `size`. */
export function slice(x: TypedArray, shape: Shape, begin: readonly number[], size: readonly number[]): TypedArray {
  const strides = stridesOf(shape);
  let base = 0;
  for (let i = 0; i < shape.length; i++) base += begin[i]! * strides[i]!;
  return gatherStrided(x, base, strides, size);
}

/** x padded with `value`: paddings[i] = [before, after] on axis i. */
export function pad(x: TypedArray, shape: Shape, paddings: readonly (readonly [number, number])[], value: number): TypedArray {
  const outShape = shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const out = like(x, sizeOf(outShape));
  if (value !== 0) out.fill(value);
  const outStrides = stridesOf(outShape);
  let base = 0;
  for (let i = 0; i < shape.length; i++) base += paddings[i]![0] * outStrides[i]!;
  const inner = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  forEachRow(shape, [outStrides], (off, xi) => {
    out.set(x.subarray(xi, xi + inner), base + off[0]!);
  });
  return out;
}

/** The inputs joined along `axis`. */
export function concat(xs: readonly TypedArray[], shapes: readonly Shape[], axis: number): TypedArray {
  const first = shapes[0]!;
  let outer = 1,
    inner = 1;
  for (let i = 0; i < axis; i++) outer *= first[i]!;
  for (let i = axis + 1; i < first.length; i++) inner *= first[i]!;
  const chunks = shapes.map((s) => s[axis]! * inner);
  const total = chunks.reduce((a, b) => a + b, 0);
  const out = like(xs[0]!, outer * total);
  for (let o = 0, at = 0; o < outer; o++) {
    for (let j = 0; j < xs.length; j++) {
      const c = chunks[j]!;
      out.set(xs[j]!.subarray(o * c, o * c + c), at);
      at += c;
    }
  }
  return out;
}

/** Slices of x picked along `axis` by `indices` (already validated to be in range). */
export function gather(x: TypedArray, shape: Shape, indices: Int32Array, _indicesShape: Shape, axis: number): TypedArray {
  const n = shape[axis]!;
  let outer = 1,
    inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  const m = indices.length;
  const out = like(x, outer * m * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * n + indices[j]!) * inner;
      out.set(x.subarray(src, src + inner), (o * m + j) * inner);
    }
  }
  return out;
}

/** The adjoint of gather: rows of `updates` added into a zero tensor at the rows `indices` name. */
export function scatterAdd(updates: FloatArray, shape: Shape, indices: Int32Array, indicesShape: Shape, axis: number, dimSize: number): FloatArray {
  let outer = 1,
    inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + indicesShape.length; i < shape.length; i++) inner *= shape[i]!;
  const m = indices.length;
  const out = like(updates, outer * dimSize * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * dimSize + indices[j]!) * inner;
      const src = (o * m + j) * inner;
      for (let k = 0; k < inner; k++) out[dst + k] = out[dst + k]! + updates[src + k]!;
    }
  }
  return out;
}

/** x converted to dtype. */
export function cast(x: TypedArray, dtype: DType): TypedArray {
  return castArray(x, dtype);
}
