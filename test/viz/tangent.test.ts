import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { ArgumentError } from '../../src/core/errors.js';
import { slopeSign } from '../../src/viz/descent/tangent.js';
import { checkSvg, select } from './xml.js';

const parabola = (x: nb.Tensor) => nb.sub(nb.square(x), 2);

test('tangentChart: the slopes are f′(x) = 2x (by nb.grad), with their signs', () => {
  const svg = nb.viz.tangentChart(parabola, { from: -2, to: 2, at: [-1.5, 0, 1.25], frames: 9 });
  assert.equal(nb.viz.tangentChart(parabola, { from: -2, to: 2, at: [-1.5, 0, 1.25], frames: 9 }), svg, 'deterministic');
  const { root } = checkSvg(svg);
  const still = select(root, 'g', 'tangent');
  assert.deepEqual(
    still.map((g) => Number(g.attrs['data-slope'])),
    [-3, 0, 2.5],
  );
  assert.deepEqual(
    still.map((g) => g.attrs['data-sign']),
    ['negative', 'zero', 'positive'],
  );
  const labels = select(root, 'text', 'slope').map((t) => t.text);
  assert.ok(labels.includes('slope −3 (negative)') && labels.includes('slope 0 (zero)') && labels.includes('slope 2.5 (positive)'), labels.join(' | '));
  // the tangent line has the slope of the curve: its pixel direction matches the axes' scales times f′
  const frames = select(root, 'g', 'frame');
  assert.equal(frames.length, 9);
  frames.forEach((g, k) => {
    const x = -2 + (4 * k) / 8;
    assert.ok(Math.abs(Number(g.attrs['data-slope']) - 2 * x) < 1e-9, `frame ${k}`);
    assert.equal(g.attrs.visibility, 'hidden');
    assert.equal(g.children.filter((c) => c.name === 'animate').length, 1);
    assert.ok(select(g, 'text', 'readout')[0]!.text.startsWith(`x = ${x === 0 ? '0' : String(x).replace('-', '−')},`));
  });
  assert.match(select(frames[0]!, 'text', 'readout')[0]!.text, /f′\(x\) = −4: negative, f decreases$/);
  assert.match(select(frames[4]!, 'text', 'readout')[0]!.text, /zero, a flat point$/);
});

test('tangentChart: the drawn tangent has the slope f′(x) in data units', () => {
  const cubic = nb.viz.curves.cubic!;
  const { root } = checkSvg(nb.viz.tangentChart(cubic.f, { from: cubic.from, to: cubic.to, at: [0.5], animate: false }));
  const g = select(root, 'g', 'tangent')[0]!;
  const l = select(g, 'line')[0]!;
  // data per pixel from two ticks of each axis
  const scale = (cls: string, coord: string) => {
    const t = select(root, 'text', cls);
    return (Number(t.at(-1)!.attrs[coord]) - Number(t[0]!.attrs[coord])) / (Number(t.at(-1)!.text.replace('−', '-')) - Number(t[0]!.text.replace('−', '-')));
  };
  const kx = scale('x-tick', 'x'),
    ky = scale('y-tick', 'y');
  const slope = (Number(l.attrs.y2) - Number(l.attrs.y1)) / ky / ((Number(l.attrs.x2) - Number(l.attrs.x1)) / kx);
  assert.ok(Math.abs(slope - (3 * 0.25 - 3)) < 0.02, `slope ${slope}`);
  assert.equal(select(root, 'g', 'frame').length, 0, 'no frames when not animated');
});

test('slopeSign and bad input', () => {
  assert.equal(slopeSign(1e-12, 1e-9), 'zero');
  assert.equal(slopeSign(-0.1, 1e-9), 'negative');
  assert.throws(() => nb.viz.tangentChart(parabola, { from: 1, to: 1 }), ArgumentError);
  assert.throws(() => nb.viz.tangentChart(parabola, { from: -1, to: 1, at: [3] }), ArgumentError);
  assert.throws(() => nb.viz.tangentChart((x) => nb.stack([x, x]), { from: -1, to: 1 }), /must return a scalar/);
});
