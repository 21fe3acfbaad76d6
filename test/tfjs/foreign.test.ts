// TF.js files nabla meets that it did not write: a Sequential converted from
// Keras (tensorflowjs_converter), which starts with an InputLayer, read by
// nabla and by TF.js itself; and the files nabla cannot import (a graph
// model, a functional model, wrappers nested too deep), each refused with a
// one-line error naming what it is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as nb from '../../src/index.js';
import { close } from './kit.js';

await tf.setBackend('cpu');

/** Throws a NablaError whose message is one line matching `re`. */
function refuses(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof nb.NablaError && re.test((e as Error).message) && !(e as Error).message.includes('\n'), String(re));
}

const keras2Dense = (name: string, units: number, activation: string) => ({
  class_name: 'Dense',
  config: {
    name,
    trainable: true,
    dtype: 'float32',
    units,
    activation,
    use_bias: true,
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  },
});

/** A model.json as tensorflowjs_converter writes a Keras 2 Sequential (an InputLayer first, the topology under model_config). */
function convertedFromKeras(inputLayerConfig: Record<string, unknown>) {
  return {
    format: 'layers-model',
    generatedBy: 'keras v2.13.1',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.13.1',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [{ class_name: 'InputLayer', config: inputLayerConfig }, keras2Dense('dense', 3, 'relu'), keras2Dense('dense_1', 2, 'hard_sigmoid')],
        },
      },
      training_config: { loss: 'mse', metrics: null, weighted_metrics: null, loss_weights: null, optimizer_config: { class_name: 'Adam', config: {} } },
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'dense/kernel', shape: [4, 3], dtype: 'float32' },
          { name: 'dense/bias', shape: [3], dtype: 'float32' },
          { name: 'dense_1/kernel', shape: [3, 2], dtype: 'float32' },
          { name: 'dense_1/bias', shape: [2], dtype: 'float32' },
        ],
      },
    ],
  };
}

const WEIGHTS = Float32Array.from({ length: 4 * 3 + 3 + 3 * 2 + 2 }, (_, i) => Math.sin(i * 1.7) * 1.5);

test('a Keras-converted Sequential starting with an InputLayer: nabla reads it and predicts what TF.js predicts', async () => {
  const keras2 = convertedFromKeras({ batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'dense_input' });
  const keras3 = convertedFromKeras({ batch_shape: [null, 4], dtype: 'float32', sparse: false, name: 'input_layer' });
  const weights = new Uint8Array(WEIGHTS.buffer.slice(0));
  const x = nb.mul(nb.randomNormal([5, 4]), 2);
  // TF.js reads Keras 2's batch_input_shape (not Keras 3's batch_shape): its prediction is the reference for both
  const tfModel = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: keras2.modelTopology, weightSpecs: keras2.weightsManifest[0]!.weights as never, weightData: weights.slice().buffer }),
  );
  const want = await (tfModel.predict(tf.tensor(Array.from(x.storage), [5, 4])) as tf.Tensor).data();
  for (const [name, json] of [
    ['batch_input_shape', keras2],
    ['batch_shape', keras3],
  ] as const) {
    const model = nb.tfjs.importModel({ modelJson: JSON.stringify(json), weights });
    assert.deepEqual(model.inputShape, [4], name);
    assert.deepEqual(
      model.layers.map((l) => l.className),
      ['Dense', 'Dense'],
      name,
    );
    close(model.predict(x).storage, want, name);
  }
  // an InputLayer anywhere else, or without a shape, is refused
  const late = convertedFromKeras({ batch_input_shape: [null, 4], name: 'in' });
  const layers = late.modelTopology.model_config.config.layers;
  layers.splice(0, 2, layers[1]!, layers[0]!);
  refuses(() => nb.tfjs.importModel({ modelJson: late, weights }), /tfjs.importModel: layer 1 is an InputLayer, which may only come first in a Sequential/);
  refuses(
    () => nb.tfjs.importModel({ modelJson: convertedFromKeras({ name: 'in' }), weights }),
    /the InputLayer has no batch_input_shape of positive sizes \(got undefined\)/,
  );
  refuses(
    () => nb.tfjs.importModel({ modelJson: convertedFromKeras({ batch_input_shape: [null, 4], sparse: true, name: 'in' }), weights }),
    /the InputLayer is sparse, which nabla does not have/,
  );
});

test('a TF.js graph model is refused, naming it (model.json and artifacts)', () => {
  const graph = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: { node: [{ name: 'x', op: 'Placeholder', attr: {} }], library: {}, versions: { producer: 1286 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }],
  };
  const re = /tfjs.importModel: the model is a TF.js graph model \(format 'graph-model'.*tf.loadGraphModel\), not a layers model/;
  refuses(() => nb.tfjs.importModel({ modelJson: graph, weights: new Uint8Array(0) }), re);
  refuses(() => nb.tfjs.importModel({ modelTopology: graph.modelTopology, weightSpecs: [], weightData: new ArrayBuffer(0) }), re);
});

test('a functional model (TF.js Model, Keras Functional) is refused, naming it', async () => {
  const input = tf.input({ shape: [3] });
  const output = tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor;
  let a: tf.io.ModelArtifacts | null = null;
  await tf.model({ inputs: input, outputs: output }).save(
    tf.io.withSaveHandler(async (x) => {
      a = x;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const art = a! as tf.io.ModelArtifacts;
  assert.equal((art.modelTopology as { class_name: string }).class_name, 'Model');
  refuses(
    () => nb.tfjs.importModel({ modelTopology: art.modelTopology, weightSpecs: art.weightSpecs! as never, weightData: art.weightData as ArrayBuffer }),
    /tfjs.importModel: the model is a functional Keras model \(class_name 'Model'\), not a Sequential/,
  );
  const keras = { ...(art.modelTopology as object), class_name: 'Functional' };
  refuses(
    () => nb.tfjs.importModel({ modelTopology: { model_config: keras }, weightSpecs: art.weightSpecs! as never, weightData: art.weightData as ArrayBuffer }),
    /functional Keras model \(class_name 'Functional'\)/,
  );
});

test('wrappers nested deeper than the limit are refused on import and export', () => {
  const dense = { class_name: 'Dense', config: { name: 'd', units: 2, activation: 'linear', use_bias: true } };
  let layer: Record<string, unknown> = dense;
  for (let i = 0; i < 6; i++) layer = { class_name: 'TimeDistributed', config: { name: `td${i}`, layer } };
  const config = layer['config'] as Record<string, unknown>;
  config['batch_input_shape'] = [null, 1, 1, 1, 1, 1, 1, 3];
  const modelJson = {
    format: 'layers-model',
    modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [layer] } },
    weightsManifest: [{ paths: [], weights: [] }],
  };
  refuses(() => nb.tfjs.importModel({ modelJson, weights: new Uint8Array(0) }), /tfjs.importModel: layer 0 nests wrappers more than 4 deep/);

  let inner: nb.nn.Layer = nb.layers.dense({ units: 2 });
  for (let i = 0; i < 5; i++) inner = nb.layers.timeDistributed({ layer: inner });
  const model = nb.sequential([nb.layers.timeDistributed({ layer: inner, inputShape: [1, 1, 1, 1, 1, 1, 3] })]);
  refuses(
    () => nb.tfjs.exportModel(model),
    /tfjs.exportModel: layer 'time_distributed\w*' is a TimeDistributed of a TimeDistributed .*: wrappers nest more than 4 deep/,
  );
});
