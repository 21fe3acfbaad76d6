// A plan: a traced, optimised function laid out for replay. Every value has a
// slot (a typed array); each equation is one closure that reads its input
// slots and writes its output slot, without the shape rules, the op
// wrappers, the tape or a Tensor per value. Reshapes and identities share
// their input's slot.
//
// On the wasm backend (shared memory), the hot float32 kernels write into
// blocks of linear memory the plan allocated once (its memory plan: a block
// is reused by a later value once every reader of the earlier one has run),
// and read their operands in place: no heap block, finalizer or JS array per
// intermediate. Values that leave the plan (outputs, assigned variables) are
// copied out into fresh storage. Other primitives run their ordinary kernel.
import { sumIsFinite, type TypedArray } from '../core/dtype.js';
import { NablaError } from '../core/errors.js';
import { sizeOf } from '../core/shape.js';
import { planMemory, type Block, type KernelCall, type PlanMemory, type Stage } from '../backend/wasm/plan-exec.js';
import { replayOf, type Operand, type ReplayOp } from './replay.js';
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
function operand(v: ProgramVar): { t: Tensor } {
  return { t: new Tensor(null, v.standIn, v.dtype, OPERAND) };
}

/** The values of one call of a plan. */
export interface PlanResult {
  /** The function's result, tensors in place of { output: i } (null for a deferred output). */
  readonly result: unknown;
  /**
   * A deferred output's value (a fresh tensor), read on demand: until the
   * plan's next run, which reuses its storage (then it throws).
   */
  readonly later: (output: number) => Tensor;
  /**
   * @internal A deferred output's storage itself, not copied: the plan's own
   * block, valid until its next run (fit reads the loss and checks the new
   * weights in place, and copies what it keeps).
   */
  readonly peek: (output: number) => TypedArray;
  /** The assigned variables' new values. */
  readonly updates: readonly { variable: Variable; value: Tensor }[];
}

/** How a plan lays out its memory (tests and the report read it). */
export interface MemoryPlan {
  /** Equations run by kernels on planned blocks. */
  readonly planned: number;
  /** Equations run by their ordinary kernel (a fresh array each call). */
  readonly ordinary: number;
  /** Blocks the plan holds for its values, and their bytes (when built; small operands not in linear memory get a staging block on first use). */
  readonly blocks: number;
  readonly bytes: number;
  /** Bytes the planned values would take without reuse. */
  readonly unsharedBytes: number;
}

/** A compiled signature of a jitted function: run it with the call's tensors. */
export class Plan {
  private readonly vals: (TypedArray | null)[] = [];
  /** The equations as one sequence of kernel calls (see replay.ts). */
  private readonly replay: () => void;
  private readonly inputSlots: number[];
  private readonly paramSlots: { variable: Variable; slot: number }[];
  private readonly randomSlots: { redraw: () => Tensor; slot: number }[];
  private readonly outSlots: { slot: number; shape: readonly number[] }[];
  private readonly updateSlots: { variable: Variable; slot: number; shape: readonly number[] }[];
  private readonly constantSlots: Set<number>;
  /** Slots whose value is a planned block: copied out when they leave the plan. */
  private readonly plannedSlots = new Set<number>();
  /** The random values drawn while tracing, used by the first run (then null): the stream advanced once, as in eager execution. */
  private traceDraws: Tensor[] | null;
  private readonly mem: PlanMemory | null;
  private readonly held: Block[] = [];
  /** The entries' staging (see the constructor), and their addresses in the current run, by slot. */
  private readonly entries: { slot: number; stage: Stage }[] = [];
  private readonly addrs: number[] = [];
  /** The function's result from the outputs (see builder). */
  private readonly build: (outs: readonly (Tensor | null)[]) => unknown;
  /** The graph's nodes, in replay order (a caller may adjust numeric attributes between calls: see fit's Adam steps). */
  readonly nodes: readonly Node[];
  readonly memory: MemoryPlan;

