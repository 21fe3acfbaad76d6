import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { Layer } from '../../src/nn/layer.js';
import { layerFromConfig } from '../../src/nn/layer.js';
import { assertClose, loadFixture } from '../helpers.js';
import { checkLayer } from './conformance.js';
import { CONV_REFERENCES } from './conv-reference.js';

// Conv2D, pooling, and issue 18's Conv1D, Conv2D with groups, Conv2DTranspose,
// DepthwiseConv2D, SeparableConv2D, UpSampling2D, ZeroPadding2D and Cropping2D:
// the shared conformance check (with the plain-loop formulas of
// conv-reference.ts), outputs and gradients against PyTorch
// (test/fixtures/conv_layers.json, made by
// test/fixtures/make_conv_layers_fixtures.py, which maps Keras's layouts to
// torch's), second-order finite-difference checks, errors, and training.

test('Conv2D passes the layer conformance check', () => {
  checkLayer({
    make: (a) => nb.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'tanh', ...a }),
    inputShape: [5, 6, 2],
    outputShape: [3, 4, 3],
    params: 3 * 3 * 2 * 3 + 3,
  });
  checkLayer({
    make: (a) => nb.layers.conv2d({ filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same', ...a }),
    inputShape: [5, 5, 1],
    outputShape: [3, 3, 2],
    params: 2 * 3 * 2 + 2,
  });
  checkLayer({
    make: (a) => nb.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: [2, 1], padding: 'same', activation: 'relu', ...a }),
    inputShape: [4, 5, 3],
    outputShape: [4, 5, 2],
    params: 2 * 2 * 3 * 2 + 2,
  });
});

test('pooling layers pass the layer conformance check', () => {
  checkLayer({ make: (a) => nb.layers.maxPooling2d(a), inputShape: [4, 6, 2], outputShape: [2, 3, 2], params: 0 });
  checkLayer({
    make: (a) => nb.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', ...a }),
    inputShape: [5, 5, 2],
    outputShape: [3, 3, 2],
    params: 0,
  });
  checkLayer({
    make: (a) => nb.layers.maxPooling2d({ poolSize: [2, 3], strides: 1, padding: 'same', ...a }),
    inputShape: [3, 4, 2],
    outputShape: [3, 4, 2],
    params: 0,
  });
  checkLayer({ make: (a) => nb.layers.globalAveragePooling2d(a), inputShape: [3, 4, 5], outputShape: [5], params: 0 });
  checkLayer({ make: (a) => nb.layers.globalMaxPooling2d(a), inputShape: [3, 4, 5], outputShape: [5], params: 0 });
});

test('Conv2D uses the Keras kernel layout [kh, kw, in, filters] and adds the bias per filter', () => {
  const layer = nb.layers.conv2d({ filters: 2, kernelSize: 2, inputShape: [2, 2, 1] });
  const k = nb.tensor([1, 10, 2, 20, 3, 30, 4, 40], [2, 2, 1, 2]);
  layer.setWeights([k, nb.tensor([0.5, -0.5])]);
  const x = nb.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
  // one 2x2 window: filter 0 = 1·1 + 2·2 + 3·3 + 4·4 = 30, filter 1 = 300
  assert.deepEqual(layer.apply(x).toArray(), [[[[30.5, 299.5]]]]);
});

