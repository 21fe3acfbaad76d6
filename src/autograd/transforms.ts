import { isFloat } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { formatShape, sameShape } from '../core/shape.js';
import { onesLike, zeros, zerosLike } from '../tensor/create.js';
import { Tensor, isTensor } from '../tensor/tensor.js';
import { nextNodeId, tapeState, type Node } from './tape.js';
import { add, mul } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { reshape, stack } from '../ops/shape.js';
import { backward } from './engine.js';
import { leaves, mapLeaves, mapTree, unflatten, type Tree } from './tree.js';
import { Variable } from '../tensor/variable.js';

/**
 * The arguments a transformed function takes: those of f, or any when f
 * takes none (it reads variables it closes over, given to the transform).
 */
type Args<A extends unknown[]> = A extends [] ? unknown[] : A;

/** The gradient of an argument of type T: the same tree with a Tensor at each leaf (a Variable's gradient is a Tensor). */
export type GradTree<T> = T extends Tensor
  ? Tensor
  : T extends { readonly value: Tensor; assign(v: Tensor): void }
    ? Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: GradTree<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: GradTree<T[K]> }
        : Tensor;

/** What grad returns for arguments A and options O: the gradient tree of argument argnums (0 by default), or a tuple of them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GradOf<A extends unknown[], O> = A extends []
  ? any // f declares no parameters (it reads variables): the caller knows
  : O extends { argnums: infer N }
    ? N extends number
      ? GradTree<A[N]>
      : N extends readonly number[]
        ? { -readonly [K in keyof N]: N[K] extends number ? GradTree<A[N[K]]> : never }
        : GradTree<A[0]>
    : GradTree<A[0]>;

/** Which positional arguments to differentiate: one index or several. */
export interface ArgnumsOption {
  /** The argument(s) to differentiate with respect to; the first (0) by default. */
  argnums?: number | readonly number[];
}

/** A fresh leaf for `t` at a new level: an identity of t, so outer levels still see through it. */
function makeLeaf(op: string, t: Tensor): Tensor {
  if (!isFloat(t.dtype)) {
    throw new DTypeError(
      `${op}: cannot differentiate with respect to ${t.dtype === 'int32' ? 'an' : 'a'} ${t.dtype} tensor of shape ${formatShape(t.shape)}; use float32 or float64`,
    );
  }
  const leaf = t.alias();
  leaf.node = { id: nextNodeId(), prim: 'identity', inputs: [t], attrs: {}, output: leaf } as Node<'identity'>;
  return leaf;
}

/** Traces fn with the selected arguments replaced by leaves; returns the traced output and the leaves. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn<R> = (...args: any[]) => R;

function trace<R>(op: string, fn: AnyFn<R>, args: readonly unknown[], argnums: readonly number[]) {
  for (const i of argnums) {
    if (!Number.isInteger(i) || i < 0 || i >= args.length) throw new ArgumentError(`${op}: argnum ${i} is out of range for ${args.length} argument(s)`);
  }
  const savedNoGrad = tapeState.noGrad;
  tapeState.depth++;
  tapeState.noGrad = 0;
  const traced = [...args];
  const leafTrees: unknown[] = [];
  // variables hold their traced leaf while fn runs, so code that reads them is differentiated too
  const swapped: [Variable, Tensor, Tensor][] = []; // [variable, its value before, the leaf it holds while fn runs]
  try {
    for (const i of argnums) {
      const tracedLeaves: Tensor[] = [];
      const leafTree = mapLeaves(args[i], (leaf) => {
        const t = makeLeaf(op, leaf instanceof Variable ? leaf.value : leaf);
        if (leaf instanceof Variable) swapped.push([leaf, leaf.swap(t), t]);
        tracedLeaves.push(t);
        return t;
      });
      leaves(leafTree, op); // validates the tree
      leafTrees.push(leafTree);
      // fn gets the variables themselves (now holding their leaves), so that a nested transform can trace them again
      let k = 0;
      traced[i] = mapLeaves(args[i], (leaf) => (leaf instanceof Variable ? (k++, leaf) : tracedLeaves[k++]!));
    }
    const out = fn(...traced);
    return { out, leafTrees };
  } finally {
    // A variable that fn assigned (a batch-norm layer's moving statistics) keeps its new value: state
    // updates do not depend on what is being differentiated. The others get their value back.
    for (let k = swapped.length - 1; k >= 0; k--) {
      const [v, before, leaf] = swapped[k]!;
      if (v.value === leaf) v.swap(before);
    }
    tapeState.depth--;
    tapeState.noGrad = savedNoGrad;
  }
}

/** At top level, strips the graph from returned tensors so nothing keeps it alive. */
function release<T>(tree: T): T {
  if (tapeState.depth > 0) return tree;
  return mapTree(tree, (t) => (t.node ? t.alias() : t));
}

