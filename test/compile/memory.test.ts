import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { wasmKernels } from '../../src/backend/index.js';
import { heapAfterGc } from '../gc.js';
import { compiledRuns } from '../../src/compile/train.js';

test('a long compiled training loop keeps memory flat: the plan holds nothing of a call', () => {
  nb.setBackend('wasm');
  const g = new nb.Generator(5);
  const X = nb.randomNormal([512, 32], 0, 1, { generator: g });
  const y = nb.oneHot(nb.argmax(nb.matmul(X, nb.randomNormal([32, 4], 0, 1, { generator: g })), 1), 4);
  const w1 = nb.variable(nb.randomNormal([32, 256], 0, 0.2, { generator: g }), { name: 'w1' }),
    b1 = nb.variable(nb.zeros([256]), { name: 'b1' }),
    w2 = nb.variable(nb.randomNormal([256, 4], 0, 0.2, { generator: g }), { name: 'w2' }),
    b2 = nb.variable(nb.zeros([4]), { name: 'b2' });
  const vars = [w1, b1, w2, b2];
  const loss = (xb: Tensor, yb: Tensor) => {
    const h = nb.relu(nb.add(nb.matmul(xb, w1), b1));
    const logits = nb.add(nb.matmul(h, w2), b2);
    return nb.neg(nb.mean(nb.sum(nb.mul(yb, nb.logSoftmax(logits, -1)), -1)));
  };
  // the whole step (forward, backward, SGD update of the variables) is one plan
  const step = nb.jit((xb: Tensor, yb: Tensor) => {
    const [l, grads] = nb.valueAndGrad((_: nb.Variable[]) => loss(xb, yb))(vars) as [Tensor, Tensor[]];
    nb.noGrad(() => vars.forEach((v, i) => v.assign(nb.sub(v, nb.mul(grads[i]!, 0.1)))));
    return l;
  });
  const batches = Array.from({ length: 8 }, (_, i) => [nb.slice(X, [i * 64, 0], [64, -1]), nb.slice(y, [i * 64, 0], [64, -1])] as const);
  const epoch = () => {
    let last = 0;
    for (const [xb, yb] of batches) last = step(xb, yb).item();
    return last;
  };
  const first = epoch();
  for (let e = 0; e < 20; e++) epoch(); // warm up
  assert.equal(step.stats.traces, 1);
  const heapOf = wasmKernels()!.heap;
  const heap = heapAfterGc();
  let final = 0,
    most = 0;
  for (let e = 0; e < 100; e++) {
    final = epoch();
    most = Math.max(most, heapOf.memoryBytes);
  }
  const heapGrowth = heapAfterGc() - heap;
  assert.equal(step.stats.traces, 1, 'one plan throughout');
  assert.ok(final < first * 0.5, `the loss fell from ${first} to ${final}`);
  assert.ok(most <= 192 * 1024 * 1024, `linear memory reached ${most} bytes`);
  assert.ok(heapGrowth < 2 * 1024 * 1024, `the JS heap grew by ${heapGrowth} bytes over 100 epochs`);
});

test('plans nobody disposes give their blocks back when they are garbage-collected (dropped jitted functions and models)', async () => {
  nb.setBackend('wasm');
  const heapOf = wasmKernels()!.heap;
  const x = nb.randomNormal([1024, 1024], 0, 1, { generator: new nb.Generator(3) });
  // each plan holds a few blocks of 4 MiB (the intermediates of f); 60 plans kept would hold
  // about 1 GiB of linear memory
  const once = () => {
    const f = nb.jit((a: Tensor) => nb.sum(nb.exp(nb.mul(nb.tanh(a), 0.5)), -1));
    const y = f(x);
    assert.equal(f.stats.traces, 1);
    assert.ok(f.plan(x)!.memory.bytes >= 4 * 1024 * 1024, 'the plan holds its intermediates');
    return y.shape[0];
  };
  once();
  heapAfterGc();
  await new Promise((r) => setImmediate(r));
  const start = heapOf.memoryBytes;
  for (let i = 0; i < 60; i++) {
    assert.equal(once(), 1024);
    heapAfterGc();
    await new Promise((r) => setImmediate(r)); // finalizers run between turns
  }
  const growth = heapOf.memoryBytes - start;
  assert.ok(growth <= 64 * 1024 * 1024, `linear memory grew by ${growth} bytes over 60 dropped plans`);
});

test('models trained one after another in a loop that never yields to a task give their compiled steps back', async () => {
  nb.setBackend('wasm');
  const heapOf = wasmKernels()!.heap;
  const g = new nb.Generator(8);
  const x = nb.randomNormal([256, 784], 0, 1, { generator: g });
  const y = nb.oneHot(
    nb.tensor(
      Array.from({ length: 256 }, (_, i) => i % 10),
      [256],
      'int32',
    ),
    10,
  );
  const train = async () => {
    const m = nb.sequential([nb.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }), nb.layers.dense({ units: 10, activation: 'softmax' })]);
    m.compile({ optimizer: nb.optimizers.adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
    const before = compiledRuns.traces;
    await m.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 }); // awaits only microtasks: finalizers never get a task
    assert.equal(compiledRuns.traces, before + 1, 'the step was compiled');
  };
  await train();
  const start = heapOf.memoryBytes;
  // each model's kept step holds about 10 MB of plan blocks (weights, Adam's moments, gradients, activations)
  for (let i = 0; i < 24; i++) await train();
  const growth = heapOf.memoryBytes - start;
  assert.ok(growth <= 96 * 1024 * 1024, `linear memory grew by ${growth} bytes over 24 dropped models`);
});
