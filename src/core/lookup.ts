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
  name: unknown,
  what: string,
  context: string,
  valid?: readonly string[],
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

/** The edit distance (insertions, deletions, substitutions, transpositions) between two short strings. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `name` (case-insensitively), if it is close enough to be a likely typo. */
export function didYouMean(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null,
    bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(name.toLowerCase(), c.toLowerCase());
    if (dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}