test('a small CNN learns the digits', async () => {
  nb.seed(3);
  const { images, labels } = nb.data.loadDigits();
  const x = nb.reshape(images, [-1, 8, 8, 1]);
  const n = 1200;
  const xTrain = nb.slice(x, [0, 0, 0, 0], [n, -1, -1, -1]),
    yTrain = nb.oneHot(nb.slice(labels, [0], [n]), 10);
  const xTest = nb.slice(x, [n, 0, 0, 0], [-1, -1, -1, -1]),
    yTest = nb.oneHot(nb.slice(labels, [n], [-1]), 10);
  const model = nb.sequential([
    nb.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 1] }),
    nb.layers.maxPooling2d({ poolSize: 2 }),
    nb.layers.flatten(),
    nb.layers.dense({ units: 10, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  assert.match(model.summary(null), /conv2d_\d+ \(Conv2D\)\s+\[null,8,8,8\]\s+80/);
  await model.fit(xTrain, yTrain, { epochs: 4, batchSize: 32, verbose: 0 });
  const { accuracy } = model.evaluate(xTest, yTest);
  assert.ok(accuracy! > 0.9, `test accuracy ${accuracy}`);
});

// ---- issue 18's layers ---------------------------------------------------------------

const L = nb.layers as unknown as Record<string, (args: Record<string, unknown>) => Layer>;
const ref = (layer: Layer) => CONV_REFERENCES[layer.className]!;

test('Conv1D passes the layer conformance check (valid, same, causal, dilated, grouped)', () => {
  const make = (args: Record<string, unknown>) => (a: object) => nb.layers.conv1d({ ...(args as { filters: number; kernelSize: number }), ...a });
  const cases: [Record<string, unknown>, number[], number[], number][] = [
    [{ filters: 3, kernelSize: 3, activation: 'tanh' }, [7, 2], [5, 3], 3 * 2 * 3 + 3],
    [{ filters: 2, kernelSize: 4, strides: 2, padding: 'same' }, [9, 3], [5, 2], 4 * 3 * 2 + 2],
    [{ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 2, useBias: false }, [6, 2], [6, 2], 3 * 2 * 2],
    [{ filters: 4, kernelSize: [2], padding: 'same', groups: 2, activation: 'relu' }, [5, 4], [5, 4], 2 * 2 * 4 + 4],
  ];
  for (const [args, inputShape, outputShape, params] of cases) {
    const m = make(args);
    checkLayer({ make: (a) => m(a), inputShape, outputShape, params, reference: (l, x, t) => ref(l)(l, x, t) });
  }
});

test('Conv2D with groups passes the layer conformance check', () => {
  checkLayer({
    make: (a) => nb.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', groups: 2, activation: 'tanh', ...a }),
    inputShape: [4, 5, 6],
    outputShape: [4, 5, 4],
    params: 3 * 3 * 3 * 4 + 4,
    reference: (l, x, t) => ref(l)(l, x, t),
  });
});

test('Conv2DTranspose passes the layer conformance check (Keras output sizes, outputPadding, dilation)', () => {
  const cases: [Record<string, unknown>, number[], number[]][] = [
    [{ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }, [3, 4, 2], [6, 8, 2]],
    [{ filters: 3, kernelSize: 3, strides: 2, activation: 'tanh' }, [3, 2, 2], [7, 5, 3]],
    [{ filters: 2, kernelSize: 2, strides: 3 }, [2, 3, 1], [6, 9, 2]],
    [{ filters: 2, kernelSize: [3, 2], strides: 2, padding: 'same', outputPadding: [1, 0] }, [3, 3, 2], [6, 4, 2]],
    [{ filters: 1, kernelSize: 2, dilationRate: 2, useBias: false }, [3, 3, 2], [5, 5, 1]],
  ];
  for (const [args, inputShape, outputShape] of cases) {
    const [kh, kw] = typeof args['kernelSize'] === 'number' ? [args['kernelSize'], args['kernelSize']] : (args['kernelSize'] as number[]);
    const f = args['filters'] as number;
    const params = kh! * kw! * f * inputShape[2]! + (args['useBias'] === false ? 0 : f);
    checkLayer({ make: (a) => L['conv2dTranspose']!({ ...args, ...a }), inputShape, outputShape, params, reference: (l, x, t) => ref(l)(l, x, t) });
  }
});

test('DepthwiseConv2D and SeparableConv2D pass the layer conformance check', () => {
  const r = { reference: (l: Layer, x: Parameters<ReturnType<typeof ref>>[1], t: boolean) => ref(l)(l, x, t) };
  checkLayer({
    make: (a) => nb.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, ...a }),
    inputShape: [5, 4, 3],
    outputShape: [3, 2, 6],
    params: 9 * 3 * 2 + 6,
    ...r,
  });
  checkLayer({
    make: (a) => nb.layers.depthwiseConv2d({ kernelSize: [2, 3], strides: 2, padding: 'same', dilationRate: 1, activation: 'tanh', ...a }),
    inputShape: [5, 5, 2],
    outputShape: [3, 3, 2],
    params: 6 * 2 + 2,
    ...r,
  });
  checkLayer({
    make: (a) => nb.layers.depthwiseConv2d({ kernelSize: 2, padding: 'same', dilationRate: 2, ...a }),
    inputShape: [4, 5, 2],
    outputShape: [4, 5, 2],
    params: 4 * 2 + 2,
    ...r,
  });
  checkLayer({
    make: (a) => nb.layers.separableConv2d({ filters: 3, kernelSize: 3, padding: 'same', depthMultiplier: 2, activation: 'relu', ...a }),
    inputShape: [4, 4, 2],
    outputShape: [4, 4, 3],
    params: 9 * 2 * 2 + 4 * 3 + 3,
    ...r,
  });
  checkLayer({
    make: (a) => nb.layers.separableConv2d({ filters: 2, kernelSize: 2, strides: 2, useBias: false, ...a }),
    inputShape: [5, 4, 3],
    outputShape: [2, 2, 2],
    params: 4 * 3 + 3 * 2,
    ...r,
  });
});