  constructor(
    private readonly captured: Captured,
    readonly graph: Graph,
  ) {
    this.nodes = graph.nodes;
    this.build = builder(captured.outputTree);
    const slotOf = new Map<ProgramVar, number>();
    const varOfSlot: ProgramVar[] = [];
    let n = 0;
    const slot = (v: ProgramVar): number => {
      let s = slotOf.get(v);
      if (s === undefined) {
        slotOf.set(v, (s = n++));
        varOfSlot.push(v);
      }
      return s;
    };
    this.inputSlots = captured.inputs.map(slot);
    this.paramSlots = captured.params.map((p) => ({ variable: p.variable, slot: slot(p.var) }));
    this.randomSlots = captured.randoms.map((r) => ({ redraw: r.redraw, slot: slot(r.var) }));
    this.traceDraws = captured.randoms.length > 0 ? captured.randoms.map((r) => r.first) : null;
    const constantSlots: [number, TypedArray][] = [];
    for (const [v, t] of graph.constants) constantSlots.push([slot(v), t.storage]);
    // slots in order, aliases resolved, and which kernel each equation runs
    const work: { node: Node; ins: number[]; outs: number[]; kernel: KernelCall | null }[] = [];
    const mem = (this.mem = planMemory());
    mem?.freeWithOwner(this, this.held); // a plan nobody disposes gives its blocks back when it is collected
    for (const node of graph.nodes) {
      if (node.prim === 'reshape' || node.prim === 'identity') {
        slotOf.set(node.outputs[0]!, slot(node.inputs[0]!)); // the same storage, another shape
        continue;
      }
      const ins = node.inputs.map(slot),
        outs = node.outputs.map(slot);
      const avals = (vs: readonly ProgramVar[]) => vs.map((v) => ({ shape: v.standIn, dtype: v.dtype }));
      work.push({ node, ins, outs, kernel: mem?.kernel(node.prim, avals(node.inputs), avals(node.outputs), node.attrs, this.held) ?? null });
    }
    const leaving = new Set([...graph.outputs.map(slot), ...graph.updates.map(slot)]);
    // the memory plan: a planned value's block returns to the pool after its last reader
    const lastRead = new Map<number, number>();
    work.forEach((w, i) => {
      for (const s of w.ins) lastRead.set(s, i);
    });
    const pool = new Map<string, Block[]>();
    const blockOf = new Map<number, Block>();
    const stageOf = new Map<number, Stage>();
    let unshared = 0;
    const keyOf = (v: ProgramVar) => `${v.dtype}:${sizeOf(v.standIn)}`; // a block's view has its value's type
    const take = (s: number): Block => {
      const v = varOfSlot[s]!;
      unshared += sizeOf(v.standIn) * (v.dtype === 'bool' ? 1 : 4);
      const reused = pool.get(keyOf(v))?.pop();
      if (reused) return reused;
      const b = mem!.alloc(sizeOf(v.standIn), v.dtype);
      this.held.push(b);
      return b;
    };
    const release = (s: number) => {
      const key = keyOf(varOfSlot[s]!);
      let list = pool.get(key);
      if (!list) pool.set(key, (list = []));
      list.push(blockOf.get(s)!);
    };
    // the operands that are the call's arrays (inputs, weights, random draws, constants): their addresses are found once per run
    const entry = new Set([
      ...this.inputSlots,
      ...this.paramSlots.map((p) => p.slot),
      ...this.randomSlots.map((r) => r.slot),
      ...constantSlots.map(([s]) => s),
    ]);
    let planned = 0;
    const ops: ReplayOp[] = [];
    work.forEach((w, i) => {
      if (w.kernel) {
        planned++;
        for (const s of w.outs) {
          blockOf.set(s, take(s));
          this.plannedSlots.add(s);
        }
        // operands that are not planned values get a staging block, used when they are not resident
        for (const s of w.ins) {
          if (!blockOf.has(s) && !stageOf.has(s)) {
            const stage: Stage = { block: null, held: this.held };
            stageOf.set(s, stage);
            if (entry.has(s)) this.entries.push({ slot: s, stage });
          }
        }
      }
      // blocks whose last reader this is go back to the pool (not the values that leave the plan)
      for (const s of new Set(w.ins)) if (blockOf.has(s) && lastRead.get(s) === i && !leaving.has(s)) release(s);
      // a planned output nobody reads is free again at once
      for (const s of w.outs) if (blockOf.has(s) && !lastRead.has(s) && !leaving.has(s)) release(s);
      ops.push(w.kernel ? this.planned(w.ins, w.outs, w.kernel, blockOf, stageOf, entry) : { step: this.step(w.node, w.ins, w.outs) });
    });
    this.replay = replayOf(ops, { at: this.addrs, v: this.vals, mem });
    this.memory = {
      planned,
      ordinary: work.length - planned,
      blocks: this.held.length,
      bytes: this.held.reduce((t, b) => t + b.cls, 0),
      unsharedBytes: unshared,
    };
    this.outSlots = graph.outputs.map((v) => ({ slot: slot(v), shape: v.standIn }));
    this.updateSlots = captured.updates.map((u, i) => ({ variable: u.variable, slot: slot(graph.updates[i]!), shape: u.value.standIn }));
    for (let i = 0; i < n; i++) this.vals.push(null);
    for (const [s, a] of constantSlots) this.vals[s] = a;
    this.constantSlots = new Set(constantSlots.map(([s]) => s));
  }

