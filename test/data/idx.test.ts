import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as nb from '../../src/index.js';
import { IDX, encodeIdx } from './idx-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-idx-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

const pixels = Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37) % 256);

test('loadIdx reads ubyte images, plain and gzipped, as int32 of the header shape', () => {
  for (const gz of [false, true]) {
    const t = nb.data.loadIdx(file(`img${gz ? '.gz' : ''}`, encodeIdx(IDX.ubyte, [3, 4, 5], pixels, gz)));
    assert.deepEqual([...t.shape], [3, 4, 5]);
    assert.equal(t.dtype, 'int32');
    assert.deepEqual([...t.storage], pixels);
  }
});

test('loadIdx reads labels, signed bytes, shorts and ints', () => {
  const labels = nb.data.loadIdx(file('labels', encodeIdx(IDX.ubyte, [6], [0, 1, 2, 9, 255, 7])));
  assert.deepEqual(labels.toArray(), [0, 1, 2, 9, 255, 7]);
  assert.equal(labels.dtype, 'int32');
  assert.deepEqual(nb.data.loadIdx(file('bytes', encodeIdx(IDX.byte, [4], [-128, -1, 0, 127]))).toArray(), [-128, -1, 0, 127]);
  assert.deepEqual(nb.data.loadIdx(file('shorts', encodeIdx(IDX.short, [2, 2], [-32768, -2, 300, 32767]))).toArray(), [
    [-32768, -2],
    [300, 32767],
  ]);
  assert.deepEqual(nb.data.loadIdx(file('ints', encodeIdx(IDX.int, [3], [-2147483648, 65536, 2147483647], true))).toArray(), [-2147483648, 65536, 2147483647]);
});

test('loadIdx reads float as float32 and double as float64', () => {
  const f = nb.data.loadIdx(file('floats', encodeIdx(IDX.float, [2, 3], [0.5, -1.25, 3.1415927, 1e-20, -0, 65504])));
  assert.equal(f.dtype, 'float32');
  assert.deepEqual([...f.shape], [2, 3]);
  assert.deepEqual([...f.storage], [...Float32Array.from([0.5, -1.25, 3.1415927, 1e-20, -0, 65504])]);
  const d = nb.data.loadIdx(file('doubles.gz', encodeIdx(IDX.double, [3], [Math.PI, -1e300, 5e-324], true)));
  assert.equal(d.dtype, 'float64');
  assert.deepEqual([...d.storage], [Math.PI, -1e300, 5e-324]);
});

test('parseIdx decodes bytes without a file, including a 0-d array', () => {
  assert.deepEqual(nb.data.parseIdx(encodeIdx(IDX.ubyte, [2, 2], [1, 2, 3, 4])).toArray(), [
    [1, 2],
    [3, 4],
  ]);
  const s = nb.data.parseIdx(encodeIdx(IDX.int, [], [42]));
  assert.deepEqual([...s.shape], []);
  assert.equal(s.item(), 42);
});

test('loadIdx reports a missing file, a bad magic number and truncated data', () => {
  assert.throws(
    () => nb.data.loadIdx(join(dir, 'nope.idx')),
    (e: Error) => e instanceof nb.NablaError && e.message.includes('file not found') && e.message.includes(join(dir, 'nope.idx')),
  );
  const bad = file('bad', Buffer.from('PK\x03\x04 not an idx file'));
  assert.throws(() => nb.data.loadIdx(bad), /loadIdx: .*bad is not an IDX file: it starts with 50 4b 03 04/);
  const badType = file('badtype', Buffer.from([0, 0, 0x07, 1, 0, 0, 0, 1, 5]));
  assert.throws(() => nb.data.loadIdx(badType), /not an IDX file: it starts with 00 00 07 01/);
  assert.throws(() => nb.data.parseIdx(new Uint8Array([0, 0])), /only 2 bytes/);

  const full = encodeIdx(IDX.ubyte, [3, 4, 5], pixels);
  const cut = file('cut', full.subarray(0, full.length - 7));
  assert.throws(
    () => nb.data.loadIdx(cut),
    (e: Error) =>
      /truncated: a ubyte array of shape \[3,4,5\] needs 76 bytes \(16 header \+ 60 × 1\), but there are only 69/.test(e.message) && e.message.includes(cut),
  );
  const cutHeader = file('cutheader', full.subarray(0, 9));
  assert.throws(() => nb.data.loadIdx(cutHeader), /truncated: its header declares 3 dimensions \(16 header bytes\) but the data has only 9 bytes/);
  const floats = encodeIdx(IDX.float, [10], new Array(10).fill(1));
  assert.throws(() => nb.data.parseIdx(floats.subarray(0, floats.length - 1)), /needs 48 bytes \(8 header \+ 10 × 4\), but there are only 47/);
  assert.throws(() => nb.data.parseIdx(Buffer.concat([full, Buffer.from([1, 2])])), /2 unexpected bytes after its data/);

  const gz = encodeIdx(IDX.ubyte, [3, 4, 5], pixels, true);
  const cutGz = file('cut.gz', gz.subarray(0, gz.length - 10));
  assert.throws(() => nb.data.loadIdx(cutGz), /cut\.gz is not valid gzip data/);
});

