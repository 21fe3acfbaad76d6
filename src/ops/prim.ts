import type { AdamStep, CompareOp, FusedActivation, Window2D } from '../backend/kernels.js';
import type { DType } from '../core/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { record, tapeState } from '../autograd/tape.js';
import { multiOutputPrimitives, primitives } from './primitives.js';
import type { ElementwisePrimAttrs } from './prims/elementwise.js';
import type { ScanPrimAttrs } from './prims/scan.js';

type None = Record<string, never>;

/** What a shape rule sees of a tensor: its shape and dtype (a Tensor is one). */
export interface Aval {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Reduction attributes: sorted distinct axes, and whether they stay as size-1 dimensions. */
export interface ReduceAttrs {
  axes: number[];
  keepDims: boolean;
}

/**
 * Every primitive and the type of its attributes. A primitive is the unit of
 * differentiation: one forward kernel call and one backward rule.
 */
export interface PrimAttrs extends ElementwisePrimAttrs, ScanPrimAttrs {
  identity: None;
  cast: { dtype: DType };
  neg: None;
  exp: None;
  expm1: None;
  log: None;
  log1p: None;
  sqrt: None;
  abs: None;
  sign: None;
  sin: None;
  cos: None;
  tanh: None;
  erf: None;
  softmax: { axis: number };
  logSoftmax: { axis: number };
  biasActivation: { activation: FusedActivation };
  add: None;
  sub: None;
  mul: None;
  div: None;
  pow: None;
  maximum: None;
  minimum: None;
  compare: { op: CompareOp };
  where: None;
  sum: ReduceAttrs;
  max: ReduceAttrs;
  min: ReduceAttrs;
  argmax: { axis: number };
  argmin: { axis: number };
  matmul: { transA: boolean; transB: boolean };
  reshape: { shape: number[] };
  permute: { perm: number[] };
  broadcastTo: { shape: number[] };
  slice: { begin: number[]; size: number[] };
  pad: { paddings: [number, number][]; value: number };
  concat: { axis: number };
  gather: { axis: number };
  scatterAdd: { axis: number; dimSize: number };
  extractPatches: { win: Window2D; padValue: number };
  addPatches: { win: Window2D };
  extremumGrad: { axes: number[] };
}

/** The name of a primitive. */
export type Prim = keyof PrimAttrs;

/**
 * A primitive's definition: its shape rule (abstract evaluation: the output's
 * shape and dtype, and the shape errors, from the inputs' shapes and dtypes
 * alone), its forward computation (a backend kernel call on untraced values,
 * given the output's Aval that the rule computed) and its backward rule. The rule returns one cotangent per
 * input (null for none, or where `needs[i]` is false) and is written with the
 * public differentiable ops, so it is itself recorded when an outer transform
 * traces it: that is what makes higher-order derivatives work. Gradients may
 * come back at the broadcast (output) shape; the engine sums them back to
 * each input's shape.
 */
export interface PrimDef<P extends Prim> {
  /** Abstract evaluation: the output's shape and dtype from the inputs' (and the attributes); throws the primitive's shape/dtype errors. */
  shape(inputs: readonly Aval[], attrs: PrimAttrs[P]): Aval;
  /** The values: `out` is what `shape` returned for these inputs (already validated). */
  forward(inputs: readonly Tensor[], attrs: PrimAttrs[P], out: Aval): Tensor;
  backward(g: Tensor, inputs: readonly Tensor[], out: Tensor, attrs: PrimAttrs[P], needs: readonly boolean[]): readonly (Tensor | null)[];
}

/** The op table's type: the compiler rejects a primitive without a shape rule, a forward and a backward. */
export type PrimTable = { [P in Prim]: PrimDef<P> };

/**
 * Runs a primitive: the one seam through which every primitive application
 * passes. (1) Its shape rule checks the inputs and gives the output's shape
 * and dtype (the same rule abstract evaluation uses). (2) While nb.trace
 * runs a function, an application that involves the trace (a placeholder
 * input, a symbolic size, or a symbolic output shape) becomes an equation of
 * the program; otherwise the kernel computes the value. (3) When an
 * enclosing transform is differentiating one of the inputs, the tape records
 * the node its backward rule needs.
 */
export function apply<P extends Prim>(prim: P, inputs: readonly Tensor[], attrs: PrimAttrs[P]): Tensor {
  const def = primitives[prim] as PrimDef<P>;
  const aval = def.shape(inputs, attrs);
  const tracer = tapeState.tracer;
  const out = tracer?.involves(inputs, aval.shape) ? tracer.bind(prim, inputs, attrs, aval) : def.forward(inputs, attrs, aval);
  record(prim, inputs, attrs, out);
  return out;
}

/**
 * The primitives with several outputs and the types of their attributes.
 * They are not differentiated (an optimiser's update runs without recording),
 * but nb.trace records them like any other: a traced training step shows its
 * Adam update.
 */
export interface MultiPrimAttrs {
  /** One Adam step: (θ, g, m, v) → (θ', m', v'); see optim/adam.ts. */
  adamUpdate: AdamStep;
}

/** The name of a primitive with several outputs. */
export type MultiPrim = keyof MultiPrimAttrs;

/** Any primitive's name. */
export type AnyPrim = Prim | MultiPrim;

/** A primitive with several outputs: a shape rule giving each output's Aval, and the kernel call. */
export interface MultiPrimDef<P extends MultiPrim> {
  shape(inputs: readonly Aval[], attrs: MultiPrimAttrs[P]): Aval[];
  forward(inputs: readonly Tensor[], attrs: MultiPrimAttrs[P], out: readonly Aval[]): Tensor[];
}

/** The table of primitives with several outputs. */
export type MultiPrimTable = { [P in MultiPrim]: MultiPrimDef<P> };

/** Runs a primitive with several outputs (the seam of `apply`, without the tape: nothing differentiates through them). */
export function applyMulti<P extends MultiPrim>(prim: P, inputs: readonly Tensor[], attrs: MultiPrimAttrs[P]): Tensor[] {
  const def = multiOutputPrimitives[prim] as MultiPrimDef<P>;
  const avals = def.shape(inputs, attrs);
  const tracer = tapeState.tracer;
  if (tracer?.involves(inputs, avals[0]!.shape)) return tracer.bindMulti(prim, inputs, attrs, avals);
  return def.forward(inputs, attrs, avals);
}
