import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { ArgumentError } from '../../src/core/errors.js';
import { checkSvg, select } from './xml.js';

const { surfaces, descentPaths, descentChart, learningRatesChart, surfaceGrid } = nb.viz;

/** ∇f in closed form, written out by hand for each surface. */
const gradients: Record<string, (x: number, y: number) => [number, number]> = {
  bowl: (x, y) => [2 * x, 2 * y],
  ravine: (x, y) => [0.2 * x, 4 * y],
  saddle: (x, y) => [2 * x, y ** 3 - 2 * y],
  rosenbrock: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  himmelblau: (x, y) => [4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)],
  wells: (x, y) => {
    const g1 = Math.exp(-((x - 1.6) ** 2 + (y - 1.4) ** 2) / 0.6),
      g2 = Math.exp(-((x + 1.2) ** 2 + (y + 1) ** 2) / 1.5);
    return [
      0.08 * x + (1.2 * g1 * (2 * (x - 1.6))) / 0.6 + (2 * g2 * (2 * (x + 1.2))) / 1.5,
      0.08 * y + (1.2 * g1 * (2 * (y - 1.4))) / 0.6 + (2 * g2 * (2 * (y + 1))) / 1.5,
    ];
  },
};
const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol * (1 + Math.abs(b));

test('surfaces: nb.grad of each surface equals its gradient in closed form', () => {
  assert.deepEqual(Object.keys(surfaces).sort(), Object.keys(gradients).sort());
  for (const [name, s] of Object.entries(surfaces)) {
    const g = nb.grad(s.f);
    for (const [x, y] of [[0.3, -0.7], [-1.2, 1], [1.7, 0.4], s.start] as [number, number][]) {
      const got = (g(nb.tensor([x, y], [2], 'float64')) as nb.Tensor).toArray() as number[];
      const want = gradients[name]!(x!, y!);
      assert.ok(close(got[0]!, want[0]) && close(got[1]!, want[1]), `${name} at (${x}, ${y}): ${got} vs ${want}`);
    }
    // the minima are stationary points
    for (const [x, y] of s.minima) {
      const [gx, gy] = gradients[name]!(x, y);
      assert.ok(Math.hypot(gx, gy) < 0.05, `${name}: ∇f(${x}, ${y}) = (${gx}, ${gy})`);
    }
  }
});

test('surfaceGrid: the batched evaluation equals f point by point', () => {
  for (const s of Object.values(surfaces)) {
    const grid = surfaceGrid(s, { resolution: 7 });
    assert.equal(grid.z.length, 7);
    for (const [i, j] of [
      [0, 0],
      [3, 5],
      [6, 6],
    ] as const) {
      const v = s.f(nb.tensor([grid.xs[i]!, grid.ys[j]!], [2], 'float64')).item();
      assert.ok(close(grid.z[j]![i]!, v, 1e-12), `${s.name} (${i}, ${j})`);
    }
    assert.equal(grid.xs[0], s.domain.x[0]);
    assert.equal(grid.ys.at(-1), s.domain.y[1]);
  }
});

test('descentPaths: SGD is θ ← θ − η∇f at every step, from the same start for every optimiser', () => {
  const [sgd, momentum, rmsprop, adam] = descentPaths('rosenbrock', { steps: 25 });
  const eta = surfaces.rosenbrock!.learningRates.sgd;
  let [x, y] = surfaces.rosenbrock!.start;
  for (let k = 0; k <= 25; k++) {
    assert.ok(close(sgd!.points[k]![0], x, 1e-12) && close(sgd!.points[k]![1], y, 1e-12), `step ${k}`);
    assert.ok(close(sgd!.losses[k]!, (1 - x) ** 2 + 100 * (y - x * x) ** 2, 1e-12));
    const [gx, gy] = gradients.rosenbrock!(x, y);
    [x, y] = [x - eta * gx, y - eta * gy];
  }
  for (const p of [momentum, rmsprop, adam]) assert.deepEqual(p!.points[0], surfaces.rosenbrock!.start);
  assert.equal(sgd!.points.length, 26);
  assert.equal(sgd!.name, 'sgd (η = 0.002)');
});

