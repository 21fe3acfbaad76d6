import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { classifier, moved, near, values } from './setup.js';

test("landscape: the grid centre is the model's loss at its weights (evaluate), and the weights are left alone", () => {
  const { model, x, y } = classifier();
  const before = model.getWeights().map(values);
  const l = nb.landscape(model, x, y, { resolution: 5, range: 0.5 });
  assert.deepEqual(l.alphas, [-0.5, -0.25, 0, 0.25, 0.5]);
  assert.deepEqual(l.betas, l.alphas);
  assert.equal(l.loss.length, 5);
  assert.ok(l.loss.every((row) => row.length === 5));
  assert.equal(l.loss[2]![2], l.center);
  assert.ok(near(l.center, model.evaluate(x, y).loss!, 1e-6), `${l.center} vs ${model.evaluate(x, y).loss}`);
  assert.deepEqual(model.getWeights().map(values), before);
  // the contour chart's names for the same arrays
  assert.deepEqual(l.toGrid(), { xs: l.alphas, ys: l.betas, z: l.loss, xLabel: 'α (random direction 1)', yLabel: 'β (random direction 2)', zLabel: 'loss' });
  assert.equal(l.z, l.loss);
  assert.deepEqual(l.names, ['dense_1.kernel', 'dense_1.bias', 'dense_2.kernel', 'dense_2.bias']);
  // the landscape is not flat: the loss changes away from θ*
  assert.ok(l.loss.flat().some((v) => Math.abs(v - l.center) > 1e-3));
});

test('landscape: every grid point is J(θ* + α·d1 + β·d2) computed directly with nb.modelLoss', () => {
  const { model, x, y } = classifier();
  const l = nb.landscape(model, x, y, { resolution: 4, range: [-1, 2], seed: 5 });
  const f = nb.modelLoss(model);
  const theta = f.params();
  l.betas.forEach((b, j) =>
    l.alphas.forEach((a, i) => {
      const direct = f.loss(moved(theta, [a, b], l.directions), x, y).item();
      assert.ok(near(l.loss[j]![i]!, direct, 1e-5), `(${a}, ${b}): ${l.loss[j]![i]} vs ${direct}`);
    }),
  );
  // evaluate() off the grid too
  assert.ok(near(l.evaluate(0.3, -0.7), f.loss(moved(theta, [0.3, -0.7], l.directions), x, y).item(), 1e-5));
});

test("landscape: random directions are filter-normalised: every neuron's weights have the norm of θ*'s, biases get zero", () => {
  const { model, x, y } = classifier();
  const theta = nb.modelLoss(model).params();
  const colNorms = (t: nb.Tensor) => values(nb.sqrt(nb.sum(nb.square(t), 0)));
  for (const includeBiases of [false, true]) {
    const l = nb.landscape(model, x, y, { resolution: 2, seed: 11, includeBiases });
    for (const d of l.directions) {
      for (const k of ['dense_1.kernel', 'dense_2.kernel']) {
        const want = colNorms(theta[k]!),
          got = colNorms(d[k]!);
        got.forEach((g, i) => assert.ok(near(g, want[i]!, 1e-5), `${k} column ${i}: ${g} vs ${want[i]}`));
        // a random direction, not θ* itself
        assert.ok(values(d[k]!).some((v, i) => Math.abs(v - values(theta[k]!)[i]!) > 1e-3));
      }
      for (const k of ['dense_1.bias', 'dense_2.bias']) {
        if (includeBiases) assert.deepEqual(values(nb.abs(d[k]!)), values(nb.abs(theta[k]!)));
        else assert.ok(values(d[k]!).every((v) => v === 0));
      }
    }
  }
});

test("landscape: a conv kernel's direction has, per output channel, the norm of that channel of θ*", () => {
  nb.seed(1);
  const model = nb.sequential([
    nb.layers.conv2d({ filters: 3, kernelSize: 2, inputShape: [4, 4, 2], activation: 'relu' }),
    nb.layers.flatten(),
    nb.layers.dense({ units: 1 }),
  ]);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = nb.randomNormal([6, 4, 4, 2]),
    y = nb.randomNormal([6, 1]);
  const l = nb.landscape(model, x, y, { resolution: 2, seed: 2 });
  const name = l.names.find((k) => k.endsWith('.kernel') && k.startsWith('conv'))!;
  const theta = nb.modelLoss(model).params()[name]!;
  const perChannel = (t: nb.Tensor) => values(nb.sqrt(nb.sum(nb.square(nb.reshape(t, [-1, 3])), 0)));
  for (const d of l.directions) {
    const got = perChannel(d[name]!),
      want = perChannel(theta);
    got.forEach((g, c) => assert.ok(near(g, want[c]!, 1e-5), `channel ${c}: ${g} vs ${want[c]}`));
  }
});

