import { checkDType, isFloat, promoteTypes, type DType } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';
import { tensorFrom, type TensorLike } from '../tensor/create.js';
import { type Tensor, isTensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { apply } from './prim.js';

export type { TensorLike } from '../tensor/create.js';

// Every public op converts its tensor arguments here, naming itself and the
// argument, so that a bad value is reported as
// `add: argument b must be a tensor, number, boolean or nested array of them; got an object`
// rather than deep inside the conversion.

/** x converted to `dtype` (a differentiable cast between float types; a no-op when it already is). */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const d = checkDType('cast', dtype);
  const t = toTensor('cast', 'x', x);
  return t.dtype === d ? t : apply('cast', [t], { dtype: d });
}

/**
 * Argument `arg` of `op` as a Tensor: a Tensor as it is, a Variable's value,
 * a number (as a scalar), nested arrays or a typed array; numbers take
 * `dtype` when given. Anything else throws an ArgumentError naming op and arg.
 */
export function toTensor(op: string, arg: string, x: TensorLike, dtype?: DType): Tensor {
  if (x instanceof Variable) x = x.value;
  if (isTensor(x)) return dtype && x.dtype !== dtype ? cast(x, dtype) : x;
  if (typeof x === 'number') return tensorFrom(op, arg, x, [], dtype ?? 'float32');
  return tensorFrom(op, arg, x, undefined, dtype);
}

/**
 * The two operands of a binary op `op` as tensors of one dtype; `names` name
 * them in errors (a and b by default). A plain JS number is weakly typed and
 * takes the other operand's dtype (a fractional number with an int or bool
 * tensor makes float32); two tensors promote bool < int32 < float32 < float64.
 */
export function operands(op: string, a: TensorLike, b: TensorLike, names: readonly [string, string] = ['a', 'b']): [Tensor, Tensor] {
  if (a instanceof Variable) a = a.value;
  if (b instanceof Variable) b = b.value;
  if (typeof a === 'number' && isTensor(b)) return [tensorFrom(op, names[0], a, [], weakType(a, b.dtype)), cast(b, weakType(a, b.dtype))];
  if (typeof b === 'number' && isTensor(a)) return [cast(a, weakType(b, a.dtype)), tensorFrom(op, names[1], b, [], weakType(b, a.dtype))];
  const A = toTensor(op, names[0], a),
    B = toTensor(op, names[1], b);
  const d = promoteTypes(A.dtype, B.dtype);
  return [cast(A, d), cast(B, d)];
}

function weakType(n: number, d: DType): DType {
  return !isFloat(d) && !Number.isInteger(n) ? 'float32' : d === 'bool' ? 'int32' : d;
}

/** Argument `arg` of `op` as a float tensor (int and bool become float32). */
export function floatTensor(op: string, arg: string, x: TensorLike): Tensor {
  const t = toTensor(op, arg, x);
  if (isFloat(t.dtype)) return t;
  if (t.dtype === 'int32' || t.dtype === 'bool') return cast(t, 'float32');
  throw new DTypeError(`${op}: argument ${arg} must be a float tensor, got ${t.dtype}`);
}
