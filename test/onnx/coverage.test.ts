// docs/INTEROP.md's coverage tables checked against the code, so they cannot
// drift: every layer class, every ONNX operator nabla reads and every
// primitive has a row; a ✓ in an export column is a tiny model the exporter
// writes and the runtime (TF.js, ONNX Runtime) runs as nabla predicts; the
// import columns match the importers' own lists.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as nb from '../../src/index.js';
import { exportModel } from '../../src/onnx/index.js';
import { IMPORTS } from '../../src/onnx/import-ops.js';
import { emitters } from '../../src/onnx/ops.js';
import { SEQUENTIAL_LAYERS, SEQUENTIAL_OPS, SIDE_OPS } from '../../src/onnx/sequential-chain.js';
import { multiOutputPrimitives, primitives } from '../../src/ops/primitives.js';
import { TORCH_LAYERS } from '../../src/safetensors/torch.js';
import { TFJS_LAYERS } from '../../src/tfjs/keras.js';
import { runOnnx } from './ort.js';

await tf.setBackend('cpu');

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const doc = readFileSync(join(root, 'docs', 'INTEROP.md'), 'utf8');

/** The rows (cells, trimmed) of the first table under the heading `## title`. */
function table(title: string): string[][] {
  const at = doc.indexOf(`\n## ${title}\n`);
  assert.ok(at >= 0, `docs/INTEROP.md has a section '## ${title}'`);
  const lines = doc.slice(at).split('\n').slice(2);
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const l of lines.slice(start)) {
    if (!l.startsWith('|')) break;
    rows.push(
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  return rows.slice(2); // the header and the separator
}
const yes = (cell: string) => cell.startsWith('✓');

/** A tiny model with each layer class (its input shape and how to draw an input). */
const L = nb.layers;
const EXAMPLES: Record<string, { layers?: () => nb.nn.Layer[]; model?: () => nb.Model; input: (m: number) => nb.Tensor }> = {
  Activation: { layers: () => [L.activation({ activation: 'tanh', inputShape: [4] })], input: (m) => nb.randomNormal([m, 4]) },
  AveragePooling1D: {
    layers: () => [L.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same', inputShape: [6, 2] })],
    input: (m) => nb.randomNormal([m, 6, 2]),
  },
  Bidirectional: {
    layers: () => [L.bidirectional({ layer: L.lstm({ units: 2, returnSequences: true }), inputShape: [3, 2] })],
    input: (m) => nb.randomNormal([m, 3, 2]),
  },
  GlobalAveragePooling1D: { layers: () => [L.globalAveragePooling1d({ inputShape: [4, 2] })], input: (m) => nb.randomNormal([m, 4, 2]) },
  GlobalMaxPooling1D: { layers: () => [L.globalMaxPooling1d({ inputShape: [4, 2] })], input: (m) => nb.randomNormal([m, 4, 2]) },
  MaxPooling1D: { layers: () => [L.maxPooling1d({ inputShape: [6, 2] })], input: (m) => nb.randomNormal([m, 6, 2]) },
  TimeDistributed: { layers: () => [L.timeDistributed({ layer: L.dense({ units: 2 }), inputShape: [3, 4] })], input: (m) => nb.randomNormal([m, 3, 4]) },
  AveragePooling2D: { layers: () => [L.averagePooling2d({ padding: 'same', inputShape: [5, 5, 2] })], input: (m) => nb.randomNormal([m, 5, 5, 2]) },
  BatchNormalization: { layers: () => [L.batchNormalization({ inputShape: [4] })], input: (m) => nb.randomNormal([m, 4]) },
  Conv1D: { layers: () => [L.conv1d({ filters: 2, kernelSize: 2, padding: 'same', inputShape: [5, 3] })], input: (m) => nb.randomNormal([m, 5, 3]) },
  Conv2D: { layers: () => [L.conv2d({ filters: 2, kernelSize: 2, inputShape: [4, 4, 2] })], input: (m) => nb.randomNormal([m, 4, 4, 2]) },
  Conv2DTranspose: {
    layers: () => [L.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', inputShape: [3, 3, 2] })],
    input: (m) => nb.randomNormal([m, 3, 3, 2]),
  },
  Cropping2D: {
    layers: () => [
      L.cropping2d({
        cropping: [
          [1, 0],
          [0, 2],
        ],
        inputShape: [4, 5, 2],
      }),
    ],
    input: (m) => nb.randomNormal([m, 4, 5, 2]),
  },
  Dense: { layers: () => [L.dense({ units: 2, inputShape: [4] })], input: (m) => nb.randomNormal([m, 4]) },
  DepthwiseConv2D: {
    layers: () => [L.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, inputShape: [4, 4, 2] })],
    input: (m) => nb.randomNormal([m, 4, 4, 2]),
  },
  Dropout: { layers: () => [L.dropout({ rate: 0.5, inputShape: [4] })], input: (m) => nb.randomNormal([m, 4]) },
  Embedding: { layers: () => [L.embedding({ inputDim: 5, outputDim: 2, inputShape: [3] })], input: (m) => nb.tensor(Array(3 * m).fill(1), [m, 3]) },
  Flatten: { layers: () => [L.flatten({ inputShape: [2, 3] })], input: (m) => nb.randomNormal([m, 2, 3]) },
  GroupNormalization: { layers: () => [L.groupNormalization({ groups: 2, inputShape: [3, 4] })], input: (m) => nb.randomNormal([m, 3, 4]) },
  GRU: { layers: () => [L.gru({ units: 2, resetAfter: false, inputShape: [3, 2] })], input: (m) => nb.randomNormal([m, 3, 2]) },
  GlobalAveragePooling2D: { layers: () => [L.globalAveragePooling2d({ inputShape: [4, 4, 2] })], input: (m) => nb.randomNormal([m, 4, 4, 2]) },
  GlobalMaxPooling2D: { layers: () => [L.globalMaxPooling2d({ inputShape: [4, 4, 2] })], input: (m) => nb.randomNormal([m, 4, 4, 2]) },
  LSTM: { layers: () => [L.lstm({ units: 2, inputShape: [3, 2] })], input: (m) => nb.randomNormal([m, 3, 2]) },
  LayerNormalization: { layers: () => [L.layerNormalization({ inputShape: [3, 4] })], input: (m) => nb.randomNormal([m, 3, 4]) },
  MaxPooling2D: { layers: () => [L.maxPooling2d({ inputShape: [4, 4, 2] })], input: (m) => nb.randomNormal([m, 4, 4, 2]) },
  MultiHeadAttention: {
    layers: () => [L.multiHeadAttention({ numHeads: 2, keyDim: 2, useCausalMask: true, inputShape: [3, 4] })],
    input: (m) => nb.randomNormal([m, 3, 4]),
  },
  Normalization: { layers: () => [L.normalization({ mean: [1, 2, 3, 4], variance: [1, 2, 3, 4], inputShape: [4] })], input: (m) => nb.randomNormal([m, 4]) },
  Rescaling: { layers: () => [L.rescaling({ scale: 2, offset: 1, inputShape: [4] })], input: (m) => nb.randomNormal([m, 4]) },
  Reshape: { layers: () => [L.reshape({ targetShape: [2, 2], inputShape: [4] })], input: (m) => nb.randomNormal([m, 4]) },
  SeparableConv2D: { layers: () => [L.separableConv2d({ filters: 3, kernelSize: 2, inputShape: [4, 4, 2] })], input: (m) => nb.randomNormal([m, 4, 4, 2]) },
  SimpleRNN: { layers: () => [L.simpleRNN({ units: 2, inputShape: [3, 2] })], input: (m) => nb.randomNormal([m, 3, 2]) },
  // multi-input layers join x and a Dense of x in a functional model
  Add: { model: () => merged(L.add()), input: (m) => nb.randomNormal([m, 4]) },
  Average: { model: () => merged(L.average()), input: (m) => nb.randomNormal([m, 4]) },
  Concatenate: { model: () => merged(L.concatenate()), input: (m) => nb.randomNormal([m, 4]) },
  Dot: { model: () => merged(L.dot({ axes: 1 })), input: (m) => nb.randomNormal([m, 4]) },
  InputLayer: { model: () => merged(L.add()), input: (m) => nb.randomNormal([m, 4]) },
  Maximum: { model: () => merged(L.maximum()), input: (m) => nb.randomNormal([m, 4]) },
  Minimum: { model: () => merged(L.minimum()), input: (m) => nb.randomNormal([m, 4]) },
  Multiply: { model: () => merged(L.multiply()), input: (m) => nb.randomNormal([m, 4]) },
  Subtract: { model: () => merged(L.subtract()), input: (m) => nb.randomNormal([m, 4]) },
  UnitNormalization: { layers: () => [L.unitNormalization({ inputShape: [4] })], input: (m) => nb.randomNormal([m, 4]) },
  UpSampling2D: { layers: () => [L.upSampling2d({ size: [2, 3], inputShape: [2, 3, 2] })], input: (m) => nb.randomNormal([m, 2, 3, 2]) },
  ZeroPadding2D: { layers: () => [L.zeroPadding2d({ padding: [1, 2], inputShape: [3, 3, 2] })], input: (m) => nb.randomNormal([m, 3, 3, 2]) },
};
/** A functional model y = merge([x, dense(x)]) for a merge layer. */
function merged(layer: nb.nn.Layer): nb.Model {
  const x = nb.input({ shape: [4] });
  return nb.model({ inputs: x, outputs: layer.apply([x, L.dense({ units: 4 }).apply(x)]) });
}
/** The example model of a layer class: a Sequential of its layers, or its functional model. */
const exampleModel = (name: string): nb.Sequential | nb.Model => EXAMPLES[name]!.model?.() ?? nb.sequential(EXAMPLES[name]!.layers!());
/** The layer of that class in its example model. */
const exampleLayer = (name: string): nb.nn.Layer => exampleModel(name).layers.find((l) => l.className === name)!;
const predict = (model: nb.Sequential | nb.Model, x: nb.Tensor) => model.predict(x) as nb.Tensor;
const LAYER_CLASSES = Object.keys(nb.layers).filter((k) => /^[A-Z]/.test(k));

test('the layer table has one row per layer class, and each has an example model here', () => {
  const rows = table('Layers').map((r) => r[0]!);
  assert.deepEqual(rows, [...LAYER_CLASSES].sort(), 'docs/INTEROP.md: one row per layer class, in order');
  assert.deepEqual(Object.keys(EXAMPLES).sort(), [...LAYER_CLASSES].sort(), 'an example model per layer class in this test');
  for (const name of LAYER_CLASSES) assert.equal(exampleLayer(name)?.className, name);
});

test("the README's layer table is docs/INTEROP.md's", () => {
  const rowsOf = (text: string) => {
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.startsWith('| nabla layer |'));
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
    return lines.slice(start, end);
  };
  assert.deepEqual(rowsOf(readFileSync(join(root, 'README.md'), 'utf8')), rowsOf(doc), 'copy the table from docs/INTEROP.md into the README');
});

