// The data loaders from bytes: CSV and IDX (gzipped or not), MNIST from its
// four files, and the digits without a file. "A page" is simulated by hiding
// process.getBuiltinModule (no zlib, no fs): gzip then goes through
// DecompressionStream, which Node has too. The real page is test/browser/model-io.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as nb from '../../src/index.js';
import { embeddedDigits } from '../../src/data/digits.js';
import { IDX, encodeIdx } from './idx-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-bytes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `fn` as if in a browser: no Node built-ins. */
async function withoutNode<T>(fn: () => Promise<T> | T): Promise<T> {
  const proc = process as unknown as { getBuiltinModule?: unknown };
  const saved = proc.getBuiltinModule;
  proc.getBuiltinModule = undefined;
  try {
    return await fn();
  } finally {
    proc.getBuiltinModule = saved;
  }
}

const csvText = 'a,b,label\n1,2,0\n3.5,-4,1\n\n5,6e2,2\n';
const enc = (s: string) => new TextEncoder().encode(s);
const plain = (d: nb.data.CsvData) => ({
  x: d.x.toArray(),
  labels: d.labels?.toArray(),
  columns: d.columns,
  labelName: d.labelName,
  lines: Array.from(d.lineNumbers ?? []),
});

test('loadDigits throws outside Node, pointing to loadDigitsAsync (before anything cached the digits)', async () => {
  await withoutNode(() =>
    assert.throws(() => nb.data.loadDigits(), /loadDigits: reading the shipped file needs Node; in a browser use `await nb\.data\.loadDigitsAsync\(\)`/),
  );
});

test('the embedded digits (loadDigitsAsync) equal the shipped CSV (loadDigits) value for value, and share its cache', async () => {
  const fromCsv = nb.data.loadDigits();
  const embedded = await withoutNode(() => embeddedDigits());
  assert.notEqual(embedded.x, fromCsv.x);
  assert.deepEqual([...embedded.x.shape], [1797, 64]);
  assert.deepEqual([...embedded.images.shape], [1797, 8, 8]);
  assert.deepEqual(embedded.x.storage, fromCsv.x.storage);
  assert.deepEqual(embedded.labels.storage, fromCsv.labels.storage);
  assert.equal(embedded.labels.dtype, 'int32');
  assert.equal(await nb.data.loadDigitsAsync(), fromCsv);
});

test('parseCsv takes bytes, plain or gzipped (zlib in Node), as it takes text', () => {
  const expected = plain(nb.data.parseCsv(csvText, { labelColumn: 'label' }));
  assert.deepEqual(plain(nb.data.parseCsv(enc(csvText), { labelColumn: 'label' })), expected);
  assert.deepEqual(plain(nb.data.parseCsv(enc(csvText).buffer, { labelColumn: 'label' })), expected);
  assert.deepEqual(plain(nb.data.parseCsv(gzipSync(csvText), { labelColumn: 'label' })), expected);
  assert.throws(
    () => nb.data.parseCsv(42 as unknown as string),
    (e: Error) => e instanceof nb.ArgumentError && /parseCsv: data must be the bytes of a file \(a Uint8Array or an ArrayBuffer\), got number/.test(e.message),
  );
  assert.throws(
    () => nb.data.parseCsv(enc(`a,b\n${'1,'.repeat(100)}1\n`), { maxLineBytes: 50 }),
    /parseCsv: line 2 of the data is longer than the limit of 50 bytes/,
  );
});

test('parseCsvAsync decompresses gzip with DecompressionStream where there is no zlib; parseCsv says to use it', async () => {
  const gz = gzipSync(csvText);
  const expected = plain(nb.data.parseCsv(csvText, { labelColumn: 'last' }));
  assert.deepEqual(plain(await nb.data.parseCsvAsync(gz, { labelColumn: 'last' })), expected);
  await withoutNode(async () => {
    assert.deepEqual(plain(await nb.data.parseCsvAsync(gz, { labelColumn: 'last' })), expected);
    assert.deepEqual(plain(await nb.data.parseCsvAsync(csvText, { labelColumn: 'last' })), expected);
    assert.throws(
      () => nb.data.parseCsv(gz),
      /parseCsv: the data is gzipped and decompressing it synchronously needs Node; in a browser use `await parseCsvAsync\(\.\.\.\)`/,
    );
  });
});

test('gzip from bytes is bounded without zlib too: a bomb stops at the limit, corrupt data is named', async () => {
  const bomb = gzipSync(new Uint8Array(4 * 2 ** 20)); // 4 MiB of zeros in ~4 KiB
  await withoutNode(async () => {
    await assert.rejects(nb.data.parseCsvAsync(bomb, { maxBytes: 2 ** 20 }), /parseCsvAsync: the data inflates to more than 1048576 bytes/);
    const cut = gzipSync(csvText).subarray(0, 20);
    await assert.rejects(nb.data.parseCsvAsync(cut), /parseCsvAsync: the data is not valid gzip data \(truncated or corrupt\?\)/);
    await assert.rejects(nb.data.parseIdxAsync(bomb, 'bomb.gz', { maxBytes: 2 ** 20 }), /parseIdxAsync: bomb\.gz inflates to more than/);
  });
});

