/**
 * nb.linalg.hessianEigs: Lanczos over Hessian-vector products, checked against
 * a quadratic of known spectrum and against eigh of the full Hessian of a
 * small model's loss.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { mm, randomOrthogonal, scaleColumns, tensorOf, tr } from './matrices.js';

/** f(x) = ½ xᵀAx with A = U·diag(λ)·Uᵀ: its Hessian is A, eigenpairs (λ_i, column i of U). */
function quadratic(lambdas: number[], seed: number) {
  const n = lambdas.length;
  const u = randomOrthogonal(n, seed);
  const a = tensorOf(mm(scaleColumns(u, lambdas), tr(u)));
  const f = (x: nb.Tensor) => nb.mul(0.5, nb.sum(nb.mul(x, nb.reshape(nb.matmul(a, nb.reshape(x, [n, 1])), [n]))));
  const column = (i: number) => Array.from({ length: n }, (_, r) => u.data[r * n + i]!);
  return { f, column, x: nb.ones([n], 'float64') };
}

const dotArrays = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

test('hessianEigs: a quadratic with a known spectrum gives its largest eigenvalues and eigenvectors', () => {
  const lambdas = [5, 4.5, 3, -6, ...Array.from({ length: 36 }, (_, i) => Math.sin(i) * 2)];
  const q = quadratic(lambdas, 7);
  const r = nb.linalg.hessianEigs(q.f, q.x, { k: 3 });
  assert.equal(r.values.length, 3);
  [5, 4.5, 3].forEach((l, i) => assert.ok(Math.abs(r.values[i]! - l) < 1e-8, `λ${i} = ${r.values[i]}, expected ${l}`));
  assert.ok(r.converged);
  assert.ok(r.iterations <= 40);
  [0, 1, 2].forEach((i) => {
    const v = r.vectors[i]!;
    assert.deepEqual(v.shape, [40]);
    assert.equal(v.dtype, 'float64');
    assert.ok(Math.abs(nb.sum(nb.square(v)).item() - 1) < 1e-12);
    assert.ok(Math.abs(Math.abs(dotArrays(v.storage, q.column(i))) - 1) < 1e-6, `eigenvector ${i}`);
    assert.ok(r.residuals[i]! < 1e-5, `residual ${r.residuals[i]}`);
  });
  // by magnitude the −6 comes first
  const m = nb.linalg.hessianEigs(q.f, q.x, { k: 2, which: 'magnitude' });
  assert.ok(Math.abs(m.values[0]! + 6) < 1e-8 && Math.abs(m.values[1]! - 5) < 1e-8, `${m.values}`);
  assert.ok(Math.abs(Math.abs(dotArrays(m.vectors[0]!.storage, q.column(3))) - 1) < 1e-6);
});

test('hessianEigs: deterministic for a seed; the Hessian is never formed beyond maxIterations steps', () => {
  const q = quadratic(
    Array.from({ length: 60 }, (_, i) => 1 + i / 10),
    3,
  );
  const a = nb.linalg.hessianEigs(q.f, q.x, { k: 2, seed: 5 });
  const b = nb.linalg.hessianEigs(q.f, q.x, { k: 2, seed: 5 });
  assert.deepEqual(a.values, b.values);
  assert.deepEqual(
    a.vectors.map((v) => v.toArray()),
    b.vectors.map((v) => v.toArray()),
  );
  const short = nb.linalg.hessianEigs(q.f, q.x, { k: 1, maxIterations: 3 });
  assert.equal(short.iterations, 3);
  assert.equal(short.converged, false);
  assert.ok(short.residuals[0]! > 1e-3); // three steps do not resolve a dense spectrum
  assert.ok(short.values[0]! <= 6.9 + 1e-12); // a Ritz value never exceeds λ_max
});

test("hessianEigs: a small model's loss (a tree of parameters) matches eigh of the full Hessian", () => {
  nb.seed(11);
  const model = nb.sequential([nb.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), nb.layers.dense({ units: 2, activation: 'softmax' })]);
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const x = nb.randomNormal([8, 3]);
  const y = nb.oneHot(nb.tensor([0, 1, 1, 0, 1, 0, 0, 1], [8], 'int32'), 2);
  const f = nb.modelLoss(model);
  const params = f.params();
  const shapes = f.names.map((k) => params[k]!.shape);
  const sizes = f.names.map((k) => params[k]!.size);
  const n = sizes.reduce((s, v) => s + v, 0);
  // the same loss as a function of one flat vector, to form the Hessian
  const flatLoss = (theta: nb.Tensor) => {
    const tree: Record<string, nb.Tensor> = {};
    let at = 0;
    f.names.forEach((k, i) => {
      tree[k] = nb.reshape(nb.slice(theta, [at], [sizes[i]!]), shapes[i]!);
      at += sizes[i]!;
    });
    return f.loss(tree, x, y);
  };
  const theta = nb.concat(
    f.names.map((k) => nb.reshape(params[k]!, [-1])),
    0,
  );
  const h = nb.hessian(flatLoss)(theta) as nb.Tensor;
  const full = nb.linalg.eigh(nb.cast(h, 'float64'), { symmetryTolerance: 1e-3 });
  const ev = full.values.storage,
    evec = full.vectors.storage;
  const top = [n - 1, n - 2];
  assert.ok(ev[n - 1]! - ev[n - 2]! > 0.01 * ev[n - 1]! && ev[n - 2]! - ev[n - 3]! > 0.01 * ev[n - 1]!, 'separated eigenvalues');

  const r = nb.linalg.hessianEigs((p: nb.NamedTensors) => f.loss(p, x, y), params, { k: 2 });
  assert.ok(r.converged);
  top.forEach((col, i) => {
    assert.ok(Math.abs(r.values[i]! - ev[col]!) < 1e-4 * ev[n - 1]!, `λ${i}: ${r.values[i]} vs eigh ${ev[col]}`);
    const v = r.vectors[i]!;
    assert.deepEqual(Object.keys(v), f.names);
    f.names.forEach((k) => {
      assert.deepEqual(v[k]!.shape, params[k]!.shape);
      assert.equal(v[k]!.dtype, 'float32');
    });
    const flat = Float64Array.from(f.names.flatMap((k) => Array.from(v[k]!.storage)));
    const u = Array.from({ length: n }, (_, row) => evec[row * n + col]!);
    assert.ok(Math.abs(Math.abs(dotArrays(flat, u)) - 1) < 1e-4, `eigenvector ${i}: |cos| = ${Math.abs(dotArrays(flat, u))}`);
  });
});