test('UpSampling2D, ZeroPadding2D and Cropping2D pass the layer conformance check', () => {
  const r = { params: 0, reference: (l: Layer, x: Parameters<ReturnType<typeof ref>>[1], t: boolean) => ref(l)(l, x, t) };
  checkLayer({ make: (a) => nb.layers.upSampling2d(a), inputShape: [2, 3, 2], outputShape: [4, 6, 2], ...r });
  checkLayer({ make: (a) => nb.layers.upSampling2d({ size: [3, 2], interpolation: 'bilinear', ...a }), inputShape: [2, 3, 2], outputShape: [6, 6, 2], ...r });
  checkLayer({ make: (a) => nb.layers.zeroPadding2d(a), inputShape: [2, 3, 2], outputShape: [4, 5, 2], ...r });
  checkLayer({ make: (a) => nb.layers.zeroPadding2d({ padding: [1, 2], ...a }), inputShape: [2, 3, 2], outputShape: [4, 7, 2], ...r });
  checkLayer({
    make: (a) =>
      nb.layers.zeroPadding2d({
        padding: [
          [0, 1],
          [2, 3],
        ],
        ...a,
      }),
    inputShape: [2, 3, 1],
    outputShape: [3, 8, 1],
    ...r,
  });
  checkLayer({ make: (a) => nb.layers.cropping2d({ cropping: 1, ...a }), inputShape: [4, 5, 2], outputShape: [2, 3, 2], ...r });
  checkLayer({
    make: (a) =>
      nb.layers.cropping2d({
        cropping: [
          [0, 1],
          [2, 0],
        ],
        ...a,
      }),
    inputShape: [4, 5, 2],
    outputShape: [3, 3, 2],
    ...r,
  });
  checkLayer({ make: (a) => nb.layers.cropping2d(a), inputShape: [3, 2, 2], outputShape: [3, 2, 2], ...r });
});

interface FixtureCase {
  name: string;
  layer: string;
  args: Record<string, unknown>;
  x: { shape: number[]; data: number[] };
  weights: { shape: number[]; data: number[] }[];
  y: { shape: number[]; data: number[] };
  cotangent: number[];
  grads: { shape: number[]; data: number[] }[];
}
const { cases: FIXTURES } = loadFixture<{ cases: FixtureCase[] }>('conv_layers.json');

/** The fixture's layer in float64, built, with the fixture's weights; and f(x, ...weights) → the output. */
function fixtureLayer(c: FixtureCase): { layer: Layer; x: Tensor; ws: Tensor[]; f: (x: Tensor, ...ws: Tensor[]) => Tensor } {
  const layer = L[c.layer]!({ ...c.args, dtype: 'float64' });
  const x = nb.tensor(c.x.data, c.x.shape, 'float64');
  layer.apply(x);
  const ws = c.weights.map((w) => nb.tensor(w.data, w.shape, 'float64'));
  layer.setWeights(ws);
  const vars = layer.parameters();
  const f = (xi: Tensor, ...wi: Tensor[]) => {
    const saved = vars.map((v, i) => v.swap(wi[i]!));
    try {
      return layer.apply(xi);
    } finally {
      vars.forEach((v, i) => v.swap(saved[i]!));
    }
  };
  return { layer, x, ws, f };
}

