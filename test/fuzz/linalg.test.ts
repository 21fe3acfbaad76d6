// Fuzz test of nb.linalg: square and non-square matrices (and batches, empty
// ones, every dtype, NaN/±Inf), junk and junk options. Every call returns or
// throws a NablaError naming a linalg function (eigvalsh reports as eigh, norm
// of an empty matrix as the reduction it runs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { expectWellBehaved, int, JUNK, pick, randomShape, randomTensor, rng, show } from './fuzz.js';

test('fuzz: nb.linalg functions return or throw a NablaError', () => {
  const fns = Object.entries(nb.linalg).filter(([k, v]) => typeof v === 'function' && /^[a-z]/.test(k)) as [string, (a: unknown, b?: unknown) => unknown][];
  assert.ok(fns.length >= 10);
  const failures: string[] = [];
  for (const [name, f] of fns) {
    const r = rng(name.length * 31 + name.charCodeAt(0));
    try {
      for (let k = 0; k < 150; k++) {
        const n = int(r, 0, 3);
        const a =
          r() < 0.1 ? pick(r, JUNK) : randomTensor(r, r() < 0.7 ? [...randomShape(r, int(r, 0, 1)), n, n] : randomShape(r), r() < 0.7 ? 'float64' : undefined);
        const b =
          r() < 0.1 ? pick(r, JUNK) : r() < 0.5 ? randomTensor(r, [n], 'float64') : pick(r, [undefined, 'fro', 'nuc', 2, 'toString', {}, 1.5, -Infinity, null]);
        expectWellBehaved(
          [name, 'eigh', 'min', 'max'],
          () => `linalg.${name}(${show(a)}, ${show(b)})`,
          () => f(a, b),
          () => {},
        );
      }
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  assert.deepEqual(failures, []);
});
