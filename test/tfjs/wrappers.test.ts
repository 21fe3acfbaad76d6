// TF.js's layers format for the wrappers (TimeDistributed, Bidirectional)
// and the 1-D pools, checked by TF.js itself (@tensorflow/tfjs, CPU backend,
// in memory): TF.js loads nabla's exports and predicts what nabla predicts;
// nabla imports models built and saved by TF.js and predicts what TF.js
// predicts (weights named as TF.js names them: 'bidirectional_1/forward_lstm_1/kernel',
// 'time_distributed_1/kernel').
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as nb from '../../src/index.js';
import { close, artifactsOf } from './kit.js';

await tf.setBackend('cpu');
const L = nb.layers;

const NABLA_MODELS: [string, () => nb.Sequential, number[]][] = [
  [
    'timeDistributed(dense) + bidirectional(lstm) concat + pools',
    () =>
      nb.sequential([
        L.timeDistributed({ layer: L.dense({ units: 4, activation: 'relu' }), inputShape: [8, 3] }),
        L.bidirectional({ layer: L.lstm({ units: 3, returnSequences: true }) }),
        L.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }),
        L.averagePooling1d({ poolSize: 2 }),
        L.globalMaxPooling1d(),
        L.dense({ units: 2 }),
      ]),
    [2, 8, 3],
  ],
  [
    'bidirectional(gru) ave + globalAveragePooling1d',
    () =>
      nb.sequential([
        L.bidirectional({ layer: L.gru({ units: 3, resetAfter: false, returnSequences: true }), mergeMode: 'ave', inputShape: [5, 2] }),
        L.globalAveragePooling1d(),
      ]),
    [3, 5, 2],
  ],
  [
    'bidirectional(simpleRNN) sum and mul, last step',
    () =>
      nb.sequential([
        L.bidirectional({ layer: L.simpleRNN({ units: 4, returnSequences: true }), mergeMode: 'mul', inputShape: [5, 2] }),
        L.bidirectional({ layer: L.simpleRNN({ units: 3, goBackwards: true }), mergeMode: 'sum' }),
      ]),
    [3, 5, 2],
  ],
];

for (const [name, make, shape] of NABLA_MODELS) {
  test(`TF.js loads nabla's ${name} and predicts the same`, async () => {
    nb.seed(12);
    const model = make();
    const { modelJson, weights } = nb.tfjs.exportModel(model);
    const json = JSON.parse(JSON.stringify(modelJson));
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

test('nabla imports TF.js models with wrappers and 1-D pools and predicts what TF.js predicts', async () => {
  const models: [string, tf.Sequential, number[]][] = [
    [
      'timeDistributed + bidirectional(lstm) + pools',
      tf.sequential({
        layers: [
          tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'tanh' }), inputShape: [6, 2] }),
          tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, recurrentActivation: 'sigmoid', returnSequences: true }) as tf.RNN }),
          tf.layers.maxPooling1d({ poolSize: 2 }),
          tf.layers.averagePooling1d({ poolSize: 2, strides: 1, padding: 'same' }),
          tf.layers.globalAveragePooling1d(),
          tf.layers.dense({ units: 2 }),
        ],
      }),
      [2, 6, 2],
    ],
    [
      'bidirectional(gru) sum + globalMaxPooling1d',
      tf.sequential({
        layers: [
          tf.layers.bidirectional({
            layer: tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true }) as tf.RNN,
            mergeMode: 'sum',
            inputShape: [4, 2],
          }),
          tf.layers.globalMaxPooling1d(),
        ],
      }),
      [3, 4, 2],
    ],
  ];
  for (const [name, tfModel, shape] of models) {
    const a = await artifactsOf(tfModel);
    const model = nb.tfjs.importModel({ modelTopology: a.modelTopology, weightSpecs: a.weightSpecs! as never, weightData: a.weightData as ArrayBuffer });
    const values = Array.from(nb.randomNormal(shape).storage);
    const want = await (tfModel.predict(tf.tensor(values, shape)) as tf.Tensor).data();
    const got = model.predict(nb.tensor(values, shape));
    close(got.storage, want, name);
  }
});

test('export refuses what TF.js cannot hold in a wrapper or a 1-D pool, by name', () => {
  assert.throws(
    () => nb.tfjs.exportModel(nb.sequential([L.bidirectional({ layer: L.gru({ units: 2 }), inputShape: [3, 2] })])),
    /is a Bidirectional of a GRU with resetAfter: true, which TF.js's GRU does not support/,
  );
  assert.throws(
    () => nb.tfjs.exportModel(nb.sequential([L.globalMaxPooling1d({ keepDims: true, inputShape: [3, 2] })])),
    /GlobalMaxPooling1D with keepDims: true, which TF.js's does not have/,
  );
});
