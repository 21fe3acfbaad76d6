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
  GroupNormalization: (a) => L.groupNormalization(a),
  UnitNormalization: (a) => L.unitNormalization(a),
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
    if (c.xZero) assertClose(layer.apply(fromFixture(c.xZero)), c.yZero!, 1e-10, 1e-10, 'y of an input with an all-zero example');
  });
}

test('the fixture covers every normalisation layer class', () => {
  assert.deepEqual([...new Set(cases.map((c) => c.layer))].sort(), Object.keys(FACTORIES).sort());
});

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

// ---- GroupNormalization -------------------------------------------------------

/** The group-normalisation formula with plain loops: statistics per (example, channel group). */
function groupNormReference(layer: Layer, x: Nd): Nd {
  const f = layer as unknown as { axis: number; groups: number; epsilon: number; gamma?: nb.Variable; beta?: nb.Variable };
  const rank = x.shape.length;
  const a = f.axis < 0 ? f.axis + rank : f.axis;
  const c = x.shape[a]!,
    per = c / f.groups;
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const example = x.data.length / x.shape[0]!;
  const channel = (i: number) => Math.floor(i / inner) % c;
  const key = (i: number) => Math.floor(i / example) * f.groups + Math.floor(channel(i) / per);
  const n = new Float64Array(x.shape[0]! * f.groups),
    s = new Float64Array(n.length),
    ss = new Float64Array(n.length);
  x.data.forEach((v, i) => {
    n[key(i)]!++;
    s[key(i)]! += v;
  });
  x.data.forEach((v, i) => {
    ss[key(i)]! += (v - s[key(i)]! / n[key(i)]!) ** 2;
  });
  const gamma = f.gamma ? f.gamma.value.storage : null,
    beta = f.beta ? f.beta.value.storage : null;
  const data = x.data.map((v, i) => {
    const k = key(i),
      ch = channel(i);
    return ((v - s[k]! / n[k]!) / Math.sqrt(ss[k]! / n[k]! + f.epsilon)) * (gamma ? Number(gamma[ch]) : 1) + (beta ? Number(beta[ch]) : 0);
  });
  return { shape: [...x.shape], data };
}

test('GroupNormalization passes the layer conformance check (images, sequences, a non-last channel axis, without γ or β)', () => {
  const reference = (l: Layer, x: Nd) => groupNormReference(l, x);
  checkLayer({ make: (a) => L.groupNormalization({ groups: 2, ...a }), inputShape: [3, 3, 4], outputShape: [3, 3, 4], params: 8, reference });
  checkLayer({ make: (a) => L.groupNormalization({ groups: 3, ...a }), inputShape: [4, 6], outputShape: [4, 6], params: 12, reference });
  checkLayer({ make: (a) => L.groupNormalization({ groups: 2, axis: 1, center: false, ...a }), inputShape: [4, 3], outputShape: [4, 3], params: 4, reference });
  checkLayer({ make: (a) => L.groupNormalization({ groups: 1, scale: false, ...a }), inputShape: [5], outputShape: [5], params: 5, reference });
});

test('GroupNormalization: finite differences at orders 1 and 2 with respect to the input, γ and β', () => {
  gradCheckLayer(() => L.groupNormalization({ groups: 2, dtype: 'float64' }), [2, 3, 4], 6);
  gradCheckLayer(() => L.groupNormalization({ groups: 3, axis: 1, dtype: 'float64' }), [2, 3, 2], 7);
});

test('GroupNormalization: groups = channels is instance normalisation, groups = 1 a layer normalisation over every non-batch axis', () => {
  const g = new nb.Generator(9);
  const x = nb.randomNormal([2, 3, 3, 4], 1, 2, { dtype: 'float64', generator: g });
  const plain = { center: false, scale: false, dtype: 'float64' as const };
  const expectSame = (a: Tensor, b: Tensor, what: string) => assertClose(a, { shape: b.shape, data: b.storage }, 1e-12, 1e-12, what);
  expectSame(L.groupNormalization({ groups: 1, ...plain }).apply(x), L.layerNormalization({ axis: [1, 2, 3], ...plain }).apply(x), 'groups 1');
  expectSame(L.groupNormalization({ groups: 4, ...plain }).apply(x), L.layerNormalization({ axis: [1, 2], ...plain }).apply(x), 'groups = C');
});

