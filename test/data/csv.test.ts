import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import * as nb from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const iris = 'sepal,petal,"width, cm",species\n5.1,1.4,0.2,0\n4.9,1.5,0.3,1\n\n6.3,4.8,1.8,2\n';

test('parseCsv detects a header and reads the label column by name, index, negative index and last', () => {
  for (const labelColumn of ['species', 3, -1, 'last'] as const) {
    const d = nb.data.parseCsv(iris, { labelColumn });
    assert.deepEqual(
      d.x.toArray(),
      [
        [5.1, 1.4, 0.2],
        [4.9, 1.5, 0.3],
        [6.3, 4.8, 1.8],
      ].map((r) => r.map(Math.fround)),
    );
    assert.equal(d.x.dtype, 'float32');
    assert.deepEqual(d.labels!.toArray(), [0, 1, 2]);
    assert.equal(d.labels!.dtype, 'int32');
    assert.deepEqual(d.y!.toArray(), [0, 1, 2]);
    assert.equal(d.y!.dtype, 'float32');
    assert.deepEqual(d.columns, ['sepal', 'petal', 'width, cm']);
    assert.equal(d.labelName, 'species');
  }
  const first = nb.data.parseCsv(iris, { labelColumn: 0 });
  assert.deepEqual(first.x.shape, [3, 3]);
  assert.equal(first.labels, undefined); // 5.1 is not a class label
  assert.deepEqual(first.y!.toArray(), [5.1, 4.9, 6.3].map(Math.fround));
  assert.deepEqual(first.columns, ['petal', 'width, cm', 'species']);
});

