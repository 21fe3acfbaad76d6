import { scoped } from '../autograd/tape.js';
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { checkSize, formatShape, normalizeAxes, normalizeAxis } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { where } from './compare.js';
import { toTensor, type TensorLike } from './convert.js';
import { broadcastTo, pad, permute, reshape } from './shape.js';
import { choiceArg, intArg, intListArg, take } from './take.js';

// Rearranging ops: each is a gather with indices computed from the shape (or
// a reshape/broadcast/where), so each is differentiable at every order.

/** x reversed along `axis` (every axis when omitted, as NumPy's flip): out[…, i, …] = x[…, n−1−i, …]. */
export function flip(x: TensorLike, axis?: number | readonly number[]): Tensor {
  return scoped('flip', 'op', [x], { axis }, () => {
    let t = toTensor('flip', 'x', x);
    for (const a of normalizeAxes('flip', axis, t.rank)) {
      const n = t.shape[a]!;
      if (n > 1)
        t = take(
          t,
          Array.from({ length: n }, (_, i) => n - 1 - i),
          a,
        );
    }
    return t;
  });
}

/**
 * x rolled by `shifts` along `axis` (as NumPy's and PyTorch's roll):
 * out[…, (i + s) mod n, …] = x[…, i, …]. Without an axis the flattened x is
 * rolled and the shape restored; several shifts go with as many axes.
 */
export function roll(x: TensorLike, shifts: number | readonly number[], axis?: number | readonly number[]): Tensor {
  return scoped('roll', 'op', [x], { shifts, axis }, () => {
    const t = toTensor('roll', 'x', x);
    const s = intListArg('roll', 'shifts', shifts);
    if (axis === undefined || axis === null) {
      if (s.length !== 1) throw new ArgumentError(`roll: without an axis, shifts must be one integer, got [${s.join(',')}]`);
      return reshape(rollAxis(reshape(t, [t.size]), s[0]!, 0), t.shape);
    }
    const axes = intListArg('roll', 'axis', axis).map((a) => normalizeAxis('roll', a, t.rank));
    if (axes.length !== s.length) throw new ArgumentError(`roll: ${s.length} shifts for ${axes.length} axes`);
    return axes.reduce((u, a, i) => rollAxis(u, s[i]!, a), t);
  });
}

function rollAxis(t: Tensor, shift: number, axis: number): Tensor {
  const n = t.shape[axis]!;
  if (n === 0 || shift % n === 0) return t;
  return take(
    t,
    Array.from({ length: n }, (_, i) => (((i - shift) % n) + n) % n),
    axis,
  );
}

/**
 * NumPy's tile: x repeated reps[i] times along axis i (as a whole block).
 * A shorter reps is padded with leading 1s, a shorter x with leading size-1
 * axes: out.shape[i] = reps[i]·x.shape[i]. (PyTorch's Tensor.repeat is this.)
 */
export function tile(x: TensorLike, reps: number | readonly number[]): Tensor {
  return scoped('tile', 'op', [x], { reps }, () => {
    const t = toTensor('tile', 'x', x);
    let r = intListArg('tile', 'reps', reps, 0);
    const rank = Math.max(t.rank, r.length);
    r = [...new Array<number>(rank - r.length).fill(1), ...r];
    const s = [...new Array<number>(rank - t.rank).fill(1), ...t.shape];
    const out = s.map((d, i) => d * r[i]!);
    checkSize('tile', out);
    // [1, d₀, 1, d₁, …] broadcast to [r₀, d₀, r₁, d₁, …], then merged pairwise
    const spread = reshape(
      t,
      s.flatMap((d) => [1, d]),
    );
    return reshape(
      broadcastTo(
        spread,
        s.flatMap((d, i) => [r[i]!, d]),
      ),
      out,
    );
  });
}

/**
 * NumPy's repeat, which is PyTorch's repeat_interleave (not Tensor.repeat:
 * that is `tile`): each element repeated `repeats` times along `axis` (the
 * flattened x without an axis); `repeats` is one count or one per element of
 * the axis. out = [x₀ ×r₀, x₁ ×r₁, …] along the axis.
 */
