import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../src/index.js';
import { encodeIdx, IDX } from './data/idx-writer.js';

// `nabla train` on data as people have it: preprocessing saved in the model,
// CSV labels (text, sparse integers, decimals), nan/inf, and options.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'nabla.js');
const dir = mkdtempSync(join(tmpdir(), 'nabla-cli-data-'));

function nabla(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const report = (run: string) => JSON.parse(readFileSync(join(dir, run, 'report.json'), 'utf8'));
/** The "accuracy: 93.06% (335/360)" line of `nabla evaluate`, as a fraction. */
function evaluatedAccuracy(out: string): number {
  const m = /^accuracy: [\d.]+% \((\d+)\/(\d+)\)$/m.exec(out);
  assert.ok(m, out);
  return Number(m[1]) / Number(m[2]);
}

/** Writes rows (arrays of cells) as a CSV file. */
function csv(name: string, rows: (string | number)[][], header?: string[]): string {
  writeFileSync(join(dir, name), `${[...(header ? [header.join(',')] : []), ...rows.map((r) => r.join(','))].join('\n')}\n`);
  return name;
}

/** Two features and three well-separated classes, with a label made by `label(classIndex)`. */
function threeClasses(name: string, label: (k: number) => string | number, n = 150): string {
  const g = new nb.Generator(4);
  const rows: (string | number)[][] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const [a, b] = Array.from(nb.randomNormal([2], 0, 0.3, { generator: g }).storage);
    // features in large, offset units: without normalization an MLP trains poorly on them
    rows.push([(1000 + 50 * k + 50 * a!).toFixed(3), (-3 + k + b!).toFixed(4), label(k)]);
  }
  return csv(name, rows, ['size', 'shift', 'kind']);
}

test("a model trained by `nabla train digits` takes raw pixels: evaluating it on the run's raw test rows gives the report's accuracy", () => {
  // the run's own test split, as raw 0..16 pixel rows with the label last (what the shipped CSV holds)
  const d = nb.data.loadDigits();
  const raw = nb.mul(d.x, 16);
  const split = nb.data.trainTestSplit(raw, d.labels, { testSize: 0.2, seed: 0, stratify: d.labels });
  const rows = (split.xTest.toArray() as number[][]).map((r, i) => [...r.map((v) => Math.round(v)), split.yTest.storage[i]!]);
  csv('digits-test.csv', rows);
  for (const model of ['mlp', 'lstm']) {
    const run = `digits-${model}`;
    const t = nabla('train', 'digits', '--model', model, '--epochs', '2', '--quiet', '--out', run);
    assert.equal(t.code, 0, t.err);
    const e = nabla('evaluate', join(run, 'model.nabla'), 'digits-test.csv');
    assert.equal(e.code, 0, e.err);
    assert.equal(evaluatedAccuracy(e.out), report(run).testAccuracy, model);
  }
  // the shipped CSV and the digits data set are the same raw examples
  const shipped = nabla('evaluate', join('digits-mlp', 'model.nabla'), join(root, 'data', 'uci-digits.csv.gz'));
  assert.equal(shipped.code, 0, shipped.err);
  assert.equal(evaluatedAccuracy(shipped.out), evaluatedAccuracy(nabla('evaluate', join('digits-mlp', 'model.nabla'), 'digits').out));
  assert.match(
    nabla('summary', join('digits-mlp', 'model.nabla')).out,
    /rescaling \(Rescaling\)\s+\[null,64\]\s+0[\s\S]*classes: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9/,
  );
});

