import { allocate, castArray, checkDType, checkExact, inexactReason, isFloat, type DType, type TypedArray } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError, TraceError } from '../core/errors.js';
import { tapeState } from '../autograd/tape.js';
import { Generator, globalGenerator } from '../core/random.js';
import { describe } from '../core/describe.js';
import { checkShape, checkSize, formatShape, sameShape, sizeOf, type Shape } from '../core/shape.js';
import { Tensor, isTensor } from './tensor.js';
import { Variable } from './variable.js';

/** Nested JS arrays of numbers or booleans, as accepted by `tensor`. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** Integer typed arrays that `tensor` reads as int32. */
export type IntegerArray = Int8Array | Int16Array | Uint16Array | Uint32Array | Uint8ClampedArray;

/** Anything ops accept as a tensor: a Tensor, a Variable (its current value), numbers, nested arrays, typed arrays. */
export type TensorLike = Tensor | Variable | NestedArray | TypedArray | IntegerArray;

/** The most levels of nesting a nested array may have (deeper is refused, so that a self-containing array cannot loop). */
const MAX_NESTING = 64;

function inferShape(values: NestedArray, where: string): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    if (shape.length === MAX_NESTING) throw new ShapeError(`${where} is nested more than ${MAX_NESTING} levels deep`);
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0]!;
  }
  return shape;
}

function fillFlat(values: NestedArray, shape: readonly number[], out: TypedArray, dtype: DType, where: string): void {
  let at = 0;
  const walk = (v: NestedArray, dim: number, path: number[]): void => {
    if (dim === shape.length) {
      if (Array.isArray(v))
        throw new ShapeError(
          `${where} is a ragged nested array: element at [${path.join(',')}] is an array where a number was expected (shape ${formatShape(shape)})`,
        );
      if (typeof v !== 'number' && typeof v !== 'boolean')
        throw new ArgumentError(`${where}: element at [${path.join(',')}] is ${describe(v)}, not a number or boolean`);
      const x = typeof v === 'boolean' ? (v ? 1 : 0) : v;
      const reason = inexactReason(x, dtype);
      if (reason) throw new DTypeError(`${where}: value ${x} at [${path.join(',')}] ${reason}`);
      out[at++] = x;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ShapeError(
        `${where} is a ragged nested array: expected ${shape[dim]} elements at [${path.join(',')}] (shape ${formatShape(shape)}), got ${Array.isArray(v) ? v.length : 'a number'}`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i]!, dim + 1, [...path, i]);
  };
  walk(values, 0, []);
}

function firstLeaf(values: NestedArray): NestedArray | undefined {
  let v: NestedArray | undefined = values;
  while (Array.isArray(v)) v = v.length ? v[0] : undefined;
  return v;
}

/** The dtype a typed array's values take: its own for the four storage types, int32 for other integer arrays. */
function viewDType(src: ArrayBufferView, op: string, arg: string): DType {
  if (src instanceof Float32Array) return 'float32';
  if (src instanceof Float64Array) return 'float64';
  if (src instanceof Int32Array) return 'int32';
  if (src instanceof Uint8Array && !(src instanceof Uint8ClampedArray)) return 'bool';
  if (src instanceof Int8Array || src instanceof Int16Array || src instanceof Uint16Array || src instanceof Uint32Array || src instanceof Uint8ClampedArray)
    return 'int32';
  throw new DTypeError(
    `${op}: cannot make a tensor from ${describe(src)} (argument ${arg}); use a Float32Array, Float64Array, Int32Array, Uint8Array or a nested array`,
  );
}

function copyInto<T extends TypedArray>(out: T, src: TypedArray | IntegerArray): T {
  out.set(src);
  return out;
}

/**
 * Creates a tensor from a number, nested arrays or a typed array.
 * `shape` defaults to the nesting (or the typed array's length); given with a
 * flat array, it reshapes it. `dtype` defaults to the typed array's type,
 * 'bool' for booleans and 'float32' otherwise.
 *
 *     nb.tensor([[1, 2], [3, 4]])            // shape [2,2], float32
 *     nb.tensor([1, 2, 3, 4], [2, 2], 'float64')
 */
export function tensor(values: TensorLike, shape?: Shape, dtype?: DType): Tensor {
  return tensorFrom('tensor', 'values', values, shape, dtype);
}

/** True for what `tensor` accepts as values: a Tensor, a Variable, a number, a boolean, an array or a typed array. */
export function isTensorLike(x: unknown): x is TensorLike {
  return (
    typeof x === 'number' ||
    typeof x === 'boolean' ||
    Array.isArray(x) ||
    isTensor(x) ||
    x instanceof Variable ||
    (ArrayBuffer.isView(x) && !(x instanceof DataView))
  );
}

