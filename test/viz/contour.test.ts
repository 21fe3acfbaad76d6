import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { contourLevels } from '../../src/viz/grid.js';
import { contourChart, type SurfaceGrid } from '../../src/viz/index.js';
import { checkSvg, select, type XmlElement } from './xml.js';

function makeGrid(f: (x: number, y: number) => number, [x0, x1]: [number, number], [y0, y1]: [number, number], n = 41): SurfaceGrid {
  const xs = Array.from({ length: n }, (_, i) => x0 + ((x1 - x0) * i) / (n - 1));
  const ys = Array.from({ length: n }, (_, j) => y0 + ((y1 - y0) * j) / (n - 1));
  return { xs, ys, z: ys.map((y) => xs.map((x) => f(x, y))), xLabel: 'x', yLabel: 'y', zLabel: 'loss' };
}
const bowl = makeGrid((x, y) => x * x + 3 * y * y, [-2, 2], [-1, 1]);

/** The data → pixel maps of the plot, recovered from two tick labels of each axis. */
function axisMaps(root: XmlElement): { px: (x: number) => number; py: (y: number) => number } {
  const fit = (cls: string, coord: 'x' | 'y') => {
    const ticks = select(root, 'text', cls).map((t) => [Number(t.text.replace('−', '-')), Number(t.attrs[coord])] as const);
    const [[v0, p0], [v1, p1]] = [ticks[0]!, ticks.at(-1)!];
    const k = (p1 - p0) / (v1 - v0);
    return (v: number) => p0 + (v - v0) * k;
  };
  const px = fit('x-tick', 'x');
  const yFit = fit('y-tick', 'y');
  // y tick labels sit 0.35 em (11 px font) below their tick
  return { px, py: (y: number) => yFit(y) - 11 * 0.35 };
}

/** The points of a path's data ("M x y L x y …"). */
const pointsOf = (d: string) => [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);

test('contourChart: well-formed and deterministic, one band per level, levels bracketing the data', () => {
  const svg = contourChart(bowl, { title: 'bowl', levels: 8 });
  assert.equal(contourChart(bowl, { title: 'bowl', levels: 8 }), svg);
  const { root } = checkSvg(svg);
  const levels = select(root, 'text', 'level').map((t) => Number(t.text));
  const min = 0,
    max = 4 + 3;
  assert.ok(levels[0]! <= min && levels.at(-1)! >= max, `levels ${levels.join(', ')} bracket [${min}, ${max}]`);
  const bandEls = [...select(root, 'rect', 'band'), ...select(root, 'path', 'band')];
  assert.equal(bandEls.length, contourLevels('t', min, max, 8, false).length - 1, 'one band per interval');
  const fills = new Set(bandEls.map((b) => b.attrs.fill));
  assert.equal(fills.size, bandEls.length, 'each band its own colour');
  assert.ok(select(root, 'path', 'contour-line').length > 0);
  const texts = select(root, 'text').map((t) => t.text);
  for (const s of ['x', 'y', 'loss']) assert.ok(texts.includes(s), s);
});

test('contourLevels: linear and log levels bracket the data and increase; given levels are sorted', () => {
  for (const [lo, hi] of [
    [0, 7],
    [-3.2, 11.7],
    [0.001, 2500],
    [1e-9, 1e-6],
    [-5, -4.9],
  ] as const) {
    for (const log of [false, true]) {
      const ls = contourLevels('t', lo, hi, 10, log);
      assert.ok(ls[0]! <= lo && ls.at(-1)! >= hi, `${log ? 'log' : 'linear'} [${lo}, ${hi}]: ${ls.join(', ')}`);
      assert.ok(
        ls.every((v, i) => i === 0 || v > ls[i - 1]!),
        'increasing',
      );
      assert.ok(ls.length >= 3 && ls.length <= 16, `${ls.length} levels`);
    }
  }
  assert.deepEqual(contourLevels('t', 0, 1, [3, 1, 2, 2, NaN], false), [1, 2, 3]);
  assert.throws(() => contourLevels('t', 0, 1, 1, false), ArgumentError);
});

test('contourChart: a path is drawn through the pixels of its points, with start and end markers', () => {
  const points: [number, number][] = [
    [-1.5, 0.8],
    [-1, 0.3],
    [-0.4, -0.1],
    [0, 0],
  ];
  const svg = contourChart(bowl, { paths: [{ name: 'sgd', points }] });
  const { root } = checkSvg(svg);
  const { px, py } = axisMaps(root);
  const path = select(root, 'path', 'path')[0]!;
  const drawn = pointsOf(path.attrs.d!);
  assert.equal(drawn.length, points.length);
  drawn.forEach(([x, y], i) => {
    assert.ok(Math.abs(x! - px(points[i]![0])) < 0.02, `x of point ${i}: ${x} vs ${px(points[i]![0])}`);
    assert.ok(Math.abs(y! - py(points[i]![1])) < 0.02, `y of point ${i}: ${y} vs ${py(points[i]![1])}`);
  });
  const start = select(root, 'circle', 'start')[0]!,
    end = select(root, 'circle', 'end')[0]!;
  assert.ok(Math.abs(Number(start.attrs.cx) - px(-1.5)) < 0.02 && Math.abs(Number(end.attrs.cy) - py(0)) < 0.02);
  assert.ok(
    select(root, 'text').some((t) => t.text === 'sgd'),
    'legend',
  );
  assert.equal(select(root, 'circle', 'ball').length, 0, 'no ball unless animated');
});

