import { scoped } from '../autograd/tape.js';
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis, sizeOf, stridesOf } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { add, div, mul } from './arithmetic.js';
import { where } from './compare.js';
import { floatTensor, operands, toTensor, type TensorLike } from './convert.js';
import { max, min } from './reduce.js';
import { broadcastTo, concat, pad, reshape, scatterAdd } from './shape.js';
import { choiceArg, indexArg, intConstant, take } from './take.js';

/** How scatterReduce combines the values sent to one position. */
export type ScatterReduce = 'sum' | 'prod' | 'mean' | 'max' | 'min';

/**
 * The flat positions in x (shape `xShape`) that PyTorch's gather/scatter
 * address with `idx` along `axis`: for every index position i,
 * pos(i) = Σ_d i_d·stride_d with i_axis replaced by idx[i]. Checks the ranks,
 * the extents (idx.shape[d] <= x.shape[d] off the axis) and the index range.
 */
function alongAxis(op: string, xShape: readonly number[], idx: Tensor, axis: number): Int32Array {
  if (idx.rank !== xShape.length) {
    throw new ShapeError(`${op}: indices ${formatShape(idx.shape)} must have the rank of x ${formatShape(xShape)}`);
  }
  for (let d = 0; d < idx.rank; d++) {
    if (d !== axis && idx.shape[d]! > xShape[d]!) {
      throw new ShapeError(`${op}: indices ${formatShape(idx.shape)} are larger than x ${formatShape(xShape)} on axis ${d} (only axis ${axis} may differ)`);
    }
  }
  const n = xShape[axis]!;
  const xs = stridesOf(xShape),
    is = stridesOf(idx.shape);
  const values = idx.storage;
  const pos = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= n) throw new ArgumentError(`${op}: index ${v} is out of range for axis ${axis} of size ${n} (shape ${formatShape(xShape)})`);
    let p = 0,
      rest = i;
    for (let d = 0; d < idx.rank; d++) {
      const c = Math.floor(rest / is[d]!);
      rest -= c * is[d]!;
      p += (d === axis ? v : c) * xs[d]!;
    }
    pos[i] = p;
  }
  return pos;
}

/**
 * PyTorch's `gather` (NumPy's `take_along_axis` without broadcasting): values
 * of x picked along `axis` by `indices`, a tensor of x's rank with
 * indices.shape[d] ≤ x.shape[d] off the axis:
 * out[i₀,…,i_axis,…] = x[i₀,…,indices[i₀,…,i_axis,…],…]; out.shape = indices.shape.
 * Differentiable in x (the gradient scatters back, adding on repeats).
 */
export function takeAlongAxis(x: TensorLike, indices: TensorLike, axis: number): Tensor {
  return scoped('takeAlongAxis', 'op', [x, indices], { axis }, () => {
    const t = toTensor('takeAlongAxis', 'x', x);
    const a = normalizeAxis('takeAlongAxis', axis, t.rank);
    const idx = indexArg('takeAlongAxis', 'indices', indices);
    const pos = alongAxis('takeAlongAxis', t.shape, idx, a);
    return take(reshape(t, [t.size]), pos, 0, idx.shape);
  });
}

/**
 * TensorFlow's `gather_nd`: indices [..., K] address the first K axes of x,
 * out[i…] = x[indices[i…, 0], …, indices[i…, K−1], :, …];
 * out.shape = indices.shape[:-1] + x.shape[K:]. Differentiable in x.
 */
export function gatherND(x: TensorLike, indices: TensorLike): Tensor {
  return scoped('gatherND', 'op', [x, indices], {}, () => {
    const t = toTensor('gatherND', 'x', x);
    const idx = indexArg('gatherND', 'indices', indices);
    const K = idx.rank === 0 ? -1 : idx.shape[idx.rank - 1]!;
    if (idx.rank === 0 || K > t.rank) {
      throw new ShapeError(
        `gatherND: indices ${formatShape(idx.shape)} must have rank >= 1 and a last dimension K <= ${t.rank}, the rank of x ${formatShape(t.shape)}`,
      );
    }
    const lead = t.shape.slice(0, K),
      strides = stridesOf(lead);
    const values = idx.storage;
    const pos = new Int32Array(sizeOf(idx.shape.slice(0, -1)));
    for (let i = 0; i < pos.length; i++) {
      let p = 0;
      for (let k = 0; k < K; k++) {
        const v = values[i * K + k]!;
        if (v < 0 || v >= lead[k]!)
          throw new ArgumentError(`gatherND: index ${v} is out of range for axis ${k} of size ${lead[k]} (shape ${formatShape(t.shape)})`);
        p += v * strides[k]!;
      }
      pos[i] = p;
    }
    const rows = reshape(t, [sizeOf(lead), ...t.shape.slice(K)]);
    return take(rows, pos, 0, idx.shape.slice(0, -1));
  });
}

