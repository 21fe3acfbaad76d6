// The data of fit, evaluate and predict: one tensor (a Sequential's x and y),
// or one tensor per input or output of a functional model.
import type { Tensor } from '../tensor/tensor.js';
import { concat } from '../ops/shape.js';
import { checkFinite, pickRows, rows } from './data.js';

/** One tensor, or one per model input (or output), in order. */
export type Data = Tensor | Tensor[];

/** The i-th tensor of d (d itself when it is one tensor). */
export function part(d: Data, i: number): Tensor {
  return Array.isArray(d) ? d[i]! : d;
}

/** The number of examples (the first axis of the first tensor). */
export function count(d: Data): number {
  return part(d, 0).shape[0]!;
}

/** Rows [begin, begin + size) of every tensor. */
export function rowsOf(d: Data, begin: number, size: number): Data {
  return Array.isArray(d) ? d.map((t) => rows(t, begin, size)) : rows(d, begin, size);
}

/** The rows picked by `indices`, of every tensor. */
export function pickRowsOf(d: Data, indices: Int32Array): Data {
  return Array.isArray(d) ? d.map((t) => pickRows(t, indices)) : pickRows(d, indices);
}

/** checkFinite on every tensor; the i-th of several is called `what[i]`. */
export function checkFiniteData(op: string, what: string, d: Data): void {
  if (Array.isArray(d)) d.forEach((t, i) => checkFinite(op, `${what}[${i}]`, t));
  else checkFinite(op, what, d);
}

/** Batches joined along the batch axis (each output on its own, for several). */
export function concatBatches(batches: Data[]): Data {
  if (batches.length === 1) return batches[0]!;
  if (Array.isArray(batches[0]))
    return batches[0].map((_, i) =>
      concat(
        batches.map((b) => part(b, i)),
        0,
      ),
    );
  return concat(batches as Tensor[], 0);
}
