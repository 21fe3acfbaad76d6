// The expressions of an explanation: a small algebra of the quantities the
// textbooks write (Z1 = W1·X + b1, dW3 = (1/m) dZ3·A2ᵀ), built from a
// traced program, printed in three notations (format.ts) and evaluated with
// nabla's ops (evaluate.ts), so that what is printed is what is checked.
import type { Dim, ProgramVar } from '../trace/program.js';
import type { Interpreter } from '../trace/run.js';
import type { Tensor } from '../tensor/tensor.js';

/** A shape with symbolic sizes ('m'). */
export type Shape = readonly Dim[];

/** Elementwise functions with a name: printed f(x), differentiated through f′. */
export type FnName =
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'leakyRelu'
  | 'elu'
  | 'swish'
  | 'gelu'
  | 'softplus'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'square'
  | 'abs'
  | 'sin'
  | 'cos'
  | 'erf'
  | 'clip';

/** What an opaque computation runs with: the batch size and every value of the program at that batch. */
export interface RunContext {
  readonly m: number;
  readonly interpreter: Interpreter;
  readonly env: ReadonlyMap<ProgramVar, Tensor>;
}

/** Another computation, evaluated by running its equations (conv2d, pooling, a primitive with no notation). */
export interface Opaque {
  /** Its name as printed: 'conv2d', 'maxPool2d', 'gather'. */
  readonly op: string;
  /** output = run(args, ctx): the computation on tensors, at batch size ctx.m, reading other program values from ctx.env. */
  readonly run: (args: readonly Tensor[], ctx: RunContext) => Tensor;
}

export type Expr =
  /** A named quantity: X, W1, Z1, dZ3. */
  | { readonly k: 'var'; readonly name: string; readonly shape: Shape }
  /** A number. */
  | { readonly k: 'num'; readonly value: number; readonly shape: Shape }
  /** c · m^p · a: a scalar factor, with powers of the batch size m. */
  | { readonly k: 'scale'; readonly c: number; readonly mPow: number; readonly a: Expr; readonly shape: Shape }
  /** Matrix product a·b over the last two axes. */
  | { readonly k: 'matmul'; readonly a: Expr; readonly b: Expr; readonly shape: Shape }
  /** Transpose of the last two axes. */
  | { readonly k: 'T'; readonly a: Expr; readonly shape: Shape }
  /** Elementwise arithmetic with broadcasting ('*' is the Hadamard product ⊙). */
  | { readonly k: 'bin'; readonly op: '+' | '-' | '*' | '/'; readonly a: Expr; readonly b: Expr; readonly shape: Shape }
  | { readonly k: 'neg'; readonly a: Expr; readonly shape: Shape }
  /** f(a) elementwise, or its derivative f′(a) when `prime`. */
  | { readonly k: 'fn'; readonly f: FnName; readonly a: Expr; readonly prime: boolean; readonly attrs: Readonly<Record<string, number>>; readonly shape: Shape }
  /** softmax or log-softmax along `axis`. */
  | { readonly k: 'softmax'; readonly log: boolean; readonly a: Expr; readonly axis: number; readonly shape: Shape }
  /** Σ over `axes` (keeping them as size 1 when `keep`). */
  | { readonly k: 'sum'; readonly a: Expr; readonly axes: readonly number[]; readonly keep: boolean; readonly shape: Shape }
  /** Σ over `axes` divided by their number of entries. */
  | { readonly k: 'mean'; readonly a: Expr; readonly axes: readonly number[]; readonly keep: boolean; readonly shape: Shape }
  /** a laid out as `shape` (reshape; also a gradient brought back to its input's shape). */
  | { readonly k: 'reshape'; readonly a: Expr; readonly shape: Shape }
  /** a broadcast to `shape` (a gradient flowing back through a sum). */
  | { readonly k: 'expand'; readonly a: Expr; readonly shape: Shape }
  /** one-hot rows of class indices a, with `classes` columns. */
  | { readonly k: 'onehot'; readonly a: Expr; readonly classes: number; readonly shape: Shape }
  /** The block of a starting at `begin` with this expression's shape (a time step P[:, t] of a sequence). */
  | {
      readonly k: 'slice';
      readonly a: Expr;
      readonly begin: readonly number[];
      readonly size: Shape;
      readonly shape: Shape;
      readonly labels?: readonly (string | null)[];
    }
  /** a placed at `begin` in zeros of `shape`: the gradient flowing back through a slice. */
  | {
      readonly k: 'unslice';
      readonly a: Expr;
      readonly begin: readonly number[];
      readonly size: Shape;
      readonly shape: Shape;
      readonly labels?: readonly (string | null)[];
    }
  /** Σ over the time steps t of a term written for step t (display only: the compact view of a recurrent layer). */
  | { readonly k: 'sumT'; readonly a: Expr; readonly shape: Shape }
  /** An opaque computation of args. */
  | { readonly k: 'call'; readonly fn: Opaque; readonly args: readonly Expr[]; readonly shape: Shape }
  /** Its vector-Jacobian product for argument `wrt`: (∂out/∂args[wrt])ᵀ·ct. `out` names the output when it has a name. */
  | {
      readonly k: 'vjp';
      readonly fn: Opaque;
      readonly args: readonly Expr[];
      readonly wrt: number;
      readonly ct: Expr;
      readonly out: string | null;
      readonly shape: Shape;
    };

