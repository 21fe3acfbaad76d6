// Merge layers (Keras's Add, Subtract, Multiply, Average, Maximum, Minimum,
// Concatenate, Dot): layers of several inputs, called with an array, the way
// a functional model joins its branches: `nb.layers.add().apply([x, h])`.
import { describe } from '../../core/describe.js';
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { add, div, maximum, minimum, mul, sub } from '../../ops/arithmetic.js';
import { l2Normalize } from '../../ops/activations.js';
import { matmul } from '../../ops/linalg.js';
import { sum } from '../../ops/reduce.js';
import { concat, expandDims, permute, squeeze } from '../../ops/shape.js';
import { Layer, registerLayer, type LayerArgs } from '../layer.js';
import { boolOption } from '../options.js';

/** The shapes of a list of tensors, for messages: [2,3] and [2,4]. */
const shapesOf = (xs: readonly Tensor[]) => xs.map((x) => formatShape(x.shape)).join(' and ');

/**
 * The base of the element-wise merge layers: checks that it is given an
 * array of at least two tensors whose shapes broadcast as Keras's merge
 * layers allow (aligned from the last axis, each size equal or 1), then
 * folds them with `merge`.
 */
export abstract class ElementwiseMerge extends Layer {
  /** The exact number of inputs the layer takes, or undefined for two or more. */
  protected readonly arity: number | undefined = undefined;

  /** Combines the checked inputs. */
  protected abstract merge(xs: Tensor[]): Tensor;

  call(x: Tensor | Tensor[]): Tensor {
    const xs = mergeInputs(this.name, x, this.arity);
    const rank = Math.max(...xs.map((t) => t.rank));
    for (let k = 1; k < rank; k++) {
      // axis k from the end (the batch axis, first, is checked by the op itself)
      const sizes = xs.map((t) => t.shape[t.rank - k]).filter((d): d is number => d !== undefined && d !== 1);
      if (sizes.some((d) => d !== sizes[0])) {
        throw new ShapeError(`${this.name}: inputs of shapes ${shapesOf(xs)} do not match (each size must be equal or 1, from the last axis)`);
      }
    }
    return this.merge(xs);
  }
}

/** The inputs of a merge layer: an array of at least two tensors (exactly `arity` when given). */
function mergeInputs(name: string, x: Tensor | Tensor[], arity?: number): Tensor[] {
  if (!Array.isArray(x)) throw new ArgumentError(`${name}: a merge layer takes an array of tensors, such as layer.apply([a, b]), got one tensor`);
  if (arity !== undefined && x.length !== arity) throw new ArgumentError(`${name}: takes exactly ${arity} inputs, got ${x.length}`);
  if (x.length < 2) throw new ArgumentError(`${name}: a merge layer takes at least 2 inputs, got ${x.length}`);
  return x;
}

