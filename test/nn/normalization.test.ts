import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { Layer } from '../../src/nn/layer.js';
import { layerFromConfig } from '../../src/nn/layer.js';
import { assertClose, fromFixture, loadFixture, type FixtureTensor } from '../helpers.js';
import { checkLayer } from './conformance.js';
import type { Nd } from './reference.js';

// The per-example normalisation layers (src/nn/layers/normalization.ts)
// against PyTorch (test/fixtures/norm_layers.json, made by
// test/fixtures/make_norm_layers_fixtures.py, which maps Keras's channels-last
// layouts to PyTorch's): outputs, gradients with respect to the input, γ and
// β, and Hessian-vector products; then finite differences at orders 1 and 2,
// the shared layer conformance check (with the formulas computed here with
// plain loops), shapes, errors, configs, save/load and training.

const L = nb.layers;

interface NormCase {
  layer: 'LayerNormalization' | 'GroupNormalization' | 'UnitNormalization';
  options: Record<string, unknown>;
  x: FixtureTensor;
  gamma?: FixtureTensor;
  beta?: FixtureTensor;
  y: FixtureTensor;
  w: FixtureTensor;
  v: FixtureTensor;
  gradX: FixtureTensor;
  gradGamma?: FixtureTensor;
  gradBeta?: FixtureTensor;
  hvpX: FixtureTensor;
  xZero?: FixtureTensor;
  yZero?: FixtureTensor;
}
const { cases } = loadFixture<{ cases: NormCase[] }>('norm_layers.json');

/** The factory of each class, by Keras class name. */
const FACTORIES: Record<string, (args: Record<string, unknown>) => Layer> = {
  LayerNormalization: (a) => L.layerNormalization(a),
};

/** A float64 layer of case c, built for its input, with the fixture's γ and β. */
function layerOf(c: NormCase): Layer {
  const layer = FACTORIES[c.layer]!({ ...c.options, dtype: 'float64' });
  layer.apply(fromFixture(c.x));
  const f = layer as unknown as { gamma?: nb.Variable; beta?: nb.Variable };
  if (c.gamma) f.gamma!.assign(fromFixture(c.gamma));
  if (c.beta) f.beta!.assign(fromFixture(c.beta));
  return layer;
}

for (const c of cases.filter((k) => k.layer in FACTORIES)) {
  const name = `${c.layer}(${JSON.stringify(c.options)}) on [${c.x.shape.join(', ')}]`;
  test(`${name}: output, gradients and Hessian-vector product agree with PyTorch`, () => {
    const layer = layerOf(c);
    const x = fromFixture(c.x),
      w = fromFixture(c.w);
    assertClose(layer.apply(x), c.y, 1e-10, 1e-10, 'y');
    assertClose(layer.apply(x, { training: true }), c.y, 1e-10, 1e-10, 'y in training mode');
    // L = Σ sin(y)·w, differentiated with respect to x and every weight
    const weights = layer.parameters();
    const loss = (xi: Tensor, ...ws: Tensor[]) => {
      const saved = weights.map((v, i) => v.swap(ws[i]!));
      try {
        return nb.sum(nb.mul(nb.sin(layer.apply(xi)), w));
      } finally {
        weights.forEach((v, i) => v.swap(saved[i]!));
      }
    };
    const argnums = [0, ...weights.map((_, i) => i + 1)];
    const grads = nb.grad(loss, { argnums })(x, ...weights.map((v) => v.value)) as Tensor[];
    assertClose(grads[0]!, c.gradX, 1e-9, 1e-9, 'dL/dx');
    const expected = [c.gradGamma, c.gradBeta].filter((g) => g !== undefined);
    assert.equal(grads.length - 1, expected.length, 'one gradient per weight');
    expected.forEach((g, i) => assertClose(grads[i + 1]!, g, 1e-9, 1e-9, `dL/d${weights[i]!.name}`));
    const hvp = nb.hvp((xi: Tensor) => loss(xi, ...weights.map((v) => v.value)))(x, fromFixture(c.v));
    assertClose(hvp, c.hvpX, 1e-8, 1e-8, 'Hessian-vector product in x');
  });
}

