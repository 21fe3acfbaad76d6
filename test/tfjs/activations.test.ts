// Activations across TF.js's layers format, checked by TF.js itself
// (@tensorflow/tfjs, CPU backend, in memory). TF.js's 'hard_sigmoid' is
// Keras 2's clip(0.2x + 0.5, 0, 1), nabla's 'hardSigmoidKeras2', and the
// default recurrentActivation of TF.js's LSTM and GRU; nabla's hardSigmoid
// (PyTorch's x/6 + 1/2) and the activations TF.js lacks are refused by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as nb from '../../src/index.js';
import { close, artifactsOf, toTfjs, fromTfjs } from './kit.js';

await tf.setBackend('cpu');
const L = nb.layers;

/** Inputs spread over ±5, so that both hard sigmoids' corners (±2.5, ±3) and slopes show. */
const spread = (shape: number[]) => nb.mul(nb.randomNormal(shape), 2.5);

async function tfjsPredicts(tfModel: tf.LayersModel, x: nb.Tensor): Promise<Float32Array> {
  return (await (tfModel.predict(tf.tensor(Array.from(x.storage), [...x.shape])) as tf.Tensor).data()) as Float32Array;
}

test("nabla imports TF.js's default LSTM and GRU (recurrentActivation 'hard_sigmoid', unspecified) and predicts what TF.js predicts", async () => {
  nb.seed(21);
  const models: [string, tf.Sequential, number[]][] = [
    ['lstm', tf.sequential({ layers: [tf.layers.lstm({ units: 4, returnSequences: true, inputShape: [6, 3] }), tf.layers.flatten()] }), [3, 6, 3]],
    ['gru', tf.sequential({ layers: [tf.layers.gru({ units: 4, returnSequences: true, inputShape: [6, 3] }), tf.layers.flatten()] }), [3, 6, 3]],
    [
      'bidirectional lstm',
      tf.sequential({ layers: [tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3 }) as tf.RNN, inputShape: [5, 2] })] }),
      [2, 5, 2],
    ],
    [
      "Activation('hardSigmoid')",
      tf.sequential({ layers: [tf.layers.dense({ units: 6, inputShape: [4] }), tf.layers.activation({ activation: 'hardSigmoid' })] }),
      [5, 4],
    ],
  ];
  for (const [name, tfModel, shape] of models) {
    const a = await artifactsOf(tfModel);
    assert.match(JSON.stringify(a.modelTopology), /"hard_sigmoid"/, `${name}: TF.js writes 'hard_sigmoid'`);
    const model = fromTfjs(a);
    const x = spread(shape);
    const want = await tfjsPredicts(tfModel, x);
    close(model.predict(x).storage, want, name);
    // and back: TF.js loads nabla's export of it and predicts the same
    close(await tfjsPredicts(await toTfjs(model), x), want, `${name} exported back`);
  }
  // the imported layers hold the Keras 2 hard sigmoid
  const lstm = fromTfjs(await artifactsOf(models[0]![1])).layers[0] as unknown as { recurrentActivation: string };
  assert.equal(lstm.recurrentActivation, 'hardSigmoidKeras2');
});

test("TF.js loads nabla's hardSigmoidKeras2 (Activation, LSTM, GRU, in a Bidirectional) as its 'hard_sigmoid' and predicts the same", async () => {
  nb.seed(22);
  const models: [string, () => nb.Sequential, number[]][] = [
    ['activation', () => nb.sequential([L.dense({ units: 6, inputShape: [4] }), L.activation({ activation: 'hardSigmoidKeras2' })]), [5, 4]],
    ['dense', () => nb.sequential([L.dense({ units: 6, activation: 'hardSigmoidKeras2', inputShape: [4] })]), [5, 4]],
    ['lstm', () => nb.sequential([L.lstm({ units: 4, recurrentActivation: 'hardSigmoidKeras2', inputShape: [6, 3] })]), [3, 6, 3]],
    ['gru', () => nb.sequential([L.gru({ units: 4, resetAfter: false, recurrentActivation: 'hardSigmoidKeras2', inputShape: [6, 3] })]), [3, 6, 3]],
    [
      'bidirectional gru',
      () => nb.sequential([L.bidirectional({ layer: L.gru({ units: 3, resetAfter: false, recurrentActivation: 'hardSigmoidKeras2' }), inputShape: [5, 2] })]),
      [2, 5, 2],
    ],
  ];
  for (const [name, make, shape] of models) {
    const model = make();
    const { modelJson } = nb.tfjs.exportModel(model);
    const text = JSON.stringify(modelJson);
    assert.match(text, /"hard_sigmoid"/, name);
    assert.doesNotMatch(text, /Keras2/, name);
    const x = spread(shape);
    close(await tfjsPredicts(await toTfjs(model), x), model.predict(x).storage, name);
  }
});

