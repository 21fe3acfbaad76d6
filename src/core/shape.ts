import { describe } from './describe.js';
import { ArgumentError, ShapeError } from './errors.js';

/** A tensor shape: the length of each dimension, outermost first. */
export type Shape = readonly number[];

/** `[2,3]` as a string, for error messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** The number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when two shapes are equal. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The most elements a tensor may hold: 2³¹ − 1, the int32 index range the
 * kernels use. A shape over it is refused before anything is allocated (a
 * typed array that big is 8 GiB of float32, past what a wasm heap or most
 * machines can hold).
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Checks that `shape` is an array of non-negative safe integers whose product
 * is at most MAX_ELEMENTS, and returns a copy. `arg` names the argument in
 * the message: `zeros: argument shape must be an array of non-negative integers, got 3`.
 */
export function checkShape(op: string, shape: unknown, arg = 'shape'): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError(`${op}: argument ${arg} must be an array of non-negative integers, got ${describe(shape)}`);
  }
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid ${arg} [${(shape as unknown[]).map(describe).join(',')}]: dimensions must be non-negative integers`);
    }
  }
  checkSize(op, shape as number[]);
  return [...(shape as number[])];
}

/**
 * Throws a ShapeError naming `op` and the shape when a tensor of `shape`
 * would hold more than MAX_ELEMENTS elements; every creation function and
 * every op whose output can outgrow its inputs calls it before allocating.
 */
export function checkSize(op: string, shape: Shape): void {
  let n = 1;
  for (const d of shape) n *= d;
  if (n > MAX_ELEMENTS) {
    throw new ShapeError(`${op}: shape ${formatShape(shape)} has ${n} elements, more than the limit of 2^31 - 1 (${MAX_ELEMENTS}) elements per tensor`);
  }
}

/**
 * The NumPy broadcast of several shapes: align from the right; each dimension
 * must be equal or 1. Throws a ShapeError naming `op` and the shapes.
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast: dimension ${d} and ${out[o]} differ and neither is 1`,
        );
      }
    }
  }
  checkSize(op, out);
  return out;
}

/** Normalises one axis (negative counts from the end) against `rank`. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new ArgumentError(`${op}: axis must be an integer, got ${describe(axis)}`);
  }
  if (axis < -rank || axis >= rank) {
    throw new ArgumentError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Normalises an axis argument to a sorted list of distinct axes:
 * undefined or null means every axis.
 */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined | null, rank: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axis !== 'number' && !Array.isArray(axis)) {
    throw new ArgumentError(`${op}: axis must be an integer, an array of integers or undefined, got ${describe(axis)}`);
  }
  const list: readonly number[] = typeof axis === 'number' ? [axis] : axis;
  const out = list.map((a) => normalizeAxis(op, a, rank));
  const sorted = [...new Set(out)].sort((a, b) => a - b);
  if (sorted.length !== out.length) throw new ArgumentError(`${op}: repeated axis in [${list.join(',')}]`);
  return sorted;
}

/**
 * `shape` viewed as [outer, r, inner] around `axes` (r the product of the axes' sizes), as the
 * kernels over a middle axis take it; null when `axes` is empty or not one contiguous run, or r is 0.
 */
export function aroundAxes(shape: Shape, axes: readonly number[]): { outer: number; r: number; inner: number } | null {
  if (axes.length === 0 || !axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1)) return null;
  const first = axes[0]!,
    last = axes[axes.length - 1]!;
  const r = sizeOf(shape.slice(first, last + 1));
  return r === 0 ? null : { outer: sizeOf(shape.slice(0, first)), r, inner: sizeOf(shape.slice(last + 1)) };
}

/** The shape after reducing `axes` of `shape`, keeping them as 1 or dropping them. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(shape[i]!);
  }
  return out;
}