test('GroupNormalization: shapes, Keras weight names and defaults (32 groups, axis −1, ε 1e-3)', () => {
  const layer = L.groupNormalization();
  assert.deepEqual(layer.computeOutputShape([null, 5, 5, 64]), [null, 5, 5, 64]);
  assert.deepEqual(
    layer.namedParameters().map(([n, v]) => [n, [...v.shape]]),
    [
      ['gamma', [64]],
      ['beta', [64]],
    ],
  );
  assert.deepEqual([layer.groups, layer.axis, layer.epsilon], [32, -1, 1e-3]);
  // sequences of unknown length
  assert.deepEqual(L.groupNormalization({ groups: 2 }).computeOutputShape([null, null, 6]), [null, null, 6]);
});

test('GroupNormalization: bad options and inputs are refused by name', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => L.groupNormalization({ groups: 0 }), /^groupNormalization: groups must be a positive integer, got 0/],
    [() => L.groupNormalization({ groups: 2.5 }), /^groupNormalization: groups must be a positive integer/],
    [() => L.groupNormalization({ axis: [1] as never }), /^groupNormalization: axis must be an integer, got/],
    [() => L.groupNormalization({ epsilon: -1 }), /^groupNormalization: epsilon must be a positive finite number/],
    [() => L.groupNormalization({ center: 'no' as never }), /^groupNormalization: center must be true or false/],
    [() => L.groupNormalization({ group: 2 } as never), /^groupNormalization: unknown option 'group' \(did you mean 'groups'\?\)/],
    [() => L.groupNormalization({ groups: 4, inputShape: [6] }), /groups 4 must divide the 6 channels of axis 1/],
    [() => L.groupNormalization({ groups: 8, inputShape: [4] }), /groups 8 must divide the 4 channels/],
    [() => L.groupNormalization({ groups: 2, axis: 0, inputShape: [4] }), /axis cannot be the batch axis 0/],
    [() => L.groupNormalization({ groups: 2, axis: 3, inputShape: [4] }), /axis 3 is out of range for a tensor of rank 2/],
    [() => L.groupNormalization({ groups: 2 }).computeOutputShape([null, 3, null]), /axis 2 of input shape \[null,3,null\] must be known/],
    [() => L.groupNormalization({ groups: 2, inputShape: [4] }).apply(nb.zeros([2, 6])), /axis 1 has 6 channels, the layer was built for 4/],
    [() => L.groupNormalization({ groups: 2, inputShape: [4] }).apply(nb.zeros([2, 3, 4])), /has rank 3; the layer was built for rank 2/],
  ];
  for (const [run, message] of cases) assert.throws(run, (e: Error) => e instanceof nb.NablaError && message.test(e.message), String(message));
});

