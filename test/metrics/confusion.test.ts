import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { confusionMatrix, f1, precision, recall } from '../../src/metrics/index.js';

const near = (actual: number | number[], expected: number | number[], what = '') => {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  assert.equal(a.length, e.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) < 1e-15, `${what}[${i}]: ${v} vs ${e[i]}`));
};

// Three classes, nine examples:
//   labels      0 0 0 1 1 2 2 2 2
//   predictions 0 0 0 1 2 2 2 0 1
// Rows are the true class, columns the predicted class:
//   true 0 → predicted 0,0,0      [3, 0, 0]
//   true 1 → predicted 1,2        [0, 1, 1]
//   true 2 → predicted 2,2,0,1    [1, 1, 2]
// Column sums (predicted counts) 4, 2, 3; row sums (true counts) 3, 2, 4.
//   precision = diagonal / column sum = 3/4, 1/2, 2/3  → macro (9 + 6 + 8)/36 = 23/36
//   recall    = diagonal / row sum    = 3/3, 1/2, 2/4  → macro (1 + 1/2 + 1/2)/3 = 2/3
//   F1 = 2PR/(P + R): class 0: 2·(3/4)·1/(7/4) = 6/7; class 1: 1/2;
//        class 2: 2·(2/3)·(1/2)/(7/6) = 4/7          → macro (6/7 + 1/2 + 4/7)/3 = 9/14
const labels = [0, 0, 0, 1, 1, 2, 2, 2, 2];
const predictions = [0, 0, 0, 1, 2, 2, 2, 0, 1];

test('confusionMatrix: rows are the true class, columns the predicted class', () => {
  assert.deepEqual(confusionMatrix(labels, predictions), [
    [3, 0, 0],
    [0, 1, 1],
    [1, 1, 2],
  ]);
  assert.deepEqual(confusionMatrix([0, 1, 1, 2], [0, 2, 1, 2]), [
    [1, 0, 0],
    [0, 1, 1],
    [0, 0, 1],
  ]);
  // numClasses adds empty classes
  assert.deepEqual(confusionMatrix([0, 1], [1, 1], 3), [
    [0, 1, 0],
    [0, 1, 0],
    [0, 0, 0],
  ]);
  // the largest index in either argument sets the size
  assert.deepEqual(confusionMatrix([0, 0], [0, 2]), [
    [1, 0, 1],
    [0, 0, 0],
    [0, 0, 0],
  ]);
  assert.deepEqual(confusionMatrix([], []), []);
});

test('confusionMatrix accepts typed arrays and tensors; [n,K] tensors are reduced by argmax', () => {
  const expected = [
    [3, 0, 0],
    [0, 1, 1],
    [1, 1, 2],
  ];
  assert.deepEqual(confusionMatrix(Int32Array.from(labels), Int32Array.from(predictions)), expected);
  assert.deepEqual(confusionMatrix(nb.tensor(labels, undefined, 'int32'), nb.tensor(predictions)), expected);
  assert.deepEqual(confusionMatrix(nb.reshape(nb.tensor(labels), [9, 1]), predictions), expected, 'labels [n,1]');
  const oneHotLabels = nb.oneHot(labels, 3);
  const scores = nb.add(nb.oneHot(predictions, 3), 0.1); // the predicted class has the largest score
  assert.deepEqual(confusionMatrix(oneHotLabels, scores), expected);
});

test('confusionMatrix errors', () => {
  assert.throws(() => confusionMatrix([0, 1], [0]), {
    name: 'ShapeError',
    message: 'confusionMatrix: labels (2 examples) and predictions (1 examples) must have the same length',
  });
  assert.throws(() => confusionMatrix([0, 1], [0, 0.7]), {
    name: 'ArgumentError',
    message: /^confusionMatrix: predictions must be non-negative integer class indices, got 0.7 at index 1/,
  });
  assert.throws(() => confusionMatrix([-1, 1], [0, 0]), { name: 'ArgumentError', message: /labels must be non-negative integer class indices, got -1/ });
  assert.throws(() => confusionMatrix([0, 3], [0, 0], 3), {
    name: 'ArgumentError',
    message: 'confusionMatrix: class index 3 is out of range for numClasses 3',
  });
  assert.throws(() => confusionMatrix([0], [0], 0), { name: 'ArgumentError', message: /numClasses must be a positive integer, got 0/ });
  assert.throws(() => confusionMatrix(nb.zeros([2, 2, 2]), [0, 0]), { name: 'ShapeError', message: /labels must have shape \[n\], \[n,1\] or \[n,K\]/ });
});

test('precision, recall and f1: macro and per class (hand-derived above)', () => {
  near(precision(labels, predictions), 23 / 36, 'macro precision');
  near(recall(labels, predictions), 2 / 3, 'macro recall');
  near(f1(labels, predictions), 9 / 14, 'macro f1');
  near(precision(labels, predictions, { average: 'macro' }), 23 / 36);
  near(precision(labels, predictions, { average: 'none' }), [3 / 4, 1 / 2, 2 / 3], 'precision per class');
  near(recall(labels, predictions, { average: 'none' }), [1, 1 / 2, 1 / 2], 'recall per class');
  near(f1(labels, predictions, { average: 'none' }), [6 / 7, 1 / 2, 4 / 7], 'f1 per class');
  // the macro F1 is the mean of per-class F1s, not the F1 of macro precision and recall
  assert.notEqual(f1(labels, predictions), (2 * (23 / 36) * (2 / 3)) / (23 / 36 + 2 / 3));
});

test('zero division gives 0 (scikit-learn’s zero_division=0)', () => {
  // labels 0 0 1 1, every prediction 0: class 1 is never predicted.
  //   class 0: precision 2/4, recall 2/2, F1 2·(1/2)·1/(3/2) = 2/3
  //   class 1: precision 0/0 → 0, recall 0/2 = 0, F1 → 0
  near(precision([0, 0, 1, 1], [0, 0, 0, 0], { average: 'none' }), [0.5, 0]);
  near(recall([0, 0, 1, 1], [0, 0, 0, 0], { average: 'none' }), [1, 0]);
  near(f1([0, 0, 1, 1], [0, 0, 0, 0], { average: 'none' }), [2 / 3, 0]);
  near(precision([0, 0, 1, 1], [0, 0, 0, 0]), 0.25);
  near(recall([0, 0, 1, 1], [0, 0, 0, 0]), 0.5);
  near(f1([0, 0, 1, 1], [0, 0, 0, 0]), 1 / 3);
  // class 1 predicted but never true: recall 0/0 → 0, precision 0/1 = 0
  near(recall([0, 0], [0, 1], { average: 'none' }), [0.5, 0]);
  near(precision([0, 0], [0, 1], { average: 'none' }), [1, 0]);
});

test('a class that occurs in neither labels nor predictions scores 0 per class and is left out of the macro average', () => {
  near(precision([0, 1], [0, 1], { numClasses: 3, average: 'none' }), [1, 1, 0]);
  near(precision([0, 1], [0, 1], { numClasses: 3 }), 1);
  near(f1([0, 1], [0, 1], { numClasses: 3 }), 1);
  // nothing at all: 0
  near(precision([], []), 0);
});

test('precision options are validated', () => {
  assert.throws(() => precision([0], [0], { average: 'micro' as 'macro' }), {
    name: 'ArgumentError',
    message: `precision: average must be 'macro' or 'none', got "micro"`,
  });
  assert.throws(() => recall([0, 5], [0, 1], { numClasses: 2 }), { name: 'ArgumentError', message: 'recall: class index 5 is out of range for numClasses 2' });
});