interface ScatterPlan {
  x: Tensor;
  /** updates, flattened, in x's dtype. */
  u: Tensor;
  pos: Int32Array;
  /** x flattened. */
  flat: Tensor;
  /** Whether each position of x receives at least one update. */
  touched: Tensor;
}

function scatterPlan(op: string, x: TensorLike, indices: TensorLike, updates: TensorLike, axis: number, float: boolean): ScatterPlan {
  const x0 = float ? floatTensor(op, 'x', x) : toTensor(op, 'x', x);
  const [t, u0] = operands(op, x0, updates, ['x', 'updates']);
  if (float && t.dtype !== x0.dtype) throw new ArgumentError(`${op}: updates of dtype ${u0.dtype} do not fit x of dtype ${x0.dtype}`);
  const a = normalizeAxis(op, axis, t.rank);
  const idx = indexArg(op, 'indices', indices);
  const pos = alongAxis(op, t.shape, idx, a);
  let u = u0;
  try {
    u = broadcastTo(u0, idx.shape);
  } catch {
    throw new ShapeError(`${op}: updates ${formatShape(u0.shape)} must have (or broadcast to) the shape of indices ${formatShape(idx.shape)}`);
  }
  const mark = new Uint8Array(t.size);
  for (const p of pos) mark[p] = 1;
  return { x: t, u: reshape(u, [idx.size]), pos, flat: reshape(t, [t.size]), touched: new Tensor(mark, [t.size]) };
}

/**
 * PyTorch's `scatter`: a copy of x in which `updates` (broadcast to the shape
 * of `indices`) are written along `axis` where `indices` point:
 * out[i₀,…,indices[i…],…] = updates[i…] (indices as in takeAlongAxis). When
 * several updates go to one position, the last (in row-major order) wins.
 * Differentiable in x (zero where overwritten) and in updates (the winners).
 */
export function scatter(x: TensorLike, indices: TensorLike, updates: TensorLike, axis: number): Tensor {
  return scoped('scatter', 'op', [x, indices, updates], { axis }, () => {
    const { x: t, u, pos, flat, touched } = scatterPlan('scatter', x, indices, updates, axis, false);
    const last = new Int32Array(t.size).fill(pos.length); // index of the winning update; the sentinel is a zero appended to u
    pos.forEach((p, j) => (last[p] = j));
    const picked = take(pad(u, [[0, 1]]), last, 0);
    return reshape(where(touched, picked, flat), t.shape);
  });
}

/**
 * PyTorch's `scatter_reduce`: a copy of x in which the values sent to each
 * position by `indices` along `axis` are combined with `reduce`:
 * out[p] = reduce({x[p] if includeSelf} ∪ {updates[i] : pos(i) = p}) where
 * some update arrives, x[p] elsewhere ('mean' divides by the count of
 * values combined). x and updates are float (ints become float32).
 * Differentiable in both; for 'max' and 'min' ties share the gradient evenly,
 * as in PyTorch.
 */
export function scatterReduce(x: TensorLike, indices: TensorLike, updates: TensorLike, axis: number, reduce: ScatterReduce, includeSelf = true): Tensor {
  return scoped('scatterReduce', 'op', [x, indices, updates], { axis, reduce, includeSelf }, () => {
    const r = choiceArg('scatterReduce', 'reduce', reduce, ['sum', 'prod', 'mean', 'max', 'min'] as const);
    if (typeof includeSelf !== 'boolean') throw new ArgumentError(`scatterReduce: argument includeSelf must be a boolean, got ${describe(includeSelf)}`);
    const { x: t, u, pos, flat, touched } = scatterPlan('scatterReduce', x, indices, updates, axis, true);
    const n = t.size;
    if (pos.length === 0) return t;
    const self = includeSelf ? flat : where(touched, 0, flat);
    let out: Tensor;
    if (r === 'sum' || r === 'mean') {
      out = add(self, scatterAdd(u, intConstant(pos), 0, n));
      if (r === 'mean') {
        const count = new Float64Array(n).fill(includeSelf ? 1 : 0);
        for (const p of pos) count[p] = count[p]! + 1;
        for (let i = 0; i < n; i++) if (count[i] === 0) count[i] = 1;
        out = div(out, toTensor('scatterReduce', 'count', count, t.dtype));
      }
    } else {
      // layer l holds, for each position, the l-th update sent there (or the reduction's identity)
      const seen = new Int32Array(n);
      for (const p of pos) seen[p] = seen[p]! + 1;
      const L = seen.reduce((m, c) => Math.max(m, c), 0);
      const table = new Int32Array(L * n).fill(pos.length);
      seen.fill(0);
      pos.forEach((p, j) => {
        table[seen[p]! * n + p] = j;
        seen[p] = seen[p]! + 1;
      });
      const identity = r === 'prod' ? 1 : r === 'max' ? -Infinity : Infinity;
      const layers = reshape(take(pad(u, [[0, 1]], identity), table, 0), [L, n]);
      const all = includeSelf ? concat([reshape(flat, [1, n]), layers], 0) : layers;
      if (r === 'prod') {
        out = reshape(take(all, [0], 0), [n]);
        for (let l = 1; l < all.shape[0]!; l++) out = mul(out, reshape(take(all, [l], 0), [n]));
      } else out = r === 'max' ? max(all, 0) : min(all, 0);
    }
    return reshape(where(touched, out, flat), t.shape);
  });
}