test('GroupNormalization: the config round-trips and save/load restores a convolutional model', async () => {
  const layer = L.groupNormalization({ groups: 2, axis: -2, epsilon: 1e-5, scale: false, betaInitializer: 'ones', betaRegularizer: 'l1', inputShape: [4, 3] });
  const config = JSON.parse(JSON.stringify(layer.getConfig()));
  assert.deepEqual([config.groups, config.axis, config.epsilon, config.scale, config.center], [2, -2, 1e-5, false, true]);
  assert.deepEqual(config.betaRegularizer, { className: 'L1L2', config: { l1: 0.01, l2: 0 } });
  const again = layerFromConfig({ className: 'GroupNormalization', config });
  assert.deepEqual(JSON.parse(JSON.stringify(again.getConfig())), config);
  assert.deepEqual(Array.from(again.getWeights()[0]!.storage), [1, 1, 1, 1]);

  const model = nb.sequential([
    L.conv2d({ filters: 4, kernelSize: 2, inputShape: [4, 4, 1] }),
    L.groupNormalization({ groups: 2 }),
    L.flatten(),
    L.dense({ units: 2 }),
  ]);
  const g = new nb.Generator(10);
  for (const v of model.layers[1]!.parameters()) v.assign(nb.randomNormal([...v.shape], 0, 1, { generator: g }));
  const back = await nb.loadModel(nb.io.encodeModel(model));
  const x = nb.randomNormal([3, 4, 4, 1], 0, 1, { generator: g });
  assert.deepEqual(back.predict(x).toArray(), model.predict(x).toArray());
});

// ---- UnitNormalization --------------------------------------------------------

/** x / max(‖x‖₂, 1e-12) over the layer's axes, with plain loops. */
function unitNormReference(layer: Layer, x: Nd): Nd {
  const axis = (layer as unknown as { axis: number | number[] }).axis;
  const rank = x.shape.length;
  const axes = (typeof axis === 'number' ? [axis] : axis).map((a) => (a < 0 ? a + rank : a));
  const strides = x.shape.map((_, i) => x.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const key = (flat: number) => x.shape.map((d, i) => (axes.includes(i) ? 0 : Math.floor(flat / strides[i]!) % d)).join();
  const squares = new Map<string, number>();
  x.data.forEach((v, i) => squares.set(key(i), (squares.get(key(i)) ?? 0) + v * v));
  return { shape: [...x.shape], data: x.data.map((v, i) => v / Math.max(Math.sqrt(squares.get(key(i))!), 1e-12)) };
}

test('UnitNormalization passes the layer conformance check (last axis, a middle axis, several axes)', () => {
  const reference = (l: Layer, x: Nd) => unitNormReference(l, x);
  checkLayer({ make: (a) => L.unitNormalization(a), inputShape: [5], outputShape: [5], params: 0, reference });
  checkLayer({ make: (a) => L.unitNormalization({ axis: 1, ...a }), inputShape: [3, 4], outputShape: [3, 4], params: 0, reference });
  checkLayer({ make: (a) => L.unitNormalization({ axis: [-2, -1], ...a }), inputShape: [2, 3], outputShape: [2, 3], params: 0, reference });
});

test('UnitNormalization: finite differences at orders 1 and 2; each output has unit norm', () => {
  gradCheckLayer(() => L.unitNormalization({ dtype: 'float64' }), [3, 4], 11);
  gradCheckLayer(() => L.unitNormalization({ axis: [1, 2], dtype: 'float64' }), [2, 2, 3], 12);
  const y = L.unitNormalization({ axis: [1, 2] }).apply(nb.randomNormal([3, 2, 5], 0, 4, { generator: new nb.Generator(13) }));
  nb.sqrt(nb.sum(nb.square(y), [1, 2]))
    .toArray()
    .forEach((n: unknown) => assert.ok(Math.abs((n as number) - 1) < 1e-6, `norm ${n}`));
});

test('UnitNormalization: an all-zero example gives 0 with a finite gradient (x/ε there, as PyTorch computes it)', () => {
  const x = nb.tensor(
    [
      [0, 0, 0],
      [3, 0, 4],
    ],
    [2, 3],
    'float64',
  );
  const layer = L.unitNormalization({ dtype: 'float64' });
  assert.deepEqual(layer.apply(x).toArray(), [
    [0, 0, 0],
    [0.6, 0, 0.8],
  ]);
  const w = nb.tensor(
    [
      [1, -2, 3],
      [0, 0, 0],
    ],
    [2, 3],
    'float64',
  );
  const g = nb.grad((xi: Tensor) => nb.sum(nb.mul(layer.apply(xi), w)))(x);
  assert.deepEqual(g.toArray()[0], [1e12, -2e12, 3e12]);
  const h = nb.hvp((xi: Tensor) => nb.sum(nb.mul(nb.sin(layer.apply(xi)), w)))(x, nb.onesLike(x));
  assert.ok(
    h.storage.every((v) => Number.isFinite(v)),
    `HVP ${h.toArray()}`,
  );
});

test('UnitNormalization: shapes, config and errors', () => {
  assert.deepEqual(L.unitNormalization().computeOutputShape([null, null, 7]), [null, null, 7]);
  const layer = L.unitNormalization({ axis: [1, 2], inputShape: [2, 3] });
  assert.equal(layer.countParams(), 0);
  const config = JSON.parse(JSON.stringify(layer.getConfig()));
  assert.deepEqual(config.axis, [1, 2]);
  assert.deepEqual(layerFromConfig({ className: 'UnitNormalization', config }).getConfig(), layer.getConfig());
  const cases: [() => unknown, RegExp][] = [
    [() => L.unitNormalization({ axis: 'last' as never }), /^unitNormalization: axis must be an integer or a non-empty list of integers/],
    [() => L.unitNormalization({ axis: [1, 1], inputShape: [3] }), /repeats an axis/],
    [() => L.unitNormalization({ axis: 0, inputShape: [3] }), /axis cannot be the batch axis 0/],
    [() => L.unitNormalization({ axis: 2 }).apply(nb.zeros([2, 3])), /axis 2 is out of range for a tensor of rank 2/],
    [() => L.unitNormalization({ epsilon: 1e-6 } as never), /^unitNormalization: unknown option 'epsilon'/],
  ];
  for (const [run, message] of cases) assert.throws(run, (e: Error) => e instanceof nb.NablaError && message.test(e.message), String(message));
});

test('GroupNormalization and UnitNormalization train in a Sequential: fit lowers the loss', async () => {
  nb.seed(4);
  const g = new nb.Generator(14);
  const x = nb.randomNormal([48, 6], 0, 2, { generator: g });
  const y = nb.tanh(nb.matmul(x, nb.randomNormal([6, 1], 0, 0.5, { generator: g })));
  for (const norm of [L.groupNormalization({ groups: 2 }), L.unitNormalization()]) {
    const model = nb.sequential([L.dense({ units: 6, inputShape: [6] }), norm, L.dense({ units: 8, activation: 'relu' }), L.dense({ units: 1 })]);
    model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.02 }), loss: 'mse' });
    const before = model.evaluate(x, y)['loss']!;
    await model.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0 });
    const after = model.evaluate(x, y)['loss']!;
    assert.ok(after < before / 2, `${norm.className}: loss ${before} → ${after}`);
  }
});

