import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { binaryCrossentropy } from '../../src/losses/index.js';
import { classificationMetric, f1, getMetric, meanMetric, metricNames, precision, recall, type Metric } from '../../src/metrics/index.js';

const near = (a: number, b: number, what = '') => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);
const t = (v: nb.NestedArray) => nb.tensor(v);

function run(metric: Metric, batches: [Tensor, Tensor][]): number {
  metric.reset();
  for (const [y, p] of batches) metric.update(y, p);
  return metric.result();
}

test('a mean metric averages over all examples seen, not over batch means', () => {
  const m = getMetric('categoricalAccuracy');
  assert.equal(m.name, 'categoricalAccuracy');
  assert.equal(m.result(), 0, 'nothing seen yet');
  // batch A: 2 examples, both right; batch B: 4 examples, 1 right → 3/6 (the mean of batch means would be 0.625)
  const a: [Tensor, Tensor] = [
    t([
      [1, 0],
      [0, 1],
    ]),
    t([
      [0.9, 0.1],
      [0.2, 0.8],
    ]),
  ];
  const b: [Tensor, Tensor] = [
    t([
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 1],
    ]),
    t([
      [0.6, 0.4],
      [0.3, 0.7],
      [0.8, 0.2],
      [0.9, 0.1],
    ]),
  ];
  near(run(m, [a, b]), 0.5);
  // the same as one update with everything
  near(run(m, [[nb.concat([a[0], b[0]]), nb.concat([a[1], b[1]])]]), 0.5);
  m.reset();
  assert.equal(m.result(), 0, 'after reset');
});

test('mse and mae metrics accumulate like one-shot evaluation', () => {
  const y = t([
      [0, 1],
      [2, 2],
      [1, 1],
    ]),
    p = t([
      [1, 1],
      [2, 5],
      [1, 3],
    ]);
  // per example mse: 0.5, 4.5, 2 → 7/3; mae: 0.5, 1.5, 1 → 1
  for (const [name, expected] of [
    ['mse', 7 / 3],
    ['meanSquaredError', 7 / 3],
    ['mae', 1],
    ['mean_absolute_error', 1],
  ] as const) {
    const m = getMetric(name);
    assert.equal(m.name, name);
    near(
      run(m, [
        [nb.slice(y, [0], [1]), nb.slice(p, [0], [1])],
        [nb.slice(y, [1]), nb.slice(p, [1])],
      ]),
      expected,
      name,
    );
    near(run(m, [[y, p]]), expected, name);
  }
});

test("getMetric('accuracy') picks the accuracy from the loss as Keras does", () => {
  // one output per example, all labels 0 and all predictions 0.9: binary accuracy 0,
  // but categorical accuracy 1 (the argmax of one column is always 0)
  const y = t([[0], [0]]),
    p = t([[0.9], [0.9]]);
  near(run(getMetric('accuracy', 'binaryCrossentropy'), [[y, p]]), 0, 'binaryCrossentropy');
  near(run(getMetric('accuracy', 'binary_crossentropy'), [[y, p]]), 0, 'binary_crossentropy');
  near(run(getMetric('accuracy', binaryCrossentropy), [[y, p]]), 0, 'the loss function itself');
  near(run(getMetric('accuracy', 'categoricalCrossentropy'), [[y, p]]), 1, 'categoricalCrossentropy');
  // other losses (or none): by the shapes; yPred [batch,1] → binary
  near(run(getMetric('accuracy', 'mse'), [[y, p]]), 0, 'mse');
  near(run(getMetric('accuracy'), [[y, p]]), 0, 'no loss');
  near(run(getMetric('accuracy', 'custom'), [[y, p]]), 0, 'a custom loss');

  // sparse labels
  const labels = nb.tensor([2, 0, 1], undefined, 'int32');
  const scores = t([
    [0.1, 0.2, 0.7],
    [0.5, 0.3, 0.2],
    [0.6, 0.3, 0.1],
  ]); // right, right, wrong
  near(run(getMetric('accuracy', 'sparseCategoricalCrossentropy'), [[labels, scores]]), 2 / 3);
  near(run(getMetric('acc', 'sparse_categorical_crossentropy'), [[labels, scores]]), 2 / 3);
  near(run(getMetric('accuracy'), [[labels, scores]]), 2 / 3, 'labels without a class axis → sparse');
  near(run(getMetric('accuracy'), [[nb.reshape(labels, [3, 1]), scores]]), 2 / 3, 'labels [batch,1] → sparse');
  // one-hot labels
  near(run(getMetric('accuracy', 'categoricalCrossentropy'), [[nb.oneHot(labels, 3), scores]]), 2 / 3);
  near(run(getMetric('accuracy'), [[nb.oneHot(labels, 3), scores]]), 2 / 3, 'same shapes → categorical');
});

