import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import * as linalg from '../../src/linalg/index.js';
import { randn } from '../helpers.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

test('norm: vector norms by hand', () => {
  const v = nb.tensor([3, -4, 0], undefined, 'float64');
  close(linalg.norm(v).item(), 5);
  close(linalg.norm(v, 2).item(), 5);
  close(linalg.norm(v, 1).item(), 7);
  close(linalg.norm(v, Infinity).item(), 4);
  close(linalg.norm(v, -Infinity).item(), 0);
  close(linalg.norm(v, 0).item(), 2);
  close(linalg.norm(v, 3).item(), Math.cbrt(27 + 64));
  close(linalg.norm(v, 0.5).item(), (Math.sqrt(3) + 2) ** 2);
  assert.equal(linalg.norm(nb.tensor([1, 2, 2])).dtype, 'float32');
  close(linalg.norm(nb.tensor([1, 2, 2])).item(), 3, 1e-7);
});

test('norm: matrix norms by hand', () => {
  const a = nb.tensor(
    [
      [1, -2],
      [3, 4],
    ],
    undefined,
    'float64',
  );
  close(linalg.norm(a).item(), Math.sqrt(30));
  close(linalg.norm(a, 'fro').item(), Math.sqrt(30));
  close(linalg.norm(a, 1).item(), 6);
  close(linalg.norm(a, -1).item(), 4);
  close(linalg.norm(a, Infinity).item(), 7);
  close(linalg.norm(a, -Infinity).item(), 3);
  // AᵀA = [[10, 10], [10, 20]]: σ² = 15 ± √125
  const s1 = Math.sqrt(15 + Math.sqrt(125)),
    s2 = Math.sqrt(15 - Math.sqrt(125));
  close(linalg.norm(a, 2).item(), s1);
  close(linalg.norm(a, -2).item(), s2);
  close(linalg.norm(a, 'nuc').item(), s1 + s2);
});

test('norm: axis and keepDims; the flattened 2-norm of a 3-D tensor', () => {
  const x = randn([2, 3, 4], 1);
  const rows = linalg.norm(x, 2, -1);
  assert.deepEqual([...rows.shape], [2, 3]);
  close(rows.storage[4]!, Math.hypot(...x.storage.subarray(16, 20)));
  assert.deepEqual([...linalg.norm(x, 1, 1, true).shape], [2, 1, 4]);
  const m = linalg.norm(x, 'fro', [1, 2]);
  assert.deepEqual([...m.shape], [2]);
  close(m.storage[1]!, Math.hypot(...x.storage.subarray(12, 24)));
  const s = linalg.norm(x, 2, [2, 1], true); // the transposes' spectral norms are the same
  assert.deepEqual([...s.shape], [2, 1, 1]);
  close(s.storage[0]!, linalg.svdvals(nb.slice(x, [0, 0, 0], [1, 3, 4])).storage[0]!);
  const inf = linalg.norm(x, Infinity, [0, 2]); // rows are axis 0, columns axis 2: max over axis 0 of Σ_axis2
  assert.deepEqual([...inf.shape], [3]);
  close(linalg.norm(x).item(), Math.hypot(...x.storage));
  assert.throws(() => linalg.norm(x, 1), /norm: ord 1 needs a vector or a matrix, got shape \[2,3,4\]/);
  assert.throws(() => linalg.norm(x, 'nuc', 0), /not a vector norm/);
  assert.throws(() => linalg.norm(nb.ones([2, 2]), 3), /not a matrix norm/);
});

test('norm is differentiable where it is made of sums: ∇‖x‖₂ = x/‖x‖, ∇‖A‖_F = A/‖A‖_F', () => {
  const x = nb.tensor([3, -4, 12], undefined, 'float64');
  const g = nb.grad((t: nb.Tensor) => linalg.norm(t))(x);
  [3 / 13, -4 / 13, 12 / 13].forEach((e, i) => close(g.storage[i]!, e));
  const a = randn([3, 2], 2);
  const ga = nb.grad((t: nb.Tensor) => linalg.norm(t, 'fro'))(a);
  const f = Math.hypot(...a.storage);
  for (let i = 0; i < 6; i++) close(ga.storage[i]!, a.storage[i]! / f);
  const g1 = nb.grad((t: nb.Tensor) => linalg.norm(t, 1))(x);
  assert.deepEqual([...g1.storage], [1, -1, 1]);
  // float32 stays float32 through the float64 computation
  assert.equal(nb.grad((t: nb.Tensor) => linalg.norm(t))(nb.tensor([1, 2])).dtype, 'float32');
  assert.throws(() => nb.grad((t: nb.Tensor) => linalg.norm(t, 'nuc'))(a), /norm: not differentiable/);
});