test('TF.js column: a ✓ is a layer the TF.js exporter writes, TF.js (tf.loadLayersModel) runs predicting the same and the importer reads back, and is in TFJS_LAYERS', async () => {
  nb.seed(1);
  for (const [name, tfjs] of table('Layers').map((r) => [r[0]!, r[1]!] as const)) {
    const model = exampleModel(name);
    let exported: ReturnType<typeof nb.tfjs.exportModel> | null = null;
    try {
      exported = nb.tfjs.exportModel(model);
    } catch {
      exported = null;
    }
    assert.equal(exported !== null, yes(tfjs), `${name}: the TF.js exporter ${exported ? 'writes' : 'refuses'} it, the table says '${tfjs}'`);
    assert.equal((TFJS_LAYERS as readonly string[]).includes(name), yes(tfjs), `${name}: TFJS_LAYERS and the table disagree`);
    if (exported) {
      const x = EXAMPLES[name]!.input(3);
      const want = predict(model, x);
      const json = JSON.parse(JSON.stringify(exported.modelJson));
      const tfModel = await tf.loadLayersModel(
        tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: exported.weights.slice().buffer }),
      );
      const got = tfModel.predict(tf.tensor(Array.from(x.storage), [...x.shape], x.dtype === 'int32' ? 'int32' : 'float32')) as tf.Tensor;
      assert.deepEqual(got.shape, [...want.shape], `${name}: TF.js's output shape`);
      const data = await got.data();
      want.storage.forEach((v, i) =>
        assert.ok(Math.abs(data[i]! - v) <= 1e-5 * Math.max(1, Math.abs(v)), `${name}: TF.js predicts ${data[i]} at ${i}, nabla ${v}`),
      );
      const back = nb.tfjs.importModel(exported);
      assert.deepEqual(Array.from(back.predict(x).storage), Array.from(want.storage), `${name} read back from TF.js's format`);
    }
  }
});

