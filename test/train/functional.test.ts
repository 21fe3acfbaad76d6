// The functional API: nb.input, layers called on symbolic tensors, nb.model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const same = (a: Tensor, b: Tensor, what = '') => {
  assert.deepEqual([...a.shape], [...b.shape], `${what} shape`);
  assert.deepEqual(Array.from(a.storage as ArrayLike<number>), Array.from(b.storage as ArrayLike<number>), what);
};
const close = (a: Tensor, b: Tensor, tol: number, what = '') => {
  assert.deepEqual([...a.shape], [...b.shape], `${what} shape`);
  const worst = nb.max(nb.abs(nb.sub(a, b))).item();
  assert.ok(worst <= tol, `${what}: largest difference ${worst}`);
};

/** A residual MLP: y = W2ᵀ(x + relu(x·W1 + b1)) + b2. */
function residual() {
  const x = nb.input({ shape: [5], name: 'features' });
  const d1 = nb.layers.dense({ units: 5, activation: 'relu' });
  const d2 = nb.layers.dense({ units: 3 });
  const y = d2.apply(nb.layers.add().apply([x, d1.apply(x)]));
  return { model: nb.model({ inputs: x, outputs: y, name: 'residual' }), d1, d2, x, y };
}

test('nb.input makes a symbolic tensor; a layer called on it records a node and returns its symbolic output, shape from computeOutputShape', () => {
  const x = nb.input({ shape: [64], name: 'pixels' });
  assert.ok(x instanceof nb.SymbolicTensor);
  assert.deepEqual(x.shape, [null, 64]);
  assert.equal(x.dtype, 'float32');
  assert.equal(x.name, 'pixels');
  const dense = nb.layers.dense({ units: 10, name: 'logits' });
  const y = dense.apply(x);
  assert.ok(y instanceof nb.SymbolicTensor);
  assert.deepEqual(y.shape, [null, 10]);
  assert.equal(y.node.layer, dense);
  assert.deepEqual(y.node.inputs, [x]);
  assert.equal(dense.inboundNodes.length, 1);
  assert.ok(dense.built, 'the layer is built from the symbolic shape');
  const conv = nb.layers.conv2d({ filters: 4, kernelSize: 3 }).apply(nb.input({ shape: [8, 8, 1] }));
  assert.deepEqual(conv.shape, [null, 6, 6, 4]);
});

test('a residual MLP computes what the same formula written with ops computes', () => {
  const { model, d1, d2 } = residual();
  const x = nb.randomNormal([6, 5]);
  const [W1, b1] = d1.getWeights() as [Tensor, Tensor];
  const [W2, b2] = d2.getWeights() as [Tensor, Tensor];
  const want = nb.add(nb.matmul(nb.add(x, nb.relu(nb.add(nb.matmul(x, W1), b1))), W2), b2);
  same(model.predict(x) as Tensor, want, 'predict');
  same(model.call(x) as Tensor, want, 'call');
  assert.deepEqual(
    model.layers.map((l) => l.className),
    ['InputLayer', 'Dense', 'Add', 'Dense'],
  );
});

/** Two inputs, two outputs: a shared trunk on concat(a, b), a class head and a regression head. */
function twoByTwo() {
  const a = nb.input({ shape: [3], name: 'a' });
  const b = nb.input({ shape: [2], name: 'b' });
  const trunk = nb.layers.dense({ units: 6, activation: 'tanh', name: 'trunk' });
  const h = trunk.apply(nb.layers.concatenate({ name: 'joined' }).apply([a, b]));
  const cls = nb.layers.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(h);
  const reg = nb.layers
    .dense({ units: 1, name: 'reg' })
    .apply(nb.layers.add({ name: 'skip' }).apply([h, nb.layers.dense({ units: 6, name: 'proj' }).apply(b)]));
  return nb.model({ inputs: [a, b], outputs: [cls, reg], name: 'two' });
}

test('a model of two inputs and two outputs computes what ops compute; x as an array or as an object by input name', () => {
  nb.seed(1);
  const model = twoByTwo();
  const A = nb.randomNormal([4, 3]),
    B = nb.randomNormal([4, 2]);
  const w = (name: string) => model.layers.find((l) => l.name === name)!.getWeights() as [Tensor, Tensor];
  const [Wt, bt] = w('trunk'),
    [Wc, bc] = w('cls'),
    [Wr, br] = w('reg'),
    [Wp, bp] = w('proj');
  const h = nb.tanh(nb.add(nb.matmul(nb.concat([A, B], 1), Wt), bt));
  const cls = nb.softmax(nb.add(nb.matmul(h, Wc), bc));
  const reg = nb.add(nb.matmul(nb.add(h, nb.add(nb.matmul(B, Wp), bp)), Wr), br);
  const [p1, p2] = model.predict([A, B]) as Tensor[];
  same(p1!, cls, 'class head');
  same(p2!, reg, 'regression head');
  const [q1, q2] = model.predict({ b: B, a: A }) as Tensor[];
  same(q1!, cls, 'class head, x by name');
  same(q2!, reg, 'regression head, x by name');
  assert.deepEqual(model.outputNamesList, ['cls', 'reg']);
  assert.deepEqual(model.inputNames, ['a', 'b']);
});

