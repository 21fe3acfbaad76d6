import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor, Variable } from '../../src/index.js';
import { layerFromConfig } from '../../src/nn/layer.js';
import { Embedding } from '../../src/nn/layers/embedding.js';
import { orthogonal } from '../../src/nn/layers/orthogonal.js';
import { GRU, LSTM, type RecurrentLayer, SimpleRNN, type GRUArgs, type LSTMArgs, type SimpleRNNArgs } from '../../src/nn/layers/recurrent.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { fromFixture, loadFixture, randn, type FixtureTensor } from '../helpers.js';
import { checkLayer } from './conformance.js';

// SimpleRNN, LSTM and GRU: values and gradients (backpropagation through
// time) against PyTorch in float64 (test/fixtures/rnn.json, made by
// test/fixtures/make_rnn_fixtures.py), finite-difference checks, the shared
// layer conformance check, shapes, masks, initial states, and learning.

type RecurrentName = 'SimpleRNN' | 'LSTM' | 'GRU';
const make = (layer: RecurrentName, args: SimpleRNNArgs & LSTMArgs & GRUArgs): RecurrentLayer =>
  layer === 'SimpleRNN' ? new SimpleRNN(args) : layer === 'LSTM' ? new LSTM(args) : new GRU(args);

interface Weights {
  kernel: FixtureTensor;
  recurrentKernel: FixtureTensor;
  bias: FixtureTensor;
}
interface RnnCase {
  name: string;
  layer: RecurrentName;
  config: { units: number; activation?: string; resetAfter?: boolean };
  x: FixtureTensor;
  weights: Weights;
  output: FixtureTensor;
  cotangent: FixtureTensor;
  grads: Weights & { x: FixtureTensor };
  initialState: FixtureTensor[];
  stateOutput: FixtureTensor;
  finalState: FixtureTensor[];
  stateCotangents: FixtureTensor[];
  stateGrads: Weights & { x: FixtureTensor; initialState: FixtureTensor[] };
}

const fixture = loadFixture<{ cases: RnnCase[] }>('rnn.json');

/** The largest |actual − expected|, after checking the shape. */
function maxError(actual: Tensor, expected: FixtureTensor, what: string): number {
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  let m = 0;
  actual.storage.forEach((v, i) => (m = Math.max(m, Math.abs(v - expected.data[i]!))));
  return m;
}

const TOLERANCE = 1e-10;
const worst: Record<string, number> = {};