test("every nabla activation either reaches TF.js computing the same, or is refused by name (nabla's x/6 hardSigmoid among them)", async () => {
  nb.seed(23);
  const tfjsHas = [
    'linear',
    'sigmoid',
    'tanh',
    'relu',
    'relu6',
    'elu',
    'selu',
    'softplus',
    'softsign',
    'softmax',
    'swish',
    'mish',
    'gelu',
    'hardSigmoidKeras2',
  ];
  for (const activation of nb.nn.ACTIVATIONS) {
    const model = nb.sequential([L.dense({ units: 5, inputShape: [3] }), L.activation({ activation })]);
    if (tfjsHas.includes(activation)) {
      const x = spread([4, 3]);
      close(await tfjsPredicts(await toTfjs(model), x), model.predict(x).storage, activation);
    } else {
      assert.throws(
        () => nb.tfjs.exportModel(model),
        (e: unknown) =>
          e instanceof nb.NablaError &&
          new RegExp(`layer 'activation_\\d+' is a Activation with activation .*${activation}.*, which TF\\.js does not have`).test((e as Error).message) &&
          !(e as Error).message.includes('\n'),
        activation,
      );
    }
  }
  assert.deepEqual(
    nb.nn.ACTIVATIONS.filter((a) => !tfjsHas.includes(a)),
    ['leakyRelu', 'celu', 'logSigmoid', 'hardSigmoid', 'hardSwish', 'softmin'],
  );
  assert.throws(
    () => nb.tfjs.exportModel(nb.sequential([L.activation({ activation: 'hardSigmoid', inputShape: [3] })])),
    /activation 'hardSigmoid' \(PyTorch's x\/6 \+ 1\/2\), which TF.js does not have: TF.js's 'hard_sigmoid' is 0.2x \+ 0.5, nabla's 'hardSigmoidKeras2'/,
  );
});

test('export refuses activations TF.js lacks in activation and recurrentActivation, inside wrappers too', () => {
  nb.seed(24);
  const refused: [nb.nn.Layer, RegExp][] = [
    [
      L.dense({ units: 2, activation: 'leakyRelu', inputShape: [3] }),
      /layer 'dense_\d+' is a Dense with activation "leakyRelu", which TF.js does not have \(it has linear, /,
    ],
    [L.conv2d({ filters: 2, kernelSize: 2, activation: 'hardSwish', inputShape: [4, 4, 1] }), /is a Conv2D with activation "hardSwish", which TF.js/],
    [L.simpleRNN({ units: 2, activation: 'celu', inputShape: [3, 2] }), /is a SimpleRNN with activation "celu", which TF.js/],
    [
      L.lstm({ units: 2, recurrentActivation: 'hardSigmoid', inputShape: [3, 2] }),
      /is a LSTM with recurrentActivation 'hardSigmoid' \(PyTorch's x\/6 \+ 1\/2\)/,
    ],
    [
      L.gru({ units: 2, resetAfter: false, recurrentActivation: 'logSigmoid', inputShape: [3, 2] }),
      /is a GRU with recurrentActivation "logSigmoid", which TF.js/,
    ],
    [
      L.timeDistributed({ layer: L.dense({ units: 2, activation: 'softmin' }), inputShape: [3, 2] }),
      /is a TimeDistributed of a Dense with activation "softmin", which TF.js does not have/,
    ],
    [
      L.bidirectional({ layer: L.lstm({ units: 2, recurrentActivation: 'hard_sigmoid' }), inputShape: [3, 2] }),
      /is a Bidirectional of a LSTM with recurrentActivation 'hardSigmoid' \(PyTorch's x\/6 \+ 1\/2\)/,
    ],
    [
      L.bidirectional({ layer: L.gru({ units: 2, resetAfter: false, activation: 'leakyRelu' }), inputShape: [3, 2] }),
      /is a Bidirectional of a GRU with activation "leakyRelu", which TF.js does not have/,
    ],
  ];
  for (const [layer, re] of refused) {
    assert.throws(
      () => nb.tfjs.exportModel(nb.sequential([layer])),
      (e: unknown) => e instanceof nb.NablaError && re.test((e as Error).message),
      String(re),
    );
  }
});

test('import refuses activations nabla does not read from TF.js, by layer and key', async () => {
  const a = await artifactsOf(tf.sequential({ layers: [tf.layers.lstm({ units: 2, inputShape: [3, 2] })] }));
  const edit = (key: string, value: unknown) => {
    const topology = JSON.parse(JSON.stringify(a.modelTopology));
    topology.config.layers[0].config[key] = value;
    return { ...a, modelTopology: topology } as tf.io.ModelArtifacts;
  };
  assert.throws(
    () => fromTfjs(edit('activation', 'log_softmax')),
    /layer 'lstm\w*' \(LSTM\) has activation "log_softmax", which nabla does not read from TF.js \(it reads linear,.*hard_sigmoid\)/,
  );
  assert.throws(() => fromTfjs(edit('recurrent_activation', 'leaky_relu')), /\(LSTM\) has recurrentActivation "leaky_relu", which nabla does not read/);
  // TF.js reads names camelCased: 'hardSigmoid' is its hard sigmoid too
  const layer = fromTfjs(edit('recurrent_activation', 'hardSigmoid')).layers[0] as unknown as { recurrentActivation: string };
  assert.equal(layer.recurrentActivation, 'hardSigmoidKeras2');
  // a missing recurrent_activation is TF.js's default, its hard sigmoid
  const topology = JSON.parse(JSON.stringify(a.modelTopology));
  delete topology.config.layers[0].config.recurrent_activation;
  const defaulted = fromTfjs({ ...a, modelTopology: topology }).layers[0] as unknown as { recurrentActivation: string };
  assert.equal(defaulted.recurrentActivation, 'hardSigmoidKeras2');
});
