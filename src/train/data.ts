import { isFloat, sumIsFinite, type TypedArray } from '../core/dtype.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { gather, slice } from '../ops/shape.js';
import { toTensor, type TensorLike } from '../ops/convert.js';

/** Rows [begin, begin + size) of a tensor (the batch axis is the first). */
export function rows(t: Tensor, begin: number, size: number): Tensor {
  return slice(t, [begin], [size]);
}

/** Copies the rows of `src` (rows of `row` elements) picked by `indices` into `out`, in order. */
export function copyRows(out: TypedArray, src: TypedArray, row: number, indices: Int32Array): void {
  if (row <= 8) {
    // very short rows (labels): an element loop (a subarray object per row would cost more than the copy)
    for (let k = 0, o = 0; k < indices.length; k++) {
      const from = indices[k]! * row;
      for (let j = 0; j < row; j++) out[o++] = src[from + j]!;
    }
  } else for (let k = 0; k < indices.length; k++) out.set(src.subarray(indices[k]! * row, (indices[k]! + 1) * row), k * row);
}

/** The rows of a tensor picked by `indices` (in range: fit's shuffled order), copied row by row (no op, no tape: data, not a differentiable value). */
export function pickRows(t: Tensor, indices: Int32Array): Tensor {
  if (t.placeholder !== null || t.shape.length === 0 || t.size === 0) return gather(t, new Tensor(indices, [indices.length]), 0);
  const row = t.size / t.shape[0]!;
  const src = t.storage;
  const out = new (src.constructor as new (n: number) => typeof src)(indices.length * row);
  copyRows(out, src, row, indices);
  return new Tensor(out, [indices.length, ...t.shape.slice(1)]);
}

/** Converts x and y to tensors and checks that they have the same number of examples. */
export function examples(op: string, x: TensorLike, y: TensorLike): [Tensor, Tensor] {
  const X = toTensor(op, 'x', x),
    Y = toTensor(op, 'y', y);
  if (X.rank === 0 || Y.rank === 0 || X.shape[0] !== Y.shape[0]) {
    throw new ShapeError(`${op}: x ${formatShape(X.shape)} and y ${formatShape(Y.shape)} must have the same number of examples (first dimension)`);
  }
  return [X, Y];
}

/**
 * Throws an ArgumentError when a float tensor of examples holds NaN or ±Inf,
 * naming the first one by example index and feature index (a multi-index for
 * examples of several dimensions), `what` it is ('x', 'validationData y')
 * and how many there are, and the opt-in. One pass over the data; int32 and
 * bool tensors are skipped (they cannot hold NaN).
 */
export function checkFinite(op: string, what: string, t: Tensor): void {
  if (!isFloat(t.dtype)) return;
  const s = t.storage;
  if (sumIsFinite(s)) return; // every value finite: one fast pass; otherwise find and count the bad ones
  let first = -1,
    count = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (v - v !== 0) {
      // NaN and ±Inf; 0 for every finite v
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return;
  const featureShape = t.shape.slice(1);
  const perExample = featureShape.reduce((a, b) => a * b, 1);
  const example = Math.floor(first / perExample);
  const feature = unravel(first % perExample, featureShape);
  const at = `${what}[${[example, ...feature].join(', ')}]`;
  const where =
    feature.length === 0
      ? `example ${example}`
      : feature.length === 1
        ? `example ${example}, feature ${feature[0]}`
        : `example ${example}, feature [${feature.join(', ')}]`;
  const more = count > 1 ? ` (${count} non-finite values in all)` : '';
  throw new ArgumentError(
    `${op}: ${what} holds ${s[first]} at ${where} (${at})${more}; ` +
      'replace or remove the missing or infinite values, or pass allowNonFinite: true if the loss handles them',
  );
}

/** The multi-index of flat position `i` in a row-major array of `shape`. */
function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}
