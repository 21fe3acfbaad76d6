import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, fromFixture, loadFixture, useBackend, type FixtureTensor } from '../helpers.js';
import { extraSamples, opTable } from './op-table.js';

interface Case {
  name: string;
  op: string;
  inputs: FixtureTensor[];
  attrs: Record<string, unknown>;
  output: FixtureTensor;
  cotangent: FixtureTensor;
  grads: (FixtureTensor | null)[];
  hvp?: { v: (FixtureTensor | null)[]; result: (FixtureTensor | null)[] };
}

// torch_ops.json (make_torch_fixtures.py) and the ops of issue 18, parts A and B (make_ops18a_fixtures.py, make_ops18b_fixtures.py)
const fixtures = [
  ...loadFixture<{ cases: Case[] }>('torch_ops.json').cases,
  ...loadFixture<{ cases: Case[] }>('ops18a.json').cases,
  ...loadFixture<{ cases: Case[] }>('ops18b.json').cases,
];

/** Ops whose values are checked by hand-derived references elsewhere instead of PyTorch fixtures. */
const handChecked = new Set(['sign', 'argmax', 'argmin']);

/** Calls the row's op with the differentiable inputs replaced by `diff` (the fixed ones kept). */
function withFixed(op: string, inputs: Tensor[], attrs: Record<string, unknown>, fixed: number[] = []) {
  const row = opTable[op]!;
  const free = inputs.map((_, i) => i).filter((i) => !fixed.includes(i));
  const f = (...diff: Tensor[]) => {
    const all = [...inputs];
    free.forEach((i, k) => (all[i] = diff[k]!));
    return row.call(all, attrs);
  };
  return { f, free };
}

for (const backend of nb.listBackends()) {
  describe(`[${backend}] op values, gradients and Hessian-vector products against PyTorch`, () => {
    useBackend(backend);
    for (const c of fixtures) {
      test(c.name, () => {
        const row = opTable[c.op];
        assert.ok(row, `no op table row for fixture op '${c.op}'`);
        const inputs = c.inputs.map((t) => fromFixture(t));
        const fixed = c.inputs.flatMap((t, i) => (t.dtype === 'float64' ? [] : [i]));
        const { f, free } = withFixed(c.op, inputs, c.attrs, fixed);
        const diff = free.map((i) => inputs[i]!);
        const extreme = c.name.endsWith('_extreme');
        const [rtol, atol] = extreme ? [1e-12, 1e-12] : [1e-10, 1e-12];

        assertClose(row.call(inputs, c.attrs), c.output, rtol, atol, 'value');

        const cot = fromFixture(c.cotangent);
        const L = (...xs: Tensor[]) => nb.sum(nb.mul(f(...xs), cot));
        const argnums = diff.map((_, i) => i);
        const grads = nb.grad(L, { argnums })(...diff) as Tensor[];
        free.forEach((i, k) => assertClose(grads[k]!, c.grads[i]!, rtol, atol, `gradient of input ${i}`));

        if (c.hvp) {
          const vs = free.map((i) => fromFixture(c.hvp!.v[i]!));
          const directional = (...xs: Tensor[]) => {
            const gs = nb.grad(L, { argnums })(...xs) as Tensor[];
            return gs.map((g, k) => nb.sum(nb.mul(g, vs[k]!))).reduce((a, b) => nb.add(a, b));
          };
          const hv = nb.grad(directional, { argnums })(...diff) as Tensor[];
          free.forEach((i, k) => assertClose(hv[k]!, c.hvp!.result[i]!, extreme ? 1e-12 : 1e-9, 1e-11, `Hessian-vector product for input ${i}`));
        }
      });
    }
  });

  describe(`[${backend}] op values in float32 against PyTorch (float64 reference)`, () => {
    useBackend(backend);
    for (const c of fixtures) {
      test(c.name, () => {
        const inputs = c.inputs.map((t) => fromFixture(t, 'float32'));
        const out = opTable[c.op]!.call(inputs, c.attrs);
        assert.equal(out.dtype, c.output.dtype === 'float64' ? 'float32' : c.output.dtype);
        assertClose(out, c.output, 1e-4, 1e-5, 'float32 value');
      });
    }
  });

  describe(`[${backend}] gradients against finite differences in float64, orders 1 and 2`, () => {
    useBackend(backend);
    const rows = Object.entries(opTable).filter(([, row]) => row.sample);
    const samples = [
      ...rows.map(([op, row]) => ({ op, ...row.sample!() })),
      ...extraSamples.map((s) => ({ op: s.op, inputs: s.inputs(), attrs: s.attrs, fixed: s.fixed })),
    ];
    for (const s of samples) {
      test(`${s.op} ${JSON.stringify(s.attrs ?? {})}`, () => {
        const { f, free } = withFixed(s.op, s.inputs, s.attrs ?? {}, s.fixed);
        const result = nb.gradCheck(
          f,
          free.map((i) => s.inputs[i]!),
          { order: 2 },
        );
        assert.ok(result.passed, `gradCheck failed: ${JSON.stringify(result.levels)}`);
        assert.equal(result.levels.length, 2);
      });
    }
  });
}

