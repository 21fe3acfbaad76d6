// The Curvature lab in headless Chromium, started as users start it
// (`nabla playground --port 0`): full-batch training runs and its loss
// falls; the sharpness (λ_max of the loss's Hessian, from nabla in the
// worker) appears as positive finite numbers; the stability line 2/η moves
// with the learning-rate slider (and is (2+2μ)/η for momentum; Adam's
// preconditioned sharpness is drawn against 38/η); the same URL trains the
// same way; the URL round-trips; controls are labelled and work from the
// keyboard. A screenshot is written to
// build/test-artefacts/playground/ (or $NABLA_ARTEFACTS/playground/).
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
let url: string;
let browser: Browser;
let page: Page;
let problems: string[];

before(async () => {
  ({ url, child } = await startPlayground());
  browser = await launch();
  ({ page, problems } = await watchedPage(browser, { width: 1280, height: 900 }));
});

after(async () => {
  await browser?.close();
  child?.kill('SIGTERM');
});

const value = async (sel: string) => Number(await page.getAttribute(sel, 'data-value'));
const threshold = () => page.evaluate(() => document.getElementById('cv-sharp-chart')?.dataset.threshold ?? '');
/** Waits until the counter shows at least `n` steps and the readouts are drawn. */
const stepsAtLeast = (n: number) => page.waitForFunction((n) => Number(document.getElementById('epoch')?.dataset.value) >= n, n, { timeout: 30_000 });
/** Waits for a fresh network's first sharpness (the measurement at step 0). */
const fresh = () =>
  page.waitForFunction(
    () => document.getElementById('epoch')?.dataset.value === '0' && document.getElementById('cv-sharpness')?.dataset.count === '1',
    undefined,
    {
      timeout: 45_000,
    },
  );