test('descentPaths: momentum, RMSprop and Adam take their documented first steps', () => {
  const start: [number, number] = [-1.5, 0.8];
  const [gx, gy] = gradients.ravine!(...start);
  const [momentum, rmsprop, adam] = descentPaths('ravine', { optimizers: ['momentum', 'rmsprop', 'adam'], start, steps: 2, learningRates: 0.1 });
  // momentum: v₁ = −η·g₀, θ₁ = θ₀ + v₁; v₂ = 0.9·v₁ − η·g₁, θ₂ = θ₁ + v₂
  const m1 = [start[0] - 0.1 * gx, start[1] - 0.1 * gy];
  assert.ok(close(momentum!.points[1]![0], m1[0]!, 1e-12) && close(momentum!.points[1]![1], m1[1]!, 1e-12));
  const [hx, hy] = gradients.ravine!(m1[0]!, m1[1]!);
  const m2 = [m1[0]! + 0.9 * -0.1 * gx - 0.1 * hx, m1[1]! + 0.9 * -0.1 * gy - 0.1 * hy];
  assert.ok(close(momentum!.points[2]![0], m2[0]!, 1e-12) && close(momentum!.points[2]![1], m2[1]!, 1e-12));
  // RMSprop: s = (1 − ρ)·g², θ₁ = θ₀ − η·g/(√s + ε)
  const r = (g: number) => (0.1 * g) / (Math.sqrt(0.1 * g * g) + 1e-7);
  assert.ok(close(rmsprop!.points[1]![0], start[0] - r(gx), 1e-12) && close(rmsprop!.points[1]![1], start[1] - r(gy), 1e-12));
  // Adam: m̂ = g, v̂ = g², θ₁ = θ₀ − η·g/(|g| + ε)
  const a = (g: number) => (0.1 * g) / (Math.abs(g) + 1e-7);
  assert.ok(close(adam!.points[1]![0], start[0] - a(gx), 1e-9) && close(adam!.points[1]![1], start[1] - a(gy), 1e-9));
});

test('descentPaths: a run that blows up stops, marked diverged; bad options are refused', () => {
  const [p] = descentPaths('saddle', { optimizers: ['sgd'], learningRates: 1.05 });
  assert.equal(p!.diverged, true);
  assert.ok(p!.points.length < surfaces.saddle!.steps + 1);
  const last = p!.losses.at(-1)!;
  assert.ok(!Number.isFinite(last) || Math.abs(p!.points.at(-1)![1]) > 1e100);
  const [ok] = descentPaths('bowl', { optimizers: ['sgd'] });
  assert.equal(ok!.diverged, false);
  assert.throws(() => descentPaths('moon'), /unknown surface 'moon'/);
  assert.throws(() => descentPaths('bowl', { optimizers: ['lbfgs' as never] }), ArgumentError);
  assert.throws(() => descentPaths('bowl', { learningRates: -1 }), ArgumentError);
  assert.throws(() => descentPaths('bowl', { start: [0, NaN] }), ArgumentError);
  assert.throws(() => descentPaths('bowl', { steps: 1.5 }), ArgumentError);
});

test('descentChart: a contour map and a 3-D surface with one track and one ball per optimiser, where the optimiser went', () => {
  const opts = { optimizers: ['sgd', 'adam'] as nb.viz.OptimizerName[], steps: 12, resolution: 31 };
  const charts = descentChart('bowl', opts);
  assert.equal(descentChart('bowl', opts).contour, charts.contour, 'deterministic');
  for (const svg of [charts.contour, charts.surface]) {
    const { root } = checkSvg(svg);
    assert.deepEqual(
      select(root, 'g', 'track').map((g) => g.attrs['data-name']),
      ['sgd (η = 0.1)', 'adam (η = 0.2)'],
    );
    assert.equal(select(root, 'circle', 'ball').length, 2);
    const frames = select(root, 'animateMotion').map((m) => m.attrs.values!.split(';').length);
    assert.deepEqual(frames, [13, 13]);
  }
  assert.equal(charts.paths.length, 2);
  // the contour map's track passes through the optimiser's points: its vertices are the points' pixels in order
  const { root } = checkSvg(charts.contour);
  const d = select(root, 'path', 'path')[0]!.attrs.d!;
  const verts = [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(verts.length, 13);
  const sgd = charts.paths[0]!.points;
  // pixels are affine in the data: the ratios of successive displacements agree
  const dx = (k: number) => verts[k + 1]![0]! - verts[k]![0]!,
    ex = (k: number) => sgd[k + 1]![0] - sgd[k]![0];
  assert.ok(Math.abs(dx(1) / dx(0) - ex(1) / ex(0)) < 1e-3);
  assert.ok(select(root, 'g', 'marker').length === 1, 'the minimum is marked');
});

test('learningRatesChart: three rates, the too-large one diverges, is clipped and labelled "diverged"', () => {
  const svg = learningRatesChart('saddle', { steps: 30 });
  const { root } = checkSvg(svg); // no NaN or Infinity anywhere, everything inside the picture
  const texts = select(root, 'text').map((t) => t.text);
  assert.ok(texts.includes('η = 1.05 (too large): diverged (clipped)'), texts.join(' | '));
  assert.ok(texts.includes('η = 0.02 (too small)'));
  assert.ok(texts.includes('η = 0.15 (about right)'));
  assert.ok(texts.includes('η = 1.05 (too large): diverged'), 'the loss curve is labelled too');
  assert.equal(learningRatesChart('saddle', { steps: 30 }), svg);
  assert.throws(() => learningRatesChart('bowl', { rates: [1, 2] as never }), ArgumentError);
});