test('parseCsv without a header, with other delimiters, CRLF, a BOM and special numbers', () => {
  const d = nb.data.parseCsv('1,2,3\r\n4,5,6\r\n', {});
  assert.deepEqual(d.x.toArray(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.equal(d.columns, undefined);
  assert.equal(d.labels, undefined);
  assert.equal(d.y, undefined);
  const t = nb.data.parseCsv('\ufeff a\tb\n 1e3\t-2.5 \n"7"\tNaN\n-inf\t.5\n', { delimiter: '\t', labelColumn: 'b' });
  assert.deepEqual(t.columns, ['a']);
  assert.deepEqual([...t.x.storage], [1000, 7, -Infinity]);
  assert.deepEqual([...t.y!.storage], [-2.5, NaN, 0.5]);
  assert.equal(t.labels, undefined);
  // header: false keeps a numeric-looking first line as data; header: true drops it
  assert.deepEqual(nb.data.parseCsv('1;2\n3;4', { delimiter: ';', header: false }).x.shape, [2, 2]);
  const h = nb.data.parseCsv('1;2\n3;4', { delimiter: ';', header: true, labelColumn: '2' });
  assert.deepEqual(h.x.toArray(), [[3]]);
  assert.deepEqual(h.labels!.toArray(), [4]);
});

test('parseCsv errors name the 1-based line (counting the header) and column', () => {
  const rows = ['a,b,c', '1,2,3', '4,5,6', '', '7,8,9'];
  assert.throws(
    () => nb.data.parseCsv([...rows, '1,2'].join('\n')),
    (e: Error) => e instanceof nb.NablaError && e.message === 'parseCsv: line 6 has 2 values, expected 3',
  );
  assert.throws(() => nb.data.parseCsv([...rows, '1,abc,3'].join('\n')), { message: 'parseCsv: line 6, column 2: "abc" is not a number' });
  assert.throws(() => nb.data.parseCsv('1,2\n3,\n'), { message: 'parseCsv: line 2, column 2: "" is not a number' });
  assert.throws(() => nb.data.parseCsv(''), /parseCsv: the text is empty/);
  assert.throws(() => nb.data.parseCsv('\n  \n'), /the text is empty/);
  assert.throws(() => nb.data.parseCsv('a,b\n'), /has a header but no data rows/);
  assert.throws(() => nb.data.parseCsv('1,2\n', { labelColumn: 'y' }), /is a column name, but the text has no header row/);
  assert.throws(() => nb.data.parseCsv('a,b\n1,2\n', { labelColumn: 'y' }), /no column named "y"; the columns are "a", "b"/);
  assert.throws(() => nb.data.parseCsv('1,2\n', { labelColumn: 2 }), /labelColumn 2 is out of range for 2 columns/);
  assert.throws(() => nb.data.parseCsv('1,2\n', { delimiter: '::' }), /delimiter must be one character/);
  assert.throws(() => nb.data.parseCsv('a,"b\n1,2\n'), /line 1 has an unterminated quoted cell/);
});

test('loadCsv reads files (gzipped too) and names the file in its errors', () => {
  const p = join(dir, 'iris.csv');
  writeFileSync(p, iris);
  const d = nb.data.loadCsv(p, { labelColumn: 'last' });
  assert.deepEqual(d.x.shape, [3, 3]);
  assert.deepEqual(d.labels!.toArray(), [0, 1, 2]);
  const gz = join(dir, 'iris.csv.gz');
  writeFileSync(gz, gzipSync(iris));
  assert.deepEqual(nb.data.loadCsv(gz, { labelColumn: 'last' }).x.toArray(), d.x.toArray());

  const digits = Array.from({ length: 8 }, (_, i) => Array.from({ length: 65 }, (_, j) => (i + j) % 17).join(','));
  digits[6] = '1,2,3,4,5';
  const ragged = join(dir, 'ragged.csv');
  writeFileSync(ragged, digits.join('\n'));
  assert.throws(() => nb.data.loadCsv(ragged), { message: `loadCsv: line 7 has 5 values, expected 65 (${ragged})` });
  const empty = join(dir, 'empty.csv');
  writeFileSync(empty, '');
  assert.throws(() => nb.data.loadCsv(empty), { message: `loadCsv: ${empty} is empty` });
  assert.throws(() => nb.data.loadCsv(join(dir, 'missing.csv')), /loadCsv: file not found: .*missing\.csv/);
});

test('allowNonFinite: false refuses a nan or inf cell, naming the line, the column and its header name', () => {
  const text = 'a,b,label\n1,2,0\n\n3,nan,1\n';
  assert.equal(Number.isNaN(nb.data.parseCsv(text, { labelColumn: 'last' }).x.storage[3]!), true, 'accepted by default');
  assert.throws(() => nb.data.parseCsv(text, { labelColumn: 'last', allowNonFinite: false }), {
    name: 'NablaError',
    message: 'parseCsv: line 4, column 2 (b): "nan" is not a finite number',
  });
  assert.throws(() => nb.data.parseCsv('1,2\n-inf,3\n', { allowNonFinite: false }), { message: 'parseCsv: line 2, column 1: "-inf" is not a finite number' });
  assert.throws(() => nb.data.parseCsv('1,2\n4,Infinity\n', { labelColumn: 'last', allowNonFinite: false }), {
    message: /line 2, column 2: "Infinity" is not a finite number/,
  });
});

test("textLabels keeps the label column as text (a header is not guessed from a text label), with each row's line number", () => {
  const t = nb.data.parseCsv('5.1,3.5,setosa\n\n7.0,3.2, versicolor \n', { labelColumn: 'last', textLabels: true });
  assert.deepEqual(t.labelText, ['setosa', 'versicolor']);
  assert.deepEqual([...t.x.shape], [2, 2], 'the first line is data, not a header');
  assert.deepEqual(Array.from(t.lineNumbers!), [1, 3]);
  assert.equal(t.y, undefined, 'no numeric targets for text labels');
  const h = nb.data.parseCsv('x,y,kind\n1,2,a\n', { labelColumn: 'last', textLabels: true });
  assert.deepEqual(h.columns, ['x', 'y']);
  assert.deepEqual(h.labelText, ['a']);
  const numeric = nb.data.parseCsv('1,2,3\n4,5,6\n', { labelColumn: 'last', textLabels: true });
  assert.deepEqual(numeric.labelText, ['3', '6']);
  assert.deepEqual(Array.from(numeric.labels!.storage), [3, 6]);
  assert.throws(() => nb.data.parseCsv('1,2,x\n1,abc,x\n', { labelColumn: 'last', textLabels: true }), { message: /line 2, column 2: "abc" is not a number/ });
});

test('allowNonFinite: false also refuses a number that float32 cannot hold (it would become Infinity)', () => {
  assert.equal(nb.data.parseCsv('1e39,1\n').x.storage[0], Infinity, 'accepted by default, as Infinity');
  assert.throws(() => nb.data.parseCsv('1,2\n1e39,1\n', { allowNonFinite: false }), {
    message: 'parseCsv: line 2, column 1: "1e39" is beyond float32\'s range (±3.4e38)',
  });
  assert.equal(nb.data.parseCsv('3e38,1\n', { allowNonFinite: false }).x.storage[0], Math.fround(3e38));
});
