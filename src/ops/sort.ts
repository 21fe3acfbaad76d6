import { scoped, tapeState } from '../autograd/tape.js';
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError, TraceError } from '../core/errors.js';
import { formatShape, normalizeAxis, sameShape, sizeOf } from '../core/shape.js';
import { arange, tensorFrom } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, cast, mul } from './arithmetic.js';
import { toTensor, type TensorLike } from './convert.js';
import { apply } from './prim.js';
import { permute, reshape, slice } from './shape.js';

/** Values with the indices they came from (sort, topk). */
export interface ValuesAndIndices {
  /** The values (differentiable: the gradient goes back to the entries they came from). */
  values: Tensor;
  /** The int32 positions along the axis the values came from. */
  indices: Tensor;
}

function checkFlag(op: string, name: string, v: unknown): void {
  if (typeof v !== 'boolean') throw new ArgumentError(`${op}: argument ${name} must be true or false, got ${describe(v)}`);
}

/** x's axis moved last, as [rows, n], and the way back. */
function moveLast(x: Tensor, axis: number) {
  const rank = x.rank;
  const perm = [...[...Array(rank).keys()].filter((i) => i !== axis), axis];
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  return { perm, inverse };
}

/**
 * out[..., k, ...] = x[..., idx[..., k, ...], ...] along `axis`, idx holding valid int32 positions
 * (as PyTorch's gather), through the gather primitive on the flattened tensor: differentiable
 * (the gradient scatters back), O(size).
 */
function takeAlong(x: Tensor, idx: Tensor, axis: number): Tensor {
  const { perm, inverse } = moveLast(x, axis);
  const xp = permute(x, perm),
    ip = permute(idx, perm);
  const n = x.shape[axis]!,
    k = idx.shape[axis]!;
  const rows = sizeOf(xp.shape) / Math.max(n, 1);
  const flatIdx = add(reshape(ip, [rows, k]), mul(reshape(arange(0, rows, 1, 'int32'), [rows, 1]), n));
  const picked = apply('gather', [reshape(xp, [sizeOf(xp.shape)]), flatIdx], { axis: 0 });
  return permute(reshape(picked, ip.shape), inverse);
}

function sortable(op: string, x: TensorLike): Tensor {
  const t = toTensor(op, 'x', x);
  return t.dtype === 'bool' ? cast(t, 'int32') : t;
}

/**
 * The indices (int32) that sort x along `axis` (the last by default): ascending, or descending
 * with `descending`. The sort is stable (equal values keep their order) and NaN counts as larger
 * than every number, as in PyTorch.
 */
export function argsort(x: TensorLike, axis = -1, descending = false): Tensor {
  const t = sortable('argsort', x);
  checkFlag('argsort', 'descending', descending);
  if (t.rank === 0) return reshape(apply('argsort', [reshape(t, [1])], { axis: 0, descending }), []);
  return apply('argsort', [t], { axis: normalizeAxis('argsort', axis, t.rank), descending });
}

/**
 * x sorted along `axis` (the last by default), ascending or with `descending`, stably, NaN
 * largest (PyTorch's torch.sort): the values and the int32 indices they came from. The values
 * are differentiable: the gradient of each goes to the entry it came from.
 */
export function sort(x: TensorLike, axis = -1, descending = false): ValuesAndIndices {
  const t = sortable('sort', x);
  checkFlag('sort', 'descending', descending);
  if (t.rank === 0) return { values: t, indices: tensorFrom('sort', 'x', 0, [], 'int32') };
  const a = normalizeAxis('sort', axis, t.rank);
  const [values, indices] = scoped('sort', 'op', [x], { axis, descending }, (): readonly Tensor[] => {
    const idx = apply('argsort', [t], { axis: a, descending });
    return [takeAlong(t, idx, a), idx];
  });
  return { values: values!, indices: indices! };
}

/**
 * The k largest entries along the last axis, largest first (ties in index order), and their
 * int32 indices: TensorFlow's topk (and PyTorch's with largest = true, sorted = true). The
 * values are differentiable. k must be an integer in [0, n].
 */