export type ExprOf<K extends Expr['k']> = Extract<Expr, { k: K }>;

export const v = (name: string, shape: Shape): Expr => ({ k: 'var', name, shape });
export const num = (value: number): Expr => ({ k: 'num', value, shape: [] });

/** The broadcast shape of two shapes (numpy rules, symbolic sizes compared by name). */
export function broadcastShape(a: Shape, b: Shape): Shape {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i],
      y = b[b.length - n + i];
    out.push(x === undefined || x === 1 ? (y ?? 1) : x);
  }
  return out;
}

/** True when the shape has the batch dimension (a symbolic size). */
export const batched = (s: Shape): boolean => s.some((d) => typeof d === 'string');

/** The number a constant expression stands for (2, (1/2)·1, 1 broadcast), or null. */
export function constantValue(e: Expr): number | null {
  if (e.k === 'num') return e.value;
  if (e.k === 'scale' && e.mPow === 0) {
    const c = constantValue(e.a);
    return c === null ? null : e.c * c;
  }
  if (e.k === 'expand' || e.k === 'reshape') return constantValue(e.a);
  if (e.k === 'neg') {
    const c = constantValue(e.a);
    return c === null ? null : -c;
  }
  return null;
}

export function bin(op: '+' | '-' | '*' | '/', a: Expr, b: Expr): Expr {
  // light algebra, so that derivatives print as a person writes them
  if (op === '*') {
    const ca = constantValue(a),
      cb = constantValue(b);
    if (ca !== null && a.shape.length <= b.shape.length) return scale(ca, 0, b);
    if (cb !== null && b.shape.length <= a.shape.length) return scale(cb, 0, a);
  }
  if (op === '/' && b.k === 'num' && b.shape.length === 0 && b.value !== 0) return scale(1 / b.value, 0, a);
  // signs move out of products and turn sums into differences
  if ((op === '*' || op === '/') && a.k === 'neg') return neg(bin(op, a.a, b));
  if ((op === '*' || op === '/') && b.k === 'neg') return neg(bin(op, a, b.a));
  if (op === '+' && b.k === 'neg') return bin('-', a, b.a);
  if (op === '+' && a.k === 'neg') return bin('-', b, a.a);
  if (op === '-' && b.k === 'neg') return bin('+', a, b.a);
  if (op === '-' && a.k === 'num' && a.value === 0 && a.shape.length === 0) return neg(b);
  return { k: 'bin', op, a, b, shape: broadcastShape(a.shape, b.shape) };
}

export function neg(a: Expr): Expr {
  if (a.k === 'neg') return a.a;
  if (a.k === 'scale') return scale(-a.c, a.mPow, a.a);
  return { k: 'neg', a, shape: a.shape };
}

/** c · m^p · a, merging nested factors. */
export function scale(c: number, mPow: number, a: Expr): Expr {
  if (a.k === 'scale') return scale(c * a.c, mPow + a.mPow, a.a);
  if (a.k === 'neg') return scale(-c, mPow, a.a);
  if (c === 1 && mPow === 0) return a;
  if (c === -1 && mPow === 0) return { k: 'neg', a, shape: a.shape };
  return { k: 'scale', c, mPow, a, shape: a.shape };
}

export function transpose(a: Expr): Expr {
  if (a.k === 'T') return a.a;
  const s = a.shape;
  return { k: 'T', a, shape: [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!] };
}

