import { describe } from './describe.js';
import { DTypeError, ShapeError } from './errors.js';
import { nodeBuiltin } from './platform.js';
import { MAX_ELEMENTS } from './shape.js';

/** The element types a tensor can hold. `float32` is the default and the fast path. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The flat storage of a tensor: one typed array per dtype. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Floating-point storage, the only kind that carries gradients. */
export type FloatArray = Float32Array | Float64Array;

/** The dtype → typed array map. */
export interface DTypeMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

const constructors = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/** All dtypes, for validation and iteration. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** The typed-array constructor that stores `dtype`. */
export function arrayType<D extends DType>(dtype: D): (typeof constructors)[D] {
  return constructors[dtype];
}

/**
 * Allocates a zero-filled typed array of `n` elements for `dtype`. More than
 * MAX_ELEMENTS elements, or more memory than the engine will give, is a
 * ShapeError naming `op` (never a raw RangeError).
 */
export function allocate<D extends DType>(dtype: D, n: number, op = 'allocate'): DTypeMap[D] {
  if (n > MAX_ELEMENTS) throw new ShapeError(`${op}: ${n} elements are more than the limit of 2^31 - 1 (${MAX_ELEMENTS}) elements per tensor`);
  const bytes = n * constructors[dtype].BYTES_PER_ELEMENT;
  if (bytes > memoryLimit())
    throw new ShapeError(`${op}: ${n} ${dtype} elements need ${bytes} bytes, more than this machine's ${memoryLimit()} bytes of memory`);
  try {
    return new constructors[dtype](n) as DTypeMap[D];
  } catch (e) {
    if (e instanceof RangeError) {
      throw new ShapeError(`${op}: cannot allocate ${n} ${dtype} elements (${n * constructors[dtype].BYTES_PER_ELEMENT} bytes): ${e.message}`);
    }
    throw e;
  }
}

let memory: number | undefined;
/** The machine's memory in bytes (os.totalmem() under Node; unbounded elsewhere, where the engine's own limit applies). */
function memoryLimit(): number {
  return (memory ??= nodeBuiltin<{ totalmem(): number }>('node:os')?.totalmem() ?? Infinity);
}

/** The dtype that a typed array stores. */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

/** True for float32 and float64. */
export function isFloat(dtype: DType): dtype is 'float32' | 'float64' {
  return dtype === 'float32' || dtype === 'float64';
}

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** The result dtype of a binary op on `a` and `b`: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

/** Validates a dtype given by a user. */
export function checkDType(op: string, dtype: unknown): DType {
  if (typeof dtype === 'string' && (DTYPES as readonly string[]).includes(dtype)) return dtype as DType;
  throw new DTypeError(`${op}: unknown dtype ${typeof dtype === 'string' ? JSON.stringify(dtype) : describe(dtype)}; expected one of ${DTYPES.join(', ')}`);
}

/** The smallest and largest int32. */
export const INT32_MIN = -2147483648,
  INT32_MAX = 2147483647;

/** The position of flat index `i` in a row-major `shape`, as "[i,j,k]". */
export function positionOf(i: number, shape: readonly number[]): string {
  const idx: number[] = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = n > 0 ? i % n : 0;
    i = n > 0 ? Math.floor(i / n) : 0;
  }
  return `[${idx.join(',')}]`;
}

/** Why `v` cannot be stored exactly in `dtype` (null when it can): int32 holds integers in range, bool 0 and 1. */
export function inexactReason(v: number, dtype: DType): string | null {
  if (dtype === 'int32') {
    if (!Number.isInteger(v)) return `is not an integer, and int32 holds integers only (round the values first, or use nb.cast, which truncates toward zero)`;
    if (v < INT32_MIN || v > INT32_MAX) return `is outside the int32 range [${INT32_MIN}, ${INT32_MAX}] (use float64)`;
  } else if (dtype === 'bool' && v !== 0 && v !== 1) {
    return `is not 0 or 1 (or false or true), the only values a bool holds (nb.cast or nb.notEqual(x, 0) make nonzero true)`;
  }
  return null;
}

/**
 * Checks that every value of `data` (laid out in `shape`) is stored exactly by
 * `dtype`: an integer in range for int32, 0 or 1 for bool (floats take any
 * number, rounded to their precision). Throws a DTypeError naming `op`, the
 * first offending value and its position.
 */
export function checkExact(op: string, data: ArrayLike<number>, shape: readonly number[], dtype: DType): void {
  if (isFloat(dtype)) return;
  for (let i = 0; i < data.length; i++) {
    const reason = inexactReason(data[i]!, dtype);
    if (reason) throw new DTypeError(`${op}: value ${data[i]} at ${positionOf(i, shape)} ${reason}`);
  }
}

/**
 * Checks that `cast` can convert `data` (laid out in `shape`) to `dtype` as
 * PyTorch does: a float goes to int32 truncated toward zero, so NaN, ±∞ and
 * values whose integer part is outside the int32 range are refused (PyTorch's
 * result for them is undefined behaviour); every other conversion is defined.
 */
export function checkCastable(op: string, data: TypedArray, shape: readonly number[], dtype: DType): void {
  if (dtype !== 'int32' || !(data instanceof Float32Array || data instanceof Float64Array)) return;
  for (let i = 0; i < data.length; i++) {
    const v = Math.trunc(data[i]!);
    if (!(v >= INT32_MIN && v <= INT32_MAX)) {
      throw new DTypeError(
        `${op}: value ${data[i]} at ${positionOf(i, shape)} cannot be converted to int32: ${Number.isNaN(v) ? 'NaN has no integer value' : `its integer part is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]`}`,
      );
    }
  }
}

/**
 * Converts `data` to `dtype` (a copy) as PyTorch does: to bool, nonzero
 * (NaN included) is 1; to int32, floats truncate toward zero (the values must
 * be in range: see checkCastable); to float32, values round to nearest.
 */
export function castArray(data: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, data.length);
  if (dtype === 'bool') {
    for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? 1 : 0;
  } else {
    out.set(data);
  }
  return out;
}

/**
 * Whether Σ a, summed in float64, is finite: one pass that is true when
 * every value is finite (float32 values cannot overflow the sum) and false
 * when one is NaN or ±∞ — or when float64 values overflow it, so a caller
 * that must name the bad value scans for it when this says false.
 */
export function sumIsFinite(a: ArrayLike<number>): boolean {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i]!;
  return Number.isFinite(total);
}
