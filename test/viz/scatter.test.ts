import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError } from '../../src/core/errors.js';
import { CATEGORICAL, scatterChart } from '../../src/viz/index.js';
import { checkSvg, select, within } from './xml.js';

const points = Array.from({ length: 30 }, (_, i) => ({ x: Math.cos(i) * (1 + (i % 3)), y: Math.sin(i) * (1 + (i % 3)), label: i % 3 }));

test('scatterChart: one circle per point, coloured by label, with a legend', () => {
  const svg = scatterChart({ points, title: 'Embedding', xLabel: 'z1', yLabel: 'z2', legendTitle: 'class' });
  const { root } = checkSvg(svg);
  const dots = within(root, 'points', 'circle');
  assert.equal(dots.length, 30);
  dots.forEach((d, i) => assert.equal(d.attrs.fill, CATEGORICAL[i % 3]));
  assert.deepEqual(
    within(root, 'legend', 'text').map((t) => t.text),
    ['class', '0', '1', '2'],
  );
  assert.equal(within(root, 'legend', 'circle').length, 3);
  // the axes span the data plus 5% each way, with round ticks inside
  const xs = points.map((p) => p.x);
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  const ticks = select(root, 'text', 'x-tick').map((t) => Number(t.text));
  const first = Math.ceil(lo - 0.05 * (hi - lo)),
    last = Math.floor(hi + 0.05 * (hi - lo));
  assert.deepEqual(
    ticks,
    Array.from({ length: last - first + 1 }, (_, k) => first + k),
  );
  assert.ok(ticks.length >= 5);
  assert.equal(scatterChart({ points, title: 'Embedding', xLabel: 'z1', yLabel: 'z2', legendTitle: 'class' }), svg);
});

test('scatterChart: at least 10 distinguishable colours; integer labels keep their colour', () => {
  assert.ok(new Set(CATEGORICAL).size >= 10);
  const ten = Array.from({ length: 10 }, (_, k) => ({ x: k, y: k * k, label: 9 - k }));
  const { root } = checkSvg(scatterChart({ points: ten }));
  const fills = within(root, 'points', 'circle').map((c) => c.attrs.fill);
  assert.equal(new Set(fills).size, 10);
  assert.deepEqual(
    within(root, 'legend', 'text').map((t) => t.text),
    ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  );
  // digits 3 and 8 alone keep the colours they have among all ten
  const { root: two } = checkSvg(
    scatterChart({
      points: [
        { x: 0, y: 0, label: 3 },
        { x: 1, y: 1, label: 8 },
      ],
    }),
  );
  assert.deepEqual(
    within(two, 'points', 'circle').map((c) => c.attrs.fill),
    [CATEGORICAL[3], CATEGORICAL[8]],
  );
});

test('scatterChart: string labels in order of appearance, escaped; unlabelled points grey; no legend without labels', () => {
  const svg = scatterChart({
    points: [
      { x: 0, y: 0, label: 'dog' },
      { x: 1, y: 2, label: '<cat&>' },
      { x: 2, y: 1 },
      { x: 3, y: 3, label: 'dog' },
    ],
  });
  const { root } = checkSvg(svg);
  assert.deepEqual(
    within(root, 'legend', 'text').map((t) => t.text),
    ['dog', '<cat&>', 'unlabelled'],
  );
  assert.ok(svg.includes('&lt;cat&amp;&gt;'));
  const fills = within(root, 'points', 'circle').map((c) => c.attrs.fill);
  assert.equal(fills[0], fills[3]);
  assert.equal(fills[2], '#9a9a9a');
  const plain = checkSvg(
    scatterChart({
      points: [
        { x: 0, y: 0 },
        { x: 1, y: 1 },
      ],
    }),
  ).root;
  assert.equal(select(plain, 'g', 'legend').length, 0);
  const hidden = checkSvg(scatterChart({ points, legend: false })).root;
  assert.equal(select(hidden, 'g', 'legend').length, 0);
});

test('scatterChart: non-finite points are skipped; empty input is handled', () => {
  const { root } = checkSvg(
    scatterChart({
      points: [
        { x: 0, y: 0 },
        { x: NaN, y: 1 },
        { x: 1, y: Infinity },
        { x: 2, y: 2 },
      ],
    }),
  );
  assert.equal(within(root, 'points', 'circle').length, 2);
  const empty = checkSvg(scatterChart({ points: [] })).root;
  assert.ok(select(empty, 'text').some((t) => t.text === 'no data'));
  assert.throws(() => scatterChart({ points: [], radius: 0 }), ArgumentError);
});
