import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor, Variable } from '../../src/index.js';
import { layerFromConfig } from '../../src/nn/layer.js';
import { Embedding } from '../../src/nn/layers/embedding.js';
import { maskOf } from '../../src/nn/layers/mask.js';
import { nd, referenceOf } from './reference.js';

// Embedding. The shared conformance check (checkLayer) feeds every layer
// float inputs drawn from a normal distribution, puts a Dense layer in front
// of it for its training step, and checks gradients with respect to the
// input by finite differences. None of that applies to a lookup by integer
// index (a real number is not an index, and the indices have no gradient),
// so the same properties are checked here one by one, with integer inputs:
// output shape (actual and computed), parameter count, config round trip
// (the rebuilt layer computes the same), one training step lowers a loss,
// and a float64 finite-difference check with respect to the table.

const indices = nb.tensor(
  [
    [1, 4, 4, 0],
    [2, 9, 1, 4],
  ],
  [2, 4],
  'int32',
);

test('Embedding looks up rows of its table: [batch, time] → [batch, time, outputDim]', () => {
  const layer = new Embedding({ inputDim: 10, outputDim: 3, seed: 1 });
  const y = layer.apply(indices);
  assert.deepEqual(y.shape, [2, 4, 3]);
  assert.deepEqual(layer.computeOutputShape([null, 4]), [null, 4, 3]);
  assert.deepEqual(layer.computeOutputShape([null, null]), [null, null, 3]);
  assert.equal(layer.countParams(), 30);
  const table = layer.getWeights()[0]!.toArray() as number[][];
  const rows = y.toArray() as number[][][];
  (indices.toArray() as number[][]).forEach((seq, b) => seq.forEach((k, t) => assert.deepEqual(rows[b]![t], table[k])));
  // it equals oneHot(indices)·E, without forming the one-hot matrix
  assert.deepEqual(y.toArray(), nb.matmul(nb.oneHot(indices, 10), layer.embeddings!).toArray());
  // any rank of indices: a vector, or [batch, time, k]
  assert.deepEqual(layer.apply(nb.tensor([3, 0], [2], 'int32')).shape, [2, 3]);
  assert.deepEqual(layer.apply(nb.zeros([2, 3, 2], 'int32')).shape, [2, 3, 2, 3]);
  // float tensors holding whole numbers are indices too (fit passes float32)
  assert.deepEqual(layer.apply(nb.cast(indices, 'float32')).toArray(), y.toArray());
});

test('Embedding agrees with its formula in the shared reference table (float64, inference and training)', () => {
  const layer = new Embedding({ inputDim: 10, outputDim: 3, seed: 2, dtype: 'float64' });
  layer.apply(indices);
  layer.embeddings!.assign(nb.randomNormal([10, 3], 0, 1, { dtype: 'float64', generator: new nb.Generator(3) }));
  for (const training of [false, true]) {
    const expected = referenceOf(layer)(layer, nd(nb.cast(indices, 'float64')), training)!;
    assert.deepEqual(Array.from(layer.apply(indices, { training }).storage), Array.from(expected.data));
  }
});

test('the default table is U(−0.05, 0.05), reproducible with a seed', () => {
  const e = new Embedding({ inputDim: 200, outputDim: 50, seed: 3, inputLength: 4 }).getWeights()[0]!;
  assert.ok(e.storage.every((v) => Math.abs(v) <= 0.05));
  assert.ok(Math.abs(Math.sqrt(nb.variance(e).item()) - 0.1 / Math.sqrt(12)) < 0.002);
  assert.deepEqual(new Embedding({ inputDim: 200, outputDim: 50, seed: 3, inputLength: 4 }).getWeights()[0]!.data(), e.data());
});

test('the gradient is a scatter-add into the rows that were read (a row read twice gets both)', () => {
  const layer = new Embedding({ inputDim: 10, outputDim: 3, dtype: 'float64', seed: 2 });
  layer.apply(indices);
  const c = nb.randomNormal([2, 4, 3], 0, 1, { dtype: 'float64', generator: new nb.Generator(4) });
  const g = nb.grad((_: Variable[]) => nb.sum(nb.mul(layer.apply(indices), c)))(layer.parameters()) as Tensor[];
  // d/dE Σ (oneHot(x)·E) ⊙ c = oneHot(x)ᵀ·c
  const expected = nb.matmul(nb.reshape(nb.oneHot(indices, 10, 'float64'), [8, 10]), nb.reshape(c, [8, 3]), true, false);
  assert.deepEqual(g[0]!.toArray(), expected.toArray());
  // rows never read get nothing
  assert.deepEqual((g[0]!.toArray() as number[][])[3], [0, 0, 0]);
});

test('finite differences agree with the gradient with respect to the table (float64)', () => {
  const layer = new Embedding({ inputDim: 10, outputDim: 3, dtype: 'float64', seed: 5 });
  layer.apply(indices);
  const v = layer.embeddings!;
  const f = (e: Tensor) => {
    const saved = v.swap(e);
    try {
      return nb.tanh(layer.apply(indices));
    } finally {
      v.swap(saved);
    }
  };
  const r = nb.gradCheck(f, [v.value], { order: 2 });
  assert.ok(r.passed, JSON.stringify(r.levels));
});

