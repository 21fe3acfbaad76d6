// The tape: what autodiff records while a transform traces a function, and
// the one seam (`record`, called by ops/prim.ts `apply`) through which both
// gradient recording and full tracing (src/trace) pass. This file imports no
// runtime code, so the tensor layer may use it: it sits beside tensor/,
// below the ops; the transforms (grad ... hvp) sit above the ops, in
// autograd/transforms.ts, and the engine in autograd/engine.ts.
import type { MultiPrim, MultiPrimAttrs, Prim, PrimAttrs } from '../ops/prim.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';

/**
 * One recorded application of primitive P: the autodiff graph is these nodes,
 * linked through their input tensors. Node ids grow monotonically, so a node
 * can only depend on nodes with smaller ids.
 */
export interface Node<P extends Prim = Prim> {
  readonly id: number;
  /** The primitive, a key of the op table. */
  readonly prim: P;
  readonly inputs: readonly Tensor[];
  readonly attrs: PrimAttrs[P];
  /** The tensor this node produced (its value is used by many backward rules). */
  output: Tensor;
}

/**
 * What src/trace installs while `nb.trace` runs a function: it turns
 * primitive applications on placeholders into equations of a program, and
 * owns the values of variables for the duration (reads become named inputs,
 * assignments become outputs), so the model is left as it was.
 */
export interface Tracer {
  /** True when `inputs` or the output shape involve the trace (a placeholder, or a symbolic dimension). */
  involves(inputs: readonly Tensor[], shape: readonly number[]): boolean;
  /** Records `prim` applied to `inputs` and returns a placeholder for its output. */
  bind<P extends Prim>(prim: P, inputs: readonly Tensor[], attrs: PrimAttrs[P], out: { shape: readonly number[]; dtype: Tensor['dtype'] }): Tensor;
  /** The same for a primitive with several outputs. */
  bindMulti<P extends MultiPrim>(
    prim: P,
    inputs: readonly Tensor[],
    attrs: MultiPrimAttrs[P],
    outs: readonly { shape: readonly number[]; dtype: Tensor['dtype'] }[],
  ): Tensor[];
  /** A tensor of `shape` (which holds a symbolic dimension) filled with `value`. */
  fill(value: number, shape: readonly number[], dtype: Tensor['dtype']): Tensor;
  /** True for a shape with a symbolic dimension. */
  isSymbolic(shape: readonly number[]): boolean;
  /** A variable's value in the traced function. */
  read(v: Variable): Tensor;
  /** A variable's new value in the traced function. */
  write(v: Variable, value: Tensor): void;
  /** A named computation (a composite op, a layer, a loss) starts: its equations until `exit` are one call of the program. */
  enter(scope: Scope): void;
  /** The innermost named computation ended with `outputs` (or threw: `outputs` is null). */
  exit(outputs: readonly Tensor[] | null): void;
  /**
   * Optional: random values were drawn while tracing (`value`, drawn now); `redraw` draws the
   * next ones the same way. nb.jit makes them an input drawn again on every call; without the
   * method they are a constant of the program.
   */
  random?(value: Tensor, redraw: () => Tensor): Tensor;
}

/** What a named computation is: a composite op (relu = where(x ≤ 0, 0, x)), a layer's call, a loss, or one time step of a recurrent layer. */
export type ScopeKind = 'op' | 'layer' | 'loss' | 'step';

/** A named computation as `scoped` announces it to the tracer. */
export interface Scope {
  /** The op's, loss's or layer class's name: 'relu', 'binaryCrossentropy', 'Dense'. */
  readonly op: string;
  readonly kind: ScopeKind;
  /** Its arguments as given (tensors, numbers, ...). */
  readonly inputs: readonly unknown[];
  /** Its options worth printing ({ alpha: 0.2 }, a layer's { name, activation }). */
  readonly attrs: Readonly<Record<string, unknown>>;
}

/**
 * Global state. `depth` counts the transforms (grad, vjp, ...) whose function
 * is being traced; operations record nodes only while depth > 0, outside
 * noGrad, and when an input is itself traced. At depth 0 nothing is recorded,
 * so top-level code never holds a graph. `tracer` is set while nb.trace runs.
 */
export const tapeState: { depth: number; noGrad: number; nextId: number; tracer: Tracer | null } = { depth: 0, noGrad: 0, nextId: 1, tracer: null };

/** True when an op on `inputs` must be recorded. */
export function shouldRecord(inputs: readonly Tensor[]): boolean {
  if (tapeState.depth === 0 || tapeState.noGrad > 0) return false;
  for (const t of inputs) if (t.node !== null) return true;
  return false;
}

/** A fresh node id. */
export function nextNodeId(): number {
  return tapeState.nextId++;
}

/** Records the node of `out = prim(inputs)` when an enclosing transform needs it. */
export function record<P extends Prim>(prim: P, inputs: readonly Tensor[], attrs: PrimAttrs[P], out: Tensor): void {
  if ((out.dtype === 'float32' || out.dtype === 'float64') && shouldRecord(inputs)) {
    out.node = { id: nextNodeId(), prim, inputs, attrs, output: out } as Node<Prim>;
  }
}

/**
 * Runs `fn` without recording anything for autodiff (nb.noGrad validates its
 * argument and calls this). nb.trace still sees the computation: it is part
 * of the program.
 */
export function withoutRecording<T>(fn: () => T): T {
  tapeState.noGrad++;
  try {
    return fn();
  } finally {
    tapeState.noGrad--;
  }
}

/**
 * Runs `fn`, a named computation (a composite op built from primitives, a
 * layer's call or a loss), as one call of the program when nb.trace is
 * running, so that programs can be read (and explained) at the level of
 * relu and dense layers rather than of compare and where. Outside nb.trace
 * it is `fn()`.
 */
export function scoped<T extends Tensor | readonly Tensor[]>(
  op: string,
  kind: ScopeKind,
  inputs: readonly unknown[],
  attrs: Readonly<Record<string, unknown>>,
  fn: () => T,
): T {
  const tracer = tapeState.tracer;
  if (tracer === null) return fn();
  tracer.enter({ op, kind, inputs, attrs });
  let out: T;
  try {
    out = fn();
  } catch (e) {
    tracer.exit(null);
    throw e;
  }
  tracer.exit(Array.isArray(out) ? (out as readonly Tensor[]) : [out as Tensor]);
  return out;
}
