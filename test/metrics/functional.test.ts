import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { binaryAccuracy, categoricalAccuracy, mae, meanAbsoluteError, meanSquaredError, mse, sparseCategoricalAccuracy } from '../../src/metrics/index.js';

test('binaryAccuracy: yPred > threshold compared with the label, averaged over the last axis', () => {
  const yTrue = [[1], [0], [1], [0]];
  const yPred = [[0.7], [0.2], [0.4], [0.5]];
  // 0.7 > 0.5 → 1 = 1 ✓; 0.2 → 0 = 0 ✓; 0.4 → 0 ≠ 1 ✗; 0.5 is not > 0.5 → 0 = 0 ✓
  const acc = binaryAccuracy(yTrue, yPred);
  assert.deepEqual(acc.shape, [4]);
  assert.deepEqual(acc.toArray(), [1, 1, 0, 1]);
  assert.equal(acc.dtype, 'float32');
  // threshold 0.3: 0.4 and 0.5 now count as 1 → [✓, ✓, ✓, ✗]
  assert.deepEqual(binaryAccuracy(yTrue, yPred, 0.3).toArray(), [1, 1, 1, 0]);
  // several outputs per example: the fraction right in each row
  assert.deepEqual(
    binaryAccuracy(
      [
        [1, 0],
        [1, 1],
      ],
      [
        [0.9, 0.8],
        [0.6, 0.7],
      ],
    ).toArray(),
    [0.5, 1],
  );
  // labels [batch] for yPred [batch,1]
  assert.deepEqual(binaryAccuracy([1, 0, 1, 0], yPred).toArray(), [1, 1, 0, 1]);
});

test('categoricalAccuracy: argmax of yPred equals argmax of yTrue (first maximum on ties)', () => {
  const yTrue = [
    [0, 0, 1],
    [0, 1, 0],
    [1, 0, 0],
    [1, 0, 0],
  ];
  const yPred = [
    [0.1, 0.2, 0.7],
    [0.5, 0.3, 0.2],
    [0.4, 0.4, 0.2],
    [0.3, 0.3, 0.4],
  ];
  // row 1: argmax 2 = 2 ✓; row 2: 0 ≠ 1 ✗; row 3: tie 0.4/0.4 → 0 = 0 ✓; row 4: 2 ≠ 0 ✗
  assert.deepEqual(categoricalAccuracy(yTrue, yPred).toArray(), [1, 0, 1, 0]);
  // soft labels: their argmax
  assert.deepEqual(categoricalAccuracy([[0.2, 0.8]], [[0.1, 0.9]]).toArray(), [1]);
});

test('sparseCategoricalAccuracy: argmax of yPred equals the integer label ([batch] or [batch,1])', () => {
  const yPred = [
    [0.1, 0.2, 0.7],
    [0.5, 0.3, 0.2],
    [0.1, 0.8, 0.1],
  ];
  assert.deepEqual(sparseCategoricalAccuracy([2, 1, 1], yPred).toArray(), [1, 0, 1]);
  assert.deepEqual(sparseCategoricalAccuracy([[2], [1], [1]], yPred).toArray(), [1, 0, 1]);
  assert.deepEqual(sparseCategoricalAccuracy(nb.tensor([2, 0, 0], undefined, 'int32'), yPred).toArray(), [1, 1, 0]);
  assert.throws(() => sparseCategoricalAccuracy([[2, 1, 1]], yPred), {
    name: 'ShapeError',
    message: 'sparseCategoricalAccuracy: yTrue [1,3] must hold one class index per example of yPred [3,3] (shape [3] or [3,1])',
  });
});

test('mse and mae per example', () => {
  const yTrue = [
      [0, 1],
      [2, 2],
    ],
    yPred = [
      [1, 1],
      [2, 5],
    ];
  // row 1: (1² + 0²)/2, row 2: (0² + 3²)/2
  assert.deepEqual(meanSquaredError(yTrue, yPred).toArray(), [0.5, 4.5]);
  assert.deepEqual(mse(yTrue, yPred).toArray(), [0.5, 4.5]);
  // row 1: (1 + 0)/2, row 2: (0 + 3)/2
  assert.deepEqual(meanAbsoluteError(yTrue, yPred).toArray(), [0.5, 1.5]);
  assert.deepEqual(mae(yTrue, yPred).toArray(), [0.5, 1.5]);
});

test('shape errors name the metric and both shapes', () => {
  assert.throws(() => categoricalAccuracy(nb.zeros([32, 10]), nb.zeros([32, 3])), {
    name: 'ShapeError',
    message: 'categoricalAccuracy: yTrue [32,10] and yPred [32,3] must have the same shape',
  });
  assert.throws(() => binaryAccuracy(nb.zeros([4, 2]), nb.zeros([4, 1])), { name: 'ShapeError', message: /^binaryAccuracy: yTrue \[4,2\] and yPred \[4,1\]/ });
});
