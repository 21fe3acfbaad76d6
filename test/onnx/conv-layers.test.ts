// ONNX export of issue 18's convolution layers, each written as one Conv
// (with its group and pads), run by ONNX Runtime: what it predicts is what
// nabla predicts, on the option combinations where the rewriting could slip
// (groups, asymmetric 'same' and causal pads, strides, dilations, the zero
// rows a transposed convolution appends).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { exportModel } from '../../src/onnx/index.js';
import { runOnnx } from './ort.js';

const L = nb.layers;

const MODELS: [string, () => nb.nn.Layer[], number[]][] = [
  [
    'grouped conv2d',
    () => [
      L.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', groups: 3, inputShape: [6, 5, 3] }),
      L.conv2d({ filters: 4, kernelSize: 2, groups: 2, dilationRate: 2, activation: 'relu' }),
    ],
    [2, 6, 5, 3],
  ],
  [
    'conv1d',
    () => [
      L.conv1d({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2, inputShape: [9, 2] }),
      L.conv1d({ filters: 4, kernelSize: 4, strides: 2, padding: 'same', groups: 2, activation: 'tanh' }),
    ],
    [2, 9, 2],
  ],
  [
    'conv2dTranspose',
    () => [
      L.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1, inputShape: [3, 2, 2] }),
      L.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 3, dilationRate: 1 }),
      L.conv2dTranspose({ filters: 1, kernelSize: [2, 3], dilationRate: [2, 1], padding: 'same' }),
    ],
    [2, 3, 2, 2],
  ],
  [
    'depthwise and separable',
    () => [
      L.depthwiseConv2d({ kernelSize: [3, 2], depthMultiplier: 2, strides: 2, padding: 'same', inputShape: [6, 7, 2] }),
      L.separableConv2d({ filters: 3, kernelSize: 2, padding: 'same', dilationRate: 2, activation: 'relu' }),
      L.upSampling2d({ size: [2, 1], interpolation: 'bilinear' }),
      L.zeroPadding2d({
        padding: [
          [1, 0],
          [0, 2],
        ],
      }),
      L.cropping2d({ cropping: [1, 1] }),
    ],
    [2, 6, 7, 2],
  ],
];

for (const [name, layers, shape] of MODELS) {
  test(`ONNX Runtime runs nabla's exported ${name} model as nabla predicts, each convolution one Conv`, async () => {
    nb.seed(9);
    const model = nb.sequential(layers());
    for (const layer of model.layers) layer.setWeights(layer.getWeights().map((w) => nb.randomNormal([...w.shape], 0, 0.5)));
    const bytes = exportModel(model);
    const text = new TextDecoder('latin1').decode(bytes);
    assert.ok(!text.includes('extractPatches'));
    const x = nb.randomNormal(shape);
    const got = (await runOnnx(bytes, { X: x })).Y!,
      want = model.predict(x);
    assert.deepEqual(got.shape, want.shape, name);
    want.storage.forEach((w, i) =>
      assert.ok(Math.abs(got.storage[i]! - w) <= 1e-4 * Math.max(1, Math.abs(w)), `${name}: entry ${i} is ${got.storage[i]}, expected ${w}`),
    );
  });
}

test('an ONNX Conv written for a grouped convolution carries its group', () => {
  const model = nb.sequential([L.conv2d({ filters: 4, kernelSize: 1, groups: 4, inputShape: [2, 2, 4] })]);
  const text = new TextDecoder('latin1').decode(exportModel(model));
  assert.ok(text.includes('group'), 'the Conv node has a group attribute');
  const plain = new TextDecoder('latin1').decode(exportModel(nb.sequential([L.conv2d({ filters: 4, kernelSize: 1, inputShape: [2, 2, 4] })])));
  assert.ok(!plain.includes('group'));
});
