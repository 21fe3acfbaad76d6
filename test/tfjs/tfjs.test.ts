// TF.js's layers format, checked by TF.js itself (@tensorflow/tfjs, CPU
// backend, in memory: no files, no tfjs-node): TF.js loads nabla's exports
// and predicts what nabla predicts; nabla imports models built and saved by
// TF.js and predicts what TF.js predicts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as nb from '../../src/index.js';
import { close } from './kit.js';

await tf.setBackend('cpu');
const L = nb.layers;

const NABLA_MODELS: [string, () => nb.Sequential, number[]][] = [
  [
    'mlp',
    () => nb.sequential([L.dense({ units: 8, activation: 'relu', inputShape: [5] }), L.dropout({ rate: 0.3 }), L.dense({ units: 3, activation: 'softmax' })]),
    [4, 5],
  ],
  [
    'cnn',
    () =>
      nb.sequential([
        L.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 2] }),
        L.batchNormalization(),
        L.maxPooling2d({ poolSize: 2 }),
        L.conv2d({ filters: 4, kernelSize: [2, 3], strides: 2, activation: 'tanh' }),
        L.averagePooling2d({ poolSize: 1 }),
        L.flatten(),
        L.reshape({ targetShape: [8] }),
        L.dense({ units: 2 }),
        L.activation({ activation: 'sigmoid' }),
      ]),
    [3, 8, 8, 2],
  ],
  ['global pools', () => nb.sequential([L.conv2d({ filters: 3, kernelSize: 2, inputShape: [5, 5, 1] }), L.globalAveragePooling2d()]), [2, 5, 5, 1]],
  [
    "pools with poolSize > 1 and 'same' padding, global max",
    () =>
      nb.sequential([
        L.conv2d({ filters: 3, kernelSize: 2, inputShape: [7, 6, 2] }),
        L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        L.averagePooling2d({ poolSize: [2, 1], strides: 1, padding: 'same' }),
        L.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
        L.globalMaxPooling2d(),
      ]),
    [2, 7, 6, 2],
  ],
  ['simpleRNN', () => nb.sequential([L.simpleRNN({ units: 4, returnSequences: true, inputShape: [6, 3] }), L.flatten(), L.dense({ units: 2 })]), [3, 6, 3]],
  ['lstm', () => nb.sequential([L.lstm({ units: 5, inputShape: [6, 3] }), L.dense({ units: 2 })]), [3, 6, 3]],
  ['gru', () => nb.sequential([L.gru({ units: 4, resetAfter: false, inputShape: [6, 3] }), L.dense({ units: 2 })]), [3, 6, 3]],
  [
    'layerNormalization',
    () => {
      const model = nb.sequential([
        L.dense({ units: 4, inputShape: [3, 5] }),
        L.layerNormalization(),
        L.layerNormalization({ axis: [1, 2], epsilon: 1e-5 }),
        L.layerNormalization({ axis: 1, center: false }),
      ]);
      // γ and β off 1 and 0
      for (const v of model.trainableParameters().filter((p) => /gamma|beta/.test(p.name))) v.assign(nb.randomNormal([...v.shape], 0.5, 1));
      return model;
    },
    [2, 3, 5],
  ],
  [
    'rescaling',
    () =>
      nb.sequential([
        L.rescaling({ scale: 1 / 255, offset: -0.5, inputShape: [4, 3] }),
        L.rescaling({ scale: [2, 0.5, -1], offset: [0.1, 0, 3] }),
        L.flatten(),
        L.dense({ units: 2 }),
      ]),
    [2, 4, 3],
  ],
];