/** The sum of its inputs, x₁ + x₂ + … (Keras's Add), as in a residual connection y = x + f(x). */
export class Add extends ElementwiseMerge {
  constructor(args: LayerArgs = {}) {
    super('Add', args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.reduce((a, b) => add(a, b));
  }
}

/** x₁ − x₂ (Keras's Subtract): exactly two inputs. */
export class Subtract extends ElementwiseMerge {
  protected override readonly arity = 2;
  constructor(args: LayerArgs = {}) {
    super('Subtract', args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return sub(xs[0]!, xs[1]!);
  }
}

/** The element-wise product x₁ ⊙ x₂ ⊙ … (Keras's Multiply). */
export class Multiply extends ElementwiseMerge {
  constructor(args: LayerArgs = {}) {
    super('Multiply', args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.reduce((a, b) => mul(a, b));
  }
}

/** The element-wise mean (x₁ + … + xₙ)/n (Keras's Average). */
export class Average extends ElementwiseMerge {
  constructor(args: LayerArgs = {}) {
    super('Average', args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return div(
      xs.reduce((a, b) => add(a, b)),
      xs.length,
    );
  }
}

/** The element-wise maximum (Keras's Maximum). */
export class Maximum extends ElementwiseMerge {
  constructor(args: LayerArgs = {}) {
    super('Maximum', args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.reduce((a, b) => maximum(a, b));
  }
}

/** The element-wise minimum (Keras's Minimum). */
export class Minimum extends ElementwiseMerge {
  constructor(args: LayerArgs = {}) {
    super('Minimum', args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.reduce((a, b) => minimum(a, b));
  }
}

/** Options of {@link Concatenate}. */
export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along (batch axis included in the count, so −1 is the last; not the batch axis). Default −1. */
  axis?: number;
}

/** Joins its inputs along `axis` (Keras's Concatenate): every other size must be equal. */
export class Concatenate extends Layer {
  readonly axis: number;
  constructor(args: ConcatenateArgs = {}) {
    super('Concatenate', args);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis) || axis === 0)
      throw new ArgumentError(`concatenate: axis must be a non-zero integer (not the batch axis 0), got ${describe(args.axis)}`);
    this.axis = axis;
  }
  call(x: Tensor | Tensor[]): Tensor {
    const xs = mergeInputs(this.name, x);
    const rank = xs[0]!.rank;
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    const fits = xs.every((t) => t.rank === rank && t.shape.every((d, i) => i === axis || i === 0 || d === xs[0]!.shape[i]));
    if (axis <= 0 || axis >= rank || !fits) {
      throw new ShapeError(`${this.name}: inputs of shapes ${shapesOf(xs)} cannot be joined along axis ${this.axis}: every size but that axis's must be equal`);
    }
    return concat(xs, axis);
  }
  override getConfig() {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/** Options of {@link Dot}. */
export interface DotArgs extends LayerArgs {
  /** The axis of each input to contract (one number for both, or one per input; batch axis counted, not contractable). */
  axes: number | [number, number];
  /** L2-normalise both inputs along the contracted axis first, so the result is the cosine similarity. Default false. */
  normalize?: boolean;
}

/**
 * The dot product of two inputs per example (Keras's Dot): for x [batch, n]
 * and y [batch, n] with axes 1, z[b] = Σᵢ x[b,i]·y[b,i], shape [batch, 1];
 * for rank-3 inputs a batched matrix product over the given axes, e.g. x
 * [batch, n, d], y [batch, m, d], axes 2: z [batch, n, m]. With `normalize`,
 * x and y are divided by their L2 norms along the axes first (cosine
 * similarity). Inputs of rank 2 or 3.
 */
export class Dot extends Layer {
  readonly axes: [number, number];
  readonly normalize: boolean;
  constructor(args: DotArgs) {
    super('Dot', args);
    if (args === null || typeof args !== 'object') throw new ArgumentError('dot: expected options { axes, normalize? }');
    const a = args.axes;
    const pair = typeof a === 'number' ? [a, a] : a;
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((d) => Number.isInteger(d) && d !== 0)) {
      throw new ArgumentError(`dot: axes must be a non-zero integer or a pair of them (the batch axis 0 cannot be contracted), got ${describe(a)}`);
    }
    this.axes = [pair[0]!, pair[1]!];
    this.normalize = args.normalize === undefined ? false : boolOption('dot', 'normalize', args.normalize);
  }
  call(x: Tensor | Tensor[]): Tensor {
    const [a, b] = mergeInputs(this.name, x, 2) as [Tensor, Tensor];
    if (a.rank < 2 || a.rank > 3 || b.rank < 2 || b.rank > 3) throw new ShapeError(`${this.name}: takes inputs of rank 2 or 3, got shapes ${shapesOf([a, b])}`);
    const ax = this.axes[0] < 0 ? a.rank + this.axes[0] : this.axes[0];
    const bx = this.axes[1] < 0 ? b.rank + this.axes[1] : this.axes[1];
    if (ax <= 0 || ax >= a.rank || bx <= 0 || bx >= b.rank || a.shape[ax] !== b.shape[bx]) {
      throw new ShapeError(
        `${this.name}: inputs of shapes ${shapesOf([a, b])} cannot be contracted over axes [${this.axes.join(',')}]: the sizes must be equal`,
      );
    }
    const an = this.normalize ? l2Normalize(a, ax) : a;
    const bn = this.normalize ? l2Normalize(b, bx) : b;
    if (a.rank === 2 && b.rank === 2) return sum(mul(an, bn), -1, true);
    // a' [batch, n, d] (contracted axis last), b' [batch, d, m] (contracted axis second): z = a'·b'
    const a3 = a.rank === 2 ? expandDims(an, 1) : ax === 2 ? an : permute(an, [0, 2, 1]);
    const b3 = b.rank === 2 ? expandDims(bn, 2) : bx === 1 ? bn : permute(bn, [0, 2, 1]);
    const z = matmul(a3, b3);
    if (a.rank === 2) return squeeze(z, 1);
    if (b.rank === 2) return squeeze(z, 2);
    return z;
  }
  override getConfig() {
    return { ...super.getConfig(), axes: this.axes, normalize: this.normalize };
  }
}

registerLayer('Add', (c) => new Add(c));
registerLayer('Subtract', (c) => new Subtract(c));
registerLayer('Multiply', (c) => new Multiply(c));
registerLayer('Average', (c) => new Average(c));
registerLayer('Maximum', (c) => new Maximum(c));
registerLayer('Minimum', (c) => new Minimum(c));
registerLayer('Concatenate', (c) => new Concatenate(c as ConcatenateArgs));
registerLayer('Dot', (c) => new Dot(c as unknown as DotArgs));
