import { isFloat, promoteTypes, type DType } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';
import { tensor, type TensorLike } from '../tensor/create.js';
import { Tensor, isTensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { apply } from './prim.js';

export type { TensorLike } from '../tensor/create.js';

/** x converted to `dtype` (a differentiable cast between float types; a no-op when it already is). */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = toTensor(x);
  return t.dtype === dtype ? t : apply('cast', [t], { dtype });
}

/** A Tensor from anything tensor-like; numbers take `dtype` when given. */
export function toTensor(x: TensorLike, dtype?: DType): Tensor {
  if (x instanceof Variable) x = x.value;
  if (isTensor(x)) return dtype && x.dtype !== dtype ? cast(x, dtype) : x;
  if (typeof x === 'number') return tensor(x, [], dtype ?? 'float32');
  return tensor(x, undefined, dtype);
}

/**
 * The two operands of a binary op as tensors of one dtype. A plain JS number
 * is weakly typed and takes the other operand's dtype (a fractional number
 * with an int or bool tensor makes float32); two tensors promote
 * bool < int32 < float32 < float64.
 */
export function operands(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (a instanceof Variable) a = a.value;
  if (b instanceof Variable) b = b.value;
  if (typeof a === 'number' && isTensor(b)) return [tensor(a, [], weakType(a, b.dtype)), cast(b, weakType(a, b.dtype))];
  if (typeof b === 'number' && isTensor(a)) return [cast(a, weakType(b, a.dtype)), tensor(b, [], weakType(b, a.dtype))];
  const A = toTensor(a), B = toTensor(b);
  const d = promoteTypes(A.dtype, B.dtype);
  return [cast(A, d), cast(B, d)];
}

function weakType(n: number, d: DType): DType {
  return !isFloat(d) && !Number.isInteger(n) ? 'float32' : d === 'bool' ? 'int32' : d;
}

/** x as a float tensor (int and bool become float32); `op` names the caller in errors. */
export function floatTensor(op: string, x: TensorLike): Tensor {
  const t = toTensor(x);
  if (isFloat(t.dtype)) return t;
  if (t.dtype === 'int32' || t.dtype === 'bool') return cast(t, 'float32');
  throw new DTypeError(`${op}: expected a float tensor, got ${t.dtype}`);
}