test('fit with two outputs: per-output losses weighted by lossWeights, metrics logged per output, y as an object by output name', async () => {
  nb.seed(2);
  const model = twoByTwo();
  model.compile({ optimizer: 'sgd', loss: { cls: 'sparseCategoricalCrossentropy', reg: 'mse' }, lossWeights: [1, 0.5], metrics: ['accuracy'] });
  const A = nb.randomNormal([10, 3]),
    B = nb.randomNormal([10, 2]);
  const labels = nb.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], undefined, 'int32'),
    target = nb.randomNormal([10, 1]);
  const before = model.evaluate([A, B], [labels, target], { batchSize: 10 });
  const [pc, pr] = model.predict([A, B]) as Tensor[];
  const want = nb.losses.sparseCategoricalCrossentropy(labels, pc!).item() + 0.5 * nb.losses.meanSquaredError(target, pr!).item();
  assert.ok(Math.abs(before['loss']! - want) < 1e-6, `${before['loss']} vs ${want}`);
  assert.deepEqual(Object.keys(before), ['loss', 'cls_accuracy', 'reg_accuracy']);
  const h = await model.fit(
    [A, B],
    { reg: target, cls: labels },
    {
      epochs: 2,
      batchSize: 5,
      verbose: 0,
      validationData: [
        [A, B],
        [labels, target],
      ],
    },
  );
  assert.deepEqual(Object.keys(h.history).sort(), ['cls_accuracy', 'loss', 'reg_accuracy', 'val_cls_accuracy', 'val_loss', 'val_reg_accuracy']);
  assert.ok(h.history['val_loss']![1]! < before['loss']!, 'training lowers the loss');
});

test('training a functional chain equals training the Sequential of the same layers from the same weights, bit for bit', async () => {
  for (const jitCompile of [false, true]) {
    nb.seed(7);
    const seq = nb.sequential([nb.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), nb.layers.dense({ units: 3, activation: 'softmax' })]);
    const x = nb.input({ shape: [4] });
    const fun = nb.model({
      inputs: x,
      outputs: nb.layers.dense({ units: 3, activation: 'softmax' }).apply(nb.layers.dense({ units: 8, activation: 'relu' }).apply(x)),
    });
    fun.setWeights(seq.getWeights());
    const X = nb.randomNormal([40, 4]);
    const Y = nb.oneHot(
      nb.tensor(
        Array.from({ length: 40 }, (_, i) => (i * 7) % 3),
        undefined,
        'int32',
      ),
      3,
    );
    for (const m of [seq, fun])
      m.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'], jitCompile });
    nb.seed(9);
    const hs = await seq.fit(X, Y, { epochs: 3, batchSize: 16, verbose: 0, validationSplit: 0.25 });
    nb.seed(9);
    const hf = await fun.fit(X, Y, { epochs: 3, batchSize: 16, verbose: 0, validationSplit: 0.25 });
    assert.deepEqual(hf.history, hs.history, `jitCompile ${jitCompile}: the same history`);
    seq.getWeights().forEach((w, i) => same(fun.getWeights()[i]!, w, `jitCompile ${jitCompile}: weight ${i}`));
    same(fun.predict(X) as Tensor, seq.predict(X), 'predictions');
  }
});

test('a layer called twice shares one set of weights, and its gradient is the sum over its calls', () => {
  const a = nb.input({ shape: [3] }),
    b = nb.input({ shape: [3] });
  const shared = nb.layers.dense({ units: 2, useBias: false, name: 'shared' });
  const out = nb.layers.add().apply([shared.apply(a), shared.apply(b)]);
  const model = nb.model({ inputs: [a, b], outputs: out });
  assert.equal(model.parameters().length, 1, 'one Variable');
  assert.equal(shared.inboundNodes.length, 2);
  const A = nb.randomNormal([4, 3]),
    B = nb.randomNormal([4, 3]);
  const step = nb.makeTrainStep(model, { loss: (_y, p) => nb.sum(p as Tensor), optimizer: 'sgd' });
  const r = step(step.params(), step.initOptState(), { x: [A, B], y: nb.zeros([4, 2]) });
  // d/dW Σ (A·W + B·W) = Aᵀ·1 + Bᵀ·1
  const ones = nb.ones([4, 2]);
  close(r.grads['shared.kernel']!, nb.add(nb.matmul(nb.transpose(A), ones), nb.matmul(nb.transpose(B), ones)), 1e-5, 'gradient');
  assert.match(model.summary(null), /shared \(Dense\)\s+\[null,2\]\s+6\s+input_layer_\d+\[0\]\[0\]\n\s+input_layer_\d+\[0\]\[0\]/);
});

