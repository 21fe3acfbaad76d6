import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import { BAR_MAX, formatDuration, layoutLine } from '../../src/train/progress-line.js';
import { formatLogs } from '../../src/train/progress.js';

const HIDE = '\x1b[?25l',
  SHOW = '\x1b[?25h';

/** A terminal stand-in: what is written, and the lines as a terminal would show them after each \r. */
function fakeTerminal(columns: number, isTTY = true) {
  const writes: string[] = [];
  return {
    stream: {
      isTTY,
      columns,
      write: (s: string) => {
        writes.push(s);
        return true;
      },
    },
    writes,
    text: () => writes.join(''),
    /** Each drawn line, escape codes removed. */
    lines: () =>
      writes
        .join('')
        .split(/\r|\n/)
        .map((s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''))
        .filter((s) => s !== ''),
  };
}

const TRAIN = { batch: 17, size: 32, loss: 0.31214, accuracy: 0.912, precision: 0.9031, recall: 0.8876, f1: 0.8953, auc: 0.9712 };
const VAL = { val_loss: 0.33021, val_accuracy: 0.9 };

/** Runs one epoch of 45 batches through a logger drawing on a fake terminal, the clock moving 10 ms a batch. */
function epoch(columns: number, opts: { throttleMs?: number; isTTY?: boolean } = {}) {
  const term = fakeTerminal(columns, opts.isTTY ?? true);
  let t = 0;
  const logger = new nb.callbacks.ProgressLogger({ stream: term.stream, throttleMs: opts.throttleMs ?? 0, now: () => t });
  logger.setParams({ epochs: 50, steps: 45 });
  logger.onEpochBegin(2);
  for (let b = 0; b < 45; b++) {
    t += 10;
    logger.onBatchEnd(b, { ...TRAIN, batch: b });
  }
  const { batch: _b, size: _s, ...figures } = TRAIN;
  logger.onEpochEnd(2, { ...figures, ...VAL });
  logger.onTrainEnd();
  return term;
}

for (const columns of [80, 40, 200]) {
  test(`a ${columns}-column terminal: every line fits, the loss is always on it, the cursor is hidden then shown`, () => {
    const term = epoch(columns);
    const lines = term.lines();
    assert.equal(lines.length, 1 + 45 + 1, 'drawn at the epoch start, after each batch (throttle 0) and at its end');
    for (const line of lines) assert.ok(line.length <= columns - 1, `${JSON.stringify(line)} is wider than ${columns - 1}`);
    for (const line of lines.slice(1)) {
      assert.match(line, /loss 0\.3121/, `the loss is on ${JSON.stringify(line)}`);
      assert.doesNotMatch(line, /batch|size/);
    }
    const text = term.text();
    assert.equal(text.split(HIDE).length, 2, 'hidden once');
    assert.equal(text.split(SHOW).length, 2, 'shown once');
    assert.ok(text.indexOf(SHOW) > text.lastIndexOf('\r'), 'shown after the last draw');
    assert.ok(text.endsWith(`\n${SHOW}`), 'the finished line ends with a newline');
    const last = lines.at(-1)!;
    assert.doesNotMatch(last, /ETA/, 'a finished epoch has no ETA');
    if (columns >= 80) assert.match(last, /^Epoch 3\/50 /);
    if (columns === 200) {
      assert.match(
        lines[18]!,
        /^Epoch 3\/50 {2}18\/45 ━{12}─{18} ETA 0\.3s {2}loss 0\.3121 {2}accuracy 0\.9120 {2}precision/,
        'the bar, count and ETA while running',
      );
      assert.equal(BAR_MAX, 30);
      assert.match(
        last,
        /^Epoch 3\/50 {2}45\/45 ━{30} 0\.5s {2}loss 0\.3121 {2}accuracy 0\.9120 .* val_loss 0\.3302 {2}val_accuracy 0\.9000$/,
        'the duration, and every figure',
      );
    }
    if (columns === 40)
      assert.ok(
        lines.slice(1).every((l) => !/[━─]/.test(l)),
        'no bar at 40 columns',
      );
  });
}

test('layoutLine drops the bar first, then the count, the time and the last figures; never the loss', () => {
  const parts = {
    epoch: 'Epoch 3/50',
    done: 18,
    total: 45,
    time: 'ETA 0.6s',
    fields: [
      ['loss', 0.3121],
      ['accuracy', 0.912],
      ['val_loss', 0.33],
    ] as const,
  };
  const full = layoutLine(parts, 200);
  assert.equal(full, `Epoch 3/50  18/45 ${'━'.repeat(12)}${'─'.repeat(18)} ETA 0.6s  loss 0.3121  accuracy 0.9120  val_loss 0.3300`);
  const noBar = 'Epoch 3/50  18/45 ETA 0.6s  loss 0.3121  accuracy 0.9120  val_loss 0.3300';
  assert.equal(layoutLine(parts, noBar.length + 1 + 9), noBar, 'a bar narrower than 10 is left out');
  assert.equal(layoutLine(parts, noBar.length + 1 + 10), noBar.replace('18/45 ', `18/45 ${'━'.repeat(4)}${'─'.repeat(6)} `));
  assert.equal(layoutLine(parts, noBar.length - 1), 'Epoch 3/50  ETA 0.6s  loss 0.3121  accuracy 0.9120  val_loss 0.3300');
  assert.equal(layoutLine(parts, 50), 'Epoch 3/50  loss 0.3121  accuracy 0.9120');
  assert.equal(layoutLine(parts, 20), 'loss 0.3121');
  assert.equal(layoutLine(parts, 8), 'loss 0.3');
  assert.equal(
    layoutLine({ ...parts, total: NaN }, 200),
    'Epoch 3/50  18 ETA 0.6s  loss 0.3121  accuracy 0.9120  val_loss 0.3300',
    'no bar when the batch count is unknown',
  );
});

