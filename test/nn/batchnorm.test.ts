import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { BatchNormalization } from '../../src/nn/layers/batchnorm.js';
import { assertClose, fromFixture, loadFixture, type FixtureTensor } from '../helpers.js';

// BatchNormalization against PyTorch (test/fixtures/batchnorm.json, made by
// test/fixtures/make_batchnorm_fixtures.py) on a non-last feature axis, its
// per-channel output statistics computed with plain loops, and the update of
// its moving statistics: exactly once per training call, with plain values,
// whether or not the call runs inside grad, valueAndGrad, vjp, jacobian,
// hessian or hvp, and whatever is being differentiated.

interface BnCase {
  shape: number[];
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: FixtureTensor;
  beta: FixtureTensor;
  x1: FixtureTensor;
  y1: FixtureTensor;
  movingMean1: FixtureTensor;
  movingVariance1: FixtureTensor;
  x2: FixtureTensor;
  y2: FixtureTensor;
  movingMean2: FixtureTensor;
  movingVariance2: FixtureTensor;
  x3: FixtureTensor;
  y3: FixtureTensor;
}
const { cases } = loadFixture<{ cases: BnCase[] }>('batchnorm.json');

/** A float64 layer of case c, built, with the fixture's γ and β and fresh moving statistics (0 and 1). */
function layerOf(c: BnCase): BatchNormalization {
  const bn = new BatchNormalization({ axis: c.axis, momentum: c.momentum, epsilon: c.epsilon, dtype: 'float64' });
  bn.build([null, ...c.shape.slice(1)]);
  bn.gamma!.assign(fromFixture(c.gamma));
  bn.beta!.assign(fromFixture(c.beta));
  return bn;
}

/** Mean and (biased) variance of every channel along `axis`, with plain loops over the flat data. */
function channelStats(t: Tensor, axis: number): { mean: number[]; variance: number[] } {
  const shape = t.shape,
    c = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const sums = new Array<number>(c).fill(0),
    squares = new Array<number>(c).fill(0),
    counts = new Array<number>(c).fill(0);
  t.storage.forEach((v, i) => {
    const ch = Math.floor(i / inner) % c;
    sums[ch]! += v;
    counts[ch]!++;
  });
  const mean = sums.map((s, i) => s / counts[i]!);
  t.storage.forEach((v, i) => {
    const ch = Math.floor(i / inner) % c;
    squares[ch]! += (v - mean[ch]!) ** 2;
  });
  return { mean, variance: squares.map((s, i) => s / counts[i]!) };
}

for (const c of cases) {
  const name = `[${c.shape.join(', ')}], axis ${c.axis}`;

  test(`BatchNormalization ${name}: training outputs, moving statistics and inference output agree with PyTorch`, () => {
    const bn = layerOf(c);
    assert.deepEqual([...bn.movingMean!.shape], [c.shape[c.axis]], 'moving mean shape [C]');
    assert.deepEqual([...bn.movingVariance!.shape], [c.shape[c.axis]], 'moving variance shape [C]');
    assertClose(bn.apply(fromFixture(c.x1), { training: true }), c.y1, 1e-10, 1e-10, 'y1');
    assertClose(bn.movingMean!.value, c.movingMean1, 1e-12, 1e-12, 'moving mean after x1');
    assertClose(bn.movingVariance!.value, c.movingVariance1, 1e-12, 1e-12, 'moving variance after x1');
    assertClose(bn.apply(fromFixture(c.x2), { training: true }), c.y2, 1e-10, 1e-10, 'y2');
    assertClose(bn.movingMean!.value, c.movingMean2, 1e-12, 1e-12, 'moving mean after x2');
    assertClose(bn.movingVariance!.value, c.movingVariance2, 1e-12, 1e-12, 'moving variance after x2');
    const before = [bn.movingMean!.value, bn.movingVariance!.value];
    assertClose(bn.apply(fromFixture(c.x3)), c.y3, 1e-10, 1e-10, 'inference y3');
    assert.deepEqual([bn.movingMean!.value, bn.movingVariance!.value], before, 'inference leaves the statistics alone');
  });

  test(`BatchNormalization ${name}: each channel of the training output has mean 0 and variance σ²/(σ² + ε) ≈ 1`, () => {
    const bn = new BatchNormalization({ axis: c.axis, epsilon: c.epsilon, dtype: 'float64' });
    const x = fromFixture(c.x1);
    const inputStats = channelStats(x, c.axis);
    const { mean, variance } = channelStats(bn.apply(x, { training: true }), c.axis);
    assert.equal(mean.length, c.shape[c.axis]);
    mean.forEach((m, ch) => assert.ok(Math.abs(m) < 1e-12, `channel ${ch} mean ${m}`));
    variance.forEach((v, ch) => {
      const s2 = inputStats.variance[ch]!;
      assert.ok(Math.abs(v - s2 / (s2 + c.epsilon)) < 1e-12, `channel ${ch} variance ${v}`);
      assert.ok(Math.abs(v - 1) <= c.epsilon / s2 + 1e-12, `channel ${ch} variance ${v} is 1 but for ε`);
    });
  });
}

const c0 = cases[0]!;
const x1 = fromFixture(c0.x1);
/** A scalar of the layer's training output that depends on γ, β and x. */
const objective = (bn: BatchNormalization, x: Tensor = x1) => nb.sum(nb.mul(nb.square(bn.apply(x, { training: true })), 0.5));

