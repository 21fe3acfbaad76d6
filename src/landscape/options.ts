// Checking the options of nb.landscape and nb.landscape1d.
import { ArgumentError } from '../core/errors.js';
import { describe } from '../core/describe.js';

/** A whole number ≥ min, or the default; an ArgumentError naming op and the option otherwise. */
export function intOption(op: string, name: string, v: unknown, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ArgumentError(`${op}: ${name} must be a whole number ≥ ${min}, got ${describe(v)}`);
  return v;
}

/** A boolean or the default. */
export function boolOption(op: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ArgumentError(`${op}: ${name} must be true or false, got ${describe(v)}`);
  return v;
}

/** `n` evenly spaced values from lo to hi, both included. */
export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1)));
}

/**
 * The coordinates along one axis: `explicit` (finite, strictly increasing,
 * at least two) if given, else `resolution` points spanning `range`
 * (r for [−r, r], or [lo, hi]), else `resolution` points spanning `dflt`.
 */
export function axisValues(op: string, name: string, explicit: unknown, range: unknown, resolution: number, dflt: [number, number]): number[] {
  if (explicit !== undefined) {
    if (!Array.isArray(explicit) && !ArrayBuffer.isView(explicit))
      throw new ArgumentError(`${op}: ${name} must be an array of numbers, got ${describe(explicit)}`);
    const v = Array.from(explicit as ArrayLike<unknown>);
    if (v.length < 2) throw new ArgumentError(`${op}: ${name} must hold at least 2 values for a grid, got ${v.length}`);
    v.forEach((a, i) => {
      if (typeof a !== 'number' || !Number.isFinite(a)) throw new ArgumentError(`${op}: ${name}[${i}] must be a finite number, got ${describe(a)}`);
      if (i > 0 && !(a > (v[i - 1] as number))) throw new ArgumentError(`${op}: ${name} must increase, but ${name}[${i}] = ${a} follows ${v[i - 1]}`);
    });
    return v as number[];
  }
  const [lo, hi] = rangeOption(op, range, dflt);
  return linspace(lo, hi, resolution);
}

/** `range` as [lo, hi]: r > 0 for [−r, r], or a finite increasing pair. */
export function rangeOption(op: string, range: unknown, dflt: [number, number]): [number, number] {
  if (range === undefined) return dflt;
  if (typeof range === 'number') {
    if (!Number.isFinite(range) || range <= 0)
      throw new ArgumentError(`${op}: range must be a finite number > 0 (for [−range, range]) or a pair [lo, hi], got ${range}`);
    return [-range, range];
  }
  if (Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === 'number' && Number.isFinite(v)) && range[0] < range[1])
    return [range[0], range[1]];
  throw new ArgumentError(
    `${op}: range must be a finite number > 0 (for [−range, range]) or a pair [lo, hi] of finite numbers with lo < hi, got ${Array.isArray(range) ? `[${range.map((v) => (typeof v === 'number' ? v : describe(v))).join(', ')}]` : describe(range)}`,
  );
}
