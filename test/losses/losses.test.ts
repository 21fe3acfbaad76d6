import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import {
  EPSILON,
  binaryCrossentropy,
  canonicalLossName,
  categoricalCrossentropy,
  getLoss,
  lossNames,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
  type LossFunction,
  type LossOptions,
  type Reduction,
} from '../../src/losses/index.js';
import { randn } from '../helpers.js';

const close = (a: number, b: number, tol = 1e-12, what = '') => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
const f64 = (v: nb.NestedArray) => nb.tensor(v, undefined, 'float64');
const reductions: Reduction[] = ['mean', 'sum', 'none'];

// ---- values by hand --------------------------------------------------------

test('hand-computed values', () => {
  // ((0² + 1²)/2 + (0² + 2²)/2) / 2 = (0.5 + 2) / 2
  close(
    meanSquaredError(
      f64([
        [0, 1],
        [1, 1],
      ]),
      f64([
        [0, 0],
        [1, 3],
      ]),
    ).item(),
    1.25,
  );
  // (|0.5| + |−1|)/2 per example, then the mean of 0.75 and 0
  close(
    meanAbsoluteError(
      f64([
        [1, 1],
        [2, 2],
      ]),
      f64([
        [1.5, 0],
        [2, 2],
      ]),
    ).item(),
    0.375,
  );
  // −(ln 0.8 + ln(1 − 0.4))/2
  close(binaryCrossentropy(f64([[1, 0]]), f64([[0.8, 0.4]])).item(), -(Math.log(0.8) + Math.log(0.6)) / 2);
  // −ln 0.5
  close(categoricalCrossentropy(f64([[0, 1, 0]]), f64([[0.2, 0.5, 0.3]])).item(), Math.LN2);
  // rows are normalised first: [2, 1, 1] → [0.5, 0.25, 0.25]
  close(categoricalCrossentropy(f64([[1, 0, 0]]), f64([[2, 1, 1]])).item(), Math.LN2);
  // from logits: −log softmax([0, 0])₀ = ln 2; binary: softplus(0) − 0 = ln 2
  close(categoricalCrossentropy(f64([[1, 0]]), f64([[0, 0]]), { fromLogits: true }).item(), Math.LN2);
  close(binaryCrossentropy(f64([[1]]), f64([[0]]), { fromLogits: true }).item(), Math.LN2);
  close(sparseCategoricalCrossentropy([1], f64([[0.2, 0.5, 0.3]])).item(), Math.LN2);
});

test('probabilities are clipped to [1e-7, 1 − 1e-7] as in Keras, with zero gradient where clipped', () => {
  const maxLoss = -Math.log(EPSILON); // 16.118095650958320
  // p = 1 is clipped to 1 − 1e-7, whose distance from 1 is 1e-7 up to float64 rounding
  close(binaryCrossentropy(f64([[1, 0]]), f64([[0, 1]])).item(), (maxLoss - Math.log(1 - (1 - EPSILON))) / 2, 1e-15, 'bce of certain wrong answers');
  close(binaryCrossentropy(f64([[1, 0]]), f64([[1, 0]])).item(), -Math.log1p(-EPSILON), 1e-12, 'bce of certain right answers');
  close(categoricalCrossentropy(f64([[0, 1]]), f64([[1, 0]])).item(), maxLoss, 1e-12, 'cce');
  close(sparseCategoricalCrossentropy([1], f64([[1, 0]])).item(), maxLoss, 1e-12, 'scce');
  const g = nb.grad((p: Tensor) => binaryCrossentropy(f64([[1, 0]]), p))(f64([[0, 1]]));
  assert.deepEqual(g.toArray(), [[0, 0]]);
  // float32: finite too; the bounds are float32's 1e-7 and 1 − 1e-7 (= 1 − 1.19e-7)
  const lo = Math.fround(EPSILON),
    hi = Math.fround(1 - EPSILON);
  const v32 = binaryCrossentropy([[1, 0, 1]], [[0, 1, 1]]).item();
  const expected32 = -(Math.log(lo) + Math.log(1 - hi) + Math.log(hi)) / 3; // ≈ (16.12 + 15.94 + 1.2e-7)/3
  assert.ok(Math.abs(v32 - expected32) < 1e-5 * expected32, `${v32} vs ${expected32}`);
});

