import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

// Layers' output shapes are derived from the primitives' shape rules (a traced call), not written twice.

test('output shapes with unknown sizes: the batch and other null dimensions stay null', () => {
  const lstm = nb.layers.lstm({ units: 5, returnSequences: true });
  assert.deepEqual(lstm.computeOutputShape([null, null, 3]), [null, null, 5]);
  assert.deepEqual(nb.layers.lstm({ units: 4 }).computeOutputShape([null, 7, 3]), [null, 4]);
  assert.deepEqual(nb.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2 }).computeOutputShape([null, 9, 9, 1]), [null, 4, 4, 6]);
  assert.deepEqual(nb.layers.maxPooling2d({ poolSize: 2 }).computeOutputShape([null, 8, 6, 3]), [null, 4, 3, 3]);
  assert.deepEqual(nb.layers.flatten().computeOutputShape([null, 2, 3, 4]), [null, 24]);
  assert.deepEqual(nb.layers.dense({ units: 7 }).computeOutputShape([null, 3, 5]), [null, 3, 7]);
});

test("a layer that does not fit its input gets the shape rule's error when the model is built", () => {
  assert.throws(() => nb.sequential([nb.layers.dense({ units: 4, inputShape: [3] }), nb.layers.conv2d({ filters: 2, kernelSize: 2 })]), nb.NablaError);
  const model = nb.sequential([nb.layers.dense({ units: 4, inputShape: [3] }), nb.layers.reshape({ targetShape: [3, 2] })].slice(0, 1));
  assert.throws(
    () => model.add(nb.layers.reshape({ targetShape: [3, 2] })),
    (e: unknown) => e instanceof nb.ShapeError && /reshape/.test((e as Error).message),
  );
  // the model is usable after the refused layer
  assert.deepEqual(model.predict(nb.ones([2, 3])).shape, [2, 4]);
});