test('a CSV model normalises with statistics of the training rows only, and evaluates raw rows as its run did', async () => {
  const name = threeClasses('sizes.csv', (k) => k);
  const t = nabla('train', name, '--epochs', '20', '--layers', '8', '--lr', '0.02', '--quiet', '--out', 'sizes');
  assert.equal(t.code, 0, t.err);
  // the rows the run trained on: the training split minus its last 10% (validation)
  const data = nb.data.loadCsv(join(dir, name), { labelColumn: 'last' });
  const split = nb.data.trainTestSplit(data.x, data.labels!, { testSize: 0.2, seed: 0, stratify: data.labels! });
  const nFit = Math.floor(split.xTrain.shape[0]! * 0.9);
  const fitRows = nb.slice(split.xTrain, [0, 0], [nFit, -1]);
  const model = await nb.loadModel(join(dir, 'sizes', 'model.nabla'));
  assert.equal(model.layers[0]!.className, 'Normalization');
  const savedMean = Array.from(model.layers[0]!.getWeights()[0]!.storage);
  const fitMean = Array.from(nb.mean(fitRows, 0).storage),
    allMean = Array.from(nb.mean(data.x, 0).storage);
  savedMean.forEach((m, j) => assert.ok(Math.abs(m - fitMean[j]!) < 1e-3 * Math.abs(fitMean[j]!) + 1e-4, `feature ${j}: ${m} vs ${fitMean[j]}`));
  assert.ok(
    savedMean.some((m, j) => Math.abs(m - allMean[j]!) > 1e-3),
    'not the mean of all rows',
  );
  // its raw test rows evaluate to the report's accuracy
  const testRows = (split.xTest.toArray() as number[][]).map((r, i) => [...r, split.yTest.storage[i]!]);
  csv('sizes-test.csv', testRows, ['size', 'shift', 'kind']);
  const e = nabla('evaluate', join('sizes', 'model.nabla'), 'sizes-test.csv');
  assert.equal(e.code, 0, e.err);
  assert.ok(Math.abs(evaluatedAccuracy(e.out) - report('sizes').testAccuracy) < 1e-12);
  assert.ok(report('sizes').testAccuracy > 0.9, 'the normalized model learns the separated classes');
});

test('text labels become named classes, saved with the model and printed by train, evaluate and predict', async () => {
  const names = ['setosa', 'versicolor', 'virginica'];
  const name = threeClasses('iris-like.csv', (k) => names[k]!);
  const t = nabla('train', name, '--epochs', '20', '--layers', '8', '--lr', '0.02', '--out', 'iris');
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /^\s+setosa\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+10$/m, 'the report names the classes');
  assert.deepEqual(report('iris').classNames, names);
  const chart = readFileSync(join(dir, 'iris', 'confusion.svg'), 'utf8');
  for (const n of names) assert.ok(chart.includes(`>${n}</text>`), `the confusion chart labels ${n}`);
  assert.deepEqual((await nb.loadModel(join(dir, 'iris', 'model.nabla'))).metadata.classNames, names);
  const e = nabla('evaluate', join('iris', 'model.nabla'), name);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /^\s+virginica\s+[\d.]+/m);
  const p = nabla('predict', join('iris', 'model.nabla'), name, '--top', '1');
  assert.equal(p.code, 0, p.err);
  assert.match(p.out.split('\n')[1]!, /^\s+0\s+(setosa|versicolor|virginica)\s+(setosa|versicolor|virginica): [01]\.\d{4}$/);
  // a label the model never saw is one clear line
  csv('unknown.csv', [['1000', '-3', 'daisy']], ['size', 'shift', 'kind']);
  assert.match(
    nabla('evaluate', join('iris', 'model.nabla'), 'unknown.csv').err,
    /^nabla: unknown\.csv: line 2: label "daisy" is not one of the model's classes \(setosa, versicolor, virginica\)\n$/,
  );
});

