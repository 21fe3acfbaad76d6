import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { loadFixture, useBackend } from '../helpers.js';

// NaN, ±Inf and ±0 through every op built on a comparison, against PyTorch
// (test/fixtures/make_nan_fixtures.py): NaN propagates as it does there, on
// every backend and in both float dtypes, and so do the gradients.

type Datum = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';
interface FixtureArray {
  shape: number[];
  data: Datum[];
}
interface Case {
  name: string;
  op: string;
  attrs: Record<string, any>;
  x: FixtureArray;
  others: FixtureArray[];
  y: FixtureArray;
  grad: FixtureArray | null;
}

const cases = loadFixture<{ cases: Case[] }>('nan_ops.json').cases;

const decode = (d: Datum): number => (d === 'NaN' ? NaN : d === 'Infinity' ? Infinity : d === '-Infinity' ? -Infinity : d === '-0' ? -0 : d);
const toTensor = (a: FixtureArray, dtype: 'float32' | 'float64') => nb.tensor(a.data.map(decode), a.shape, dtype);

/** How each fixture op is called: x is the differentiated input, others the fixed ones. */
const ops: Record<string, (x: Tensor, others: Tensor[], a: Record<string, any>) => Tensor> = {
  relu: (x) => nb.relu(x),
  leakyRelu: (x, _o, a) => nb.leakyRelu(x, a.alpha),
  elu: (x, _o, a) => nb.elu(x, a.alpha),
  sigmoid: (x) => nb.sigmoid(x),
  softplus: (x) => nb.softplus(x),
  swish: (x) => nb.swish(x),
  gelu: (x, _o, a) => nb.gelu(x, a.approximate),
  tanh: (x) => nb.tanh(x),
  clip: (x, _o, a) => nb.clip(x, a.min, a.max),
  abs: (x) => nb.abs(x),
  sign: (x) => nb.sign(x),
  maximumA: (x, [b]) => nb.maximum(x, b!),
  maximumB: (x, [a]) => nb.maximum(a!, x),
  minimumA: (x, [b]) => nb.minimum(x, b!),
  minimumB: (x, [a]) => nb.minimum(a!, x),
  max: (x, _o, a) => nb.max(x, a.axis),
  min: (x, _o, a) => nb.min(x, a.axis),
  argmax: (x, _o, a) => nb.argmax(x, a.axis),
  argmin: (x, _o, a) => nb.argmin(x, a.axis),
  softmax: (x, _o, a) => nb.softmax(x, a.axis),
  logSoftmax: (x, _o, a) => nb.logSoftmax(x, a.axis),
  logSumExp: (x, _o, a) => nb.logSumExp(x, a.axis),
  biasActivation: (x, [b], a) => nb.biasActivation(x, b!, a.activation),
  maxPool2d: (x, _o, a) => nb.maxPool2d(x, a.poolSize),
};

/** Equal special values (NaN to NaN, ±∞ to the same ∞), finite ones within tolerance. */
function assertSame(actual: Tensor, expected: FixtureArray, rtol: number, atol: number, what: string): void {
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  const a = actual.storage;
  expected.data.forEach((d, i) => {
    const e = decode(d),
      v = a[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(v) : !Number.isFinite(e) ? v === e : Math.abs(v - e) <= atol + rtol * Math.abs(e);
    if (!ok) assert.fail(`${what}: element ${i} is ${v}, PyTorch gives ${e}`);
  });
}

for (const backend of nb.listBackends()) {
  describe(`[${backend}] NaN, ±Inf and ±0 as PyTorch has them`, () => {
    useBackend(backend);
    for (const dtype of ['float64', 'float32'] as const) {
      const [rtol, atol] = dtype === 'float64' ? [1e-12, 1e-14] : [2e-6, 1e-7];
      for (const c of cases) {
        test(`${dtype} ${c.name}`, () => {
          const f = ops[c.op]!;
          assert.ok(f, `no call for fixture op ${c.op}`);
          const others = c.others.map((o) => toTensor(o, dtype));
          const x = toTensor(c.x, dtype);
          assertSame(f(x, others, c.attrs), c.y, rtol, atol, 'value');
          if (c.grad) {
            const g = nb.grad((t: Tensor) => nb.sum(f(t, others, c.attrs)))(x);
            assertSame(g, c.grad, rtol, atol, 'gradient of the sum');
          }
        });
      }
    }
  });
}

test('the NaN fixtures hold NaN and ±Inf for every op', () => {
  for (const c of cases) {
    const all = [c.x, ...c.others].flatMap((t) => t.data);
    assert.ok(all.includes('NaN') || c.name.endsWith('_finite'), `${c.name}: no NaN`);
    assert.ok(all.includes('Infinity') && all.includes('-Infinity'), `${c.name}: no ±Infinity`);
  }
});