test('save and load round trip: a functional model (two inputs, a shared layer, two outputs) predicts the same and keeps its compile settings', () => {
  nb.seed(4);
  const model = twoByTwo();
  model.compile({ optimizer: 'adam', loss: ['sparseCategoricalCrossentropy', 'mse'], lossWeights: [2, 1], metrics: ['accuracy'] });
  const again = nb.io.decodeModel(nb.io.encodeModel(model)) as unknown as nb.Model;
  assert.ok(again instanceof nb.Model);
  assert.deepEqual(again.getConfig(), model.getConfig());
  const A = nb.randomNormal([5, 3]),
    B = nb.randomNormal([5, 2]);
  const [p1, p2] = model.predict([A, B]) as Tensor[];
  const [q1, q2] = again.predict([A, B]) as Tensor[];
  same(q1!, p1!);
  same(q2!, p2!);
  assert.deepEqual(again.getCompileConfig(), model.getCompileConfig());
  // a shared layer's second call is replayed after the layers it depends on
  const x = nb.input({ shape: [2] });
  const s = nb.layers.dense({ units: 2, name: 'twice' });
  const m2 = nb.model({ inputs: x, outputs: s.apply(nb.layers.dense({ units: 2, name: 'between' }).apply(s.apply(x))) });
  const back = nb.io.decodeModel(nb.io.encodeModel(m2)) as unknown as nb.Model;
  const X = nb.randomNormal([3, 2]);
  same(back.predict(X) as Tensor, m2.predict(X) as Tensor, 'shared layer after a later one');
  assert.deepEqual(
    back.getConfig().layers.map((l) => l.inboundNodes),
    m2.getConfig().layers.map((l) => l.inboundNodes),
  );
});

test('a layer that builds outside computeOutputShape (Embedding) is built when called on a symbolic tensor: int32 inputs, save and load', () => {
  const tokens = nb.input({ shape: [5], dtype: 'int32', name: 'tokens' });
  const embedding = nb.layers.embedding({ inputDim: 10, outputDim: 3 });
  const y = nb.layers.dense({ units: 1 }).apply(nb.layers.flatten().apply(embedding.apply(tokens)));
  assert.ok(embedding.built);
  const model = nb.model({ inputs: tokens, outputs: y });
  assert.equal(model.parameters().length, 3);
  const X = nb.tensor(
    Array.from({ length: 10 }, (_, i) => i % 10),
    [2, 5],
    'int32',
  );
  const back = nb.io.decodeModel(nb.io.encodeModel(model)) as unknown as nb.Model;
  same(back.predict(X) as Tensor, model.predict(X) as Tensor);
});

test('the functional config is Keras-shaped: layers with inbound nodes, input and output layers', () => {
  const { model, d1, d2 } = residual();
  const c = model.getConfig();
  assert.deepEqual(c.inputLayers, [['features', 0, 0]]);
  assert.deepEqual(c.outputLayers, [[d2.name, 0, 0]]);
  const add = c.layers[2]!;
  assert.equal(add.className, 'Add');
  assert.deepEqual(add.inboundNodes, [
    [
      ['features', 0, 0],
      [d1.name, 0, 0],
    ],
  ]);
  const rebuilt = nb.Model.fromConfig(c);
  assert.deepEqual(rebuilt.getConfig(), c);
});

test('summary: one row per layer with Keras’s Connected to column, and the totals', () => {
  const x = nb.input({ shape: [4], name: 'x' });
  const h = nb.layers.dense({ units: 4, activation: 'relu', name: 'h' }).apply(x);
  const y = nb.layers.dense({ units: 2, name: 'y' }).apply(nb.layers.add({ name: 'sum' }).apply([x, h]));
  const text = nb.model({ inputs: x, outputs: y, name: 'res' }).summary(null);
  const rule = '_'.repeat(53);
  assert.equal(
    text,
    [
      'Model: "res"',
      rule,
      'Layer (type)    Output shape  Param #  Connected to',
      '='.repeat(53),
      'x (InputLayer)  [null,4]      0        -',
      'h (Dense)       [null,4]      20       x[0][0]',
      'sum (Add)       [null,4]      0        x[0][0]',
      '                                       h[0][0]',
      'y (Dense)       [null,2]      10       sum[0][0]',
      '='.repeat(53),
      'Total params: 30',
      'Trainable params: 30',
      'Non-trainable params: 0',
      rule,
    ].join('\n'),
  );
});