function argnumList(opts: ArgnumsOption | undefined): { list: number[]; single: boolean } {
  const a = opts?.argnums ?? 0;
  return typeof a === 'number' ? { list: [a], single: true } : { list: [...a], single: false };
}

/** Pulls cotangents back to each leaf tree, with zeros where an output does not depend on a leaf. */
function pull(outs: Tensor[], cots: Tensor[], leafTrees: readonly unknown[]): unknown[] {
  const leafTensors = leafTrees.map((t) => leaves(t));
  const nodes = leafTensors.flat().map((t) => t.node!);
  const gs = backward(outs, cots, nodes);
  let k = 0;
  return leafTrees.map((tree, i) =>
    unflatten(
      tree,
      leafTensors[i]!.map((t) => gs[k++] ?? zerosLike(t)),
    ),
  );
}

/** The gradient trees of every argument of A, as a tuple: what vjp's pullback returns. */
export type GradsOf<A extends readonly unknown[]> = { -readonly [K in keyof A]: GradTree<A[K]> };

/**
 * vjp(f, ...args) → [f(...args), pullback]. The pullback maps a cotangent
 * (a tree shaped like the output, tensors at its leaves) to the
 * vector–Jacobian products, one per argument, each shaped like its argument:
 * pullback(c)[i] = cᵀ · ∂f/∂args[i]. It can be called many times. Typed:
 * for f(p: { W: Tensor }, x: Tensor), pullback(c) is [{ W: Tensor }, Tensor].
 */
export function vjp<A extends unknown[], R extends Tree>(f: (...args: A) => R, ...args: A): [R, (cotangent: GradTree<R>) => GradsOf<A>] {
  const argnums = args.map((_, i) => i);
  const { out, leafTrees } = trace('vjp', f, args, argnums);
  const outs = leaves(out, 'vjp');
  const pullback = (cotangent: unknown): unknown => {
    const cots = leaves(cotangent, 'vjp');
    if (cots.length !== outs.length) throw new ShapeError(`vjp: the cotangent has ${cots.length} tensor(s) but the output has ${outs.length}`);
    cots.forEach((c, i) => {
      if (!sameShape(c.shape, outs[i]!.shape)) {
        throw new ShapeError(`vjp: cotangent shape ${formatShape(c.shape)} does not match output shape ${formatShape(outs[i]!.shape)}`);
      }
    });
    return release(pull(outs, cots, leafTrees));
  };
  return [release(out), pullback as unknown as (cotangent: GradTree<R>) => GradsOf<A>];
}

function scalarOutput(op: string, out: unknown): Tensor {
  if (!isTensor(out) || out.size !== 1 || !isFloat(out.dtype)) {
    const what = isTensor(out) ? `a ${out.dtype} tensor of shape ${formatShape(out.shape)}` : typeof out;
    throw new ShapeError(`${op}: the function must return a float scalar (one element), got ${what}; reduce it first, e.g. with nb.sum or nb.mean`);
  }
  return out;
}

/** Options of `valueAndGrad` and `grad`. */
export interface GradOptions extends ArgnumsOption {
  /**
   * When true, f returns a pair [loss, aux]: the scalar to differentiate and
   * any auxiliary outputs (predictions, metrics, a tree of tensors), which
   * are returned alongside without being differentiated (as JAX's has_aux).
   */
  hasAux?: boolean;
}