test('ONNX export column: a ✓ is a layer exportModel writes and ONNX Runtime runs as nabla predicts; a — is refused', async () => {
  nb.seed(2);
  for (const [name, cell] of table('Layers').map((r) => [r[0]!, r[2]!] as const)) {
    const model = exampleModel(name);
    let bytes: Uint8Array | null = null;
    try {
      bytes = exportModel(model);
    } catch {
      bytes = null;
    }
    assert.equal(bytes !== null, yes(cell), `${name}: exportModel ${bytes ? 'writes' : 'refuses'} it, the table says '${cell}'`);
    if (!bytes) continue;
    const x = EXAMPLES[name]!.input(3);
    const got = (await runOnnx(bytes, { X: x })).Y!,
      want = predict(model, x);
    assert.deepEqual(got.shape, want.shape, name);
    want.storage.forEach((w, i) => assert.ok(Math.abs(got.storage[i]! - w) <= 1e-4 * Math.max(1, Math.abs(w)), `${name}: entry ${i}`));
  }
});

test('ONNX → Sequential and PyTorch columns match SEQUENTIAL_LAYERS and TORCH_LAYERS; layers without weights say so', () => {
  for (const [name, , , seq, torch] of table('Layers')) {
    assert.equal((SEQUENTIAL_LAYERS as readonly string[]).includes(name!), yes(seq!), `${name}: toSequential's SEQUENTIAL_LAYERS and the table disagree`);
    const weights = exampleLayer(name!).getWeights().length;
    if (!weights) assert.equal(torch, 'no weights', `${name} has no weights`);
    else assert.equal((TORCH_LAYERS as readonly string[]).includes(name!), yes(torch!), `${name}: loadTorchStateDict's TORCH_LAYERS and the table disagree`);
  }
  for (const name of [...SEQUENTIAL_LAYERS, ...TORCH_LAYERS, ...TFJS_LAYERS]) assert.ok(LAYER_CLASSES.includes(name), `${name} is a layer class`);
});

