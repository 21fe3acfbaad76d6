import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Program } from '../../src/index.js';

const close = (a: nb.Tensor, b: nb.Tensor, tol = 1e-5) => {
  assert.deepEqual(a.shape, b.shape);
  const x = a.data(),
    y = b.data();
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(Number(x[i]) - Number(y[i])) <= tol * (1 + Math.abs(Number(y[i]))), `entry ${i}: ${x[i]} vs ${y[i]}`);
};
const eq = (p: Program, prim: string) => p.equations.filter((e) => e.prim === prim);
const typeOf = (v: { shape: readonly (number | string)[] }) => `[${v.shape.join(',')}]`;

// The seed article's three-layer network, one example per column (examples/02):
// Z1 = W1·X + b1, A1 = relu(Z1); Z2 = W2·A1 + b2, A2 = tanh(Z2); Z3 = W3·A2 + b3, A3 = σ(Z3)
nb.seed(0);
const P = {
  W1: nb.randomNormal([16, 64], 0, 0.1),
  b1: nb.zeros([16, 1]),
  W2: nb.randomNormal([8, 16], 0, 0.3),
  b2: nb.zeros([8, 1]),
  W3: nb.randomNormal([1, 8], 0, 0.3),
  b3: nb.zeros([1, 1]),
};
type Params = typeof P;
const forward = (p: Params, X: nb.Tensor) => {
  const A1 = nb.relu(nb.add(nb.matmul(p.W1, X), p.b1));
  const A2 = nb.tanh(nb.add(nb.matmul(p.W2, A1), p.b2));
  return nb.sigmoid(nb.add(nb.matmul(p.W3, A2), p.b3));
};
const cost = (p: Params, X: nb.Tensor, y: nb.Tensor) => {
  const A3 = forward(p, X);
  return nb.neg(nb.mean(nb.add(nb.mul(y, nb.log(A3)), nb.mul(nb.sub(1, y), nb.log(nb.sub(1, A3))))));
};

test("the seed network traced with a symbolic batch m has the seed table's shapes", () => {
  const p = nb.trace(forward)(P, nb.spec([64, null], 'float32', 'X'));
  assert.deepEqual(
    p.inputs.map((v) => `${v.name}${typeOf(v)}`),
    ['W1[16,64]', 'b1[16,1]', 'W2[8,16]', 'b2[8,1]', 'W3[1,8]', 'b3[1,1]', 'X[64,m]'],
  );
  const mm = eq(p, 'matmul');
  assert.deepEqual(
    mm.map((e) => `${e.inputs.map(typeOf).join('·')}→${typeOf(e.outputs[0]!)}`),
    ['[16,64]·[64,m]→[16,m]', '[8,16]·[16,m]→[8,m]', '[1,8]·[8,m]→[1,m]'],
  );
  // Z = W·A + b: the bias (n,1) broadcast over the m columns
  const adds = eq(p, 'add').filter((e) => /^b\d$/.test(e.inputs[1]!.name));
  assert.deepEqual(
    adds.map((e) => `${e.inputs.map(typeOf).join('+')}→${typeOf(e.outputs[0]!)}`),
    ['[16,m]+[16,1]→[16,m]', '[8,m]+[8,1]→[8,m]', '[1,m]+[1,1]→[1,m]'],
  );
  assert.equal(typeOf(p.outputs[0]!), '[1,m]');
  const text = p.toString();
  assert.match(text, /^program forward\(W1:f32\[16,64\], b1:f32\[16,1\], .*X:f32\[64,m\]\)/);
  assert.match(text, /a: f32\[16,m\] = matmul W1:f32\[16,64\] X:f32\[64,m\]/);
  assert.match(text, /tanh /);
});

test("the traced gradient is the backward program: dW has W's shape, computed from m-wide matrices", () => {
  const g = nb.trace(nb.grad(cost))(P, nb.spec([64, null], 'float32', 'X'), nb.spec([1, null], 'float32', 'y'));
  assert.deepEqual(g.outputs.map(typeOf), ['[16,64]', '[16,1]', '[8,16]', '[8,1]', '[1,8]', '[1,1]']);
  // dW1 = dZ1·Xᵀ: a matmul of [16,m] by [64,m] transposed; db1 = Σ_m dZ1 over the batch axis
  assert.ok(
    eq(g, 'matmul').some((e) => typeOf(e.outputs[0]!) === '[16,64]' && e.inputs.some((v) => v.name === 'X') && (e.attrs as { transB: boolean }).transB),
  );
  assert.ok(eq(g, 'sum').some((e) => typeOf(e.inputs[0]!) === '[16,m]' && typeOf(e.outputs[0]!) === '[16]'));
  // no value computed from the stand-in size is baked in: the only constants are literals
  assert.deepEqual(
    g.constants.filter((c) => c.value.rank > 0).map((c) => c.var.name),
    [],
  );
  // the mean divides by m, printed as m
  assert.match(g.toString(), /= div \w+:f32\[\] m\b/);
});

test('a traced program runs on data of any batch size and equals the function', () => {
  const prog = nb.trace(nb.valueAndGrad(cost))(P, nb.spec([64, null], 'float32', 'X'), nb.spec([1, null], 'float32', 'y'));
  for (const m of [1, 5, 12]) {
    const X = nb.randomUniform([64, m]),
      y = nb.cast(nb.greater(nb.randomUniform([1, m]), 0.5), 'float32');
    const [value, grads] = nb.valueAndGrad(cost)(P, X, y) as [nb.Tensor, Params];
    const { outputs } = nb.runProgram(prog, [...Object.values(P), X, y]);
    const [v2, g2] = outputs as [nb.Tensor, Params];
    close(v2, value);
    for (const k of Object.keys(P) as (keyof Params)[]) close(g2[k], grads[k]);
  }
});

