// Tracing for nb.jit: the function runs once on placeholders of the
// arguments' concrete shapes, and the ProgramBuilder of nb.trace records its
// primitives; this builder also keeps the Variable objects behind the named
// inputs and assignments (a plan reads and writes them on every call), and
// turns random draws (dropout) into inputs drawn again on every call.
import { tapeState } from '../autograd/tape.js';
import { ProgramBuilder } from '../trace/builder.js';
import { isPlainObject, mapOutputs } from '../trace/trace.js';
import type { Equation, ProgramConstant, ProgramVar } from '../trace/program.js';
import { type Tensor, isTensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';

/** A random input: its program variable and how to draw its values again. */
export interface RandomInput {
  readonly var: ProgramVar;
  readonly redraw: () => Tensor;
  /** The values drawn while tracing: the first call's (the stream has advanced past them). */
  readonly first: Tensor;
}

/** What one trace of a jitted function gives the compiler. */
export interface Captured {
  /** The tensor arguments, in tree order. */
  readonly inputs: readonly ProgramVar[];
  /** Random values the function drew, in the order it drew them. */
  readonly randoms: readonly RandomInput[];
  /** Model variables read: their value at the call is this input. */
  readonly params: readonly { variable: Variable; var: ProgramVar }[];
  readonly constants: readonly ProgramConstant[];
  readonly equations: readonly Equation[];
  readonly outputs: readonly ProgramVar[];
  /** The result's structure, each output tensor replaced by { output: index }. */
  readonly outputTree: unknown;
  /** Variables the function assigned, with their new value. */
  readonly updates: readonly { variable: Variable; value: ProgramVar }[];
}

class JitBuilder extends ProgramBuilder {
  readonly randoms: RandomInput[] = [];
  readonly paramVars: { variable: Variable; id: number }[] = [];
  readonly byId = new Map<number, ProgramVar>();
  private drawn = 0;

  constructor() {
    super({});
  }

  override read(v: Variable): Tensor {
    const fresh = !this.valueOf.has(v);
    const t = super.read(v);
    if (fresh && t.placeholder !== null) this.paramVars.push({ variable: v, id: t.placeholder.id });
    return t;
  }

  random(value: Tensor, redraw: () => Tensor): Tensor {
    const t = this.placeholder(value.shape, value.dtype, 'intermediate', `rand${this.drawn++}`, 'random values');
    this.randoms.push({ var: this.output(t), redraw, first: value });
    return t;
  }
}

/** Runs f once on placeholders for the tensors of args and records what it computes. */
export function capture(f: (...args: unknown[]) => unknown, args: readonly unknown[]): Captured {
  const builder = new JitBuilder();
  const toPlaceholders = (t: unknown, path: string): unknown => {
    if (t instanceof Variable) return t;
    if (isTensor(t)) return builder.placeholder(t.shape, t.dtype, 'input', path);
    if (Array.isArray(t)) return t.map((c, i) => toPlaceholders(c, `${path}${i}`));
    if (isPlainObject(t)) return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, toPlaceholders(v, `${path}.${k}`)]));
    return t;
  };
  tapeState.tracer = builder;
  try {
    const placeholders = args.map((a, i) => toPlaceholders(a, `x${i}`));
    const result = f(...placeholders);
    const outputs: ProgramVar[] = [];
    const outputTree = mapOutputs(
      result,
      (t) => {
        outputs.push(builder.output(t));
        return outputs.length - 1;
      },
      'jit',
    );
    const updates: { variable: Variable; value: ProgramVar }[] = [];
    const start = new Map(builder.paramVars.map((p) => [p.variable, p.id]));
    for (const [v, t] of builder.valueOf) {
      const id = start.get(v);
      const same = id !== undefined ? t.placeholder !== null && t.placeholder.id === id : t.placeholder === null && t.storage === v.concrete.storage;
      if (!same) updates.push({ variable: v, value: builder.output(t) });
    }
    const vars = new Map<number, ProgramVar>();
    for (const e of builder.equations) for (const v of [...e.inputs, ...e.outputs]) vars.set(v.id, v);
    for (const v of [...builder.inputs, ...outputs]) vars.set(v.id, v);
    for (const p of builder.params) vars.set(p.var.id, p.var);
    return {
      inputs: builder.inputs,
      randoms: builder.randoms,
      params: builder.paramVars.map((p) => ({ variable: p.variable, var: vars.get(p.id) ?? builder.params.find((q) => q.var.id === p.id)!.var })),
      constants: builder.constants,
      equations: builder.equations,
      outputs,
      outputTree,
      updates,
    };
  } finally {
    tapeState.tracer = null;
  }
}