for (const c of fixture.cases) {
  const build = () => {
    const layer = make(c.layer, { ...c.config, returnSequences: true, dtype: 'float64' } as never);
    const x = fromFixture(c.x);
    layer.apply(x);
    layer.setWeights([fromFixture(c.weights.kernel), fromFixture(c.weights.recurrentKernel), fromFixture(c.weights.bias)]);
    return { layer, x };
  };

  test(`${c.name}: the sequence and the gradients of Σ output ⊙ c match torch (float64, BPTT)`, (t) => {
    const { layer, x } = build();
    const errors: number[] = [maxError(layer.apply(x), c.output, 'output')];
    const cot = fromFixture(c.cotangent);
    const ws = layer.parameters();
    const [gx, gw] = nb.grad((xi: Tensor, _w: Variable[]) => nb.sum(nb.mul(layer.apply(xi), cot)), { argnums: [0, 1] })(x, ws) as [Tensor, Tensor[]];
    errors.push(maxError(gx, c.grads.x, 'd/dx'));
    (['kernel', 'recurrentKernel', 'bias'] as const).forEach((k, i) => errors.push(maxError(gw[i]!, c.grads[k], `d/d${k}`)));
    const e = Math.max(...errors);
    worst[c.name] = Math.max(worst[c.name] ?? 0, e);
    t.diagnostic(`${c.name}: max |nabla − torch| = ${e.toExponential(2)}`);
    assert.ok(e < TOLERANCE, `${c.name}: max error ${e}`);
  });

  test(`${c.name}: callWithState from an initial state: sequence, final states and their gradients match torch`, (t) => {
    const { layer, x } = build();
    const h0 = c.initialState.map((s) => fromFixture(s));
    const { output, states } = layer.callWithState(x, h0);
    const errors = [maxError(output, c.stateOutput, 'output')];
    states.forEach((s, i) => errors.push(maxError(s, c.finalState[i]!, `final state ${i}`)));
    const cots = c.stateCotangents.map((s) => fromFixture(s));
    const loss = (xi: Tensor, _w: Variable[], s0: Tensor[]) => {
      const r = layer.callWithState(xi, s0);
      return [r.output, ...r.states].reduce((acc: Tensor, y, i) => nb.add(acc, nb.sum(nb.mul(y, cots[i]!))), nb.scalar(0, 'float64'));
    };
    const [gx, gw, gs] = nb.grad(loss, { argnums: [0, 1, 2] })(x, layer.parameters(), h0) as [Tensor, Tensor[], Tensor[]];
    errors.push(maxError(gx, c.stateGrads.x, 'd/dx'));
    (['kernel', 'recurrentKernel', 'bias'] as const).forEach((k, i) => errors.push(maxError(gw[i]!, c.stateGrads[k], `d/d${k}`)));
    gs.forEach((g, i) => errors.push(maxError(g, c.stateGrads.initialState[i]!, `d/d initial state ${i}`)));
    const e = Math.max(...errors);
    worst[c.name] = Math.max(worst[c.name] ?? 0, e);
    t.diagnostic(`${c.name} (initial state): max |nabla − torch| = ${e.toExponential(2)}`);
    assert.ok(e < TOLERANCE, `${c.name}: max error ${e}`);
  });

  test(`${c.name}: float32 matches torch to float32 accuracy`, () => {
    const layer = make(c.layer, { ...c.config, returnSequences: true } as never);
    const x = fromFixture(c.x, 'float32');
    layer.apply(x);
    layer.setWeights([fromFixture(c.weights.kernel, 'float32'), fromFixture(c.weights.recurrentKernel, 'float32'), fromFixture(c.weights.bias, 'float32')]);
    const y = layer.apply(x);
    assert.equal(y.dtype, 'float32');
    assert.ok(maxError(y, c.output, 'output') < 1e-5);
  });
}

test('the fixture covers every layer, and the summary of errors against torch', (t) => {
  assert.deepEqual([...new Set(fixture.cases.map((c) => c.layer))].sort(), ['GRU', 'LSTM', 'SimpleRNN']);
  assert.ok(fixture.cases.some((c) => c.config.resetAfter === false) && fixture.cases.some((c) => c.config.resetAfter === true));
  for (const [k, v] of Object.entries(worst)) t.diagnostic(`${k}: ${v.toExponential(2)}`);
});

// ---- finite differences ------------------------------------------------------

/** A function of (x, ...weights, ...initial states) running the layer with those weights, for gradCheck. */
function asFunction(layer: RecurrentLayer, stateCount: number) {
  const ws = layer.parameters();
  return (xi: Tensor, ...rest: Tensor[]) => {
    const saved = ws.map((v, i) => v.swap(rest[i]!));
    try {
      const states = rest.slice(ws.length, ws.length + stateCount);
      const r = layer.callWithState(xi, states.length ? states : undefined);
      return nb.concat([nb.reshape(r.output, [-1]), ...r.states.map((s) => nb.reshape(s, [-1]))], 0);
    } finally {
      ws.forEach((v, i) => v.swap(saved[i]!));
    }
  };
}

