import { describe } from './describe.js';
import { ArgumentError } from './errors.js';

/**
 * `value` as the options object of `op`: a plain object, or `{}` where the
 * options may be left out (undefined, unless `required`). Anything else
 * (null, a number, an array, a function) is an ArgumentError naming the op.
 */
export function optionsObject<T extends object>(op: string, value: T | undefined, what = 'an options object', required = false): T {
  if (value === undefined && !required) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ArgumentError(`${op}: expected ${what}, got ${describe(value)}`);
  }
  return value;
}