test('integer labels that are not 0..K−1 map to K dense classes; the mapping is saved and used by evaluate', async () => {
  for (const [run, values] of [
    ['one-to-3', [1, 2, 3]],
    ['hundreds', [0, 100, 200]],
    ['thousands', [0, 1000, 2000]],
    ['huge', [0, 1, 1e7]],
  ] as const) {
    const name = threeClasses(`${run}.csv`, (k) => values[k]!);
    const t = nabla('train', name, '--epochs', '20', '--layers', '8', '--lr', '0.02', '--quiet', '--out', run);
    assert.equal(t.code, 0, `${run}: ${t.err}`);
    const r = report(run);
    assert.deepEqual(r.classNames, values.map(String), run);
    assert.equal(r.confusionMatrix.length, 3, `${run}: three classes, no empty ones`);
    assert.ok(
      r.f1.every((f: number) => f > 0.5),
      `${run}: macro F1 is not dragged down by empty classes: ${r.f1}`,
    );
    const model = await nb.loadModel(join(dir, run, 'model.nabla'));
    assert.equal(model.layers[model.layers.length - 1]!.getWeights()[1]!.size, 3, `${run}: a 3-unit output layer`);
    assert.deepEqual(model.metadata['labelValues'], [...values]);
    const e = nabla('evaluate', join(run, 'model.nabla'), name);
    assert.equal(e.code, 0, e.err);
    assert.ok(evaluatedAccuracy(e.out) > 0.9, `${run}: labels mapped back by value`);
  }
  const r = nabla(
    'train',
    csv(
      'too-many.csv',
      Array.from({ length: 1200 }, (_, i) => [i % 7, i]),
    ),
    '--quiet',
  );
  assert.match(r.err, /^nabla: too-many\.csv: the labels take 1200 different values, more than 1000 classes; for a numeric target use --task regression\n$/);
});

test('decimal labels: one clear line without --task regression; with it a regression run reporting R² and MAE', async () => {
  const g = new nb.Generator(9);
  const rows = Array.from({ length: 200 }, () => {
    const [a, b] = Array.from(nb.randomUniform([2], -2, 2, { generator: g }).storage);
    return [a!.toFixed(4), b!.toFixed(4), (50 + 10 * a! - 4 * b! * b!).toFixed(3)];
  });
  const name = csv('price.csv', rows, ['a', 'b', 'price']);
  const r = nabla('train', name, '--quiet');
  assert.equal(r.code, 1);
  assert.match(r.err, /^nabla: price\.csv: the labels hold decimal values \([\d.]+ on line 2\); for a numeric target use --task regression\n$/);
  const t = nabla('train', name, '--task', 'regression', '--epochs', '60', '--layers', '16', '--out', 'price');
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /test R²: \d\.\d{4}\s+MAE: \d+\.\d{4}/);
  const rep = report('price');
  assert.equal(rep.task, 'regression');
  assert.ok(rep.testR2 > 0.8 && rep.testR2 <= 1, `R² ${rep.testR2}`);
  assert.equal(typeof rep.testMAE, 'number');
  assert.equal(rep.options.loss, 'mse');
  const model = await nb.loadModel(join(dir, 'price', 'model.nabla'));
  const output = model.layers.find((l) => l.name === 'output') as nb.layers.Dense;
  assert.equal(output.units, 1);
  assert.equal(output.getConfig()['activation'], 'linear');
  // evaluate and predict give values in the target's own units
  const e = nabla('evaluate', join('price', 'model.nabla'), name);
  assert.match(e.out, /evaluation R²: 0\.\d{4}\s+MAE: /);
  const p = nabla('predict', join('price', 'model.nabla'), name);
  const first = Number(p.out.split('\n')[1]!.trim().split(/\s+/)[1]);
  assert.ok(Math.abs(first - Number(rows[0]![2])) < 10, `${first} vs ${rows[0]![2]}`);
  const mae = nabla('train', name, '--task', 'regression', '--loss', 'mae', '--epochs', '2', '--quiet', '--out', 'price-mae');
  assert.equal(mae.code, 0, mae.err);
  assert.equal(report('price-mae').options.loss, 'mae');
  assert.match(
    nabla('train', name, '--task', 'regression', '--loss', 'crossentropy').err,
    /^nabla: --loss for regression must be mse or mae, got 'crossentropy'\n$/,
  );
});

