import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { ArgumentError } from '../../src/core/errors.js';

const f64 = (v: nb.NestedArray) => nb.tensor(v, undefined, 'float64');

// loss = Σ (w·x)², aux = the predictions w·x and a label
const model = (w: Tensor, x: Tensor): [Tensor, { pred: Tensor; name: string }] => {
  const pred = nb.mul(w, x);
  return [nb.sum(nb.square(pred)), { pred, name: 'p' }];
};

test('valueAndGrad with hasAux returns [[loss, aux], grads] and the same gradient as without aux', () => {
  const w = f64([1, 2]),
    x = f64([3, 4]);
  const [[loss, aux], g] = nb.valueAndGrad(model, { hasAux: true })(w, x);
  const plain = nb.valueAndGrad((a: Tensor, b: Tensor) => model(a, b)[0]);
  const [loss0, g0] = plain(w, x);
  assert.deepEqual(loss.toArray(), loss0.toArray());
  assert.deepEqual((g as Tensor).toArray(), (g0 as Tensor).toArray()); // ∂/∂w = 2(w·x)·x
  assert.deepEqual(aux.pred.toArray(), nb.mul(w, x).toArray());
  assert.equal(aux.name, 'p');
  // at top level the aux carries no graph
  assert.equal((aux.pred as unknown as { node?: unknown }).node ?? null, null);
});

test('grad with hasAux returns [grads, aux]; argnums still select the arguments', () => {
  const w = f64([1, 2]),
    x = f64([3, 4]);
  const [gs, aux] = nb.grad(model, { hasAux: true, argnums: [0, 1] })(w, x);
  const [gw, gx] = gs as Tensor[];
  assert.deepEqual(gw!.toArray(), [2 * 3 * 3, 2 * 8 * 4]);
  assert.deepEqual(gx!.toArray(), [2 * 3 * 1, 2 * 8 * 2]);
  assert.deepEqual(aux.pred.toArray(), [3, 8]);
});

test('hasAux nests: the aux of an inner grad is still differentiable by an outer grad', () => {
  // outer: d/dw of Σ aux where aux = w² from the inner function
  const outer = nb.grad((w: Tensor) => {
    const [, aux] = nb.grad((v: Tensor): [Tensor, Tensor] => [nb.sum(v), nb.square(v)], { hasAux: true })(w);
    return nb.sum(aux);
  });
  assert.deepEqual(outer(f64([1, 3])).toArray(), [2, 6]);
});

test('hasAux: a function that does not return a pair is an ArgumentError', () => {
  const f = nb.valueAndGrad(((w: Tensor) => nb.sum(w)) as unknown as (w: Tensor) => [Tensor, unknown], { hasAux: true });
  assert.throws(
    () => f(f64([1])),
    (e: unknown) => e instanceof ArgumentError && /pair \[loss, aux\]/.test((e as Error).message),
  );
  assert.throws(() => nb.grad((w: Tensor) => nb.sum(w), { hasAux: 'yes' as unknown as boolean }), ArgumentError);
});
