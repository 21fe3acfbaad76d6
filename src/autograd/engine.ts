import type { Tensor } from '../tensor/tensor.js';
import type { Node } from './tape.js';
import { add, cast } from '../ops/arithmetic.js';
import { primitives } from '../ops/primitives.js';
import type { Prim, PrimDef } from '../ops/prim.js';
import { sumTo } from '../ops/shape.js';

/**
 * Reverse-mode accumulation (the chain rule, applied backwards through the
 * recorded graph). Given output tensors with their cotangents, returns
 * Σ cotangent · ∂output/∂target for each target node, or null where a target
 * does not influence the outputs.
 *
 * Only nodes on a path from a target to an output are visited; since node ids
 * grow monotonically, nodes older than every target are never explored. The
 * backward rules run through the public ops, so when an outer transform is
 * tracing, this computation is itself recorded (higher-order derivatives).
 */
export function backward(outputs: readonly Tensor[], cotangents: readonly Tensor[], targets: readonly Node[]): (Tensor | null)[] {
  const targetSet = new Set(targets);
  let minId = Infinity;
  for (const t of targets) minId = Math.min(minId, t.id);

  // 1. which nodes lead to a target (iterative post-order DFS; targets are not expanded)
  const relevant = new Map<Node, boolean>();
  const order: Node[] = []; // post-order: inputs before the nodes that use them
  const visit = (root: Node): void => {
    const stack: [Node, number][] = [[root, 0]];
    while (stack.length) {
      const frame = stack[stack.length - 1]!;
      const [node, i] = frame;
      if (i === 0 && relevant.has(node)) {
        stack.pop();
        continue;
      }
      if (targetSet.has(node) || node.id < minId) {
        relevant.set(node, targetSet.has(node));
        if (targetSet.has(node)) order.push(node);
        stack.pop();
        continue;
      }
      if (i < node.inputs.length) {
        frame[1]++;
        const child = node.inputs[i]!.node;
        if (child && !relevant.has(child)) stack.push([child, 0]);
        continue;
      }
      const r = node.inputs.some((t) => t.node !== null && relevant.get(t.node) === true);
      relevant.set(node, r);
      if (r) order.push(node);
      stack.pop();
    }
  };
  for (const out of outputs) if (out.node) visit(out.node);

  // 2. seed the cotangents and propagate them in reverse topological order
  const grads = new Map<Node, Tensor>();
  const accumulate = (node: Node, g: Tensor): void => {
    const prev = grads.get(node);
    grads.set(node, prev ? add(prev, g) : g);
  };
  outputs.forEach((out, i) => {
    if (out.node && relevant.get(out.node)) accumulate(out.node, fitTo(cotangents[i]!, out));
  });
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    if (targetSet.has(node)) continue;
    const g = grads.get(node);
    if (!g) continue;
    grads.delete(node); // intermediate cotangents are not needed once propagated
    const needs = node.inputs.map((t) => t.node !== null && relevant.get(t.node) === true);
    const def = primitives[node.prim as Prim] as PrimDef<Prim>;
    const inputGrads = def.backward(g, node.inputs, node.output, node.attrs as never, needs);
    node.inputs.forEach((input, i) => {
      const gi = inputGrads[i];
      if (needs[i] && gi) accumulate(input.node!, fitTo(gi, input));
    });
  }
  return targets.map((t) => grads.get(t) ?? null);
}

/** g summed back to x's shape (undoing broadcasting) and cast to x's dtype. */
function fitTo(g: Tensor, x: Tensor): Tensor {
  const s = sumTo(g, x.shape);
  return s.dtype === x.dtype ? s : cast(s, x.dtype);
}
