import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { jsKernels } from '../../src/backend/js/index.js';

test('a registered backend that leaves kernels out runs them on the js reference kernels', async () => {
  let unaryCalls = 0;
  nb.registerBackend({
    name: 'partial',
    unary: (op, x) => {
      unaryCalls++;
      return jsKernels.unary(op, x);
    },
  });
  assert.ok(nb.listBackends().includes('partial'));
  nb.setBackend('partial');
  try {
    const x = nb.tensor([
      [1, 2, 3],
      [0, -1, 4],
    ]);
    assert.ok(Math.abs(nb.sum(nb.softmax(x, -1)).item() - 2) < 1e-6);
    assert.deepEqual(nb.biasActivation(x, nb.tensor([1, 1, -5]), 'relu').toArray(), [
      [2, 3, 0],
      [1, 0, 0],
    ]);
    nb.exp(x);
    assert.ok(unaryCalls > 0, 'its own kernel is used');
    const model = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3], activation: 'tanh' })]);
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const h = await model.fit(
      x,
      nb.tensor([
        [0.5, -0.5],
        [0, 1],
      ]),
      { epochs: 3, batchSize: 2, verbose: 0 },
    );
    assert.equal(h.history.loss!.length, 3);
  } finally {
    nb.setBackend('wasm');
  }
});
