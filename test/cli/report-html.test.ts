import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import { checkSelfContained, parsePage, sectionById, sectionsOf, textOf } from '../viz/report-check.js';
import { descendants, select, within } from '../viz/xml.js';

// `nabla train` writes report.html into the run folder: the run's page, read from disk.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cli = join(root, 'dist', 'cli', 'nabla.js');
const dir = mkdtempSync(join(tmpdir(), 'nabla-cli-report-'));

function nabla(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const read = (run: string, name: string) => readFileSync(join(dir, run, name), 'utf8');

test("nabla train digits writes report.html: the run's curves, confusion matrix, weights, mistakes and equations, self-contained", async () => {
  const r = nabla('train', 'digits', '--epochs', '2', '--layers', '12', '--quiet', '--out', 'digits');
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(read('digits', 'report.json'));
  assert.ok(report.files.includes('report.html'), "listed among the run's files");
  const html = read('digits', 'report.html');
  const page = parsePage(html);
  checkSelfContained(html, page);
  assert.deepEqual(sectionsOf(page).ids, ['summary', 'curves', 'confusion', 'weights', 'misclassified', 'equations', 'landscape', 'sharpness']);
  assert.equal(select(page, 'title')[0]!.text, 'nabla run: digits-mlp');
  // summary: the model's layers and the test accuracy of report.json
  const summary = textOf(sectionById(page, 'summary'));
  assert.ok(summary.includes('hidden_1') && summary.includes('[null,12]') && summary.includes(`${(100 * report.testAccuracy).toFixed(2)}%`), summary);
  // curves: one point per epoch
  const paths = select(sectionById(page, 'curves'), 'path', 'series');
  assert.equal(paths.length, 4);
  for (const p of paths) assert.equal(p.attrs.d!.match(/[ML]/g)!.length, 2, p.attrs['data-name']);
  // the confusion matrix of report.json
  const matrix: number[][] = report.confusionMatrix;
  assert.deepEqual(
    within(sectionById(page, 'confusion'), 'cells', 'text').map((t) => Number(t.text)),
    matrix.flat(),
  );
  // first-layer weights: one 8×8 tile per hidden unit
  assert.equal(select(sectionById(page, 'weights'), 'g', 'tile').length, 12);
  // misclassified: as many as the confusion matrix has off the diagonal, each card a real (true, predicted) pair
  const wrong = 360 - matrix.reduce((s, row, i) => s + row[i]!, 0);
  const mistakes = sectionById(page, 'misclassified');
  assert.match(textOf(mistakes), new RegExp(`${wrong} of 360 test examples are misclassified`));
  const cards = descendants(mistakes).filter((e) => e.attrs.class === 'card');
  assert.equal(cards.length, Math.min(24, wrong));
  const pairs = new Map<string, number>();
  for (const card of cards) {
    const span = (cls: string) => descendants(card).find((e) => e.name === 'span' && e.attrs.class === cls)!.text;
    const t = /^true (\d)$/.exec(span('truth'))![1]!,
      p = /^predicted (\d)$/.exec(span('wrong'))![1]!;
    assert.notEqual(t, p);
    const key = `${t},${p}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
    assert.ok(pairs.get(key)! <= matrix[Number(t)]![Number(p)]!, `no more ${t}→${p} cards than the confusion matrix counts`);
    assert.equal(select(card, 'svg').length, 1, 'the digit drawn');
  }
  // the equations: the saved model's explanation, typeset
  const model = await nb.loadModel(join(dir, 'digits', 'model.nabla'));
  const equations = sectionById(page, 'equations');
  assert.equal(select(equations, 'math').length, 1);
  assert.deepEqual(
    select(equations, 'annotation').map((a) => a.text),
    [model.explain().latex()],
  );
  assert.ok(textOf(equations).includes('ℝ'), 'ℝ of the shapes as a Unicode letter');
});

test("a CSV run's report lists its mistakes as feature values under the escaped header names, and replaces the earlier report", () => {
  assert.equal(nabla('train', 'digits', '--epochs', '1', '--layers', '4', '--quiet', '--out', 'rerun').code, 0);
  const lines = ['<b>size</b>,"we""ight",label'];
  for (let i = 0; i < 80; i++) {
    const a = Math.sin(i * 1.3) * 3,
      b = Math.cos(i * 0.7) * 3;
    lines.push(`${a.toFixed(3)},${b.toFixed(3)},${a + 0.3 * b > 0.5 ? '<yes>' : 'no & never'}`);
  }
  writeFileSync(join(dir, 'tabular.csv'), lines.join('\n'));
  const r = nabla('train', 'tabular.csv', '--epochs', '2', '--layers', '3', '--quiet', '--validation-split', '0', '--out', 'rerun');
  assert.equal(r.code, 0, r.err);
  const html = read('rerun', 'report.html');
  const page = parsePage(html);
  checkSelfContained(html, page);
  assert.doesNotMatch(html, /<b>|<yes>/);
  assert.deepEqual(
    sectionsOf(page).ids,
    ['summary', 'curves', 'confusion', 'misclassified', 'equations', 'landscape', 'sharpness'],
    'a fresh page: no weights of the earlier image run',
  );
  const report = JSON.parse(read('rerun', 'report.json'));
  const wrong = report.examples.test - report.confusionMatrix.reduce((s: number, row: number[], i: number) => s + row[i]!, 0);
  const rows = select(sectionById(page, 'misclassified'), 'tr').map((tr) => tr.children.map(textOf));
  if (wrong > 0) {
    assert.deepEqual(rows[0]!.slice(0, 6), ['test example', 'true', 'predicted', 'probabilities', '<b>size</b>', 'we"ight']);
    assert.equal(rows.length - 1, Math.min(24, wrong));
    for (const row of rows.slice(1)) {
      assert.ok(['<yes>', 'no & never'].includes(row[1]!) && ['<yes>', 'no & never'].includes(row[2]!) && row[1] !== row[2], row.join(' | '));
      assert.ok(Number.isFinite(Number(row[4])) && Number.isFinite(Number(row[5])), 'the raw feature values');
    }
  } else {
    assert.equal(rows.length, 0);
  }
  const labels = within(sectionById(page, 'confusion'), 'labels', 'text').map((t) => t.text);
  assert.ok(labels.includes('<yes>') && labels.includes('no & never'), labels.join(','));
});
