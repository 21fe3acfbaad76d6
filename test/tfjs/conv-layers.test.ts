// Issue 18's conv, upsampling, padding and cropping layers in TF.js's layers
// format, checked by TF.js itself (@tensorflow/tfjs, CPU backend, in
// memory): TF.js loads nabla's exports and predicts what nabla predicts,
// nabla imports TF.js's models and predicts what TF.js predicts, and what one
// side computes differently or lacks is refused by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as nb from '../../src/index.js';
import { close as closeTo, artifactsOf, toTfjs, fromTfjs } from './kit.js';

await tf.setBackend('cpu');
/** This file's tolerance (convolutions sum more terms). */
const close = (got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 1e-4) => closeTo(got, want, what, tol);
const L = nb.layers;

/** Every weight of the model set to random values (biases off zero, so that a dropped or misplaced one shows). */
function randomize(model: nb.Sequential): void {
  for (const layer of model.layers) layer.setWeights(layer.getWeights().map((w) => nb.randomNormal([...w.shape], 0, 0.5)));
}

const NABLA_MODELS: [string, () => nb.Sequential, number[]][] = [
  [
    'conv1d',
    () =>
      nb.sequential([
        L.conv1d({ filters: 4, kernelSize: 3, padding: 'same', dilationRate: 2, activation: 'relu', inputShape: [9, 2] }),
        L.conv1d({ filters: 3, kernelSize: [2], strides: 2, padding: 'same', activation: 'tanh' }),
        L.conv1d({ filters: 2, kernelSize: 2 }),
      ]),
    [3, 9, 2],
  ],
  [
    'conv2dTranspose',
    () =>
      nb.sequential([
        L.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [3, 4, 2] }),
        L.conv2dTranspose({ filters: 2, kernelSize: [3, 2], strides: [2, 1] }),
        L.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 3, useBias: false }),
      ]),
    [2, 3, 4, 2],
  ],
  [
    'depthwise and separable',
    () =>
      nb.sequential([
        L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', strides: 2, activation: 'tanh', inputShape: [7, 6, 2] }),
        L.separableConv2d({ filters: 3, kernelSize: 2, depthMultiplier: 2, padding: 'same', dilationRate: 2 }),
        L.separableConv2d({ filters: 2, kernelSize: [2, 1], strides: 2, activation: 'relu' }),
      ]),
    [2, 7, 6, 2],
  ],
  [
    'upsampling, padding and cropping',
    () =>
      nb.sequential([
        L.zeroPadding2d({
          padding: [
            [1, 0],
            [2, 1],
          ],
          inputShape: [3, 4, 2],
        }),
        L.upSampling2d({ size: [2, 3] }),
        L.cropping2d({
          cropping: [
            [1, 2],
            [0, 3],
          ],
        }),
        L.zeroPadding2d({ padding: [1, 0] }),
        L.cropping2d({ cropping: 1 }),
        L.conv2d({ filters: 2, kernelSize: 2 }),
      ]),
    [2, 3, 4, 2],
  ],
];

for (const [name, make, shape] of NABLA_MODELS) {
  test(`TF.js loads nabla's ${name} model and predicts the same`, async () => {
    nb.seed(5);
    const model = make();
    randomize(model);
    const tfModel = await toTfjs(model);
    const x = nb.randomNormal(shape);
    const want = model.predict(x);
    const got = tfModel.predict(tf.tensor(Array.from(x.storage), shape)) as tf.Tensor;
    assert.deepEqual(got.shape, want.shape);
    close(await got.data(), want.storage, name);
  });
}

