// A program: what nb.trace returns. Plain typed data that other code walks
// (the printer, and later the compiler, the explainer, the ONNX writer and
// the playground's drawings), like a JAX jaxpr: inputs, equations, outputs.
import type { DType } from '../core/dtype.js';
import type { AnyPrim, MultiPrimAttrs, PrimAttrs } from '../ops/prim.js';
import type { Tensor } from '../tensor/tensor.js';
import { formatProgram } from './print.js';

/** A dimension: a number, or a symbolic size such as 'm' (the batch), '2m' or 'm·t'. */
export type Dim = number | string;

/** What a variable of a program is. */
export type VarKind = 'input' | 'param' | 'constant' | 'intermediate';

/** A value of a program: its name, shape and dtype. */
export interface ProgramVar {
  /** Unique within the program. */
  readonly id: number;
  /** The name printed: an input's (a spec's name, a tree path), a model variable's ('dense_1.kernel'), or a, b, c, ... */
  readonly name: string;
  /** The shape, with symbolic dimensions as strings. */
  readonly shape: readonly Dim[];
  /** The shape with each symbol's stand-in size (what the placeholders carried while tracing). */
  readonly standIn: readonly number[];
  readonly dtype: DType;
  readonly kind: VarKind;
}

/** One primitive application: `outputs = prim[attrs](inputs)`. */
export interface Equation<P extends AnyPrim = AnyPrim> {
  readonly prim: P;
  readonly inputs: readonly ProgramVar[];
  readonly outputs: readonly ProgramVar[];
  /** The primitive's attributes as the op table has them (concrete numbers: see Program.dim). */
  readonly attrs: (PrimAttrs & MultiPrimAttrs)[P];
}

/**
 * A constant a program reads: a value the function computed from no input,
 * or a literal. A whole-number scalar that is a multiple of a symbol's
 * stand-in is a size computed from a symbolic shape (the m that a mean
 * divides by): Program.symbolicConstant tells, and the listing prints it as 'm'.
 */
export interface ProgramConstant {
  readonly var: ProgramVar;
  readonly value: Tensor;
}

/** A model variable the program reads (a named input) and, when the function assigned it, its new value. */
export interface ProgramParam {
  /** The variable's own name ('dense_1/kernel'). */
  readonly variable: string;
  readonly var: ProgramVar;
}

/** A variable the function assigned (batch-norm statistics, an optimiser's slots): its new value is an output. */
export interface ProgramUpdate {
  readonly variable: string;
  readonly value: ProgramVar;
}

/**
 * A named computation the function ran (`scoped` in autograd/tape.ts): a
 * composite op (relu, mean, clip, conv2d), a layer's call or a loss. Its
 * equations are `equations[start..end)`; calls nest (depth 0 is outermost),
 * and are listed by start, outer before inner.
 */
export interface ProgramCall {
  readonly op: string;
  readonly kind: 'op' | 'layer' | 'loss' | 'step';
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Its arguments: a program variable, a number, or null for another value. */
  readonly inputs: readonly (ProgramVar | number | null)[];
  readonly outputs: readonly ProgramVar[];
  readonly start: number;
  readonly end: number;
  readonly depth: number;
}

/** The pieces of a Program. */
export interface ProgramData {
  readonly name: string;
  readonly inputs: readonly ProgramVar[];
  readonly params: readonly ProgramParam[];
  readonly constants: readonly ProgramConstant[];
  readonly equations: readonly Equation[];
  readonly outputs: readonly ProgramVar[];
  /** The structure of the function's result, each output tensor replaced by { output: its index in `outputs` } (other values kept). */
  readonly outputTree: unknown;
  readonly updates: readonly ProgramUpdate[];
  /** Each symbolic dimension's name and the stand-in size it had while tracing (a prime). */
  readonly symbols: Readonly<Record<string, number>>;
  /** The named computations (composite ops, layers, losses) and the equations each spans. */
  readonly calls: readonly ProgramCall[];
}

// The class carries ProgramData's fields (declaration merging), assigned from the data it is made of.
export interface Program extends ProgramData {}
/**
 * A traced function: its inputs (placeholders or the shapes of the tensors
 * it was given), the model variables it reads (named inputs), constants,
 * equations in order, outputs, and the variables it assigns. Print it with
 * `toString()`.
 */
export class Program {
  /** @internal Made by nb.trace (and runProgram's callers) from the builder's data. */
  constructor(data: ProgramData) {
    Object.assign(this, data);
  }

  /** A size as the program means it: a number, or symbolic ('m', '2m') when it is a multiple of a symbol's stand-in. */
  dim(n: number): Dim {
    return symbolicDim(n, this.symbols);
  }

  /** The symbolic size a scalar constant stands for ('m', '2m'), or null for an ordinary constant. */
  symbolicConstant(c: ProgramConstant): string | null {
    if (c.value.rank !== 0) return null;
    const x = c.value.item();
    if (!Number.isInteger(x) || x <= 0) return null;
    const d = this.dim(x);
    return typeof d === 'string' ? d : null;
  }

  /** How many times each primitive occurs: { matmul: 3, ... }. */
  count(): Record<string, number> {
    const c: Record<string, number> = {};
    for (const e of this.equations) c[e.prim] = (c[e.prim] ?? 0) + 1;
    return c;
  }

  /** A readable listing, one equation a line: `c: f32[m,64] = matmul a:f32[m,64] W1:f32[64,64]`. */
  toString(): string {
    return formatProgram(this);
  }

  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * n as rest · Π stand-ins: the symbols whose stand-in sizes divide it (a
 * symbol as often as its stand-in does) and the factor left. With m = 4099,
 * 8198 → { rest: 2, names: ['m'] }.
 */
export function factorSymbols(n: number, symbols: Readonly<Record<string, number>>): { rest: number; names: string[] } {
  let rest = n;
  const names: string[] = [];
  if (n === 0) return { rest, names };
  for (const [name, p] of Object.entries(symbols)) {
    while (rest % p === 0) {
      names.push(name);
      rest /= p;
    }
  }
  return { rest, names };
}

/**
 * n written with the symbols whose stand-in sizes divide it: with m = 4099,
 * 4099 → 'm', 8198 → '2m', 4099·4111 → 'm·t'; other sizes stay numbers.
 */
export function symbolicDim(n: number, symbols: Readonly<Record<string, number>>): Dim {
  const { rest, names } = factorSymbols(n, symbols);
  if (names.length === 0) return n;
  return (rest === 1 ? '' : `${rest}`) + names.join('·');
}