test('logits of ±1000: finite values, first and second derivatives (float32 and float64)', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const z = nb.tensor(
      [
        [1000, -1000, 0],
        [-1000, 1000, 1000],
      ],
      undefined,
      dtype,
    );
    const cases: [string, Tensor, LossFunction][] = [
      [
        'binaryCrossentropy',
        nb.tensor(
          [
            [1, 1, 0],
            [0, 1, 0],
          ],
          undefined,
          dtype,
        ),
        binaryCrossentropy,
      ],
      [
        'categoricalCrossentropy',
        nb.tensor(
          [
            [0, 1, 0],
            [0.5, 0.5, 0],
          ],
          undefined,
          dtype,
        ),
        categoricalCrossentropy,
      ],
      ['sparseCategoricalCrossentropy', nb.tensor([1, 0], undefined, 'int32'), sparseCategoricalCrossentropy],
    ];
    for (const [name, y, loss] of cases) {
      const f = (p: Tensor) => loss(y, p, { fromLogits: true, reduction: 'sum' });
      const value = f(z).item();
      assert.ok(Number.isFinite(value), `${name} ${dtype}: ${value}`);
      const g = nb.grad(f)(z).toArray().flat() as number[];
      assert.ok(g.every(Number.isFinite), `${name} ${dtype} gradient ${g}`);
      const h = nb
        .grad((p: Tensor) => nb.sum(nb.grad(f)(p)))(z)
        .toArray()
        .flat() as number[];
      assert.ok(h.every(Number.isFinite), `${name} ${dtype} second derivative ${h}`);
    }
    // exact values: bce of (z = 1000, y = 0) is 1000; cce of a logit 2000 below the max is 2000
    close(binaryCrossentropy(nb.tensor([[0]], undefined, dtype), nb.tensor([[1000]], undefined, dtype), { fromLogits: true }).item(), 1000);
    close(categoricalCrossentropy(nb.tensor([[0, 1]], undefined, dtype), nb.tensor([[1000, -1000]], undefined, dtype), { fromLogits: true }).item(), 2000);
    // ln 2 to float32 accuracy even next to logits of 1000 (the log-softmax is shifted first)
    close(
      sparseCategoricalCrossentropy([0], nb.tensor([[1000, 1000, -1000]], undefined, dtype), { fromLogits: true }).item(),
      Math.LN2,
      dtype === 'float32' ? 1e-7 : 1e-15,
    );
  }
});

test('binaryCrossentropy from logits has the exact derivative σ(z) − y at z = 0 (no kink)', () => {
  const y = f64([[1, 0, 0.25]]);
  const g = nb.grad((z: Tensor) => binaryCrossentropy(y, z, { fromLogits: true }))(f64([[0, 0, 0]]));
  // one example, mean over 3 outputs: (0.5 − y)/3
  (g.toArray()[0] as number[]).forEach((v, i) => close(v, (0.5 - [1, 0, 0.25][i]!) / 3, 1e-15, `element ${i}`));
  // and a confident right answer costs ~e^−z, computed without cancellation
  const tiny = binaryCrossentropy(f64([[1]]), f64([[30]]), { fromLogits: true }).item();
  close(tiny, Math.log1p(Math.exp(-30)), 1e-14, 'bce(y = 1, z = 30)');
});

// ---- reductions and shapes -------------------------------------------------