test('nabla imports TF.js models with these layers and predicts what TF.js predicts', async () => {
  const models: [string, () => tf.Sequential, number[]][] = [
    [
      'conv1d',
      () =>
        tf.sequential({
          layers: [
            tf.layers.conv1d({
              filters: 3,
              kernelSize: 3,
              padding: 'valid',
              dilationRate: 2,
              activation: 'relu',
              inputShape: [8, 2],
              biasInitializer: 'randomNormal',
            }),
            tf.layers.conv1d({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', biasInitializer: 'ones' }),
          ],
        }),
      [2, 8, 2],
    ],
    [
      'conv2dTranspose',
      () =>
        tf.sequential({
          layers: [
            tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', inputShape: [3, 3, 2], biasInitializer: 'randomNormal' }),
            tf.layers.conv2dTranspose({ filters: 1, kernelSize: 2, strides: 3, padding: 'valid' }),
          ],
        }),
      [2, 3, 3, 2],
    ],
    [
      'depthwise and separable',
      () =>
        tf.sequential({
          layers: [
            tf.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, padding: 'same', inputShape: [5, 5, 2], biasInitializer: 'randomNormal' }),
            tf.layers.separableConv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', biasInitializer: 'randomNormal' }),
          ],
        }),
      [2, 5, 5, 2],
    ],
    [
      'upsampling, padding and cropping',
      () =>
        tf.sequential({
          layers: [
            tf.layers.zeroPadding2d({
              padding: [
                [0, 1],
                [1, 2],
              ],
              inputShape: [3, 3, 1],
            }),
            tf.layers.upSampling2d({ size: [3, 2] }),
            tf.layers.cropping2D({
              cropping: [
                [2, 1],
                [1, 0],
              ],
            }),
          ],
        }),
      [2, 3, 3, 1],
    ],
  ];
  for (const [name, make, shape] of models) {
    const tfModel = make();
    const model = fromTfjs(await artifactsOf(tfModel));
    const values = Array.from(nb.randomNormal(shape).storage);
    const want = await (tfModel.predict(tf.tensor(values, shape)) as tf.Tensor).data();
    const got = model.predict(nb.tensor(values, shape));
    close(got.storage, want, name);
  }
});

test('export and import refuse the options TF.js lacks or computes differently, by name', async () => {
  nb.seed(2);
  const refused: [nb.nn.Layer, RegExp][] = [
    [L.conv2d({ filters: 2, kernelSize: 2, groups: 2, inputShape: [4, 4, 2] }), /Conv2D with groups = 2: TF.js's Conv2D has no groups/],
    [L.conv1d({ filters: 2, kernelSize: 2, groups: 2, inputShape: [4, 2] }), /Conv1D with groups = 2: TF.js's Conv1D has no groups/],
    [
      L.conv1d({ filters: 2, kernelSize: 2, padding: 'causal', inputShape: [4, 2] }),
      /Conv1D with padding = "causal": TF.js's Conv1D does not implement causal padding/,
    ],
    [
      L.conv2dTranspose({ filters: 2, kernelSize: 2, dilationRate: 2, inputShape: [4, 4, 2] }),
      /Conv2DTranspose with dilationRate = \[2,2\]: TF.js's Conv2DTranspose has no dilation/,
    ],
    [
      L.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, outputPadding: 1, inputShape: [4, 4, 2] }),
      /outputPadding = \[1,1\]: TF.js's Conv2DTranspose has no output_padding/,
    ],
    [
      L.depthwiseConv2d({ kernelSize: 2, dilationRate: [1, 2], inputShape: [4, 4, 2] }),
      /DepthwiseConv2D with dilationRate = \[1,2\]: TF.js's DepthwiseConv2D ignores dilation_rate/,
    ],
    [
      L.upSampling2d({ interpolation: 'bilinear', inputShape: [2, 2, 1] }),
      /UpSampling2D with interpolation = "bilinear": TF.js's bilinear UpSampling2D samples at i·n\/m/,
    ],
  ];
  for (const [layer, re] of refused) assert.throws(() => nb.tfjs.exportModel(nb.sequential([layer])), re);

  // TF.js's bilinear upsampling really differs from Keras's (half-pixel centres, which nabla and PyTorch's align_corners=False compute)
  const x = [0, 1, 2, 3];
  const tfUp = tf.sequential({ layers: [tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear', inputShape: [2, 2, 1] })] });
  const tfRow = Array.from(await (tfUp.predict(tf.tensor(x, [1, 2, 2, 1])) as tf.Tensor).data()).slice(0, 4);
  const nbRow = Array.from(L.upSampling2d({ interpolation: 'bilinear' }).apply(nb.tensor(x, [1, 2, 2, 1])).storage).slice(0, 4);
  assert.deepEqual(tfRow, [0, 0.5, 1, 1]);
  assert.deepEqual(nbRow, [0, 0.25, 0.75, 1]);
  const upArtifacts = await artifactsOf(tfUp);
  assert.throws(
    () => fromTfjs(upArtifacts),
    /layer 'up_sampling2d_\w+' \(UpSampling2D\) has interpolation = "bilinear": TF.js's bilinear UpSampling2D samples/,
  );

  const dilated = tf.sequential({ layers: [tf.layers.depthwiseConv2d({ kernelSize: 2, dilationRate: 2, inputShape: [5, 5, 1] })] });
  const dilatedArtifacts = await artifactsOf(dilated);
  assert.throws(() => fromTfjs(dilatedArtifacts), /\(DepthwiseConv2D\) has dilationRate = \[2,2\]: TF.js's DepthwiseConv2D ignores dilation_rate/);
});
