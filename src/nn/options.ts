import { didYouMean } from '../core/lookup.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { optionsObject } from '../core/options.js';

// Checks of layer constructor options. Each throws an ArgumentError naming the
// layer factory (`dense`, `conv2d`, ...), the option and the value it got:
// `conv2d: kernelSize must be a positive integer or a pair of them, got 0`.

/** The factory name of a layer class, which errors name: Dense → dense, Conv2D → conv2d, Conv2DTranspose → conv2dTranspose, LSTM → lstm, SimpleRNN → simpleRNN. */
export function layerOpName(className: string): string {
  if (className === className.toUpperCase()) return className.toLowerCase();
  return (className.charAt(0).toLowerCase() + className.slice(1)).replace(/(\d)D(?=[A-Z]|$)/, '$1d');
}

/** The options object of a layer whose options are required (`dense(undefined)` is an error, not a TypeError). */
export function requireArgs<T extends object>(op: string, args: T): T {
  return optionsObject(op, args, 'an options object', true);
}

/** An integer ≥ `min` (1 by default), at most 2^31. */
export function intOption(op: string, name: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > 2 ** 31) {
    throw new ArgumentError(`${op}: ${name} must be ${min === 1 ? 'a positive integer' : `an integer >= ${min}`}, got ${describe(v)}`);
  }
  return v;
}

/** A positive integer given once for both spatial axes or as [rows, columns]. */
export function pairOption(op: string, name: string, v: unknown): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : null;
  if (p === null || !p.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 1 && d <= 2 ** 31)) {
    throw new ArgumentError(
      `${op}: ${name} must be a positive integer or a pair of them, got ${Array.isArray(v) ? `[${v.map(describe).join(',')}]` : describe(v)}`,
    );
  }
  return [p[0] as number, p[1] as number];
}

/** One of `allowed` (compared as a string, so 'toString' or '__proto__' are simply not allowed). */
export function choiceOption<T extends string>(op: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ArgumentError(`${op}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(v)}`);
  }
  return v as T;
}

/** true or false. */
export function boolOption(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(`${op}: ${name} must be true or false, got ${describe(v)}`);
  return v;
}

/** A finite number in [lo, hi) (or [lo, hi] when `closed`). */
export function rangeOption(op: string, name: string, v: unknown, lo: number, hi: number, closed = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || (closed ? v > hi : v >= hi)) {
    throw new ArgumentError(`${op}: ${name} must be a number in [${lo}, ${hi}${closed ? ']' : ')'}, got ${describe(v)}`);
  }
  return v;
}

/**
 * Builds a layer with `make(args)` and refuses the keys of `args` the layer
 * never looked at: an option it does not understand (`activaton: 'relu'`)
 * would otherwise be silently ignored. The error names the closest option the
 * layer read (did you mean 'activation'?).
 */
export function strictArgs<A, L>(op: string, args: A, make: (args: A) => L): L {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return make(args);
  const read = new Set<PropertyKey>();
  const watched = new Proxy(args as object, {
    get(target, key, receiver) {
      read.add(key);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      read.add(key);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      read.add(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    ownKeys(target) {
      for (const k of Reflect.ownKeys(target)) read.add(k);
      return Reflect.ownKeys(target);
    },
  }) as A;
  const layer = make(watched);
  const unknown = Object.keys(args as object).filter((k) => !read.has(k));
  if (unknown.length > 0) {
    const known = [...read].filter((k): k is string => typeof k === 'string' && !unknown.includes(k));
    const k = unknown[0]!;
    const guess = didYouMean(k, known);
    throw new ArgumentError(`${op}: unknown option '${k}'${guess ? ` (did you mean '${guess}'?)` : ''}; ${op} takes ${known.sort().join(', ')}`);
  }
  return layer;
}
