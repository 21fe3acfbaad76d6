import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { historyCharts, lineChart } from '../../src/viz/index.js';
import { checkSvg, select } from './xml.js';

const loss = [2.1, 1.2, 0.8, 0.6, 0.5, 0.45, 0.41, 0.4];
const valLoss = [1.9, 1.3, 0.9, 0.75, 0.7, 0.69, 0.7, 0.72];

test('lineChart: one path per series, a legend, axis titles and nice ticks', () => {
  const svg = lineChart({
    series: [
      { name: 'loss', values: loss },
      { name: 'val_loss', values: valLoss, dashed: true },
    ],
    title: 'Loss',
    xLabel: 'epoch',
    yLabel: 'loss',
  });
  const { root } = checkSvg(svg);
  assert.equal(root.children[0]!.text, 'Loss');
  const paths = select(root, 'path', 'series');
  assert.equal(paths.length, 2);
  assert.equal(paths[1]!.attrs['stroke-dasharray'], '6 4');
  assert.notEqual(paths[0]!.attrs.stroke, paths[1]!.attrs.stroke);
  // each path has one point per value, one M then L's
  assert.equal((paths[0]!.attrs.d!.match(/L/g) ?? []).length, loss.length - 1);
  const texts = select(root, 'text').map((t) => t.text);
  for (const s of ['loss', 'val_loss', 'epoch', 'Loss']) assert.ok(texts.includes(s), s);
  const yTicks = select(root, 'text', 'y-tick').map((t) => t.text);
  assert.deepEqual(yTicks, ['0.0', '0.5', '1.0', '1.5', '2.0', '2.5']);
  const xTicks = select(root, 'text', 'x-tick').map((t) => t.text);
  assert.deepEqual(xTicks, ['1', '2', '3', '4', '5', '6', '7', '8']); // epochs 1..8, integers only
});

test('lineChart: ticks for values in [0, 0.87] are 0, 0.2, ..., and a fixed y range keeps its ends', () => {
  const { root } = checkSvg(lineChart({ series: [{ name: 'a', values: [0, 0.3, 0.87] }], yMin: 0, yMax: 0.87 }));
  assert.deepEqual(
    select(root, 'text', 'y-tick').map((t) => t.text),
    ['0.0', '0.2', '0.4', '0.6', '0.8'],
  );
  const { root: auto } = checkSvg(lineChart({ series: [{ name: 'a', values: [0.03, 0.3, 0.87] }] }));
  assert.deepEqual(
    select(auto, 'text', 'y-tick').map((t) => t.text),
    ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0'],
  );
});

test('lineChart: NaN and Infinity leave gaps, never "NaN" in the output', () => {
  const svg = lineChart({ series: [{ name: 'gappy', values: [1, 2, NaN, 3, 4, Infinity, 5, -Infinity, 6, 7] }] });
  const { root } = checkSvg(svg); // checkSvg also rejects NaN/Infinity in the text
  const [path] = select(root, 'path', 'series');
  const d = path!.attrs.d!;
  assert.equal((d.match(/M/g) ?? []).length, 3, d); // 1–2, 3–4, 6–7
  assert.equal((d.match(/L/g) ?? []).length, 3, d);
  assert.equal(select(root, 'circle').length, 1); // the isolated 5 is a dot
});

test('lineChart: empty series, empty charts and series with no finite value', () => {
  const empty = checkSvg(lineChart({ series: [] }));
  assert.equal(select(empty.root, 'path').length, 0);
  assert.ok(select(empty.root, 'text').some((t) => t.text === 'no data'));
  const { root } = checkSvg(
    lineChart({
      series: [
        { name: 'a', values: [1, 2, 3] },
        { name: 'none', values: [] },
        { name: 'nan', values: [NaN, NaN] },
      ],
    }),
  );
  assert.equal(select(root, 'path', 'series').length, 1);
  assert.deepEqual(
    select(root, 'g', 'legend')[0]!
      .children.filter((e) => e.name === 'text')
      .map((e) => e.text),
    ['a', 'none', 'nan'],
  );
});

