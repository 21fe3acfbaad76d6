// The signature nb.jit caches plans by: the tree structure of the arguments,
// each tensor's shape and dtype, each variable's identity, and every other
// leaf (numbers, strings, options) by value or identity.
import { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';

const ids = new WeakMap<object, number>();
let nextId = 1;

/** A number naming an object for as long as it lives (a variable, a model, a function). */
function identity(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
}

/**
 * The key of an argument list: `f32[32,64]` for a tensor, `V7` for variable
 * number 7, JSON for a number or string, `[…]` and `{k:…}` for arrays and
 * plain objects, `#id` for any other object (a model, a function). Two calls
 * with the same key run the same plan.
 */
export function signatureOf(args: readonly unknown[]): string {
  let out = '';
  const walk = (t: unknown): void => {
    if (t instanceof Tensor) out += `${t.dtype}[${t.shape.join(',')}]`;
    else if (t instanceof Variable) out += `V${identity(t)}`;
    else if (Array.isArray(t)) {
      out += '[';
      for (const c of t) {
        walk(c);
        out += ',';
      }
      out += ']';
    } else if (t !== null && typeof t === 'object') {
      if (Object.getPrototypeOf(t) !== Object.prototype) {
        out += `#${identity(t)}`;
        return;
      }
      out += '{';
      for (const k of Object.keys(t)) {
        out += `${JSON.stringify(k)}:`;
        walk((t as Record<string, unknown>)[k]);
        out += ',';
      }
      out += '}';
    } else if (typeof t === 'function') out += `#${identity(t)}`;
    else if (typeof t === 'number') out += Object.is(t, -0) ? '-0' : String(t);
    else out += JSON.stringify(t) ?? String(t);
  };
  for (const a of args) {
    walk(a);
    out += ';';
  }
  return out;
}

/** The tensors of an argument tree in walk order (the order the trace made them inputs). */
export function tensorLeaves(args: readonly unknown[]): Tensor[] {
  const out: Tensor[] = [];
  const walk = (t: unknown): void => {
    if (t instanceof Tensor) out.push(t);
    else if (Array.isArray(t)) t.forEach(walk);
    else if (t !== null && typeof t === 'object' && Object.getPrototypeOf(t) === Object.prototype) Object.values(t).forEach(walk);
  };
  args.forEach(walk);
  return out;
}