test('a nan or inf cell is refused naming its line and column, unless --drop-nan drops its row', () => {
  const rows: (string | number)[][] = Array.from({ length: 40 }, (_, i) => [i, i % 3, i % 2]);
  rows[6]![1] = 'nan';
  const name = csv('holes.csv', rows, ['x', 'y', 'label']);
  const r = nabla('train', name, '--out', 'holes');
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /^nabla: holes\.csv: line 8, column 2 \(y\): "nan" is not a finite number; nabla refuses to train on nan or inf \(--drop-nan drops such rows\)\n$/,
  );
  assert.equal(existsSync(join(dir, 'holes')), false, 'no run folder for refused data');
  rows[6]![1] = 3;
  rows[9]![0] = '-inf';
  csv('holes.csv', rows, ['x', 'y', 'label']);
  assert.match(nabla('train', name).err, /line 11, column 1 \(x\): "-inf" is not a finite number/);
  rows[9]![0] = '1e39';
  csv('holes.csv', rows, ['x', 'y', 'label']);
  assert.match(nabla('train', name).err, /^nabla: holes\.csv: line 11, column 1 \(x\): "1e39" is beyond float32's range \(±3\.4e38\); nabla refuses/);
  const d = nabla('train', name, '--drop-nan', '--epochs', '2', '--quiet', '--out', 'holes');
  assert.equal(d.code, 0, d.err);
  assert.match(d.err, /^nabla: --drop-nan dropped 1 row holding nan or inf \(line 11\)$/m);
  assert.deepEqual(report('holes').droppedLines, [11]);
  assert.equal(report('holes').examples.train + report('holes').examples.validation + report('holes').examples.test, 39);
});

test('a run that learns nothing says so and suggests a smaller learning rate', () => {
  const r = nabla('train', 'digits', '--lr', '1000', '--epochs', '2', '--layers', '16', '--quiet', '--out', 'diverged');
  assert.match(r.err, /learning rate 1000 is (probably )?too large: try --lr 100\b/);
  if (r.code === 0)
    assert.match(
      r.err,
      /^nabla: warning: training diverged: test accuracy [\d.]+% is no better than always answering the most common class \([\d.]+%\), and the training loss ended at [\d.]+, no lower than at the start/,
    );
  else assert.equal(r.code, 1);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
});

test("options that do not apply are refused; --help shows each optimiser's learning rate; report.json holds numbers and the rate used", () => {
  const cases: [string[], RegExp][] = [
    [['train', 'digits', '--model', 'cnn', '--layers', '8'], /^nabla: --layers sets the hidden layers of --model mlp; it does not apply to --model cnn$/],
    [['train', 'digits', '--model', 'lstm', '--activation', 'tanh'], /^nabla: --activation does not apply to --model lstm/],
    [['train', 'fashion-mnist', '--test-size', '0.3'], /^nabla: --test-size does not apply to fashion-mnist: it comes with its own test set$/],
    [['train', 'digits', '--data-dir', '/tmp'], /^nabla: --data-dir applies to mnist and fashion-mnist only, not digits$/],
    [['train', 'digits', '--drop-nan'], /^nabla: --drop-nan applies to CSV files only, not digits$/],
    [['train', 'digits', '--task', 'regression'], /^nabla: --task regression needs a CSV file/],
    [['train', 'digits', '--loss', 'mae'], /^nabla: --loss for classification must be crossentropy or mse, got 'mae'$/],
    [['train', 'digits', '--task', 'clustering'], /^nabla: --task must be classification or regression, got 'clustering'$/],
  ];
  for (const [args, pattern] of cases) {
    const r = nabla(...args);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err.trim(), pattern);
  }
  const help = nabla('train', '--help').out.replace(/\s+/g, ' ');
  for (const [name, lr] of [
    ['adam', 0.002],
    ['sgd', 0.1],
    ['momentum', 0.05],
    ['rmsprop', 0.001],
    ['adagrad', 0.05],
  ] as const) {
    assert.ok(help.includes(`${name} (default lr ${lr})`), `${name} in ${help}`);
  }
  assert.equal(nabla('train', 'digits', '--optimizer', 'sgd', '--epochs', '1', '--batch-size', '64', '--quiet', '--out', 'sgd').code, 0);
  const o = report('sgd').options;
  assert.equal(o.learningRate, 0.1);
  assert.equal(o.epochs, 1);
  assert.equal(o.batchSize, 64);
  assert.equal(o.validationSplit, 0.1);
  assert.deepEqual(o.layers, [256, 128]);
});