test('hessianEigs: clear errors for k out of range, a non-scalar f and bad options', () => {
  const x = { w: nb.ones([2, 2]), b: nb.ones([1]) };
  const f = (p: { w: nb.Tensor; b: nb.Tensor }) => nb.sum(nb.square(nb.add(p.w, p.b)));
  const arg = (re: RegExp) => (e: Error) => e instanceof nb.ArgumentError && re.test(e.message);
  assert.throws(() => nb.linalg.hessianEigs(f, x, { k: 6 }), arg(/^hessianEigs: k = 6 eigenpairs asked for, but x has only 5 parameter/));
  assert.throws(() => nb.linalg.hessianEigs(f, x, { k: 0 }), arg(/^hessianEigs: k must be an integer >= 1, got 0/));
  assert.throws(() => nb.linalg.hessianEigs(f, x, { k: 1.5 }), arg(/k must be an integer/));
  assert.throws(
    () => nb.linalg.hessianEigs((p) => nb.square(p.w), x),
    arg(/^hessianEigs: f must return a float scalar \(one element\), got a float32 tensor of shape \[2,2\]/),
  );
  assert.throws(() => nb.linalg.hessianEigs(f, x, { which: 'smallest' as 'largest' }), arg(/which must be 'largest' or 'magnitude'/));
  assert.throws(() => nb.linalg.hessianEigs(f, x, { tol: -1 }), arg(/tol must be a positive number/));
  assert.throws(() => nb.linalg.hessianEigs(f, x, { k: 3, maxIterations: 2 }), arg(/maxIterations = 2 is fewer than k = 3/));
  assert.throws(() => nb.linalg.hessianEigs(f, x, { kk: 1 } as never), arg(/unknown option 'kk'/));
  assert.throws(() => nb.linalg.hessianEigs(f, { w: nb.ones([2], 'int32') } as never), arg(/int32/));
  assert.throws(() => nb.linalg.hessianEigs('f' as never, x), arg(/f must be a function/));
  // k = n is allowed: the whole spectrum (f = Σ (w_ij + b)², H = 2·[[I, 1], [1ᵀ, 4]])
  const all = nb.linalg.hessianEigs(f, x, { k: 5 });
  const expected = nb.linalg
    .eigvalsh(
      nb.tensor(
        [
          [2, 0, 0, 0, 2],
          [0, 2, 0, 0, 2],
          [0, 0, 2, 0, 2],
          [0, 0, 0, 2, 2],
          [2, 2, 2, 2, 8],
        ],
        [5, 5],
        'float64',
      ),
    )
    .toArray() as number[];
  assert.ok(all.converged);
  expected.reverse().forEach((l, i) => assert.ok(Math.abs(all.values[i]! - l) < 1e-5, `${all.values} vs ${expected}`));
});

test('hessianEigs: x may be an array of tensors and variables (the trees nb.hvp takes); vectors are tensors in its shape', () => {
  // f(a, b) = a₀² + 3·a₁² + 2·a₀·b + b²: H = [[2, 0, 2], [0, 6, 0], [2, 0, 2]], eigenvalues 6, 4, 0
  const x = [nb.tensor([0.5, -1], [2], 'float64'), nb.variable(nb.tensor([[2]], [1, 1], 'float64'))] as const;
  const f = ([a, b]: readonly [nb.Tensor, nb.Tensor | nb.Variable]) => {
    const [a0, a1] = nb.split(a, 2);
    const bv = nb.reshape(b instanceof nb.Variable ? b.value : b, [1]);
    return nb.sum(nb.add(nb.add(nb.square(a0!), nb.mul(3, nb.square(a1!))), nb.add(nb.mul(2, nb.mul(a0!, bv)), nb.square(bv))));
  };
  const r = nb.linalg.hessianEigs(f as never, x as never, { k: 3 }) as unknown as { values: number[]; vectors: [nb.Tensor, nb.Tensor][] };
  [6, 4, 0].forEach((l, i) => assert.ok(Math.abs(r.values[i]! - l) < 1e-10, `${r.values}`));
  const [a, b] = r.vectors[1]!; // λ = 4: (1, 0, 1)/√2
  assert.ok(nb.isTensor(a) && nb.isTensor(b));
  assert.deepEqual(b.shape, [1, 1]);
  assert.ok(Math.abs(a.storage[0]! - Math.SQRT1_2) < 1e-10 && Math.abs(a.storage[1]!) < 1e-10 && Math.abs(b.storage[0]! - Math.SQRT1_2) < 1e-10);
});
