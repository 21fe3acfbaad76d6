import { dtypeOf, type DType, type TypedArray } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { formatShape, sizeOf, type Shape } from '../core/shape.js';
import { formatTensor } from './format.js';
import type { Node } from './trace.js';

/**
 * An immutable n-dimensional array. Storage is a contiguous row-major typed
 * array that is never mutated after creation, and memory is reclaimed by the
 * garbage collector: there is nothing to dispose.
 *
 * Ops are functions (`nb.add(a, b)`); the common ones are also methods
 * (`a.add(b).relu()`), installed from one table by the ops layer.
 */
export class Tensor {
  /** The length of each dimension, outermost first. */
  readonly shape: readonly number[];
  /** The element type. */
  readonly dtype: DType;
  /** @internal The flat row-major storage. Never mutate it. */
  readonly storage: TypedArray;
  /** @internal The autodiff node that produced this tensor while tracing, or null. */
  node: Node | null = null;

  /** @internal Use `nb.tensor` and the other creation functions instead. */
  constructor(storage: TypedArray, shape: Shape) {
    if (storage.length !== sizeOf(shape)) {
      throw new ArgumentError(`Tensor: ${storage.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} elements)`);
    }
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(storage);
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** The number of elements. */
  get size(): number {
    return this.storage.length;
  }

  /** A copy of the values as a flat typed array (Float32Array for float32, Uint8Array for bool, ...). */
  data(): TypedArray {
    return this.storage.slice();
  }

  /** The values as nested JS arrays (numbers; booleans for bool tensors); a scalar gives a number. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  toArray(): any {
    const s = this.storage;
    const isBool = this.dtype === 'bool';
    const value = (i: number) => (isBool ? s[i] !== 0 : s[i]!);
    if (this.rank === 0) return value(0);
    let at = 0;
    const build = (dim: number): unknown[] => {
      const n = this.shape[dim]!;
      const out = new Array<unknown>(n);
      if (dim === this.rank - 1) for (let i = 0; i < n; i++) out[i] = value(at++);
      else for (let i = 0; i < n; i++) out[i] = build(dim + 1);
      return out;
    };
    return build(0);
  }

  /** The single value of a one-element tensor (booleans as 0 or 1). */
  item(): number {
    if (this.size !== 1) {
      throw new ArgumentError(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements; item() needs exactly one`);
    }
    return this.storage[0]!;
  }

  /** A readable rendering: values, shape and dtype. */
  toString(): string {
    return formatTensor(this);
  }

  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** True for a Tensor. */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
