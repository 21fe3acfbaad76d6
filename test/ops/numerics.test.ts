import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const extreme = [-1000, -100, -1, 0, 1, 100, 1000];

for (const dtype of ['float32', 'float64'] as const) {
  test(`${dtype}: sigmoid, softplus, logSoftmax and logSumExp stay finite and accurate at ±1000`, () => {
    const x = nb.tensor(extreme, undefined, dtype);
    const rel = dtype === 'float32' ? 1e-6 : 1e-15;
    const near = (a: number, b: number) => Math.abs(a - b) <= rel * Math.max(1e-300, Math.abs(b)) || a === b;
    const s = nb.sigmoid(x).toArray() as number[];
    // σ(−100) = e⁻¹⁰⁰/(1 + e⁻¹⁰⁰): relative accuracy in the tail, no cancellation
    s.forEach((v, i) =>
      assert.ok(
        near(v, 1 / (1 + Math.exp(-extreme[i]!))) || (dtype === 'float32' && Math.abs(v - 1 / (1 + Math.exp(-extreme[i]!))) < 1e-38),
        `sigmoid(${extreme[i]}) = ${v}`,
      ),
    );
    const sp = nb.softplus(x).toArray() as number[];
    const spRef = extreme.map((v) => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v))));
    sp.forEach((v, i) => assert.ok(near(v, spRef[i]!) || (dtype === 'float32' && Math.abs(v - spRef[i]!) < 1e-38), `softplus(${extreme[i]}) = ${v}`));
    const ls = nb.logSoftmax(x).toArray() as number[];
    assert.equal(ls[6], 0); // the largest logit takes all the mass
    assert.equal(ls[0], -2000); // −1000 − 1000
    assert.ok(ls.every(Number.isFinite));
    assert.equal(nb.logSumExp(x).item(), 1000);
    const lse2 = -1000 + Math.log(2);
    assert.equal(nb.logSumExp(nb.tensor([-1000, -1000], undefined, dtype)).item(), dtype === 'float32' ? Math.fround(lse2) : lse2);
    // and the gradients are finite too
    for (const f of [nb.sigmoid, nb.softplus, (t: Tensor) => nb.logSoftmax(t), (t: Tensor) => nb.logSumExp(t), nb.swish, nb.elu]) {
      const g = nb
        .grad((t: Tensor) => nb.sum(f(t)))(x)
        .toArray() as number[];
      assert.ok(g.every(Number.isFinite), `gradient of ${f.name}: ${g}`);
      const h = nb
        .grad((t: Tensor) => nb.sum(nb.grad((u: Tensor) => nb.sum(f(u)))(t)))(x)
        .toArray() as number[];
      assert.ok(h.every(Number.isFinite), `second derivative of ${f.name}: ${h}`);
    }
  });
}

test('logSumExp of an all −∞ row is −∞, not NaN', () => {
  assert.equal(nb.logSumExp(nb.tensor([-Infinity, -Infinity])).item(), -Infinity);
});

test('softmax rows sum to one at ±1000', () => {
  const s = nb.softmax(
    nb.tensor([
      [1000, 0, -1000],
      [5, 5, 5],
    ]),
    -1,
  );
  assert.deepEqual(nb.sum(s, -1).toArray(), [1, 1]);
});
