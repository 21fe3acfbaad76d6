import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError } from '../../src/core/errors.js';
import { sharpnessChart } from '../../src/viz/index.js';
import { checkSvg, select } from './xml.js';

const records = [0, 1, 2, 3, 4].map((e) => ({ epoch: e, step: 2 * e, sharpness: 4 + e, learningRate: 0.25 }));

/** The points of a path's d attribute. */
const points = (d: string) => [...d.matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]);

test('sharpnessChart: λmax as a line and 2/η as a dashed horizontal line at its value', () => {
  const svg = sharpnessChart(records);
  const { root } = checkSvg(svg);
  const [lambda, edge] = select(root, 'path', 'series');
  assert.ok(lambda && edge);
  assert.equal(edge.attrs['stroke-dasharray'], '6 4');
  const texts = select(root, 'text').map((t) => t.text);
  assert.ok(texts.includes('2/η = 8 (edge of stability)'), texts.join('|'));
  assert.ok(texts.includes('epoch') && texts.includes('λmax (sharpness)'));
  const lp = points(lambda.attrs.d!),
    ep = points(edge.attrs.d!);
  assert.equal(lp.length, 5);
  // λ rises by 1 each epoch: equal pixel steps up; the 2/η line is flat at the height of λ = 8 (twice λ = 4 from 0)
  const base = Number(select(root, 'line').find((l) => l.attrs.stroke === '#222222' && l.attrs.y1 === l.attrs.y2)!.attrs.y1); // the x axis, y = 0
  const h = (v: number) => base - v;
  for (let i = 1; i < 5; i++) assert.ok(Math.abs(lp[i - 1]![1] - lp[i]![1] - (lp[0]![1] - lp[1]![1])) < 0.02);
  assert.ok(ep.every(([, y]) => y === ep[0]![1]));
  assert.ok(Math.abs(h(ep[0]![1]) - 2 * h(lp[0]![1])) < 0.02, `${h(ep[0]![1])} vs 2·${h(lp[0]![1])}`);
  assert.equal(sharpnessChart(records), svg, 'deterministic');
});

test('sharpnessChart: steps on the x axis when epochs repeat, a staircase for a schedule, a given η, no line when η is unknown', () => {
  const byBatch = [
    { epoch: 0, step: 1, sharpness: 2, learningRate: 0.5 },
    { epoch: 0, step: 2, sharpness: 3, learningRate: 0.25 },
    { epoch: 1, step: 3, sharpness: 3.5, learningRate: 0.25 },
  ];
  const { root } = checkSvg(sharpnessChart(byBatch));
  assert.ok(select(root, 'text').some((t) => t.text === 'step'));
  const [, edge] = select(root, 'path', 'series');
  assert.equal(points(edge!.attrs.d!).length, 5); // 4 → 8 at step 2, then flat: a staircase
  const given = checkSvg(sharpnessChart({ records: records.map(({ epoch, step, sharpness }) => ({ epoch, step, sharpness })) }, { learningRate: 0.1 }));
  assert.ok(select(given.root, 'text').some((t) => t.text === '2/η = 20 (edge of stability)'));
  const unknown = checkSvg(sharpnessChart(records.map((r) => ({ ...r, learningRate: NaN }))));
  assert.equal(select(unknown.root, 'path', 'series').length, 1);
});

test('sharpnessChart: clear errors', () => {
  assert.throws(
    () => sharpnessChart(5 as never),
    (e: Error) => e instanceof ArgumentError && /sharpnessChart: expected the records of nb.callbacks.sharpness/.test(e.message),
  );
  assert.throws(
    () => sharpnessChart([{ epoch: 0, step: 0 }] as never),
    (e: Error) => e instanceof ArgumentError && /record 0 must have numbers epoch, step and sharpness/.test(e.message),
  );
  assert.throws(
    () => sharpnessChart(records, { learningRate: 0 }),
    (e: Error) => e instanceof ArgumentError && /learningRate must be a positive number/.test(e.message),
  );
  assert.throws(() => sharpnessChart(records, { x: 'time' as 'epoch' }), ArgumentError);
});

test('sharpnessChart: a 2/η far above every λmax is said in the title, not drawn (the curve keeps its scale)', () => {
  const records = [0, 1, 2].map((epoch) => ({ epoch, step: epoch * 10, sharpness: 5 + epoch, learningRate: 0.001 }));
  const svg = sharpnessChart(records);
  assert.match(svg, /2\/η = 2000, far above/);
  assert.doesNotMatch(svg, /edge of stability\)/);
});
