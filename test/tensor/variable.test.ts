import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

test('a Variable holds a replaceable value and works wherever a tensor does', () => {
  const v = nb.variable(nb.tensor([1, 2, 3]), { name: 'w' });
  assert.equal(v.name, 'w');
  assert.deepEqual(nb.mul(v, 2).toArray(), [2, 4, 6]);
  assert.deepEqual(nb.sum(v).item(), 6);
  v.assign(nb.tensor([4, 5, 6]));
  assert.deepEqual(v.value.toArray(), [4, 5, 6]);
  assert.throws(() => v.assign(nb.tensor([1, 2])), /assign: variable 'w' has shape \[3\], got a value of shape \[2\]/);
  assert.throws(() => v.assign(nb.tensor([1, 2, 3], [3], 'float64')), /assign: variable 'w' has dtype float32, got float64/);
});

test('grad with respect to variables differentiates code that reads them', () => {
  const w = nb.variable(nb.tensor([1, -2], [2], 'float64'));
  const b = nb.variable(nb.tensor([0.5], [1], 'float64'));
  const x = nb.tensor([[3, 4]], undefined, 'float64');
  const model = () => nb.add(nb.matmul(x, w), b); // reads the variables, takes no arguments
  const lossOf = () => nb.sum(nb.square(model()));
  const [loss, grads] = nb.valueAndGrad(lossOf)([w, b]) as unknown as [Tensor, Tensor[]];
  const r = 3 * 1 + 4 * -2 + 0.5; // the residual
  assert.equal(loss.item(), r * r);
  assert.deepEqual(grads[0]!.toArray(), [2 * r * 3, 2 * r * 4]);
  assert.deepEqual(grads[1]!.toArray(), [2 * r]);
  // after the transform the variables hold their own values again
  assert.deepEqual(w.value.toArray(), [1, -2]);
  assert.equal(w.value.node, null);
  // and one step of gradient descent lowers the loss
  w.assign(nb.sub(w, nb.mul(grads[0]!, 0.01)));
  b.assign(nb.sub(b, nb.mul(grads[1]!, 0.01)));
  assert.ok(lossOf().item() < r * r);
});

test('second derivatives with respect to a variable', () => {
  const w = nb.variable(nb.tensor([0.3, -0.7], [2], 'float64'));
  const H = nb.hessian(() => nb.sum(nb.mul(nb.sin(w), nb.sin(w))))(w);
  const e = (t: number) => 2 * Math.cos(2 * t); // d²/dt² sin²t
  assert.ok(Math.abs(H.toArray()[0][0] - e(0.3)) < 1e-12);
  assert.ok(Math.abs(H.toArray()[1][1] - e(-0.7)) < 1e-12);
  assert.equal(H.toArray()[0][1], 0);
});
