import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { classifier, moved, near, values } from './setup.js';

const flat = (p: Record<string, nb.Tensor>) => Object.values(p).flatMap(values);

test('parameterPath: recorded during a real fit, it starts at the initial weights and ends at the final ones', async () => {
  const { model, x, y } = classifier();
  const initial = flat(nb.modelLoss(model).params());
  const path = nb.callbacks.parameterPath({ every: 'batch' });
  await model.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, callbacks: [path] });
  const final = flat(nb.modelLoss(model).params());
  assert.equal(path.length, 1 + 3 * 3); // the start and 3 batches per epoch
  assert.deepEqual(path.steps, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(
    path.epochs.map((e) => +e.toFixed(6)),
    path.steps.map((s) => +(s / 3).toFixed(6)),
  );
  assert.deepEqual(flat(path.at(0)), initial);
  assert.deepEqual(flat(path.at(-1)), final);
  assert.notDeepEqual(initial, final);
  assert.deepEqual(path.names, nb.modelLoss(model).names);
  // consecutive points differ: each is a copy, not the live variable
  assert.notDeepEqual(flat(path.at(1)), flat(path.at(2)));
});

test('parameterPath: every epoch (the default) or every n batches, the last point always the final weights; fits continue one path', async () => {
  const { model, x, y } = classifier();
  const byEpoch = nb.callbacks.parameterPath();
  const every2 = nb.callbacks.parameterPath({ every: 2 });
  await model.fit(x, y, { epochs: 2, batchSize: 16, callbacks: [byEpoch, every2] });
  assert.deepEqual(byEpoch.steps, [0, 3, 6]);
  assert.deepEqual(byEpoch.epochs, [0, 1, 2]);
  assert.deepEqual(every2.steps, [0, 2, 4, 6]);
  await model.fit(x, y, { epochs: 1, batchSize: 16, callbacks: [byEpoch, every2] });
  assert.deepEqual(byEpoch.steps, [0, 3, 6, 9]); // the second fit's start is the first's end: not recorded twice
  assert.deepEqual(every2.steps, [0, 2, 4, 6, 8, 9]);
  assert.deepEqual(flat(every2.at(-1)), flat(nb.modelLoss(model).params()));
  assert.throws(() => nb.callbacks.parameterPath({ every: 0 }), /parameterPath: every must be 'epoch', 'batch' or a whole number of batches ≥ 1, got 0/);
  assert.throws(() => nb.callbacks.parameterPath({ every: 'step' as 'epoch' }), /parameterPath: every must be/);
  assert.throws(() => byEpoch.at(10), /ParameterPath.at: index 10 is outside the 4 recorded points/);
});

test('projectPath: recovers (α, β) for points built in the plane, with non-orthogonal directions, and the loss there', () => {
  const { model, x, y } = classifier();
  const f = nb.modelLoss(model);
  const theta = f.params();
  nb.seed(9);
  const d1 = Object.fromEntries(Object.entries(theta).map(([k, v]) => [k, nb.randomNormal(v.shape)]));
  // d2 leans on d1: the normal equations, not two dot products, give the coordinates
  const d2 = Object.fromEntries(Object.entries(theta).map(([k, v]) => [k, nb.add(nb.mul(0.8, d1[k]!), nb.mul(0.5, nb.randomNormal(v.shape)))]));
  const l = nb.landscape(model, x, y, { directions: [d1, d2], resolution: 2 });
  const path = nb.callbacks.parameterPath();
  const coords: [number, number][] = [
    [0, 0],
    [0.3, -0.2],
    [-0.05, 0.4],
    [0.25, 0.25],
  ];
  for (const [a, b] of coords) path.record(moved(theta, [a, b], [d1, d2]));
  const p = nb.projectPath(path, l);
  coords.forEach(([a, b], t) => {
    assert.ok(Math.abs(p.alphas[t]! - a) < 1e-5 && Math.abs(p.betas[t]! - b) < 1e-5, `point ${t}: (${p.alphas[t]}, ${p.betas[t]}) vs (${a}, ${b})`);
    assert.ok(p.residual[t]! < 1e-5, `residual ${p.residual[t]}`);
    assert.ok(near(p.loss[t]!, f.loss(moved(theta, [a, b], [d1, d2]), x, y).item(), 1e-5));
  });
  assert.deepEqual(p.steps, [0, 1, 2, 3]);
  // a point off the plane: its residual is its distance to the plane
  const e = Object.fromEntries(Object.entries(theta).map(([k, v]) => [k, nb.zerosLike(v)]));
  e['dense_2.bias'] = nb.tensor([1, 0]);
  const off = nb.callbacks.parameterPath();
  off.record(moved(theta, [0.1, 0.1], [d1, d2]));
  const q = nb.projectPath(off, nb.landscape(model, x, y, { directions: { weights: ['dense_1.kernel[0,0]', 'dense_1.kernel[0,1]'] }, resolution: 2 }), {
    loss: false,
  });
  assert.deepEqual(q.loss, []);
  // along two single weights the coordinates are those weights' changes, and the residual the rest of the step
  const v1 = values(d1['dense_1.kernel']!)[0]! * 0.1 + values(d2['dense_1.kernel']!)[0]! * 0.1;
  assert.ok(Math.abs(q.alphas[0]! - v1) < 1e-5);
  const whole = Math.sqrt(flat(moved(theta, [0.1, 0.1], [d1, d2])).reduce((s, v, i) => s + (v - flat(theta)[i]!) ** 2, 0));
  assert.ok(q.relativeResidual[0]! > 0.9 && q.residual[0]! <= whole + 1e-6);
});