/**
 * `tensor(values, shape, dtype)` for argument `arg` of `op`: anything that is
 * not tensor-like, or a nested array holding something else than numbers
 * and booleans, is an error that names the op and the argument:
 * `add: argument b must be a tensor, number, boolean or nested array of them; got an object`.
 */
export function tensorFrom(op: string, arg: string, values: unknown, shape?: Shape, dtype?: DType): Tensor {
  const where = `${op}: argument ${arg}`;
  if (dtype !== undefined) checkDType(op, dtype);
  if (!isTensorLike(values)) {
    throw new ArgumentError(`${where} must be a tensor, number, boolean or nested array of them; got ${describe(values)}`);
  }
  if (shape !== undefined) checkShape(op, shape);
  if (values instanceof Variable) values = values.value;
  if (isTensor(values)) {
    const t = values;
    if (t.placeholder !== null) {
      // nb.trace: a placeholder passes through as it is (it holds no values to convert)
      if ((shape && !sameShape(shape, t.shape)) || (dtype && dtype !== t.dtype)) {
        throw new TraceError(
          `${op}: cannot convert ${t.placeholder.describe()} to ${dtype ?? t.dtype}${shape ? ` of shape ${formatShape(shape)}` : ''} while nb.trace runs: use nb.cast or nb.reshape`,
        );
      }
      return t;
    }
    if (shape && sizeOf(shape) !== t.size)
      throw new ShapeError(`${op}: cannot view ${t.size} values of shape ${formatShape(t.shape)} as shape ${formatShape(shape)}`);
    if (dtype && dtype !== t.dtype) checkExact(where, t.storage, t.shape, dtype);
    const storage = dtype && dtype !== t.dtype ? castArray(t.storage, dtype) : t.storage;
    return new Tensor(storage, shape ? [...shape] : t.shape);
  }
  let flat: TypedArray;
  let inferred: number[];
  if (ArrayBuffer.isView(values)) {
    const src = values as TypedArray | IntegerArray;
    const own = viewDType(src, op, arg),
      d = dtype ?? own;
    if (!(src instanceof Int32Array && d === 'int32')) checkExact(where, src, [src.length], d); // a Uint8Array's 2..255 are no bools
    // always a copy into the dtype's own array: `slice` of a Node Buffer would share the caller's memory
    flat = d === own ? copyInto(allocate(d, src.length), src) : castArray(src as TypedArray, d);
    inferred = [src.length];
  } else {
    inferred = inferShape(values as NestedArray, where);
    checkSize(op, inferred);
    const leaf = firstLeaf(values as NestedArray);
    const d = dtype ?? (typeof leaf === 'boolean' ? 'bool' : 'float32');
    flat = allocate(d, sizeOf(inferred), op);
    fillFlat(values as NestedArray, inferred, flat, d, where);
  }
  if (shape) {
    const s = [...shape];
    if (sizeOf(s) !== flat.length) {
      throw new ShapeError(`${op}: ${flat.length} values cannot fill shape ${formatShape(s)} (${sizeOf(s)} elements)`);
    }
    return new Tensor(flat, s);
  }
  return new Tensor(flat, inferred);
}

/** A scalar (rank-0) tensor. */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean')
    throw new ArgumentError(`scalar: argument value must be a number or boolean, got ${describe(value)}`);
  return tensorFrom('scalar', 'value', value, [], dtype);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number | boolean, dtype: DType = typeof value === 'boolean' ? 'bool' : 'float32'): Tensor {
  return filled('full', shape, value, dtype);
}

function filled(op: string, shape: Shape, value: number | boolean, dtype: DType): Tensor {
  const s = checkShape(op, shape);
  if (typeof value !== 'number' && typeof value !== 'boolean')
    throw new ArgumentError(`${op}: argument value must be a number or boolean, got ${describe(value)}`);
  checkDType(op, dtype);
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  const reason = inexactReason(v, dtype);
  if (reason) throw new DTypeError(`${op}: value ${v} ${reason}`);
  const tracer = tapeState.tracer;
  if (tracer?.isSymbolic(s)) return tracer.fill(v, s, dtype); // nb.trace: [m, n] zeros are an equation
  const data = allocate(dtype, sizeOf(s), op);
  if (!Object.is(v, 0)) data.fill(v); // a new typed array is already +0
  return new Tensor(data, s);
}

/** A tensor of zeros. */
export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return filled('zeros', shape, 0, dtype);
}

/** A tensor of ones. */
export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return filled('ones', shape, 1, dtype);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: TensorLike): Tensor {
  const x = tensorFrom('zerosLike', 't', t);
  return filled('zerosLike', x.shape, 0, x.dtype);
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: TensorLike): Tensor {
  const x = tensorFrom('onesLike', 't', t);
  return filled('onesLike', x.shape, 1, x.dtype);
}

