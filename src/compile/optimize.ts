// The passes nb.jit runs on a traced function before planning it: constants
// merged and folded, common subexpressions merged, dead code removed.
import type { MultiPrim, MultiPrimAttrs, Prim, PrimAttrs } from '../ops/prim.js';
import { multiOutputPrimitives, primitives } from '../ops/primitives.js';
import type { PrimDef, MultiPrimDef } from '../ops/prim.js';
import type { Tensor } from '../tensor/tensor.js';
import type { AnyPrim } from '../ops/prim.js';
import type { ProgramVar } from '../trace/program.js';
import type { Captured } from './capture.js';
import { broadcastShapes, sameShape } from '../core/shape.js';

/** One primitive application of the graph a plan is made from. */
export interface Node {
  readonly prim: AnyPrim;
  readonly inputs: ProgramVar[];
  readonly outputs: readonly ProgramVar[];
  readonly attrs: unknown;
}

/** A captured function after the passes: what the planner lays out. */
export interface Graph {
  readonly nodes: Node[];
  /** Every constant value by its variable (those of the trace and those folded). */
  readonly constants: Map<ProgramVar, Tensor>;
  /** The outputs and the assigned values, after replacements. */
  readonly outputs: ProgramVar[];
  readonly updates: ProgramVar[];
  /** What each pass did, for tests and the report: equations traced, folded, merged, broadcasts absorbed, equations removed. */
  readonly stats: { traced: number; folded: number; merged: number; absorbed: number; removed: number };
}

/** Constants up to this many elements are compared by value (two literals 0.5 are one constant). */
const SMALL = 16;

/** Stable text for attributes (NaN and -0 kept apart from null and 0). */
function attrKey(a: unknown): string {
  return JSON.stringify(a, (_k, v) => (typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : v));
}

/** A constant's value as text: dtype, shape and values (for small constants). */
function constantKey(t: Tensor): string | null {
  if (t.size > SMALL) return null;
  const s = t.storage;
  let out = `${t.dtype}[${t.shape.join(',')}]`;
  for (let i = 0; i < s.length; i++) out += `,${Object.is(s[i], -0) ? '-0' : String(s[i])}`;
  return out;
}

/** The primitives that broadcast their operands to their result's shape (numpy's rules). */
const BROADCASTING = new Set(['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'compare']);

/**
 * Runs the passes in one walk of the equations, in order:
 * - constants of equal small value become one;
 * - an equation of constants only is evaluated now (constant folding) — the
 *   tracer already evaluates what involves no traced value, so this catches
 *   what merging made constant;
 * - an equation equal to an earlier one (primitive, attributes, inputs) is
 *   dropped and its outputs replaced (common subexpressions);
 * - an elementwise op reading an explicit broadcast (broadcastTo, as the
 *   gradient of a sum makes) reads the broadcast's input instead, broadcast
 *   by the op itself (the same values, so the same bits);
 * then, walking back from the outputs and assigned values, equations whose
 * results nothing uses are removed (dead code).
 */
export function optimize(c: Captured): Graph {
  const constants = new Map<ProgramVar, Tensor>();
  const replace = new Map<ProgramVar, ProgramVar>();
  const byValue = new Map<string, ProgramVar>();
  for (const k of c.constants) {
    const key = constantKey(k.value);
    const same = key !== null ? byValue.get(key) : undefined;
    if (same) replace.set(k.var, same);
    else {
      constants.set(k.var, k.value);
      if (key !== null) byValue.set(key, k.var);
    }
  }
  const rep = (v: ProgramVar) => replace.get(v) ?? v;
  const seen = new Map<string, readonly ProgramVar[]>();
  const stats = { traced: c.equations.length, folded: 0, merged: 0, absorbed: 0, removed: 0 };
  const nodes: Node[] = [];
  const broadcastFrom = new Map<ProgramVar, ProgramVar>(); // a broadcastTo's result → its input
  for (const e of c.equations) {
    const inputs = e.inputs.map(rep);
    if (BROADCASTING.has(e.prim)) {
      // an operand broadcast explicitly is read broadcast by the op itself (the same values: the same bits)
      inputs.forEach((v, i) => {
        const from = broadcastFrom.get(v);
        if (from === undefined) return;
        // (from broadcasts to v, so it broadcasts with the others: only the result's shape can differ)
        const shapes = inputs.map((u, j) => (j === i ? from.standIn : u.standIn));
        if (!sameShape(broadcastShapes('jit', ...shapes), e.outputs[0]!.standIn)) return;
        inputs[i] = from;
        stats.absorbed++;
      });
    }
    if (inputs.every((v) => constants.has(v))) {
      const values = inputs.map((v) => constants.get(v)!);
      const outs = evaluate(e.prim, values, e.attrs, e.outputs);
      e.outputs.forEach((v, i) => constants.set(v, outs[i]!));
      stats.folded++;
      continue;
    }
    const key = `${e.prim}|${attrKey(e.attrs)}|${inputs.map((v) => v.id).join(',')}`;
    const earlier = seen.get(key);
    if (earlier) {
      e.outputs.forEach((v, i) => replace.set(v, earlier[i]!));
      stats.merged++;
      continue;
    }
    seen.set(key, e.outputs);
    if (e.prim === 'broadcastTo') broadcastFrom.set(e.outputs[0]!, inputs[0]!);
    nodes.push({ prim: e.prim, inputs, outputs: e.outputs, attrs: e.attrs });
  }
  const outputs = c.outputs.map(rep);
  const updates = c.updates.map((u) => rep(u.value));
  // dead code: keep what an output or an assigned value needs
  const live = new Set<ProgramVar>([...outputs, ...updates]);
  const kept: Node[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (!n.outputs.some((v) => live.has(v))) {
      stats.removed++;
      continue;
    }
    for (const v of n.inputs) live.add(v);
    kept.push(n);
  }
  kept.reverse();
  for (const v of [...constants.keys()]) if (!live.has(v)) constants.delete(v);
  return { nodes: kept, constants, outputs, updates, stats };
}

/** A primitive applied now, to values: its kernel, as eager execution runs it. */
export function evaluate(prim: AnyPrim, inputs: readonly Tensor[], attrs: unknown, outputs: readonly ProgramVar[]): Tensor[] {
  const avals = outputs.map((v) => ({ shape: v.standIn, dtype: v.dtype }));
  if (prim in multiOutputPrimitives) {
    const def = multiOutputPrimitives[prim as MultiPrim] as MultiPrimDef<MultiPrim>;
    return def.forward(inputs, attrs as MultiPrimAttrs[MultiPrim], avals);
  }
  const def = primitives[prim as Prim] as PrimDef<Prim>;
  return [def.forward(inputs, attrs as PrimAttrs[Prim], avals[0]!)];
}