test('the config round-trips, and the rebuilt layer computes the same', () => {
  for (const layer of [
    new Embedding({ inputDim: 10, outputDim: 3 }),
    new Embedding({
      inputDim: 6,
      outputDim: 2,
      inputLength: 4,
      maskZero: true,
      embeddingsInitializer: 'glorotUniform',
      embeddingsRegularizer: nb.regularizers.l2(0.01),
      name: 'words',
    }),
  ]) {
    const x = layer.inputLength ? nb.tensor([[1, 2, 0, 5]]) : indices;
    const y = layer.apply(x);
    const config = JSON.parse(JSON.stringify(layer.getConfig()));
    const again = layerFromConfig({ className: 'Embedding', config: { ...config, name: `${config.name}_copy` } });
    assert.deepEqual({ ...again.getConfig(), name: config.name }, config);
    again.apply(x);
    again.setWeights(layer.getWeights());
    assert.deepEqual(again.apply(x).toArray(), y.toArray());
  }
  const words = new Embedding({ inputDim: 6, outputDim: 2, inputLength: 4, embeddingsRegularizer: 'l2' });
  assert.deepEqual(words.inputShape, [4]);
  assert.equal(words.built, true);
  assert.equal(words.regularizationLosses().length, 1);
});

test('one training step lowers a loss', () => {
  const layer = new Embedding({ inputDim: 10, outputDim: 3, seed: 6 });
  const target = nb.randomNormal([2, 4, 3], 0, 1, { generator: new nb.Generator(7) });
  layer.apply(indices);
  const vars = layer.trainableParameters();
  const lossOf = () => nb.mean(nb.square(nb.sub(layer.apply(indices, { training: true }), target)));
  const before = lossOf().item();
  const [, grads] = nb.valueAndGrad(lossOf)(vars) as [Tensor, Tensor[]];
  nb.noGrad(() => vars.forEach((v, i) => v.assign(nb.sub(v, nb.mul(grads[i]!, 0.5)))));
  assert.ok(lossOf().item() < before);
});

test('maskZero attaches the mask x ≠ 0 to the output', () => {
  const layer = new Embedding({ inputDim: 10, outputDim: 3, maskZero: true });
  const y = layer.apply(indices);
  const expected = [
    [true, true, true, false],
    [true, true, true, true],
  ];
  assert.deepEqual(maskOf(y)!.toArray(), expected);
  assert.deepEqual(layer.computeMask(indices)!.toArray(), expected);
  const plain = new Embedding({ inputDim: 10, outputDim: 3 });
  assert.equal(maskOf(plain.apply(indices)), undefined);
  assert.equal(plain.computeMask(indices), undefined);
});

test("bad indices and arguments are reported with the layer's name", () => {
  const layer = new Embedding({ inputDim: 5, outputDim: 2, name: 'tokens' });
  assert.throws(
    () => layer.apply(nb.tensor([[1, 5]])),
    /tokens: index 5 \(element 1 of input shape \[1,2\]\) is not an integer in \[0, 5\), the range of inputDim 5/,
  );
  assert.throws(() => layer.apply(nb.tensor([[1, -1]])), /tokens: index -1/);
  assert.throws(() => layer.apply(nb.tensor([[1.5]])), /tokens: index 1.5/);
  assert.throws(() => layer.apply(nb.tensor([[true]])), /tokens: expects integer indices, got a bool tensor/);
  const fixed = new Embedding({ inputDim: 5, outputDim: 2, inputLength: 3, name: 'fixed' });
  assert.throws(() => fixed.apply(nb.tensor([[1, 2]])), /fixed: input shape \[1,2\] does not fit inputLength 3: expected \[batch,3\]/);
  assert.throws(() => new Embedding({ inputDim: 0, outputDim: 2 }), /embedding: inputDim must be a positive integer, got 0/);
  assert.throws(() => new Embedding({ inputDim: 4, outputDim: 2.5 }), /embedding: outputDim must be a positive integer, got 2.5/);
});

test("an Embedding learns in a Sequential model: each token's class, trained with fit", async () => {
  // 20 tokens in 2 classes; a sequence's label is the class of its first token
  nb.seed(2);
  const g = new nb.Generator(9);
  const n = 200,
    T = 3;
  const xs: number[] = [],
    ys: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) xs.push(g.randint(20));
    ys.push(xs[i * T]! % 2);
  }
  const model = nb.sequential([
    new Embedding({ inputDim: 20, outputDim: 4, inputLength: T }),
    nb.layers.flatten(),
    nb.layers.dense({ units: 1, activation: 'sigmoid' }),
  ]);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const x = nb.tensor(xs, [n, T]),
    y = nb.tensor(ys, [n, 1]);
  await model.fit(x, y, { epochs: 20, batchSize: 32, verbose: 0 });
  assert.equal(model.evaluate(x, y)['accuracy'], 1);
  assert.match(model.summary(null), /embedding[^\n]*\[null,3,4\][^\n]*80/);
});
