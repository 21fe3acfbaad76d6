// Running a program on data: an interpreter that applies each equation's
// primitive in order. It proves a traced program computes what the function
// does, for any size of its symbolic dimensions (the compiler of a later
// issue replaces it with a planned, fused replay).
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { apply, applyMulti, type MultiPrim, type MultiPrimAttrs, type Prim, type PrimAttrs } from '../ops/prim.js';
import { multiOutputPrimitives } from '../ops/primitives.js';
import { scalar } from '../tensor/create.js';
import { type Tensor, isTensor } from '../tensor/tensor.js';
import { factorSymbols, type Equation, type Program, type ProgramVar } from './program.js';

/**
 * The program's outputs (in the structure the traced function returned) for
 * `inputs` (tensors in the order of program.inputs) and `params` (each named
 * input's value by variable name; by default the value the variable had when
 * traced is not kept, so give them: `Object.fromEntries(model.namedParameters()
 * .map(([n, v]) => [n, v.value]))`). Symbolic sizes take the sizes of the
 * inputs given.
 */
export function runProgram(
  program: Program,
  inputs: readonly Tensor[],
  params: Readonly<Record<string, Tensor>> = {},
): { outputs: unknown; updates: Record<string, Tensor> } {
  if (!Array.isArray(inputs) || inputs.length !== program.inputs.length) {
    throw new ArgumentError(
      `runProgram: the program takes ${program.inputs.length} input(s) (${program.inputs.map((v) => v.name).join(', ')}), got ${Array.isArray(inputs) ? inputs.length : 'no array'}`,
    );
  }
  // each symbol's size, from the inputs' shapes
  const size: Record<string, number> = {};
  const symbolOf = new Map(Object.entries(program.symbols).map(([name, p]) => [p, name]));
  const env = new Map<ProgramVar, Tensor>();
  program.inputs.forEach((v, i) => {
    const t = inputs[i]!;
    if (!isTensor(t)) throw new ArgumentError(`runProgram: input ${v.name} must be a Tensor`);
    if (t.rank !== v.standIn.length) throw new ShapeError(`runProgram: input ${v.name} has type ${formatShape(v.standIn)}; got shape ${formatShape(t.shape)}`);
    v.standIn.forEach((d, k) => {
      const name = symbolOf.get(d);
      if (name !== undefined) {
        if (size[name] !== undefined && size[name] !== t.shape[k])
          throw new ShapeError(`runProgram: symbolic dimension ${name} is ${size[name]} in one input and ${t.shape[k]} in ${v.name}`);
        size[name] = t.shape[k]!;
      } else if (d !== t.shape[k]) throw new ShapeError(`runProgram: input ${v.name} must have shape [${v.shape.join(',')}], got ${formatShape(t.shape)}`);
    });
    env.set(v, t);
  });
  const interp = new Interpreter(program, size);
  for (const q of program.params) {
    const t = params[q.variable];
    if (!isTensor(t)) throw new ArgumentError(`runProgram: give the value of variable '${q.variable}' in params`);
    env.set(q.var, t);
  }
  interp.run(0, program.equations.length, env);
  // an output (or update) may be a constant of the program (a function returning nb.tensor([1, 2]))
  const valueOf = (v: ProgramVar): Tensor => env.get(v) ?? interp.constant(v)!;
  const outs = program.outputs.map(valueOf);
  const isRef = (t: unknown): t is { output: number } =>
    t !== null && typeof t === 'object' && !Array.isArray(t) && Object.keys(t).length === 1 && typeof (t as { output?: unknown }).output === 'number';
  const build = (t: unknown): unknown =>
    isRef(t)
      ? outs[t.output]
      : Array.isArray(t)
        ? t.map(build)
        : t !== null && typeof t === 'object'
          ? Object.fromEntries(Object.entries(t).map(([k, v]) => [k, build(v)]))
          : t;
  const updates: Record<string, Tensor> = {};
  for (const u of program.updates) updates[u.variable] = valueOf(u.value);
  return { outputs: build(program.outputTree), updates };
}

/**
 * Runs equations of a program on tensors, with the symbolic sizes at given
 * values (m = 32): what runProgram and the explainer's evaluation share.
 */
export class Interpreter {
  private readonly constantValues = new Map<ProgramVar, Tensor>();

  constructor(
    readonly program: Program,
    readonly size: Readonly<Record<string, number>>,
  ) {
    for (const c of program.constants) {
      const sym = program.symbolicConstant(c);
      this.constantValues.set(c.var, sym !== null ? scalar(this.resize(c.value.item()), c.value.dtype) : c.value);
    }
  }

  /** A size of the program (k·m as a stand-in product) at these sizes. */
  resize(n: number): number {
    const { rest, names } = factorSymbols(n, this.program.symbols);
    return names.reduce((out, name) => out * (this.size[name] ?? this.program.symbols[name]!), rest);
  }

  /** Attributes with their sizes resized. */
  resizeAttrs(a: unknown): unknown {
    if (typeof a === 'number') return Number.isInteger(a) ? this.resize(a) : a;
    if (Array.isArray(a)) return a.map((x) => this.resizeAttrs(x));
    if (a !== null && typeof a === 'object') return Object.fromEntries(Object.entries(a).map(([k, x]) => [k, this.resizeAttrs(x)]));
    return a;
  }

  /** A constant's value (a size computed from a symbolic shape at these sizes). */
  constant(v: ProgramVar): Tensor | undefined {
    return this.constantValues.get(v);
  }

  /** Applies one equation, reading its inputs from env (or the constants), writing its outputs there. */
  apply(e: Equation, env: Map<ProgramVar, Tensor>): void {
    const args = e.inputs.map((v) => {
      const t = env.get(v) ?? this.constantValues.get(v);
      if (t === undefined) throw new ArgumentError(`runProgram: no value for ${v.name} (${e.prim} reads it)`);
      return t;
    });
    if (e.prim in multiOutputPrimitives) {
      const outs = applyMulti(e.prim as MultiPrim, args, this.resizeAttrs(e.attrs) as MultiPrimAttrs[MultiPrim]);
      e.outputs.forEach((v, i) => env.set(v, outs[i]!));
    } else {
      env.set(e.outputs[0]!, apply(e.prim as Prim, args, this.resizeAttrs(e.attrs) as PrimAttrs[Prim]));
    }
  }

  /** Applies equations[start..end) in order. */
  run(start: number, end: number, env: Map<ProgramVar, Tensor>): void {
    for (let i = start; i < end; i++) this.apply(this.program.equations[i]!, env);
  }
}
