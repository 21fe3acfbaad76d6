// The trainable parameters of a model as one flat vector θ ∈ ℝᴾ: the space
// the landscape's directions, grid points and recorded paths live in.
import { ShapeError, ArgumentError } from '../core/errors.js';
import { describe } from '../core/describe.js';
import { formatShape, sameShape, type Shape } from '../core/shape.js';
import type { DType } from '../core/dtype.js';
import { isTensor, Tensor } from '../tensor/tensor.js';
import type { NamedTensors } from '../train/step.js';

/** The layout of named parameters in a flat vector: names in order, their shapes and offsets. */
export class ParamSpace {
  readonly names: readonly string[];
  readonly shapes: readonly Shape[];
  readonly dtypes: readonly DType[];
  readonly offsets: readonly number[];
  /** P, the total number of parameters. */
  readonly size: number;

  constructor(names: readonly string[], shapes: readonly Shape[], dtypes: readonly DType[]) {
    this.names = [...names];
    this.shapes = shapes.map((s) => Object.freeze([...s]));
    this.dtypes = [...dtypes];
    const offsets: number[] = [];
    let at = 0;
    for (const s of this.shapes) {
      offsets.push(at);
      at += s.reduce((a, b) => a * b, 1);
    }
    this.offsets = offsets;
    this.size = at;
  }

  /** The space of `params` in the order of `names`. */
  static of(names: readonly string[], params: NamedTensors): ParamSpace {
    return new ParamSpace(
      names,
      names.map((k) => params[k]!.shape),
      names.map((k) => params[k]!.dtype),
    );
  }

  /** The number of values of parameter i. */
  sizeOf(i: number): number {
    return (i + 1 < this.offsets.length ? this.offsets[i + 1]! : this.size) - this.offsets[i]!;
  }

  /**
   * The values of `params` as one flat Float64Array in this space's order,
   * checked: every name present, a tensor of the right shape (a ShapeError
   * naming the parameter and both shapes otherwise); no other names.
   */
  flatten(op: string, what: string, params: unknown): Float64Array {
    if (params === null || typeof params !== 'object' || Array.isArray(params) || isTensor(params)) {
      throw new ArgumentError(`${op}: ${what} must be an object of tensors by parameter name (${this.names.join(', ')}), got ${describe(params)}`);
    }
    const tree = params as Record<string, unknown>;
    const extra = Object.keys(tree).filter((k) => !this.names.includes(k));
    if (extra.length > 0)
      throw new ArgumentError(`${op}: ${what} names '${extra[0]}', which is not a trainable parameter of the model (${this.names.join(', ')})`);
    const out = new Float64Array(this.size);
    this.names.forEach((k, i) => {
      const t = Object.hasOwn(tree, k) ? tree[k] : undefined;
      if (!isTensor(t)) throw new ArgumentError(`${op}: ${what}['${k}'] must be a Tensor, got ${describe(t)}`);
      if (!sameShape(t.shape, this.shapes[i]!))
        throw new ShapeError(`${op}: ${what}['${k}'] has shape ${formatShape(t.shape)}, but the parameter '${k}' has shape ${formatShape(this.shapes[i]!)}`);
      out.set(t.storage, this.offsets[i]!);
    });
    return out;
  }

  /** The flat vector `v` as tensors by name (each in its parameter's dtype). */
  unflatten(v: Float64Array | Float32Array): NamedTensors {
    const out: NamedTensors = {};
    this.names.forEach((k, i) => {
      const part = v.subarray(this.offsets[i]!, this.offsets[i]! + this.sizeOf(i));
      out[k] = new Tensor(this.dtypes[i] === 'float64' ? Float64Array.from(part) : Float32Array.from(part), this.shapes[i]!);
    });
    return out;
  }

  /** `v` rounded in place to each parameter's dtype (float32 parameters get float32 values), so tensors made from it hold exactly `v`. */
  round(v: Float64Array): Float64Array {
    this.names.forEach((_, i) => {
      if (this.dtypes[i] === 'float64') return;
      const at = this.offsets[i]!,
        part = v.subarray(at, at + this.sizeOf(i));
      part.set(Float32Array.from(part));
    });
    return v;
  }

  /** True when `other` has the same shapes in the same order (whatever the names). */
  sameShapesAs(other: ParamSpace): boolean {
    return this.shapes.length === other.shapes.length && this.shapes.every((s, i) => sameShape(s, other.shapes[i]!));
  }

  /** True when `other` lays out the same names with the same shapes. */
  sameAs(other: ParamSpace): boolean {
    return this.names.length === other.names.length && this.names.every((k, i) => k === other.names[i] && sameShape(this.shapes[i]!, other.shapes[i]!));
  }
}

/** a·b */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** θ + Σ cₖ·dₖ as a new Float64Array. */
export function combine(theta: ArrayLike<number>, coeffs: readonly number[], dirs: readonly ArrayLike<number>[]): Float64Array {
  const out = Float64Array.from(theta);
  coeffs.forEach((c, k) => {
    if (c === 0) return;
    const d = dirs[k]!;
    for (let i = 0; i < out.length; i++) out[i]! += c * d[i]!;
  });
  return out;
}