test('metric names are the Keras history keys (the name asked for)', () => {
  for (const name of ['accuracy', 'acc', 'binaryAccuracy', 'binary_accuracy', 'sparseCategoricalAccuracy', 'precision', 'recall', 'f1', 'mse', 'mae']) {
    assert.equal(getMetric(name, 'binaryCrossentropy').name, name);
  }
  assert.deepEqual([...metricNames].sort(), [
    'acc',
    'accuracy',
    'binaryAccuracy',
    'binary_accuracy',
    'categoricalAccuracy',
    'categorical_accuracy',
    'f1',
    'mae',
    'meanAbsoluteError',
    'meanSquaredError',
    'mean_absolute_error',
    'mean_squared_error',
    'mse',
    'precision',
    'recall',
    'sparseCategoricalAccuracy',
    'sparse_categorical_accuracy',
  ]);
  // a fresh, independent instance each time
  assert.notEqual(getMetric('accuracy'), getMetric('accuracy'));
});

test('getMetric passes Metric objects through and wraps per-example functions', () => {
  const custom: Metric = { name: 'custom', reset() {}, update() {}, result: () => 42 };
  assert.equal(getMetric(custom), custom);
  function absoluteDifference(yTrue: nb.TensorLike, yPred: nb.TensorLike): Tensor {
    return nb.mean(nb.abs(nb.sub(yTrue, yPred)), -1);
  }
  const m = getMetric(absoluteDifference);
  assert.equal(m.name, 'absoluteDifference');
  near(
    run(m, [
      [t([[1], [2]]), t([[0], [0]])],
      [t([[3]]), t([[3]])],
    ]),
    1,
  ); // (1 + 2 + 0)/3
  assert.equal(meanMetric('diff', absoluteDifference).name, 'diff');
});

test('getMetric: an unknown name lists the known ones', () => {
  assert.throws(() => getMetric('auc'), {
    name: 'ArgumentError',
    message: /^getMetric: unknown metric "auc"; known metrics: accuracy, acc, binaryAccuracy, .*mean_absolute_error$/,
  });
  assert.throws(() => getMetric('toString'), { name: 'ArgumentError' });
});

// ---- precision, recall, f1 over a confusion matrix accumulated across updates ----

