// `nabla export` and `nabla import`, run as users run them: a saved model
// exported to ONNX (run by ONNX Runtime), TF.js (loaded by TF.js) and
// safetensors, and imported back, predicting the same each time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as nb from '../../src/index.js';
import { runOnnx } from '../onnx/ort.js';
import { torchCnn } from '../safetensors/torch-models.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = join(root, 'dist', 'cli', 'nabla.js');
const dir = mkdtempSync(join(tmpdir(), 'nabla-convert-'));
const nabla = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const near = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-5 * Math.max(1, Math.abs(b[i]!)), `${what}: entry ${i}: ${a[i]} vs ${b[i]}`);
};

test('nabla export writes ONNX, TF.js and safetensors that their readers predict with; nabla import reads them back', async () => {
  nb.seed(3);
  const model = nb.sequential([nb.layers.dense({ units: 6, activation: 'relu', inputShape: [4] }), nb.layers.dense({ units: 3, activation: 'softmax' })]);
  const path = join(dir, 'model.nabla');
  await model.save(path);
  const x = nb.randomNormal([5, 4]);
  const want = model.predict(x).storage;

  let r = nabla('export', path, '--format', 'onnx');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /wrote .*model\.onnx/);
  near((await runOnnx(new Uint8Array(readFileSync(join(dir, 'model.onnx'))), { X: x })).Y!.storage, want, 'ONNX Runtime');

  r = nabla('export', path, '--format', 'tfjs');
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(readFileSync(join(dir, 'tfjs', 'model.json'), 'utf8'));
  const weights = new Uint8Array(readFileSync(join(dir, 'tfjs', 'weights.bin')));
  await tf.setBackend('cpu');
  const tfModel = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.slice().buffer }),
  );
  near(await (tfModel.predict(tf.tensor(Array.from(x.storage), [5, 4])) as tf.Tensor).data(), want, 'TF.js');
  r = nabla('import', join(dir, 'tfjs', 'model.json'), '--out', join(dir, 'from-tfjs.nabla'));
  assert.equal(r.code, 0, r.err);
  near((await nb.loadModel(join(dir, 'from-tfjs.nabla'))).predict(x).storage, want, 'imported from TF.js');

  r = nabla('export', path, '--format', 'safetensors');
  assert.equal(r.code, 0, r.err);
  const st = nb.safetensors.decode(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
  assert.deepEqual(Object.keys(st.tensors).sort(), Object.keys(model.stateDict()).sort());
  // the weights into a fresh model of the same architecture (other weights)
  nb.seed(99);
  await nb
    .sequential([nb.layers.dense({ units: 6, activation: 'relu', inputShape: [4] }), nb.layers.dense({ units: 3, activation: 'softmax' })])
    .save(join(dir, 'fresh.nabla'));
  r = nabla('import', join(dir, 'model.safetensors'), '--into', join(dir, 'fresh.nabla'), '--out', join(dir, 'from-st.nabla'));
  assert.equal(r.code, 0, r.err);
  near((await nb.loadModel(join(dir, 'from-st.nabla'))).predict(x).storage, want, 'imported from safetensors');
  // without --into: the architecture nabla's export stored in __metadata__.layers
  assert.match(st.metadata['layers']!, /"className":"Dense"/);
  r = nabla('import', join(dir, 'model.safetensors'), '--out', join(dir, 'from-st-alone.nabla'));
  assert.equal(r.code, 0, r.err);
  const alone = await nb.loadModel(join(dir, 'from-st-alone.nabla'));
  assert.deepEqual(
    alone.layers.map((l) => l.className),
    ['Dense', 'Dense'],
  );
  near(alone.predict(x).storage, want, 'imported from safetensors without --into');
});

test('nabla export and import refuse bad requests with one line', () => {
  const bad = nabla('export', join(dir, 'missing.nabla'), '--format', 'onnx');
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /no model file at/);
  const fmt = nabla('export', join(dir, 'model.nabla'), '--format', 'keras');
  assert.match(fmt.err, /--format must be one of onnx, tfjs, safetensors/);
  const onnxBack = nabla('import', join(dir, 'model.onnx'), '--out', join(dir, 'from-onnx.nabla'));
  assert.equal(onnxBack.code, 0, onnxBack.err); // a chain of dense layers: a model file
  assert.ok(existsSync(join(dir, 'from-onnx.nabla')));
  // weights only (no architecture in __metadata__), or an architecture that is not one: --into is needed
  const model = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3] })]);
  writeFileSync(join(dir, 'weights-only.safetensors'), nb.safetensors.encode(model.stateDict()));
  const weightsOnly = nabla('import', join(dir, 'weights-only.safetensors'));
  assert.notEqual(weightsOnly.code, 0);
  assert.match(
    weightsOnly.err,
    /weights-only\.safetensors holds weights only \(no architecture in its __metadata__, as nabla's export writes\): give the architecture with --into MODEL/,
  );
  writeFileSync(join(dir, 'bad-layers.safetensors'), nb.safetensors.encode(model.stateDict(), { layers: '[{"className":"Fancy","config":{}}]' }));
  const badLayers = nabla('import', join(dir, 'bad-layers.safetensors'));
  assert.notEqual(badLayers.code, 0);
  assert.match(
    badLayers.err,
    /bad-layers\.safetensors: the layers of its __metadata__ do not make a model \(.*Fancy.*\); give the architecture with --into MODEL/,
  );
  assert.equal(badLayers.err.trim().split('\n').length, 1, badLayers.err);
  assert.ok(!existsSync(join(dir, 'model.nabla.tmp')));
});