test('the decompositions are not differentiable and say so under grad', () => {
  const a = randn([3, 3], 3);
  const cases: [string, (t: nb.Tensor) => nb.Tensor][] = [
    ['svd', (t) => nb.sum(linalg.svd(t).s)],
    ['eigh', (t) => nb.sum(linalg.eigh(nb.add(t, nb.transpose(t))).values)],
    ['qr', (t) => nb.sum(linalg.qr(t).r)],
    ['solve', (t) => nb.sum(linalg.solve(t, [1, 2, 3]))],
    ['inv', (t) => nb.sum(linalg.inv(t))],
    ['det', (t) => linalg.det(t)],
  ];
  for (const [name, f] of cases) {
    assert.throws(() => nb.grad(f)(a), new RegExp(`^NablaError: ${name}: not differentiable.*stopGradient`), name);
  }
  // ... and work on a constant inside a traced function
  const g = nb.grad((t: nb.Tensor) => nb.sum(nb.mul(t, linalg.det(nb.stopGradient(t)))))(a);
  assert.deepEqual([...g.shape], [3, 3]);
});

test('errors name the function and the shape', () => {
  assert.throws(() => linalg.cholesky(nb.ones([3, 4])), { name: 'ShapeError', message: 'cholesky: expected a square matrix, got [3,4]' });
  assert.throws(() => linalg.inv(nb.ones([2, 3, 4])), { name: 'ShapeError', message: 'inv: expected a square matrix (or a batch of them), got [2,3,4]' });
  assert.throws(() => linalg.svd(nb.ones([3])), { name: 'ShapeError', message: /^svd: expected a matrix .* got \[3\]$/ });
  assert.throws(() => linalg.det(5), /det: expected a matrix .* got \[\]/);
  assert.throws(
    () =>
      linalg.eigh([
        [1, 2],
        [3, 4],
      ]),
    { name: 'LinAlgError', message: /^eigh: expected a symmetric matrix, got one of shape \[2,2\]/ },
  );
  assert.throws(
    () =>
      linalg.cholesky([
        [1, 2],
        [3, 4],
      ]),
    /^LinAlgError: cholesky: expected a symmetric matrix/,
  );
  assert.throws(
    () =>
      linalg.cholesky([
        [1, 2],
        [2, 1],
      ]),
    {
      name: 'LinAlgError',
      message: 'cholesky: the matrix of shape [2,2] is not positive definite (its leading 2×2 minor is not: pivot -3)',
    },
  );
  assert.throws(
    () =>
      linalg.solve(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 1],
      ),
    { name: 'LinAlgError', message: /^solve: the matrix is singular \(shape \[2,2\]\)/ },
  );
  assert.throws(
    () =>
      linalg.solve(
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
        [1, 1, 1],
      ),
    /^LinAlgError: solve: the matrix is singular/,
  );
  assert.throws(() => linalg.inv(nb.zeros([3, 3])), /^LinAlgError: inv: the matrix is singular/);
  assert.throws(
    () =>
      linalg.inv(
        nb.tensor([
          [
            [1, 0],
            [0, 1],
          ],
          [
            [1, 1],
            [1, 1],
          ],
        ]),
      ),
    /inv: the matrix is singular \(matrix 1 of the batch of shape \[2,2,2\]\)/,
  );
  assert.throws(() => linalg.solve(nb.eye(3), [1, 2]), {
    name: 'ShapeError',
    message: 'solve: shapes [3,3] and [2]: b has 2 rows, expected 3 (the size of a)',
  });
  assert.throws(
    () => linalg.solve(nb.ones([2, 3, 3]), nb.ones([4, 3, 1])),
    /solve: shapes \[2,3,3\] and \[4,3,1\]: batch dimensions \[2\] and \[4\] cannot be broadcast/,
  );
  assert.throws(
    () =>
      linalg.svd([
        [1, NaN],
        [0, 1],
      ]),
    /svd: the matrix of shape \[2,2\] contains NaN or infinite values/,
  );
  assert.throws(() => linalg.qr(nb.eye(2), { mode: 'full' as 'complete' }), /qr: mode must be 'reduced' or 'complete'/);
  // LinAlgError is an ArgumentError (and a NablaError)
  assert.throws(() => linalg.inv([[0]]), nb.ArgumentError);
  assert.throws(() => linalg.inv([[0]]), linalg.LinAlgError);
  // a float32 matrix symmetric only to float32 rounding passes
  const g = randn([30, 8], 4);
  const s = nb.matmul(nb.cast(g, 'float32'), nb.cast(g, 'float32'), false, true);
  assert.equal(linalg.eigh(s).values.dtype, 'float32');
});
