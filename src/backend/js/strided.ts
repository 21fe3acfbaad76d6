import type { Shape } from '../../core/shape.js';

/**
 * Strides of an input of shape `inShape` read as if broadcast to `outShape`
 * (aligned from the right; 0 on every broadcast dimension).
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const out = new Array<number>(outShape.length).fill(0);
  let s = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const o = outShape.length - inShape.length + i;
    out[o] = inShape[i] === 1 ? 0 : s;
    s *= inShape[i]!;
  }
  return out;
}

/**
 * Walks `shape` row by row (a row is the last dimension) and, for each row,
 * calls `row(offsets, outOffset)` with each input's offset for that row
 * given its strides. Used for broadcasting and strided copies.
 */
export function forEachRow(shape: Shape, strides: readonly (readonly number[])[], row: (offsets: Int32Array | number[], outOffset: number) => void): void {
  const rank = shape.length;
  const rowLength = rank === 0 ? 1 : shape[rank - 1]!;
  let rows = 1;
  for (let i = 0; i < rank - 1; i++) rows *= shape[i]!;
  if (rows === 0 || rowLength === 0) return;
  const k = strides.length;
  const offsets = new Array<number>(k).fill(0);
  const counter = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let r = 0; r < rows; r++) {
    row(offsets, r * rowLength);
    // advance the odometer over the leading dimensions
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      for (let j = 0; j < k; j++) offsets[j]! += strides[j]![d]!;
      if (counter[d]! < shape[d]!) break;
      for (let j = 0; j < k; j++) offsets[j]! -= strides[j]![d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}

/** The stride of the last dimension (0 for a scalar). */
export function innerStride(strides: readonly number[]): number {
  return strides.length === 0 ? 0 : strides[strides.length - 1]!;
}