test('multi-class precision/recall/f1 metrics equal the one-shot functions (one-hot and integer labels)', () => {
  const labels = [0, 0, 0, 1, 1, 2, 2, 2, 2];
  const predictions = [0, 0, 0, 1, 2, 2, 2, 0, 1];
  // the predicted class scores at least 1, the others at most 0.5
  const scores = nb.add(nb.oneHot(predictions, 3), nb.randomUniform([9, 3], 0, 0.5, { generator: new nb.Generator(1) }));
  const oneHot = nb.oneHot(labels, 3);
  const intLabels = nb.tensor(labels, undefined, 'int32');
  const split = (x: Tensor): [Tensor, Tensor] => [nb.slice(x, [0], [4]), nb.slice(x, [4])];
  const expected = { precision: 23 / 36, recall: 2 / 3, f1: 9 / 14 }; // derived in confusion.test.ts
  for (const name of ['precision', 'recall', 'f1'] as const) {
    const m = getMetric(name, 'categoricalCrossentropy');
    const [y1, y2] = split(oneHot),
      [p1, p2] = split(scores);
    near(
      run(m, [
        [y1, p1],
        [y2, p2],
      ]),
      expected[name],
      `${name} one-hot in two batches`,
    );
    near(run(m, [[oneHot, scores]]), expected[name], `${name} one-hot in one batch`);
    const [l1, l2] = split(intLabels);
    near(
      run(m, [
        [l1, p1],
        [l2, p2],
      ]),
      expected[name],
      `${name} integer labels`,
    );
    near(run(m, [[nb.reshape(intLabels, [9, 1]), scores]]), expected[name], `${name} integer labels [n,1]`);
  }
  near(precision(labels, predictions), expected.precision);
  near(recall(labels, predictions), expected.recall);
  near(f1(labels, predictions), expected.f1);
});

test('binary precision/recall/f1 metrics: one output is two classes, thresholded at 0.5', () => {
  // labels 1 0 1 1 0, outputs 0.9 0.6 0.3 0.2 0.1 → predicted 1 1 0 0 0
  //   true 0 → predicted 1, 0  [1, 1]
  //   true 1 → predicted 1,0,0 [2, 1]
  //   precision: class 0 1/3, class 1 1/2 → 5/12; recall: 1/2, 1/3 → 5/12
  //   f1: class 0 2·(1/3)(1/2)/(5/6) = 2/5, class 1 the same → 2/5
  const y = t([1, 0, 1, 1, 0]),
    p = t([[0.9], [0.6], [0.3], [0.2], [0.1]]);
  near(run(getMetric('precision', 'binaryCrossentropy'), [[y, p]]), 5 / 12);
  near(run(getMetric('recall'), [[nb.reshape(y, [5, 1]), p]]), 5 / 12);
  near(
    run(getMetric('f1'), [
      [nb.slice(y, [0], [2]), nb.slice(p, [0], [2])],
      [nb.slice(y, [2]), nb.slice(p, [2])],
    ]),
    2 / 5,
  );
  near(precision([1, 0, 1, 1, 0], [1, 1, 0, 0, 0]), 5 / 12);
  // another threshold (e.g. 0 for logits)
  const logits = nb.sub(p, 0.5);
  near(run(classificationMetric('precision', { threshold: 0 }), [[y, logits]]), 5 / 12);
});

test('precision metric: errors name the metric', () => {
  const m = getMetric('precision');
  m.update(
    t([0, 1]),
    t([
      [0.2, 0.8],
      [0.6, 0.4],
    ]),
  );
  assert.throws(
    () =>
      m.update(
        t([0, 1]),
        t([
          [0.2, 0.3, 0.5],
          [0.6, 0.3, 0.1],
        ]),
      ),
    {
      name: 'ShapeError',
      message: /^precision: this batch has 3 classes, earlier batches 2/,
    },
  );
  assert.throws(
    () =>
      getMetric('recall').update(
        t([0, 4]),
        t([
          [0.2, 0.8],
          [0.6, 0.4],
        ]),
      ),
    {
      name: 'ArgumentError',
      message: 'recall: class index 4 is out of range for numClasses 2',
    },
  );
  assert.throws(() => getMetric('f1').update(t([[1], [0], [1]]), t([[0.2], [0.3]])), {
    name: 'ShapeError',
    message: 'f1: yTrue [3,1] and yPred [2,1] must have the same shape',
  });
});

test('updates inside a gradient transform record nothing and do not disturb it', () => {
  const m = getMetric('mse');
  const y = t([[1, 2]]);
  const g = nb.grad((p: Tensor) => {
    m.update(y, p);
    return nb.sum(nb.square(p));
  })(t([[0, 0]]));
  assert.deepEqual(g.toArray(), [[0, 0]]);
  near(m.result(), 2.5);
});