// ---- Keras's options of the preprocessing layers (src/nn/layers/preprocessing.ts) ----

test('rescaling takes one scale and offset per channel (the last axis), as Keras does', async () => {
  const scale = [1 / 0.229, 1 / 0.224, 1 / 0.225],
    offset = [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225];
  const layer = L.rescaling({ scale, offset, dtype: 'float64' });
  const x = nb.randomUniform([2, 2, 2, 3], 0, 1, { dtype: 'float64', generator: new nb.Generator(15) });
  assertClose(layer.apply(x), { shape: x.shape, data: Array.from(x.storage, (v, i) => v * scale[i % 3]! + offset[i % 3]!) }, 1e-12, 1e-12, 'per channel');
  // integer pixels are cast to float32 first; a list of one value broadcasts
  const pixels = nb.tensor([0, 51, 255, 102], [1, 4], 'int32');
  const y = L.rescaling({ scale: [1 / 255], offset: [1] }).apply(pixels);
  assert.equal(y.dtype, 'float32');
  assertClose(y, { shape: [1, 4], data: [1, 1.2, 2, 1.4] }, 1e-6, 1e-6, 'one-value lists');
  const reference = (l: Layer, xi: Nd): Nd => {
    const f = l as unknown as { scale: number[]; offset: number[] };
    return { shape: [...xi.shape], data: xi.data.map((v, i) => v * f.scale[i % 4]! + f.offset[i % 4]!) };
  };
  checkLayer({
    make: (a) => L.rescaling({ scale: [1, -2, 0.5, 3], offset: [0, 1, -1, 2], ...a }),
    inputShape: [3, 4],
    outputShape: [3, 4],
    params: 0,
    reference,
  });
  // config and save/load keep the lists
  const model = nb.sequential([L.rescaling({ scale: [2, 3], offset: [1, -1], inputShape: [2] }), L.dense({ units: 1 })]);
  const back = await nb.loadModel(nb.io.encodeModel(model));
  assert.deepEqual((back.layers[0] as unknown as { scale: number[] }).scale, [2, 3]);
  const xi = nb.randomNormal([3, 2], 0, 1, { generator: new nb.Generator(16) });
  assert.deepEqual(back.predict(xi).toArray(), model.predict(xi).toArray());
  const cases: [() => unknown, RegExp][] = [
    [() => L.rescaling({ scale: [] }), /^rescaling: scale is an empty list/],
    [() => L.rescaling({ scale: [1, Number.NaN] }), /^rescaling: scale\[1\] must be a finite number, got NaN/],
    [() => L.rescaling({ scale: 1, offset: ['1'] as never }), /^rescaling: offset\[0\] must be a finite number/],
    [() => L.rescaling({ scale: [1, 2, 3] }).apply(nb.zeros([2, 4])), /scale has 3 values, one per channel, but the input \[2,4\] has 4 channels/],
    [() => L.rescaling({ scale: 2, offset: [1, 2] }).apply(nb.zeros([2, 3])), /offset has 2 values, one per channel, but the input \[2,3\] has 3 channels/],
  ];
  for (const [run, message] of cases) assert.throws(run, (e: Error) => e instanceof nb.NablaError && message.test(e.message), String(message));
});