test('the ONNX operator table lists every operator importModel and toSequential read, and only those', () => {
  const rows = table('ONNX operators nabla reads');
  const ops = [...new Set([...Object.keys(IMPORTS), ...SEQUENTIAL_OPS, ...SIDE_OPS])].sort();
  assert.deepEqual(
    rows.map((r) => r[0]),
    ops,
    'one row per operator, in order',
  );
  for (const [op, imported, seq] of rows) {
    assert.equal(yes(imported!), op! in IMPORTS, `${op}: importModel`);
    const want = (SEQUENTIAL_OPS as readonly string[]).includes(op!) ? '✓' : SIDE_OPS.has(op!) ? 'beside the chain' : '—';
    assert.ok(seq!.startsWith(want), `${op}: toSequential's cell is '${seq}', the code says '${want}'`);
  }
});

test('the primitive table has one row per primitive; a ✓ is a primitive the ONNX exporter writes', () => {
  const rows = table('nabla primitives in ONNX');
  assert.deepEqual(
    rows.map((r) => r[0]),
    [...Object.keys(primitives), ...Object.keys(multiOutputPrimitives)],
    'one row per primitive, in the op table order',
  );
  for (const [prim, cell] of rows) assert.equal(yes(cell!), prim! in emitters, `${prim}: the exporter ${prim! in emitters ? 'has' : 'has no'} emitter`);
});