const cells: [string, () => RecurrentLayer, number][] = [
  ['SimpleRNN', () => new SimpleRNN({ units: 3, returnSequences: true, dtype: 'float64', seed: 1 }), 1],
  ['LSTM', () => new LSTM({ units: 3, returnSequences: true, dtype: 'float64', seed: 2 }), 2],
  ['GRU (resetAfter)', () => new GRU({ units: 3, returnSequences: true, dtype: 'float64', seed: 3 }), 1],
  ['GRU (resetAfter false)', () => new GRU({ units: 3, resetAfter: false, returnSequences: true, dtype: 'float64', seed: 4 }), 1],
];

for (const [name, build, stateCount] of cells) {
  test(`${name}: gradients with respect to input, weights and initial states agree with finite differences`, () => {
    const layer = build();
    const x = randn([2, 4, 2], 5);
    layer.apply(x);
    // a non-zero bias, so that every bias entry matters in the check
    layer.bias!.assign(randn([...layer.bias!.shape], 6));
    const h0 = Array.from({ length: stateCount }, (_, i) => nb.mul(randn([2, 3], 7 + i), 0.5));
    const r = nb.gradCheck(asFunction(layer, stateCount), [x, ...layer.getWeights(), ...h0], { order: 1 });
    assert.ok(r.passed, JSON.stringify(r.levels));
  });
}

test('SimpleRNN: second derivatives agree with finite differences (order 2, tiny case)', () => {
  const layer = new SimpleRNN({ units: 2, dtype: 'float64', seed: 8 });
  const x = randn([2, 3, 2], 9);
  layer.apply(x);
  layer.bias!.assign(randn([2], 10));
  const r = nb.gradCheck(asFunction(layer, 1), [x, ...layer.getWeights()], { order: 2 });
  assert.ok(r.passed, JSON.stringify(r.levels));
});

// ---- the shared conformance check -----------------------------------------

test('SimpleRNN passes the layer conformance check (last output and whole sequence)', () => {
  // params: kernel 4·2 + recurrent 2·2 + bias 2
  checkLayer({ make: (a) => new SimpleRNN({ units: 2, ...a }), inputShape: [3, 4], outputShape: [2], params: 14 });
  checkLayer({
    make: (a) => new SimpleRNN({ units: 2, returnSequences: true, activation: 'relu', ...a }),
    inputShape: [3, 4],
    outputShape: [3, 2],
    params: 14,
  });
  checkLayer({ make: (a) => new SimpleRNN({ units: 2, returnSequences: true, goBackwards: true, ...a }), inputShape: [3, 4], outputShape: [3, 2], params: 14 });
});

test('LSTM passes the layer conformance check (last output and whole sequence)', () => {
  // params: 4 gates · (4·2 + 2·2 + 2)
  checkLayer({ make: (a) => new LSTM({ units: 2, ...a }), inputShape: [3, 4], outputShape: [2], params: 56 });
  checkLayer({ make: (a) => new LSTM({ units: 2, returnSequences: true, ...a }), inputShape: [3, 4], outputShape: [3, 2], params: 56 });
  checkLayer({
    make: (a) => new LSTM({ units: 3, useBias: false, recurrentActivation: 'tanh', goBackwards: true, ...a }),
    inputShape: [2, 2],
    outputShape: [3],
    params: 4 * (2 * 3 + 3 * 3),
  });
});

test('GRU passes the layer conformance check (resetAfter true and false, last output and whole sequence)', () => {
  // params: 3 gates · (4·2 + 2·2) + a bias [2, 6] (resetAfter) or [6]
  checkLayer({ make: (a) => new GRU({ units: 2, ...a }), inputShape: [3, 4], outputShape: [2], params: 48 });
  checkLayer({ make: (a) => new GRU({ units: 2, returnSequences: true, ...a }), inputShape: [3, 4], outputShape: [3, 2], params: 48 });
  checkLayer({ make: (a) => new GRU({ units: 2, resetAfter: false, returnSequences: true, ...a }), inputShape: [3, 4], outputShape: [3, 2], params: 42 });
  checkLayer({
    make: (a) => new GRU({ units: 3, activation: 'relu', recurrentActivation: 'softplus', ...a }),
    inputShape: [2, 2],
    outputShape: [3],
    params: 3 * (2 * 3 + 3 * 3) + 2 * 9,
  });
});