test('Curvature loads clean; training runs, the loss falls and the sharpness appears as positive finite numbers', { timeout: 60_000 }, async () => {
  await page.goto(`${url}#lab=curvature&model=points&optimizer=gd&loss=mse&lr=3&every=10&seed=1`);
  await fresh();
  assert.match((await page.textContent('#status')) ?? '', /wasm backend/);
  const s0 = await value('#cv-sharpness');
  assert.ok(Number.isFinite(s0) && s0 > 0, `initial sharpness ${s0}`);
  await page.click('#play');
  await stepsAtLeast(60);
  await page.click('#play');
  await page.waitForFunction(() => document.getElementById('play')?.getAttribute('aria-pressed') === 'false');
  await page.waitForTimeout(100);
  const count = Number(await page.getAttribute('#cv-sharpness', 'data-count'));
  const steps = Number(await page.getAttribute('#epoch', 'data-value'));
  assert.ok(count >= Math.floor(steps / 10), `${count} measurements in ${steps} steps, every 10`);
  const s = await value('#cv-sharpness');
  assert.ok(Number.isFinite(s) && s > 0, `sharpness ${s}`);
  assert.notEqual(s, s0, 'the sharpness changed during training');
  const first = await page.getAttribute('#cv-loss', 'data-first');
  const last = await value('#cv-loss');
  assert.ok(last < Number(first) / 3, `loss ${first} → ${last}`);
  assert.equal(await threshold(), String(2 / 3));
  assert.match((await page.textContent('#cv-limit')) ?? '', /2\/η = 0\.667/);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTEFACTS, 'curvature.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('the 2/η line moves with the learning-rate slider (keyboard); momentum draws (2+2μ)/η, Adam its preconditioned sharpness against 38/η', {
  timeout: 60_000,
}, async () => {
  await page.focus('#cv-lr');
  await page.keyboard.press('ArrowLeft'); // 3 → 2
  await page.waitForFunction(() => location.hash.includes('lr=2&'));
  assert.equal(await threshold(), '1');
  assert.match((await page.textContent('#cv-limit')) ?? '', /2\/η = 1$/);
  assert.equal(await page.getAttribute('#cv-lr', 'aria-valuetext'), '2; 2/η = 1');
  await page.keyboard.press('ArrowLeft'); // 2 → 1.5
  await page.waitForFunction(() => location.hash.includes('lr=1.5&'));
  assert.equal(Number(await threshold()), 2 / 1.5);
  await fresh();
  // momentum: the heavy-ball limit
  await page.selectOption('#cv-optimizer', 'momentum');
  await page.waitForFunction(() => location.hash.includes('optimizer=momentum'));
  assert.equal(Number(await threshold()), 3.8 / 1.5);
  assert.match((await page.textContent('#cv-limit')) ?? '', /\(2\+2μ\)\/η/);
  // Adam: the preconditioned sharpness λ_max(P⁻¹H) against (2+2β₁)/((1−β₁)η) = 38/η, labelled as such
  await page.focus('#cv-optimizer');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => location.hash.includes('optimizer=adam'));
  assert.equal(Number(await threshold()), (2 + 2 * 0.9) / ((1 - 0.9) * 1.5));
  assert.match((await page.textContent('#cv-limit')) ?? '', /38\/η = 25\.3/);
  assert.match((await page.textContent('.cv-readout')) ?? '', /Preconditioned sharpness λ_max\(P⁻¹H\)/);
  assert.match((await page.textContent('.cv-explain')) ?? '', /preconditioned sharpness/);
  // measured from the first step on (no v̂ before it): positive finite values
  await page.click('#reset');
  await page.waitForFunction(() => document.getElementById('epoch')?.dataset.value === '0');
  await page.click('#play');
  await page.waitForFunction(() => Number(document.getElementById('cv-sharpness')?.dataset.count) >= 2, undefined, { timeout: 45_000 });
  await page.click('#play');
  const pre = await value('#cv-sharpness');
  assert.ok(Number.isFinite(pre) && pre > 0, `preconditioned sharpness ${pre}`);
  // every control is labelled; canvases are images with a description
  assert.deepEqual(await unnamedControls(page, '#lab'), []);
  // Tab reaches every control, and the keyboard works them: a select, the seed, the measuring interval
  const reached = await tabWalk(page, 30);
  for (const id of ['reset', 'play', 'step', 'cv-model', 'cv-loss-fn', 'cv-seed', 'cv-optimizer', 'cv-lr', 'cv-every'])
    assert.ok(reached.has(id), `Tab does not reach ${id}: ${[...reached].join(', ')}`);
  const param = (k: string) => page.evaluate((k) => new URLSearchParams(location.hash.slice(1)).get(k), k);
  const seed = Number(await param('seed'));
  await page.focus('#cv-seed');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Tab'); // a number input commits on change
  await page.waitForFunction((s) => new URLSearchParams(location.hash.slice(1)).get('seed') === String(s), seed + 1);
  const every = await param('every');
  await page.focus('#cv-every');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction((e) => new URLSearchParams(location.hash.slice(1)).get('every') !== e, every);
  await page.focus('#cv-loss-fn');
  const loss = await param('loss');
  await page.keyboard.press(loss === 'mse' ? 'ArrowDown' : 'ArrowUp');
  await page.waitForFunction((l) => new URLSearchParams(location.hash.slice(1)).get('loss') !== l, loss);
  assert.deepEqual(problems, []);
});

test('the same URL trains the same way, and the URL round-trips the set-up', { timeout: 60_000 }, async () => {
  const hash = '#lab=curvature&model=digits&optimizer=momentum&loss=crossentropy&lr=0.5&every=2&seed=3';
  await page.goto(`${url}${hash}`);
  await fresh();
  assert.equal(await page.inputValue('#cv-model'), 'digits');
  assert.equal(await page.inputValue('#cv-optimizer'), 'momentum');
  assert.equal(await page.inputValue('#cv-loss-fn'), 'crossentropy');
  assert.equal(await page.inputValue('#cv-every'), '2');
  assert.equal(await page.inputValue('#cv-seed'), '3');
  assert.equal(await page.getAttribute('#cv-lr', 'aria-valuetext'), '0.5; (2+2μ)/η = 7.6');
  const written = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
  for (const [k, v] of new URLSearchParams(hash.slice(1))) assert.equal(written.get(k), v, k);
  const fourSteps = async () => {
    await page.click('#reset');
    await fresh();
    for (let i = 0; i < 4; i++) await page.click('#step');
    await page.waitForFunction(() => document.getElementById('cv-sharpness')?.dataset.count === '3', undefined, { timeout: 45_000 });
    return [await value('#cv-loss'), await value('#cv-sharpness')];
  };
  const a = await fourSteps();
  const b = await fourSteps();
  assert.deepEqual(a, b);
  assert.ok(
    a.every((v) => Number.isFinite(v) && v > 0),
    String(a),
  );
  assert.deepEqual(problems, []);
});
