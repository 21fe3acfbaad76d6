import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { adam, exponentialDecay, rmsprop, sgd } from '../../src/optim/index.js';

const f64 = (values: number[]) => nb.tensor(values, undefined, 'float64');

test('trees: an object of variables with an object of gradients', () => {
  const params = { dense: { kernel: nb.variable(f64([1, 2])), bias: nb.variable(f64([3])) }, scale: [nb.variable(f64([4]))] };
  const grads = { dense: { kernel: f64([10, 20]), bias: f64([30]) }, scale: [f64([40])] };
  sgd({ learningRate: 0.1 }).applyGradients(grads, params);
  assert.deepEqual(params.dense.kernel.value.toArray(), [0, 0]);
  assert.deepEqual(params.dense.bias.value.toArray(), [0]);
  assert.deepEqual(params.scale[0]!.value.toArray(), [0]);
});

test('the gradients of nb.grad apply directly to the variables they came from', () => {
  const w = nb.variable(f64([1, -2]));
  const b = nb.variable(f64([0.5]));
  const loss = () => nb.sum(nb.square(nb.add(nb.mul(w, f64([3, 4])), b)));
  const opt = adam({ learningRate: 0.05 });
  const before = loss().item();
  for (let i = 0; i < 20; i++) {
    const grads = nb.grad(loss)({ w, b } as never);
    opt.applyGradients(grads, { w, b });
  }
  assert.ok(loss().item() < before);
  assert.equal(opt.iterations, 20);
});

test('null and undefined gradients are skipped, and so are non-trainable variables', () => {
  const a = nb.variable(f64([1])),
    b = nb.variable(f64([1])),
    c = nb.variable(f64([1]));
  const frozen = nb.variable(f64([1]), { trainable: false });
  const opt = sgd({ learningRate: 1 });
  opt.applyGradients([f64([1]), null, undefined, f64([1])], [a, b, c, frozen]);
  assert.deepEqual(
    [a, b, c, frozen].map((v) => v.value.item()),
    [0, 1, 1, 1],
  );
  assert.equal(opt.getState(b), undefined); // no state for a skipped variable
  // a key missing from an object of gradients, and a null subtree
  const tree = { x: nb.variable(f64([1])), y: [nb.variable(f64([1]))] };
  opt.applyGradients({ x: f64([0.5]) }, tree);
  opt.applyGradients({ x: f64([0.5]), y: null }, tree);
  assert.equal(tree.x.value.item(), 0);
  assert.equal(tree.y[0]!.value.item(), 1);
});

test('iterations counts the updates, and drives the schedule', () => {
  const opt = sgd({ learningRate: exponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 0.5 }) });
  const v = nb.variable(f64([0]));
  assert.equal(opt.iterations, 0);
  assert.equal(opt.getLearningRate(), 1);
  const seen: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = v.value.item();
    opt.applyGradients([f64([-1])], [v]);
    seen.push(v.value.item() - before);
  }
  assert.deepEqual(seen, [1, 0.5, 0.25]); // the first update uses step 0
  assert.equal(opt.iterations, 3);
  assert.equal(opt.getLearningRate(), 0.125);
  opt.applyGradients([null], [v]); // nothing to apply: nothing changes
  assert.equal(opt.iterations, 3);
});

test('updates record no autodiff graph, even inside a transform', () => {
  const v = nb.variable(f64([1, 2]));
  const opt = rmsprop({ learningRate: 0.1, momentum: 0.5, centered: true });
  opt.applyGradients([f64([0.1, 0.2])], [v]);
  assert.equal(v.value.node, null);
  // a traced gradient applied while a transform is tracing
  nb.grad((x: Tensor) => {
    const g = nb.mul(x, x);
    assert.notEqual(g.node, null);
    opt.applyGradients([g], [v]);
    return nb.sum(g);
  })(f64([0.3, 0.4]));
  assert.equal(v.value.node, null);
  const state = opt.getState(v)!;
  assert.deepEqual(Object.keys(state).sort(), ['meanGradient', 'meanSquare', 'momentum']);
  for (const t of Object.values(state)) assert.equal(t.node, null);
});

test('state is created lazily with the variable’s dtype; float32 variables stay float32', () => {
  const v32 = nb.variable(nb.tensor([1, 2, 3]));
  const v64 = nb.variable(f64([1, 2, 3]));
  const opt = adam({ learningRate: 0.1 });
  assert.equal(opt.getState(v32), undefined);
  opt.applyGradients([f64([1, 1, 1]), nb.tensor([1, 1, 1])], [v32, v64]); // gradients cast to the variable's dtype
  assert.equal(v32.dtype, 'float32');
  assert.equal(v64.dtype, 'float64');
  assert.equal(opt.getState(v32)!.m!.dtype, 'float32');
  assert.equal(opt.getState(v64)!.v!.dtype, 'float64');
  // Adam's first step moves each element by η·sign(g) (up to ε)
  const moved = (v64.value.toArray() as number[]).map((x, i) => i + 1 - x);
  for (const d of moved) assert.ok(Math.abs(d - 0.1) < 1e-6, `${d}`);
});

test('mismatched trees, shapes and argument order are reported', () => {
  const v = nb.variable(f64([1, 2]), { name: 'w' });
  const opt = sgd();
  // @ts-expect-error Tensors where Variables go fail to compile too
  assert.throws(() => opt.applyGradients([v], [f64([1, 1])]), /applyGradients: found a Tensor where a Variable was expected at \[0\]/);
  // @ts-expect-error Variables where gradients go fail to compile too
  assert.throws(() => opt.applyGradients([v], [v]), /applyGradients: found a Variable where a gradient tensor was expected at \[0\]; the gradients come first/);
  assert.throws(() => opt.applyGradients([f64([1])], [v]), /applyGradients: the gradient of 'w' at \[0\] has shape \[1\], but the variable has shape \[2\]/);
  assert.throws(
    () => opt.applyGradients([f64([1, 1]), f64([1])], [v]),
    /applyGradients: the gradients do not match the variables at the root: expected an array of 1, got an array of 2/,
  );
  // @ts-expect-error a gradient the variables lack fails to compile too
  assert.throws(() => opt.applyGradients({ w: f64([1, 1]), b: f64([1]) }, { w: v }), /applyGradients: gradient \.b has no matching variable/);
  assert.throws(() => opt.applyGradients([f64([1, 1]), f64([1, 1])], [v, v]), /applyGradients: variable 'w' appears more than once/);
  const ints = nb.variable(nb.tensor([1, 2], undefined, 'int32'), { name: 'counts' });
  assert.throws(() => opt.applyGradients([f64([1, 1])], [ints]), /sgd: variable 'counts' has dtype int32; only float32 and float64 variables can be trained/);
  assert.equal(opt.iterations, 0);
  assert.deepEqual(v.value.toArray(), [1, 2]);
});