// ---- shapes, weights, configuration ------------------------------------------

test("weights use Keras's layout and order: kernel [in, g·u], recurrentKernel [u, g·u], bias", () => {
  const shapes = (l: RecurrentLayer) => {
    l.apply(nb.zeros([1, 2, 3]));
    return l.getWeights().map((w) => w.shape);
  };
  assert.deepEqual(shapes(new SimpleRNN({ units: 5 })), [[3, 5], [5, 5], [5]]);
  assert.deepEqual(shapes(new LSTM({ units: 5 })), [[3, 20], [5, 20], [20]]);
  assert.deepEqual(shapes(new GRU({ units: 5 })), [
    [3, 15],
    [5, 15],
    [2, 15],
  ]);
  assert.deepEqual(shapes(new GRU({ units: 5, resetAfter: false })), [[3, 15], [5, 15], [15]]);
  assert.deepEqual(shapes(new LSTM({ units: 5, useBias: false })), [
    [3, 20],
    [5, 20],
  ]);
  assert.deepEqual(new LSTM({ units: 4, inputShape: [7, 3] }).countParams(), 4 * (3 * 4 + 4 * 4 + 4));
});

test("LSTM: unitForgetBias starts the forget gate's bias at 1; the recurrent kernel is orthogonal", () => {
  const lstm = new LSTM({ units: 3, inputShape: [2, 4], dtype: 'float64', seed: 1 });
  assert.deepEqual(lstm.bias!.value.toArray(), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(new LSTM({ units: 2, inputShape: [2, 4], unitForgetBias: false }).bias!.value.toArray(), new Array(8).fill(0));
  // U [3, 12] has orthonormal rows: U·Uᵀ = I
  const U = lstm.recurrentKernel!.value;
  const uut = nb.matmul(U, U, false, true).storage,
    eye = nb.eye(3, 3, 'float64').storage;
  uut.forEach((v, i) => assert.ok(Math.abs(v - eye[i]!) < 1e-12));
  // a square recurrent kernel is an orthogonal matrix
  const V = new SimpleRNN({ units: 4, inputShape: [2, 3], dtype: 'float64', seed: 2 }).recurrentKernel!.value;
  nb.matmul(V, V, true, false).storage.forEach((v, i) => assert.ok(Math.abs(v - nb.eye(4, 4, 'float64').storage[i]!) < 1e-12));
  // and a tall one has orthonormal columns, scaled by the gain
  const W = orthogonal({ gain: 2 })([6, 3], 'float64', new nb.Generator(3));
  nb.matmul(W, W, true, false).storage.forEach((v, i) => assert.ok(Math.abs(v - 4 * nb.eye(3, 3, 'float64').storage[i]!) < 1e-12));
  // reproducible with a seed
  assert.deepEqual(
    new LSTM({ units: 3, inputShape: [2, 4], seed: 5 }).getWeights().map((w) => w.data()),
    new LSTM({ units: 3, inputShape: [2, 4], seed: 5 }).getWeights().map((w) => w.data()),
  );
});

test('the config round-trips, initializers (orthogonal too) and regularizers included', () => {
  const layers: RecurrentLayer[] = [
    new LSTM({
      units: 3,
      returnSequences: true,
      returnState: true,
      unitForgetBias: false,
      recurrentActivation: 'relu',
      recurrentRegularizer: nb.regularizers.l2(0.1),
      name: 'enc',
    }),
    new GRU({ units: 2, resetAfter: false, goBackwards: true, recurrentInitializer: 'glorotUniform', kernelInitializer: 'heNormal', useBias: false }),
    new SimpleRNN({ units: 4, activation: 'relu', inputShape: [5, 2], recurrentInitializer: orthogonal({ gain: 0.5 }) }),
  ];
  for (const l of layers) {
    const config = JSON.parse(JSON.stringify(l.getConfig()));
    const again = layerFromConfig({ className: l.className, config: { ...config, name: `${config.name}_copy` } });
    assert.deepEqual({ ...again.getConfig(), name: config.name }, config);
  }
  const c = layers[0]!.getConfig();
  assert.equal(c['recurrentActivation'], 'relu');
  assert.deepEqual(c['recurrentInitializer'], { className: 'Orthogonal', config: { gain: 1 } });
  assert.deepEqual(layers[2]!.getConfig()['recurrentInitializer'], { className: 'Orthogonal', config: { gain: 0.5 } });
  assert.deepEqual(c['recurrentRegularizer'], { className: 'L1L2', config: { l1: 0, l2: 0.1 } });
  // the recurrent regularizer's penalty joins the layer's losses
  const l = layers[0]!;
  l.apply(nb.zeros([1, 2, 3]));
  assert.equal(l.regularizationLosses().length, 1);
});

test('shape errors name the layer and the shapes', () => {
  const lstm = new LSTM({ units: 3, name: 'encoder' });
  assert.throws(() => lstm.apply(nb.ones([4, 5])), /encoder: expects an input of rank 3, \[batch, time, features\], got shape \[4,5\]/);
  lstm.apply(nb.ones([2, 3, 4]));
  assert.throws(() => lstm.apply(nb.ones([2, 3, 5])), /encoder: input shape \[2,3,5\] does not fit: its kernel \[4,12\] expects last dimension 4/);
  assert.throws(() => lstm.callWithState(nb.ones([2, 3, 4]), [nb.zeros([2, 3])]), /encoder: expects 2 initial states \(\[h, c\]\), got 1/);
  assert.throws(
    () => lstm.callWithState(nb.ones([2, 3, 4]), [nb.zeros([2, 3]), nb.zeros([3, 3])]),
    /encoder: initial state 1 has shape \[3,3\], expected \[2,3\]/,
  );
  assert.throws(
    () => lstm.callWithState(nb.ones([2, 3, 4]), undefined, { mask: nb.ones([2, 4]) }),
    /encoder: mask shape \[2,4\] does not fit input shape \[2,3,4\]: expected \[2,3\]/,
  );
  assert.throws(() => lstm.computeOutputShape([null, 4]), /encoder: expects an input of rank 3/);
  assert.throws(
    () => new GRU({ units: 3, name: 'g', inputShape: [5] }),
    /g: cannot build from input shape \[null,5\]: expects rank 3, \[batch, time, features\]/,
  );
  assert.throws(() => new SimpleRNN({ units: 0 }), /simpleRNN: units must be a positive integer, got 0/);
  assert.throws(() => new LSTM({ units: 2, recurrentActivation: 'hardTanh' }), /unknown activation 'hardTanh'/);
  // @ts-expect-error 'identityish' is not an initializer name
  assert.throws(() => new LSTM({ units: 2, recurrentInitializer: 'identityish' }), /unknown initializer 'identityish'/);
});

test('output shapes: the last h, or every h with returnSequences; callWithState returns the states', () => {
  const x = nb.randomNormal([2, 5, 3]);
  for (const [layer, states] of [[new SimpleRNN({ units: 4 }), 1], [new LSTM({ units: 4 }), 2], [new GRU({ units: 4 })]] as [RecurrentLayer, number?][]) {
    assert.deepEqual(layer.apply(x).shape, [2, 4]);
    assert.deepEqual(layer.computeOutputShape([null, 5, 3]), [null, 4]);
    const r = layer.callWithState(x);
    assert.equal(r.states.length, states ?? 1);
    // without returnSequences the output is the final h
    assert.deepEqual(r.output.toArray(), r.states[0]!.toArray());
  }
  const seq = new LSTM({ units: 4, returnSequences: true, returnState: true });
  const r = seq.callWithState(x);
  assert.deepEqual(r.output.shape, [2, 5, 4]);
  assert.deepEqual(seq.computeOutputShape([null, null, 3]), [null, null, 4]);
  // the last step of the sequence is the final h
  assert.deepEqual(nb.reshape(nb.slice(r.output, [0, 4, 0], [2, 1, 4]), [2, 4]).toArray(), r.states[0]!.toArray());
  // returnState does not change what call returns (a Sequential model needs one tensor)
  assert.deepEqual(seq.apply(x).shape, [2, 5, 4]);
  // one state may be given as a tensor, and a nested array works as a state too
  const gru = new GRU({ units: 2 });
  const h0 = [
    [0.5, -0.5],
    [1, 0],
  ];
  assert.deepEqual(gru.callWithState(x, h0).output.toArray(), gru.callWithState(x, nb.tensor(h0)).output.toArray());
  assert.deepEqual(gru.callWithState(x, [h0]).output.toArray(), gru.callWithState(x, [nb.tensor(h0)]).output.toArray());
});

test('goBackwards reads the sequence from the end: it equals the forward layer on the reversed input', () => {
  const x = nb.randomNormal([2, 4, 3], 0, 1, { dtype: 'float64' });
  const reversed = nb.gather(x, nb.tensor([3, 2, 1, 0], [4], 'int32'), 1);
  const fwd = new GRU({ units: 3, returnSequences: true, dtype: 'float64', seed: 4 });
  const bwd = new GRU({ units: 3, returnSequences: true, goBackwards: true, dtype: 'float64', seed: 4 });
  assert.deepEqual(bwd.apply(x).toArray(), fwd.apply(reversed).toArray());
});

// ---- masking ----------------------------------------------------------------

test('masked steps carry the state: padding after (or before) a sequence changes nothing', () => {
  for (const layer of [
    new LSTM({ units: 3, dtype: 'float64', seed: 1 }),
    new GRU({ units: 3, dtype: 'float64', seed: 2 }),
    new SimpleRNN({ units: 3, dtype: 'float64', seed: 3 }),
  ]) {
    const x = randn([2, 3, 2], 11);
    const padding = randn([2, 2, 2], 12); // junk that the mask must hide
    const short = layer.callWithState(x);
    const post = layer.callWithState(nb.concat([x, padding], 1), undefined, {
      mask: [
        [1, 1, 1, 0, 0],
        [1, 1, 1, 0, 0],
      ],
    });
    const pre = layer.callWithState(nb.concat([padding, x], 1), undefined, {
      mask: nb.tensor([
        [0, 0, 1, 1, 1],
        [0, 0, 1, 1, 1],
      ]),
    });
    for (const r of [post, pre]) r.states.forEach((s, i) => nb.sub(s, short.states[i]!).storage.forEach((v) => assert.ok(Math.abs(v) < 1e-15)));
    // the gradient does not reach the masked inputs
    const g = nb.grad((p: Tensor) =>
      nb.sum(
        layer.callWithState(nb.concat([x, p], 1), undefined, {
          mask: [
            [1, 1, 1, 0, 0],
            [1, 1, 1, 0, 0],
          ],
        }).output,
      ),
    )(padding) as Tensor;
    assert.ok(g.storage.every((v) => v === 0));
  }
  // with returnSequences, a masked step repeats the previous output
  const seq = new SimpleRNN({ units: 2, returnSequences: true, seed: 5 });
  const out = seq.callWithState(nb.randomNormal([1, 3, 2]), undefined, { mask: [[1, 0, 1]] }).output.toArray() as number[][][];
  assert.deepEqual(out[0]![1], out[0]![0]);
});

test('Embedding with maskZero masks the recurrent layer after it, in a Sequential model and through stacked layers', () => {
  nb.seed(6);
  const model = nb.sequential([
    new Embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputShape: [6] }),
    new LSTM({ units: 5, returnSequences: true }),
    new GRU({ units: 3 }),
  ]);
  const tokens = [
    [3, 1, 4, 1, 5, 9],
    [2, 6, 5, 0, 0, 0],
  ];
  const y = model.predict(nb.tensor(tokens)).toArray() as number[][];
  // the second sequence alone, unpadded
  const shortModel = nb.sequential([new Embedding({ inputDim: 10, outputDim: 4 }), new LSTM({ units: 5, returnSequences: true }), new GRU({ units: 3 })]);
  shortModel.call(nb.tensor([[2, 6, 5]]));
  shortModel.setWeights(model.getWeights());
  const alone = shortModel.predict(nb.tensor([[2, 6, 5]])).toArray() as number[][];
  alone[0]!.forEach((v, i) => assert.ok(Math.abs(v - y[1]![i]!) < 1e-6, `${v} vs ${y[1]![i]}`));
  // without maskZero the padding would have changed the result
  const unmasked = nb.sequential([new Embedding({ inputDim: 10, outputDim: 4 }), new LSTM({ units: 5, returnSequences: true }), new GRU({ units: 3 })]);
  unmasked.call(nb.tensor(tokens));
  unmasked.setWeights(model.getWeights());
  const u = unmasked.predict(nb.tensor(tokens)).toArray() as number[][];
  assert.ok(u[1]!.some((v, i) => Math.abs(v - y[1]![i]!) > 1e-4));
});

