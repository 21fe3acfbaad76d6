/**
 * nabla.linalg checked by the identities that define each decomposition, on
 * random matrices of every shape (tall, wide, square, rank-deficient,
 * ill-conditioned), in float64.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import * as linalg from '../../src/linalg/index.js';
import { randn } from '../helpers.js';
import {
  column,
  identity,
  mat,
  maxAbs,
  maxDiff,
  mm,
  orthogonalityError,
  randomMat,
  randomOrthogonal,
  scaleColumns,
  tensorOf,
  tr,
  withSingularValues,
  type Mat,
} from './matrices.js';

const TOL = 1e-12;

/** The general test matrices: name → matrix. */
function generalMatrices(): [string, Mat][] {
  const lowRank = mm(randomMat(8, 3, 11), randomMat(3, 6, 12)); // 8×6 of rank 3
  return [
    ['square 6×6', randomMat(6, 6, 1)],
    ['tall 9×4', randomMat(9, 4, 2)],
    ['wide 4×9', randomMat(4, 9, 3)],
    ['very tall 200×5', randomMat(200, 5, 4)],
    ['rank-deficient 8×6 (rank 3)', lowRank],
    ['rank-deficient wide 6×8 (rank 3)', tr(lowRank)],
    ['ill-conditioned 7×7 (cond 1e10)', withSingularValues(7, 7, [1, 1e-1, 1e-3, 1e-5, 1e-7, 1e-9, 1e-10], 5)],
    ['graded 5×3', withSingularValues(5, 3, [1e3, 1, 1e-3], 6)],
    ['repeated singular values 6×4', withSingularValues(6, 4, [2, 2, 2, 1], 7)],
    ['zero 3×4', { rows: 3, cols: 4, data: new Float64Array(12) }],
    ['one zero column 5×3', { ...randomMat(5, 3, 8), data: randomMat(5, 3, 8).data.map((x, i) => (i % 3 === 1 ? 0 : x)) }],
    ['row 1×5', randomMat(1, 5, 9)],
    ['column 5×1', randomMat(5, 1, 10)],
    ['1×1', { rows: 1, cols: 1, data: Float64Array.of(-3) }],
  ];
}

test('svd: A = U·diag(s)·Vᵀ, UᵀU = I, VᵀV = I, s descending and ≥ 0 (thin)', (t) => {
  let worst = 0;
  for (const [name, a] of generalMatrices()) {
    const { u, s, v } = linalg.svd(tensorOf(a));
    const k = Math.min(a.rows, a.cols);
    assert.deepEqual([...u.shape], [a.rows, k], `${name}: u shape`);
    assert.deepEqual([...s.shape], [k], `${name}: s shape`);
    assert.deepEqual([...v.shape], [a.cols, k], `${name}: v shape`);
    assert.equal(u.dtype, 'float64');
    const sv = [...s.storage];
    for (let i = 0; i < k; i++) {
      assert.ok(sv[i]! >= 0, `${name}: s[${i}] = ${sv[i]} < 0`);
      if (i > 0) assert.ok(sv[i - 1]! >= sv[i]!, `${name}: s not descending: ${sv}`);
    }
    const scale = Math.max(1, maxAbs(a));
    const recon = maxDiff(mm(scaleColumns(mat(u), sv), tr(mat(v))), a) / scale;
    const ou = orthogonalityError(mat(u)),
      ov = orthogonalityError(mat(v));
    worst = Math.max(worst, recon, ou, ov);
    assert.ok(recon < TOL, `${name}: |A − USVᵀ| = ${recon}`);
    assert.ok(ou < TOL, `${name}: |UᵀU − I| = ${ou}`);
    assert.ok(ov < TOL, `${name}: |VᵀV − I| = ${ov}`);
  }
  t.diagnostic(`worst identity error ${worst.toExponential(2)}`);
});

