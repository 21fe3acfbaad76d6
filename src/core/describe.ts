/**
 * A short, safe rendering of any value for an error message: never throws
 * (Symbols, BigInts, circular or null-prototype objects included) and never
 * prints a whole array or object.
 *
 *     describe('x') === 'the string "x"'; describe({}) === 'an object'; describe([1, 2]) === 'an array of length 2'
 */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return String(value);
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `the bigint ${value}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return `an array of length ${value.length}`;
      if (ArrayBuffer.isView(value)) return `a ${Object.getPrototypeOf(value)?.constructor?.name ?? 'typed array'}`;
      return 'an object';
  }
}
