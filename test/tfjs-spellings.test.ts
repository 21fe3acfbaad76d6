import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('a layer option nabla does not know is refused with a did-you-mean, not silently ignored', () => {
  assert.throws(
    () => nb.layers.dense({ units: 4, activaton: 'relu' } as never),
    (e: Error) => e instanceof nb.ArgumentError && /^dense: unknown option 'activaton' \(did you mean 'activation'\?\); dense takes .*units/.test(e.message),
  );
  assert.throws(() => nb.layers.conv2d({ filters: 2, kernelSize: 3, stride: 2 } as never), /conv2d: unknown option 'stride' \(did you mean 'strides'\?\)/);
  assert.throws(
    () => nb.layers.lstm({ units: 2, returnSequence: true } as never),
    /lstm: unknown option 'returnSequence' \(did you mean 'returnSequences'\?\)/,
  );
  assert.throws(() => nb.layers.dropout({ rate: 0.5, frobnicate: 1 } as never), /dropout: unknown option 'frobnicate'; dropout takes/);
  // every option a layer documents is accepted, undefined values included
  const d = nb.layers.dense({
    units: 4,
    activation: 'relu',
    useBias: true,
    kernelInitializer: 'heNormal',
    biasInitializer: 'zeros',
    kernelRegularizer: undefined,
    name: 'ok_dense',
    inputShape: [3],
    dtype: 'float32',
    seed: 1,
  });
  assert.equal(d.name, 'ok_dense');
  nb.layers.lstm({ units: 2, returnSequences: true, goBackwards: false, recurrentInitializer: 'orthogonal', inputShape: [3, 2] });
  nb.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 });
});

test("TF.js's spellings: sequential({ layers, name }) and callbacks as one object", async () => {
  const model = nb.sequential({ layers: [nb.layers.dense({ units: 2, inputShape: [3] })], name: 'tfjs_style' });
  assert.equal(model.name, 'tfjs_style');
  assert.equal(model.layers.length, 1);
  assert.throws(() => nb.sequential({ layer: [] } as never), /sequential: unknown option 'layer'/);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const epochs: number[] = [];
  await model.fit(nb.ones([4, 3]), nb.zeros([4, 2]), {
    epochs: 2,
    verbose: 0,
    callbacks: {
      onEpochEnd: (e: number) => {
        epochs.push(e);
      },
    },
  });
  assert.deepEqual(epochs, [0, 1]);
});

test("require('nabla') works from a CommonJS consumer project, and so does import", () => {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'nabla'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0' }));
  writeFileSync(join(dir, 'use.cjs'), "const nb = require('nabla');\nconsole.log(nb.sum(nb.tensor([1, 2, 3])).item());\n");
  writeFileSync(join(dir, 'use.mjs'), "import * as nb from 'nabla';\nconsole.log(nb.sum(nb.tensor([1, 2, 3])).item());\n");
  for (const file of ['use.cjs', 'use.mjs']) {
    const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `${file}: ${r.stderr}`);
    assert.equal(r.stdout.trim(), '6');
  }
});