test('svd: singular values of a constructed matrix are recovered to high relative accuracy', () => {
  const want = [1, 1e-1, 1e-3, 1e-5, 1e-7, 1e-9, 1e-10];
  const s = linalg.svd(tensorOf(withSingularValues(9, 7, want, 21))).s.storage;
  for (let i = 0; i < want.length; i++) {
    // the construction itself rounds at ε·‖A‖, so tiny values are checked against that absolute floor
    assert.ok(Math.abs(s[i]! - want[i]!) < 1e-14 + 1e-12 * want[i]!, `s[${i}] = ${s[i]}, expected ${want[i]}`);
  }
  // rank-deficient: the trailing singular values vanish to working precision
  const r = linalg.svdvals(tensorOf(mm(randomMat(8, 3, 11), randomMat(3, 6, 12)))).storage;
  assert.ok(r[2]! > 0.1);
  for (let i = 3; i < 6; i++) assert.ok(r[i]! < 1e-13 * r[0]!, `s[${i}] = ${r[i]}`);
});

test('svd: full matrices are square and orthogonal; batches; float32 in, float32 out', () => {
  for (const [m, n] of [
    [7, 3],
    [3, 7],
    [4, 4],
  ] as const) {
    const a = randomMat(m, n, 30 + m);
    const { u, s, v } = linalg.svd(tensorOf(a), { full: true });
    assert.deepEqual([...u.shape], [m, m]);
    assert.deepEqual([...v.shape], [n, n]);
    assert.ok(orthogonalityError(mat(u)) < TOL && orthogonalityError(mat(v)) < TOL);
    // A = U[:, :k]·diag(s)·V[:, :k]ᵀ
    const k = Math.min(m, n);
    const uk = { rows: m, cols: k, data: Float64Array.from({ length: m * k }, (_, i) => u.storage[Math.floor(i / k) * m + (i % k)]!) };
    const vk = { rows: n, cols: k, data: Float64Array.from({ length: n * k }, (_, i) => v.storage[Math.floor(i / k) * n + (i % k)]!) };
    assert.ok(maxDiff(mm(scaleColumns(uk, [...s.storage]), tr(vk)), a) < TOL);
  }
  const batch = randn([2, 3, 5, 4], 40);
  const { u, s, v } = linalg.svd(batch);
  assert.deepEqual(
    [u.shape, s.shape, v.shape].map((x) => [...x]),
    [
      [2, 3, 5, 4],
      [2, 3, 4],
      [2, 3, 4, 4],
    ],
  );
  for (let b = 0; b < 6; b++) {
    const recon = mm(scaleColumns(mat(u, b), [...s.storage.subarray(b * 4, b * 4 + 4)]), tr(mat(v, b)));
    assert.ok(maxDiff(recon, mat(batch, b)) < TOL, `batch item ${b}`);
  }
  const a32 = nb.cast(randn([6, 4], 41), 'float32');
  const r32 = linalg.svd(a32);
  assert.equal(r32.s.dtype, 'float32');
  const r64 = linalg.svd(nb.cast(a32, 'float64'));
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(r32.s.storage[i]! - r64.s.storage[i]!) <= 1e-7 * r64.s.storage[0]!);
  // plain arrays and int32 tensors are accepted (int32 gives float32)
  assert.equal(
    linalg.svdvals(
      nb.tensor(
        [
          [3, 0],
          [0, 4],
        ],
        undefined,
        'int32',
      ),
    ).dtype,
    'float32',
  );
  assert.deepEqual(
    [
      ...linalg.svdvals([
        [3, 0],
        [0, -4],
      ]).storage,
    ],
    [4, 3],
  );
});

