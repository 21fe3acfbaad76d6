import type { Tensor } from '../tensor/tensor.js';

/** The Euclidean (Frobenius) norm of a tensor's values. */
export function norm2(t: Tensor): number {
  let s = 0;
  const v = t.storage as ArrayLike<number>;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}
