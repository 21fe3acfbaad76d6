import { dtypeOf, type DType, type TypedArray } from '../core/dtype.js';
import { ArgumentError, TraceError } from '../core/errors.js';
import { formatShape, sizeOf, type Shape } from '../core/shape.js';
import { formatTensor } from './format.js';
import type { Node } from '../autograd/tape.js';

/**
 * @internal What a placeholder tensor stands for while nb.trace runs a
 * function: a variable of the program being built (src/trace). It holds no
 * values.
 */
export interface Placeholder {
  /** The program builder it belongs to. */
  readonly owner: object;
  /** Its variable's number in that program. */
  readonly id: number;
  /** 'f32[m,64], the output of matmul', for error messages. */
  describe(): string;
}

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
  /** The number of elements. */
  readonly size: number;
  /** @internal The storage, or null for a placeholder. */
  private readonly values: TypedArray | null;
  /** @internal Set on the placeholders nb.trace runs a function on (they hold no values), else null. */
  readonly placeholder: Placeholder | null;
  /** @internal The autodiff node that produced this tensor while tracing, or null. */
  node: Node | null = null;

  /** @internal Use `nb.tensor` and the other creation functions instead. */
  constructor(storage: TypedArray, shape: Shape);
  /** @internal A placeholder (nb.trace): a shape and dtype, no values. */
  constructor(storage: null, shape: Shape, dtype: DType, placeholder: Placeholder);
  constructor(storage: TypedArray | null, shape: Shape, dtype?: DType, placeholder?: Placeholder) {
    const size = sizeOf(shape);
    if (storage !== null && storage.length !== size) {
      throw new ArgumentError(`Tensor: ${storage.length} values do not fill shape ${formatShape(shape)} (${size} elements)`);
    }
    this.values = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = storage !== null ? dtypeOf(storage) : dtype!;
    this.size = size;
    this.placeholder = placeholder ?? null;
  }

  /** @internal The flat row-major storage. Never mutate it. A placeholder has none: reading it is a TraceError. */
  get storage(): TypedArray {
    if (this.values === null) throw this.traceError('storage');
    return this.values;
  }

  /** @internal The same value (the same storage, or the same placeholder) without an autodiff node. */
  alias(): Tensor {
    return this.values !== null ? new Tensor(this.values, this.shape) : new Tensor(null, this.shape, this.dtype, this.placeholder!);
  }

  private traceError(op: string): TraceError {
    return new TraceError(
      `${op}: cannot read the values of ${this.placeholder!.describe()} while nb.trace runs the function: ` +
        'a traced program cannot depend on data (an if on a value, item(), data(), toArray()); compute with ops (nb.where instead of an if), or run the function outside nb.trace',
    );
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** A copy of the values as a flat typed array (Float32Array for float32, Uint8Array for bool, ...). */
  data(): TypedArray {
    if (this.values === null) throw this.traceError('data');
    return this.values.slice();
  }

  /** The values as nested JS arrays (numbers; booleans for bool tensors); a scalar gives a number. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  toArray(): any {
    if (this.values === null) throw this.traceError('toArray');
    const s = this.values;
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
    if (this.values === null) throw this.traceError('item');
    if (this.size !== 1) {
      throw new ArgumentError(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements; item() needs exactly one`);
    }
    return this.storage[0]!;
  }

  /** A readable rendering: values, shape and dtype. */
  toString(): string {
    if (this.values === null) return `Traced<${this.placeholder!.describe()}>`;
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
