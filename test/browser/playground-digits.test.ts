// The Digits lab in headless Chromium, started as users start it
// (`nabla playground --port 0`): it loads cleanly; training makes the shown
// loss fall and accuracy rise; the confusion matrix, the weights and the
// mistakes agree; a digit drawn with the pointer and with the keyboard gets
// a prediction with ten probabilities summing to 1; the race draws both
// networks' curves and says which reached 90% first; the URL hash round-trips
// through the controls; every control is labelled and reached by the
// keyboard. Screenshots go to build/test-artefacts/playground/.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launch, watchedPage, PLAYGROUND_ARTEFACTS, startPlayground } from './harness.js';
import { tabWalk, unnamedControls } from './playground-a11y.js';

const ARTEFACTS = PLAYGROUND_ARTEFACTS;

let child: ChildProcess;
let browser: Browser;
let page: Page;
let problems: string[];

const started = () =>
  page.waitForFunction(
    () =>
      document.getElementById('status')?.textContent?.includes('backend') &&
      document.body.dataset.resets !== undefined &&
      document.getElementById('epoch')?.dataset.value === '0' &&
      document.getElementById('digits-train-loss')?.dataset.value !== undefined,
    undefined,
    { timeout: 20_000 },
  );

before(async () => {
  let url: string;
  ({ url, child } = await startPlayground());
  browser = await launch();
  ({ page, problems } = await watchedPage(browser, { width: 1280, height: 900 }));
  await page.goto(new URL('#lab=digits', url).href);
  await started();
  mkdirSync(ARTEFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  child?.kill('SIGTERM');
});

const num = async (sel: string) => Number(await page.getAttribute(sel, 'data-value'));

const epochAtLeast = (n: number) => page.waitForFunction((n) => Number(document.getElementById('epoch')?.dataset.value ?? -1) >= n, n, { timeout: 30_000 });

/** Waits until the figures shown are those of epoch `n` (they are drawn at the animation frame after the snapshot arrives). */
const shownEpoch = (n: number) =>
  page.waitForFunction((n) => document.getElementById('digits-train-loss')?.dataset.epoch === String(n), n, { timeout: 30_000 });

/** Sets the URL hash (a new config: the worker resets) and waits for the new network's first figures. */
async function open(hash: string): Promise<void> {
  const resets = await page.evaluate(() => document.body.dataset.resets);
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForFunction((r) => document.body.dataset.resets !== r && document.getElementById('epoch')?.dataset.value === '0', resets, { timeout: 20_000 });
  await shownEpoch(0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

/** Presses Step n times and waits for epoch n's figures. */
async function stepEpochs(n: number): Promise<void> {
  await page.focus('#step');
  for (let i = 0; i < n; i++) await page.keyboard.press('Enter');
  await epochAtLeast(n);
  await shownEpoch(n);
}

test('the Digits lab loads on the wasm backend with no console problems', { timeout: 30_000 }, async () => {
  assert.match((await page.textContent('#status')) ?? '', /wasm backend/);
  assert.equal(await page.getAttribute('#labs a[data-lab="digits"]', 'aria-current'), 'page');
  assert.equal(await page.$$eval('#digits-confusion td', (tds) => tds.length), 100);
  assert.equal(await page.isHidden('#digits-race'), true); // no race by default
  assert.deepEqual(problems, []);
});

test('training makes the loss fall and the accuracy rise; the confusion matrix, mistakes and weights follow', { timeout: 60_000 }, async () => {
  await open('#lab=digits&layers=32&activation=sigmoid&loss=crossentropy&optimizer=sgd&lr=0.3&batch=32&seed=1');
  const loss0 = await num('#digits-train-loss'),
    acc0 = await num('#digits-test-accuracy');
  assert.ok(loss0 > 2, `initial cross-entropy ${loss0} (≈ ln 10 for a fresh softmax)`);
  assert.ok(acc0 < 0.3, `initial test accuracy ${acc0}`);
  await page.click('#play');
  await epochAtLeast(6);
  await page.click('#play'); // pause
  await page.waitForFunction(() => document.getElementById('play')?.getAttribute('aria-pressed') === 'false');
  const epoch = await num('#epoch');
  await shownEpoch(epoch);
  const loss = await num('#digits-train-loss'),
    acc = await num('#digits-test-accuracy');
  assert.ok(loss < loss0 / 3, `training loss ${loss0} → ${loss}`);
  assert.ok(acc > 0.8, `test accuracy ${acc0} → ${acc}`);
  // the curves hold a point per epoch, from epoch 0
  assert.equal(Number(await page.getAttribute('[data-curve="train-loss"]', 'data-points')), epoch + 1);
  assert.equal(Number(await page.getAttribute('[data-curve="test-accuracy"]', 'data-points')), epoch + 1);
  // the confusion matrix counts every test digit; its diagonal is the accuracy, its off-diagonal the mistakes shown
  const counts = await page.$$eval('#digits-confusion td', (tds) => tds.map((td) => Number((td as HTMLElement).dataset.count)));
  const total = counts.reduce((a, b) => a + b, 0),
    right = counts.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0);
  assert.equal(total, 359);
  assert.ok(Math.abs(right / total - acc) < 1e-6, `diagonal ${right}/${total} against accuracy ${acc}`);
  assert.equal(await num('#digits-mistake-count'), total - right);
  assert.equal(await page.$$eval('#digits-mistakes figure', (f) => f.length), Math.min(40, total - right));
  assert.match((await page.textContent('#digits-mistakes figcaption')) ?? '', /^\d → \d$/);
  // one 8×8 image per first-layer unit: 8 columns × 4 rows of tiles
  assert.equal(await page.getAttribute('#digits-weights', 'data-tiles'), '8x4');
  assert.match((await page.getAttribute('#digits-weights', 'aria-label')) ?? '', /32 images of 8 by 8/);
  await page.screenshot({ path: join(ARTEFACTS, 'digits.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

/** The ten probabilities shown, once the prediction is there. */
async function probabilities(): Promise<number[]> {
  await page.waitForFunction(() => document.getElementById('digits-prediction')?.dataset.value !== undefined);
  return page.$$eval('#digits-probs li', (lis) => lis.map((li) => Number((li as HTMLElement).dataset.p)));
}

test('a digit drawn with the pointer, and one drawn from the keyboard, gets a prediction and ten probabilities summing to 1', { timeout: 30_000 }, async () => {
  const box = (await page.locator('#digits-pad').boundingBox())!;
  const cell = box.width / 8;
  const at = (row: number, col: number) => [box.x + (col + 0.5) * cell, box.y + (row + 0.5) * cell] as const;
  // a "1": a vertical stroke down the middle
  await page.mouse.move(...at(1, 4));
  await page.mouse.down();
  for (let r = 1; r <= 6; r++) await page.mouse.move(...at(r, 4), { steps: 3 });
  await page.mouse.up();
  assert.ok(Number(await page.getAttribute('#digits-pad', 'data-inked')) >= 6);
  const p = await probabilities();
  assert.equal(p.length, 10);
  assert.ok(
    p.every((v) => v >= 0 && v <= 1),
    String(p),
  );
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-4, `sum ${p.reduce((a, b) => a + b, 0)}`);
  const top = await num('#digits-prediction');
  assert.equal(p.indexOf(Math.max(...p)), top);
  await page.screenshot({ path: join(ARTEFACTS, 'digits-drawn.png'), fullPage: true });

  // Clear empties the pad and the prediction
  await page.click('#digits-clear');
  assert.equal(await page.getAttribute('#digits-pad', 'data-inked'), '0');
  assert.equal(await page.getAttribute('#digits-prediction', 'data-value'), null);

  // the keyboard: Tab to the pad, arrows move the cursor, Space inks a cell
  await page.focus('#digits-clear');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'digits-pad');
  // to the top-left corner, then to row 2, column 4
  for (let k = 0; k < 7; k++) {
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowLeft');
  }
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowDown']) await page.keyboard.press(key);
  for (let r = 0; r < 6; r++) {
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await page.getAttribute('#digits-pad', 'data-inked'), '6');
  assert.match((await page.getAttribute('#digits-pad', 'aria-label')) ?? '', /6 inked.*row 8, column 4/);
  const q = await probabilities();
  assert.ok(Math.abs(q.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  // Space again on an inked cell clears it; Delete clears the pad
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute('#digits-pad', 'data-inked'), '5');
  await page.keyboard.press('Delete');
  assert.equal(await page.getAttribute('#digits-pad', 'data-inked'), '0');
  // a test digit from the data set is classified as well
  await page.click('#digits-sample');
  assert.ok(Number(await page.getAttribute('#digits-pad', 'data-inked')) > 10);
  assert.match((await page.textContent('#digits-pad-source')) ?? '', /^Test digit 1 of 359, labelled \d\.$/);
  assert.equal((await probabilities()).length, 10);
  await page.click('#digits-clear');
  assert.deepEqual(problems, []);
});

test('the race: cross-entropy against squared error from the same start, both curves drawn, the result in words', { timeout: 60_000 }, async () => {
  await open('#lab=digits&layers=32&activation=sigmoid&loss=crossentropy&optimizer=sgd&lr=1&batch=32&seed=1&race=loss');
  assert.equal(await page.isVisible('#digits-race'), true);
  assert.equal(await page.isChecked('#digits-race-loss'), true);
  const epochs = 12;
  await stepEpochs(epochs);
  for (const curve of ['race-accuracy-0', 'race-accuracy-1', 'race-loss-0', 'race-loss-1']) {
    assert.equal(Number(await page.getAttribute(`[data-curve="${curve}"]`, 'data-points')), epochs + 1, curve);
  }
  const legend = await page.$$eval('#digits-race ul.chart-legend', (uls) => uls.map((u) => u.textContent));
  assert.deepEqual(legend, ['cross-entropysquared error', 'cross-entropysquared error']);
  // both start from the same weights: the same accuracy at epoch 0, so the paths start at the same point
  const starts = await page.$$eval('[data-curve^="race-accuracy"]', (ps) => ps.map((p) => p.getAttribute('d')!.split('L')[0]));
  assert.equal(starts[0], starts[1]);
  const result = (await page.textContent('#digits-race-result')) ?? '';
  assert.match(result, /^Cross-entropy reached 90% test accuracy at epoch \d+, squared error (at epoch \d+|not yet \(best [\d.]+% after 12 epochs\))\.$/);
  await page.screenshot({ path: join(ARTEFACTS, 'digits-race.png'), fullPage: true });

  // the optimiser race: the pair's names in the legend
  await open('#lab=digits&layers=32&optimizer=sgd&lr=0.3&race=optimizer&vs=adam&vsLr=0.003');
  await stepEpochs(2);
  assert.deepEqual(await page.$$eval('#digits-race ul.chart-legend li', (lis) => lis.slice(0, 2).map((li) => li.textContent)), [
    'SGD (η = 0.3)',
    'Adam (η = 0.003)',
  ]);
  assert.equal(Number(await page.getAttribute('[data-curve="race-accuracy-1"]', 'data-points')), 3);
  assert.deepEqual(problems, []);
});

test('the same URL trains the same way: three epochs stepped twice from a reset give the same loss', { timeout: 40_000 }, async () => {
  await open('#lab=digits&layers=16&activation=tanh&optimizer=momentum&lr=0.03&batch=16&seed=5');
  const three = async () => {
    await page.click('#reset');
    await page.waitForFunction(() => document.getElementById('epoch')?.dataset.value === '0');
    await shownEpoch(0);
    await stepEpochs(3);
    return num('#digits-train-loss');
  };
  const a = await three(),
    b = await three();
  assert.equal(a, b);
  await page.fill('#digits-seed', '6');
  await page.press('#digits-seed', 'Enter');
  await page.waitForFunction(() => location.hash.includes('seed=6'));
  assert.notEqual(await three(), a);
  assert.deepEqual(problems, []);
});

test('the URL hash sets the controls, and a changed control is written back to the hash', { timeout: 30_000 }, async () => {
  await open('#lab=digits&layers=48,24&activation=relu&loss=mse&optimizer=rmsprop&lr=0.003&batch=64&seed=42&race=optimizer&vs=adagrad&vsLr=0.03');
  assert.equal(await page.inputValue('#digits-layers'), '48,24');
  assert.equal(await page.inputValue('#digits-activation'), 'relu');
  assert.equal(await page.inputValue('#digits-loss'), 'mse');
  assert.equal(await page.inputValue('#digits-optimizer'), 'rmsprop');
  assert.equal(await page.inputValue('#digits-learning-rate'), '0.003');
  assert.equal(await page.inputValue('#digits-batch-size'), '64');
  assert.equal(await page.inputValue('#digits-seed'), '42');
  assert.equal(await page.isChecked('#digits-race-optimizer'), true);
  assert.equal(await page.inputValue('#digits-vs-optimizer'), 'adagrad');
  assert.equal(await page.inputValue('#digits-vs-learning-rate'), '0.03');
  // controls → hash
  await page.fill('#digits-layers', '64, 32, 16');
  await page.press('#digits-layers', 'Enter');
  await page.selectOption('#digits-optimizer', 'adam');
  await page.click('label[for="digits-race-loss"]'); // the radio itself is hidden under its pill-shaped label
  let hash = new URLSearchParams(await page.evaluate(() => location.hash.slice(1)));
  assert.equal(hash.get('lab'), 'digits');
  assert.equal(hash.get('layers'), '64,32,16');
  assert.equal(hash.get('optimizer'), 'adam');
  assert.equal(hash.get('race'), 'loss');
  assert.equal(hash.get('seed'), '42');
  assert.equal(hash.get('activation'), 'relu');
  // an invalid layer list is flagged and not applied
  await page.fill('#digits-layers', '64,x');
  await page.press('#digits-layers', 'Enter');
  assert.equal(await page.getAttribute('#digits-layers', 'aria-invalid'), 'true');
  hash = new URLSearchParams(await page.evaluate(() => location.hash.slice(1)));
  assert.equal(hash.get('layers'), '64,32,16');
  // and the hash back: a reload shows the same controls
  await page.reload();
  await started();
  assert.equal(await page.inputValue('#digits-layers'), '64,32,16');
  assert.equal(await page.inputValue('#digits-optimizer'), 'adam');
  assert.equal(await page.isChecked('#digits-race-loss'), true);
  assert.equal(await page.inputValue('#digits-loss'), 'mse');
  assert.deepEqual(problems, []);
});

test('every control has a label, and the keyboard reaches and works them', { timeout: 30_000 }, async () => {
  await open('#lab=digits&race=optimizer');
  assert.deepEqual(await unnamedControls(page, 'main'), []);
  // the pad takes keys: an application named as a drawing pad, not an image
  assert.equal(await page.getAttribute('#digits-pad', 'role'), 'application');
  assert.equal(await page.getAttribute('#digits-pad', 'aria-roledescription'), 'drawing pad');
  const reached = await tabWalk(page, 40);
  for (const id of [
    'reset',
    'play',
    'step',
    'digits-layers',
    'digits-activation',
    'digits-loss',
    'digits-optimizer',
    'digits-learning-rate',
    'digits-batch-size',
    'digits-seed',
    'digits-race-optimizer',
    'digits-vs-optimizer',
    'digits-vs-learning-rate',
    'digits-pad',
    'digits-clear',
    'digits-sample',
  ]) {
    assert.ok(reached.has(id), `Tab does not reach ${id}: ${[...reached].join(', ')}`);
  }
  // arrow keys move through the race choices, and the set-up follows
  await page.focus('#digits-race-optimizer');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => location.hash.includes('race=loss'));
  assert.deepEqual(problems, []);
});
