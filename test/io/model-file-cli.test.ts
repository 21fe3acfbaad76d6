import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import { encodeModel } from '../../src/io/model-file.js';

// The CLI's summary, evaluate and predict inherit the model-file checks: a damaged or forged file is one line and exit 1.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = join(root, 'dist', 'cli', 'nabla.js');
const dir = mkdtempSync(join(tmpdir(), 'nabla-io-cli-'));

test('nabla summary, evaluate and predict reject a damaged model file with one line', () => {
  const model = nb.sequential([nb.layers.dense({ units: 10, inputShape: [64] })]);
  const bytes = encodeModel(model);
  bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0x10;
  const bad = join(dir, 'bad.nabla');
  writeFileSync(bad, bytes);
  const input = join(dir, 'x.csv');
  writeFileSync(input, `${Array.from({ length: 64 }, () => '0').join(',')}\n`);
  for (const args of [
    ['summary', bad],
    ['evaluate', bad, 'digits'],
    ['predict', bad, input],
  ]) {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, `${args[0]}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${args[0]} prints one line: ${r.stderr}`);
    assert.match(r.stderr, /^nabla: loadModel: .*bad.nabla is corrupt: its CRC-32 checksum does not match/);
    assert.equal(r.stdout, '');
  }
});