test("reductions: 'none' is per example (the last axis reduced), 'sum' adds, 'mean' (the default) averages", () => {
  const y = randn([4, 3], 1),
    p = randn([4, 3], 2);
  const none = meanSquaredError(y, p, { reduction: 'none' });
  assert.deepEqual(none.shape, [4]);
  const perExample = none.toArray() as number[];
  const total = perExample.reduce((a, b) => a + b, 0);
  close(meanSquaredError(y, p, { reduction: 'sum' }).item(), total);
  close(meanSquaredError(y, p, { reduction: 'mean' }).item(), total / 4);
  close(meanSquaredError(y, p).item(), total / 4);
  assert.deepEqual(meanSquaredError(y, p).shape, []);
  // rank 3: per-example losses of shape [2,3]
  assert.deepEqual(categoricalCrossentropy(nb.softmax(randn([2, 3, 4], 3)), nb.softmax(randn([2, 3, 4], 4)), { reduction: 'none' }).shape, [2, 3]);
  assert.deepEqual(
    sparseCategoricalCrossentropy(
      nb.tensor(
        [
          [0, 1, 2],
          [3, 0, 1],
        ],
        undefined,
        'int32',
      ),
      randn([2, 3, 4], 5),
      { fromLogits: true, reduction: 'none' },
    ).shape,
    [2, 3],
  );
});

test('labels [batch] are accepted for predictions [batch,1]', () => {
  const p = f64([[0.9], [0.2], [0.6]]);
  const a = binaryCrossentropy(f64([1, 0, 0]), p, { reduction: 'none' });
  const b = binaryCrossentropy(f64([[1], [0], [0]]), p, { reduction: 'none' });
  assert.deepEqual(a.shape, [3]);
  assert.deepEqual(a.toArray(), b.toArray());
});

test('an empty batch has mean loss 0', () => {
  assert.equal(meanSquaredError(nb.zeros([0, 3]), nb.zeros([0, 3])).item(), 0);
});

test('dtypes: yTrue is cast to yPred’s float type', () => {
  assert.equal(binaryCrossentropy(nb.tensor([[1, 0]], undefined, 'int32'), nb.tensor([[0.7, 0.2]])).dtype, 'float32');
  assert.equal(meanSquaredError(f64([[1, 0]]), nb.tensor([[0.7, 0.2]])).dtype, 'float32');
  assert.equal(meanSquaredError([[1, 0]], f64([[0.7, 0.2]])).dtype, 'float64');
  assert.equal(binaryCrossentropy(nb.tensor([[true, false]]), f64([[0.7, 0.2]])).dtype, 'float64');
});

// ---- sparse = categorical of one-hot labels ----------------------------------

test('sparseCategoricalCrossentropy equals categoricalCrossentropy of one-hot labels', () => {
  const labels = [2, 0, 1, 1];
  const oneHot = nb.oneHot(labels, 3, 'float64');
  for (const fromLogits of [false, true]) {
    const p = fromLogits ? randn([4, 3], 7) : nb.add(nb.abs(randn([4, 3], 7)), 0.1);
    for (const reduction of reductions) {
      const opts: LossOptions = { fromLogits, reduction };
      const expected = categoricalCrossentropy(oneHot, p, opts).toArray();
      assert.deepEqual(sparseCategoricalCrossentropy(nb.tensor(labels, undefined, 'int32'), p, opts).toArray(), expected);
      assert.deepEqual(sparseCategoricalCrossentropy(labels, p, opts).toArray(), expected, 'a plain array');
      assert.deepEqual(sparseCategoricalCrossentropy(f64(labels), p, opts).toArray(), expected, 'float labels');
      assert.deepEqual(sparseCategoricalCrossentropy(nb.reshape(labels, [4, 1]), p, opts).toArray(), expected, 'labels [batch,1]');
    }
  }
});

// ---- finite-difference checks of first and second derivatives ----------------

