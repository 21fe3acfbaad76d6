import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The `nabla` command, run as users run it (the built dist/cli/nabla.js).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'nabla.js');
const dir = mkdtempSync(join(tmpdir(), 'nabla-cli-'));

function nabla(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('nabla --help lists the commands', () => {
  const r = nabla('--help');
  assert.equal(r.code, 0);
  for (const c of ['train', 'evaluate', 'predict', 'summary']) assert.match(r.out, new RegExp(`\\b${c}\\b`));
});

test('nabla train digits writes a run folder and reports per-class scores and the confusion matrix', () => {
  const r = nabla('train', 'digits', '--epochs', '3', '--layers', '32', '--out', 'run1');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /test accuracy: \d+\.\d\d% \(\d+\/360\)/);
  assert.match(r.out, /class\s+precision\s+recall\s+f1\s+support/);
  assert.match(r.out, /confusion matrix \(rows: true class, columns: predicted\)/);
  for (const f of ['model.nabla', 'history.json', 'report.json', 'loss.svg', 'accuracy.svg', 'confusion.svg', 'weights.svg']) {
    assert.ok(existsSync(join(dir, 'run1', f)), `${f} is in the run folder`);
  }
  const history = JSON.parse(readFileSync(join(dir, 'run1', 'history.json'), 'utf8'));
  assert.equal(history.history.loss.length, 3);
  assert.match(readFileSync(join(dir, 'run1', 'loss.svg'), 'utf8'), /^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
});

test("the README's main job: `nabla train digits` with its defaults reaches about 98% test accuracy, validated every epoch", () => {
  const r = nabla('train', 'digits', '--quiet', '--out', 'main-job');
  assert.equal(r.code, 0, r.err);
  const accuracy = JSON.parse(readFileSync(join(dir, 'main-job', 'report.json'), 'utf8')).testAccuracy as number;
  assert.ok(accuracy >= 0.97, `test accuracy ${accuracy} (the README says about 98%)`);
  // the validation sees the weights change (a compiled fit once put its first epoch's weights back at every validation)
  const val = JSON.parse(readFileSync(join(dir, 'main-job', 'history.json'), 'utf8')).history.val_loss as number[];
  assert.ok(new Set(val).size > val.length / 2 && Math.min(...val) < val[0]! / 2, `val_loss ${val.slice(0, 5).join(', ')}, ...`);
});

test('nabla evaluate, predict and summary use a saved model', () => {
  assert.equal(nabla('train', 'digits', '--epochs', '2', '--layers', '16', '--quiet', '--out', 'run2').code, 0);
  const model = join('run2', 'model.nabla');
  const e = nabla('evaluate', model, 'digits');
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /loss: \d\.\d{4}\s+accuracy: \d\.\d{4}/);
  const s = nabla('summary', model);
  assert.match(s.out, /hidden_1 \(Dense\)\s+\[null,16\]\s+1040/);
  // three digits as CSV rows: 64 raw pixel values in 0..16 (the model rescales them), one example a line
  const rows = Array.from({ length: 3 }, (_, i) => Array.from({ length: 64 }, (_, j) => (i * 7 + j) % 17).join(','));
  writeFileSync(join(dir, 'three.csv'), `${rows.join('\n')}\n`);
  const p = nabla('predict', model, 'three.csv', '--top', '2');
  assert.equal(p.code, 0, p.err);
  const lines = p.out.trim().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[1]!, /^\s+0\s+\d\s+\d: 0\.\d{4}\s+\d: 0\.\d{4}$/);
});

test('nabla trains on a CSV file with the label in the last column', () => {
  const lines = ['a,b,label'];
  for (let i = 0; i < 120; i++) {
    const a = Math.sin(i * 1.3) * 3,
      b = Math.cos(i * 0.7) * 3;
    lines.push(`${a},${b},${a + b > 0 ? 1 : 0}`);
  }
  writeFileSync(join(dir, 'points.csv'), lines.join('\n'));
  const r = nabla('train', 'points.csv', '--epochs', '30', '--layers', '8', '--quiet', '--out', 'run3');
  assert.equal(r.code, 0, r.err);
  assert.equal(existsSync(join(dir, 'run3', 'scaler.json')), false, 'the scaling is a layer of the model');
  assert.match(nabla('summary', join('run3', 'model.nabla')).out, /normalization \(Normalization\)\s+\[null,2\]\s+4/);
  assert.equal(existsSync(join(dir, 'run3', 'weights.svg')), false, 'no weight images for tabular data');
  const e = nabla('evaluate', join('run3', 'model.nabla'), 'points.csv');
  assert.equal(e.code, 0, e.err);
});

