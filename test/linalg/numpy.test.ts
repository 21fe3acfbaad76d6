/**
 * nabla.linalg against NumPy 1.24 (test/fixtures/linalg.json, made by
 * make_linalg_fixtures.py). Singular values, eigenvalues, determinants,
 * solutions, inverses, norms and the (unique) Cholesky factor are compared
 * directly; singular vectors, whose signs are arbitrary, through |uᵢ·u'ᵢ| = 1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import * as linalg from '../../src/linalg/index.js';
import { fromFixture, loadFixture, type FixtureTensor } from '../helpers.js';

type Num = number | 'inf' | '-inf';
interface General {
  name: string;
  a: FixtureTensor;
  singular_values: FixtureTensor;
  u: FixtureTensor;
  v: FixtureTensor;
  cond: Num;
  norms: Record<string, Num>;
  det?: Num;
  slogdet?: { sign: Num; logabsdet: Num };
  inv?: FixtureTensor;
  b?: FixtureTensor;
  solve_b?: FixtureTensor;
  bm?: FixtureTensor;
  solve_bm?: FixtureTensor;
}
interface Symmetric {
  name: string;
  a: FixtureTensor;
  eigenvalues: FixtureTensor;
  det: Num;
  cholesky?: FixtureTensor;
}
interface Fixture {
  numpy: string;
  matrices: General[];
  symmetric: Symmetric[];
  vectors: { v: FixtureTensor; norms: Record<string, Num> }[];
}

const fx = loadFixture<Fixture>('linalg.json');
const num = (x: Num): number => (x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x);
const ORDS: Record<string, linalg.NormOrder> = { fro: 'fro', nuc: 'nuc', '1': 1, '-1': -1, '2': 2, '-2': -2, inf: Infinity, '-inf': -Infinity };

/** max |a − b| / scale over the elements. */
function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>, scale: number): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / scale);
  return m;
}
const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

test(`singular values and singular subspaces match NumPy ${fx.numpy}`, (t) => {
  let worst = 0;
  for (const c of fx.matrices) {
    const { u, s, v } = linalg.svd(fromFixture(c.a));
    const want = c.singular_values.data;
    // absolute accuracy ε·σ₁ is all that either side guarantees for the tiny ones
    const err = maxRelErr(s.storage, want, want[0]!);
    worst = Math.max(worst, err);
    assert.ok(err < 1e-13, `${c.name}: singular values off by ${err} (relative to σ₁)`);
    // vectors of well-separated singular values agree up to sign
    const k = want.length;
    for (let j = 0; j < k; j++) {
      const gap = Math.min(j > 0 ? want[j - 1]! - want[j]! : Infinity, j < k - 1 ? want[j]! - want[j + 1]! : Infinity);
      if (gap < 1e-6 * want[0]! || want[j]! < 1e-8 * want[0]!) continue;
      for (const [mine, theirs, rows] of [
        [u, c.u, c.u.shape[0]!],
        [v, c.v, c.v.shape[0]!],
      ] as const) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += mine.storage[i * k + j]! * theirs.data[i * k + j]!;
        assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-9, `${c.name}: vector ${j}: |dot| = ${Math.abs(dot)}`);
      }
    }
  }
  t.diagnostic(`max |s − s_numpy| / σ₁ = ${worst.toExponential(2)}`);
});

test('matrix norms match NumPy', (t) => {
  let worst = 0;
  for (const c of fx.matrices) {
    for (const [key, ord] of Object.entries(ORDS)) {
      const got = linalg.norm(fromFixture(c.a), ord).item();
      const want = num(c.norms[key]!);
      const scale = key === '-2' ? c.singular_values.data[0]! : Math.abs(want); // the smallest σ is accurate to ε·σ₁
      const err = Math.abs(got - want) / scale;
      worst = Math.max(worst, err);
      assert.ok(err < 1e-13, `${c.name}: norm ord ${key}: ${got} vs ${want}`);
    }
  }
  for (const { v, norms } of fx.vectors) {
    for (const [key, want] of Object.entries(norms)) {
      const ord = key === 'none' ? undefined : key === 'inf' ? Infinity : key === '-inf' ? -Infinity : Number(key);
      const got = linalg.norm(fromFixture(v), ord).item();
      const err = Math.abs(got - num(want)) / Math.max(1e-300, Math.abs(num(want)));
      assert.ok(got === num(want) || err < 1e-13, `vector norm ord ${key}: ${got} vs ${want}`);
      if (got !== num(want)) worst = Math.max(worst, err);
    }
  }
  t.diagnostic(`max relative norm error ${worst.toExponential(2)}`);
});