for (const [name, make, shape] of NABLA_MODELS) {
  test(`TF.js loads nabla's ${name} (model.json + weights.bin) and predicts the same`, async () => {
    nb.seed(11);
    const model = make();
    if (name === 'cnn') {
      // move the batch-norm statistics off 0 and 1
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      await model.fit(nb.randomNormal([8, 8, 8, 2], 1, 2), nb.randomUniform([8, 2]), { epochs: 1, verbose: 0 });
    }
    const { modelJson, weights } = nb.tfjs.exportModel(model);
    const text = JSON.stringify(modelJson); // as the file holds it
    const json = JSON.parse(text);
    const tfModel = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.slice().buffer }),
    );
    const x = nb.randomNormal(shape);
    const want = model.predict(x);
    const got = tfModel.predict(tf.tensor(Array.from(x.storage), shape)) as tf.Tensor;
    assert.deepEqual(got.shape, want.shape);
    close(await got.data(), want.storage, name);
  });
}

test("TF.js loads nabla's Embedding and predicts the same", async () => {
  nb.seed(12);
  const model = nb.sequential([L.embedding({ inputDim: 10, outputDim: 3, inputShape: [5] }), L.flatten(), L.dense({ units: 2 })]);
  const { modelJson, weights } = nb.tfjs.exportModel(model);
  const json = JSON.parse(JSON.stringify(modelJson));
  const tfModel = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.slice().buffer }),
  );
  const ids = Array.from({ length: 15 }, (_, i) => (i * 7 + 3) % 10);
  const want = model.predict(nb.tensor(ids, [3, 5], 'int32'));
  const got = tfModel.predict(tf.tensor(ids, [3, 5], 'int32')) as tf.Tensor;
  assert.deepEqual(got.shape, want.shape);
  close(await got.data(), want.storage, 'embedding');
});

/** A TF.js BatchNormalization's γ, β, moving mean and moving variance set off their defaults (1, 0, 0, 1). */
function offDefaults(model: tf.Sequential): tf.Sequential {
  for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    const n = layer.getWeights()[0]!.shape[0]!;
    const v = (f: (i: number) => number) => tf.tensor1d(Array.from({ length: n }, (_, i) => f(i)));
    layer.setWeights([v((i) => 0.5 + 0.3 * i), v((i) => 0.2 - 0.15 * i), v((i) => 0.4 * Math.sin(i + 1)), v((i) => 0.3 + 0.6 * i)]);
  }
  return model;
}

