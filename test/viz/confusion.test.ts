import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { confusionMatrixChart } from '../../src/viz/index.js';
import { checkSvg, select, within } from './xml.js';

// rows are the true class, columns the predicted class (as nb.metrics.confusionMatrix returns)
const matrix = [
  [3, 0, 0],
  [0, 1, 1],
  [1, 1, 2],
];

test('confusionMatrixChart: one rect per cell, each annotated with its count', () => {
  const svg = confusionMatrixChart(matrix, { title: 'Three classes' });
  const { root } = checkSvg(svg);
  const cells = select(root, 'rect', 'cell');
  assert.equal(cells.length, 9);
  const counts = within(root, 'cells', 'text').map((t) => t.text);
  assert.deepEqual(counts, ['3', '0', '0', '0', '1', '1', '1', '1', '2']);
  // row-major: cell [i][j] is at column j, row i
  const x = (k: number) => Number(cells[k]!.attrs.x),
    y = (k: number) => Number(cells[k]!.attrs.y);
  assert.ok(x(1) > x(0) && y(1) === y(0) && y(3) > y(0) && x(3) === x(0));
  const texts = select(root, 'text').map((t) => t.text);
  assert.ok(texts.includes('Predicted') && texts.includes('True') && texts.includes('Three classes'));
});

test('confusionMatrixChart: light to dark by count, text colour contrasting', () => {
  const { root } = checkSvg(
    confusionMatrixChart([
      [100, 0],
      [5, 50],
    ]),
  );
  const cells = select(root, 'rect', 'cell');
  const counts = within(root, 'cells', 'text');
  assert.equal(cells[0]!.attrs.fill, '#08306b'); // the largest count is the darkest
  assert.equal(cells[1]!.attrs.fill, '#f7fbff'); // zero is the lightest
  assert.equal(counts[0]!.attrs.fill, '#ffffff'); // white on dark
  assert.equal(counts[1]!.attrs.fill, '#111111'); // dark on light
  const luminance = (hex: string) => parseInt(hex.slice(1, 3), 16) + parseInt(hex.slice(3, 5), 16) + parseInt(hex.slice(5, 7), 16);
  assert.ok(luminance(cells[2]!.attrs.fill!) > luminance(cells[3]!.attrs.fill!), '5 is lighter than 50');
});

test('confusionMatrixChart: normalize shades by row share and prints percentages', () => {
  const { root } = checkSvg(confusionMatrixChart(matrix, { normalize: true }));
  const texts = within(root, 'cells', 'text').map((t) => t.text);
  assert.deepEqual(texts.slice(0, 6), ['3', '100%', '0', '0%', '0', '0%']);
  assert.deepEqual(texts.slice(12), ['1', '25%', '1', '25%', '2', '50%']);
  const cells = select(root, 'rect', 'cell');
  assert.equal(cells[0]!.attrs.fill, '#08306b'); // 100% of row 0
  assert.equal(cells[4]!.attrs.fill, cells[5]!.attrs.fill); // 50% and 50%
  assert.equal(cells[4]!.attrs.fill, cells[8]!.attrs.fill); // 1/2 and 2/4
  const empty = checkSvg(
    confusionMatrixChart(
      [
        [0, 0],
        [0, 2],
      ],
      { normalize: true },
    ),
  ); // an empty row is 0%, not NaN
  assert.deepEqual(
    within(empty.root, 'cells', 'text').map((t) => t.text),
    ['0', '0%', '0', '0%', '0', '0%', '2', '100%'],
  );
});

test('confusionMatrixChart: labels are escaped, long labels still fit, output is deterministic', () => {
  const labels = ['<a&b>', 'a rather long class name', 'c'];
  const svg = confusionMatrixChart(matrix, { labels });
  const { root } = checkSvg(svg);
  assert.ok(svg.includes('&lt;a&amp;b&gt;') && !svg.includes('<a&b>'));
  const labelTexts = within(root, 'labels', 'text').map((t) => t.text);
  assert.equal(labelTexts.filter((t) => t === '<a&b>').length, 2); // row and column
  assert.ok(within(root, 'labels', 'text').some((t) => (t.attrs.transform ?? '').startsWith('rotate(-45')));
  assert.equal(confusionMatrixChart(matrix, { labels }), svg);
  // ten classes: 100 cells
  const ten = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 170 + i : (i * j) % 3)));
  assert.equal(select(checkSvg(confusionMatrixChart(ten)).root, 'rect', 'cell').length, 100);
});

test('confusionMatrixChart: clear errors', () => {
  assert.throws(() => confusionMatrixChart([[1, 2], [3]]), ShapeError);
  assert.throws(() => confusionMatrixChart([]), ShapeError);
  assert.throws(
    () =>
      confusionMatrixChart([
        [1, -1],
        [0, 1],
      ]),
    ArgumentError,
  );
  assert.throws(
    () =>
      confusionMatrixChart([
        [1, NaN],
        [0, 1],
      ]),
    ArgumentError,
  );
  assert.throws(() => confusionMatrixChart(matrix, { labels: ['a', 'b'] }), ShapeError);
});
