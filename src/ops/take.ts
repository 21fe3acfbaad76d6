import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { Tensor, isTensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { cast, toTensor, type TensorLike } from './convert.js';
import { apply } from './prim.js';

// Helpers shared by the indexing, rearranging, padding and resizing ops: they
// are composites of the gather primitive with index tensors computed from
// shapes (or read from index arguments), so that their gradients (scatterAdd)
// and the gradients of those (gather) come for free at every order.

/** A constant int32 tensor of `shape` holding `values`. */
export function intConstant(values: ArrayLike<number>, shape: readonly number[] = [values.length]): Tensor {
  return new Tensor(Int32Array.from(values as ArrayLike<number>), shape);
}

/**
 * out = x picked along `axis` at `indices` (already known to be in range): the
 * gather primitive, out.shape = x.shape[:axis] + shape + x.shape[axis+1:].
 */
export function take(x: Tensor, indices: ArrayLike<number>, axis: number, shape: readonly number[] = [indices.length]): Tensor {
  return apply('gather', [x, intConstant(indices, shape)], { axis });
}

/** Argument `arg` of `op` as an int32 tensor of integer values (numbers are checked for being integers, not truncated). */
export function indexArg(op: string, arg: string, x: TensorLike): Tensor {
  const t = toTensor(op, arg, x, isTensor(x) || x instanceof Variable ? undefined : 'float64');
  if (t.dtype === 'bool') throw new ArgumentError(`${op}: argument ${arg} must hold integers, got a bool tensor`);
  const d = t.storage;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1) throw new ArgumentError(`${op}: ${arg} holds ${v}, which is not an int32 integer`);
  }
  return t.dtype === 'int32' ? t : cast(t, 'int32');
}

/** Argument `arg` of `op` as an integer in [min, max]. */
export function intArg(op: string, arg: string, v: unknown, min = -(2 ** 31), max = 2 ** 31 - 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = min === -(2 ** 31) ? '' : max === 2 ** 31 - 1 ? ` >= ${min}` : ` in [${min}, ${max}]`;
    throw new ArgumentError(`${op}: argument ${arg} must be an integer${range}, got ${describe(v)}`);
  }
  return v;
}

/** Argument `arg` of `op` as an integer or an array of integers (a list either way). */
export function intListArg(op: string, arg: string, v: unknown, min?: number): number[] {
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? (v as unknown[]) : null;
  if (list === null) throw new ArgumentError(`${op}: argument ${arg} must be an integer or an array of integers, got ${describe(v)}`);
  return list.map((d, i) => intArg(op, `${arg}[${i}]`, d, min));
}

/** One of `options` given as argument `arg` of `op`. */
export function choiceArg<T extends string>(op: string, arg: string, v: unknown, options: readonly T[]): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    throw new ArgumentError(`${op}: argument ${arg} must be ${options.map((o) => `'${o}'`).join(', ')}; got ${describe(v)}`);
  }
  return v as T;
}