// ---- saving and learning ------------------------------------------------------

test('a model with Embedding, LSTM and GRU saves and loads with identical predictions', () => {
  nb.seed(8);
  const model = nb.sequential([
    new Embedding({ inputDim: 7, outputDim: 3, inputLength: 4, maskZero: true }),
    new LSTM({ units: 4, returnSequences: true }),
    new GRU({ units: 2, resetAfter: false }),
    nb.layers.dense({ units: 1 }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  const x = nb.tensor([
    [1, 2, 3, 0],
    [4, 5, 6, 1],
  ]);
  const again = decodeModel(encodeModel(model));
  assert.deepEqual(again.predict(x).data(), model.predict(x).data());
  assert.equal(again.summary(null), model.summary(null));
});

test('an LSTM learns the adding problem through sequential + fit', async (t) => {
  // each sequence has T steps of [value, marker]; the target is the sum of the two marked values
  nb.seed(1);
  const T = 8;
  const g = new nb.Generator(21);
  const data = (n: number): [Tensor, Tensor] => {
    const xs: number[] = [],
      ys: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = g.randint(T);
      let b = g.randint(T - 1);
      if (b >= a) b++;
      let target = 0;
      for (let step = 0; step < T; step++) {
        const v = g.uniform();
        const marked = step === a || step === b;
        xs.push(v, marked ? 1 : 0);
        if (marked) target += v;
      }
      ys.push(target);
    }
    return [nb.tensor(xs, [n, T, 2]), nb.tensor(ys, [n, 1])];
  };
  const [x, y] = data(512),
    [xTest, yTest] = data(256);
  // the trivial baseline: predicting the mean target, whose mean squared error is the variance (≈ 2/12)
  const baseline = nb.variance(yTest).item();
  const model = nb.sequential([new LSTM({ units: 16, inputShape: [T, 2] }), nb.layers.dense({ units: 1 })]);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
  const start = performance.now();
  const history = await model.fit(x, y, { epochs: 25, batchSize: 32, verbose: 0 });
  const seconds = (performance.now() - start) / 1000;
  const final = model.evaluate(xTest, yTest)['loss']!;
  t.diagnostic(
    `adding problem: held-out mean squared error ${final.toFixed(4)} against the baseline ${baseline.toFixed(4)}, trained in ${seconds.toFixed(1)} s`,
  );
  assert.ok(
    final < baseline / 10,
    `held-out loss ${final} against the baseline ${baseline} (history ${history.history['loss']!.map((v) => v.toFixed(4)).join(' ')})`,
  );
});
