// A plan's replay: its equations as one flat sequence of kernel calls. The
// calls on planned blocks are laid out as straight-line JavaScript with their
// sizes as literals and their addresses in a table (made with `new Function`
// once per structure, shared by plans of the same structure),
// so a replay is a run of direct calls into wasm: no closure, argument array
// or loop per equation. Where a page's Content-Security-Policy forbids
// generating code, each equation becomes a closure instead (the same calls,
// slower).
import type { TypedArray } from '../core/dtype.js';
import type { KernelCall, PlanMemory, Stage } from '../backend/wasm/plan-exec.js';

/** Where a call reads an operand: a planned block, an entry's address (found as the run begins), or an ordinary kernel's result (staged when not resident). */
export type Operand = { readonly ptr: number } | { readonly entry: number } | { readonly fresh: number; readonly stage: Stage };

/** One equation of a replay: a kernel call on addresses with the slots its results fill, or an ordinary kernel's closure. */
export type ReplayOp =
  | {
      readonly call: KernelCall;
      readonly ins: readonly Operand[];
      readonly outs: readonly { readonly slot: number; readonly ptr: number; readonly view: TypedArray }[];
    }
  | { readonly step: () => void };

/** What the replay reads as it runs: the entries' addresses and the value slots (by slot), and the plan's memory. */
export interface ReplayEnv {
  readonly at: number[];
  readonly v: (TypedArray | null)[];
  readonly mem: PlanMemory | null;
}

/** Calls per generated function: a long plan becomes several functions, each small enough for the engine to optimise. */
const CHUNK = 96;

/** The replay of `ops`: generated code, or closures where code cannot be generated. */
export function replayOf(ops: readonly ReplayOp[], env: ReplayEnv): () => void {
  try {
    return generated(ops, env);
  } catch {
    return closures(ops, env);
  }
}

/** A number as a JavaScript literal that reads back as the same number (−0 included). */
function literal(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** Generated replays by source, most recently used last: plans of the same structure (a model fitted again, the same architecture) share their code, and the engine's optimisation of it. */
const made = new Map<string, (...a: unknown[]) => () => void>();
const MADE = 64;

function generated(ops: readonly ReplayOp[], env: ReplayEnv): () => void {
  // the block addresses are read from P (they differ between plans of one structure); sizes and codes are literals
  const F: unknown[] = [],
    S: unknown[] = [],
    A: unknown[] = [],
    ST: unknown[] = [],
    B: unknown[] = [],
    P: number[] = [];
  const ptr = (p: number) => `P[${P.push(p) - 1}]`;
  const lines = ops.map((op) => {
    if ('step' in op) return `S[${S.push(op.step) - 1}]();`;
    const operand = (o: Operand): string => {
      if ('ptr' in o) return ptr(o.ptr);
      if ('entry' in o) return `at[${o.entry}]`;
      return `M.freshAddr(v[${o.fresh}], ST[${ST.push(o.stage) - 1}])`;
    };
    const args = op.call.args.map((a) => {
      if (typeof a === 'number') return literal(a);
      if ('in' in a) return operand(op.ins[a.in]!);
      if ('out' in a) return ptr(op.outs[a.out]!.ptr);
      if (!/^[A-Za-z_$][\w$]*$/.test(a.key)) throw new Error(`replay: attribute name ${a.key}`);
      return `A[${A.push(a.attr) - 1}].${a.key}`;
    });
    const sets = op.outs.map((o) => `v[${o.slot}] = B[${B.push(o.view) - 1}];`).join(' ');
    return `F[${F.push(op.call.fn) - 1}](${args.join(', ')}); ${sets}`;
  });
  const chunks: string[] = [];
  for (let i = 0; i < lines.length; i += CHUNK) chunks.push(`function c${chunks.length}() {\n${lines.slice(i, i + CHUNK).join('\n')}\n}`);
  const body = `'use strict';\n${chunks.join('\n')}\nreturn function replay() { ${chunks.map((_, i) => `c${i}();`).join(' ')} };`;
  let make = made.get(body);
  if (make === undefined) make = new Function('F', 'S', 'A', 'ST', 'B', 'P', 'at', 'v', 'M', body) as (...a: unknown[]) => () => void;
  else made.delete(body);
  made.set(body, make);
  if (made.size > MADE) made.delete(made.keys().next().value!);
  return make(F, S, A, ST, B, Int32Array.from(P), env.at, env.v, env.mem);
}

function closures(ops: readonly ReplayOp[], env: ReplayEnv): () => void {
  const { at, v } = env;
  const steps = ops.map((op): (() => void) => {
    if ('step' in op) return op.step;
    const mem = env.mem!;
    const { fn, args } = op.call;
    const values = args.map((a) => (typeof a === 'number' ? a : 0));
    const fill = args.map((a, k): (() => void) | null => {
      if (typeof a === 'number') return null;
      if ('out' in a) {
        values[k] = op.outs[a.out]!.ptr;
        return null;
      }
      if ('attr' in a) return () => (values[k] = a.attr[a.key]!);
      const o = op.ins[a.in]!;
      if ('ptr' in o) {
        values[k] = o.ptr;
        return null;
      }
      if ('entry' in o) return () => (values[k] = at[o.entry]!);
      return () => (values[k] = mem.freshAddr(v[o.fresh]!, o.stage));
    });
    const dynamic = fill.filter((f): f is () => void => f !== null);
    const outs = op.outs;
    return () => {
      for (const f of dynamic) f();
      fn(...values);
      for (const o of outs) v[o.slot] = o.view;
    };
  });
  return () => {
    for (const s of steps) s();
  };
}