test('the layers compute what PyTorch computes (Keras layouts mapped to torch), and so do their gradients', () => {
  assert.ok(FIXTURES.length >= 25);
  for (const c of FIXTURES) {
    const { layer, x, ws, f } = fixtureLayer(c);
    assert.equal(layer.getWeights().length, c.weights.length, `${c.name}: weights`);
    assertClose(layer.apply(x), c.y, 1e-10, 1e-10, c.name);
    const cot = nb.tensor(c.cotangent, c.y.shape, 'float64');
    const grads = nb.grad((xi: Tensor, ...wi: Tensor[]) => nb.sum(nb.mul(f(xi, ...wi), cot)), { argnums: [0, ...ws.map((_, i) => i + 1)] })(
      x,
      ...ws,
    ) as Tensor[];
    const wanted = c.grads; // x first, then the weights
    grads.forEach((g, i) => assertClose(g, wanted[i]!, 1e-9, 1e-10, `${c.name}: gradient ${i}`));
  }
});

test('second-order finite-difference checks through each layer, w.r.t. the input and the weights', () => {
  const picks = [
    'conv1d causal dilation 2',
    'conv1d groups 2',
    'conv2d groups 3 strided',
    'conv2dTranspose same outputPadding',
    'conv2dTranspose valid stride above kernel',
    'depthwiseConv2d same strided',
    'separableConv2d valid strided',
    'upSampling2d bilinear [3, 2]',
    'zeroPadding2d [[0, 1], [2, 3]]',
    'cropping2d [[0, 1], [2, 0]]',
  ];
  for (const name of picks) {
    const c = FIXTURES.find((k) => k.name === name)!;
    assert.ok(c, name);
    const { x, ws, f } = fixtureLayer(c);
    // a smooth nonlinearity on top makes the second derivative of a (bi)linear layer non-zero
    const g = (xi: Tensor, ...wi: Tensor[]) => nb.sin(f(xi, ...wi));
    const r = nb.gradCheck(g, [x, ...ws], { order: 2 });
    assert.ok(r.passed, `${name}: ${JSON.stringify(r.levels.map((l) => l.maxError))}`);
  }
});