/** Finite differences at orders 1 and 2 through a float64 layer, with respect to the input and every weight. */
function gradCheckLayer(make: () => Layer, shape: number[], seed: number): void {
  const layer = make();
  const g = new nb.Generator(seed);
  const x = nb.randomNormal(shape, 0, 1, { dtype: 'float64', generator: g });
  layer.apply(x);
  const ws = layer.parameters();
  for (const v of ws) v.assign(nb.randomNormal([...v.shape], 1, 0.5, { dtype: 'float64', generator: g }));
  const f = (xi: Tensor, ...wi: Tensor[]) => {
    const saved = ws.map((v, i) => v.swap(wi[i]!));
    try {
      return layer.apply(xi);
    } finally {
      ws.forEach((v, i) => v.swap(saved[i]!));
    }
  };
  const r = nb.gradCheck(f, [x, ...ws.map((v) => v.value)], { order: 2 });
  assert.ok(r.passed, `${layer.className}: gradCheck ${JSON.stringify(r.levels)}`);
}

// ---- LayerNormalization -------------------------------------------------------

/** The layer-normalisation formula with plain loops: each example's entries over the normalised axes. */
function layerNormReference(layer: Layer, x: Nd): Nd {
  const f = layer as unknown as { axis: number | number[]; epsilon: number; gamma?: nb.Variable; beta?: nb.Variable };
  const rank = x.shape.length;
  const axes = (typeof f.axis === 'number' ? [f.axis] : f.axis).map((a) => (a < 0 ? a + rank : a));
  const strides = x.shape.map((_, i) => x.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const coord = (flat: number, i: number) => Math.floor(flat / strides[i]!) % x.shape[i]!;
  // the group of an entry: its coordinates on the other axes; its weight index: its coordinates on the axes, in the given order
  const groupOf = (flat: number) => x.shape.map((_, i) => (axes.includes(i) ? 0 : coord(flat, i))).join();
  const weightIndex = (flat: number) => axes.reduce((s, a) => s * x.shape[a]! + coord(flat, a), 0);
  const sums = new Map<string, { n: number; s: number; ss: number }>();
  x.data.forEach((v, i) => {
    const k = groupOf(i);
    const e = sums.get(k) ?? { n: 0, s: 0, ss: 0 };
    e.n++;
    e.s += v;
    sums.set(k, e);
  });
  x.data.forEach((v, i) => {
    const e = sums.get(groupOf(i))!;
    e.ss += (v - e.s / e.n) ** 2;
  });
  const gamma = f.gamma ? Array.from(f.gamma.value.storage as ArrayLike<number>) : null;
  const beta = f.beta ? Array.from(f.beta.value.storage as ArrayLike<number>) : null;
  const data = x.data.map((v, i) => {
    const e = sums.get(groupOf(i))!;
    const j = weightIndex(i);
    return ((v - e.s / e.n) / Math.sqrt(e.ss / e.n + f.epsilon)) * (gamma ? gamma[j]! : 1) + (beta ? beta[j]! : 0);
  });
  return { shape: [...x.shape], data };
}

test('LayerNormalization passes the layer conformance check (last axis, several axes, without γ or β)', () => {
  const reference = (l: Layer, x: Nd) => layerNormReference(l, x);
  checkLayer({ make: (a) => L.layerNormalization(a), inputShape: [5], outputShape: [5], params: 10, reference });
  checkLayer({ make: (a) => L.layerNormalization({ axis: [1, 2], ...a }), inputShape: [3, 4], outputShape: [3, 4], params: 24, reference });
  checkLayer({ make: (a) => L.layerNormalization({ axis: 1, center: false, ...a }), inputShape: [3, 4], outputShape: [3, 4], params: 3, reference });
  checkLayer({ make: (a) => L.layerNormalization({ scale: false, epsilon: 0.1, ...a }), inputShape: [2, 6], outputShape: [2, 6], params: 6, reference });
});

test('LayerNormalization: finite differences at orders 1 and 2 with respect to the input, γ and β', () => {
  gradCheckLayer(() => L.layerNormalization({ dtype: 'float64' }), [3, 4], 1);
  gradCheckLayer(() => L.layerNormalization({ axis: [1, 2], dtype: 'float64' }), [2, 3, 2], 2);
  gradCheckLayer(() => L.layerNormalization({ axis: [2, 1], center: false, dtype: 'float64' }), [2, 2, 3], 3);
});

test('LayerNormalization: axes given out of order lay γ out in that order, as Keras does (a plain reshape onto the sorted axes)', () => {
  const layer = L.layerNormalization({ axis: [2, 1], center: false, dtype: 'float64' });
  const x = nb.randomNormal([2, 3, 4], 0, 1, { dtype: 'float64', generator: new nb.Generator(4) });
  layer.apply(x);
  assert.deepEqual([...layer.gamma!.shape], [4, 3]);
  const gamma = nb.randomNormal([4, 3], 0, 1, { dtype: 'float64', generator: new nb.Generator(5) });
  layer.gamma!.assign(gamma);
  const plain = L.layerNormalization({ axis: [1, 2], scale: false, center: false, dtype: 'float64' }).apply(x);
  const expected = nb.mul(plain, nb.reshape(gamma, [1, 3, 4]));
  assertClose(layer.apply(x), { shape: expected.shape, data: expected.storage }, 1e-12, 1e-12);
});

test('LayerNormalization: output shapes, weight shapes and Keras weight names', () => {
  const layer = L.layerNormalization({ axis: [-2, -1] });
  assert.deepEqual(layer.computeOutputShape([null, 7, 3, 5]), [null, 7, 3, 5]);
  assert.deepEqual(
    layer.namedParameters().map(([n, v]) => [n, [...v.shape]]),
    [
      ['gamma', [3, 5]],
      ['beta', [3, 5]],
    ],
  );
  // a transformer's [batch, time, features] with an unknown time length
  assert.deepEqual(L.layerNormalization().computeOutputShape([null, null, 8]), [null, null, 8]);
  assert.deepEqual(L.layerNormalization({ inputShape: [4] }).countParams(), 8);
  assert.deepEqual(L.layerNormalization({ inputShape: [4], center: false, scale: false }).countParams(), 0);
});

test('LayerNormalization: bad options and inputs are refused by name', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => L.layerNormalization({ axis: 1.5 }), /^layerNormalization: axis must be an integer or a non-empty list of integers, got 1\.5/],
    [() => L.layerNormalization({ axis: [] }), /^layerNormalization: axis must be an integer or a non-empty list/],
    [() => L.layerNormalization({ axis: '1' as never }), /^layerNormalization: axis must be an integer/],
    [() => L.layerNormalization({ epsilon: 0 }), /^layerNormalization: epsilon must be a positive finite number, got 0/],
    [() => L.layerNormalization({ epsilon: Number.NaN }), /^layerNormalization: epsilon must be a positive finite number/],
    [() => L.layerNormalization({ center: 1 as never }), /^layerNormalization: center must be true or false, got 1/],
    [() => L.layerNormalization({ scale: 'yes' as never }), /^layerNormalization: scale must be true or false/],
    [() => L.layerNormalization({ gammaInitializer: 'onez' as never }), /^layerNormalization: unknown initializer 'onez'/],
    [() => L.layerNormalization({ betaRegularizer: 'l3' as never }), /^layerNormalization: unknown regularizer 'l3'/],
    [() => L.layerNormalization({ epsilom: 1e-5 } as never), /^layerNormalization: unknown option 'epsilom' \(did you mean 'epsilon'\?\)/],
    [() => L.layerNormalization({ axis: 2, inputShape: [4] }), /axis 2 is out of range for a tensor of rank 2/],
    [() => L.layerNormalization({ axis: [1, -1], inputShape: [4] }), /axis \[1, -1\] repeats an axis/],
    [() => L.layerNormalization({ axis: 0, inputShape: [4] }), /axis cannot be the batch axis 0/],
    [() => L.layerNormalization().computeOutputShape([null, 3, null]), /axis 2 of input shape \[null,3,null\] must be known/],
    [() => L.layerNormalization({ inputShape: [4] }).apply(nb.zeros([2, 5])), /does not fit: axes \[1\] have sizes \[5\], the layer was built for \[4\]/],
    [() => L.layerNormalization({ inputShape: [4] }).apply(nb.zeros([2, 3, 4])), /has rank 3; the layer was built for rank 2/],
    [
      () => L.layerNormalization({ inputShape: [4], center: false, scale: false }).apply(nb.zeros([2, 3])),
      /axes \[1\] have sizes \[3\], the layer was built for \[4\]/,
    ],
  ];
  for (const [run, message] of cases) assert.throws(run, (e: Error) => e instanceof nb.NablaError && message.test(e.message), String(message));
});