function writeMnist(folder: string, prefix: string, n: number, labelsN = n, gz = true) {
  const imgs = Array.from({ length: n * 28 * 28 }, (_, i) => (i * 7 + 3) % 256);
  const labs = Array.from({ length: labelsN }, (_, i) => i % 10);
  writeFileSync(join(folder, `${prefix}-images-idx3-ubyte${gz ? '.gz' : ''}`), encodeIdx(IDX.ubyte, [n, 28, 28], imgs, gz));
  writeFileSync(join(folder, `${prefix}-labels-idx1-ubyte`), encodeIdx(IDX.ubyte, [labelsN], labs));
  return { imgs, labs };
}

test('loadMnist reads the standard file names into x in 0..1, NHWC images and int32 labels', () => {
  const folder = mkdtempSync(join(dir, 'mnist-'));
  const { imgs, labs } = writeMnist(folder, 't10k', 5);
  writeMnist(folder, 'train', 7, 7, false);
  const { x, images, labels } = nb.data.loadMnist(folder, { kind: 't10k' });
  assert.deepEqual([...x.shape], [5, 784]);
  assert.deepEqual([...images.shape], [5, 28, 28, 1]);
  assert.deepEqual([...labels.shape], [5]);
  assert.equal(x.dtype, 'float32');
  assert.equal(labels.dtype, 'int32');
  assert.deepEqual([...labels.storage], labs);
  for (const i of [0, 1, 783, 784, 3919]) assert.equal(x.storage[i], Math.fround(imgs[i]! / 255));
  assert.equal(nb.max(x).item(), 1);
  assert.equal(nb.data.loadMnist(folder, { kind: 'test' }).x.shape[0], 5);
  assert.equal(nb.data.loadMnist(folder).x.shape[0], 7); // default 'train', uncompressed files
  assert.equal(nb.data.loadFashionMnist(folder, { kind: 'train' }).labels.shape[0], 7);
});

test('loadMnist errors: missing folder or file, count mismatch, wrong element type, bad kind', () => {
  const folder = mkdtempSync(join(dir, 'mnist-bad-'));
  assert.throws(() => nb.data.loadMnist(join(folder, 'absent')), /loadMnist: folder not found: .*absent/);
  assert.throws(
    () => nb.data.loadMnist(folder),
    (e: Error) => e.message.includes(`file not found: ${folder}/train-images-idx3-ubyte`) && e.message.includes('.gz'),
  );
  writeMnist(folder, 'train', 4, 3);
  assert.throws(() => nb.data.loadMnist(folder), /train-images-idx3-ubyte\.gz has 4 images but .*train-labels-idx1-ubyte has 3 labels/);
  writeFileSync(join(folder, 'train-labels-idx1-ubyte'), encodeIdx(IDX.int, [4], [0, 1, 2, 3]));
  assert.throws(() => nb.data.loadMnist(folder), /should hold ubyte labels of shape \[n\], but holds int data of shape \[4\]/);
  assert.throws(() => nb.data.loadMnist(folder, { kind: 'valid' as 'train' }), /kind must be 'train' or 't10k'/);
});

test('loadFashionMnist defaults to /usr/share/datasets/fashion-mnist', () => {
  assert.equal(nb.data.FASHION_MNIST_DIR, '/usr/share/datasets/fashion-mnist');
  assert.equal(nb.data.FASHION_MNIST_CLASSES.length, 10);
});

test('outside Node (no process.getBuiltinModule) the file loaders say so clearly', () => {
  const proc = process as unknown as { getBuiltinModule?: unknown };
  const saved = proc.getBuiltinModule;
  proc.getBuiltinModule = undefined;
  try {
    assert.throws(() => nb.data.loadIdx('x.idx'), /loadIdx: reading files needs Node/);
    assert.throws(() => nb.data.loadCsv('x.csv'), /loadCsv: reading files needs Node/);
    assert.throws(
      () => nb.data.parseIdx(encodeIdx(IDX.ubyte, [1], [1], true)),
      /gzipped and decompressing it synchronously needs Node; in a browser use `await parseIdxAsync/,
    );
    assert.deepEqual(nb.data.parseIdx(encodeIdx(IDX.ubyte, [1], [1])).toArray(), [1]); // parsing plain bytes still works
  } finally {
    proc.getBuiltinModule = saved;
  }
});