test('computeOutputShape follows the Keras sizes, and bad options and inputs get errors naming the layer and option', () => {
  const shape = (l: Layer, s: (number | null)[]) => l.computeOutputShape(s);
  assert.deepEqual(shape(nb.layers.conv1d({ filters: 5, kernelSize: 3, strides: 2, padding: 'causal' }), [null, 9, 2]), [null, 5, 5]);
  assert.deepEqual(shape(nb.layers.conv2dTranspose({ filters: 4, kernelSize: 4, strides: 2, padding: 'same' }), [null, 7, 5, 3]), [null, 14, 10, 4]);
  assert.deepEqual(shape(nb.layers.conv2dTranspose({ filters: 1, kernelSize: 1, strides: 3 }), [null, 2, 2, 1]), [null, 6, 6, 1]);
  assert.deepEqual(shape(nb.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 3 }), [null, 5, 6, 2]), [null, 3, 4, 6]);
  assert.deepEqual(shape(nb.layers.separableConv2d({ filters: 7, kernelSize: 3, strides: 2, padding: 'same' }), [null, 5, 6, 2]), [null, 3, 3, 7]);
  assert.deepEqual(shape(nb.layers.upSampling2d({ size: [2, 3] }), [null, 5, 6, 2]), [null, 10, 18, 2]);
  assert.deepEqual(
    shape(
      nb.layers.zeroPadding2d({
        padding: [
          [1, 2],
          [3, 4],
        ],
      }),
      [null, 5, 6, 2],
    ),
    [null, 8, 13, 2],
  );
  assert.deepEqual(shape(nb.layers.cropping2d({ cropping: [1, 2] }), [null, 5, 6, 2]), [null, 3, 2, 2]);

  const bad: [() => unknown, RegExp][] = [
    [() => nb.layers.conv1d({ filters: 3, kernelSize: [2, 2] as never }), /conv1d: kernelSize must be a positive integer or \[n\], got \[2,2\]/],
    [
      () => nb.layers.conv1d({ filters: 3, kernelSize: 2, padding: 'full' as never }),
      /conv1d: padding must be one of 'valid', 'same', 'causal', got the string "full"/,
    ],
    [() => nb.layers.conv1d({ filters: 3, kernelSize: 2, groups: 2 }), /conv1d: filters 3 must be divisible by groups 2/],
    [() => nb.layers.conv2d({ filters: 4, kernelSize: 2, groups: 0 }), /conv2d: groups must be a positive integer, got 0/],
    [
      () => nb.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 }),
      /conv2dTranspose: outputPadding \[2,2\] must be smaller than the strides \[2,2\]/,
    ],
    [() => nb.layers.conv2dTranspose({ filters: 2, kernelSize: 3, outputPadding: -1 }), /conv2dTranspose: outputPadding must be a non-negative integer/],
    [() => nb.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 0 }), /depthwiseConv2d: depthMultiplier must be a positive integer, got 0/],
    [() => nb.layers.separableConv2d({ filters: 2, kernelSize: 3, padding: 'causal' as never }), /separableConv2d: padding must be one of 'valid', 'same'/],
    [
      () => nb.layers.upSampling2d({ interpolation: 'bicubic' as never }),
      /upSampling2d: interpolation must be one of 'nearest', 'bilinear', got the string "bicubic"/,
    ],
    [() => nb.layers.upSampling2d({ size: 0 }), /upSampling2d: size must be a positive integer or a pair of them, got 0/],
    [
      () => nb.layers.zeroPadding2d({ padding: [1, 2, 3] as never }),
      /zeroPadding2d: padding must be a non-negative integer, \[rows, columns\] or \[\[top, bottom\], \[left, right\]\], got \[1,2,3\]/,
    ],
    [() => nb.layers.cropping2d({ cropping: -1 }), /cropping2d: cropping must be a non-negative integer/],
    [
      () => nb.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, dilatonRate: 2 } as never),
      /unknown option 'dilatonRate' \(did you mean 'dilationRate'\?\)/,
    ],
    [
      () => nb.layers.conv1d({ filters: 2, kernelSize: 2, groups: 2 }).apply(nb.zeros([1, 5, 3])),
      /conv1d_\d+: input shape \[null,5,3\]: 3 channels do not split into 2 groups/,
    ],
    [
      () => nb.layers.conv2d({ filters: 4, kernelSize: 2, groups: 4 }).apply(nb.zeros([1, 3, 3, 6])),
      /conv2d_\d+: input shape \[null,3,3,6\]: 6 channels do not split into 4 groups/,
    ],
    [
      () => nb.layers.conv1d({ filters: 2, kernelSize: 2 }).apply(nb.zeros([1, 5, 3, 1])),
      /conv1d_\d+: input shape \[null,5,3,1\] must be \[batch, steps, channels\]/,
    ],
    [
      () => nb.layers.conv2dTranspose({ filters: 2, kernelSize: 2 }).apply(nb.zeros([2, 3])),
      /conv2dtranspose_\d+: input shape \[null,3\] must be \[batch, height, width, channels\]/,
    ],
    [
      () => nb.layers.cropping2d({ cropping: [2, 0] }).apply(nb.zeros([1, 4, 3, 1])),
      /cropping2d_\d+: cropping \[\[2,2\],\[0,0\]\] leaves nothing of input \[1,4,3,1\]/,
    ],
    [() => nb.layers.zeroPadding2d().apply(nb.zeros([1, 4, 3])), /zero_padding2d_\d+: input shape \[1,4,3\] must be \[batch, height, width, channels\]/],
    [() => nb.layers.conv1d({ filters: 2, kernelSize: 4 }).apply(nb.zeros([1, 3, 1])), /conv1d: .*smaller than the 1x4 window/],
  ];
  for (const [f, re] of bad) assert.throws(f, re);
  for (const [f] of bad.slice(0, 13)) assert.throws(f, nb.ArgumentError);
  assert.throws(() => nb.layers.conv2d({ filters: 3, kernelSize: 2, groups: 2 }), /conv2d: filters 3 must be divisible by groups 2/);
});