test('LayerNormalization: the config round-trips (initialisers and regularisers included), and save/load restores the layer', async () => {
  const layer = L.layerNormalization({
    axis: [1, 2],
    epsilon: 1e-5,
    center: false,
    gammaInitializer: 'randomNormal',
    betaInitializer: 'ones',
    gammaRegularizer: nb.regularizers.l2(0.1),
    inputShape: [3, 2],
  });
  const config = JSON.parse(JSON.stringify(layer.getConfig()));
  assert.deepEqual(config.axis, [1, 2]);
  assert.equal(config.epsilon, 1e-5);
  assert.deepEqual(config.gammaInitializer, { className: 'RandomNormal', config: { mean: 0, stddev: 0.05 } });
  assert.deepEqual(config.gammaRegularizer, { className: 'L1L2', config: { l1: 0, l2: 0.1 } });
  const again = layerFromConfig({ className: 'LayerNormalization', config });
  assert.deepEqual(JSON.parse(JSON.stringify(again.getConfig())), config);
  // the γ penalty joins the loss: 0.1·Σγ²
  assert.ok(Math.abs(layer.regularizationLosses()[0]!.item() - 0.1 * nb.sum(nb.square(layer.gamma!)).item()) < 1e-6);

  const model = nb.sequential([L.dense({ units: 4, inputShape: [3] }), L.layerNormalization({ epsilon: 1e-4 }), L.dense({ units: 2 })]);
  const g = new nb.Generator(6);
  (model.layers[1] as unknown as { gamma: nb.Variable }).gamma.assign(nb.randomNormal([4], 1, 0.3, { generator: g }));
  const back = await nb.loadModel(nb.io.encodeModel(model));
  const x = nb.randomNormal([5, 3], 0, 1, { generator: g });
  assert.deepEqual(back.predict(x).toArray(), model.predict(x).toArray());
  assert.equal(back.layers[1]!.className, 'LayerNormalization');
});

test('LayerNormalization trains in a Sequential: fit lowers the loss of a small regression', async () => {
  nb.seed(3);
  const g = new nb.Generator(8);
  const x = nb.randomNormal([64, 4], 0, 3, { generator: g });
  const y = nb.tanh(nb.matmul(x, nb.tensor([[0.5], [-0.2], [0.1], [0.3]])));
  const model = nb.sequential([
    L.dense({ units: 8, inputShape: [4] }),
    L.layerNormalization(),
    L.dense({ units: 8, activation: 'relu' }),
    L.dense({ units: 1 }),
  ]);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.02 }), loss: 'mse' });
  const before = model.evaluate(x, y)['loss']!;
  await model.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0 });
  const after = model.evaluate(x, y)['loss']!;
  assert.ok(after < before / 3, `loss ${before} → ${after}`);
});
