import { describe } from './describe.js';
import { ArgumentError } from './errors.js';

/**
 * The entry of `table` named `name`, looked up among the table's own keys
 * only: 'toString', 'constructor' or '__proto__' are unknown names like any
 * other, never something inherited from Object.prototype. An unknown name
 * (or a non-string) throws an ArgumentError naming `context` and `what` and
 * listing the valid names:
 *
 *     lookup(table, 'relu', 'activation', 'dense')
 *     // dense: unknown activation 'relu6'; expected one of linear, relu, ...
 *
 * `valid` overrides the listed names (e.g. to include aliases).
 */
export function lookup<T>(
  table: Readonly<Record<string, T>> | ReadonlyMap<string, T>,
  name: unknown, what: string, context: string, valid?: readonly string[],
): T {
  if (typeof name === 'string') {
    if (table instanceof Map) {
      if (table.has(name)) return table.get(name)!;
    } else if (Object.hasOwn(table, name)) {
      return (table as Readonly<Record<string, T>>)[name]!;
    }
  }
  const names = valid ?? (table instanceof Map ? [...table.keys()] : Object.keys(table));
  const got = typeof name === 'string' ? `'${name}'` : describe(name);
  throw new ArgumentError(`${context}: unknown ${what} ${got}; expected one of ${names.join(', ')}`);
}

/** True when `name` is an own key of `table` (never an inherited one such as 'toString'). */
export function hasName(table: object, name: unknown): name is string {
  return typeof name === 'string' && Object.hasOwn(table, name);
}
