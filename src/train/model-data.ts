// The data of fit, evaluate and predict: one tensor (a Sequential's x and y),
// or one tensor per input or output of a functional model.
import type { Tensor } from '../tensor/tensor.js';
import type { Layer, SymbolicShape } from '../nn/layer.js';
import { sizeOf } from '../core/shape.js';
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

/**
 * The layers whose values inside a pass are their outputs (no attention
 * scores, im2col patches or recurrent states besides them): only models made
 * of these get passes larger than 32 by default (see exampleValues).
 */
const OUTPUT_ONLY_LAYERS: ReadonlySet<string> = new Set([
  'InputLayer',
  'Dense',
  'Activation',
  'Dropout',
  'BatchNormalization',
  'LayerNormalization',
  'UnitNormalization',
  'Normalization',
  'Rescaling',
  'Flatten',
  'Reshape',
  'Embedding',
  'Add',
  'Subtract',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
  'Concatenate',
]);

/**
 * LayersModel.exampleValues from the model's layers and their output shapes
 * (batch axis first; made only when every layer is in OUTPUT_ONLY_LAYERS):
 * the sum of the outputs' sizes per example, or null when a layer is not
 * one of those, a dimension is unknown or a layer cannot tell its shape.
 */
export function exampleValuesOf(layers: readonly Layer[], outputShapes: () => Iterable<SymbolicShape>): number | null {
  if (!layers.every((l) => OUTPUT_ONLY_LAYERS.has(l.className))) return null;
  let values = 0;
  try {
    for (const shape of outputShapes()) {
      const example = shape.slice(1);
      if (example.some((d) => d === null)) return null;
      values += sizeOf(example as number[]);
    }
  } catch {
    return null; // a layer that cannot tell its output shape: the default stays Keras's 32
  }
  return values;
}

/**
 * Rows per pass of predict and evaluate when the caller gives no batchSize:
 * the largest power of two from 32 (Keras's default) to 1024 whose pass holds
 * at most 2^19 values (2 MiB of float32) of inputs and layer outputs, given
 * `exampleValues`, the layers' output values per example (32 when unknown, or
 * when a layer holds more values inside than it outputs: OUTPUT_ONLY_LAYERS). A
 * pass costs a fixed ~20 µs beside its arithmetic, which dominates on small
 * models: the digits MLP predicted 1024 examples in 1.4 ms in 32 passes of 32
 * and in 0.8 ms in one; on large ones (a CNN) the passes stay at 32, and the
 * memory of their plans small. Inference treats every example on its own, so
 * the results do not depend on it beyond the last bit of a sum.
 */
export function inferenceBatchSize(d: Data, exampleValues: number | null): number {
  if (exampleValues === null) return 32;
  let values = exampleValues;
  for (const t of Array.isArray(d) ? d : [d]) values += sizeOf(t.shape.slice(1));
  let rows = 32;
  while (rows < 1024 && rows * 2 * values <= 1 << 19) rows *= 2;
  return rows;
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