test('det, slogdet, solve and inv match NumPy (to the accuracy the condition number allows)', (t) => {
  let worst = 0;
  for (const c of fx.matrices) {
    if (c.det === undefined) continue;
    const a = fromFixture(c.a);
    const cond = num(c.cond);
    const tol = 1e-14 * cond + 1e-14; // forward error ~ κ·ε
    const d = linalg.det(a).item(),
      dWant = num(c.det);
    const dErr = Math.abs(d - dWant) / Math.abs(dWant);
    assert.ok(dErr < 1e-13 + 1e-14 * cond, `${c.name}: det ${d} vs ${dWant}`); // also ~κ·ε
    const sl = linalg.slogdet(a);
    assert.equal(sl.sign.item(), num(c.slogdet!.sign));
    assert.ok(Math.abs(sl.logAbsDet.item() - num(c.slogdet!.logabsdet)) < 1e-13 + 1e-14 * cond, `${c.name}: slogdet`);
    const xs = linalg.solve(a, fromFixture(c.b!)).storage,
      xWant = c.solve_b!.data;
    const xm = linalg.solve(a, fromFixture(c.bm!)).storage,
      xmWant = c.solve_bm!.data;
    const ai = linalg.inv(a).storage,
      aiWant = c.inv!.data;
    const errs = [maxRelErr(xs, xWant, maxAbs(xWant)), maxRelErr(xm, xmWant, maxAbs(xmWant)), maxRelErr(ai, aiWant, maxAbs(aiWant))];
    for (const e of errs) assert.ok(e < tol, `${c.name} (cond ${cond.toExponential(1)}): solve/inv error ${errs}`);
    worst = Math.max(worst, dErr, ...errs.map((e) => e / Math.max(1, cond)));
    t.diagnostic(`${c.name} (cond ${cond.toExponential(1)}): det ${dErr.toExponential(1)}, solve/inv ${errs.map((e) => e.toExponential(1)).join(', ')}`);
  }
});

test('eigenvalues, determinants and Cholesky factors of symmetric matrices match NumPy', (t) => {
  let worst = 0;
  for (const c of fx.symmetric) {
    const a = fromFixture(c.a);
    const { values, vectors } = linalg.eigh(a);
    const want = c.eigenvalues.data;
    const err = maxRelErr(values.storage, want, maxAbs(want));
    worst = Math.max(worst, err);
    assert.ok(err < 1e-13, `${c.name}: eigenvalues ${[...values.storage]} vs ${want}`);
    assert.ok(Math.abs(linalg.det(a).item() - num(c.det)) < 1e-12 * Math.abs(num(c.det)), `${c.name}: det`);
    assert.deepEqual([...vectors.shape], c.a.shape);
    if (c.cholesky) {
      const l = linalg.cholesky(a).storage;
      const e = maxRelErr(l, c.cholesky.data, maxAbs(c.cholesky.data));
      worst = Math.max(worst, e);
      assert.ok(e < 1e-14, `${c.name}: cholesky off by ${e}`);
    }
  }
  t.diagnostic(`max relative error ${worst.toExponential(2)}`);
});

test('float32 inputs: float32 results within float32 rounding of NumPy', () => {
  for (const c of fx.matrices) {
    const a32 = fromFixture(c.a, 'float32');
    const s = linalg.svdvals(a32);
    assert.equal(s.dtype, 'float32');
    // the input's own rounding (relative 6e-8 per entry) moves σ by up to ~‖δA‖₂
    assert.ok(maxRelErr(s.storage, c.singular_values.data, c.singular_values.data[0]!) < 1e-6, c.name);
  }
  const spd = fx.symmetric.find((c) => c.cholesky)!;
  const l = linalg.cholesky(fromFixture(spd.a, 'float32'));
  assert.equal(l.dtype, 'float32');
  assert.ok(maxRelErr(l.storage, spd.cholesky!.data, maxAbs(spd.cholesky!.data)) < 1e-6);
  assert.equal(linalg.eigh(nb.cast(fromFixture(spd.a), 'float32')).vectors.dtype, 'float32');
});
