import { ArgumentError } from '../core/errors.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor } from './rows.js';

/**
 * One-hot encodes integer class labels, as Keras's `to_categorical`: labels
 * of shape [...s] (any dtype holding whole numbers) become a float32 tensor
 * of shape [...s, numClasses] with out[..., k] = 1 where the label is k and
 * 0 elsewhere. `numClasses` defaults to the largest label + 1. Throws for a
 * negative or non-integer label, or one ≥ numClasses.
 *
 *     nb.data.toCategorical([0, 2, 1])   // [[1,0,0],[0,0,1],[0,1,0]]
 */
export function toCategorical(labels: TensorLike, numClasses?: number): Tensor {
  const t = asTensor('toCategorical', 'labels', labels);
  const v = t.storage;
  let max = -1;
  for (let i = 0; i < v.length; i++) {
    const l = v[i]!;
    if (!Number.isInteger(l) || l < 0) {
      throw new ArgumentError(`toCategorical: labels must be whole numbers ≥ 0, got ${l} at index ${i}`);
    }
    if (l > max) max = l;
  }
  let k: number;
  if (numClasses === undefined) {
    if (v.length === 0) throw new ArgumentError('toCategorical: no labels, so numClasses must be given');
    k = max + 1;
  } else {
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new ArgumentError(`toCategorical: numClasses must be a whole number ≥ 1, got ${numClasses}`);
    if (max >= numClasses) throw new ArgumentError(`toCategorical: label ${max} does not fit numClasses ${numClasses} (labels run 0..${numClasses - 1})`);
    k = numClasses;
  }
  const out = new Float32Array(v.length * k);
  for (let i = 0; i < v.length; i++) out[i * k + v[i]!] = 1;
  return new Tensor(out, [...t.shape, k]);
}