test('lineChart: lines are clipped to the plot when yMin/yMax cut the data, and x values are used', () => {
  const { root } = checkSvg(
    lineChart({
      series: [{ name: 'wild', values: [-100, 0.5, 1e300, 0.2, -1e300], x: [0, 0.5, 1, 1.5, 2] }],
      yMin: 0,
      yMax: 1,
      width: 300,
      height: 200,
    }),
  );
  const axes = select(root, 'line').filter((l) => l.attrs.stroke === '#222222');
  const xs = axes.flatMap((l) => [Number(l.attrs.x1), Number(l.attrs.x2)]);
  const ys = axes.flatMap((l) => [Number(l.attrs.y1), Number(l.attrs.y2)]);
  const [left, right, top, bottom] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const d = select(root, 'path', 'series')[0]!.attrs.d!;
  for (const [, x, y] of d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)) {
    assert.ok(Number(x) >= left && Number(x) <= right && Number(y) >= top && Number(y) <= bottom, `${x},${y} outside the plot`);
  }
  assert.deepEqual(
    select(root, 'text', 'x-tick').map((t) => t.text),
    ['0.0', '0.5', '1.0', '1.5', '2.0'],
  );
});

test('lineChart: a log y axis skips values ≤ 0 and labels powers of ten', () => {
  const { root } = checkSvg(lineChart({ series: [{ name: 'loss', values: [100, 10, 1, 0, 0.1, 0.01, -1, 0.001] }], logY: true }));
  assert.deepEqual(
    select(root, 'text', 'y-tick').map((t) => t.text),
    ['0.001', '0.01', '0.1', '1', '10', '100'],
  );
  assert.equal((select(root, 'path', 'series')[0]!.attrs.d!.match(/M/g) ?? []).length, 2);
});

test('lineChart: text is escaped, output is deterministic', () => {
  const options = {
    series: [
      { name: '<a&b>', values: [1, 2] },
      { name: 'x"y', values: [2, 1] },
    ],
    title: 'T & <U>',
    xLabel: "it's",
    yLabel: '<y>',
  };
  const svg = lineChart(options);
  checkSvg(svg);
  assert.ok(svg.includes('&lt;a&amp;b&gt;'));
  assert.ok(!svg.includes('<a&b>'));
  assert.ok(svg.includes('T &amp; &lt;U&gt;'));
  assert.ok(svg.includes('x&quot;y'));
  assert.equal(lineChart(options), svg);
});

test('lineChart: clear errors for bad input', () => {
  assert.throws(() => lineChart({ series: [{ name: 'a', values: [1, 2], x: [1] }] }), ShapeError);
  assert.throws(() => lineChart({ series: [{ name: 'a', values: [1, 2] }], yMin: 3, yMax: 1 }), ArgumentError);
  assert.throws(() => lineChart({ series: [], width: 0 }), ArgumentError);
  assert.throws(() => lineChart({ series: [{ name: 'a', values: [1], color: 'red' }] }), ArgumentError);
});

test('historyCharts: one chart per metric, each with its val_ twin', () => {
  const history = {
    loss,
    accuracy: [0.3, 0.6, 0.8, 0.9, 0.93, 0.95, 0.96, 0.97],
    val_loss: valLoss,
    val_accuracy: [0.4, 0.6, 0.75, 0.8, 0.82, 0.83, 0.83, 0.82],
  };
  const charts = historyCharts(history);
  assert.deepEqual(Object.keys(charts), ['loss', 'accuracy']);
  for (const key of ['loss', 'accuracy']) {
    const { root } = checkSvg(charts[key]!);
    const paths = select(root, 'path', 'series');
    assert.deepEqual(
      paths.map((p) => p.attrs['data-name']),
      [key, `val_${key}`],
    );
    assert.equal(paths[1]!.attrs['stroke-dasharray'], '6 4');
    assert.ok(select(root, 'text').some((t) => t.text === 'epoch'));
  }
  // the History object that fit returns works too, and a metric without a twin gets its own chart
  const fromObject = historyCharts({ history: { loss, lr: [0.1, 0.1, 0.05, 0.05, 0.01, 0.01, 0.01, 0.01] } });
  assert.deepEqual(Object.keys(fromObject), ['loss', 'lr']);
  assert.equal(select(checkSvg(fromObject.lr!).root, 'path', 'series').length, 1);
  assert.throws(() => historyCharts({ accuracy: [1] }), /no "loss"/);
});