export function matmul(a: Expr, b: Expr): Expr {
  return { k: 'matmul', a, b, shape: [...a.shape.slice(0, -1), b.shape[b.shape.length - 1]!] };
}

export function fn(f: FnName, a: Expr, prime = false, attrs: Record<string, number> = {}): Expr {
  return { k: 'fn', f, a, prime, attrs, shape: a.shape };
}

function reducedShape(s: Shape, axes: readonly number[], keep: boolean): Shape {
  return keep ? s.map((d, i) => (axes.includes(i) ? 1 : d)) : s.filter((_, i) => !axes.includes(i));
}

export function sum(a: Expr, axes: readonly number[], keep: boolean): Expr {
  if (axes.length === 0) return a;
  return { k: 'sum', a, axes, keep, shape: reducedShape(a.shape, axes, keep) };
}

export function mean(a: Expr, axes: readonly number[], keep: boolean): Expr {
  if (axes.length === 0) return a;
  return { k: 'mean', a, axes, keep, shape: reducedShape(a.shape, axes, keep) };
}

/** a (a gradient of shape `from`) summed back to `to` over the axes broadcasting added or stretched. */
export function unbroadcast(a: Expr, to: Shape): Expr {
  const from = a.shape;
  const lead = from.length - to.length;
  const axes: number[] = [];
  for (let i = 0; i < from.length; i++) if (i < lead || (to[i - lead] === 1 && from[i] !== 1)) axes.push(i);
  if (axes.length === 0) return a;
  return reshape(sum(a, axes, true), to);
}

export function reshape(a: Expr, shape: Shape): Expr {
  if (sameShape(a.shape, shape)) return a;
  // a block of one step with its axis of size 1 dropped: the same block, printed P[:, t]
  if (
    a.k === 'slice' &&
    sameShape(
      a.shape.filter((d) => d !== 1),
      shape.filter((d) => d !== 1),
    )
  )
    return { ...a, shape };
  const c = constantValue(a);
  if (c !== null) return { k: 'expand', a: num(c), shape };
  // (x reshaped to a matrix)·W reshaped back is x·W: a matrix product over the last axis
  if (a.k === 'matmul' && a.a.k === 'reshape' && a.b.shape.length === 2) {
    const x = a.a.a;
    if (x.shape[x.shape.length - 1] === a.a.shape[1] && sameShape(shape, [...x.shape.slice(0, -1), a.b.shape[1]!])) return matmul(x, a.b);
  }
  if (a.k === 'sum' && a.keep) {
    // Σ with kept axes then dropped: print as a plain Σ
    const dropped = reducedShape(a.a.shape, a.axes, false);
    if (sameShape(dropped, shape)) return sum(a.a, a.axes, false);
  }
  return { k: 'reshape', a, shape };
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function isNum(e: Expr, value?: number): e is ExprOf<'num'> {
  return e.k === 'num' && (value === undefined || e.value === value);
}

/** The block of a at begin (of size `shape`), folding a block of a block into one. */
export function slice(a: Expr, begin: readonly number[], size: Shape): Expr {
  if (a.k === 'slice' && sameShape(a.size, a.shape))
    return slice(
      a.a,
      begin.map((b, i) => b + a.begin[i]!),
      size,
    );
  return { k: 'slice', a, begin, size, shape: size };
}

/** a placed at `begin` in zeros of `shape`, folding a placement of a placement into one. */
export function unslice(a: Expr, begin: readonly number[], size: Shape, shape: Shape): Expr {
  if (a.k === 'unslice' && a.shape.length === begin.length)
    return unslice(
      a.a,
      a.begin.map((b, i) => b + begin[i]!),
      a.size,
      shape,
    );
  return { k: 'unslice', a, begin, size, shape };
}

/** Every named quantity an expression reads. */
export function varsOf(e: Expr, out: Set<string> = new Set()): Set<string> {
  if (e.k === 'var') out.add(e.name);
  for (const c of children(e)) varsOf(c, out);
  return out;
}

/** The sub-expressions of e. */
export function children(e: Expr): Expr[] {
  switch (e.k) {
    case 'var':
    case 'num':
      return [];
    case 'matmul':
    case 'bin':
      return [e.a, e.b];
    case 'call':
      return [...e.args];
    case 'vjp':
      return [...e.args, e.ct];
    default:
      return [e.a];
  }
}
