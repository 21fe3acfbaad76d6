import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NablaError } from '../../src/index.js';
import { atomicTempTarget, writeFileAtomic, writeFileAtomicSync } from '../../src/io/atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-atomic-'));

test('writeFileAtomic writes text and bytes, replacing the previous file', async () => {
  const p = join(dir, 'a.json');
  await writeFileAtomic(p, '{"a":1}');
  assert.equal(readFileSync(p, 'utf8'), '{"a":1}');
  await writeFileAtomic(p, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...readFileSync(p)], [1, 2, 3]);
  assert.deepEqual(readdirSync(dir).sort(), ['a.json']);
});

test('concurrent writes to one path all complete and leave one of them whole', async () => {
  const p = join(dir, 'race.svg');
  const texts = Array.from({ length: 8 }, (_, i) => String(i).repeat(100_000 + i));
  await Promise.all(texts.map((t) => writeFileAtomic(p, t)));
  assert.ok(texts.includes(readFileSync(p, 'utf8')));
  assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')));
});

test('a failed write names the path, keeps the previous file and leaves no temporary file', async () => {
  const sub = join(dir, 'sub');
  mkdirSync(sub);
  const target = join(sub, 'keep.txt');
  writeFileSync(target, 'old');
  await assert.rejects(
    writeFileAtomic(join(sub, 'missing', 'x.txt'), 'x'),
    (e: Error) => e instanceof NablaError && /could not write .*missing/.test(e.message),
  );
  const asDir = join(sub, 'dir');
  mkdirSync(asDir);
  writeFileSync(join(asDir, 'inner'), 'i');
  await assert.rejects(writeFileAtomic(asDir, 'x', 'report'), /report: could not write/);
  assert.deepEqual(readdirSync(sub).sort(), ['dir', 'keep.txt']);
  assert.equal(readFileSync(target, 'utf8'), 'old');
});

test('writeFileAtomicSync: the same, synchronously', () => {
  const sub = join(dir, 'sync');
  mkdirSync(sub);
  const p = join(sub, 'h.json');
  writeFileAtomicSync(p, '[1]');
  writeFileAtomicSync(p, new Uint8Array([50]));
  assert.equal(readFileSync(p, 'utf8'), '2');
  assert.throws(
    () => writeFileAtomicSync(join(sub, 'no', 'x'), 'x'),
    (e: Error) => e instanceof NablaError && /could not write/.test(e.message),
  );
  const asDir = join(sub, 'd');
  mkdirSync(asDir);
  writeFileSync(join(asDir, 'inner'), 'i');
  assert.throws(() => writeFileAtomicSync(asDir, 'x'), /could not write/);
  assert.deepEqual(readdirSync(sub).sort(), ['d', 'h.json']);
});

test('atomicTempTarget names the file a temporary file of ours stands for, and nothing else', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-atomic-name-'));
  // catch a temporary file as it exists: a write whose rename fails leaves none, so look while writing a big file
  const path = join(dir, 'model.nabla');
  const pending = writeFileAtomic(path, new Uint8Array(1 << 22));
  const during = readdirSync(dir);
  await pending;
  const temps = during.filter((n) => atomicTempTarget(n) !== null);
  assert.ok(temps.length <= 1);
  for (const t of temps) assert.equal(atomicTempTarget(t), 'model.nabla');
  assert.equal(atomicTempTarget('.report.json.123-4-0123abcd.tmp'), 'report.json');
  for (const other of ['model.nabla', 'model.nabla.tmp', '.model.nabla.tmp', 'x.123-4-0123abcd.tmp', '.a.12-3-xyz.tmp'])
    assert.equal(atomicTempTarget(other), null, other);
});
