import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  contrastText,
  divergingColor,
  escapeXml,
  formatTick,
  logTicks,
  niceDomain,
  niceLogDomain,
  niceTicks,
  num,
  sequentialColor,
  svgDocument,
} from '../../src/viz/svg.js';
import { checkSvg, parseXml } from './xml.js';

test('niceTicks: round values inside the range, spaced 1, 2 or 5 × 10^k, exact decimals', () => {
  assert.deepEqual(niceTicks(0, 0.87), [0, 0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 100), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(-1, 1), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(niceTicks(0.1, 0.3), [0.1, 0.15, 0.2, 0.25, 0.3]); // not 0.15000000000000002
  assert.deepEqual(niceTicks(1, 50), [10, 20, 30, 40, 50]);
  assert.deepEqual(niceTicks(0.87, 0), [0, 0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(niceTicks(3, 3), [3]);
  assert.deepEqual(niceTicks(NaN, 1), []);
  assert.deepEqual(niceTicks(1e-9, 3e-9), [1e-9, 1.5e-9, 2e-9, 2.5e-9, 3e-9]);
  for (const t of niceTicks(-0.37, 123.4, 7)) assert.ok(Number.isInteger(t / 20), `${t}`);
});

test('niceDomain widens to ticks; niceLogDomain to 1, 2, 5 × 10^k; logTicks', () => {
  assert.deepEqual(niceDomain(0.03, 0.87), [0, 1]);
  assert.deepEqual(niceDomain(0.27, 0.99), [0.2, 1]);
  assert.deepEqual(niceDomain(2, 2), [1.8, 2.2]);
  assert.deepEqual(niceLogDomain(0.043, 2.1), [0.02, 5]);
  assert.deepEqual(logTicks(0.02, 5), [0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]);
  assert.deepEqual(logTicks(1e-4, 10), [1e-4, 1e-3, 0.01, 0.1, 1, 10]);
});

test('formatTick: the decimals the step needs, the same on every tick', () => {
  assert.deepEqual(
    [0, 0.2, 1].map((v) => formatTick(v, 0.2)),
    ['0.0', '0.2', '1.0'],
  );
  assert.deepEqual(
    [0, 20, -40].map((v) => formatTick(v, 20)),
    ['0', '20', '-40'],
  );
  assert.equal(formatTick(0.05, 0.05), '0.05');
  assert.equal(formatTick(-0, 0.5), '0.0');
  assert.equal(formatTick(2e-5, 1e-5), '0.00002');
});

test('escapeXml escapes markup and replaces characters XML forbids', () => {
  assert.equal(escapeXml('<a&b>'), '&lt;a&amp;b&gt;');
  assert.equal(escapeXml(`"it's"`), '&quot;it&apos;s&quot;');
  assert.equal(escapeXml('a\u0001b\ud800'), 'a\ufffdb\ufffd');
  assert.equal(escapeXml('π 😀'), 'π 😀');
});

test('num rounds coordinates to 2 decimals and never writes -0', () => {
  assert.equal(num(1.23456), '1.23');
  assert.equal(num(-0.001), '0');
  assert.equal(num(100), '100');
});

test('colour maps: sequential light to dark, diverging white at zero, contrasting text', () => {
  assert.equal(sequentialColor(0), '#f7fbff');
  assert.equal(sequentialColor(1), '#08306b');
  assert.equal(divergingColor(0), '#ffffff');
  assert.equal(divergingColor(-1), '#053061');
  assert.equal(divergingColor(1), '#67001f');
  assert.equal(contrastText(sequentialColor(1)), '#ffffff');
  assert.equal(contrastText(sequentialColor(0)), '#111111');
});

test('svgDocument is a standalone, well-formed document with an escaped title', () => {
  const svg = svgDocument(100, 50, 'a <title> & more', ['<circle cx="5" cy="5" r="2"/>']);
  const { root } = checkSvg(svg);
  assert.equal(root.children[0]!.text, 'a <title> & more');
  assert.ok(svg.includes('a &lt;title&gt; &amp; more'));
});

test('the test parser rejects malformed XML', () => {
  assert.throws(() => parseXml('<svg><g></svg>'));
  assert.throws(() => parseXml('<svg><text>a < b</text></svg>'));
  assert.throws(() => parseXml('<svg><text>a & b</text></svg>'));
  assert.throws(() => parseXml('<svg x="1" x="2"/>'));
  assert.throws(() => parseXml('<svg/><svg/>'));
  assert.throws(() => parseXml('<svg><g>'));
  assert.equal(parseXml('<svg><text a="&lt;">x &amp; y</text></svg>').children[0]!.text, 'x & y');
});

test('sideBySide places charts left to right in one well-formed document', async () => {
  const { sideBySide, scatterChart } = await import('../../src/viz/index.js');
  const a = scatterChart({
    points: [
      { x: 0, y: 1, label: 0 },
      { x: 1, y: 0, label: 1 },
    ],
    title: 'PCA',
    width: 300,
    height: 200,
  });
  const b = scatterChart({ points: [{ x: 2, y: 3, label: 0 }], title: 'Autoencoder', width: 250, height: 220 });
  const both = sideBySide([a, b], { title: 'embeddings', gap: 10 });
  assert.match(both, /^<svg[^>]* width="560" height="220"/);
  assert.equal((both.match(/<svg\b/g) ?? []).length, 3);
  assert.match(both, /<svg x="310" y="0"/);
  assert.throws(() => sideBySide([]), /needs at least one chart/);
});