test("nabla import model.onnx writes PyTorch's CNN and LSTM (torch.onnx fixtures) as model files that predict as PyTorch; a graph with no layer form is refused by node", async () => {
  const fixtures = join(root, 'test', 'fixtures');
  const torch = JSON.parse(readFileSync(join(fixtures, 'onnx_torch.json'), 'utf8')) as Record<string, { x: number[]; xShape: number[]; y: number[] }>;
  for (const name of ['cnn_seq', 'lstm']) {
    const out = join(dir, `${name}.nabla`);
    const r = nabla('import', join(fixtures, 'onnx', `${name}.onnx`), '--out', out);
    assert.equal(r.code, 0, r.err);
    const c = torch[name]!;
    const x = nb.tensor(c.x, c.xShape);
    // the model file reads nabla's layout: images NHWC
    near((await nb.loadModel(out)).predict(c.xShape.length === 4 ? nb.permute(x, [0, 2, 3, 1]) : x).storage, c.y, `${name} imported by the CLI`);
  }
  const refused = nabla('import', join(fixtures, 'onnx', 'cnn.onnx'), '--out', join(dir, 'cnn.nabla'));
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, /node '\/4\/Conv' \(Conv\) has pads \[1,0,1,0\]/);
  assert.ok(!existsSync(join(dir, 'cnn.nabla')));
});

test("nabla import of a PyTorch state dict: a batch norm whose ε is not the modules' is refused in one line naming --epsilon; --epsilon keep or the modules' ε loads it", async () => {
  const fixtures = join(root, 'test', 'fixtures');
  await torchCnn(1e-3).save(join(dir, 'cnn-keras-eps.nabla'));
  const st = join(fixtures, 'safetensors', 'cnn.safetensors');
  const refused = nabla('import', st, '--into', join(dir, 'cnn-keras-eps.nabla'), '--out', join(dir, 'cnn-a.nabla'));
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, /layer 'bn' \(BatchNormalization\) has ε 0\.001, the PyTorch modules' is 0\.00001/);
  assert.equal(refused.err.trim().split('\n').length, 1, refused.err);
  assert.ok(!existsSync(join(dir, 'cnn-a.nabla')));
  const kept = nabla('import', st, '--into', join(dir, 'cnn-keras-eps.nabla'), '--epsilon', 'keep', '--out', join(dir, 'cnn-b.nabla'));
  assert.equal(kept.code, 0, kept.err);
  assert.match(kept.out, /bn/);
  // the modules' own ε, when they were built with eps=1e-3: the layer fits
  const stated = nabla('import', st, '--into', join(dir, 'cnn-keras-eps.nabla'), '--epsilon', '1e-3', '--out', join(dir, 'cnn-c.nabla'));
  assert.equal(stated.code, 0, stated.err);
  const bad = nabla('import', st, '--into', join(dir, 'cnn-keras-eps.nabla'), '--epsilon', 'tiny');
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /--epsilon must be the PyTorch modules' eps \(a positive number\) or 'keep', got 'tiny'/);
  // what --epsilon keep wrote predicts as the state dict says, with ε 1e-3
  const torch = JSON.parse(readFileSync(join(fixtures, 'safetensors_torch.json'), 'utf8')) as Record<string, { x: number[]; xShape: number[]; y: number[] }>;
  const c = torch['cnn']!;
  const x = nb.tensor(c.x, c.xShape);
  const direct = torchCnn(1e-3);
  nb.safetensors.loadTorchStateDict(direct, nb.safetensors.decode(new Uint8Array(readFileSync(st))).tensors, { epsilon: 'keep' });
  near((await nb.loadModel(join(dir, 'cnn-b.nabla'))).predict(x).storage, direct.predict(x).storage, '--epsilon keep');
});
