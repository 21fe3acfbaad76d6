import { ArgumentError } from '../core/errors.js';
import { allocate } from '../core/dtype.js';
import { tensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/** @internal A Tensor for any tensor-like argument (a Tensor is returned as is). */
export function asTensor(op: string, what: string, x: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  try {
    return tensor(x);
  } catch (e) {
    throw new ArgumentError(`${op}: ${what} is not a tensor or an array of numbers: ${(e as Error).message}`);
  }
}

/** @internal The rows `index` (along the first axis) of `t`, as a new tensor of the same dtype. */
export function takeRows(t: Tensor, index: ArrayLike<number>): Tensor {
  const rowSize = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = allocate(t.dtype, index.length * rowSize);
  const src = t.storage;
  for (let i = 0; i < index.length; i++) {
    const from = index[i]! * rowSize;
    out.set(src.subarray(from, from + rowSize), i * rowSize);
  }
  return new Tensor(out, [index.length, ...t.shape.slice(1)]);
}
