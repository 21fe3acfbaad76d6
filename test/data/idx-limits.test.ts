import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, ftruncateSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as nb from '../../src/index.js';
import { IDX, encodeIdx } from './idx-writer.js';

// The file loaders are bounded: what they read, what gzip may inflate to, the
// length of a line, and what a header may declare, all before allocating.

const dir = mkdtempSync(join(tmpdir(), 'nabla-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array | string) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const MiB = 2 ** 20;

/** An IDX file whose gzip is `members` copies of one gzip member of 16 MiB of zeros (gunzip reads concatenated members). */
function gzipBomb(members: number): Uint8Array {
  const header = encodeIdx(IDX.ubyte, [members, 4096, 4096], []);
  const zeros = gzipSync(new Uint8Array(16 * MiB), { level: 9 });
  const parts = [gzipSync(header), ...Array.from({ length: members }, () => zeros)];
  return Buffer.concat(parts);
}

test('a 4 MiB gzip file that inflates to 4 GiB is refused once it passes the proportionate limit', () => {
  const bytes = gzipBomb(256);
  assert.ok(bytes.length < 5 * MiB, `the bomb is ${bytes.length} bytes`);
  const bomb = file('bomb-idx3-ubyte.gz', bytes);
  assert.throws(
    () => nb.data.loadIdx(bomb),
    (e: Error) =>
      e instanceof nb.NablaError &&
      /loadIdx: .*bomb-idx3-ubyte.gz inflates to more than 25\d(\.\d)? MiB \(the limit for [\d.]+ MiB of gzip data\)/.test(e.message),
  );
});

test('the inflation limit can be raised or lowered per call and for every loader', () => {
  const values = new Array(3000).fill(7);
  const p = file('sevens-idx1-ubyte.gz', encodeIdx(IDX.ubyte, [3000], values, true));
  assert.throws(() => nb.data.loadIdx(p, { maxBytes: 2000 }), /inflates to more than 2000 bytes/);
  assert.deepEqual(Array.from(nb.data.loadIdx(p, { maxBytes: 4000 }).storage), values);
  const previous = nb.data.setReadLimits({ maxBytes: 2000 });
  try {
    assert.throws(() => nb.data.loadIdx(p), /inflates to more than 2000 bytes/);
    assert.throws(() => nb.data.parseIdx(encodeIdx(IDX.ubyte, [3000], values, true)), /parseIdx: the data inflates to more than 2000 bytes/);
    assert.equal(nb.data.loadIdx(p, { maxBytes: 4000 }).shape[0], 3000); // a call's own limit wins
  } finally {
    nb.data.setReadLimits(previous);
  }
  assert.equal(nb.data.loadIdx(p).shape[0], 3000);
  assert.throws(
    () => nb.data.loadIdx(p, { maxBytes: -1 }),
    (e: Error) => e instanceof nb.ArgumentError && /maxBytes must be a positive integer, got -1/.test(e.message),
  );
  assert.throws(() => nb.data.setReadLimits({ maxLineBytes: 0.5 }), /maxLineBytes must be a positive integer/);
});

test('a file over maxBytes is refused before it is read (a sparse 1 GiB CSV included)', () => {
  const big = join(dir, 'big.csv');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, 2 ** 30);
  closeSync(fd);
  assert.throws(
    () => nb.data.loadCsv(big),
    /loadCsv: .*big.csv is 1024 MiB, more than the limit of 512 MiB; raise it with the maxBytes option or nb.data.setReadLimits/,
  );
  const small = file('small-idx1-ubyte', encodeIdx(IDX.ubyte, [100], new Array(100).fill(1)));
  assert.throws(() => nb.data.loadIdx(small, { maxBytes: 50 }), /is 108 bytes, more than the limit of 50 bytes/);
});

test('a path that is not a regular file is refused before opening it: /dev/zero, a directory, a FIFO', () => {
  if (existsSync('/dev/zero')) {
    assert.throws(() => nb.data.loadIdx('/dev/zero'), /loadIdx: \/dev\/zero is a character device, not a regular file/);
    assert.throws(() => nb.data.loadCsv('/dev/zero'), /loadCsv: \/dev\/zero is a character device, not a regular file/);
  }
  const sub = join(dir, 'folder.csv');
  mkdirSync(sub);
  assert.throws(() => nb.data.loadCsv(sub), /is a directory, not a regular file/);
  const fifo = join(dir, 'pipe-idx1-ubyte');
  if (spawnSync('mkfifo', [fifo]).status === 0) {
    // opening a FIFO with no writer would block forever: it must be refused from its stat
    assert.throws(() => nb.data.loadIdx(fifo), /is a FIFO \(named pipe\), not a regular file/);
  }
  assert.throws(() => nb.data.loadMnist(dir, { maxBytes: 0 }), /maxBytes must be a positive integer/);
});

test('a line over maxLineBytes is refused with its number, before decoding', () => {
  const long = `a,b\n1,2\n${'1,'.repeat(MiB / 2 + 1)}3\n`;
  const p = file('long.csv', long);
  assert.throws(() => nb.data.loadCsv(p), /loadCsv: line 3 of .*long.csv is longer than the limit of 1 MiB; if it is genuine, raise maxLineBytes/);
  const previous = nb.data.setReadLimits({ maxLineBytes: 2 * MiB });
  try {
    assert.throws(() => nb.data.loadCsv(p), /line 3 has \d+ values, expected 2/); // read, then parsed
  } finally {
    nb.data.setReadLimits(previous);
  }
  const gz = file('long.csv.gz', gzipSync(long));
  assert.throws(() => nb.data.loadCsv(gz), /line 3 of .*long.csv.gz is longer than the limit/);
});

test('IDX headers declaring more values than the bytes present are refused before allocating', () => {
  const header = encodeIdx(IDX.double, [0xffffffff, 0xffffffff, 0xffffffff], []);
  for (const gz of [false, true]) {
    const p = file(`liar${gz ? '.gz' : ''}`, gz ? gzipSync(header) : header);
    assert.throws(
      () => nb.data.loadIdx(p),
      /is truncated: a double array of shape \[4294967295,4294967295,4294967295\] needs [\d.e+]+ bytes .* but there are only 16/,
    );
  }
});
