import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-io-'));

function trainedModel() {
  nb.seed(7);
  const model = nb.sequential([
    nb.layers.dense({ units: 8, activation: 'relu', inputShape: [4], kernelRegularizer: nb.regularizers.l2(0.001) }),
    nb.layers.batchNormalization(),
    nb.layers.dropout({ rate: 0.2 }),
    nb.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

test('save and loadModel restore an identical model: the same predictions bit for bit', async () => {
  const model = trainedModel();
  const x = nb.randomNormal([20, 4]);
  const y = nb.oneHot(nb.argmax(nb.slice(x, [0, 0], [-1, 3]), 1), 3);
  await model.fit(x, y, { epochs: 3, verbose: 0 });
  const path = join(dir, 'model.nabla');
  await model.save(path);
  const again = await nb.loadModel(path);
  assert.deepEqual(again.predict(x).data(), model.predict(x).data());
  assert.equal(again.summary(null), model.summary(null));
  assert.deepEqual(again.getWeights().map((w) => w.data()), model.getWeights().map((w) => w.data()));
  // it comes back compiled, so it can be evaluated and trained further
  assert.deepEqual(again.evaluate(x, y), model.evaluate(x, y));
  await again.fit(x, y, { epochs: 1, verbose: 0 });
});

test('a failing save never destroys the previous file', async () => {
  const model = trainedModel();
  model.predict(nb.ones([1, 4]));
  const path = join(dir, 'keep.nabla');
  await model.save(path);
  const before = readFileSync(path);
  // a directory where the temporary file cannot be renamed over: make the target a directory's child that can't be written
  const blocked = join(dir, 'blocked');
  mkdirSync(blocked);
  await assert.rejects(model.save(join(blocked, 'nope', 'm.nabla')), /save: could not write/);
  // the path exists as a directory: rename fails, nothing is left behind
  const asDir = join(dir, 'adir.nabla');
  mkdirSync(asDir);
  await assert.rejects(model.save(asDir), /save: could not write/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
  assert.deepEqual(readFileSync(path), before);
  assert.ok(existsSync(path));
});

test('a corrupt, truncated or foreign file gives a clear error', async () => {
  const model = trainedModel();
  model.predict(nb.ones([1, 4]));
  const path = join(dir, 'good.nabla');
  await model.save(path);
  const bytes = readFileSync(path);
  const write = (name: string, data: Uint8Array) => { const p = join(dir, name); writeFileSync(p, data); return p; };
  await assert.rejects(nb.loadModel(write('truncated.nabla', bytes.subarray(0, bytes.length - 10))), /is truncated: expected \d+ bytes of weights, found \d+/);
  await assert.rejects(nb.loadModel(write('short.nabla', bytes.subarray(0, 40))), /is truncated: its header needs/);
  const flipped = Uint8Array.from(bytes);
  flipped[flipped.length - 3] ^= 0xff;
  await assert.rejects(nb.loadModel(write('flipped.nabla', flipped)), /is corrupt: the weights do not match their checksum/);
  await assert.rejects(nb.loadModel(write('foreign.nabla', new TextEncoder().encode('{"hello": "world"}'))), /is not a nabla model file/);
  await assert.rejects(nb.loadModel(join(dir, 'missing.nabla')), /cannot read .*missing.nabla/);
  const header = Uint8Array.from(bytes);
  header[16] = 0x78; // 'x' where the JSON's '{' was
  await assert.rejects(nb.loadModel(write('header.nabla', header)), /has a corrupt header/);
});
