import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../src/index.js';

// `nabla train`'s run folder: checked before training, checkpointed every
// epoch, saved whole on Ctrl-C or SIGTERM, and never mixing two runs' files.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli', 'nabla.js');
const dir = mkdtempSync(join(tmpdir(), 'nabla-cli-run-'));

function nabla(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every file of a run folder is whole: JSON parses, SVG is closed, models load; no temporary file is left. */
async function checkWhole(run: string): Promise<string[]> {
  const names = readdirSync(join(dir, run));
  assert.deepEqual(
    names.filter((n) => n.includes('.tmp')),
    [],
    'no temporary files left',
  );
  for (const name of names) {
    const path = join(dir, run, name);
    if (name.endsWith('.json')) JSON.parse(readFileSync(path, 'utf8'));
    if (name.endsWith('.svg')) assert.match(readFileSync(path, 'utf8'), /^<svg[\s\S]*<\/svg>\s*$/, name);
    if (name.endsWith('.nabla')) await nb.loadModel(path);
  }
  return names;
}

test('a bad --out fails before training with one clear line', () => {
  writeFileSync(join(dir, 'a-file'), 'not a folder');
  for (const [out, pattern] of [
    ['a-file', /^nabla: --out a-file: it exists and is not a folder$/],
    ['a-file/run', /^nabla: --out a-file\/run: .*part of the path is a file, not a folder$/],
  ] as const) {
    const r = nabla('train', 'digits', '--epochs', '1', '--out', out);
    assert.equal(r.code, 1);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err.trim(), pattern);
    assert.doesNotMatch(r.out, /Epoch 1/, 'no training happened');
  }
});

test("re-running into a folder replaces the earlier run's files and leaves other files alone", async () => {
  assert.equal(nabla('train', 'digits', '--epochs', '2', '--layers', '8', '--quiet', '--out', 'rerun').code, 0);
  assert.ok(existsSync(join(dir, 'rerun', 'weights.svg')));
  writeFileSync(join(dir, 'rerun', 'notes.txt'), 'mine');
  const lines = ['a,b,label'];
  for (let i = 0; i < 60; i++) lines.push(`${Math.sin(i)},${Math.cos(i * 2)},${i % 2 ? 'yes' : 'no'}`);
  writeFileSync(join(dir, 'yesno.csv'), lines.join('\n'));
  assert.equal(nabla('train', 'yesno.csv', '--epochs', '2', '--layers', '4', '--quiet', '--validation-split', '0', '--out', 'rerun').code, 0);
  const names = await checkWhole('rerun');
  const report = JSON.parse(readFileSync(join(dir, 'rerun', 'report.json'), 'utf8'));
  assert.deepEqual(names.filter((n) => n !== 'notes.txt').sort(), report.files, "exactly the new run's files");
  assert.ok(!names.includes('weights.svg') && !names.includes('model-best.nabla'), "the image run's files are gone");
  assert.equal(readFileSync(join(dir, 'rerun', 'notes.txt'), 'utf8'), 'mine');
});

/** Starts a long run, sends `signal` once the first epoch's checkpoint is written, and returns how it ended. */
async function interrupt(signal: 'SIGINT' | 'SIGTERM', out: string): Promise<{ code: number | null; err: string }> {
  mkdirSync(join(dir, out), { recursive: true });
  const child = spawn(process.execPath, [cli, 'train', 'digits', '--epochs', '500', '--batch-size', '4', '--layers', '32', '--out', out], { cwd: dir });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  child.stdout.resume();
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const checkpoint = join(dir, out, 'history.json');
  for (let i = 0; i < 600 && !existsSync(checkpoint); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(existsSync(checkpoint), 'the first epoch wrote a checkpoint');
  child.kill(signal);
  return { code: await done, err };
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`${signal} stops the run after the current batch, saves it whole and exits ${code} with one line saying where it is`, async () => {
    const out = `stopped-${signal}`;
    const r = await interrupt(signal, out);
    assert.equal(r.code, code, r.err);
    const lines = r.err.trim().split('\n');
    assert.equal(lines.length, 1, r.err);
    assert.match(lines[0]!, new RegExp(`^nabla: ${signal} received: stopped in epoch \\d+ after batch \\d+ of \\d+; the run is in ${out}: model\\.nabla`));
    const names = await checkWhole(out);
    for (const f of ['model.nabla', 'model-best.nabla', 'history.json', 'report.json', 'loss.svg', 'confusion.svg']) assert.ok(names.includes(f), f);
    const report = JSON.parse(readFileSync(join(dir, out, 'report.json'), 'utf8'));
    assert.equal(report.status, 'interrupted');
    assert.equal(report.interruptedBy, signal);
    assert.equal(typeof report.testAccuracy, 'number');
    const history = JSON.parse(readFileSync(join(dir, out, 'history.json'), 'utf8'));
    assert.ok(history.history.loss.length >= 1);
    assert.equal(history.history.loss.length, report.epochsCompleted, 'only whole epochs are in the history');
    assert.ok(history.history.loss.every((v: unknown) => typeof v === 'number'));
    // the saved model is the interrupted one, usable as any other
    const e = nabla('evaluate', join(out, 'model.nabla'), 'digits');
    assert.equal(e.code, 0, e.err);
  });
}