/**
 * Python's slice of one axis: `start`, `stop` (exclusive) and `step` (≠ 0,
 * negative to walk backwards), each optional; negative start and stop count
 * from the end and both are clamped, as in `x[start:stop:step]`.
 */
export interface SliceRange {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/** The indices x[start:stop:step] of an axis of size n, as Python's slice.indices computes them. */
function rangeIndices(op: string, axis: number, n: number, r: SliceRange): number[] {
  const num = (k: keyof SliceRange) => {
    const v = r[k];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isSafeInteger(v))) {
      throw new ArgumentError(`${op}: ${k} on axis ${axis} must be an integer, null or undefined, got ${describe(v)}`);
    }
    return v ?? null;
  };
  const step = num('step') ?? 1;
  if (step === 0) throw new ArgumentError(`${op}: step on axis ${axis} must not be 0`);
  let start = num('start'),
    stop = num('stop');
  const lo = step > 0 ? 0 : -1,
    hi = step > 0 ? n : n - 1;
  const norm = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  start = start === null ? (step > 0 ? 0 : n - 1) : norm(start);
  stop = stop === null ? (step > 0 ? n : -1) : norm(stop);
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** Parses one axis of a NumPy-style slice string: `a:b:c`, `::-1`, `:`, or an integer (which keeps the axis, of size 1). */
function parseRange(op: string, s: string): SliceRange {
  const parts = s.trim().split(':');
  const num = (p: string | undefined) => {
    if (p === undefined || p.trim() === '') return null;
    const v = Number(p);
    if (!/^\s*-?\d+\s*$/.test(p) || !Number.isSafeInteger(v)) throw new ArgumentError(`${op}: cannot read '${p}' in the slice '${s}' as an integer`);
    return v;
  };
  if (parts.length > 3) throw new ArgumentError(`${op}: '${s}' is not a slice (start:stop:step)`);
  if (parts.length === 1) {
    const i = num(parts[0]);
    if (i === null) throw new ArgumentError(`${op}: empty entry in the slice`);
    return { start: i, stop: i === -1 ? null : i + 1, step: 1 };
  }
  return { start: num(parts[0]), stop: num(parts[1]), step: num(parts[2]) };
}

/**
 * NumPy/PyTorch slicing with steps: `ranges[i]` is axis i's
 * `x[start:stop:step]` (negative steps walk backwards; a missing start or
 * stop takes the whole axis in the step's direction; negative positions count
 * from the end; axes past the list are kept whole). Also a string:
 * `stridedSlice(x, '1:5:2, ::-1')` is `x[1:5:2, ::-1]`; an integer entry keeps
 * its axis with size 1. out.shape[i] = ⌈(stop − start)/step⌉ (at least 0).
 * Differentiable (the gradient scatters back).
 */
export function stridedSlice(x: TensorLike, ranges: string | readonly (SliceRange | null | undefined)[]): Tensor {
  return scoped('stridedSlice', 'op', [x], { ranges }, () => {
    let t = toTensor('stridedSlice', 'x', x);
    let list: (SliceRange | null | undefined)[];
    if (typeof ranges === 'string') list = ranges.trim() === '' ? [] : ranges.split(',').map((s) => parseRange('stridedSlice', s));
    else if (Array.isArray(ranges)) list = [...ranges];
    else throw new ArgumentError(`stridedSlice: argument ranges must be a string or an array of {start, stop, step}, got ${describe(ranges)}`);
    if (list.length > t.rank) throw new ShapeError(`stridedSlice: ${list.length} ranges for shape ${formatShape(t.shape)} of rank ${t.rank}`);
    list.forEach((r, axis) => {
      if (r === null || r === undefined) return;
      if (typeof r !== 'object') throw new ArgumentError(`stridedSlice: range ${axis} must be {start, stop, step}, got ${describe(r)}`);
      const n = t.shape[axis]!;
      const idx = rangeIndices('stridedSlice', axis, n, r);
      if (idx.length === n && idx.every((v, i) => v === i)) return;
      t = take(t, idx, axis);
    });
    return t;
  });
}
