import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

test('toCategorical one-hot encodes labels as float32', () => {
  const t = nb.data.toCategorical([0, 2, 1, 2]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.toArray(), [
    [1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
    [0, 0, 1],
  ]);
  assert.deepEqual(nb.data.toCategorical(nb.tensor([1, 0], undefined, 'int32'), 4).toArray(), [
    [0, 1, 0, 0],
    [1, 0, 0, 0],
  ]);
  assert.deepEqual(
    nb.data.toCategorical(
      nb.tensor([
        [0, 1],
        [1, 1],
      ]),
    ).shape,
    [2, 2, 2],
  );
  assert.deepEqual(nb.data.toCategorical([], 3).shape, [0, 3]);
  const { labels } = nb.data.loadDigits();
  assert.deepEqual(nb.data.toCategorical(labels).toArray(), nb.oneHot(labels, 10).toArray());
});

test('toCategorical rejects negative, fractional and out-of-range labels', () => {
  assert.throws(() => nb.data.toCategorical([0, -1]), /labels must be whole numbers ≥ 0, got -1 at index 1/);
  assert.throws(() => nb.data.toCategorical([0.5]), /got 0.5 at index 0/);
  assert.throws(() => nb.data.toCategorical([NaN]), /got NaN/);
  assert.throws(() => nb.data.toCategorical([0, 3], 3), /label 3 does not fit numClasses 3/);
  assert.throws(() => nb.data.toCategorical([0], 0), /numClasses must be a whole number ≥ 1/);
  assert.throws(() => nb.data.toCategorical([]), /numClasses must be given/);
});