test('a run whose loss stops being finite ends with one line (exit 1) saying why, and keeps its history and report', () => {
  const g = new nb.Generator(12);
  const rows = Array.from({ length: 100 }, () => {
    const [a, b] = Array.from(nb.randomUniform([2], -1, 1, { generator: g }).storage);
    return [a!.toFixed(4), b!.toFixed(4), (3 * a! + b! + 0.5).toFixed(4)];
  });
  const name = csv('steep.csv', rows, ['a', 'b', 'y']);
  const r = nabla('train', name, '--task', 'regression', '--optimizer', 'sgd', '--lr', '10', '--epochs', '5', '--quiet', '--out', 'steep');
  assert.equal(r.code, 1, r.err);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
  assert.match(
    r.err,
    /^nabla: training stopped in epoch 1: .*(NaN|Infinity|finite).* The learning rate 10 is probably too large: try --lr 1\. steep holds the history and report/,
  );
  assert.equal(report('steep').status, 'failed');
  assert.equal(typeof report('steep').error, 'string');
  // targets whose squares are beyond float32's range: not finite from the first batch, which is not the learning rate's fault
  const huge = csv(
    'huge.csv',
    rows.map(([a, b, y]) => [a!, b!, `${y}e30`]),
    ['a', 'b', 'y'],
  );
  const h = nabla('train', huge, '--task', 'regression', '--quiet', '--out', 'huge');
  assert.equal(h.code, 1, h.err);
  assert.match(h.err, /The loss was not finite from the first batch on: check the scale of the data/);
});

test('an MNIST-format model takes raw 0..255 pixels: evaluate on the test set and predict on the IDX file agree with the run', () => {
  // a small MNIST-format set: class k is a bright 6x6 block at one of ten places, plus noise
  const g = new nb.Generator(21);
  const make = (n: number) => {
    const labels = Array.from({ length: n }, (_, i) => i % 10);
    const pixels = new Uint8Array(n * 784);
    labels.forEach((k, i) => {
      const noise = nb.randomUniform([784], 0, 60, { generator: g }).storage;
      for (let p = 0; p < 784; p++) pixels[i * 784 + p] = Math.floor(noise[p]!);
      const r0 = 2 + 12 * Math.floor(k / 5),
        c0 = 1 + 5 * (k % 5);
      for (let r = r0; r < r0 + 6; r++) for (let c = c0; c < c0 + 4; c++) pixels[i * 784 + r * 28 + c] = 255;
    });
    return { labels, pixels };
  };
  const mnist = join(dir, 'mnist');
  mkdirSync(mnist, { recursive: true });
  for (const [kind, n] of [
    ['train', 300],
    ['t10k', 50],
  ] as const) {
    const { labels, pixels } = make(n);
    writeFileSync(join(mnist, `${kind}-images-idx3-ubyte`), encodeIdx(IDX.ubyte, [n, 28, 28], pixels));
    writeFileSync(join(mnist, `${kind}-labels-idx1-ubyte`), encodeIdx(IDX.ubyte, [n], labels));
  }
  const t = nabla('train', 'mnist', '--data-dir', mnist, '--epochs', '3', '--layers', '16', '--quiet', '--out', 'mnist-run');
  assert.equal(t.code, 0, t.err);
  const e = nabla('evaluate', join('mnist-run', 'model.nabla'), 'mnist', '--data-dir', mnist);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /^on the 50 test examples of mnist/);
  assert.equal(evaluatedAccuracy(e.out), report('mnist-run').testAccuracy);
  assert.ok(report('mnist-run').testAccuracy > 0.8, 'learns the blocks');
  const p = nabla('predict', join('mnist-run', 'model.nabla'), join(mnist, 't10k-images-idx3-ubyte'));
  assert.equal(p.code, 0, p.err);
  const predicted = p.out
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.trim().split(/\s+/)[1]));
  const correct = predicted.filter((c, i) => c === i % 10).length;
  assert.equal(correct / 50, report('mnist-run').testAccuracy, 'predict on raw IDX pixels agrees with the run');
});