test('bad input exits non-zero with one clear line and no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['train', 'nowhere.csv'], /^nabla: .*nowhere\.csv/],
    [['train', 'digits', '--frobnicate'], /unknown option '--frobnicate'/],
    [['train', 'digits', '--epochs', 'many'], /^nabla: --epochs must be a positive integer, got 'many'$/],
    [['train', 'digits', '--optimizer', 'lbfgs'], /^nabla: --optimizer must be one of adam, sgd, momentum, rmsprop, adagrad, got 'lbfgs'$/],
    [['train', 'cifar'], /^nabla: unknown data set 'cifar'/],
    [['evaluate', 'missing.nabla', 'digits'], /^nabla: no model file at missing\.nabla$/],
    [['predict', join('run2', 'model.nabla'), 'points.csv'], /^nabla: points\.csv has 3 features per example, but the model expects 64$/],
    [['predict', join('run2', 'model.nabla'), 'three.csv', '--top', '0'], /^nabla: --top must be a positive integer, got '0'$/],
  ];
  for (const [args, pattern] of cases) {
    const r = nabla(...args);
    assert.notEqual(r.code, 0, args.join(' '));
    const lines = r.err.trim().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.err}`);
    assert.match(lines[0]!, pattern);
    assert.doesNotMatch(r.err, /\n\s+at /);
  }
});

test('nabla train digits --model cnn and --model lstm train the image models', () => {
  for (const model of ['cnn', 'lstm']) {
    const r = nabla('train', 'digits', '--model', model, '--epochs', '1', '--quiet', '--out', `run-${model}`);
    assert.equal(r.code, 0, r.err);
    assert.ok(existsSync(join(dir, `run-${model}`, 'model.nabla')));
    const s = nabla('summary', join(`run-${model}`, 'model.nabla'));
    assert.match(s.out, model === 'cnn' ? /conv_1 \(Conv2D\)\s+\[null,8,8,16\]/ : /lstm \(LSTM\)\s+\[null,64\]/);
    // evaluate and predict shape flat examples as the model expects
    const e = nabla('evaluate', join(`run-${model}`, 'model.nabla'), 'digits');
    assert.equal(e.code, 0, e.err);
    assert.match(e.out, /on all 1797 examples of digits/);
    const p = nabla('predict', join(`run-${model}`, 'model.nabla'), 'three.csv');
    assert.equal(p.code, 0, p.err);
  }
  assert.match(nabla('train', 'points.csv', '--model', 'cnn').err, /^nabla: --model cnn needs image data/);
});

test("nabla explain prints a saved model's equations with shapes, as text or LaTeX, in either layout", () => {
  assert.equal(nabla('train', 'digits', '--epochs', '1', '--layers', '16', '--quiet', '--out', 'run-explain').code, 0);
  const r = nabla('explain', join('run-explain', 'model.nabla'));
  assert.equal(r.code, 0, r.err);
  // the rescaling layer the run put first is layer 0 (A0 = X/16); the dense layers are 1 and 2
  assert.match(r.out, /A0 = \(1\/16\) X/);
  assert.match(r.out, /Z1 = W1·A0 \+ b1 +Z1 \(16, m\) {2}W1 \(16, 64\) {2}A0 \(64, m\) {2}b1 \(16, 1\) broadcast over m/);
  assert.match(r.out, /dZ2 = A2 − Y/);
  assert.match(r.out, /dW1 = \(1\/m\) dZ1·A0ᵀ/);
  const rows = nabla('explain', join('run-explain', 'model.nabla'), '--layout', 'rows');
  assert.match(rows.out, /Z1 = A0·W1 \+ b1/);
  const tex = nabla('explain', join('run-explain', 'model.nabla'), '--latex');
  assert.match(tex.out, /^\\begin\{aligned\}/m);
  const bad = nabla('explain', join('run-explain', 'model.nabla'), '--layout', 'diagonal');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--layout must be rows or columns/);
});

test('nabla train draws the loss landscape with the training path and the sharpness; nabla landscape draws it again', () => {
  assert.equal(nabla('train', 'digits', '--epochs', '3', '--layers', '16', '--quiet', '--out', 'run-land').code, 0);
  const run = join(dir, 'run-land');
  for (const f of ['landscape.svg', 'landscape-3d.svg', 'landscape.json', 'sharpness.svg']) assert.ok(existsSync(join(run, f)), `${f} is in the run folder`);
  const saved = JSON.parse(readFileSync(join(run, 'landscape.json'), 'utf8'));
  assert.equal(saved.version, 1);
  assert.equal(saved.path.alphas.length, saved.path.epochs.length);
  assert.equal(saved.path.epochs.at(-1), 3, 'the path ends with the last epoch');
  // the path ends at the trained weights: the plane's origin
  assert.ok(Math.abs(saved.path.alphas.at(-1)) < 1e-4 && Math.abs(saved.path.betas.at(-1)) < 1e-4);
  assert.match(readFileSync(join(run, 'landscape.svg'), 'utf8'), /training path/);
  assert.match(readFileSync(join(run, 'report.html'), 'utf8'), /Loss landscape/);
  const again = nabla('landscape', 'run-land', '--resolution', '5');
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /5×5, path, with the training path/);
  const random = nabla('landscape', 'run-land', '--directions', 'random', '--resolution', '4', '--samples', '50');
  assert.equal(random.code, 0, random.err);
  assert.doesNotMatch(readFileSync(join(run, 'landscape.svg'), 'utf8'), /training path/);
  for (const [args, re] of [
    [['landscape', 'run-land', '--directions', 'sideways'], /--directions must be path, random or hessian/],
    [['landscape', 'no-such-run'], /no-such-run is not a run folder/],
    [['landscape', 'run-land', '--resolution', '1'], /--resolution must be a whole number ≥ 2/],
  ] as [string[], RegExp][]) {
    const r = nabla(...args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.err, re);
  }
  writeFileSync(join(run, 'landscape.json'), JSON.stringify({ ...saved, directions: [saved.directions[0], 'AAAA'] }));
  const broken = nabla('landscape', 'run-land');
  assert.equal(broken.code, 1);
  assert.match(broken.err, /landscape.json is not a landscape nabla wrote: direction 2 holds 3 bytes/);
});