test('eigh: A·V = V·diag(λ), VᵀV = I, λ ascending', (t) => {
  const sym = (a: Mat) => {
    const s = mm(a, identity(a.cols));
    for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) s.data[i * a.cols + j] = (a.data[i * a.cols + j]! + a.data[j * a.cols + i]!) / 2;
    return s;
  };
  const q = randomOrthogonal(6, 50);
  const cases: [string, Mat][] = [
    ['random symmetric 7×7', sym(randomMat(7, 7, 51))],
    ['positive definite 6×6', mm(randomMat(6, 6, 52), tr(randomMat(6, 6, 52)))],
    ['repeated eigenvalues', sym(mm(scaleColumns(q, [1, 2, 2, 2, -1, 5]), tr(q)))],
    ['ill-conditioned (1 … 1e-12)', sym(mm(scaleColumns(q, [1, 1e-2, 1e-4, 1e-6, 1e-9, 1e-12]), tr(q)))],
    ['rank-deficient', sym(mm(randomMat(6, 2, 53), tr(randomMat(6, 2, 53))))],
    ['diagonal', { rows: 3, cols: 3, data: Float64Array.of(3, 0, 0, 0, -1, 0, 0, 0, 2) }],
    ['zero', { rows: 4, cols: 4, data: new Float64Array(16) }],
    ['1×1', { rows: 1, cols: 1, data: Float64Array.of(2.5) }],
    ['large 40×40', sym(randomMat(40, 40, 54))],
  ];
  let worst = 0;
  for (const [name, a] of cases) {
    const { values, vectors } = linalg.eigh(tensorOf(a));
    const lambda = [...values.storage],
      v = mat(vectors);
    for (let i = 1; i < lambda.length; i++) assert.ok(lambda[i - 1]! <= lambda[i]!, `${name}: not ascending ${lambda}`);
    const scale = Math.max(1, maxAbs(a));
    const residual = maxDiff(mm(a, v), scaleColumns(v, lambda)) / scale;
    const orth = orthogonalityError(v);
    worst = Math.max(worst, residual, orth);
    assert.ok(residual < TOL, `${name}: |AV − VΛ| = ${residual}`);
    assert.ok(orth < TOL, `${name}: |VᵀV − I| = ${orth}`);
  }
  t.diagnostic(`worst identity error ${worst.toExponential(2)}`);
  // the known spectrum of the diagonal matrix and of the repeated one
  assert.deepEqual(
    [
      ...linalg.eigvalsh([
        [3, 0, 0],
        [0, -1, 0],
        [0, 0, 2],
      ]).storage,
    ],
    [-1, 2, 3],
  );
  const rep = [...linalg.eigh(tensorOf(cases[2]![1])).values.storage];
  [-1, 1, 2, 2, 2, 5].forEach((x, i) => assert.ok(Math.abs(rep[i]! - x) < 1e-13, `repeated: ${rep}`));
  // small eigenvalues keep their relative accuracy
  const ill = [...linalg.eigh(tensorOf(cases[3]![1])).values.storage];
  assert.ok(Math.abs(ill[0]! - 1e-12) < 1e-15, `smallest eigenvalue ${ill[0]}`);
  // batches
  const b = nb.add(randn([3, 4, 4], 55), nb.transpose(randn([3, 4, 4], 55), [0, 2, 1]));
  const r = linalg.eigh(b);
  assert.deepEqual([...r.values.shape], [3, 4]);
  for (let i = 0; i < 3; i++) {
    const v = mat(r.vectors, i);
    assert.ok(maxDiff(mm(mat(b, i), v), scaleColumns(v, [...r.values.storage.subarray(i * 4, i * 4 + 4)])) < TOL);
  }
});

test('qr: A = Q·R, QᵀQ = I, R upper triangular', (t) => {
  let worst = 0;
  for (const [name, a] of generalMatrices()) {
    const { q, r } = linalg.qr(tensorOf(a));
    const k = Math.min(a.rows, a.cols);
    assert.deepEqual([...q.shape], [a.rows, k], `${name}: q shape`);
    assert.deepEqual([...r.shape], [k, a.cols], `${name}: r shape`);
    const R = mat(r);
    for (let i = 0; i < k; i++) for (let j = 0; j < Math.min(i, a.cols); j++) assert.equal(R.data[i * a.cols + j], 0, `${name}: r[${i},${j}]`);
    const recon = maxDiff(mm(mat(q), R), a) / Math.max(1, maxAbs(a));
    const orth = orthogonalityError(mat(q));
    worst = Math.max(worst, recon, orth);
    assert.ok(recon < TOL, `${name}: |A − QR| = ${recon}`);
    assert.ok(orth < TOL, `${name}: |QᵀQ − I| = ${orth}`);
  }
  t.diagnostic(`worst identity error ${worst.toExponential(2)}`);
  const a = randomMat(6, 3, 60);
  const c = linalg.qr(tensorOf(a), { mode: 'complete' });
  assert.deepEqual(
    [c.q.shape, c.r.shape].map((s) => [...s]),
    [
      [6, 6],
      [6, 3],
    ],
  );
  assert.ok(orthogonalityError(mat(c.q)) < TOL);
  assert.ok(maxDiff(mm(mat(c.q), mat(c.r)), a) < TOL);
  const batch = linalg.qr(randn([2, 5, 3], 61));
  assert.deepEqual(
    [batch.q.shape, batch.r.shape].map((s) => [...s]),
    [
      [2, 5, 3],
      [2, 3, 3],
    ],
  );
});

