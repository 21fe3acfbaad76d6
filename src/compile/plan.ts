// A plan: a traced, optimised function laid out for replay. Every value has a
// slot (a typed array); each equation is one closure that reads its input
// slots and writes its output slot with the primitive's kernel, without the
// shape rules, the op wrappers, the tape or a Tensor per value. Reshapes and
// identities share their input's slot.
import type { TypedArray } from '../core/dtype.js';
import type { MultiPrim, MultiPrimAttrs, MultiPrimDef, Prim, PrimAttrs, PrimDef } from '../ops/prim.js';
import { multiOutputPrimitives, primitives } from '../ops/primitives.js';
import { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import type { ProgramVar } from '../trace/program.js';
import type { Captured } from './capture.js';
import type { Graph, Node } from './optimize.js';

/** A placeholder-like marker for the reusable operand tensors of a plan (never seen by a tracer). */
const OPERAND = { owner: {}, id: -1, describe: () => 'an operand of a jit plan' };

/** A reusable Tensor whose storage a step points at its input slot before the kernel runs. */
function operand(v: ProgramVar): { t: Tensor; set(a: TypedArray): void } {
  const t = new Tensor(null, v.standIn, v.dtype, OPERAND);
  const w = t as unknown as { values: TypedArray | null };
  return {
    t,
    set(a) {
      w.values = a;
    },
  };
}

/** The values of one call of a plan. */
export interface PlanResult {
  /** The function's result, tensors in place of { output: i }. */
  readonly result: unknown;
  /** The assigned variables' new values. */
  readonly updates: readonly { variable: Variable; value: Tensor }[];
}

/** A compiled signature of a jitted function: run it with the call's tensors. */
export class Plan {
  private readonly vals: (TypedArray | null)[];
  private readonly steps: (() => void)[] = [];
  private readonly inputSlots: number[];
  private readonly paramSlots: { variable: Variable; slot: number }[];
  private readonly randomSlots: { redraw: () => Tensor; slot: number }[];
  private readonly outSlots: { slot: number; shape: readonly number[] }[];
  private readonly updateSlots: { variable: Variable; slot: number; shape: readonly number[] }[];
  private readonly constantSlots: Set<number>;
  /** The random values drawn while tracing, used by the first run (then null): the stream advanced once, as in eager execution. */
  private traceDraws: Tensor[] | null;
  /** The graph's nodes, in replay order (a caller may adjust numeric attributes between calls: see fit's Adam steps). */
  readonly nodes: readonly Node[];

  constructor(
    private readonly captured: Captured,
    readonly graph: Graph,
  ) {
    this.nodes = graph.nodes;
    const slotOf = new Map<ProgramVar, number>();
    let n = 0;
    const slot = (v: ProgramVar): number => {
      let s = slotOf.get(v);
      if (s === undefined) slotOf.set(v, (s = n++));
      return s;
    };
    this.inputSlots = captured.inputs.map(slot);
    this.paramSlots = captured.params.map((p) => ({ variable: p.variable, slot: slot(p.var) }));
    this.randomSlots = captured.randoms.map((r) => ({ redraw: r.redraw, slot: slot(r.var) }));
    this.traceDraws = captured.randoms.length > 0 ? captured.randoms.map((r) => r.first) : null;
    const constantSlots: [number, TypedArray][] = [];
    for (const [v, t] of graph.constants) constantSlots.push([slot(v), t.storage]);
    for (const node of graph.nodes) {
      if (node.prim === 'reshape' || node.prim === 'identity') {
        slotOf.set(node.outputs[0]!, slot(node.inputs[0]!)); // the same storage, another shape
        continue;
      }
      this.steps.push(this.step(node, slot));
    }
    this.outSlots = graph.outputs.map((v) => ({ slot: slot(v), shape: v.standIn }));
    this.updateSlots = captured.updates.map((u, i) => ({ variable: u.variable, slot: slot(graph.updates[i]!), shape: u.value.standIn }));
    this.vals = new Array<TypedArray | null>(n).fill(null);
    for (const [s, a] of constantSlots) this.vals[s] = a;
    this.constantSlots = new Set(constantSlots.map(([s]) => s));
  }

  /** The closure of one equation. */
  private step(node: Node, slot: (v: ProgramVar) => number): () => void {
    const vals = () => this.vals;
    const ins = node.inputs.map((v) => ({ slot: slot(v), op: operand(v) }));
    const args = ins.map((i) => i.op.t);
    const outs = node.outputs.map(slot);
    const avals = node.outputs.map((v) => ({ shape: v.standIn, dtype: v.dtype }));
    const attrs = node.attrs;
    if (node.prim in multiOutputPrimitives) {
      const def = multiOutputPrimitives[node.prim as MultiPrim] as MultiPrimDef<MultiPrim>;
      return () => {
        const v = vals();
        for (const i of ins) i.op.set(v[i.slot]!);
        const r = def.forward(args, attrs as MultiPrimAttrs[MultiPrim], avals);
        for (let k = 0; k < outs.length; k++) v[outs[k]!] = r[k]!.storage;
      };
    }
    const def = primitives[node.prim as Prim] as PrimDef<Prim>;
    const out = outs[0]!,
      aval = avals[0]!;
    return () => {
      const v = vals();
      for (const i of ins) i.op.set(v[i.slot]!);
      v[out] = def.forward(args, attrs as PrimAttrs[Prim], aval).storage;
    };
  }

  /** Runs the plan on the call's tensors (in the order of the trace's inputs). */
  run(inputs: readonly Tensor[]): PlanResult {
    const v = this.vals;
    try {
      for (let i = 0; i < this.inputSlots.length; i++) v[this.inputSlots[i]!] = inputs[i]!.storage;
      for (const p of this.paramSlots) v[p.slot] = p.variable.value.storage;
      const drawn = this.traceDraws;
      this.traceDraws = null;
      this.randomSlots.forEach((r, i) => (v[r.slot] = (drawn ? drawn[i]! : r.redraw()).storage));
      for (const s of this.steps) s();
      const outs = this.outSlots.map((o) => new Tensor(v[o.slot]!, o.shape));
      const updates = this.updateSlots.map((u) => ({ variable: u.variable, value: new Tensor(v[u.slot]!, u.shape) }));
      return { result: rebuild(this.captured.outputTree, outs), updates };
    } finally {
      // drop the call's arrays (constants stay): nothing of one call is kept alive by the plan
      for (let i = 0; i < v.length; i++) if (!this.constantSlots.has(i)) v[i] = null;
    }
  }
}

/** The result tree with each { output: i } replaced by outs[i]. */
export function rebuild(tree: unknown, outs: readonly Tensor[]): unknown {
  const isRef = (t: unknown): t is { output: number } =>
    t !== null && typeof t === 'object' && !Array.isArray(t) && Object.keys(t).length === 1 && typeof (t as { output?: unknown }).output === 'number';
  const build = (t: unknown): unknown =>
    isRef(t)
      ? outs[t.output]
      : Array.isArray(t)
        ? t.map(build)
        : t !== null && typeof t === 'object'
          ? Object.fromEntries(Object.entries(t).map(([k, c]) => [k, build(c)]))
          : t;
  return build(tree);
}