export function topk(x: TensorLike, k = 1): ValuesAndIndices {
  const t = sortable('topk', x);
  if (t.rank === 0) throw new ShapeError('topk: x must have at least one axis, got a scalar');
  const n = t.shape[t.rank - 1]!;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > n) {
    throw new ArgumentError(`topk: k must be an integer in [0, ${n}] for x of shape ${formatShape(t.shape)}, got ${describe(k)}`);
  }
  const [values, indices] = scoped('topk', 'op', [x], { k }, (): readonly Tensor[] => {
    const a = t.rank - 1;
    const all = apply('argsort', [t], { axis: a, descending: true });
    const idx = slice(
      all,
      t.shape.map(() => 0),
      t.shape.map((d, i) => (i === a ? k : d)),
    );
    return [takeAlong(t, idx, a), idx];
  });
  return { values: values!, indices: indices! };
}

/** Refuses to run under nb.trace when a value the output's shape depends on is traced. */
function eagerOnly(op: string, inputs: readonly Tensor[]): void {
  const tracer = tapeState.tracer;
  if (tracer?.involves(inputs, [])) {
    throw new TraceError(
      `${op}: the shape of its result depends on the values of its input, so it runs eagerly only and cannot be traced; use nb.where to keep shapes fixed, or call it outside nb.trace`,
    );
  }
}

/**
 * The entries (slices) of x where `mask` is true: mask's shape must equal x.shape[axis,
 * axis + mask.rank), and those axes are replaced by one axis of the selected entries, in
 * row-major order (TensorFlow's boolean_mask). Differentiable in x. Eager only: under nb.trace
 * it throws a TraceError, since the result's shape depends on the mask's values.
 */
export function booleanMask(x: TensorLike, mask: TensorLike, axis = 0): Tensor {
  const t = toTensor('booleanMask', 'x', x);
  const m = toTensor('booleanMask', 'mask', mask);
  eagerOnly('booleanMask', [t, m]);
  if (m.rank === 0) throw new ShapeError(`booleanMask: mask must have at least one axis, got a scalar (x ${formatShape(t.shape)})`);
  const a = normalizeAxis('booleanMask', axis, t.rank);
  const masked = t.shape.slice(a, a + m.rank);
  if (!sameShape(masked, m.shape)) {
    throw new ShapeError(`booleanMask: mask ${formatShape(m.shape)} does not match x ${formatShape(t.shape)} at axes ${a}..${a + m.rank - 1}`);
  }
  return scoped('booleanMask', 'op', [x, mask], { axis }, () => {
    const picked: number[] = [];
    const values = m.storage;
    for (let i = 0; i < values.length; i++) if (values[i] !== 0) picked.push(i);
    const flat = reshape(t, [...t.shape.slice(0, a), sizeOf(masked), ...t.shape.slice(a + m.rank)]);
    return apply('gather', [flat, tensorFrom('booleanMask', 'mask', picked, [picked.length], 'int32')], { axis: a });
  });
}

/**
 * The positions of the nonzero entries of x, as an int32 tensor [count, rank] in row-major
 * order (PyTorch's nonzero). Eager only: under nb.trace it throws a TraceError.
 */
export function nonzero(x: TensorLike): Tensor {
  const t = toTensor('nonzero', 'x', x);
  eagerOnly('nonzero', [t]);
  const values = t.storage;
  const out: number[] = [];
  const r = t.rank;
  if (r === 0) return tensorFrom('nonzero', 'x', [], [values[0] !== 0 ? 1 : 0, 0], 'int32');
  for (let i = 0; i < values.length; i++) {
    if (values[i] === 0) continue;
    let rest = i;
    const at = out.length;
    for (let d = r - 1; d >= 0; d--) {
      const n = t.shape[d]!;
      out[at + d] = rest % n;
      rest = Math.floor(rest / n);
    }
  }
  return tensorFrom('nonzero', 'x', out, [out.length / r, r], 'int32');
}
