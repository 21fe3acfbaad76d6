import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, sameShape } from '../core/shape.js';
import { type Tensor, isTensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';

/**
 * The gradients that fit a tree of parameters P (Variables or Tensors, in
 * arrays and plain objects): the same structure with a Tensor at each leaf;
 * a leaf or a whole subtree may be null or undefined (no update), and an
 * object's keys may be missing. What `applyGradients(grads, variables)` and
 * `update(grads, state, params)` take: a tree of another shape (an object
 * for an array, a key the parameters lack, Variables where gradients go)
 * fails to compile, and at run time throws an ArgumentError naming the path.
 * Unknown parameter types (unknown, any) accept anything, checked at run time.
 */
export type GradientsFor<P> = P extends Variable | Tensor
  ? Tensor | null | undefined
  : P extends readonly unknown[]
    ? { [K in keyof P]: GradientsFor<P[K]> } | null | undefined
    : P extends object
      ? { [K in keyof P]?: GradientsFor<P[K]> } | null | undefined
      : unknown;

/** One variable and the gradient to apply to it. */
export interface GradientPair {
  variable: Variable;
  grad: Tensor;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype;
}

function where(path: string): string {
  return path === '' ? 'the root' : path;
}

/**
 * Pairs a tree of gradients with a tree of variables of the same structure
 * (a Variable, arrays of trees, or plain objects of trees). Null or
 * undefined gradients (a whole subtree, or a key missing from an object) are
 * skipped. Shapes must match; a variable may appear only once. `op` names
 * the caller in errors.
 */
export function pairGradients(op: string, grads: unknown, variables: unknown): GradientPair[] {
  const pairs: GradientPair[] = [];
  const seen = new Set<Variable>();
  const walk = (g: unknown, v: unknown, path: string): void => {
    if (v instanceof Variable) {
      if (seen.has(v)) throw new ArgumentError(`${op}: variable '${v.name}' appears more than once (at ${where(path)})`);
      seen.add(v);
      if (g === null || g === undefined) return;
      if (g instanceof Variable) {
        throw new ArgumentError(
          `${op}: found a Variable where a gradient tensor was expected at ${where(path)}; the gradients come first: ${op}(grads, variables)`,
        );
      }
      if (!isTensor(g)) throw new ArgumentError(`${op}: the gradient of '${v.name}' at ${where(path)} must be a Tensor, got ${typeof g}`);
      if (!sameShape(g.shape, v.shape)) {
        throw new ShapeError(
          `${op}: the gradient of '${v.name}' at ${where(path)} has shape ${formatShape(g.shape)}, but the variable has shape ${formatShape(v.shape)}`,
        );
      }
      pairs.push({ variable: v, grad: g });
      return;
    }
    if (isTensor(v)) {
      throw new ArgumentError(
        `${op}: found a Tensor where a Variable was expected at ${where(path)} (the variables come second: ${op}(grads, variables), and must be Variables to be updated)`,
      );
    }
    if (Array.isArray(v)) {
      if (g === null || g === undefined) return v.forEach((c, i) => walk(undefined, c, `${path}[${i}]`));
      if (!Array.isArray(g) || g.length !== v.length) {
        throw new ArgumentError(
          `${op}: the gradients do not match the variables at ${where(path)}: expected an array of ${v.length}, got ${Array.isArray(g) ? `an array of ${g.length}` : describeNode(g)}`,
        );
      }
      return v.forEach((c, i) => walk(g[i], c, `${path}[${i}]`));
    }
    if (isPlainObject(v)) {
      if (g === null || g === undefined) return Object.entries(v).forEach(([k, c]) => walk(undefined, c, `${path}.${k}`));
      if (!isPlainObject(g)) {
        throw new ArgumentError(`${op}: the gradients do not match the variables at ${where(path)}: expected an object, got ${describeNode(g)}`);
      }
      for (const k of Object.keys(g)) {
        if (!(k in v)) throw new ArgumentError(`${op}: gradient ${path}.${k} has no matching variable`);
      }
      return Object.entries(v).forEach(([k, c]) => walk(g[k], c, `${path}.${k}`));
    }
    throw new ArgumentError(`${op}: expected Variables or arrays/objects of Variables, found ${describeNode(v)} at ${where(path)}`);
  };
  walk(grads, variables, '');
  return pairs;
}

function describeNode(x: unknown): string {
  if (isTensor(x)) return `a Tensor of shape ${formatShape(x.shape)}`;
  if (x instanceof Variable) return `Variable '${x.name}'`;
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (x === null) return 'null';
  return typeof x === 'object' ? 'an object' : typeof x;
}

/** One tensor of a parameter tree: where it is, its value (the variable's value for a Variable), and its gradient if any. */
export interface FlatParameter {
  path: string;
  value: Tensor;
  variable?: Variable;
  grad?: Tensor;
}

/**
 * Flattens a tree of parameters (Tensors or Variables in arrays and plain
 * objects) in a fixed order (arrays by index, objects by key order), with
 * the gradient at the same place in `grads` (a tree of the same structure;
 * null, undefined or missing entries mean no gradient). Shapes must match.
 */
export function flattenParameters(op: string, params: unknown, grads: unknown): FlatParameter[] {
  const out: FlatParameter[] = [];
  const walk = (p: unknown, g: unknown, path: string): void => {
    if (isTensor(p) || p instanceof Variable) {
      const value = p instanceof Variable ? p.value : p;
      const entry: FlatParameter = { path: where(path), value };
      if (p instanceof Variable) entry.variable = p;
      if (g !== null && g !== undefined) {
        if (!isTensor(g)) throw new ArgumentError(`${op}: the gradient at ${where(path)} must be a Tensor, got ${describeNode(g)}`);
        if (!sameShape(g.shape, value.shape)) {
          throw new ShapeError(
            `${op}: the gradient at ${where(path)} has shape ${formatShape(g.shape)}, but the parameter has shape ${formatShape(value.shape)}`,
          );
        }
        entry.grad = g;
      }
      out.push(entry);
      return;
    }
    if (Array.isArray(p)) {
      if (g !== null && g !== undefined && (!Array.isArray(g) || g.length !== p.length)) {
        throw new ArgumentError(`${op}: the gradients do not match the parameters at ${where(path)}: expected an array of ${p.length}, got ${describeNode(g)}`);
      }
      return p.forEach((c, i) => walk(c, (g as unknown[] | null | undefined)?.[i], `${path}[${i}]`));
    }
    if (isPlainObject(p)) {
      if (g !== null && g !== undefined) {
        if (!isPlainObject(g))
          throw new ArgumentError(`${op}: the gradients do not match the parameters at ${where(path)}: expected an object, got ${describeNode(g)}`);
        for (const k of Object.keys(g)) {
          if (!(k in p)) throw new ArgumentError(`${op}: gradient ${path}.${k} has no matching parameter`);
        }
      }
      return Object.entries(p).forEach(([k, c]) => walk(c, (g as Record<string, unknown> | null | undefined)?.[k], `${path}.${k}`));
    }
    throw new ArgumentError(`${op}: expected Tensors or arrays/objects of Tensors as parameters, found ${describeNode(p)} at ${where(path)}`);
  };
  walk(params, grads, '');
  return out;
}