test('normalization({ invert: true }) undoes the normalisation: x·√variance + mean, its exact inverse (constant features included)', async () => {
  const g = new nb.Generator(17);
  const data = nb.concat([nb.randomNormal([50, 3], 0, 1, { dtype: 'float64', generator: g }), nb.full([50, 1], 7, 'float64')], 1);
  const scaled = nb.add(nb.mul(data, nb.tensor([2, 0.1, 30, 1], [4], 'float64')), nb.tensor([5, -1, 100, 0], [4], 'float64'));
  const norm = L.normalization({ dtype: 'float64' }),
    inverse = L.normalization({ invert: true, dtype: 'float64' });
  norm.adapt(scaled);
  inverse.adapt(scaled);
  const mean = Array.from(norm.mean!.value.storage as ArrayLike<number>),
    variance = Array.from(norm.variance!.value.storage as ArrayLike<number>);
  assert.equal(variance[3], 0, 'the constant feature has variance 0');
  const z = nb.randomNormal([5, 4], 0, 1, { dtype: 'float64', generator: g });
  const sd = variance.map((v) => (v > 0 ? Math.sqrt(v) : 1));
  assertClose(inverse.apply(z), { shape: [5, 4], data: Array.from(z.storage, (v, i) => v * sd[i % 4]! + mean[i % 4]!) }, 1e-12, 1e-12, 'inverse formula');
  assertClose(inverse.apply(norm.apply(scaled)), { shape: scaled.shape, data: scaled.storage }, 1e-12, 1e-12, 'invert ∘ normalise = identity');
  // given statistics, config, save/load
  const given = L.normalization({ mean: [1, 2], variance: [4, 9], invert: true, inputShape: [2] });
  assert.equal(given.getConfig()['invert'], true);
  assert.equal(L.normalization({ mean: 0, variance: 1 }).getConfig()['invert'], undefined, 'the default is not written');
  const reference = (l: Layer, xi: Nd): Nd => {
    const f = l as unknown as { mean: nb.Variable; variance: nb.Variable };
    const m = Array.from(f.mean.value.storage as ArrayLike<number>),
      v2 = Array.from(f.variance.value.storage as ArrayLike<number>).map((v) => (v > 0 ? Math.sqrt(v) : 1));
    return { shape: [...xi.shape], data: xi.data.map((v, i) => v * v2[i % 2]! + m[i % 2]!) };
  };
  checkLayer({ make: (a) => L.normalization({ mean: [1, 2], variance: [4, 9], invert: true, ...a }), inputShape: [2], outputShape: [2], params: 4, reference });
  const model = nb.sequential([L.dense({ units: 2, inputShape: [3] }), given]);
  const back = await nb.loadModel(nb.io.encodeModel(model));
  const x = nb.randomNormal([4, 3], 0, 1, { generator: g });
  assert.deepEqual(back.predict(x).toArray(), model.predict(x).toArray());
  assert.throws(
    () => L.normalization({ invert: 1 as never }),
    (e: Error) => e instanceof nb.ArgumentError && /^normalization: invert must be true or false, got 1/.test(e.message),
  );
});