  /** An equation run on planned blocks: operands by address (see Operand), the results into their blocks. */
  private planned(ins: number[], outs: number[], call: KernelCall, blockOf: Map<number, Block>, stageOf: Map<number, Stage>, entry: Set<number>): ReplayOp {
    const operands = ins.map((s): Operand => {
      const b = blockOf.get(s);
      if (b !== undefined) return { ptr: b.ptr };
      return entry.has(s) ? { entry: s } : { fresh: s, stage: stageOf.get(s)! };
    });
    return { call, ins: operands, outs: outs.map((s) => ({ slot: s, ptr: blockOf.get(s)!.ptr, view: blockOf.get(s)!.view })) };
  }

  /** The closure of an equation run by the primitive's own kernel. */
  private step(node: Node, insSlots: number[], outs: number[]): () => void {
    const v = this.vals;
    const args = node.inputs.map((x) => operand(x).t);
    // the operands' storage fields, pointed at the input slots before each call
    const fields = args as unknown as { values: TypedArray | null }[];
    const n = insSlots.length;
    const avals = node.outputs.map((x) => ({ shape: x.standIn, dtype: x.dtype }));
    const attrs = node.attrs;
    if (node.prim in multiOutputPrimitives) {
      const def = multiOutputPrimitives[node.prim as MultiPrim] as MultiPrimDef<MultiPrim>;
      return () => {
        for (let k = 0; k < n; k++) fields[k]!.values = v[insSlots[k]!]!;
        const r = def.forward(args, attrs as MultiPrimAttrs[MultiPrim], avals);
        for (let k = 0; k < outs.length; k++) v[outs[k]!] = r[k]!.storage;
      };
    }
    const def = primitives[node.prim as Prim] as PrimDef<Prim>;
    const out = outs[0]!,
      aval = avals[0]!;
    return () => {
      for (let k = 0; k < n; k++) fields[k]!.values = v[insSlots[k]!]!;
      v[out] = def.forward(args, attrs as PrimAttrs[Prim], aval).storage;
    };
  }

  /** Runs of this plan so far (a deferred output is readable until the next one). */
  private runs = 0;
  /** The storage of the last run's deferred outputs, by output index. */
  private deferredValues = new Map<number, TypedArray>();

  /** The function's result as traced: its structure, each output tensor as { output: index } (see run's `deferred`). */
  get outputTree(): unknown {
    return this.captured.outputTree;
  }