test('nabla imports a TF.js model (saved through a save handler) and predicts what TF.js predicts', async () => {
  const models: [string, tf.Sequential, number[]][] = [
    [
      'cnn',
      tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 1] }),
          tf.layers.batchNormalization(),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dropout({ rate: 0.2 }),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
      [2, 6, 6, 1],
    ],
    [
      'embedding + lstm',
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 10, outputDim: 3, inputShape: [5] }),
          tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid' }),
          tf.layers.dense({ units: 1 }),
        ],
      }),
      [2, 5],
    ],
    [
      'layerNormalization',
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 4, inputShape: [3, 5] }),
          tf.layers.layerNormalization({ betaInitializer: 'randomNormal', gammaInitializer: 'randomNormal' }),
          tf.layers.layerNormalization({ axis: [1, 2], epsilon: 1e-5, betaInitializer: 'randomNormal', gammaInitializer: 'randomNormal' }),
          tf.layers.layerNormalization({ axis: -2, center: false, gammaInitializer: 'randomNormal' }),
        ],
      }),
      [2, 3, 5],
    ],
    [
      'rescaling',
      tf.sequential({
        layers: [tf.layers.rescaling({ scale: 1 / 127.5, offset: -1, inputShape: [3, 2] }), tf.layers.flatten(), tf.layers.dense({ units: 2 })],
      }),
      [2, 3, 2],
    ],
    [
      'conv (random bias) + batchNormalization (off-default statistics) + averagePooling2d + activation + globalMaxPooling2d',
      offDefaults(
        tf.sequential({
          layers: [
            tf.layers.conv2d({ filters: 3, kernelSize: 3, biasInitializer: 'randomNormal', inputShape: [7, 7, 2] }),
            tf.layers.batchNormalization(),
            tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
            tf.layers.activation({ activation: 'elu' }),
            tf.layers.averagePooling2d({ poolSize: [2, 3], strides: [2, 1] }),
            tf.layers.globalMaxPooling2d({}),
          ],
        }),
      ),
      [2, 7, 7, 2],
    ],
    [
      'globalAveragePooling2d + reshape + dense (random bias) + activation',
      tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 4, kernelSize: 2, biasInitializer: 'randomUniform', inputShape: [5, 5, 1] }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.reshape({ targetShape: [2, 2] }),
          tf.layers.dense({ units: 3, biasInitializer: 'randomNormal' }),
          tf.layers.activation({ activation: 'softmax' }),
        ],
      }),
      [3, 5, 5, 1],
    ],
    [
      'simpleRNN (random biases)',
      tf.sequential({
        layers: [
          tf.layers.simpleRNN({ units: 4, returnSequences: true, biasInitializer: 'randomNormal', inputShape: [5, 3] }),
          tf.layers.simpleRNN({ units: 3, activation: 'relu', biasInitializer: 'randomNormal' }),
          tf.layers.dense({ units: 2, biasInitializer: 'randomNormal' }),
        ],
      }),
      [2, 5, 3],
    ],
    [
      'gru',
      tf.sequential({
        layers: [
          tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true, inputShape: [4, 2] }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 2, activation: 'tanh' }),
        ],
      }),
      [3, 4, 2],
    ],
  ];
  for (const [name, tfModel, shape] of models) {
    let artifacts: tf.io.ModelArtifacts | null = null;
    await tfModel.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const a = artifacts! as tf.io.ModelArtifacts;
    const model = nb.tfjs.importModel({ modelTopology: a.modelTopology, weightSpecs: a.weightSpecs! as never, weightData: a.weightData as ArrayBuffer });
    const values = name.startsWith('embedding')
      ? Array.from({ length: shape[0]! * shape[1]! }, (_, i) => (i * 7) % 10)
      : Array.from(nb.randomNormal(shape).storage);
    const want = await (tfModel.predict(tf.tensor(values, shape)) as tf.Tensor).data();
    const got = model.predict(nb.tensor(values, shape, name.startsWith('embedding') ? 'int32' : 'float32'));
    close(got.storage, want, name);
  }
});

test('export and import refuse what the other side cannot hold, by name', async () => {
  nb.seed(1);
  assert.throws(
    () => nb.tfjs.exportModel(nb.sequential([L.gru({ units: 2, inputShape: [3, 2] })])),
    /GRU with resetAfter: true, which TF.js's GRU does not support/,
  );
  assert.throws(() => nb.tfjs.exportModel(nb.sequential([L.dense({ units: 2 })])), /not built/);
  const tfModel = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelRegularizer: 'l1l2' })] });
  let a: tf.io.ModelArtifacts | null = null;
  await tfModel.save(
    tf.io.withSaveHandler(async (x) => {
      a = x;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const art = a! as tf.io.ModelArtifacts;
  assert.throws(
    () => nb.tfjs.importModel({ modelTopology: art.modelTopology, weightSpecs: art.weightSpecs! as never, weightData: art.weightData as ArrayBuffer }),
    /has kernelRegularizer = .*which nabla does not have/,
  );
  const { modelJson, weights } = nb.tfjs.exportModel(nb.sequential([L.dense({ units: 2, inputShape: [3] })]));
  assert.throws(() => nb.tfjs.importModel({ modelJson, weights: weights.subarray(0, 10) }), /the weights are truncated/);
  assert.throws(() => nb.tfjs.importModel({ modelJson: '{', weights }), /model.json is not JSON/);
  const odd = JSON.parse(JSON.stringify(modelJson));
  odd.modelTopology.config.layers[0].class_name = 'ConvLSTM2D';
  assert.throws(() => nb.tfjs.importModel({ modelJson: odd, weights }), /layer 0 is a the string "ConvLSTM2D", which nabla does not have/);
});
