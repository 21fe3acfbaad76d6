/**
 * nabla.decomposition.pca against scikit-learn 1.2 on the UCI digits
 * (test/fixtures/pca.json, made by make_pca_fixtures.py), and its own
 * invariants.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { pca, PCA } from '../../src/decomposition/index.js';
import { loadFixture, randn, type FixtureTensor } from '../helpers.js';

interface Case {
  name: string;
  options: { n_components: number; whiten?: boolean };
  n_components: number;
  components: FixtureTensor;
  explained_variance: FixtureTensor;
  explained_variance_ratio: FixtureTensor;
  singular_values: FixtureTensor;
  mean: FixtureTensor;
  noise_variance: number;
  transform_first20: FixtureTensor;
}
const fx = loadFixture<{ sklearn: string; cases: Case[] }>('pca.json');

const digits64 = () => nb.cast(nb.data.loadDigits().x, 'float64');

function maxErr(actual: nb.Tensor, expected: FixtureTensor): number {
  assert.deepEqual([...actual.shape], expected.shape);
  let m = 0;
  for (let i = 0; i < expected.data.length; i++) m = Math.max(m, Math.abs(actual.storage[i]! - expected.data[i]!));
  return m;
}

test(`pca matches scikit-learn ${fx.sklearn} on the digits (components with svd_flip signs)`, (t) => {
  const x = digits64();
  const first20 = nb.slice(x, [0, 0], [20, 64]);
  for (const c of fx.cases) {
    const k = c.options.n_components;
    const p = pca(Number.isInteger(k) ? { nComponents: k, whiten: c.options.whiten ?? false } : { varianceToKeep: k });
    p.fit(x);
    assert.equal(p.nComponents, c.n_components, `${c.name}: nComponents`);
    const errors = {
      components: maxErr(p.components, c.components),
      explainedVariance: maxErr(p.explainedVariance, c.explained_variance),
      explainedVarianceRatio: maxErr(p.explainedVarianceRatio, c.explained_variance_ratio),
      singularValues: maxErr(p.singularValues, c.singular_values),
      mean: maxErr(p.mean, c.mean),
      noiseVariance: Math.abs(p.noiseVariance - c.noise_variance),
      transform: maxErr(p.transform(first20), c.transform_first20),
    };
    for (const [what, e] of Object.entries(errors)) assert.ok(e < 1e-4, `${c.name}: ${what} off by ${e}`);
    t.diagnostic(
      `${c.name}: max abs error ${Object.entries(errors)
        .map(([w, e]) => `${w} ${e.toExponential(1)}`)
        .join(', ')}`,
    );
    assert.equal(p.components.dtype, 'float64');
  }
});

test('pca on float32 data: float32 results, close to scikit-learn', () => {
  const c = fx.cases[0]!;
  const p = pca({ nComponents: 10 }).fit(nb.data.loadDigits().x);
  assert.equal(p.components.dtype, 'float32');
  assert.ok(maxErr(p.components, c.components) < 1e-5);
  const z = p.transform(nb.slice(nb.data.loadDigits().x, [0, 0], [20, 64]));
  assert.equal(z.dtype, 'float32');
  assert.ok(maxErr(z, c.transform_first20) < 1e-4);
});

test('inverseTransform(transform(x)) = x with all components; fitTransform = fit then transform', () => {
  const x = digits64();
  for (const whiten of [false, true]) {
    const p = pca({ whiten });
    const z = p.fitTransform(x);
    assert.equal(p.nComponents, 64);
    assert.deepEqual([...z.shape], [1797, 64]);
    const back = p.inverseTransform(z);
    const err = nb.max(nb.abs(nb.sub(back, x))).item();
    // (whitening floors the √λ of the constant pixels' components at ε, so it stays finite and invertible)
    assert.ok(err < 1e-12, `whiten ${whiten}: |x − inverse(transform(x))| = ${err}`);
    assert.ok(nb.max(nb.abs(nb.sub(z, p.transform(x)))).item() === 0);
  }
  // a random full-rank case: exact up to rounding, whitened too
  const r = nb.add(nb.matmul(randn([50, 6], 1), randn([6, 6], 2)), 3);
  for (const whiten of [false, true]) {
    const p = pca({ whiten }).fit(r);
    assert.ok(nb.max(nb.abs(nb.sub(p.inverseTransform(p.transform(r)), r))).item() < 1e-12);
  }
  // one sample at a time
  const p = pca({ nComponents: 3 }).fit(r);
  const z0 = p.transform(nb.slice(r, [0, 0], [1, 6]));
  const z0flat = p.transform(nb.reshape(nb.slice(r, [0, 0], [1, 6]), [6]));
  assert.deepEqual([...z0flat.shape], [3]);
  assert.deepEqual([...z0flat.storage], [...z0.storage]);
  assert.deepEqual([...p.inverseTransform(z0flat).shape], [6]);
});

test('whitened components have unit variance; components are orthonormal rows', () => {
  const x = digits64();
  const p = pca({ nComponents: 10, whiten: true });
  const z = p.fitTransform(x);
  const variance = nb.div(nb.sum(nb.square(nb.sub(z, nb.mean(z, 0))), 0), 1796).storage;
  for (const v of variance) assert.ok(Math.abs(v - 1) < 1e-12, `variance ${v}`);
  const g = nb.matmul(p.components, p.components, false, true);
  assert.ok(nb.max(nb.abs(nb.sub(g, nb.eye(10, 10, 'float64')))).item() < 1e-13);
});

test('varianceToKeep picks the smallest k whose cumulative ratio exceeds it', () => {
  const x = digits64();
  const all = pca().fit(x).explainedVarianceRatio.storage;
  let total = 0;
  for (const v of all) total += v;
  assert.ok(Math.abs(total - 1) < 1e-12);
  for (const keep of [0.1, 0.5, 0.8, 0.9, 0.95, 0.99, 1]) {
    const k = pca({ varianceToKeep: keep }).fit(x).nComponents;
    let cumulative = 0;
    for (let i = 0; i < k - 1; i++) cumulative += all[i]!;
    assert.ok(cumulative <= keep, `keep ${keep}: k − 1 = ${k - 1} components already reach ${cumulative}`);
    if (k < all.length) assert.ok(cumulative + all[k - 1]! > keep, `keep ${keep}: k = ${k} reaches only ${cumulative + all[k - 1]!}`);
  }
  assert.equal(pca({ varianceToKeep: 0.9 }).fit(x).nComponents, 21);
});

test('pca errors: before fit, feature mismatch, invalid options', () => {
  const p = pca({ nComponents: 2 });
  assert.throws(() => p.transform(nb.ones([3, 4])), { name: 'NablaError', message: 'PCA.transform: the PCA is not fitted yet; call fit(x) first' });
  assert.throws(() => p.components, /PCA.components: the PCA is not fitted yet/);
  assert.throws(() => p.nComponents, /not fitted/);
  assert.equal(p.fitted, false);
  p.fit(randn([10, 4], 3));
  assert.equal(p.fitted, true);
  assert.throws(() => p.transform(nb.ones([3, 5])), {
    name: 'ShapeError',
    message: 'PCA.transform: expected x of shape [samples, 4] (the PCA was fitted on x of shape [10,4]), got [3,5]',
  });
  assert.throws(() => p.inverseTransform(nb.ones([3, 3])), {
    name: 'ShapeError',
    message: 'PCA.inverseTransform: expected z of shape [samples, 2] (the number of components), got [3,3]',
  });
  for (const bad of [0, -1, 2.5, NaN]) {
    assert.throws(() => pca({ nComponents: bad }), { name: 'ArgumentError', message: `pca: nComponents must be a positive integer, got ${bad}` });
  }
  assert.throws(() => pca({ varianceToKeep: 1.5 }), /pca: varianceToKeep must be in \(0, 1\], got 1.5/);
  assert.throws(() => pca({ varianceToKeep: 0 }), /varianceToKeep must be in/);
  assert.throws(() => pca({ nComponents: 2, varianceToKeep: 0.5 }), /give nComponents or varianceToKeep, not both/);
  assert.throws(() => pca({ nComponents: 5 }).fit(randn([10, 4], 3)), {
    name: 'ArgumentError',
    message: 'PCA.fit: nComponents = 5 is more than min(samples, features) = 4 for x of shape [10,4]',
  });
  assert.throws(() => pca().fit(nb.ones([1, 4])), /PCA.fit: expected at least 2 samples and 1 feature, got x of shape \[1,4\]/);
  assert.throws(() => pca().fit(nb.ones([4])), /PCA.fit: expected x of shape \[samples, features\], got \[4\]/);
  assert.ok(p instanceof PCA);
});

test('transform is differentiable in x: d Σ transform(x) / dx = column sums of the components', () => {
  const x = randn([20, 5], 4);
  const p = pca({ nComponents: 3 }).fit(x);
  const g = nb.grad((t: nb.Tensor) => nb.sum(p.transform(t)))(x);
  const colSums = nb.sum(p.components, 0).storage;
  for (let i = 0; i < 20; i++) for (let j = 0; j < 5; j++) assert.ok(Math.abs(g.storage[i * 5 + j]! - colSums[j]!) < 1e-14);
  assert.throws(() => nb.grad((t: nb.Tensor) => nb.sum(pca().fit(t).mean))(x), /PCA.fit: not differentiable/);
});