test('parseIdxAsync reads gzipped IDX bytes anywhere, equal to parseIdx in Node', async () => {
  const values = Array.from({ length: 24 }, (_, i) => i * 10 - 100);
  const gz = encodeIdx(IDX.short, [2, 3, 4], values, true);
  const expected = nb.data.parseIdx(gz);
  assert.deepEqual(expected.toArray(), nb.data.parseIdx(encodeIdx(IDX.short, [2, 3, 4], values)).toArray());
  const viaStream = await withoutNode(() => nb.data.parseIdxAsync(new Uint8Array(gz).buffer));
  assert.deepEqual([...viaStream.shape], [2, 3, 4]);
  assert.deepEqual(viaStream.storage, expected.storage);
  await assert.rejects(
    withoutNode(() => nb.data.parseIdxAsync(encodeIdx(IDX.ubyte, [5], [1, 2, 3, 4, 5], true).subarray(0, 30), 'labels.gz')),
    /parseIdxAsync: labels\.gz is not valid gzip data/,
  );
  await assert.rejects(nb.data.parseIdxAsync(enc('hello')), /parseIdxAsync: the data is not an IDX file: it starts with 68 65 6c 6c/);
});

// a small MNIST-style set: 4 training and 3 test images of 2x3 pixels
const img = (n: number, seed: number) => Array.from({ length: n * 6 }, (_, i) => (i * 53 + seed) % 256);
const files = {
  trainImages: encodeIdx(IDX.ubyte, [4, 2, 3], img(4, 1), true),
  trainLabels: encodeIdx(IDX.ubyte, [4], [3, 1, 4, 1], true),
  testImages: encodeIdx(IDX.ubyte, [3, 2, 3], img(3, 7)),
  testLabels: encodeIdx(IDX.ubyte, [3], [5, 9, 2]),
};
const mnist = (d: nb.data.MnistData) => ({ x: d.x.toArray(), images: d.images.toArray(), labels: d.labels.toArray() });

test('parseMnist, parseMnistAsync and parseMnistSet equal loadMnist on the same files', async () => {
  const folder = join(dir, 'mnist');
  mkdirSync(folder);
  writeFileSync(join(folder, 'train-images-idx3-ubyte.gz'), files.trainImages);
  writeFileSync(join(folder, 'train-labels-idx1-ubyte.gz'), files.trainLabels);
  writeFileSync(join(folder, 't10k-images-idx3-ubyte'), files.testImages);
  writeFileSync(join(folder, 't10k-labels-idx1-ubyte'), files.testLabels);
  const train = mnist(nb.data.loadMnist(folder)),
    test = mnist(nb.data.loadMnist(folder, { kind: 't10k' }));
  assert.deepEqual(mnist(nb.data.parseMnist(files.trainImages, files.trainLabels)), train);
  assert.deepEqual(mnist(nb.data.parseMnist(files.testImages, files.testLabels)), test);
  await withoutNode(async () => {
    assert.deepEqual(mnist(await nb.data.parseMnistAsync(files.trainImages, files.trainLabels)), train);
    const set = await nb.data.parseMnistSet(files);
    assert.deepEqual({ train: mnist(set.train), test: mnist(set.test) }, { train, test });
  });
});

test('MNIST from bytes names the faulty array: mismatched counts, wrong types, missing fields', async () => {
  assert.throws(() => nb.data.parseMnist(files.testImages, files.trainLabels), /parseMnist: the image file has 3 images but the label file has 4 labels/);
  assert.throws(
    () => nb.data.parseMnist(files.testLabels, files.testLabels),
    /parseMnist: the image file should hold ubyte images of shape \[n, rows, cols\], but holds ubyte data of shape \[3\]/,
  );
  await assert.rejects(
    nb.data.parseMnistSet({ ...files, testLabels: files.trainLabels }),
    /parseMnistSet: testImages has 3 images but testLabels has 4 labels/,
  );
  await assert.rejects(
    nb.data.parseMnistSet({ ...files, trainLabels: undefined as unknown as Uint8Array }),
    (e: Error) => e instanceof nb.ArgumentError && /parseMnistSet: trainLabels must be the bytes of a file .*got undefined/.test(e.message),
  );
  await assert.rejects(nb.data.parseMnistSet(null as never), /parseMnistSet: expected \{ trainImages, trainLabels, testImages, testLabels \}, got null/);
});
