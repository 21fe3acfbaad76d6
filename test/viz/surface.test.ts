import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError } from '../../src/core/errors.js';
import { projector } from '../../src/viz/project.js';
import { surfaceChart, type SurfaceGrid } from '../../src/viz/index.js';
import { checkSvg, select } from './xml.js';

function makeGrid(f: (x: number, y: number) => number, n = 21, lo = -1, hi = 1): SurfaceGrid {
  const cs = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  return { xs: cs, ys: [...cs], z: cs.map((y) => cs.map((x) => f(x, y))), zLabel: 'loss' };
}
const pointsOf = (d: string) => [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]);
const centroid = (d: string) => {
  const ps = pointsOf(d);
  return [ps.reduce((s, p) => s + p[0], 0) / ps.length, ps.reduce((s, p) => s + p[1], 0) / ps.length];
};

test('projector: the formulas of project.ts (top view, side view, azimuth, perspective)', () => {
  const top = projector({ azimuth: 0, elevation: 90, perspective: 0 });
  const p = top(0.3, -0.4, 0.7);
  assert.ok(Math.abs(p.u - 0.3) < 1e-12 && Math.abs(p.v + 0.4) < 1e-12 && Math.abs(p.depth + 0.7) < 1e-12);
  const side = projector({ azimuth: 0, elevation: 0, perspective: 0 });
  const q = side(0.3, -0.4, 0.7);
  assert.ok(Math.abs(q.u - 0.3) < 1e-12 && Math.abs(q.v - 0.7) < 1e-12 && Math.abs(q.depth + 0.4) < 1e-12);
  const turned = projector({ azimuth: 90, elevation: 0, perspective: 0 })(1, 0, 0);
  assert.ok(Math.abs(turned.u) < 1e-12 && Math.abs(turned.depth - 1) < 1e-12, 'x turned away from the viewer');
  const persp = projector({ azimuth: 0, elevation: 0, perspective: 0.2 });
  assert.ok(Math.abs(persp(0.5, 1, 0).u) < Math.abs(persp(0.5, -1, 0).u), 'far points shrink');
});

test('surfaceChart: well-formed, deterministic, one quad per cell, drawn far to near', () => {
  const grid = makeGrid((x, y) => x * x + y * y, 11);
  const svg = surfaceChart(grid, { title: 'bowl', azimuth: 0, elevation: 30, perspective: 0 });
  assert.equal(surfaceChart(grid, { title: 'bowl', azimuth: 0, elevation: 30, perspective: 0 }), svg);
  const { root } = checkSvg(svg);
  const quads = select(root, 'path', 'quad');
  assert.equal(quads.length, 10 * 10);
  // seen from the front (azimuth 0) the far cells (large y) come first: their centres are higher on the screen, for a plane
  const flat = checkSvg(
    surfaceChart(
      makeGrid(() => 1, 11),
      { azimuth: 0, elevation: 30, perspective: 0 },
    ),
  ).root;
  const ys = select(flat, 'path', 'quad').map((q) => centroid(q.attrs.d!)[1]!);
  assert.ok(
    ys.every((y, i) => i === 0 || y >= ys[i - 1]! - 1e-6),
    'far (high on the screen) to near',
  );
  assert.ok(ys[0]! < ys.at(-1)! - 50);
  // the colours follow the height: the rim of the bowl is lighter (viridis' yellow end) than the bottom
  const texts = select(root, 'text').map((t) => t.text);
  for (const s of ['bowl', 'x', 'y', 'loss']) assert.ok(texts.includes(s), s);
});

test('surfaceChart: a peak is drawn above its base, and heights map to screen height', () => {
  const grid = makeGrid((x, y) => Math.exp(-8 * (x * x + y * y)), 21);
  const { root } = checkSvg(surfaceChart(grid, { azimuth: 0, elevation: 20, perspective: 0 }));
  const quads = select(root, 'path', 'quad').map((q) => centroid(q.attrs.d!));
  const highest = Math.min(...quads.map((c) => c[1]!));
  // the highest point on screen is a quad near the middle (x ≈ centre of the picture)
  const top = quads.find((c) => c[1] === highest)!;
  const xs = quads.map((c) => c[0]!);
  const mid = (Math.min(...xs) + Math.max(...xs)) / 2;
  assert.ok(Math.abs(top[0]! - mid) < 30, `the peak at x=${top[0]} near the middle ${mid}`);
  const ticks = select(root, 'text', 'z-tick').map((t) => Number(t.text));
  assert.equal(ticks[0], Number(Math.min(...grid.z.flat()).toPrecision(3)), 'the lowest tick is the minimum');
  assert.equal(ticks.at(-1), 1, 'the highest tick is the maximum');
});

test('surfaceChart: a path lies on the surface; behind a ridge it is dashed; a diverging one is clipped and labelled', () => {
  // a wall along the front edge (y near −1) hides the low plain behind it from a viewer in front (azimuth 0)
  const wall = makeGrid((_, y) => (y < -0.6 ? 1 : 0), 21);
  const behind: [number, number][] = [
    [-0.5, 0.2],
    [0, 0.3],
    [0.5, 0.2],
  ];
  const { root } = checkSvg(surfaceChart(wall, { paths: [{ name: 'hidden', points: behind }], azimuth: 0, elevation: 20 }));
  assert.ok(select(root, 'path', 'hidden-part').length === 1);
  assert.equal(select(root, 'path', 'path').length, 0, 'no visible part');
  const plain = checkSvg(
    surfaceChart(
      makeGrid(() => 0, 21),
      { paths: [{ name: 'seen', points: behind }], azimuth: 0, elevation: 20 },
    ),
  ).root;
  assert.equal(select(plain, 'path', 'hidden-part').length, 0);
  assert.equal(select(plain, 'path', 'path').length, 1);

  const bowl = makeGrid((x, y) => x * x + y * y, 21);
  const diverging: [number, number][] = [
    [0.5, 0.5],
    [-0.8, -0.8],
    [1.5, 1.5],
    [-1e200, 1e200],
    [NaN, NaN],
  ];
  const svg = surfaceChart(bowl, { paths: [{ name: 'sgd', points: diverging, z: [0.5, 1.28, 4.5, Infinity, NaN] }], animate: true });
  const r = checkSvg(svg).root;
  assert.ok(select(r, 'text').some((t) => t.text === 'sgd: diverged (clipped)'));
  assert.equal(select(r, 'circle', 'ball').length, 1);
  assert.equal(select(r, 'circle', 'end').length, 0, 'the end is off the surface');
});

test('surfaceChart: NaN cells are left out; log scale; bad input', () => {
  const holed = makeGrid((x, y) => (x > 0.5 && y > 0.5 ? NaN : (1 - x) ** 2 + 100 * (y - x * x) ** 2), 11);
  const { root } = checkSvg(surfaceChart(holed, { logScale: true }));
  assert.ok(select(root, 'path', 'quad').length < 100);
  assert.ok(select(root, 'text').some((t) => t.text === 'loss (log)'));
  assert.ok(select(root, 'text').some((t) => t.text.startsWith('no value')));
  assert.throws(() => surfaceChart(holed, { elevation: 120 }), ArgumentError);
  assert.throws(() => surfaceChart(holed, { mesh: 1 }), ArgumentError);
  assert.throws(
    () =>
      surfaceChart({
        xs: [1, 0],
        ys: [0, 1],
        z: [
          [0, 0],
          [0, 0],
        ],
      }),
    ArgumentError,
  );
});