test('durations read as a person would write them', () => {
  assert.deepEqual([0.04, 3.26, 9.96, 42.4, 65, 3599.6, 7500].map(formatDuration), ['0.0s', '3.3s', '10s', '42s', '1m05s', '1h00m', '2h05m']);
});

test('redraws are throttled: with a long throttle, the epoch start, the first batch and the last', () => {
  const lines = epoch(200, { throttleMs: 1e9 }).lines();
  assert.deepEqual(
    lines.map((l) => l.match(/ (\d+)\/45 /)?.[1]),
    ['0', '1', '45', '45'],
  );
});

test('not a terminal: one line per epoch, no escape codes', () => {
  const term = epoch(80, { isTTY: false });
  assert.doesNotMatch(term.text(), /\x1b|\r/);
  assert.equal(term.writes.length, 1);
  assert.match(term.writes[0]!, /^Epoch 3\/50 - 0\.45s - loss: 0\.3121 - accuracy: 0\.9120 - .* - val_accuracy: 0\.9000\n$/);
});

test('the progress line shows the loss and metrics, not the batch index and size', () => {
  assert.equal(formatLogs({ batch: 3, size: 32, loss: 0.5, accuracy: 0.25 }), 'loss: 0.5000 - accuracy: 0.2500');
  assert.equal(formatLogs({ accuracy: 0.25, loss: 0.5 }), 'loss: 0.5000 - accuracy: 0.2500', 'the loss first');
});

test('fit draws the line on a terminal and leaves the cursor shown; a failing fit ends the line and shows the cursor too', async () => {
  const term = fakeTerminal(80);
  const model = nb.sequential([nb.layers.dense({ units: 1, inputShape: [2], seed: 1 })]);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = nb.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]),
    y = nb.tensor([[1], [2], [3]]);
  await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0, callbacks: [new nb.callbacks.ProgressLogger({ stream: term.stream, throttleMs: 0 })] });
  assert.deepEqual(
    term
      .lines()
      .filter((l) => /^Epoch \d\/2 {2}2\/2 /.test(l))
      .map((l) => l.slice(0, 17)),
    ['Epoch 1/2  2/2 ━━', 'Epoch 1/2  2/2 ━━', 'Epoch 2/2  2/2 ━━', 'Epoch 2/2  2/2 ━━'],
  );
  assert.equal(term.text().split(HIDE).length, 3);
  assert.equal(term.text().split(SHOW).length, 3);

  const failing = fakeTerminal(80);
  const boom = {
    onBatchEnd: (b: number) => {
      if (b === 1) throw new Error('boom');
    },
  };
  await assert.rejects(
    model.fit(x, y, { epochs: 1, batchSize: 1, verbose: 0, callbacks: [new nb.callbacks.ProgressLogger({ stream: failing.stream, throttleMs: 0 }), boom] }),
    /boom/,
  );
  assert.ok(failing.text().endsWith(`\n${SHOW}`), JSON.stringify(failing.text().slice(-40)));
});

test('Ctrl-C while the line is drawn, with another SIGINT listener (the CLI): the cursor is shown, the process lives on, and it stays shown', () => {
  const term = fakeTerminal(80);
  const logger = new nb.callbacks.ProgressLogger({ stream: term.stream, throttleMs: 0 });
  let handled = 0;
  const other = () => {
    handled++;
  };
  process.on('SIGINT', other);
  try {
    logger.setParams({ epochs: 2, steps: 4 });
    logger.onEpochBegin(0);
    logger.onBatchEnd(0, { loss: 1 });
    const before = process.listenerCount('SIGINT');
    process.emit('SIGINT');
    assert.equal(handled, 1);
    assert.ok(term.text().endsWith(SHOW));
    assert.equal(process.listenerCount('SIGINT'), before - 1, 'the logger no longer listens');
    logger.onBatchEnd(1, { loss: 1 });
    logger.onEpochEnd(0, {});
    logger.onEpochBegin(1);
    assert.equal(term.text().split(HIDE).length, 2, 'not hidden again');
    assert.match(term.lines().at(-2)!, /^Epoch 1\/2 {2}2\/4 .* loss 1\.0000$/, 'an epoch closed early shows the running figures');
  } finally {
    process.off('SIGINT', other);
    logger.onTrainEnd();
  }
});

test('Ctrl-C with no other SIGINT listener: the cursor is shown and the process is interrupted as usual', () => {
  const progress = fileURLToPath(new URL('../../src/train/progress.js', import.meta.url));
  const script = `
    import { ProgressLogger } from ${JSON.stringify(progress)};
    const logger = new ProgressLogger({ stream: { isTTY: true, columns: 80, write: (s) => process.stdout.write(s) }, throttleMs: 0 });
    logger.setParams({ epochs: 1, steps: 10 });
    logger.onEpochBegin(0);
    logger.onBatchEnd(0, { loss: 0.5 });
    process.kill(process.pid, 'SIGINT');
    setTimeout(() => process.stdout.write('still alive'), 2000);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'latin1' });
  assert.equal(r.signal, 'SIGINT', `${r.status} ${r.stderr}`);
  assert.doesNotMatch(r.stdout, /still alive/);
  assert.ok(r.stdout.indexOf(SHOW) > r.stdout.indexOf(HIDE) && r.stdout.indexOf(HIDE) >= 0, JSON.stringify(r.stdout));
  assert.ok(r.stdout.endsWith(`${SHOW}\n`), 'the cursor shown and the line ended');
});