test('landscape: the same seed gives the same directions and grid; another seed other ones', () => {
  const { model, x, y } = classifier();
  const a = nb.landscape(model, x, y, { resolution: 3, seed: 7 });
  const b = nb.landscape(model, x, y, { resolution: 3, seed: 7 });
  const c = nb.landscape(model, x, y, { resolution: 3, seed: 8 });
  assert.deepEqual(a.loss, b.loss);
  assert.deepEqual(values(a.directions[0]['dense_1.kernel']!), values(b.directions[0]['dense_1.kernel']!));
  assert.notDeepEqual(values(a.directions[0]['dense_1.kernel']!), values(c.directions[0]['dense_1.kernel']!));
  assert.notDeepEqual(a.loss, c.loss);
  // the two directions of one landscape differ
  assert.notDeepEqual(values(a.directions[0]['dense_1.kernel']!), values(a.directions[1]['dense_1.kernel']!));
});

test('landscape: orthogonalize makes d1·d2 = 0', () => {
  const { model, x, y } = classifier();
  const l = nb.landscape(model, x, y, { resolution: 2, orthogonalize: true });
  const dot = l.names.reduce((s, k) => s + nb.sum(nb.mul(l.directions[0][k]!, l.directions[1][k]!)).item(), 0);
  const n1 = l.names.reduce((s, k) => s + nb.sum(nb.square(l.directions[0][k]!)).item(), 0);
  assert.ok(Math.abs(dot) < 1e-5 * n1, `d1·d2 = ${dot}`);
  const raw = nb.landscape(model, x, y, { resolution: 2 });
  const rawDot = raw.names.reduce((s, k) => s + nb.sum(nb.mul(raw.directions[0][k]!, raw.directions[1][k]!)).item(), 0);
  assert.ok(Math.abs(rawDot) > 1e-4, 'without the option the directions are not orthogonal');
});

test('landscape: along two single weights, α and β are the changes of those weights', () => {
  const { model, x, y } = classifier();
  const l = nb.landscape(model, x, y, { directions: { weights: ['dense_1.kernel[2,1]', ['dense_2.bias', [0]]] }, alphas: [-1, 0.5], betas: [-0.25, 0, 2] });
  assert.equal(l.kind, 'weights');
  const f = nb.modelLoss(model);
  const theta = f.params();
  const kernel = values(theta['dense_1.kernel']!),
    bias = values(theta['dense_2.bias']!);
  l.betas.forEach((b, j) =>
    l.alphas.forEach((a, i) => {
      const k = [...kernel];
      k[2 * 4 + 1]! += a;
      const bb = [...bias];
      bb[0]! += b;
      const p = { ...theta, 'dense_1.kernel': nb.tensor(k, [3, 4]), 'dense_2.bias': nb.tensor(bb, [2]) };
      assert.ok(near(l.loss[j]![i]!, f.loss(p, x, y).item(), 1e-5));
    }),
  );
  assert.equal(values(l.directions[0]['dense_1.kernel']!).filter((v) => v !== 0).length, 1);
  assert.deepEqual(l.labels, ['dense_1.kernel[2,1]', 'dense_2.bias[0]']);
});

test('landscape: explicit directions are used as given (and filter-normalised on request)', () => {
  const { model, x, y } = classifier();
  const f = nb.modelLoss(model);
  const theta = f.params();
  nb.seed(4);
  const d1 = Object.fromEntries(Object.entries(theta).map(([k, v]) => [k, nb.randomNormal(v.shape)]));
  const d2 = Object.fromEntries(Object.entries(theta).map(([k, v]) => [k, nb.randomNormal(v.shape)]));
  const l = nb.landscape(model, x, y, { directions: [d1, d2], resolution: 3, range: 0.1 });
  assert.equal(l.kind, 'explicit');
  assert.deepEqual(values(l.directions[1]['dense_2.kernel']!), values(d2['dense_2.kernel']!));
  assert.ok(near(l.loss[0]![2]!, f.loss(moved(theta, [0.1, -0.1], [d1, d2]), x, y).item(), 1e-5));
  const n = nb.landscape(model, x, y, { directions: [d1, d2], resolution: 2, normalize: 'filter' });
  const norm = (t: nb.Tensor) => values(nb.sqrt(nb.sum(nb.square(t), 0)));
  norm(n.directions[0]['dense_1.kernel']!).forEach((v, i) => assert.ok(near(v, norm(theta['dense_1.kernel']!)[i]!, 1e-5)));
});

