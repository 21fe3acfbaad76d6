// The functional API's graph: symbolic tensors (Keras's KerasTensor) and the
// nodes that record which layer made them from which inputs.
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import type { SymbolicShape } from './layer.js';

/** One call of a layer on symbolic tensors: the layer, its inputs (one tensor, or an array for a multi-input call) and its output. */
export interface LayerNode {
  /** The layer called (an InputLayer for a model input). */
  readonly layer: { readonly name: string; readonly className: string };
  /** The symbolic inputs, in call order (none for an InputLayer). */
  readonly inputs: readonly SymbolicTensor[];
  /** True when the layer was called with an array (merge layers), false with one tensor. */
  readonly multi: boolean;
  /** Which call of the layer this is (0 for the first; a shared layer has several). */
  readonly index: number;
}

/**
 * A placeholder for a batch of values in a functional model (Keras's
 * KerasTensor): its shape (batch dimension first, null), dtype, a name, and
 * the node (layer call) that made it. Made by nb.input and by calling a layer
 * on symbolic tensors: `const h = dense.apply(x)`. It holds no values.
 */
export class SymbolicTensor {
  constructor(
    /** The shape, batch dimension first (null where unknown). */
    readonly shape: SymbolicShape,
    /** The dtype of its values. */
    readonly dtype: 'float32' | 'float64' | 'int32',
    /** A name: the layer's, for a layer output ('dense_1'). */
    readonly name: string,
    /** The layer call that made it. */
    readonly node: LayerNode,
  ) {}

  /** The number of axes, batch included. */
  get rank(): number {
    return this.shape.length;
  }

  /** A description for messages: `'dense_1' [null,64]`. */
  toString(): string {
    return `SymbolicTensor '${this.name}' [${this.shape.map((d) => d ?? 'null').join(',')}]`;
  }
}

/** True for a symbolic tensor, or an array holding one. */
export function isSymbolic(x: unknown): x is SymbolicTensor | SymbolicTensor[] {
  if (x instanceof SymbolicTensor) return true;
  return Array.isArray(x) && x.some((t) => t instanceof SymbolicTensor);
}

/** x as a list of symbolic tensors, every one checked (op names the caller in errors). */
export function symbolicList(op: string, what: string, x: unknown): SymbolicTensor[] {
  const list = Array.isArray(x) ? x : [x];
  list.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      const at = Array.isArray(x) ? `${what}[${i}]` : what;
      throw new ArgumentError(
        `${op}: ${at} must be a symbolic tensor (from nb.input or a layer called on one), got ${describe(t)}; a functional model is built from symbolic tensors, not values`,
      );
    }
  });
  return list as SymbolicTensor[];
}
