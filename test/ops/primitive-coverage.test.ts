import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { Prim } from '../../src/ops/prim.js';
import { primitives } from '../../src/ops/primitives.js';
import { fromFixture, loadFixture, type FixtureTensor } from '../helpers.js';
import { opTable } from './op-table.js';

// Every primitive of the op table (src/ops/primitives.ts) must be tested: a row of the op test
// table (test/ops/op-table.ts, checked against PyTorch fixtures and by finite differences at
// orders 1 and 2 in ops.test.ts) whose value runs the primitive, or an exception below that
// names where else it is tested. Which rows run which primitive is not written down by hand:
// this test runs every row with the table's entries wrapped, and records them.

/** A primitive's entry in the op table, as this test sees it. */
type Entry = Record<string, unknown> & { forward: (...args: any[]) => unknown; backward: (...args: any[]) => unknown };

/**
 * What every entry of the op table must have, checked for each primitive. When a primitive
 * rule is added to the table, add its requirement here. (Each shape rule's agreement with eager
 * execution is tested in shape-rules.test.ts.)
 */
const entryRequirements: { what: string; holds: (entry: Entry, prim: Prim) => boolean }[] = [
  { what: 'a forward computation', holds: (e) => typeof e.forward === 'function' },
  { what: 'a backward rule', holds: (e) => typeof e.backward === 'function' },
  { what: 'a shape rule', holds: (e) => typeof e.shape === 'function' },
];

/** Primitives that no op-table row computes a value with, and where they are tested instead. */
type Exception =
  /** Reached only while differentiating: the gradient checks (orders 1 and 2) of these rows run it. */
  | { gradientOf: string[]; why: string }
  /** Tested by the test with this title in this file (a path under test/). */
  | { file: string; test: string; why: string };

const exceptions: Partial<Record<Prim, Exception>> = {
  identity: {
    gradientOf: ['mul', 'exp', 'matmul'],
    why: 'the fresh leaf every transform makes of its inputs (src/autograd/transforms.ts); only its backward runs',
  },
  addPatches: {
    gradientOf: ['conv2d', 'maxPool2d', 'avgPool2d'],
    why: 'the adjoint of extractPatches: it appears in their gradients, and its own gradient at order 2',
  },
  extremumGrad: {
    gradientOf: ['max', 'min', 'maxPool2d'],
    why: 'the gradient of max and min (and so of max pooling): it appears in their gradients, and its own gradient at order 2',
  },
  cast: {
    file: 'tensor/dtype-conversion.test.ts',
    test: 'cast follows PyTorch: float to int32 truncates toward zero, nonzero (NaN too) is true',
    why: 'no op-table row yet; its backward (a cast back) runs in the gradient checks of the maximum and minimum rows',
  },
  argmax: {
    file: 'ops/ops.test.ts',
    test: 'hand-derived references: sign, argmax, argmin',
    why: 'not differentiable, so no sample; NaN cases in ops/nan.test.ts',
  },
  argmin: {
    file: 'ops/ops.test.ts',
    test: 'hand-derived references: sign, argmax, argmin',
    why: 'not differentiable, so no sample; NaN cases in ops/nan.test.ts',
  },
};

const table = primitives as unknown as Record<Prim, Entry>;
const prims = Object.keys(table) as Prim[];

/** For each op-table row: the primitives its value runs, and those its gradient checks run. */
function recordRows(): Map<string, { value: Set<Prim>; gradient: Set<Prim> }> {
  let ran = new Set<Prim>();
  const saved = { ...table };
  for (const p of prims) {
    const entry = saved[p];
    table[p] = {
      ...entry,
      forward: (...args) => {
        ran.add(p);
        return entry.forward(...args);
      },
      backward: (...args) => {
        ran.add(p);
        return entry.backward(...args);
      },
    };
  }
  const fixtures = loadFixture<{ cases: { op: string; inputs: FixtureTensor[]; attrs: Record<string, unknown> }[] }>('torch_ops.json').cases;
  const rows = new Map<string, { value: Set<Prim>; gradient: Set<Prim> }>();
  try {
    for (const [op, row] of Object.entries(opTable)) {
      const sample = row.sample?.();
      ran = new Set();
      for (const c of fixtures.filter((c) => c.op === op))
        row.call(
          c.inputs.map((t) => fromFixture(t)),
          c.attrs,
        );
      if (sample) row.call(sample.inputs, sample.attrs ?? {});
      const value = ran;
      ran = new Set();
      if (sample) {
        // as ops.test.ts does it: the fixed inputs (indices, conditions) are not differentiated
        const free = sample.inputs.map((_, i) => i).filter((i) => !(sample.fixed ?? []).includes(i));
        const f = (...diff: Tensor[]) => {
          const all = [...sample.inputs];
          free.forEach((i, k) => (all[i] = diff[k]!));
          return row.call(all, sample.attrs ?? {});
        };
        nb.gradCheck(
          f,
          free.map((i) => sample.inputs[i]!),
          { order: 2 },
        );
      }
      rows.set(op, { value, gradient: ran });
    }
  } finally {
    Object.assign(table, saved);
  }
  return rows;
}

const rows = recordRows();
const rowsRunning = (p: Prim, kind: 'value' | 'gradient') => [...rows].filter(([, r]) => r[kind].has(p)).map(([op]) => op);

test('recording works: each row runs primitives, and rows run the primitives of their name', () => {
  // if the op table's entries stop being called through `primitives[prim]`, this test has to learn the new seam
  for (const [op, r] of rows) if (op !== 'argmax' && op !== 'argmin') assert.ok(r.value.size > 0, `row ${op} ran no primitive`);
  for (const p of ['add', 'matmul', 'softmax', 'gather'] as const) assert.ok(rows.get(p)!.value.has(p), `row ${p} runs ${p}`);
});

test('every primitive is computed by an op-table row, or its exception says where it is tested', () => {
  const untested = prims.filter((p) => rowsRunning(p, 'value').length === 0 && !exceptions[p]);
  assert.deepEqual(
    untested,
    [],
    'primitives that no op-table row computes: add a row to test/ops/op-table.ts with a PyTorch ' +
      'fixture (test/fixtures/make_torch_fixtures.py) and a gradient sample (see CONTRIBUTING.md)',
  );
});

test('the exceptions are true and needed', () => {
  const root = dirname(dirname(fileURLToPath(import.meta.url))); // build/test or test
  const testDir = existsSync(join(root, 'ops', 'op-table.ts')) ? root : join(root, '..', '..', 'test');
  for (const [p, e] of Object.entries(exceptions) as [Prim, Exception][]) {
    assert.ok(prims.includes(p), `exception for '${p}', which is not a primitive`);
    assert.deepEqual(rowsRunning(p, 'value'), [], `'${p}' is computed by op-table rows now: drop its exception`);
    if ('gradientOf' in e) {
      for (const op of e.gradientOf) {
        assert.ok(rows.get(op)?.gradient.has(p), `the gradient checks of row '${op}' do not run '${p}'`);
      }
    } else {
      const file = join(testDir, e.file);
      assert.ok(existsSync(file), `${e.file} (the test of '${p}') does not exist`);
      assert.ok(readFileSync(file, 'utf8').includes(e.test), `${e.file} has no test '${e.test}' (the test of '${p}')`);
    }
  }
});

test("every primitive's table entry has what an entry needs", () => {
  const missing = prims.flatMap((p) => entryRequirements.filter((r) => !r.holds(table[p], p)).map((r) => `${p}: ${r.what}`));
  assert.deepEqual(missing, []);
});