test('cholesky: L·Lᵀ = A with L lower triangular and a positive diagonal', () => {
  for (const n of [1, 2, 5, 20]) {
    const g = randomMat(n, n, 70 + n);
    const a = mm(g, tr(g));
    for (let i = 0; i < n; i++) a.data[i * n + i] = a.data[i * n + i]! + 0.5;
    const l = mat(linalg.cholesky(tensorOf(a)));
    for (let i = 0; i < n; i++) {
      assert.ok(l.data[i * n + i]! > 0);
      for (let j = i + 1; j < n; j++) assert.equal(l.data[i * n + j], 0);
    }
    assert.ok(maxDiff(mm(l, tr(l)), a) < TOL * Math.max(1, maxAbs(a)), `n = ${n}`);
  }
  const batch = nb.add(nb.matmul(randn([3, 4, 4], 75), randn([3, 4, 4], 75), false, true), nb.eye(4, 4, 'float64'));
  const l = linalg.cholesky(batch);
  assert.deepEqual([...l.shape], [3, 4, 4]);
  for (let b = 0; b < 3; b++) assert.ok(maxDiff(mm(mat(l, b), tr(mat(l, b))), mat(batch, b)) < TOL);
});

test('solve: A·x = b for vectors, matrices and broadcast batches; inv: A·A⁻¹ = I', (t) => {
  let worst = 0;
  const square: [string, Mat][] = [
    ['random 6×6', randomMat(6, 6, 80)],
    ['ill-conditioned 7×7 (cond 1e10)', withSingularValues(7, 7, [1, 1e-1, 1e-3, 1e-5, 1e-7, 1e-9, 1e-10], 81)],
    ['badly scaled rows', { rows: 3, cols: 3, data: Float64Array.of(1e20, 2e20, 0, 1, 3, 1, 0, 1e-20, 4e-20) }],
    ['needs pivoting', { rows: 3, cols: 3, data: Float64Array.of(0, 1, 2, 1, 0, 3, 4, 5, 0) }],
    ['1×1', { rows: 1, cols: 1, data: Float64Array.of(-0.25) }],
  ];
  for (const [name, a] of square) {
    const n = a.rows;
    const b = randomMat(n, 3, 90 + n);
    const x = linalg.solve(tensorOf(a), tensorOf(b));
    assert.deepEqual([...x.shape], [n, 3]);
    // the residual of a backward-stable solve is small relative to ‖A‖‖x‖
    const rel = (r: number, xs: Mat) =>
      r /
      (Math.max(...Array.from({ length: n }, (_, i) => Math.abs(a.data.subarray(i * n, i * n + n).reduce((s, v) => s + Math.abs(v), 0)))) * maxAbs(xs) +
        maxAbs(b));
    const rx = rel(maxDiff(mm(a, mat(x)), b), mat(x));
    const xv = linalg.solve(
      tensorOf(a),
      nb.tensor(
        b.data.filter((_, i) => i % 3 === 0),
        [n],
        'float64',
      ),
    );
    assert.deepEqual([...xv.shape], [n]);
    assert.ok(maxDiff(column(xv), { rows: n, cols: 1, data: mat(x).data.filter((_, i) => i % 3 === 0) }) <= 1e-12 * maxAbs(mat(x)));
    const ai = mat(linalg.inv(tensorOf(a)));
    const ri = rel(maxDiff(mm(a, ai), identity(n)), ai);
    worst = Math.max(worst, rx, ri);
    assert.ok(rx < TOL, `${name}: solve residual ${rx}`);
    assert.ok(ri < TOL, `${name}: inv residual ${ri}`);
  }
  t.diagnostic(`worst relative residual ${worst.toExponential(2)}`);
  // batches broadcast: [2,1,3,3] with [4,3,2] → [2,4,3,2]; a vector b is shared by the whole batch
  const A = nb.add(randn([2, 1, 3, 3], 95), nb.mul(3, nb.eye(3, 3, 'float64')));
  const B = randn([4, 3, 2], 96);
  const X = linalg.solve(A, B);
  assert.deepEqual([...X.shape], [2, 4, 3, 2]);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) assert.ok(maxDiff(mm(mat(A, i), mat(X, i * 4 + j)), mat(B, j)) < TOL);
  const xv = linalg.solve(A, [1, 2, 3]);
  assert.deepEqual([...xv.shape], [2, 1, 3]);
  assert.ok(maxDiff(mm(mat(A, 1), column(xv, 1)), { rows: 3, cols: 1, data: Float64Array.of(1, 2, 3) }) < TOL);
  const inv = linalg.inv(A);
  assert.deepEqual([...inv.shape], [2, 1, 3, 3]);
  assert.ok(maxDiff(mm(mat(inv, 1), mat(A, 1)), identity(3)) < TOL);
});