test('explain: a functional chain explains as the Sequential of the same layers', () => {
  const seq = nb.sequential([nb.layers.dense({ units: 3, activation: 'relu', inputShape: [2] }), nb.layers.dense({ units: 1, activation: 'sigmoid' })], {
    name: 'm',
  });
  const x = nb.input({ shape: [2] });
  const fun = nb.model({
    inputs: x,
    outputs: nb.layers.dense({ units: 1, activation: 'sigmoid' }).apply(nb.layers.dense({ units: 3, activation: 'relu' }).apply(x)),
    name: 'm',
  });
  for (const m of [seq, fun]) m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  assert.equal(fun.explain().toString(), seq.explain().toString());
  assert.throws(() => twoByTwo().explain(), /two\.explain: explains a model of one input and one output; this one has 2 inputs and 2 outputs/);
});

test('clear errors: a value where a symbolic tensor belongs, an unconnected input, a missing input, merge shapes, the number of x arrays', async () => {
  const x = nb.input({ shape: [3], name: 'x' });
  const y = nb.layers.dense({ units: 2 }).apply(x);
  assert.throws(
    () => nb.model({ inputs: nb.ones([2, 3]) as never, outputs: y }),
    (e: Error) => e instanceof nb.ArgumentError && /model: inputs must be a symbolic tensor/.test(e.message),
  );
  assert.throws(() => nb.model({ inputs: x, outputs: [y, 'y' as never] }), /model: outputs\[1\] must be a symbolic tensor/);
  const unused = nb.input({ shape: [1], name: 'spare' });
  assert.throws(() => nb.model({ inputs: [x, unused], outputs: y }), /model: the input 'spare' is not connected to any output/);
  const other = nb.input({ shape: [3], name: 'other' });
  const z = nb.layers.add().apply([x, other]);
  assert.throws(
    () => nb.model({ inputs: x, outputs: z }),
    /model: the output '.*' depends on the input 'other', which is not among the model's inputs \('x'\)/,
  );
  assert.throws(() => nb.model({ inputs: y, outputs: y }), /model: inputs is the output of layer 'dense_\d+', not a model input/);
  assert.throws(
    () => nb.layers.add({ name: 'bad_sum' }).apply([x, nb.input({ shape: [4] })]),
    (e: Error) =>
      e instanceof nb.ShapeError &&
      /^bad_sum \(Add\) cannot be called on inputs of shapes \[null,3\] and \[null,4\]: bad_sum: inputs of shapes/.test(e.message),
  );
  assert.throws(() => nb.layers.dense({ units: 2, name: 'd' }).apply([x, nb.ones([2, 3])] as never), /d: x\[1\] must be a symbolic tensor/);
  assert.throws(() => nb.input({ shape: [0] }), /input: shape\[0\]/);
  assert.throws(() => nb.input({ shape: [2], size: 3 } as never), /input: unknown option 'size'/);
  const model = nb.model({ inputs: [x, other], outputs: z });
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  await assert.rejects(
    model.fit([nb.ones([2, 3])], nb.ones([2, 3])),
    /fit: x has 1 array, but the model has 2 inputs \('x', 'other'\): give one per input, in order/,
  );
  await assert.rejects(model.fit({ x: nb.ones([2, 3]), oops: nb.ones([2, 3]) }, nb.ones([2, 3])), /fit: x names 'oops', which is not an input/);
  await assert.rejects(
    model.fit([nb.ones([2, 3]), nb.ones([3, 3])], nb.ones([2, 3])),
    /fit: x\[0\] \[2,3\] and x\[1\] \[3,3\] must have the same number of examples/,
  );
  assert.throws(() => model.predict([nb.ones([2, 3]), nb.ones([2, 4])]), /model: input 'other' has shape \[2,4\], but the model takes \[batch,3\]/);
  assert.throws(() => model.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: [1, 2] }), /compile: lossWeights is for a model of several outputs/);
  assert.throws(() => twoByTwo().compile({ optimizer: 'sgd', loss: ['mse'] }), /compile: loss has 1 entries, but the model has 2 outputs \(cls, reg\)/);
});
