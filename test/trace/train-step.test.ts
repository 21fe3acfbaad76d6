import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

/** The tensors of a tree in the order nb.trace names its inputs (arrays by index, objects by key). */
function flat(t: unknown, out: nb.Tensor[] = []): nb.Tensor[] {
  if (t instanceof nb.Tensor) out.push(t);
  else if (Array.isArray(t)) t.forEach((c) => flat(c, out));
  else if (t !== null && typeof t === 'object') Object.values(t).forEach((c) => flat(c, out));
  return out;
}
const typeOf = (v: { shape: readonly (number | string)[] }) => `[${v.shape.join(',')}]`;

test('one traced training step of the digits MLP: forward, softmax cross-entropy, backward and the Adam update, with shapes', () => {
  nb.seed(4);
  const model = nb.sequential([
    nb.layers.dense({ units: 64, activation: 'relu', inputShape: [64] }),
    nb.layers.dense({ units: 64, activation: 'relu' }),
    nb.layers.dense({ units: 10, activation: 'softmax' }),
  ]);
  const step = nb.makeTrainStep(model, { loss: 'categoricalCrossentropy', optimizer: nb.optimizers.adam({ learningRate: 2e-3 }) });
  const batch = (m: number) => ({
    x: nb.randomUniform([m, 64], 0, 16),
    y: nb.oneHot(
      nb.tensor(
        Array.from({ length: m }, (_, i) => i % 10),
        [m],
        'int32',
      ),
      10,
    ),
  });
  // one eager step first, so the optimiser's moments are inputs rather than the zeros of step 1
  const { params, optState, state } = step(step.params(), step.initOptState(), batch(8), step.state());
  const program = nb.trace(step, { name: 'trainStep' })(
    params,
    optState,
    { x: nb.spec([null, 64], 'float32', 'x'), y: nb.spec([null, 10], 'float32', 'y') },
    state,
  );

  const eqs = (prim: string) => program.equations.filter((e) => e.prim === prim);
  const shapes = (prim: string) => eqs(prim).map((e) => `${e.inputs.map(typeOf).join(' ')} → ${e.outputs.map(typeOf).join(' ')}`);
  // forward: x·W + b with relu fused, then the softmax
  assert.deepEqual(shapes('matmul').slice(0, 3), ['[m,64] [64,64] → [m,64]', '[m,64] [64,64] → [m,64]', '[m,64] [64,10] → [m,10]']);
  assert.deepEqual(
    eqs('biasActivation').map((e) => (e.attrs as { activation: string }).activation),
    ['relu', 'relu'],
  );
  assert.equal(eqs('softmax').length, 1);
  assert.equal(eqs('log').length, 1, 'the cross-entropy −Σ y·log ŷ');
  // backward: dW = Aᵀ·dZ for each layer ([64,m]ᵀ-by-[m,n] products) and dA = dZ·Wᵀ
  const matmuls = shapes('matmul');
  for (const s of ['[m,64] [m,10] → [64,10]', '[m,64] [m,64] → [64,64]', '[m,10] [64,10] → [m,64]'])
    assert.ok(matmuls.includes(s), `${s} in ${matmuls.join('; ')}`);
  // the Adam update of each of the 6 parameters, with its shape
  assert.deepEqual(
    eqs('adamUpdate').map((e) => typeOf(e.outputs[0]!)),
    ['[64,64]', '[64]', '[64,64]', '[64]', '[64,10]', '[10]'],
  );
  assert.match(program.toString(), /= adamUpdate\{beta1=0\.9 beta2=0\.999 .*\} dense_1\.kernel:f32\[64,64\] \w+:f32\[64,64\] /);
  assert.equal(program.constants.filter((c) => c.value.rank > 0).length, 0, 'no parameter or moment is baked in');

  // the program computes the step: run it on a batch of another size and compare with the eager step
  const b = batch(5);
  const eager = step(params, optState, b, state);
  const { outputs } = nb.runProgram(program, flat([params, optState, b, state]));
  const traced = outputs as typeof eager;
  for (const k of Object.keys(eager.params)) {
    const x = traced.params[k]!.data(),
      y = eager.params[k]!.data();
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= 1e-6 * (1 + Math.abs(y[i]!)), `${k}[${i}]: ${x[i]} vs ${y[i]}`);
  }
  assert.ok(Math.abs(traced.loss.item() - eager.loss.item()) < 1e-5);
});