test('landscape: evaluates on a deterministic subset of `samples` rows, in batches that give the same loss', () => {
  const { model, x, y } = classifier();
  const all = nb.landscape(model, x, y, { resolution: 3 });
  const batched = nb.landscape(model, x, y, { resolution: 3, batchSize: 7 });
  all.loss.flat().forEach((v, i) => assert.ok(near(batched.loss.flat()[i]!, v, 1e-5)));
  const a = nb.landscape(model, x, y, { resolution: 3, samples: 10, seed: 1 });
  const b = nb.landscape(model, x, y, { resolution: 3, samples: 10, seed: 1 });
  assert.deepEqual(a.loss, b.loss);
  assert.notEqual(a.center, all.center);
  // the subset is 10 of the rows: its centre is the loss of some 10 rows, which evaluate on those rows reproduces
  const f = nb.modelLoss(model);
  const perRow = Array.from({ length: 40 }, (_, i) => f.loss(f.params(), nb.slice(x, [i], [1]), nb.slice(y, [i], [1])).item());
  const penalty = f.loss(f.params(), x, y).item() - perRow.reduce((s, v) => s + v, 0) / 40;
  assert.ok(a.center > Math.min(...perRow) + penalty - 1e-6 && a.center < Math.max(...perRow) + penalty + 1e-6);
});

test('landscape1d: the loss along one direction, θ* at α = 0', () => {
  const { model, x, y } = classifier();
  const f = nb.modelLoss(model);
  const theta = f.params();
  const line = nb.landscape1d(model, x, y, { direction: { weight: 'dense_2.kernel[1,0]' }, alphas: [-2, 0, 3] });
  assert.equal(line.loss[1], line.center);
  const k = values(theta['dense_2.kernel']!);
  k[2]! += 3;
  assert.ok(near(line.loss[2]!, f.loss({ ...theta, 'dense_2.kernel': nb.tensor(k, [4, 2]) }, x, y).item(), 1e-5));
  const r = nb.landscape1d(model, x, y, { resolution: 5, seed: 3 });
  assert.deepEqual(r.toLine(), { xs: [-1, -0.5, 0, 0.5, 1], ys: r.loss, xLabel: 'α (random direction)', yLabel: 'loss' });
  assert.equal(line.label, 'dense_2.kernel[1,0]');
  assert.ok(near(r.loss[4]!, f.loss(moved(theta, [1], [r.direction]), x, y).item(), 1e-5));
  // the same seed gives the 2-D landscape's first direction
  const l = nb.landscape(model, x, y, { resolution: 2, seed: 3 });
  assert.deepEqual(values(r.direction['dense_1.kernel']!), values(l.directions[0]['dense_1.kernel']!));
});

test('landscape: the loss options of nb.modelLoss pass through (penalties off, another loss)', () => {
  const { model, x, y } = classifier();
  const withPenalty = nb.landscape(model, x, y, { resolution: 3 });
  const without = nb.landscape(model, x, y, { resolution: 3, regularization: false });
  const kernel = nb.modelLoss(model).params()['dense_1.kernel']!;
  assert.ok(near(withPenalty.center - without.center, 0.01 * nb.sum(nb.square(kernel)).item(), 1e-5));
  const mse = nb.landscape(model, x, y, { resolution: 3, loss: 'mse', regularization: false });
  assert.ok(near(mse.center, nb.losses.meanSquaredError(y, model.predict(x)).item(), 1e-6));
});

test("landscape: normalize 'none' gives raw Gaussian random directions, biases included", () => {
  const { model, x, y } = classifier();
  const raw = nb.landscape(model, x, y, { resolution: 2, normalize: 'none', seed: 2 });
  const filtered = nb.landscape(model, x, y, { resolution: 2, seed: 2 });
  const all = raw.names.flatMap((k) => values(raw.directions[0][k]!));
  const mean = all.reduce((s, v) => s + v, 0) / all.length,
    sd = Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / all.length);
  assert.ok(Math.abs(mean) < 0.5 && sd > 0.6 && sd < 1.4, `mean ${mean}, sd ${sd}`);
  assert.ok(values(raw.directions[0]['dense_2.bias']!).every((v) => v !== 0));
  // the same random numbers, scaled per column: the signs agree with the filter-normalised direction's
  assert.deepEqual(values(raw.directions[0]['dense_1.kernel']!).map(Math.sign), values(filtered.directions[0]['dense_1.kernel']!).map(Math.sign));
  assert.throws(() => nb.landscape(model, x, y, { normalize: 'layer' as 'filter' }), /landscape: normalize must be 'filter' or 'none', got the string "layer"/);
});
