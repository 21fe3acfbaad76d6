import { ArgumentError } from '../core/errors.js';
import { type Tensor, isTensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';

/** A tensor (or a variable), or arrays and plain objects of trees (the parameters of a model, say). */
export type Tree = Tensor | Variable | readonly Tree[] | { readonly [key: string]: Tree };

/** The tensors of a tree, in a fixed order (arrays by index, objects by key order). */
export function leaves(tree: unknown, op = 'tree'): Tensor[] {
  const out: Tensor[] = [];
  const walk = (t: unknown, path: string): void => {
    if (isTensor(t)) out.push(t);
    else if (t instanceof Variable) out.push(t.value);
    else if (Array.isArray(t)) t.forEach((c, i) => walk(c, `${path}[${i}]`));
    else if (t !== null && typeof t === 'object' && Object.getPrototypeOf(t) === Object.prototype) {
      for (const [k, v] of Object.entries(t)) walk(v, `${path}.${k}`);
    } else
      throw new ArgumentError(
        `${op}: expected a tensor or arrays/objects of tensors, found ${typeof t === 'object' ? String(t) : typeof t} at ${path || 'the root'}`,
      );
  };
  walk(tree, '');
  return out;
}

/** A tree of the same structure with each tensor replaced by fn(tensor). */
export function mapTree<T>(tree: T, fn: (t: Tensor) => Tensor): T {
  return mapLeaves(tree, (leaf) => fn(leaf instanceof Variable ? leaf.value : leaf));
}

/** A tree of the same structure with each tensor or variable replaced by fn(leaf). */
export function mapLeaves<T>(tree: T, fn: (leaf: Tensor | Variable) => Tensor | Variable): T {
  const walk = (t: unknown): unknown => {
    if (isTensor(t) || t instanceof Variable) return fn(t);
    if (Array.isArray(t)) return t.map(walk);
    if (t !== null && typeof t === 'object') return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, walk(v)]));
    return t;
  };
  return walk(tree) as T;
}

/** A tree of the same structure as `tree` holding `values` in leaf order. */
export function unflatten<T>(tree: T, values: readonly Tensor[]): T {
  let i = 0;
  return mapTree(tree, () => values[i++]!);
}
