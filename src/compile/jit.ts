import { describe } from '../core/describe.js';
import { ArgumentError, TraceError } from '../core/errors.js';
import { tapeState } from '../autograd/tape.js';
import { getBackend } from '../backend/index.js';
import { capture } from './capture.js';
import { optimize } from './optimize.js';
import { Plan } from './plan.js';
import { signatureOf, tensorLeaves } from './signature.js';

/** Options of nb.jit. */
export interface JitOptions {
  /** Throw a TraceError when the function cannot be traced, instead of running it eagerly with a warning. Default false. */
  strict?: boolean;
  /** How many signatures (shapes, dtypes, argument structure) keep their plan; the least recently used is dropped beyond. Default 8. */
  cacheSize?: number;
  /** The name in messages (default: the function's name). */
  name?: string;
}

/** What a jitted function counts (tests read it). */
export interface JitStats {
  /** Traces run (one per new signature, and again after a signature was dropped from the cache). */
  traces: number;
  /** Calls that ran a cached plan. */
  hits: number;
  /** Calls that ran the function eagerly (not traceable, or inside a transform). */
  eager: number;
  /** Signatures cached now. */
  readonly cached: number;
}

/** A jitted function: f's signature, plus its cache. */
export type Jitted<F extends (...args: never[]) => unknown> = F & {
  /** Counts of traces, cache hits and eager calls. */
  readonly stats: JitStats;
  /** Drops every plan (the next call traces again): after changing something f reads that is not an argument or a variable. */
  clearCache(): void;
  /** What the plan for these arguments does (tracing them when new), or null when f cannot be traced. */
  plan(...args: Parameters<F>): JitPlanInfo | null;
};

/** What `jitted.plan(...args)` tells about the plan of a signature. */
export interface JitPlanInfo {
  /** The primitives the plan runs, in order, with their attributes (reshapes included; they copy nothing). */
  readonly nodes: readonly { readonly prim: string; readonly attrs: unknown }[];
  /** What the passes did: equations traced, folded into constants, merged with an equal one, broadcasts absorbed into the op that reads them, and equations removed as unused. */
  readonly passes: { readonly traced: number; readonly folded: number; readonly merged: number; readonly absorbed: number; readonly removed: number };
  /**
   * The memory plan: equations run by kernels writing into blocks the plan
   * holds (wasm) and by their ordinary kernel; the blocks held and their
   * bytes, against the bytes the planned values would take without reuse.
   */
  readonly memory: { readonly planned: number; readonly ordinary: number; readonly blocks: number; readonly bytes: number; readonly unsharedBytes: number };
}

/** Once a function could not be traced: its signature runs eagerly from then on. */
const EAGER = 'eager' as const;

/**
 * jit(f, { strict?, cacheSize? }): f compiled. The first call with a new
 * *signature* — the structure of the arguments (arrays, plain objects), each
 * tensor's shape and dtype, each Variable's identity, every other argument's
 * value (numbers, strings, options) or identity (models, functions) — traces
 * f on placeholders of those shapes (as nb.trace does, with concrete shapes)
 * and compiles the program into a plan:
 *
 * - constants merged and folded, repeated subexpressions merged, unused
 *   equations removed;
 * - one closure per remaining primitive, calling its kernel on the slots of
 *   its inputs: no shape checks, op wrappers, tape entries or Tensor objects
 *   between the inputs and the outputs (reshapes share storage);
 * - model variables f reads are inputs of the plan, read on every call (it
 *   sees their current values); variables f assigns (an optimiser step,
 *   batch-norm statistics) are assigned the plan's results after each call;
 * - random values f draws (dropout) are drawn again on every call, in the
 *   order f drew them, from the same generator: the stream advances exactly
 *   as in eager execution.
 *
 * Later calls with that signature replay the plan; the cache keeps the
 * `cacheSize` (default 8) most recently used signatures. Results are ordinary
 * Tensors, **bit for bit equal to eager execution**: the plan runs the same
 * kernels on the same values in the same order (it fuses nothing that eager
 * execution does not fuse). The one difference is where a kernel runs, never
 * what it computes: +, −, ×, ÷, negation, comparisons and `where` on small
 * float32 operands run in wasm inside a plan (eagerly, in JS): both round
 * each result once to float32, so the bits are the same.
 *
 * Composition: f may use grad, valueAndGrad, vjp, ... (the trace records
 * their backward equations, so `jit(valueAndGrad(loss))` compiles forward and
 * backward into one plan). Called inside a transform that differentiates
 * (grad(x => jitted(x))), or inside nb.trace, the jitted function runs f
 * itself, so it stays differentiable and traceable.
 *
 * What is traced is what f computes from its tensor arguments and variables.
 * Everything else f does is fixed at trace time: JS numbers it computes, a
 * branch on a JS value, a global it reads (call clearCache() after changing
 * one). When f reads a traced value (item(), data(), toArray(), an if on a
 * comparison), it cannot be traced: that signature runs eagerly from then
 * on, with one console warning naming f — or, with `strict: true`, the call
 * throws a TraceError.
 *
 *     const step = nb.jit(nb.valueAndGrad((w: nb.Tensor, x: nb.Tensor) => nb.mean(nb.square(nb.matmul(x, w)))));
 *     const [loss, g] = step(w, x);   // traced and compiled on the first call, replayed after
 */
