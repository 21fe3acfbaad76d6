import type { CompareOp } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { operands, toTensor, type TensorLike } from './convert.js';
import { apply } from './prim.js';

function compare(op: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  return apply('compare', operands(op, a, b), { op });
}

/** a == b elementwise, as a bool tensor. */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return compare('equal', a, b);
}
/** a != b elementwise. */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare('notEqual', a, b);
}
/** a > b elementwise. */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return compare('greater', a, b);
}
/** a >= b elementwise. */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare('greaterEqual', a, b);
}
/** a < b elementwise. */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return compare('less', a, b);
}
/** a <= b elementwise. */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare('lessEqual', a, b);
}

/**
 * Picks a where `condition` is true and b elsewhere, all three broadcast.
 * The gradient flows to the branch that was picked.
 */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = toTensor('where', 'condition', condition);
  const [x, y] = operands('where', a, b);
  return apply('where', [c.dtype === 'bool' ? c : notEqual(c, 0), x, y], {});
}
