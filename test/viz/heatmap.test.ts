import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { divergingColor } from '../../src/viz/svg.js';
import { heatmap } from '../../src/viz/index.js';
import { checkSvg, select, within } from './xml.js';

test('heatmap: one cell per entry, placed by row and column, coloured on a scale centred at 0', () => {
  const m = [
    [1, -2, 0.5],
    [0, 4, -4],
  ];
  const svg = heatmap(m, { title: 'A 2×3 matrix', xLabel: 'input j', yLabel: 'output i' });
  const { root } = checkSvg(svg);
  assert.equal(root.children[0]!.text, 'A 2×3 matrix');
  const cells = select(root, 'rect', 'cell');
  assert.equal(cells.length, 6);
  cells.forEach((c, k) => {
    const i = Math.floor(k / 3),
      j = k % 3;
    assert.equal(c.attrs['data-row'], String(i));
    assert.equal(c.attrs['data-col'], String(j));
    assert.equal(Number(c.attrs['data-value']), m[i]![j]);
    assert.equal(c.attrs.fill, divergingColor(m[i]![j]! / 4)); // range = max |v| = 4
  });
  const x = (k: number) => Number(cells[k]!.attrs.x),
    y = (k: number) => Number(cells[k]!.attrs.y);
  assert.ok(x(1) > x(0) && x(2) > x(1) && y(0) === y(2) && y(3) > y(0) && x(3) === x(0));
  assert.equal(cells[3]!.attrs.fill, '#ffffff'); // 0 is white
  assert.equal(cells[4]!.attrs.fill, '#67001f'); // +max is dark red
  assert.equal(cells[5]!.attrs.fill, '#053061'); // −max is dark blue
  const texts = select(root, 'text').map((t) => t.text);
  for (const s of ['input j', 'output i']) assert.ok(texts.includes(s), s);
  assert.deepEqual(
    select(root, 'text', 'row-label').map((t) => t.text),
    ['0', '1'],
  );
  assert.deepEqual(
    select(root, 'text', 'col-label').map((t) => t.text),
    ['0', '1', '2'],
  );
  // the colour bar spans −4..4 with its ticks; large cells print their values
  const bar = select(root, 'text', 'bar-tick').map((t) => Number(t.text));
  assert.equal(bar[0], -4);
  assert.equal(bar.at(-1), 4);
  assert.ok(within(root, 'colorbar', 'rect').length > 10);
  assert.deepEqual(
    within(root, 'cells', 'text').map((t) => t.text),
    ['1', '-2', '0.5', '0', '4', '-4'],
  );
  assert.equal(heatmap(m, { title: 'A 2×3 matrix', xLabel: 'input j', yLabel: 'output i' }), svg, 'deterministic');
});

test('heatmap: a 2-D tensor, center and range, non-finite entries, thinned labels on a large matrix', () => {
  const t = nb.tensor([
    [1, 2],
    [3, NaN],
  ]);
  const { root } = checkSvg(heatmap(t, { center: 2, range: 1, annotate: false }));
  const cells = select(root, 'rect', 'cell');
  assert.deepEqual(
    cells.map((c) => c.attrs.fill),
    [divergingColor(-1), '#ffffff', divergingColor(1), '#bdbdbd'],
  );
  assert.equal(cells[3]!.attrs['data-missing'], 'true');
  assert.equal(within(root, 'cells', 'text').length, 0);
  const big = Array.from({ length: 64 }, (_, i) => Array.from({ length: 100 }, (_, j) => Math.sin(i / 5) * Math.cos(j / 7)));
  const { root: r } = checkSvg(heatmap(big));
  assert.equal(select(r, 'rect', 'cell').length, 6400);
  const rows = select(r, 'text', 'row-label').map((e) => Number(e.text));
  assert.ok(rows.length < 64 && rows.length >= 6 && rows.every((v) => v % rows[1]! === 0), `${rows}`);
});

test('heatmap: clear errors for a ragged, empty or non-2-D matrix and bad options', () => {
  assert.throws(
    () => heatmap([[1, 2], [3]]),
    (e: Error) => e instanceof ShapeError && /heatmap: the matrix must be rectangular: row 1 has 1 values, row 0 has 2/.test(e.message),
  );
  assert.throws(() => heatmap([]), ShapeError);
  assert.throws(
    () => heatmap(nb.zeros([2, 2, 2])),
    (e: Error) => e instanceof ShapeError && /expected a 2-D tensor, got shape \[2,2,2\]/.test(e.message),
  );
  assert.throws(() => heatmap([[1, 'a' as unknown as number]]), ArgumentError);
  assert.throws(
    () => heatmap([[1]], { range: -1 }),
    (e: Error) => e instanceof ArgumentError && /range must be a positive number/.test(e.message),
  );
  assert.throws(
    () => heatmap([[1, 2]], { rowLabels: ['a', 'b'] }),
    (e: Error) => e instanceof ShapeError && /2 rowLabels for 1 rows/.test(e.message),
  );
  assert.throws(() => heatmap('x' as never), ArgumentError);
});

test('heatmap of a layer Jacobian: the cells hold J = diag(1 − tanh²(z))·Wᵀ', () => {
  nb.seed(3);
  const m = nb.sequential([nb.layers.dense({ units: 3, activation: 'tanh', inputShape: [4] })]);
  const x = nb.tensor([0.1, -0.4, 0.9, 0.3]);
  const J = nb.layerJacobian(m, 0, x);
  const { root } = checkSvg(heatmap(J, { xLabel: 'input j', yLabel: 'output i' }));
  const values = select(root, 'rect', 'cell').map((c) => Number(c.attrs['data-value']));
  const expected = (J.toArray() as number[][]).flat();
  values.forEach((v, k) => assert.ok(Math.abs(v - expected[k]!) <= 1e-5 * Math.abs(expected[k]!) + 1e-12));
});