test("landscape with directions 'pca': the plane of the training path, where the path's residual is small", async () => {
  const { model, x, y } = classifier();
  const path = nb.callbacks.parameterPath({ every: 'batch' });
  await model.fit(x, y, { epochs: 4, batchSize: 10, shuffle: false, callbacks: [path] });
  const pca = nb.landscape(model, x, y, { directions: 'pca', path, resolution: 5 });
  assert.equal(pca.kind, 'pca');
  const p = nb.projectPath(path, pca);
  const rnd = nb.projectPath(path, nb.landscape(model, x, y, { resolution: 2 }), { loss: false });
  const sq = (r: number[]) => r.reduce((s, v) => s + v * v, 0);
  const star = flat(nb.modelLoss(model).params());
  const dist = path.points.map((q) => Math.sqrt(q.reduce((a, v, i) => a + (v - star[i]!) ** 2, 0)));
  const total = sq(dist);
  // the plane keeps the explained share of the path's spread: Σ residual² = (1 − e1 − e2)·Σ‖θ_t − θ*‖²
  assert.ok(pca.explained !== null && pca.explained[0] >= pca.explained[1] && pca.explained[0] + pca.explained[1] <= 1 + 1e-9);
  assert.ok(Math.abs(sq(p.residual) - (1 - pca.explained[0] - pca.explained[1]) * total) <= 1e-3 * total);
  assert.ok(sq(p.residual) < 0.2 * sq(rnd.residual), `pca ${sq(p.residual)} vs random ${sq(rnd.residual)}`);
  // every point is near the plane on the scale of the path (the last small steps may turn aside, so not relative to each one)
  assert.ok(Math.max(...p.residual) < 0.1 * Math.max(...dist), `${Math.max(...p.residual)} vs ${Math.max(...dist)}`);
  assert.ok(p.relativeResidual[0]! < 0.1);
  // the path ends at θ* (0, 0), starts at non-positive coordinates, and lies inside the default grid
  assert.ok(Math.abs(p.alphas.at(-1)!) < 1e-6 && Math.abs(p.betas.at(-1)!) < 1e-6);
  assert.ok(p.alphas[0]! <= 0 && p.betas[0]! <= 0);
  assert.ok(p.alphas.every((a) => a >= pca.alphas[0]! && a <= pca.alphas.at(-1)!));
  assert.ok(p.betas.every((b) => b >= pca.betas[0]! && b <= pca.betas.at(-1)!));
  // the loss along the path is the loss at the recorded weights: it falls as training goes on
  assert.equal(p.loss.at(-1), pca.center);
  assert.ok(p.loss[0]! > p.loss.at(-1)!);
  // unit, orthogonal directions
  const d = pca.directions.map(flat);
  assert.ok(near(Math.hypot(...d[0]!), 1, 1e-5) && near(Math.hypot(...d[1]!), 1, 1e-5));
  assert.ok(Math.abs(d[0]!.reduce((s, v, i) => s + v * d[1]![i]!, 0)) < 1e-5);
  // the chart forms: the grid with the components' shares, the path on the surface or at its own losses
  assert.equal(pca.toGrid().xLabel, `α (PC 1, ${(100 * pca.explained[0]).toFixed(1)} %)`);
  const onSurface = p.toPath('sgd');
  assert.deepEqual(onSurface, { name: 'sgd', points: p.alphas.map((a, t) => [a, p.betas[t]]) });
  assert.deepEqual(p.toPath('sgd', { heights: 'loss', color: '#f00' }).z, p.loss);
  assert.equal(p.toPath(undefined, { color: '#f00' }).color, '#f00');
  assert.throws(() => rnd.toPath('x', { heights: 'loss' }), /toPath: heights 'loss' needs the losses/);
  // a 1-D slice along the first principal direction
  const line = nb.landscape1d(model, x, y, { direction: 'pca', path, resolution: 3 });
  assert.deepEqual(flat(line.direction), d[0]);
});
