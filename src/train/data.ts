import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { gather, slice } from '../ops/shape.js';
import { toTensor, type TensorLike } from '../ops/convert.js';

/** Rows [begin, begin + size) of a tensor (the batch axis is the first). */
export function rows(t: Tensor, begin: number, size: number): Tensor {
  return slice(t, [begin], [size]);
}

/** The rows of a tensor picked by `indices`. */
export function pickRows(t: Tensor, indices: Int32Array): Tensor {
  return gather(t, new Tensor(indices, [indices.length]), 0);
}

/** Converts x and y to tensors and checks that they have the same number of examples. */
export function examples(op: string, x: TensorLike, y: TensorLike): [Tensor, Tensor] {
  const X = toTensor(op, 'x', x), Y = toTensor(op, 'y', y);
  if (X.rank === 0 || Y.rank === 0 || X.shape[0] !== Y.shape[0]) {
    throw new ShapeError(`${op}: x ${formatShape(X.shape)} and y ${formatShape(Y.shape)} must have the same number of examples (first dimension)`);
  }
  return [X, Y];
}
