import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { stratifiedCounts } from '../../src/data/split.js';

/** x row i is [i, -i]; y is i's class: an id we can trace through the split. */
function data(n: number, classOf = (i: number) => i % 3) {
  const x = nb.tensor(Array.from({ length: n }, (_, i) => [i, -i]));
  const y = nb.tensor(
    Array.from({ length: n }, (_, i) => classOf(i)),
    undefined,
    'int32',
  );
  return { x, y };
}
const ids = (t: nb.Tensor) => (t.toArray() as number[][]).map((r) => r[0]!);

test('trainTestSplit sizes: default quarter (rounded up), fraction, count', () => {
  const { x, y } = data(10);
  const s = nb.data.trainTestSplit(x, y);
  assert.deepEqual([s.xTrain.shape, s.xTest.shape, s.yTrain.shape, s.yTest.shape], [[7, 2], [3, 2], [7], [3]]);
  assert.equal(nb.data.trainTestSplit(x, y, { testSize: 0.2 }).xTest.shape[0], 2);
  assert.equal(nb.data.trainTestSplit(x, y, { testSize: 4 }).xTest.shape[0], 4);
  assert.equal(nb.data.trainTestSplit(x, y, { testSize: 1 }).xTest.shape[0], 1);
  assert.equal(s.yTrain.dtype, 'int32');
  assert.equal(s.xTrain.dtype, 'float32');
});

test('trainTestSplit keeps rows together, never overlaps and covers every example', () => {
  const { x, y } = data(50);
  const s = nb.data.trainTestSplit(x, y, { testSize: 0.3, seed: 1 });
  const train = ids(s.xTrain),
    test = ids(s.xTest);
  assert.deepEqual(
    [...train, ...test].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.equal(new Set([...train, ...test]).size, 50);
  assert.deepEqual(
    [...s.yTrain.storage],
    train.map((i) => i % 3),
  );
  assert.deepEqual(
    [...s.yTest.storage],
    test.map((i) => i % 3),
  );
  assert.deepEqual(
    (s.xTest.toArray() as number[][]).map((r) => r[1]),
    test.map((i) => -i),
  );
  assert.notDeepEqual(
    train,
    [...train].sort((a, b) => a - b),
  ); // shuffled
});

test('trainTestSplit is reproducible by seed, and shuffle: false takes the tail', () => {
  const { x, y } = data(40);
  const a = nb.data.trainTestSplit(x, y, { seed: 7 }),
    b = nb.data.trainTestSplit(x, y, { seed: 7 }),
    c = nb.data.trainTestSplit(x, y, { seed: 8 });
  assert.deepEqual(ids(a.xTest), ids(b.xTest));
  assert.deepEqual(ids(a.xTrain), ids(b.xTrain));
  assert.notDeepEqual(ids(a.xTest), ids(c.xTest));
  nb.seed(3);
  const g1 = ids(nb.data.trainTestSplit(x, y).xTest);
  nb.seed(3);
  assert.deepEqual(ids(nb.data.trainTestSplit(x, y).xTest), g1);
  assert.deepEqual(ids(nb.data.trainTestSplit(x, y, { generator: new nb.Generator(5) }).xTest), ids(nb.data.trainTestSplit(x, y, { seed: 5 }).xTest));
  const tail = nb.data.trainTestSplit(x, y, { shuffle: false, testSize: 0.25 });
  assert.deepEqual(
    ids(tail.xTrain),
    Array.from({ length: 30 }, (_, i) => i),
  );
  assert.deepEqual(
    ids(tail.xTest),
    Array.from({ length: 10 }, (_, i) => 30 + i),
  );
});

test('stratified splits keep class proportions (largest-remainder rounding per class)', () => {
  // classes of 60, 30 and 10 examples; test 20% → 12, 6, 2 exactly
  const classOf = (i: number) => (i < 60 ? 0 : i < 90 ? 1 : 2);
  const { x, y } = data(100, classOf);
  for (const seed of [0, 1, 2]) {
    const s = nb.data.trainTestSplit(x, y, { testSize: 0.2, seed, stratify: y });
    const count = (t: nb.Tensor) => [0, 1, 2].map((k) => [...t.storage].filter((v) => v === k).length);
    assert.deepEqual(count(s.yTest), [12, 6, 2]);
    assert.deepEqual(count(s.yTrain), [48, 24, 8]);
    assert.deepEqual(ids(s.xTest).map(classOf), [...s.yTest.storage]);
  }
  // quotas 3.5, 2.1, 1.4 of 7 → floors 3, 2, 1 and the missing one to the largest remainder
  assert.deepEqual(stratifiedCounts([50, 30, 20], 7), [4, 2, 1]);
  // ties in the remainder go to the larger class, then to the class seen first
  assert.deepEqual(stratifiedCounts([7, 3], 5), [4, 1]);
  assert.deepEqual(stratifiedCounts([3, 7], 5), [1, 4]);
  assert.deepEqual(stratifiedCounts([5, 5, 2], 6), [3, 2, 1]);
  assert.deepEqual(stratifiedCounts([1, 1, 1, 1], 2), [1, 1, 0, 0]);
  // stratifying on one-hot rows works too
  const oneHot = nb.data.toCategorical(y);
  const s = nb.data.trainTestSplit(x, oneHot, { testSize: 10, seed: 4, stratify: oneHot });
  assert.deepEqual(nb.sum(s.yTest, 0).toArray(), [6, 3, 1]);
});

test('trainTestSplit errors', () => {
  const { x, y } = data(10);
  assert.throws(() => nb.data.trainTestSplit(x, nb.zeros([9])), /x has 10 examples \(shape \[10,2\]\) but y has 9 \(shape \[9\]\)/);
  assert.throws(() => nb.data.trainTestSplit(x, y, { testSize: 0 }), /testSize must be a fraction/);
  assert.throws(() => nb.data.trainTestSplit(x, y, { testSize: 2.5 }), /testSize must be a fraction/);
  assert.throws(() => nb.data.trainTestSplit(x, y, { testSize: 10 }), /leaves no training examples/);
  assert.throws(() => nb.data.trainTestSplit(x, y, { stratify: y, shuffle: false }), /stratify needs shuffle/);
  assert.throws(() => nb.data.trainTestSplit(x, y, { stratify: nb.zeros([4]) }), /stratify has shape \[4\]; expected one label per example \(10\)/);
});
