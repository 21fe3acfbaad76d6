import { checkDType, type DType } from '../core/dtype.js';
import { describe } from '../core/describe.js';
import { ArgumentError, TraceError } from '../core/errors.js';
import { tapeState } from '../autograd/tape.js';
import { type Tensor, isTensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { ProgramBuilder, StandInCollision } from './builder.js';
import { Program } from './program.js';

/**
 * A placeholder argument for nb.trace: a shape and dtype, no data. A `null`
 * dimension is symbolic, the batch `m` as textbooks write it; a
 * string names a symbolic dimension of its own ('t' for time steps). `name`
 * is the input's name in the listing.
 *
 *     nb.spec([null, 64])              // f32[m,64]
 *     nb.spec([64, null], 'float32', 'X')
 */
export class Spec {
  constructor(
    readonly shape: readonly (number | string | null)[],
    readonly dtype: DType = 'float32',
    readonly name?: string,
  ) {}
  toString(): string {
    return `spec ${this.name ?? ''}[${this.shape.map((d) => d ?? 'm').join(',')}] ${this.dtype}`;
  }
}

/** A placeholder for nb.trace: `null` dimensions are the symbolic batch m, strings other symbolic sizes. */
export function spec(shape: readonly (number | string | null)[], dtype: DType = 'float32', name?: string): Spec {
  if (!Array.isArray(shape)) throw new ArgumentError(`spec: argument shape must be an array of sizes, null (the batch m) or names, got ${describe(shape)}`);
  for (const d of shape) {
    const ok = d === null || (typeof d === 'string' && /^[A-Za-z]\w*$/.test(d)) || (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
    if (!ok) throw new ArgumentError(`spec: each dimension must be a non-negative integer, null (the batch m) or a name such as 't', got ${describe(d)}`);
  }
  checkDType('spec', dtype);
  if (name !== undefined && (typeof name !== 'string' || name === '')) throw new ArgumentError(`spec: name must be a non-empty string, got ${describe(name)}`);
  return new Spec(shape, dtype, name);
}

/** Stand-in sizes for symbolic dimensions while tracing: primes no real model is likely to have (checked). */
const STAND_INS = [4099, 4111, 4127, 4129, 4133, 4139, 4153, 4157, 4159, 4177, 4201, 4211];

/** Options of nb.trace. */
export interface TraceOptions {
  /** The program's name in its listing (default: the function's name). */
  name?: string;
  /** When tracing a model (anything with call(x, training)): trace its training-mode call. Default false. */
  training?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => unknown;
interface Callable {
  call(x: Tensor, training?: boolean): Tensor;
}

/**
 * trace(f)(...args) → Program: runs f once on placeholders (no data) and
 * records every primitive it applies, with shapes and dtypes, as the
 * equations of a program. Arguments are specs (`nb.spec([null, 64])`),
 * tensors (their shapes, as inputs), or trees (arrays, plain objects) of
 * them; a model's variables that f reads become named inputs
 * (`dense_1.kernel`), and variables f assigns (batch-norm statistics, an
 * optimiser's slots) become outputs, while the model itself is left as it
 * was. f may use every public op, grad/valueAndGrad/vjp/jacobian/hvp (the
 * program then holds the backward equations), layers, models, losses and
 * optimisers. Reading a value (item(), data(), toArray(), an if on a
 * comparison) throws a TraceError: a program cannot depend on data.
 * A model (anything with `call`) can be traced directly: nb.trace(model)(nb.spec([null, 64])).
 *
 *     const p = nb.trace((x: nb.Tensor) => nb.relu(nb.matmul(x, W)))(nb.spec([null, 64]));
 *     console.log(p.toString());
 */
export function trace(f: AnyFn | Callable, opts: TraceOptions = {}): (...args: unknown[]) => Program {
  const fn: AnyFn =
    typeof f === 'function'
      ? f
      : isCallable(f)
        ? (x: Tensor) => f.call(x, opts.training ?? false)
        : (() => {
            throw new ArgumentError(`trace: argument f must be a function or a model, got ${describe(f)}`);
          })();
  const name = opts.name ?? (typeof f === 'function' && f.name ? f.name : typeof f === 'function' ? 'f' : ((f as { name?: string }).name ?? 'model'));
  return (...args: unknown[]): Program => {
    if (tapeState.tracer !== null) throw new TraceError('trace: nb.trace cannot run inside another nb.trace');
    for (let attempt = 0; ; attempt++) {
      try {
        return traceOnce(fn, name, args, attempt);
      } catch (e) {
        if (!(e instanceof StandInCollision) || attempt >= 3) {
          if (e instanceof StandInCollision)
            throw new TraceError('trace: could not pick stand-in sizes for the symbolic dimensions that differ from every size of the model');
          throw e;
        }
      }
    }
  };
}

function isCallable(x: unknown): x is Callable {
  return x !== null && typeof x === 'object' && typeof (x as Callable).call === 'function';
}

function traceOnce(fn: AnyFn, name: string, args: readonly unknown[], attempt: number): Program {
  // the symbolic dimensions named in the specs, each with its own prime stand-in
  const names: string[] = [];
  const visitSpecs = (t: unknown): void => {
    if (t instanceof Spec) {
      for (const d of t.shape) {
        const n = d === null ? 'm' : typeof d === 'string' ? d : null;
        if (n && !names.includes(n)) names.push(n);
      }
    } else if (Array.isArray(t)) t.forEach(visitSpecs);
    else if (isPlainObject(t)) Object.values(t).forEach(visitSpecs);
  };
  args.forEach(visitSpecs);
  const symbols: Record<string, number> = {};
  names.forEach((n, i) => (symbols[n] = STAND_INS[(i + attempt * names.length) % STAND_INS.length]!));
  const builder = new ProgramBuilder(symbols);

  // the arguments as placeholders, named by spec name or tree path
  const single = args.length === 1;
  const toPlaceholders = (t: unknown, path: string): unknown => {
    if (t instanceof Spec)
      return builder.placeholder(
        t.shape.map((d) => (typeof d === 'number' ? d : symbols[d ?? 'm']!)),
        t.dtype,
        'input',
        t.name ?? (path || 'x'),
      );
    if (t instanceof Variable) return t; // read through the tracer: a named input
    if (isTensor(t)) {
      if (builder.isSymbolic(t.shape)) throw new StandInCollision();
      return builder.placeholder(t.shape, t.dtype, 'input', path || 'x');
    }
    if (Array.isArray(t)) return t.map((c, i) => toPlaceholders(c, path ? `${path}${i}` : `x${i}`));
    if (isPlainObject(t)) return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, toPlaceholders(v, path ? `${path}.${k}` : k)]));
    return t; // numbers, strings, options: passed as they are
  };
  tapeState.tracer = builder;
  let result: unknown;
  try {
    const placeholders = args.map((a, i) => toPlaceholders(a, isPlainObject(a) || Array.isArray(a) ? '' : single ? '' : `x${i}`));
    result = fn(...placeholders);
    const outputs: ReturnType<ProgramBuilder['output']>[] = [];
    const outputTree = mapOutputs(result, (t) => {
      outputs.push(builder.output(t));
      return outputs.length - 1;
    });
    const updates = builder.updates();
    return new Program({
      name,
      inputs: builder.inputs,
      params: builder.usedParams(outputs, updates),
      constants: builder.constants,
      equations: builder.equations,
      outputs,
      outputTree,
      updates,
      symbols,
      calls: builder.sortedCalls(),
    });
  } finally {
    tapeState.tracer = null;
  }
}

/** An object literal (not an array, tensor, Variable or class instance): a tree node of arguments and results. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype;
}

/**
 * The result's tree with each tensor (or variable) replaced by { output: fn(tensor) };
 * numbers, strings, booleans and null (an optimiser's step count, say) stay as they are. `op`
 * names the caller in the error for any other leaf.
 */
export function mapOutputs(t: unknown, fn: (t: Tensor) => number, op = 'trace'): unknown {
  if (isTensor(t)) return { output: fn(t) };
  if (t instanceof Variable) return { output: fn(t.value) };
  if (Array.isArray(t)) return t.map((c) => mapOutputs(c, fn, op));
  if (isPlainObject(t)) return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, mapOutputs(v, fn, op)]));
  if (t === null || t === undefined || typeof t === 'number' || typeof t === 'string' || typeof t === 'boolean') return t;
  throw new ArgumentError(`${op}: the function must return tensors, or arrays/objects of them; got ${describe(t)}`);
}
