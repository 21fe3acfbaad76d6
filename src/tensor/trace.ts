import type { Tensor } from './tensor.js';

/**
 * One recorded application of a primitive: the autodiff graph is these nodes,
 * linked through their input tensors. Node ids grow monotonically, so a node
 * can only depend on nodes with smaller ids.
 */
export interface Node {
  readonly id: number;
  /** The primitive's name in the op table. */
  readonly prim: string;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  /** The tensor this node produced (its value is used by many backward rules). */
  output: Tensor;
}

/**
 * Global tracing state. `depth` counts the transforms (grad, vjp, ...) whose
 * function is being traced; operations record nodes only while depth > 0,
 * outside noGrad, and when an input is itself traced. At depth 0 nothing is
 * recorded, so top-level code never holds a graph.
 */
export const traceState = { depth: 0, noGrad: 0, nextId: 1 };

/** True when an op on `inputs` must be recorded. */
export function shouldRecord(inputs: readonly Tensor[]): boolean {
  if (traceState.depth === 0 || traceState.noGrad > 0) return false;
  for (const t of inputs) if (t.node !== null) return true;
  return false;
}

/** A fresh node id. */
export function nextNodeId(): number {
  return traceState.nextId++;
}