test('every differentiable op has an independent reference: a PyTorch fixture or a hand-derived check', () => {
  const covered = new Set(fixtures.map((c) => c.op));
  const missing = Object.keys(opTable).filter((op) => !covered.has(op) && !handChecked.has(op));
  assert.deepEqual(missing, []);
  assert.ok(covered.size >= 20, `only ${covered.size} ops have PyTorch fixtures`);
});

test('hand-derived references: sign, argmax, argmin', () => {
  assert.deepEqual(nb.sign(nb.tensor([-2.5, 0, 3])).toArray(), [-1, 0, 1]);
  const x = nb.tensor([
    [1, 5, 5],
    [7, -1, 0],
  ]);
  assert.deepEqual(nb.argmax(x, 1).toArray(), [1, 0]); // the first of tied maxima
  assert.deepEqual(nb.argmin(x, 0).toArray(), [0, 1, 1]);
  assert.equal(nb.argmax(x).item(), 3); // over the flattened tensor
  assert.equal(nb.argmax(x, 1).dtype, 'int32');
  const g = nb.grad((t: Tensor) => nb.sum(nb.mul(nb.sign(t), t)))(nb.tensor([-2, 3]));
  assert.deepEqual(g.toArray(), [-1, 1]); // sign itself contributes no gradient
});

test('hand-derived references: hardSigmoidKeras2 (Keras 2 and TF.js: clip(0.2x + 0.5, 0, 1))', () => {
  const x = nb.tensor([-10, -2.5, -2, -0.5, 0, 1, 2.4, 2.5, 7], undefined, 'float64');
  const want = [0, 0, 0.1, 0.4, 0.5, 0.7, 0.98, 1, 1];
  const y = nb.hardSigmoidKeras2(x).storage;
  want.forEach((w, i) => assert.ok(Math.abs(y[i]! - w) < 1e-15, `entry ${i}: ${y[i]}, expected ${w}`));
  // the slope 0.2 inside (−2.5, 2.5), 0 outside and at the corners (as hardSigmoid at ±3)
  const g = nb.grad((t: Tensor) => nb.sum(nb.hardSigmoidKeras2(t)))(x);
  assert.deepEqual(g.toArray(), [0, 0, 0.2, 0.2, 0.2, 0.2, 0.2, 0, 0]);
  assert.deepEqual(nb.hardSigmoidKeras2(nb.tensor([NaN])).toArray(), [NaN]);
  assert.deepEqual(nb.nn.getActivation('hardSigmoidKeras2')(x).toArray(), nb.hardSigmoidKeras2(x).toArray());
  assert.notEqual(nb.hardSigmoid(1).item(), nb.hardSigmoidKeras2(1).item()); // not PyTorch's x/6 + 1/2
  assert.deepEqual(x.hardSigmoidKeras2().toArray(), nb.hardSigmoidKeras2(x).toArray()); // the tensor method
});

test('hand-derived references: oneHot', () => {
  assert.deepEqual(nb.oneHot([2, 0, 1], 3).toArray(), [
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual([...nb.oneHot(nb.tensor([[1], [0]], undefined, 'int32'), 2).shape], [2, 1, 2]);
  assert.throws(() => nb.oneHot([3], 3), /oneHot: index 3 is out of range for an axis of size 3/);
  assert.throws(() => nb.gather(nb.tensor([1, 2, 3]), nb.tensor([1.5])), /gather: index 1.5 is not an integer/);
});
