import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { mul } from './arithmetic.js';
import { floatTensor, operands, toTensor, type TensorLike } from './convert.js';
import { apply } from './prim.js';
import { sum } from './reduce.js';
import { permute, permuteAxes, reshape } from './shape.js';

/**
 * The matrix product. For 2-D operands, [M,K]·[K,N] → [M,N]; higher ranks are
 * batches of matrices whose leading dimensions broadcast
 * ([2,1,3,4]·[5,4,2] → [2,5,3,2]); a 1-D operand is a vector (its dimension
 * is dropped from the result). `transposeA`/`transposeB` use the transpose of
 * the last two axes without copying it.
 */
export function matmul(a: TensorLike, b: TensorLike, transposeA = false, transposeB = false): Tensor {
  let [x, y] = operands('matmul', a, b);
  x = floatTensor('matmul', 'a', x);
  y = floatTensor('matmul', 'b', y);
  for (const [k, v] of [
    ['transposeA', transposeA],
    ['transposeB', transposeB],
  ] as const) {
    if (typeof v !== 'boolean') throw new ArgumentError(`matmul: argument ${k} must be true or false, got ${describe(v)}`);
  }
  const ta = transposeA,
    tb = transposeB,
    xs = x.shape,
    ys = y.shape; // built into a message only on error
  const shapes = () => `shapes ${formatShape(xs)}${ta ? 'ᵀ' : ''} and ${formatShape(ys)}${tb ? 'ᵀ' : ''}`;
  if (x.rank === 0 || y.rank === 0) {
    throw new ShapeError(`matmul: ${shapes()}: operands must have rank >= 1; use mul for scalars`);
  }
  const vecA = x.rank === 1,
    vecB = y.rank === 1;
  if (vecA) {
    x = reshape(x, [1, x.shape[0]!]);
    transposeA = false;
  }
  if (vecB) {
    y = reshape(y, [y.shape[0]!, 1]);
    transposeB = false;
  }
  // the inner-dimension, batch-broadcast and size checks are the primitive's shape rule (matmulShape)
  let out = apply('matmul', [x, y], { transA: transposeA, transB: transposeB });
  if (vecA || vecB) {
    const s = [...out.shape];
    if (vecB) s.splice(s.length - 1, 1);
    if (vecA) s.splice(s.length - (vecB ? 1 : 2), 1);
    out = reshape(out, s);
  }
  return out;
}

/**
 * Reorders the axes: out.shape[i] = x.shape[perm[i]]. Without `perm`, reverses
 * them (the matrix transpose for 2-D).
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = toTensor('transpose', 'x', x);
  if (perm === undefined)
    return permute(
      t,
      t.shape.map((_, i) => t.rank - 1 - i),
    );
  return permuteAxes('transpose', t, perm);
}

/** The dot product of two vectors (a scalar); for matrices, the matrix product. */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('dot', a, b);
  if (x.rank === 0 || y.rank === 0)
    throw new ShapeError(`dot: shapes ${formatShape(x.shape)} and ${formatShape(y.shape)}: operands must have rank >= 1; use mul for scalars`);
  if (x.rank === 1 && y.rank === 1) {
    if (x.shape[0] !== y.shape[0]) {
      throw new ShapeError(`dot: shapes ${formatShape(x.shape)} and ${formatShape(y.shape)}: vector lengths ${x.shape[0]} and ${y.shape[0]} differ`);
    }
    return sum(mul(x, y));
  }
  return matmul(x, y);
}

/** The outer product u vᵀ of two vectors: out[i,j] = u[i]·v[j]. */
export function outer(u: TensorLike, v: TensorLike): Tensor {
  const [x, y] = operands('outer', u, v, ['u', 'v']);
  if (x.rank !== 1 || y.rank !== 1) {
    throw new ShapeError(`outer: shapes ${formatShape(x.shape)} and ${formatShape(y.shape)}: both operands must be vectors`);
  }
  return mul(reshape(x, [x.shape[0]!, 1]), reshape(y, [1, y.shape[0]!]));
}