const probabilities = (shape: number[], seed: number) => nb.sigmoid(randn(shape, seed)); // in (0,1), away from the clip
const positive = (shape: number[], seed: number) => nb.add(nb.abs(randn(shape, seed)), 0.2); // unnormalised rows
const gradCases: { name: string; loss: LossFunction; yTrue: Tensor; yPred: Tensor; fromLogits: boolean }[] = [
  { name: 'meanSquaredError', loss: meanSquaredError, yTrue: randn([3, 4], 10), yPred: randn([3, 4], 11), fromLogits: false },
  // |p − y| ≥ 0.5 keeps every entry away from the kink
  {
    name: 'meanAbsoluteError',
    loss: meanAbsoluteError,
    yTrue: randn([3, 4], 12),
    yPred: nb.add(randn([3, 4], 12), nb.mul(nb.sign(randn([3, 4], 13)), 0.5)),
    fromLogits: false,
  },
  { name: 'binaryCrossentropy', loss: binaryCrossentropy, yTrue: probabilities([3, 4], 14), yPred: probabilities([3, 4], 15), fromLogits: false },
  { name: 'binaryCrossentropy', loss: binaryCrossentropy, yTrue: probabilities([3, 4], 16), yPred: nb.mul(randn([3, 4], 17), 3), fromLogits: true },
  { name: 'categoricalCrossentropy', loss: categoricalCrossentropy, yTrue: nb.softmax(randn([3, 4], 18)), yPred: positive([3, 4], 19), fromLogits: false },
  {
    name: 'categoricalCrossentropy',
    loss: categoricalCrossentropy,
    yTrue: nb.softmax(randn([3, 4], 20)),
    yPred: nb.mul(randn([3, 4], 21), 2),
    fromLogits: true,
  },
  {
    name: 'sparseCategoricalCrossentropy',
    loss: sparseCategoricalCrossentropy,
    yTrue: nb.tensor([3, 0, 2], undefined, 'int32'),
    yPred: positive([3, 4], 22),
    fromLogits: false,
  },
  {
    name: 'sparseCategoricalCrossentropy',
    loss: sparseCategoricalCrossentropy,
    yTrue: nb.tensor([1, 1, 2], undefined, 'int32'),
    yPred: nb.mul(randn([3, 4], 23), 2),
    fromLogits: true,
  },
];

for (const c of gradCases) {
  for (const reduction of reductions) {
    test(`gradCheck ${c.name}${c.fromLogits ? ' (fromLogits)' : ''} ${reduction}: orders 1 and 2 with respect to yPred`, () => {
      const r = nb.gradCheck((p: Tensor) => c.loss(c.yTrue, p, { fromLogits: c.fromLogits, reduction }), [c.yPred], { order: 2 });
      assert.ok(r.passed, `max error ${r.maxError} ${JSON.stringify(r.levels.map((l) => l.worst))}`);
    });
  }
}

test('gradCheck at logits of ±1000 and 0 (orders 1 and 2)', () => {
  const z = f64([
    [1000, -1000, 0, 3],
    [-1000, 1000, 1000, -2],
  ]);
  const soft = f64([
    [0.2, 0.3, 0.5, 0],
    [0, 1, 0, 0],
  ]);
  for (const loss of [binaryCrossentropy, categoricalCrossentropy]) {
    const r = nb.gradCheck((p: Tensor) => loss(soft, p, { fromLogits: true }), [z], { order: 2 });
    assert.ok(r.passed, `${loss.name}: max error ${r.maxError}`);
  }
  const r = nb.gradCheck((p: Tensor) => sparseCategoricalCrossentropy([2, 1], p, { fromLogits: true }), [z], { order: 2 });
  assert.ok(r.passed, `sparse: max error ${r.maxError}`);
});

test('gradCheck with respect to yTrue (soft labels)', () => {
  for (const [loss, p] of [
    [binaryCrossentropy, probabilities([2, 3], 30)],
    [categoricalCrossentropy, nb.softmax(randn([2, 3], 31))],
    [meanSquaredError, randn([2, 3], 32)],
  ] as const) {
    const r = nb.gradCheck((t: Tensor) => loss(t, p), [probabilities([2, 3], 33)], { order: 2 });
    assert.ok(r.passed, `${loss.name}: max error ${r.maxError}`);
  }
});

// ---- errors ----------------------------------------------------------------