/** At top level, strips the graph from the tensors of an auxiliary tree (arrays and plain objects are walked; other values kept). */
function releaseAux(aux: unknown): unknown {
  if (tapeState.depth > 0) return aux;
  const walk = (t: unknown): unknown => {
    if (isTensor(t)) return t.node ? t.alias() : t;
    if (Array.isArray(t)) return t.map(walk);
    if (t !== null && typeof t === 'object' && Object.getPrototypeOf(t) === Object.prototype) {
      return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, walk(v)]));
    }
    return t;
  };
  return walk(aux);
}

function splitAux(op: string, out: unknown): [unknown, unknown] {
  if (!Array.isArray(out) || out.length !== 2) {
    throw new ArgumentError(
      `${op}: with hasAux the function must return a pair [loss, aux], got ${Array.isArray(out) ? `an array of ${out.length}` : isTensor(out) ? 'a single tensor' : typeof out}`,
    );
  }
  return [out[0], out[1]];
}

/**
 * valueAndGrad(f)(...args) → [f(...args), ∇f]: the value of a scalar function
 * and its gradient with respect to argument `argnums` (an array of gradients
 * when argnums is an array). Arguments may be trees of tensors; each gradient
 * has the structure and shapes of its argument.
 *
 * With `{ hasAux: true }`, f returns [loss, aux] and the result is
 * [[loss, aux], ∇loss] (JAX's layout): aux — e.g. the predictions — is
 * computed in the same forward pass and returned undifferentiated.
 */
export function valueAndGrad<A extends unknown[], X = unknown, const O extends GradOptions = GradOptions & { hasAux: true }>(
  f: (...args: A) => [Tensor, X],
  opts: O & { hasAux: true },
): (...args: Args<A>) => [[Tensor, X], GradOf<A, O>];
export function valueAndGrad<A extends unknown[], const O extends GradOptions = {}>(
  f: (...args: A) => Tensor,
  opts?: O,
): (...args: Args<A>) => [Tensor, GradOf<A, O>];
export function valueAndGrad<A extends unknown[]>(f: (...args: A) => unknown, opts?: GradOptions) {
  const { list, single } = argnumList(opts);
  const hasAux = opts?.hasAux === true;
  if (opts?.hasAux !== undefined && typeof opts.hasAux !== 'boolean') {
    throw new ArgumentError(`grad: hasAux must be a boolean, got ${typeof opts.hasAux}`);
  }
  return (...args: Args<A>): [unknown, any] => {
    const { out, leafTrees } = trace('grad', f, args, list);
    const [value, aux] = hasAux ? splitAux('grad', out) : [out, undefined];
    const y = scalarOutput('grad', value);
    const gs = release(pull([y], [onesLike(y)], leafTrees));
    const g = single ? gs[0] : gs;
    return hasAux ? [[release(y), releaseAux(aux)], g] : [release(y), g];
  };
}

/**
 * grad(f)(...args) → ∇f: the gradient of a scalar function with respect to
 * argument `argnums` (default 0), with the same shape (tree) as it; with an
 * array of argnums, an array of gradients. Nests freely: grad(grad(f)) is
 * the second derivative. With `{ hasAux: true }`, f returns [loss, aux] and
 * grad returns [∇loss, aux] (JAX's layout).
 */
export function grad<A extends unknown[], X = unknown, const O extends GradOptions = GradOptions & { hasAux: true }>(
  f: (...args: A) => [Tensor, X],
  opts: O & { hasAux: true },
): (...args: Args<A>) => [GradOf<A, O>, X];
export function grad<A extends unknown[], const O extends GradOptions = {}>(f: (...args: A) => Tensor, opts?: O): (...args: Args<A>) => GradOf<A, O>;
export function grad<A extends unknown[]>(f: (...args: A) => unknown, opts?: GradOptions) {
  if (opts?.hasAux === true) {
    const vg = valueAndGrad(f as (...args: A) => [Tensor, unknown], { ...opts, hasAux: true });
    return (...args: Args<A>): any => {
      const [[, aux], g] = vg(...args);
      return [g, aux];
    };
  }
  const vg = valueAndGrad(f as (...args: A) => Tensor, opts);
  return (...args: Args<A>): any => vg(...args)[1];
}