  /**
   * Runs the plan on the call's tensors (in the order of the trace's inputs).
   * Outputs in `deferred` are not copied out: the result has null in their
   * place, and `later(i)` reads one until the next run.
   */
  run(inputs: readonly Tensor[], deferred?: ReadonlySet<number>): PlanResult {
    const v = this.vals;
    const run = ++this.runs;
    this.deferredValues.clear();
    try {
      for (let i = 0; i < this.inputSlots.length; i++) v[this.inputSlots[i]!] = inputs[i]!.storage;
      for (const p of this.paramSlots) v[p.slot] = p.variable.value.storage;
      const drawn = this.traceDraws;
      this.traceDraws = null;
      this.randomSlots.forEach((r, i) => (v[r.slot] = (drawn ? drawn[i]! : r.redraw()).storage));
      const mem = this.mem;
      if (mem !== null) {
        mem.beforeRun();
        for (const e of this.entries) this.addrs[e.slot] = mem.entryAddr(v[e.slot]!, e.stage);
      }
      this.replay();
      const leave = (slot: number): TypedArray => (this.plannedSlots.has(slot) ? this.mem!.copyOut(v[slot]!) : v[slot]!);
      const copies = new Map<number, TypedArray>();
      const once = (slot: number) => {
        let a = copies.get(slot);
        if (a === undefined) copies.set(slot, (a = leave(slot)));
        return a;
      };
      const outs = this.outSlots.map((o, i) => {
        if (deferred?.has(i) !== true) return new Tensor(once(o.slot), o.shape);
        this.deferredValues.set(i, v[o.slot]!); // a planned block stays the value's until the next run
        return null;
      });
      const updates = this.updateSlots.map((u) => ({ variable: u.variable, value: new Tensor(once(u.slot), u.shape) }));
      const peek = (i: number): TypedArray => {
        const a = this.deferredValues.get(i);
        if (run !== this.runs || a === undefined) throw new NablaError(`jit: output ${i} of a plan's run was not deferred, or the plan has run again since`);
        return a;
      };
      const later = (i: number): Tensor => {
        const a = peek(i);
        return new Tensor(this.plannedSlots.has(this.outSlots[i]!.slot) ? this.mem!.copyOut(a) : a, this.outSlots[i]!.shape);
      };
      return { result: this.build(outs), updates, later, peek };
    } finally {
      // drop the call's arrays (constants stay): nothing of one call is kept alive by the plan
      for (let i = 0; i < v.length; i++) if (!this.constantSlots.has(i)) v[i] = null;
    }
  }

  /** Output i's shape. */
  outputShape(i: number): readonly number[] {
    return this.outSlots[i]!.shape;
  }

  /** A fresh array holding `a`'s values: resident storage where the kernels' memory gives it (as a value leaving the plan gets). */
  copyOf(a: TypedArray): TypedArray {
    return this.mem !== null ? this.mem.copyOut(a) : a.slice();
  }

  /** The block the wasm sums of `finite` write to (made on first use). */
  private sumBlock: Block | null = null;

  /**
   * Whether every value of `a` is finite, by one pass summing it (Σ of finite
   * float32 values in float64 is finite; a NaN or ±∞ makes it not): in wasm
   * for an array in the kernels' memory, else in JS. False can also mean a
   * float32 sum that overflowed: the caller scans the values then.
   */
  finite(a: TypedArray): boolean {
    if (this.mem !== null && a.length > 0) {
      if (this.sumBlock === null) this.held.push((this.sumBlock = this.mem.alloc(1, 'float32')));
      const s = this.mem.sum(a, this.sumBlock);
      if (s !== null) return Number.isFinite(s);
    }
    return sumIsFinite(a);
  }

  /** What the passes did (see Graph.stats). */
  get passes(): Graph['stats'] {
    return this.graph.stats;
  }

  /**
   * Gives the plan's blocks back to the heap (the jit cache calls it when it drops the plan,
   * fit when it ends). A plan nobody disposes, such as those of a model or a jitted function
   * that is dropped, gives its blocks back when it is garbage-collected (Heap.freeWithOwner).
   */
  dispose(): void {
    this.mem?.forgetOwner(this);
    this.mem?.free(this.held);
    this.held.length = 0;
  }
}

/** The result tree with each { output: i } replaced by outs[i]. */
export function rebuild(tree: unknown, outs: readonly (Tensor | null)[]): unknown {
  return builder(tree)(outs);
}

/** A function making `rebuild(tree, outs)` for any outs: the tree walked once, when the plan is made, not on every call. */
export function builder(tree: unknown): (outs: readonly (Tensor | null)[]) => unknown {
  const isRef = (t: unknown): t is { output: number } =>
    t !== null && typeof t === 'object' && !Array.isArray(t) && Object.keys(t).length === 1 && typeof (t as { output?: unknown }).output === 'number';
  if (isRef(tree)) {
    const i = tree.output;
    return (outs) => outs[i];
  }
  if (Array.isArray(tree)) {
    const parts = tree.map(builder);
    return (outs) => parts.map((p) => p(outs));
  }
  if (tree !== null && typeof tree === 'object') {
    const keys = Object.keys(tree);
    const parts = keys.map((k) => builder((tree as Record<string, unknown>)[k]));
    return (outs) => {
      const r: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        if (k === '__proto__') Object.defineProperty(r, k, { value: parts[i]!(outs), enumerable: true, writable: true, configurable: true });
        else r[k] = parts[i]!(outs);
      }
      return r;
    };
  }
  return () => tree;
}