export function repeat(x: TensorLike, repeats: number | readonly number[], axis?: number): Tensor {
  return scoped('repeat', 'op', [x], { repeats, axis }, () => {
    let t = toTensor('repeat', 'x', x);
    let a: number;
    if (axis === undefined || axis === null) {
      t = reshape(t, [t.size]);
      a = 0;
    } else a = normalizeAxis('repeat', axis, t.rank);
    const n = t.shape[a]!;
    const r = intListArg('repeat', 'repeats', repeats, 0);
    if (r.length !== 1 && r.length !== n)
      throw new ArgumentError(`repeat: ${r.length} repeats for axis ${a} of size ${n} (give one count, or one per element)`);
    const counts = r.length === 1 ? new Array<number>(n).fill(r[0]!) : r;
    const total = counts.reduce((s, c) => s + c, 0);
    checkSize('repeat', [...t.shape.slice(0, a), total, ...t.shape.slice(a + 1)]);
    const idx: number[] = [];
    counts.forEach((c, i) => {
      for (let k = 0; k < c; k++) idx.push(i);
    });
    return take(t, idx, a);
  });
}

function triangle(op: 'tril' | 'triu', x: TensorLike, k: number): Tensor {
  return scoped(op, 'op', [x], { k }, () => {
    const t = toTensor(op, 'x', x);
    const d = intArg(op, 'k', k);
    if (t.rank < 2) throw new ShapeError(`${op}: x ${formatShape(t.shape)} must have rank >= 2 (matrices in the last two axes)`);
    const [R, C] = t.shape.slice(-2) as [number, number];
    const keep = new Uint8Array(R * C);
    for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) keep[i * C + j] = (op === 'tril' ? j - i <= d : j - i >= d) ? 1 : 0;
    return where(new Tensor(keep, [R, C]), t, 0);
  });
}

/** The lower triangle of the matrices in x's last two axes: out[…, i, j] = x[…, i, j] where j − i ≤ k, else 0. */
export function tril(x: TensorLike, k = 0): Tensor {
  return triangle('tril', x, k);
}

/** The upper triangle of the matrices in x's last two axes: out[…, i, j] = x[…, i, j] where j − i ≥ k, else 0. */
export function triu(x: TensorLike, k = 0): Tensor {
  return triangle('triu', x, k);
}

/**
 * The `offset`-th diagonal of x over axes axis1 and axis2 (PyTorch's and
 * NumPy's diagonal): those axes are removed and the diagonal, of length L,
 * appended last: out[…, i] = x[…, i, i + offset, …] (offset > 0 above the
 * main diagonal, < 0 below).
 */
export function diagonal(x: TensorLike, offset = 0, axis1 = 0, axis2 = 1): Tensor {
  return scoped('diagonal', 'op', [x], { offset, axis1, axis2 }, () => {
    const t = toTensor('diagonal', 'x', x);
    if (t.rank < 2) throw new ShapeError(`diagonal: x ${formatShape(t.shape)} must have rank >= 2`);
    const k = intArg('diagonal', 'offset', offset);
    const a1 = normalizeAxis('diagonal', axis1, t.rank),
      a2 = normalizeAxis('diagonal', axis2, t.rank);
    if (a1 === a2) throw new ArgumentError(`diagonal: axis1 and axis2 must differ, both are ${a1}`);
    return diagonalOf(t, k, a1, a2);
  });
}

/** The diagonal of t over two distinct normalised axes (see diagonal). */
export function diagonalOf(t: Tensor, k: number, a1: number, a2: number): Tensor {
  const rest = t.shape.map((_, i) => i).filter((i) => i !== a1 && i !== a2);
  const R = t.shape[a1]!,
    C = t.shape[a2]!;
  const moved = permute(t, [...rest, a1, a2]);
  const flat = reshape(moved, [...rest.map((i) => t.shape[i]!), R * C]);
  const idx: number[] = [];
  for (let i = Math.max(0, -k); i < R && i + k < C; i++) idx.push(i * C + i + k);
  return take(flat, idx, rest.length);
}

