import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { clipByGlobalNorm, clipByNorm, clipByValue, sgd } from '../../src/optim/index.js';

const f64 = (values: number[]) => nb.tensor(values, undefined, 'float64');

test('clipByGlobalNorm scales all gradients by c / max(N, c)', () => {
  const a = f64([3, 0]),
    b = f64([0, 4]); // N = 5
  const [ca, cb] = clipByGlobalNorm([a, b], 2.5);
  assert.deepEqual(ca!.toArray(), [1.5, 0]);
  assert.deepEqual(cb!.toArray(), [0, 2]);
  const same = clipByGlobalNorm([a, b], 5); // N ≤ c: unchanged, the same tensors
  assert.equal(same[0], a);
  assert.equal(same[1], b);
  assert.deepEqual(clipByGlobalNorm([], 1), []);
  assert.throws(() => clipByGlobalNorm([a], 0), /clipByGlobalNorm: maxNorm must be a positive finite number, got 0/);
  const nan = clipByGlobalNorm([f64([Infinity, 1])], 1);
  assert.ok((nan[0]!.toArray() as number[]).every(Number.isNaN));
});

test('clipByNorm rescales one gradient to norm ≤ c; clipByValue clamps elements', () => {
  assert.deepEqual(clipByNorm(f64([6, 8]), 5).toArray(), [3, 4]);
  const small = f64([0.3, 0.4]);
  assert.equal(clipByNorm(small, 5), small);
  assert.deepEqual(clipByValue(f64([-3, 0.5, 2]), 1).toArray(), [-1, 0.5, 1]);
});

test('optimisers clip before the update: clipNorm per gradient, globalClipNorm over all, then clipValue', () => {
  const grads = () => [f64([6, 8]), f64([0, 0.5])];
  const run = (opts: Parameters<typeof sgd>[0]) => {
    const vars = [nb.variable(f64([0, 0])), nb.variable(f64([0, 0]))];
    sgd({ learningRate: 1, ...opts }).applyGradients(grads(), vars);
    return vars.map((v) => v.value.toArray());
  };
  assert.deepEqual(run({}), [
    [-6, -8],
    [0, -0.5],
  ]);
  assert.deepEqual(run({ clipNorm: 5 }), [
    [-3, -4],
    [0, -0.5],
  ]); // each gradient on its own
  const n = Math.hypot(6, 8, 0.5);
  const [p, q] = run({ globalClipNorm: 5 });
  assert.ok(Math.abs(p![0] + (6 * 5) / n) < 1e-15 && Math.abs(q![1] + (0.5 * 5) / n) < 1e-15, `global: ${p} ${q}`);
  assert.deepEqual(run({ clipValue: 1 }), [
    [-1, -1],
    [0, -0.5],
  ]);
  assert.deepEqual(run({ clipNorm: 5, clipValue: 3.5 }), [
    [-3, -3.5],
    [0, -0.5],
  ]); // norm first, then value
});
