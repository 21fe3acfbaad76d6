import { ArgumentError } from '../core/errors.js';

/**
 * Argument checks shared by the optimisers and schedules. Each throws an
 * ArgumentError that names the caller, the option, the expected range and
 * the value it got: `adam: beta1 must be in [0, 1), got 1.5`.
 */

/** A readable rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * The options object of `op` (undefined gives {}); any key outside `known`
 * is an error, so a misspelt option (`lr` for `learningRate`) is caught.
 */
export function checkOptions(op: string, opts: unknown, known: readonly string[]): Record<string, unknown> {
  if (opts === undefined || opts === null) return {};
  if (typeof opts !== 'object' || Array.isArray(opts)) {
    throw new ArgumentError(`${op}: expected an options object, got ${describe(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) {
      throw new ArgumentError(`${op}: unknown option '${key}' (expected one of ${known.join(', ')})`);
    }
  }
  return opts as Record<string, unknown>;
}

/** A finite number with `lo ≤ x` (or `lo < x`) and `x ≤ hi` (or `x < hi`); brackets name the interval in errors. */
export function checkRange(op: string, name: string, value: unknown, lo: number, hi: number, loOpen: boolean, hiOpen: boolean): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (loOpen ? value > lo : value >= lo) && (hiOpen ? value < hi : value <= hi);
  if (!ok) {
    const interval = `${loOpen ? '(' : '['}${lo}, ${hi === Infinity ? '∞' : hi}${hiOpen ? ')' : ']'}`;
    throw new ArgumentError(`${op}: ${name} must be in ${interval}, got ${describe(value)}`);
  }
  return value as number;
}

/** A finite number > 0. */
export function checkPositive(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ArgumentError(`${op}: ${name} must be a positive finite number, got ${describe(value)}`);
  }
  return value;
}

/** A finite number ≥ 0. */
export function checkNonNegative(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ArgumentError(`${op}: ${name} must be a finite number >= 0, got ${describe(value)}`);
  }
  return value;
}

/** An integer ≥ `min`. */
export function checkInteger(op: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ArgumentError(`${op}: ${name} must be an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

/** A boolean. */
export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new ArgumentError(`${op}: ${name} must be true or false, got ${describe(value)}`);
  }
  return value;
}

/** `opts[name]` checked by `check`, or `fallback` when it is undefined. */
export function option<T>(opts: Record<string, unknown>, name: string, fallback: T, check: (value: unknown) => T): T {
  const value = opts[name];
  return value === undefined ? fallback : check(value);
}