/**
 * PyTorch's diag: of a vector v, the square matrix with v on its k-th
 * diagonal (out[i, i+k] = v[i], size n + |k|); of a matrix, its k-th diagonal
 * as a vector.
 */
export function diag(x: TensorLike, k = 0): Tensor {
  return scoped('diag', 'op', [x], { k }, () => {
    const t = toTensor('diag', 'x', x);
    const d = intArg('diag', 'k', k);
    if (t.rank === 2) return diagonalOf(t, d, 0, 1);
    if (t.rank !== 1) throw new ShapeError(`diag: x ${formatShape(t.shape)} must be a vector or a matrix`);
    const n = t.shape[0]! + Math.abs(d);
    checkSize('diag', [n, n]);
    const idx = new Int32Array(n * n).fill(t.shape[0]!); // the sentinel points at an appended zero
    for (let i = 0; i < t.shape[0]!; i++) idx[(i + Math.max(0, -d)) * n + i + Math.max(0, d)] = i;
    return reshape(take(pad(t, [[0, 1]]), idx, 0), [n, n]);
  });
}

/**
 * Coordinate grids from 1-D tensors (NumPy's and PyTorch's meshgrid). With
 * indexing 'ij' (matrix indexing, PyTorch's default) out[k] has shape
 * [n₀, n₁, …] and out[k][i₀, i₁, …] = xs[k][i_k]; with 'xy' (Cartesian,
 * NumPy's default and this one's) the first two axes are swapped.
 */
export function meshgrid(tensors: readonly TensorLike[], indexing: 'xy' | 'ij' = 'xy'): Tensor[] {
  const mode = choiceArg('meshgrid', 'indexing', indexing, ['xy', 'ij'] as const);
  if (!Array.isArray(tensors)) throw new ArgumentError(`meshgrid: argument tensors must be an array of 1-D tensors, got ${describe(tensors)}`);
  const ts = tensors.map((x, i) => {
    const t = toTensor('meshgrid', `tensors[${i}]`, x);
    if (t.rank !== 1) throw new ShapeError(`meshgrid: tensors[${i}] ${formatShape(t.shape)} must be 1-D`);
    return t;
  });
  const sizes = ts.map((t) => t.shape[0]!);
  const swap = mode === 'xy' && ts.length >= 2;
  const out = swap ? [sizes[1]!, sizes[0]!, ...sizes.slice(2)] : sizes;
  checkSize('meshgrid', out);
  return ts.map((t, k) => {
    const at = swap && k < 2 ? 1 - k : k;
    const shape = out.map((_, i) => (i === at ? sizes[k]! : 1));
    return broadcastTo(reshape(t, shape), out);
  });
}

/**
 * PyTorch's Tensor.unfold: the windows of length `size` taken every `step`
 * along `axis`; that axis becomes the window count ⌊(n − size)/step⌋ + 1
 * and a new last axis of length `size` holds each window:
 * out[…, w, …, j] = x[…, w·step + j, …].
 */
export function unfold(x: TensorLike, axis: number, size: number, step: number): Tensor {
  return scoped('unfold', 'op', [x], { axis, size, step }, () => {
    const t = toTensor('unfold', 'x', x);
    const rank = Math.max(t.rank, 1);
    const a = normalizeAxis('unfold', axis, rank);
    const u = t.rank === 0 ? reshape(t, [1]) : t;
    const n = u.shape[a]!;
    const k = intArg('unfold', 'size', size, 0),
      s = intArg('unfold', 'step', step, 1);
    if (k > n) throw new ShapeError(`unfold: window size ${k} exceeds the size ${n} of axis ${a} of shape ${formatShape(u.shape)}`);
    const count = Math.floor((n - k) / s) + 1;
    checkSize('unfold', [...u.shape, k * count]);
    const idx: number[] = [];
    for (let w = 0; w < count; w++) for (let j = 0; j < k; j++) idx.push(w * s + j);
    const g = take(u, idx, a, [count, k]); // [..., count, k, ...]
    const r = g.rank;
    const perm = Array.from({ length: r }, (_, i) => i).filter((i) => i !== a + 1);
    const out = permute(g, [...perm, a + 1]);
    return t.rank === 0 ? reshape(out, [k]) : out;
  });
}