test('contourChart: a diverging path is clipped to the plot and labelled, with no NaN or Infinity in the SVG', () => {
  const points: [number, number][] = [
    [-1, 0.5],
    [1.5, -0.8],
    [-3, 2],
    [40, -90],
    [1e300, -1e300],
    [Infinity, NaN],
  ];
  const svg = contourChart(bowl, { paths: [{ name: 'sgd (η = 2)', points, z: [1, 2, 30, 1e5, Infinity, NaN] }], animate: true });
  const { root } = checkSvg(svg); // rejects NaN/Infinity and coordinates outside the chart
  const { px, py } = axisMaps(root);
  const [left, right] = [px(-2), px(2)].sort((a, b) => a - b) as [number, number],
    [top, bottom] = [py(1), py(-1)].sort((a, b) => a - b) as [number, number];
  for (const p of select(root, 'path', 'path')) {
    for (const [x, y] of pointsOf(p.attrs.d!))
      assert.ok(x! >= left - 0.01 && x! <= right + 0.01 && y! >= top - 0.01 && y! <= bottom + 0.01, `(${x}, ${y}) in the plot`);
  }
  assert.ok(select(root, 'text').some((t) => t.text === 'sgd (η = 2): diverged (clipped)'));
  assert.equal(select(root, 'circle', 'end').length, 0, 'no end marker outside the plot');
  // a path that leaves and comes back is "clipped", not diverged
  const back = checkSvg(
    contourChart(bowl, {
      paths: [
        {
          name: 'wide',
          points: [
            [-1, 0],
            [3, 0],
            [0.5, 0],
          ],
        },
      ],
    }),
  ).root;
  assert.ok(select(back, 'text').some((t) => t.text === 'wide: leaves the plot (clipped)'));
});

test('contourChart: animate adds a ball per path moving through the points (one value per step, in step)', () => {
  const a: [number, number][] = [
    [-1.5, 0.5],
    [-1, 0.2],
    [-0.5, 0],
  ];
  const b: [number, number][] = [
    [1.5, -0.5],
    [1, 0],
  ];
  const svg = contourChart(bowl, {
    paths: [
      { name: 'a', points: a },
      { name: 'b', points: b },
    ],
    animate: true,
    duration: 3,
  });
  const { root } = checkSvg(svg);
  const { px, py } = axisMaps(root);
  const balls = select(root, 'circle', 'ball');
  assert.equal(balls.length, 2);
  for (const [k, pts] of [a, b].entries()) {
    const ball = balls[k]!,
      motion = ball.children[0]!;
    assert.equal(motion.name, 'animateMotion');
    assert.equal(motion.attrs.dur, '3s');
    const values = motion.attrs.values!.split(';').map((v) => v.split(',').map(Number));
    assert.equal(values.length, 3, 'every ball has as many frames as the longest path');
    const cx = Number(ball.attrs.cx),
      cy = Number(ball.attrs.cy);
    values.forEach(([dx, dy], i) => {
      const p = pts[Math.min(i, pts.length - 1)]!;
      assert.ok(Math.abs(cx + dx! - px(p[0])) < 0.05 && Math.abs(cy + dy! - py(p[1])) < 0.05, `ball ${k} frame ${i}`);
    });
  }
});

test('contourChart: NaN values are grey and noted; log levels; markers; bad input', () => {
  const holed = makeGrid((x, y) => (x > 1 && y > 0.5 ? NaN : (1 - x) ** 2 + 100 * (y - x * x) ** 2), [-2, 2], [-1, 3]);
  const svg = contourChart(holed, { logScale: true, markers: [{ name: 'minimum', point: [1, 1] }] });
  const { root } = checkSvg(svg);
  assert.ok(select(root, 'rect').length > 0 && svg.includes('class="no-value"'));
  assert.ok(select(root, 'text').some((t) => t.text === 'no value (not a number)'));
  assert.equal(select(root, 'g', 'marker').length, 1);
  const levels = select(root, 'text', 'level').map((t) => Number(t.text));
  // log levels: ratios between successive levels (above the bottom one) grow roughly geometrically
  assert.ok(levels.at(-1)! / levels[levels.length - 2]! > 1.5);
  assert.ok(select(root, 'text').some((t) => t.text === 'loss (log)'));

  assert.throws(
    () =>
      contourChart({
        xs: [0, 0],
        ys: [0, 1],
        z: [
          [1, 2],
          [3, 4],
        ],
      }),
    ArgumentError,
  );
  assert.throws(() => contourChart({ xs: [0, 1], ys: [0, 1], z: [[1, 2]] }), ShapeError);
  assert.throws(() => contourChart(bowl, { paths: [{ name: 'p', points: [[0, 0]], z: [1, 2] }] }), ShapeError);
  assert.throws(() => contourChart(bowl, { paths: [{ name: 'p', points: [[0, 0]], color: 'red' }] }), ArgumentError);
  assert.throws(() => contourChart(bowl, { levels: 1 }), ArgumentError);
});
