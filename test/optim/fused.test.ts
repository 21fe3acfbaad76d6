import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { kernels } from '../../src/backend/index.js';
import { wasmKernels } from '../../src/backend/index.js';

// Adam's update runs as one fused kernel. It must give, bit for bit, what the
// separate ops of its formula give (each op rounds to the dtype), on both
// backends and in both float dtypes: the PyTorch trajectories in
// fixtures.test.ts then hold for the fused path as they did for the ops.

const g = new nb.Generator(31);
const rnd = (n: number, dtype: 'float32' | 'float64', scale = 1) => nb.cast(nb.mul(nb.randomNormal([n], 0, 1, { generator: g }), scale), dtype);

/** The update with public ops: m' = β₁m + (1 − β₁)g, v' = β₂v + (1 − β₂)g², θ' = θ − (m'·s)/(√v'/r + ε). */
function composite(value: Tensor, grad: Tensor, m: Tensor, v: Tensor, b1: number, b2: number, stepSize: number, root2: number, eps: number): Tensor[] {
  const m2 = nb.add(nb.mul(m, b1), nb.mul(grad, 1 - b1));
  const v2 = nb.add(nb.mul(v, b2), nb.mul(nb.square(grad), 1 - b2));
  return [nb.sub(value, nb.div(nb.mul(m2, stepSize), nb.add(nb.div(nb.sqrt(v2), root2), eps))), m2, v2];
}

for (const backend of ['js', 'wasm']) {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`${backend} ${dtype}: the fused Adam kernel equals the ops of its formula bit for bit`, () => {
      nb.setBackend(backend);
      const saved = wasmKernels()!.minElements;
      try {
        for (const n of [1, 7, 64, 1031]) {
          const value = rnd(n, dtype),
            grad = rnd(n, dtype, 0.1),
            m = rnd(n, dtype, 0.01),
            v = nb.abs(rnd(n, dtype, 0.001));
          const [b1, b2, eps, lr, t] = [0.9, 0.999, 1e-7, 3e-3, 5];
          const stepSize = lr / (1 - b1 ** t),
            root2 = Math.sqrt(1 - b2 ** t);
          wasmKernels()!.minElements = 1;
          const fused = kernels().adam(value.storage as never, grad.storage as never, m.storage as never, v.storage as never, {
            beta1: b1,
            beta2: b2,
            stepSize,
            root2,
            epsilon: eps,
          });
          const ops = composite(value, grad, m, v, b1, b2, stepSize, root2, eps);
          ['value', 'm', 'v'].forEach((name, i) => {
            assert.equal(fused[i]!.constructor, ops[i]!.storage.constructor, `${name}: dtype`);
            assert.deepEqual([...fused[i]!], [...ops[i]!.storage], `${name}, n = ${n}`);
          });
        }
      } finally {
        wasmKernels()!.minElements = saved;
        nb.setBackend('wasm');
      }
    });
  }
}

test('Adam and AdamW steps on float32 and float64 variables take the fused kernel', () => {
  nb.setBackend('wasm');
  const k = kernels();
  const original = k.adam;
  let calls = 0;
  k.adam = (...args) => {
    calls++;
    return original.apply(k, args);
  };
  try {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const opt of [nb.optimizers.adam(), nb.optimizers.adamw()]) {
        const w = nb.variable(rnd(300, dtype));
        const before = calls;
        opt.applyGradients([rnd(300, dtype, 0.1)], [w]);
        assert.equal(calls, before + 1, `${opt.constructor.name} ${dtype}`);
      }
    }
  } finally {
    k.adam = original;
  }
});