test('shape errors name the loss and both shapes', () => {
  assert.throws(() => categoricalCrossentropy(nb.zeros([32, 10]), nb.zeros([32, 3])), {
    name: 'ShapeError',
    message: 'categoricalCrossentropy: yTrue [32,10] and yPred [32,3] must have the same shape',
  });
  assert.throws(() => meanSquaredError(nb.zeros([4]), nb.zeros([4, 2])), {
    name: 'ShapeError',
    message: 'meanSquaredError: yTrue [4] and yPred [4,2] must have the same shape',
  });
  assert.throws(() => binaryCrossentropy(nb.zeros([4, 1]), nb.zeros([4])), {
    name: 'ShapeError',
    message: /binaryCrossentropy: yTrue \[4,1\] and yPred \[4\]/,
  });
  assert.throws(() => meanAbsoluteError(1, 2), { name: 'ShapeError', message: /meanAbsoluteError: yPred must have at least one axis/ });
  assert.throws(() => sparseCategoricalCrossentropy(nb.zeros([32, 10]), nb.zeros([32, 10])), {
    name: 'ShapeError',
    message: 'sparseCategoricalCrossentropy: yTrue [32,10] must hold one class index per example of yPred [32,10] (shape [32] or [32,1])',
  });
});

test('sparse labels must be integer class indices in range', () => {
  const p = nb.ones([2, 3]);
  assert.throws(() => sparseCategoricalCrossentropy([0, 3], p), {
    name: 'ArgumentError',
    message: 'sparseCategoricalCrossentropy: yTrue must hold integer class indices in [0, 3), got 3 at flat index 1',
  });
  assert.throws(() => sparseCategoricalCrossentropy([0.5, 1], p), { name: 'ArgumentError', message: /got 0.5 at flat index 0/ });
  assert.throws(() => sparseCategoricalCrossentropy([-1, 1], p), { name: 'ArgumentError', message: /got -1/ });
});

test('options are validated', () => {
  assert.throws(() => meanSquaredError([[1]], [[1]], { fromLogits: true }), {
    name: 'ArgumentError',
    message: /meanSquaredError: fromLogits does not apply to a regression loss/,
  });
  assert.throws(() => meanAbsoluteError([[1]], [[1]], { fromLogits: true }), { name: 'ArgumentError' });
  meanSquaredError([[1]], [[1]], { fromLogits: false }); // false is fine
  assert.throws(() => binaryCrossentropy([[1]], [[0.5]], { reduction: 'average' as Reduction }), {
    name: 'ArgumentError',
    message: `binaryCrossentropy: reduction must be 'mean', 'sum' or 'none', got "average"`,
  });
});

// ---- getLoss ----------------------------------------------------------------

test('getLoss: names, Keras aliases and functions', () => {
  const expected: [string, LossFunction][] = [
    ['meanSquaredError', meanSquaredError],
    ['mse', meanSquaredError],
    ['mean_squared_error', meanSquaredError],
    ['meanAbsoluteError', meanAbsoluteError],
    ['mae', meanAbsoluteError],
    ['mean_absolute_error', meanAbsoluteError],
    ['binaryCrossentropy', binaryCrossentropy],
    ['binary_crossentropy', binaryCrossentropy],
    ['categoricalCrossentropy', categoricalCrossentropy],
    ['categorical_crossentropy', categoricalCrossentropy],
    ['sparseCategoricalCrossentropy', sparseCategoricalCrossentropy],
    ['sparse_categorical_crossentropy', sparseCategoricalCrossentropy],
  ];
  for (const [name, fn] of expected) {
    assert.equal(getLoss(name), fn, name);
    assert.equal(canonicalLossName(name), fn.name, name);
    assert.ok(lossNames.includes(name), name);
  }
  const custom: LossFunction = (t, p) => nb.mean(nb.abs(nb.sub(t, p)));
  assert.equal(getLoss(custom), custom);
  assert.equal(canonicalLossName(binaryCrossentropy), 'binaryCrossentropy');
  assert.equal(canonicalLossName(custom), undefined);
  assert.equal(canonicalLossName('hinge'), undefined);
  assert.equal(canonicalLossName('toString'), undefined);
});

test('getLoss: an unknown name lists the known ones', () => {
  assert.throws(() => getLoss('crossEntropy'), {
    name: 'ArgumentError',
    message:
      /^getLoss: unknown loss "crossEntropy"; known losses: meanSquaredError, mse, mean_squared_error, .*sparse_categorical_crossentropy, .*cosine_similarity$/,
  });
  assert.throws(() => getLoss('constructor'), { name: 'ArgumentError' });
});