export function jit<F extends (...args: never[]) => unknown>(f: F, opts: JitOptions = {}): Jitted<F> {
  return makeJit(f, opts).jitted;
}

/** @internal jit's function and its plan lookup (fit's compiled step runs plans itself). */
export function makeJit<F extends (...args: never[]) => unknown>(
  f: F,
  opts: JitOptions = {},
): { jitted: Jitted<F>; planFor: (args: unknown[]) => Plan | null } {
  if (typeof f !== 'function') throw new ArgumentError(`jit: argument f must be a function, got ${describe(f)}`);
  if (opts === null || typeof opts !== 'object') throw new ArgumentError(`jit: argument opts must be an options object, got ${describe(opts)}`);
  for (const k of Object.keys(opts))
    if (!['strict', 'cacheSize', 'name', 'silent'].includes(k)) throw new ArgumentError(`jit: unknown option '${k}' (strict, cacheSize, name)`);
  const cacheSize = opts.cacheSize ?? 8;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 1)
    throw new ArgumentError(`jit: opts.cacheSize must be a positive integer, got ${describe(opts.cacheSize)}`);
  if (opts.strict !== undefined && typeof opts.strict !== 'boolean')
    throw new ArgumentError(`jit: opts.strict must be a boolean, got ${describe(opts.strict)}`);
  const strict = opts.strict ?? false;
  // @internal: fit's default compilation falls back without a warning
  const silent = (opts as { silent?: boolean }).silent === true;
  const name = opts.name ?? (f.name || 'f');
  const fn = f as unknown as (...args: unknown[]) => unknown;
  const cache = new Map<string, Plan | typeof EAGER>();
  let warned = false;
  const stats = {
    traces: 0,
    hits: 0,
    eager: 0,
    get cached() {
      return cache.size;
    },
  };

  const planFor = (args: unknown[]): Plan | typeof EAGER => {
    const key = getBackend() + signatureOf(args);
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key); // most recently used last
      cache.set(key, hit);
      if (hit !== EAGER) stats.hits++;
      return hit;
    }
    let plan: Plan | typeof EAGER;
    stats.traces++;
    try {
      const c = capture(fn, args);
      plan = new Plan(c, optimize(c));
    } catch (e) {
      if (!(e instanceof TraceError)) throw e;
      if (strict) throw new TraceError(`jit: cannot compile ${name}: ${e.message}`);
      if (!warned && !silent) {
        warned = true;
        console.warn(
          `nabla jit: ${name} cannot be compiled and runs eagerly (${e.message.split(' while nb.trace')[0]}). Pass { strict: true } to make this an error.`,
        );
      }
      plan = EAGER;
    }
    cache.set(key, plan);
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next().value!;
      const dropped = cache.get(oldest);
      cache.delete(oldest);
      if (dropped instanceof Plan) dropped.dispose(); // its blocks of linear memory go back to the heap
    }
    return plan;
  };

  const jitted = (...args: unknown[]): unknown => {
    // inside a transform or a trace: f itself, so the outer computation sees (and differentiates) its primitives
    if (tapeState.tracer !== null || tapeState.depth > 0) {
      stats.eager++;
      return fn(...args);
    }
    const plan = planFor(args);
    if (plan === EAGER) {
      stats.eager++;
      return fn(...args);
    }
    const { result, updates } = plan.run(tensorLeaves(args));
    for (const u of updates) u.variable.assign(u.value);
    return result;
  };
  const jittedFn = Object.assign(jitted, {
    stats,
    clearCache: () => {
      for (const p of cache.values()) if (p instanceof Plan) p.dispose();
      cache.clear();
    },
    plan: (...args: unknown[]) => {
      const p = planFor(args);
      return p === EAGER ? null : p;
    },
  }) as unknown as Jitted<F>;
  return {
    jitted: jittedFn,
    planFor: (args) => {
      const p = planFor(args);
      return p === EAGER ? null : p;
    },
  };
}