/**
 * jacobian(f)(...args): the Jacobian of f with respect to argument `argnums`,
 * of shape [...out.shape, ...arg.shape]: J[i..., j...] = ∂out[i...]/∂arg[j...].
 * Computed row by row with one vjp per output element. With an array of
 * argnums, an array of Jacobians.
 */
export function jacobian<A extends unknown[]>(f: (...args: A) => Tensor, opts?: ArgnumsOption) {
  const { list, single } = argnumList(opts);
  return (...args: Args<A>): any => {
    const { out, leafTrees } = trace('jacobian', f, args, list);
    if (!isTensor(out)) throw new ArgumentError('jacobian: the function must return a single tensor');
    const leafTensors = leafTrees.map((t) => {
      const ls = leaves(t);
      if (ls.length !== 1) throw new ArgumentError('jacobian: each differentiated argument must be a single tensor');
      return ls[0]!;
    });
    const rows: Tensor[][] = leafTensors.map(() => []);
    for (let i = 0; i < out.size; i++) {
      const basis = zeros([out.size], out.dtype).storage;
      basis[i] = 1;
      const cot = new Tensor(basis, out.shape);
      const gs = backward(
        [out],
        [cot],
        leafTensors.map((t) => t.node as Node),
      );
      gs.forEach((g, j) => rows[j]!.push(g ?? zerosLike(leafTensors[j]!)));
    }
    const jacs = leafTensors.map((x, j) =>
      out.size === 0 ? zeros([...out.shape, ...x.shape], x.dtype) : reshape(stack(rows[j]!, 0), [...out.shape, ...x.shape]),
    );
    const result = release(jacs);
    return single ? result[0] : result;
  };
}

/**
 * hessian(f)(...args): the matrix of second derivatives of a scalar function,
 * of shape [...arg.shape, ...arg.shape]: the Jacobian of the gradient. With an
 * array of argnums, the blocks: result[i][j] = ∂²f/∂args[i]∂args[j].
 */
export function hessian<A extends unknown[]>(f: (...args: A) => Tensor, opts?: ArgnumsOption) {
  const { list, single } = argnumList(opts);
  if (single) return jacobian(grad(f, opts) as unknown as (...args: A) => Tensor, opts);
  // several arguments: the blocks H[i][j] = ∂²f / ∂args[i] ∂args[j]
  return (...args: Args<A>): any =>
    list.map((_, i) => jacobian((...a: A) => (grad(f, opts)(...(a as Args<A>)) as unknown as Tensor[])[i]!, opts)(...args) as Tensor[]);
}

/**
 * hvp(f)(x, v) = H(x)·v, the Hessian of a scalar f at x applied to v, without
 * forming H: the gradient of x ↦ ⟨∇f(x), v⟩. x and v are trees of one structure.
 */
export function hvp<T extends Tree>(f: (x: T) => Tensor) {
  return (x: T, v: T): T => {
    const vs = leaves(v, 'hvp');
    const directional = (y: T): Tensor => {
      const gs = leaves(grad(f as (x: unknown) => Tensor)(y) as Tree, 'hvp');
      if (gs.length !== vs.length) throw new ShapeError(`hvp: v has ${vs.length} tensor(s) but x has ${gs.length}`);
      let total: Tensor | null = null;
      gs.forEach((g, i) => {
        if (!sameShape(g.shape, vs[i]!.shape)) throw new ShapeError(`hvp: v shape ${formatShape(vs[i]!.shape)} does not match x shape ${formatShape(g.shape)}`);
        const term = sum(mul(g, vs[i]!));
        total = total ? add(total, term) : term;
      });
      return total!;
    };
    return grad(directional as (y: unknown) => Tensor)(x) as T;
  };
}