function assertUpdatedOnce(bn: BatchNormalization, what: string): void {
  assertClose(bn.movingMean!.value, c0.movingMean1, 1e-12, 1e-12, `${what}: moving mean`);
  assertClose(bn.movingVariance!.value, c0.movingVariance1, 1e-12, 1e-12, `${what}: moving variance`);
  assert.equal(bn.movingMean!.value.node, null, `${what}: the moving mean is a plain value`);
  assert.equal(bn.movingVariance!.value.node, null, `${what}: the moving variance is a plain value`);
}

test('the moving statistics are updated exactly once per training call under every transform, whatever is differentiated', () => {
  const runs: [string, (bn: BatchNormalization) => unknown][] = [
    ['eagerly', (bn) => objective(bn)],
    ['valueAndGrad of all parameters (moving statistics included)', (bn) => nb.valueAndGrad(() => objective(bn))(bn.parameters())],
    ['grad of the trainable parameters', (bn) => nb.grad(() => objective(bn))(bn.trainableParameters())],
    ['grad of the moving mean alone', (bn) => nb.grad(() => objective(bn))(bn.movingMean!)],
    ['grad of the input', (bn) => nb.grad((x: Tensor) => objective(bn, x))(x1)],
    [
      'vjp of the parameters',
      (bn) =>
        nb.vjp((ps: nb.Variable[]) => {
          void ps;
          return bn.apply(x1, { training: true });
        }, bn.parameters())[1](fromFixture(c0.y1)),
    ],
    ['jacobian of γ', (bn) => nb.jacobian(() => nb.sum(bn.apply(x1, { training: true }), [0, 2, 3]))(bn.gamma!)],
    ['hessian of γ', (bn) => nb.hessian(() => objective(bn))(bn.gamma!)],
    [
      'hvp of all parameters',
      (bn) => nb.hvp((_ps: nb.Variable[]) => objective(bn))(bn.parameters(), bn.parameters().map((v) => nb.onesLike(v.value)) as never),
    ],
    ['grad of grad (nested levels)', (bn) => nb.grad((g: nb.Variable) => nb.sum(nb.grad(() => objective(bn))(g) as Tensor))(bn.gamma!)],
  ];
  for (const [what, run] of runs) {
    const bn = layerOf(c0);
    run(bn);
    assertUpdatedOnce(bn, what);
  }
});

test('gradients through batch normalisation are the same whether or not the moving statistics are differentiated', () => {
  const a = layerOf(c0),
    b = layerOf(c0);
  const [la, ga] = nb.valueAndGrad(() => objective(a))(a.parameters()) as [Tensor, Tensor[]];
  const [lb, gb] = nb.valueAndGrad(() => objective(b))(b.trainableParameters()) as [Tensor, Tensor[]];
  assert.equal(la.item(), lb.item());
  assert.deepEqual(
    ga.slice(0, 2).map((g) => g.toArray()),
    gb.map((g) => g.toArray()),
  );
  // in training mode the output does not depend on the moving statistics
  assert.ok(ga.slice(2).every((g) => g.storage.every((v) => v === 0)));
});

test('fit updates the moving statistics once per batch', async () => {
  const model = nb.sequential([
    nb.layers.batchNormalization({ inputShape: [3], momentum: c0.momentum, dtype: 'float64' }),
    nb.layers.dense({ units: 1, dtype: 'float64' }),
  ]);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = nb.randomNormal([8, 3], 2, 3, { dtype: 'float64', generator: new nb.Generator(4) });
  await model.fit(x, nb.zeros([8, 1], 'float64'), { batchSize: 4, shuffle: false, verbose: 0 });
  const bn = model.layers[0] as BatchNormalization;
  // two batches: m = μ·(μ·0 + (1 − μ)·b₁) + (1 − μ)·b₂
  const m = c0.momentum;
  const b1 = channelStats(nb.slice(x, [0, 0], [4, 3]), 1),
    b2 = channelStats(nb.slice(x, [4, 0], [4, 3]), 1);
  const expectedMean = b1.mean.map((v, i) => m * (1 - m) * v + (1 - m) * b2.mean[i]!);
  const expectedVar = b1.variance.map((v, i) => m * (m * 1 + (1 - m) * v) + (1 - m) * b2.variance[i]!);
  assertClose(bn.movingMean!.value, { shape: [3], data: expectedMean }, 1e-12, 1e-12, 'moving mean');
  assertClose(bn.movingVariance!.value, { shape: [3], data: expectedVar }, 1e-12, 1e-12, 'moving variance');
});

test('a variable assigned while a transformed function runs keeps the assigned value; the others get theirs back', () => {
  const state = nb.variable(nb.tensor([1, 2]), { trainable: false }),
    w = nb.variable(nb.tensor([3, 4]));
  const [value, grads] = nb.valueAndGrad((_vs: nb.Variable[]) => {
    nb.noGrad(() => state.assign(nb.add(state, 10)));
    return nb.sum(nb.mul(w, w));
  })([state, w]) as [Tensor, Tensor[]];
  assert.equal(value.item(), 25);
  assert.deepEqual(
    grads.map((g) => g.toArray()),
    [
      [0, 0],
      [6, 8],
    ],
  );
  assert.deepEqual(state.value.toArray(), [11, 12]);
  assert.deepEqual(w.value.toArray(), [3, 4]);
  assert.equal(w.value.node, null);
});
