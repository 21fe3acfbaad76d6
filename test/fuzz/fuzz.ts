// Shared pieces of the fuzz tests: a seeded generator, random tensors (empty
// and size-0 dimensions, ranks 0..4, every dtype, NaN, ±Inf, huge, tiny, −0),
// junk that is not a tensor, and the check every call must pass.
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';

/** mulberry32: a small seeded generator of floats in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
export const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** Values that stress an op: NaN, ±Inf, huge, tiny (subnormal), −0 and ordinary numbers. */
export const SPECIAL = [0, -0, 1, -1, 0.5, -2.5, 3, NaN, Infinity, -Infinity, 3e38, -3e38, 1e-45, 1e-30, 7, 100];

export const DTYPES: readonly nb.DType[] = ['float32', 'float64', 'int32', 'bool'];

/** A random shape of rank `rank` (random 0..4 by default) with dimensions 0..3. */
export function randomShape(r: Rand, rank = int(r, 0, 4)): number[] {
  return Array.from({ length: rank }, () => (r() < 0.1 ? 0 : int(r, 1, 3)));
}

/** A random tensor: random shape and dtype unless given, values drawn from SPECIAL (integral for int32). */
export function randomTensor(r: Rand, shape = randomShape(r), dtype: nb.DType = pick(r, DTYPES)): nb.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => {
    const v = pick(r, SPECIAL);
    if (dtype === 'bool') return v > 0 ? 1 : 0;
    if (dtype === 'int32') return Number.isFinite(v) && Math.abs(v) < 2 ** 31 ? Math.trunc(v) : int(r, -5, 5);
    return v;
  });
  const data =
    dtype === 'float64'
      ? Float64Array.from(values)
      : dtype === 'int32'
        ? Int32Array.from(values)
        : dtype === 'bool'
          ? Uint8Array.from(values)
          : Float32Array.from(values);
  return nb.tensor(data, shape, dtype);
}

/** Values that are not tensors (nor tensor-like): every op must reject them with a NablaError naming itself. */
export const JUNK: readonly unknown[] = [
  {},
  { shape: [2], dtype: 'float32' },
  'abc',
  '',
  '1',
  undefined,
  null,
  () => 1,
  Symbol('s'),
  10n,
  [[1, 2], [3]],
  [1, 'a'],
  [[1], 2],
  [undefined],
  [{}],
  new Map(),
  new Date(0),
  new DataView(new ArrayBuffer(4)),
  new BigInt64Array(2),
  Object.create(null),
];

/** Option strings every lookup must treat as unknown names, and a few more. */
export const NAMES: readonly string[] = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', '', 'bogus', 'RELU'];

/** The checks on what a call returned: a well-formed Tensor (or an array of them). */
export function checkTensor(what: string, t: unknown, dtype?: nb.DType | nb.DType[]): void {
  assert.ok(t instanceof nb.Tensor, `${what}: returned ${String(typeof t)}, not a Tensor`);
  assert.ok(Array.isArray(t.shape) && t.shape.every((d) => Number.isSafeInteger(d) && d >= 0), `${what}: bad shape ${String(t.shape)}`);
  assert.equal(
    t.size,
    t.shape.reduce((a, b) => a * b, 1),
    `${what}: ${t.size} values for shape [${t.shape.join(',')}]`,
  );
  assert.ok(DTYPES.includes(t.dtype), `${what}: dtype ${t.dtype}`);
  if (dtype !== undefined) {
    const ok = Array.isArray(dtype) ? dtype.includes(t.dtype) : dtype === t.dtype;
    assert.ok(ok, `${what}: dtype ${t.dtype}, expected ${String(dtype)}`);
  }
}

/**
 * Runs `call`: it must return (the checks are `onResult`'s) or throw a
 * NablaError whose message names `name` (one of `names`); any other error
 * fails with the call's description.
 */
export function expectWellBehaved(names: readonly string[], describeCall: () => string, call: () => unknown, onResult: (out: unknown) => void): 'ok' | 'error' {
  let out: unknown;
  try {
    out = call();
  } catch (e) {
    if (!(e instanceof nb.NablaError)) {
      assert.fail(`${describeCall()} threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    }
    assert.ok(
      names.some((n) => e.message.includes(n)),
      `${describeCall()}: message does not name ${names.join(' or ')}: ${e.message}`,
    );
    return 'error';
  }
  onResult(out);
  return 'ok';
}

/** A short rendering of an argument for failure messages. */
export function show(v: unknown): string {
  if (v instanceof nb.Tensor) return `Tensor<${v.dtype}>[${v.shape.join(',')}]`;
  if (typeof v === 'symbol') return 'Symbol()';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'fn';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(',')}]`;
  if (v === undefined) return 'undefined';
  if (v !== null && typeof v === 'object') return v.constructor?.name ? `${v.constructor.name}{}` : 'Object(null){}';
  return String(v);
}