test('the layers round-trip through getConfig, layerFromConfig and a saved model file', () => {
  nb.seed(4);
  const model = nb.sequential([
    nb.layers.zeroPadding2d({
      padding: [
        [1, 0],
        [0, 1],
      ],
      inputShape: [6, 6, 2],
    }),
    nb.layers.conv2d({ filters: 4, kernelSize: 3, groups: 2, activation: 'relu' }),
    nb.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, padding: 'same', depthwiseRegularizer: 'l2' }),
    nb.layers.separableConv2d({ filters: 3, kernelSize: 2, strides: 2, pointwiseInitializer: 'heNormal' }),
    nb.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1, kernelRegularizer: nb.regularizers.l1(0.01) }),
    nb.layers.upSampling2d({ size: [1, 2], interpolation: 'bilinear' }),
    nb.layers.cropping2d({
      cropping: [
        [1, 0],
        [2, 1],
      ],
    }),
    nb.layers.reshape({ targetShape: [-1, 2] }),
    nb.layers.conv1d({ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 2, biasRegularizer: 'l1' }),
  ]);
  const x = nb.randomNormal([2, 6, 6, 2]);
  const y = model.predict(x);
  for (const layer of model.layers) {
    const config = JSON.parse(JSON.stringify(layer.getConfig()));
    const again = layerFromConfig({ className: layer.className, config });
    assert.deepEqual(again.getConfig(), config, `${layer.className} config round trip`);
  }
  const back = nb.io.decodeModel(nb.io.encodeModel(model));
  assert.deepEqual(
    back.layers.map((l) => l.className),
    model.layers.map((l) => l.className),
  );
  assert.deepEqual(Array.from(back.predict(x).storage), Array.from(y.storage));
  assert.equal(model.layers[2]!.regularizationLosses().length, 1);
  assert.equal(back.layers[4]!.regularizationLosses().length, 1);
});

test('a Sequential of the new layers trains: its loss falls', async () => {
  nb.seed(7);
  // a denoising toy: a 1-D signal and a small image, each through a few of the layers
  const n = 64;
  const t = nb.reshape(nb.linspace(0, 6, 16), [1, 16, 1]);
  const phase = nb.randomUniform([n, 1, 1], 0, 6);
  const clean = nb.sin(nb.add(t, phase));
  const noisy = nb.add(clean, nb.mul(nb.randomNormal([n, 16, 1]), 0.3));
  const seq = nb.sequential([
    nb.layers.conv1d({ filters: 8, kernelSize: 3, padding: 'causal', activation: 'tanh', inputShape: [16, 1] }),
    nb.layers.conv1d({ filters: 8, kernelSize: 3, padding: 'same', dilationRate: 2, groups: 2, activation: 'tanh' }),
    nb.layers.conv1d({ filters: 1, kernelSize: 1 }),
  ]);
  seq.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.02 }), loss: 'meanSquaredError' });
  const h1 = await seq.fit(noisy, clean, { epochs: 30, batchSize: 16, verbose: 0 });
  const l1 = h1.history['loss']!;
  assert.ok(l1[l1.length - 1]! < 0.5 * l1[0]!, `conv1d losses ${l1[0]} → ${l1[l1.length - 1]}`);

  const img = nb.randomNormal([n, 4, 4, 2]);
  const target = nb.resize(img, [8, 8], 'bilinear');
  const net = nb.sequential([
    nb.layers.zeroPadding2d({ padding: 1, inputShape: [4, 4, 2] }),
    nb.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2, activation: 'tanh' }),
    nb.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
    nb.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }),
    nb.layers.upSampling2d({ size: 2 }),
    nb.layers.cropping2d({ cropping: 4 }),
    nb.layers.conv2d({ filters: 2, kernelSize: 1 }),
  ]);
  net.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.02 }), loss: 'meanSquaredError' });
  const h2 = await net.fit(nb.slice(img, [0], [32]), nb.slice(target, [0], [32]), { epochs: 30, batchSize: 16, verbose: 0 });
  const l2 = h2.history['loss']!;
  assert.ok(l2[l2.length - 1]! < 0.75 * l2[0]!, `image losses ${l2[0]} → ${l2[l2.length - 1]}`);
});
