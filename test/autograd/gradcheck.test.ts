import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { randn } from '../helpers.js';

test('gradCheck passes correct gradients at orders 1 and 2 and reports the error', () => {
  const r = nb.gradCheck((x: Tensor, w: Tensor) => nb.tanh(nb.matmul(x, w)), [randn([3, 4], 1), randn([4, 2], 2)], { order: 2 });
  assert.equal(r.passed, true);
  assert.equal(r.levels.length, 2);
  assert.ok(r.maxError < 1e-7, `maxError ${r.maxError}`);
});

test('gradCheck catches a wrong first derivative', () => {
  // x·stopGradient(x) has the value x² but autodiff sees derivative x, not 2x
  const r = nb.gradCheck((x: Tensor) => nb.mul(x, nb.stopGradient(x)), [randn([4], 3)]);
  assert.equal(r.passed, false);
  assert.ok(r.maxError > 0.1);
  assert.ok(r.levels[0]!.worst !== null);
});

test('gradCheck order 2 catches a wrong second derivative that order 1 misses', () => {
  // f = x³ with the derivative computed as 3·stopGradient(x²): right first derivative, wrong second
  const cube = (x: Tensor) => {
    const value = nb.mul(nb.stopGradient(nb.mul(x, nb.mul(x, x))), 1);
    const slope = nb.mul(3, nb.stopGradient(nb.square(x)));
    // value + slope·(x − stopGradient(x)) has the value x³ and first derivative 3x², second derivative 0
    return nb.sum(nb.add(value, nb.mul(slope, nb.sub(x, nb.stopGradient(x)))));
  };
  const x = randn([3], 4);
  assert.equal(nb.gradCheck(cube, [x], { order: 1 }).passed, true);
  const r2 = nb.gradCheck(cube, [x], { order: 2 });
  assert.equal(r2.passed, false);
  assert.equal(r2.levels[0]!.passed, true);
  assert.equal(r2.levels[1]!.passed, false);
});

test('gradCheck computes in float64 even for float32 arguments', () => {
  const r = nb.gradCheck((x: Tensor) => nb.sum(nb.exp(x)), [nb.tensor([0.1, 0.2, 0.3])]);
  assert.equal(r.passed, true);
  assert.ok(r.maxError < 1e-8);
});
