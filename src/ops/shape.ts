import { promoteTypes } from '../core/dtype.js';
import { describe } from '../core/describe.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { checkShape, checkSize, formatShape, normalizeAxis, sameShape, type Shape } from '../core/shape.js';
import { type Tensor, isTensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { cast, toTensor, type TensorLike } from './convert.js';
import { equal } from './compare.js';
import { apply } from './prim.js';
import { arange } from '../tensor/create.js';
import { sum } from './reduce.js';
import { padGeneral, type PadOptions } from './padding.js';
import { choiceArg } from './take.js';

/**
 * The same values in a new shape (row-major order is kept). One dimension may
 * be −1 and is then inferred.
 */
export function reshape(x: TensorLike, shape: Shape): Tensor {
  const t = toTensor('reshape', 'x', x);
  const s = intList('reshape', 'shape', shape);
  if (s.some((d) => d < -1)) throw new ShapeError(`reshape: invalid shape ${formatShape(s)}: dimensions must be non-negative integers or -1`);
  const unknown = s.indexOf(-1);
  if (unknown >= 0) {
    if (s.indexOf(-1, unknown + 1) >= 0) throw new ShapeError(`reshape: ${formatShape(t.shape)} to ${formatShape(shape)}: only one dimension may be -1`);
    const known = s.reduce((n, d, i) => (i === unknown ? n : n * d), 1);
    if (known === 0 || t.size % known !== 0) {
      throw new ShapeError(`reshape: cannot reshape ${formatShape(t.shape)} (${t.size} elements) to ${formatShape(shape)}`);
    }
    s[unknown] = t.size / known;
  }
  return apply('reshape', [t], { shape: s });
}

/** The values as a 1-D tensor. */
export function flatten(x: TensorLike): Tensor {
  const t = toTensor('flatten', 'x', x);
  return reshape(t, [t.size]);
}

/** Removes size-1 dimensions: the given axes, or all of them. */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const t = toTensor('squeeze', 'x', x);
  let drop: number[];
  if (axis === undefined) drop = t.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  else {
    drop = (typeof axis === 'number' ? [axis] : intList('squeeze', 'axis', axis)).map((a) => normalizeAxis('squeeze', a, t.rank));
    for (const a of drop) {
      if (t.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of shape ${formatShape(t.shape)} has size ${t.shape[a]}, not 1`);
    }
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !drop.includes(i)),
  );
}

/** Inserts a size-1 dimension at `axis` (−1 appends one). */
export function expandDims(x: TensorLike, axis = 0): Tensor {
  const t = toTensor('expandDims', 'x', x);
  const a = normalizeAxis('expandDims', axis, t.rank + 1);
  const s = [...t.shape];
  s.splice(a, 0, 1);
  return reshape(t, s);
}

/** x repeated along its size-1 (or missing leading) dimensions to `shape`, NumPy-style. */
export function broadcastTo(x: TensorLike, shape: Shape): Tensor {
  const t = toTensor('broadcastTo', 'x', x);
  const target = checkShape('broadcastTo', shape);
  if (sameShape(t.shape, target)) return t;
  return apply('broadcastTo', [t], { shape: target });
}

/** Reorders the axes: out.shape[i] = x.shape[perm[i]]. */
export function permute(x: TensorLike, perm: readonly number[]): Tensor {
  return permuteAxes('permute', toTensor('permute', 'x', x), perm);
}

/** `permute` for `op` (permute, transpose): checks that `perm` is a permutation of t's axes. */
export function permuteAxes(op: string, t: Tensor, perm: readonly number[]): Tensor {
  const p = intList(op, 'perm', perm).map((a) => normalizeAxis(op, a, t.rank));
  // checked here as well as in the primitive's shape rule so that the message names `op` (transpose)
  if (p.length !== t.rank || new Set(p).size !== p.length) {
    throw new ShapeError(`${op}: [${perm.join(',')}] is not a permutation of the ${t.rank} axes of shape ${formatShape(t.shape)}`);
  }
  if (p.every((a, i) => a === i)) return t;
  return apply('permute', [t], { perm: p });
}

/**
 * The block of x starting at `begin` with extent `size` (−1: to the end of
 * that axis). Missing trailing entries take the whole axis.
 */
export function slice(x: TensorLike, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  const t = toTensor('slice', 'x', x);
  const b = typeof begin === 'number' ? [begin] : intList('slice', 'begin', begin);
  const s = size === undefined ? [] : typeof size === 'number' ? [size] : intList('slice', 'size', size);
  if (b.length > t.rank || s.length > t.rank) {
    throw new ShapeError(`slice: begin [${b.join(',')}] and size [${s.join(',')}] have more entries than shape ${formatShape(t.shape)} has axes`);
  }
  const fullBegin: number[] = [],
    fullSize: number[] = [];
  for (let i = 0; i < t.rank; i++) {
    const d = t.shape[i]!;
    const bi = b[i] ?? 0;
    fullBegin.push(bi);
    fullSize.push(s[i] === undefined || s[i] === -1 ? d - bi : s[i]!);
  }
  // the primitive's shape rule checks that the block lies inside x
  if (fullBegin.every((v) => v === 0) && sameShape(fullSize, t.shape)) return t;
  return apply('slice', [t], { begin: fullBegin, size: fullSize });
}

/**
 * x padded: paddings[i] = [before, after] entries on axis i. A number (or
 * `{ value }`) fills them with that value; `{ mode }` fills them from x
 * ('reflect', 'symmetric', 'replicate', 'circular': see PadMode). A negative
 * entry crops that many entries from that side first (then the others pad
 * what remains).
 */
export function pad(x: TensorLike, paddings: readonly (readonly [number, number])[], value: number | PadOptions = 0): Tensor {
  const t = toTensor('pad', 'x', x);
  if (
    !Array.isArray(paddings) ||
    paddings.length !== t.rank ||
    paddings.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isSafeInteger(v) || Math.abs(v) > 2 ** 31))
  ) {
    const shown = Array.isArray(paddings)
      ? `[${paddings.map((p) => (Array.isArray(p) ? `[${p.map(describe).join(',')}]` : describe(p))).join(',')}]`
      : describe(paddings);
    throw new ShapeError(`pad: paddings ${shown} must give [before, after] integers for each of the ${t.rank} axes of shape ${formatShape(t.shape)}`);
  }
  if (typeof value !== 'number' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new ArgumentError(`pad: argument value must be a number or { mode, value }, got ${describe(value)}`);
  }
  const opts: PadOptions = typeof value === 'number' ? { value } : value;
  const mode =
    opts.mode === undefined ? 'constant' : choiceArg('pad', 'mode', opts.mode, ['constant', 'reflect', 'symmetric', 'replicate', 'circular'] as const);
  const v = opts.value ?? 0;
  if (typeof v !== 'number') throw new ArgumentError(`pad: argument value must be a number, got ${describe(v)}`);
  if (mode !== 'constant' && opts.value !== undefined) throw new ArgumentError(`pad: a value goes with mode 'constant', not '${mode}'`);
  const p = paddings.map((q) => [q[0], q[1]] as [number, number]);
  if (mode === 'constant' && p.every(([b, a]) => b >= 0 && a >= 0)) return apply('pad', [t], { paddings: p, value: v });
  return padGeneral(t, p, mode, v);
}

/** The tensors joined along an existing `axis`; all other dimensions must agree. */
export function concat(tensors: readonly TensorLike[], axis = 0): Tensor {
  const ts = promoteAll('concat', tensors);
  const first = ts[0]!;
  const a = normalizeAxis('concat', axis, first.rank);
  if (ts.length === 1) return first;
  return apply('concat', ts, { axis: a });
}

function promoteAll(op: string, tensors: readonly TensorLike[]): Tensor[] {
  if (!Array.isArray(tensors)) throw new ArgumentError(`${op}: argument tensors must be an array of tensors, got ${describe(tensors)}`);
  if (tensors.length === 0) throw new ArgumentError(`${op}: needs at least one tensor`);
  const ts = tensors.map((t, i) => toTensor(op, `tensors[${i}]`, t));
  const d = ts.map((t) => t.dtype).reduce(promoteTypes);
  return ts.map((t) => cast(t, d));
}

/** The tensors (of one shape) stacked along a new `axis`. */
export function stack(tensors: readonly TensorLike[], axis = 0): Tensor {
  const ts = promoteAll('stack', tensors);
  const first = ts[0]!;
  for (const t of ts) {
    if (!sameShape(t.shape, first.shape)) throw new ShapeError(`stack: shapes ${ts.map((u) => formatShape(u.shape)).join(', ')} must all be equal`);
  }
  const a = normalizeAxis('stack', axis, first.rank + 1);
  return concat(
    ts.map((t) => expandDims(t, a)),
    a,
  );
}

/**
 * Splits x along `axis` into `sections` equal parts, or into parts of the
 * given sizes (one may be −1).
 */
export function split(x: TensorLike, sections: number | readonly number[], axis = 0): Tensor[] {
  const t = toTensor('split', 'x', x);
  const a = normalizeAxis('split', axis, t.rank);
  const d = t.shape[a]!;
  let sizes: number[];
  if (typeof sections === 'number') {
    if (!Number.isInteger(sections) || sections <= 0 || d % sections !== 0) {
      throw new ShapeError(`split: axis ${a} of shape ${formatShape(t.shape)} (size ${d}) cannot be split into ${sections} equal parts`);
    }
    sizes = new Array<number>(sections).fill(d / sections);
  } else {
    sizes = intList('split', 'sections', sections);
    const unknown = sizes.indexOf(-1);
    if (unknown >= 0) sizes[unknown] = d - sizes.reduce((s, v, i) => (i === unknown ? s : s + v), 0);
    if (sizes.some((v) => !Number.isInteger(v) || v < 0) || sizes.reduce((s, v) => s + v, 0) !== d) {
      throw new ShapeError(`split: sizes [${sections.join(',')}] do not add up to ${d}, the size of axis ${a} of shape ${formatShape(t.shape)}`);
    }
  }
  let at = 0;
  return sizes.map((n) => {
    const begin = t.shape.map((_, i) => (i === a ? at : 0));
    const size = t.shape.map((s, i) => (i === a ? n : s));
    at += n;
    return slice(t, begin, size);
  });
}

function indexTensor(op: string, indices: TensorLike, bound: number): Tensor {
  // plain numbers convert as float64 (exact for every int32) so that a fractional index is caught here, not truncated
  const t = toTensor(op, 'indices', indices, isTensor(indices) || indices instanceof Variable ? undefined : 'float64');
  const d = t.storage;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!Number.isInteger(v)) throw new ArgumentError(`${op}: index ${v} is not an integer`);
    if (v < 0 || v >= bound) throw new ArgumentError(`${op}: index ${v} is out of range for an axis of size ${bound}`);
  }
  return t.dtype === 'int32' ? t : cast(t, 'int32');
}

/**
 * Slices of x picked along `axis` by integer `indices` (repeats allowed):
 * out.shape = x.shape[:axis] + indices.shape + x.shape[axis+1:].
 */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = toTensor('gather', 'x', x);
  const a = normalizeAxis('gather', axis, t.rank);
  const idx = indexTensor('gather', indices, t.shape[a]!);
  return apply('gather', [t, idx], { axis: a });
}

/**
 * The adjoint of gather: a zero tensor with `dimSize` rows on `axis`, to which
 * each slice of `updates` is added at the row its index names.
 */
export function scatterAdd(updates: TensorLike, indices: TensorLike, axis: number, dimSize: number): Tensor {
  const u = toTensor('scatterAdd', 'updates', updates);
  if (!Number.isSafeInteger(dimSize) || dimSize < 0)
    throw new ArgumentError(`scatterAdd: argument dimSize must be a non-negative integer, got ${describe(dimSize)}`);
  const idx = indexTensor('scatterAdd', indices, dimSize);
  const a = normalizeAxis('scatterAdd', axis, u.rank);
  return apply('scatterAdd', [u, idx], { axis: a, dimSize });
}

/** One-hot rows: out[..., k] = 1 where indices[...] = k, for k < depth. */
export function oneHot(indices: TensorLike, depth: number, dtype: 'float32' | 'float64' | 'int32' = 'float32'): Tensor {
  if (!Number.isSafeInteger(depth) || depth <= 0) throw new ArgumentError(`oneHot: depth must be a positive integer, got ${describe(depth)}`);
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32')
    throw new DTypeError(`oneHot: dtype must be float32, float64 or int32, got ${describe(dtype)}`);
  checkSize('oneHot', [depth]);
  const idx = indexTensor('oneHot', indices, depth);
  checkSize('oneHot', [...idx.shape, depth]);
  return oneHotRows(idx, depth, dtype);
}

/** @internal oneHot of int32 indices already checked to be in [0, depth) (sparse cross-entropy, whose labels fit checks once). */
export function oneHotRows(indices: Tensor, depth: number, dtype: 'float32' | 'float64' | 'int32'): Tensor {
  return cast(equal(expandDims(indices, -1), arange(0, depth, 1, 'int32')), dtype);
}

/** A list of integers given as argument `arg` of `op` (an array of numbers; entries are checked by the caller). */
function intList(op: string, arg: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== 'number' || !Number.isInteger(d))) {
    throw new ArgumentError(`${op}: argument ${arg} must be an array of integers, got ${Array.isArray(v) ? `[${v.map(describe).join(',')}]` : describe(v)}`);
  }
  return [...v] as number[];
}

/**
 * Sums x down to `shape`, undoing a broadcast: summed over the leading axes
 * x has beyond `shape` and over every axis where `shape` has 1.
 */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const lead = x.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  return reshape(sum(x, axes, false), shape);
}