test("loadTorchStateDict puts nn.LayerNorm's and nn.GroupNorm's weight and bias into γ and β, predicting PyTorch's values", () => {
  const pick = (layer: string, shape: number[]) => cases.find((c) => c.layer === layer && c.x.shape.join() === shape.join())!;
  for (const [c, make] of [
    [pick('LayerNormalization', [3, 4, 5]), () => L.layerNormalization({ epsilon: 1e-5, inputShape: [4, 5] })],
    [pick('GroupNormalization', [2, 5, 8]), () => L.groupNormalization({ groups: 4, epsilon: 1e-3, inputShape: [5, 8] })],
  ] as const) {
    const model = nb.sequential([make()]);
    // the GroupNorm fixture's module has eps=1e-3 (not PyTorch's default): opts.epsilon says so
    const epsilon = c.layer === 'GroupNormalization' ? 1e-3 : undefined;
    const steps = nb.safetensors.loadTorchStateDict(model, { '0.weight': fromFixture(c.gamma!), '0.bias': fromFixture(c.beta!) }, { epsilon });
    assert.match(
      steps[0]!.how,
      c.layer === 'LayerNormalization'
        ? /^LayerNorm → LayerNormalization \(γ, β\)$/
        : /^GroupNorm → GroupNormalization \(γ, β; ε 0\.001, PyTorch's default is 1e-5\)$/,
    );
    assertClose(model.predict(fromFixture(c.x, 'float32')), c.y, 1e-5, 1e-5, `${c.layer} with PyTorch's weights`);
  }
  // a Linear in front takes its own module, not the norm's
  const model = nb.sequential([L.dense({ units: 5, inputShape: [3] }), L.layerNormalization({ epsilon: 1e-5 })]);
  const gamma = nb.tensor([1, 2, 3, 4, 5]);
  const steps = nb.safetensors.loadTorchStateDict(model, { '0.weight': nb.ones([5, 3]), '0.bias': nb.zeros([5]), '1.weight': gamma, '1.bias': nb.zeros([5]) });
  assert.deepEqual(
    steps.map((s) => s.module),
    ['0', '1'],
  );
  assert.deepEqual(model.layers[1]!.getWeights()[0]!.toArray(), [1, 2, 3, 4, 5]);
  const bn = { '0.weight': nb.ones([5]), '0.bias': nb.zeros([5]), '0.running_mean': nb.zeros([5]), '0.running_var': nb.ones([5]) };
  assert.throws(
    () => nb.safetensors.loadTorchStateDict(nb.sequential([L.layerNormalization({ epsilon: 1e-5, inputShape: [5] })]), bn),
    /module '0' is a BatchNorm .* does not fit LayerNormalization/,
  );
});
