import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, loadFixture, useBackend } from '../helpers.js';

// The shape and values of every reduction over one axis, several, negative
// axes and all of them, with keepDims false and true, against NumPy
// (test/fixtures/make_reduce_fixtures.py), on every backend, in float64 and float32.

type AxisArg = number | number[] | null;
interface Case {
  op: string;
  input: string;
  axis: AxisArg;
  keepDims: boolean;
  shape: number[];
  data: number[];
}
interface Fixture {
  inputs: Record<string, { shape: number[]; data: number[] }>;
  cases: Case[];
}
const fixture = loadFixture<Fixture>('reductions.json');

const reductions: Record<string, (x: Tensor, axis: AxisArg, keepDims: boolean) => Tensor> = {
  sum: (x, a, k) => nb.sum(x, a ?? undefined, k),
  mean: (x, a, k) => nb.mean(x, a ?? undefined, k),
  max: (x, a, k) => nb.max(x, a ?? undefined, k),
  min: (x, a, k) => nb.min(x, a ?? undefined, k),
  variance: (x, a, k) => nb.variance(x, a ?? undefined, k),
  logSumExp: (x, a, k) => nb.logSumExp(x, a ?? undefined, k),
  argmax: (x, a) => nb.argmax(x, (a as number | null) ?? undefined),
  argmin: (x, a) => nb.argmin(x, (a as number | null) ?? undefined),
  norm: (x, a, k) => nb.linalg.norm(x, undefined, (a as number | [number, number] | null) ?? undefined, k),
};

for (const backend of nb.listBackends()) {
  describe(`[${backend}] reductions against NumPy: shape and values, keepDims false and true`, () => {
    useBackend(backend);
    for (const dtype of ['float64', 'float32'] as const) {
      const [rtol, atol] = dtype === 'float64' ? [1e-12, 1e-13] : [1e-5, 1e-6];
      for (const c of fixture.cases) {
        test(`${dtype} ${c.op}(${c.input}, axis ${JSON.stringify(c.axis)}, keepDims ${c.keepDims})`, () => {
          const input = fixture.inputs[c.input]!;
          const x = nb.tensor(input.data, input.shape, dtype);
          const y = reductions[c.op]!(x, c.axis, c.keepDims);
          if (c.op.startsWith('arg')) {
            assert.equal(y.dtype, 'int32');
            assert.deepEqual([...y.shape], c.shape, 'shape');
            assert.deepEqual([...y.storage], c.data, 'indices');
          } else {
            assertClose(y, c, rtol, atol, `${c.op} ${dtype}`);
          }
        });
      }
    }
  });
}

test('the fixture covers every reduction with one, several, negative and all axes, keepDims both ways', () => {
  for (const op of Object.keys(reductions)) {
    const cases = fixture.cases.filter((c) => c.op === op);
    const kinds = new Set(cases.map((c) => (c.axis === null ? 'all' : Array.isArray(c.axis) ? 'several' : c.axis < 0 ? 'negative' : 'one')));
    const expected = op.startsWith('arg') ? ['all', 'negative', 'one'] : ['all', 'negative', 'one', 'several'];
    assert.deepEqual([...kinds].sort(), expected, op);
    if (!op.startsWith('arg')) assert.ok(cases.some((c) => c.keepDims) && cases.some((c) => !c.keepDims), op);
  }
});
