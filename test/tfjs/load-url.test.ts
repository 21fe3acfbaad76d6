// Every interchange format loads from a URL (and from bytes): TF.js's
// model.json with its weights beside it, ONNX and safetensors, fetched from a
// local HTTP server as a page would, with a 404 named.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import * as onnx from '../../src/onnx/index.js';
import { serve } from '../browser/harness.js';

test('nb.tfjs.loadModel, onnx.loadModel and nb.safetensors.load read http URLs; a missing file is named', async () => {
  nb.seed(4);
  const model = nb.sequential([nb.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), nb.layers.dense({ units: 2 })]);
  const root = mkdtempSync(join(tmpdir(), 'nabla-formats-'));
  mkdirSync(join(root, 'tfjs'));
  const { modelJson, weights } = nb.tfjs.exportModel(model);
  writeFileSync(join(root, 'tfjs', 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(root, 'tfjs', 'weights.bin'), weights);
  writeFileSync(join(root, 'model.onnx'), onnx.exportModel(model));
  writeFileSync(join(root, 'model.safetensors'), nb.safetensors.encode(model.stateDict()));
  const server = await serve(root);
  try {
    const x = nb.randomNormal([3, 3]);
    const want = Array.from(model.predict(x).storage);
    const fromTfjs = await nb.tfjs.loadModel(`${server.url}/tfjs/model.json`);
    assert.deepEqual(Array.from(fromTfjs.predict(x).storage), want);
    const fromOnnx = await onnx.loadModel(`${server.url}/model.onnx`);
    Array.from(fromOnnx.predict(x).storage).forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6));
    const st = await nb.safetensors.load(new URL(`${server.url}/model.safetensors`));
    const other = nb.sequential([nb.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), nb.layers.dense({ units: 2 })]);
    other.loadStateDict(st.tensors);
    assert.deepEqual(Array.from(other.predict(x).storage), want);
    // from a path too (Node), and the weights file found beside model.json
    assert.deepEqual(Array.from((await nb.tfjs.loadModel(join(root, 'tfjs', 'model.json'))).predict(x).storage), want);
    await assert.rejects(onnx.loadModel(`${server.url}/nothing.onnx`), /onnx.loadModel: .*nothing\.onnx.*404/);
    await assert.rejects(nb.safetensors.load(`${server.url}/model.safetensors`, { maxBytes: 10 }), /more than the limit/);
  } finally {
    await server.close();
  }
});