/** The n×m identity matrix (m defaults to n). */
export function eye(n: number, m: number = n, dtype: DType = 'float32'): Tensor {
  const s = checkShape('eye', [n, m], 'size [n, m]');
  const data = allocate(checkDType('eye', dtype), n * m, 'eye');
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new Tensor(data, s);
}

/**
 * Evenly spaced values in [start, stop): `arange(5)` is 0..4,
 * `arange(1, 2, 0.25)` is 1, 1.25, 1.5, 1.75.
 */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  for (const [k, v] of [
    ['start', start],
    ['stop', stop],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`arange: ${k} must be a finite number, got ${describe(v)}`);
  }
  if (typeof step !== 'number' || step === 0 || !Number.isFinite(step))
    throw new ArgumentError(`arange: step must be a finite nonzero number, got ${describe(step)}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  checkSize('arange', [n]);
  const data = allocate(checkDType('arange', dtype), n, 'arange');
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  if (!isFloat(dtype))
    checkExact(
      'arange',
      Array.from({ length: n }, (_, i) => start + i * step),
      [n],
      dtype,
    );
  return new Tensor(data, [n]);
}

/** `num` evenly spaced values from start to stop, both included. */
export function linspace(start: number, stop: number, num: number, dtype: DType = 'float32'): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new ArgumentError(`linspace: num must be a non-negative integer, got ${describe(num)}`);
  for (const [k, v] of [
    ['start', start],
    ['stop', stop],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`linspace: ${k} must be a finite number, got ${describe(v)}`);
  }
  checkSize('linspace', [num]);
  const data = allocate(checkDType('linspace', dtype), num, 'linspace');
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  if (num > 1) data[num - 1] = stop;
  if (!isFloat(dtype))
    checkExact(
      'linspace',
      Array.from({ length: num }, (_, i) => (i === num - 1 && num > 1 ? stop : start + i * step)),
      [num],
      dtype,
    );
  return new Tensor(data, [num]);
}

/** Options of the random creation functions. */
export interface RandomOptions {
  /** float32 (the default) or float64. */
  dtype?: 'float32' | 'float64';
  /** An explicit generator (an independent stream); by default the global one, reset by `nb.seed`. */
  generator?: Generator;
}

function randomFloat(op: string, shape: Shape, opts: RandomOptions): { data: Float32Array | Float64Array; s: number[]; g: Generator } {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError(`${op}: argument opts must be an options object, got ${describe(opts)}`);
  const s = checkShape(op, shape);
  const dtype = checkDType(op, opts.dtype ?? 'float32');
  if (!isFloat(dtype)) throw new ArgumentError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  if (tapeState.tracer?.isSymbolic(s)) {
    throw new TraceError(
      `${op}: random values of a shape with a symbolic dimension (${formatShape(s)}) cannot be traced yet (dropout in training mode draws them); trace in inference mode, or give the batch a size`,
    );
  }
  if (opts.generator !== undefined && !(opts.generator instanceof Generator)) {
    throw new ArgumentError(`${op}: opts.generator must be a Generator, got ${describe(opts.generator)}`);
  }
  return { data: allocate(dtype, sizeOf(s), op), s, g: opts.generator ?? globalGenerator() };
}

function finite(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`${op}: ${name} must be a finite number, got ${describe(v)}`);
}

/** Values drawn uniformly from [low, high). */
export function randomUniform(shape: Shape, low = 0, high = 1, opts: RandomOptions = {}): Tensor {
  finite('randomUniform', 'low', low);
  finite('randomUniform', 'high', high);
  if (!(high > low)) throw new ArgumentError(`randomUniform: high (${high}) must be greater than low (${low})`);
  const { data, s, g } = randomFloat('randomUniform', shape, opts);
  g.fillUniform(data, low, high);
  return traced(new Tensor(data, s), () => randomUniform(shape, low, high, opts));
}

/** Values drawn from the normal distribution N(mean, std²). */
export function randomNormal(shape: Shape, mean = 0, std = 1, opts: RandomOptions = {}): Tensor {
  finite('randomNormal', 'mean', mean);
  finite('randomNormal', 'std', std);
  if (!(std >= 0)) throw new ArgumentError(`randomNormal: std must be non-negative, got ${std}`);
  const { data, s, g } = randomFloat('randomNormal', shape, opts);
  g.fillNormal(data, mean, std);
  return traced(new Tensor(data, s), () => randomNormal(shape, mean, std, opts));
}

/** Random values drawn while a tracer that redraws them runs (nb.jit): its input; else the values. */
function traced(t: Tensor, redraw: () => Tensor): Tensor {
  const tracer = tapeState.tracer;
  return tracer?.random ? tracer.random(t, redraw) : t;
}