test('a second Ctrl-C quits at once, and still leaves no truncated or temporary file', async () => {
  const out = 'twice';
  mkdirSync(join(dir, out), { recursive: true });
  const child = spawn(process.execPath, [cli, 'train', 'digits', '--epochs', '500', '--batch-size', '4', '--layers', '32', '--out', out], { cwd: dir });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  child.stdout.resume();
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 600 && !existsSync(join(dir, out, 'history.json')); i++) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 30));
  child.kill('SIGINT');
  assert.equal(await done, 130, err);
  await checkWhole(out);
});

test("--early-stopping stops when val_loss stops improving and keeps the best epoch's weights", async () => {
  const r = nabla('train', 'digits', '--epochs', '80', '--layers', '64', '--lr', '0.02', '--early-stopping', '1', '--quiet', '--out', 'early');
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(readFileSync(join(dir, 'early', 'report.json'), 'utf8'));
  assert.ok(report.earlyStoppedAtEpoch < 80, JSON.stringify(report));
  assert.equal(report.options.earlyStopping, 1);
  const last = await nb.loadModel(join(dir, 'early', 'model.nabla'));
  const best = await nb.loadModel(join(dir, 'early', 'model-best.nabla'));
  assert.deepEqual(
    last.getWeights().map((w) => w.toArray()),
    best.getWeights().map((w) => w.toArray()),
    "model.nabla holds the best epoch's weights",
  );
  const history = JSON.parse(readFileSync(join(dir, 'early', 'history.json'), 'utf8'));
  const vl: number[] = history.history.val_loss;
  assert.equal(report.bestEpoch, vl.indexOf(Math.min(...vl)) + 1);
  assert.match(
    nabla('train', 'digits', '--early-stopping', '--validation-split', '0').err,
    /^nabla: --early-stopping watches the validation loss: it needs --validation-split above 0\n$/,
  );
  assert.match(
    nabla('train', 'digits', '--early-stopping', 'soon').err,
    /^nabla: --early-stopping takes a patience, a whole number of epochs ≥ 0, got 'soon'\n$/,
  );
});

test('after Ctrl-C in a terminal the cursor is shown and line wrapping is back on', {
  skip: spawnSync('script', ['--version']).status !== 0 && 'no script(1) to make a terminal',
}, async () => {
  // script(1) runs the CLI in a pseudo-terminal; writing ^C to it is a real Ctrl-C for the CLI
  const out = 'tty-run';
  const child = spawn('script', ['-qfec', `"${process.execPath}" "${cli}" train digits --epochs 500 --batch-size 4 --layers 32 --out ${out}`, '/dev/null'], {
    cwd: dir,
  });
  let text = '';
  child.stdout.setEncoding('latin1').on('data', (d: string) => {
    text += d;
  });
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 600 && !existsSync(join(dir, out, 'history.json')); i++) await new Promise((r) => setTimeout(r, 100));
  child.stdin.write('\x03');
  assert.equal(await done, 130, text.slice(-500));
  assert.ok(text.lastIndexOf('\x1b[?25l') >= 0, 'the progress bar hid the cursor');
  assert.ok(text.lastIndexOf('\x1b[?25h') > text.lastIndexOf('\x1b[?25l'), 'the cursor is shown again');
  assert.ok(text.lastIndexOf('\x1b[?7h') > text.lastIndexOf('\x1b[?7l'), 'line wrapping is on again');
  assert.match(text, /SIGINT received: stopped in epoch/);
});