test('a model traces with its variables as named inputs, and is left as it was', () => {
  nb.seed(1);
  const model = nb.sequential([
    nb.layers.dense({ units: 32, activation: 'relu', inputShape: [64] }),
    nb.layers.batchNormalization(),
    nb.layers.dense({ units: 10, activation: 'softmax' }),
  ]);
  const before = model.getWeights().map((w) => w.data());
  const p = nb.trace(model, { training: true })(nb.spec([null, 64]));
  const names = p.params.map((q) => q.var.name);
  for (const n of ['dense_1.kernel', 'dense_1.bias', 'dense_2.kernel', 'dense_2.bias'])
    assert.ok(
      names.some((x) => x.startsWith(n.split('.')[0]!.replace(/\d+$/, '')) && x.endsWith(n.split('.')[1]!)),
      `${n} in ${names}`,
    );
  assert.equal(p.constants.filter((c) => c.value.rank > 0 && c.value.size > 64).length, 0, 'no weight is baked in as a constant');
  // batch norm in training mode assigns its moving statistics: they are outputs of the program
  assert.deepEqual(p.updates.map((u) => u.variable.split('/')[1]).sort(), ['movingMean', 'movingVariance']);
  assert.deepEqual(
    p.updates.map((u) => typeOf(u.value)),
    ['[32]', '[32]'],
  );
  model.getWeights().forEach((w, i) => assert.deepEqual(w.data(), before[i]));
  assert.equal(
    model.getWeights().every((w) => w.placeholder === null),
    true,
  );
  // the program computes what the model computes
  const x = nb.randomNormal([7, 64]);
  const params = Object.fromEntries(model.namedParameters().map(([, v]) => [v.name, v.value]));
  const { outputs, updates } = nb.runProgram(p, [x], params);
  const expected = model.call(x, true);
  close(outputs as nb.Tensor, expected);
  const bn = model.layers[1]!.namedParameters();
  for (const [, v] of bn) if (!v.trainable) close(updates[v.name]!, v.value);
});

test('reading a traced value is a TraceError that says why and names the op', () => {
  const cases: [string, (x: nb.Tensor) => unknown][] = [
    ['item', (x) => nb.sum(x).item()],
    ['data', (x) => x.data()],
    ['toArray', (x) => nb.relu(x).toArray()],
    ['item', (x) => (nb.greater(nb.max(x), 0).item() ? x : nb.neg(x))],
  ];
  for (const [op, f] of cases) {
    assert.throws(
      () => nb.trace(f)(nb.spec([null, 3])),
      (e: unknown) =>
        e instanceof nb.TraceError && new RegExp(`^${op}: cannot read the values of .*while nb.trace runs.*cannot depend on data`).test((e as Error).message),
      op,
    );
  }
  assert.throws(() => nb.trace(() => nb.trace((x: nb.Tensor) => x)(nb.spec([2])))(), nb.TraceError);
  assert.throws(() => nb.spec([-1]), nb.ArgumentError);
  assert.throws(() => nb.trace(42 as never), nb.ArgumentError);
  // after a failed trace, ordinary code runs as before
  assert.equal(nb.sum(nb.ones([3])).item(), 3);
});

test('trace goes through vjp, jacobian and hvp', () => {
  const f = (x: nb.Tensor) => nb.sum(nb.mul(x, nb.sin(x)));
  const h = nb.trace((x: nb.Tensor, v: nb.Tensor) => nb.hvp(f)(x, v))(nb.spec([5], 'float64'), nb.spec([5], 'float64'));
  const x = nb.randomNormal([5], 0, 1, { dtype: 'float64' }),
    v = nb.randomNormal([5], 0, 1, { dtype: 'float64' });
  close(nb.runProgram(h, [x, v]).outputs as nb.Tensor, nb.hvp(f)(x, v), 1e-12);
  const J = nb.trace(nb.jacobian((t: nb.Tensor) => nb.tanh(t)))(nb.spec([3]));
  assert.deepEqual(J.outputs[0]!.shape, [3, 3]);
  const [, pull] = nb.vjp((t: nb.Tensor) => nb.exp(t), nb.ones([2]));
  assert.ok(pull);
});

test('zeros of a symbolic shape are an equation, not a constant of the stand-in size', () => {
  const p = nb.trace((x: nb.Tensor) => nb.add(x, nb.zeros([x.shape[0]!, 4])))(nb.spec([null, 4]));
  assert.equal(eq(p, 'broadcastTo').length, 1);
  assert.equal(
    p.constants.every((c) => c.value.size === 1),
    true,
  );
  close(nb.runProgram(p, [nb.ones([3, 4])]).outputs as nb.Tensor, nb.ones([3, 4]));
});

test('runProgram: an output that is a constant of the program comes back as its value', () => {
  const program = nb.trace((x: nb.Tensor) => [nb.tensor([1, 2]), nb.sum(x)])(nb.spec([null, 3]));
  const { outputs } = nb.runProgram(program, [nb.ones([2, 3])]) as { outputs: nb.Tensor[] };
  assert.deepEqual(outputs[0]!.toArray(), [1, 2]);
  assert.equal(outputs[1]!.item(), 6);
});