test('det and slogdet: products of eigenvalues, of a triangle, signs of permutations', () => {
  const g = randomMat(5, 5, 100);
  const sym = mm(g, tr(g));
  for (let i = 0; i < 25; i++) sym.data[i] = sym.data[i]! - (i % 6 === 0 ? 3 : 0); // indefinite
  const lambda = [...linalg.eigvalsh(tensorOf(sym)).storage];
  const product = lambda.reduce((p, x) => p * x, 1);
  const d = linalg.det(tensorOf(sym)).item();
  assert.ok(Math.abs(d - product) < 1e-12 * Math.abs(product), `det ${d} vs Πλ ${product}`);
  const { sign, logAbsDet } = linalg.slogdet(tensorOf(sym));
  assert.equal(sign.item(), Math.sign(product));
  assert.ok(Math.abs(logAbsDet.item() - Math.log(Math.abs(product))) < 1e-12);
  assert.equal(
    linalg
      .det([
        [2, 1, 7],
        [0, -3, 5],
        [0, 0, 0.5],
      ])
      .item(),
    -3,
  );
  assert.equal(
    linalg
      .det([
        [0, 1, 0],
        [0, 0, 1],
        [1, 0, 0],
      ])
      .item(),
    1,
  );
  assert.equal(
    linalg
      .det([
        [0, 1, 0],
        [1, 0, 0],
        [0, 0, 1],
      ])
      .item(),
    -1,
  );
  assert.equal(
    linalg
      .det([
        [1, 2],
        [2, 4],
      ])
      .item(),
    0,
  );
  assert.deepEqual(
    [
      ...linalg.slogdet([
        [1, 2],
        [2, 4],
      ]).sign.storage,
    ],
    [0],
  );
  assert.equal(
    linalg
      .slogdet([
        [1, 2],
        [2, 4],
      ])
      .logAbsDet.item(),
    -Infinity,
  );
  // det(c·I₃₀₀) overflows in a product but not in slogdet
  const big = nb.mul(1e3, nb.eye(300, 300, 'float64'));
  assert.equal(linalg.det(big).item(), Infinity);
  assert.ok(Math.abs(linalg.slogdet(big).logAbsDet.item() - 300 * Math.log(1e3)) < 1e-9);
  // a batch of determinants, float32 in → float32 out
  const batch = linalg.det(
    nb.tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [2, 0],
        [0, 3],
      ],
    ]),
  );
  assert.equal(batch.dtype, 'float32');
  assert.deepEqual([...batch.shape], [2]);
  assert.ok(Math.abs(batch.storage[0]! + 2) < 1e-6 && Math.abs(batch.storage[1]! - 6) < 1e-6);
  assert.equal(linalg.det(nb.zeros([0, 0], 'float64')).item(), 1);
});
