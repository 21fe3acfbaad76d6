// The Calculus lab in headless Chromium, started as users start it
// (`nabla playground --port 0`): it loads cleanly with WebGL (three.js on
// SwiftShader); the tangent's displayed slope is the derivative; on the 3-D
// surface the four balls' losses fall at a sane learning rate and a large one
// reports divergence; the model landscape is drawn with its training path;
// the URL round-trips; every control is labelled and the keyboard works them.
// Screenshots of each part go to build/test-artefacts/playground/.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launch, PLAYGROUND_ARTEFACTS, startPlayground, watchedPage } from './harness.js';
import { tabWalk, unnamedControls } from './playground-a11y.js';

const ARTEFACTS = PLAYGROUND_ARTEFACTS;
const OPTIMIZERS = ['gd', 'momentum', 'rmsprop', 'adam'];

let child: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;
let problems: string[];

before(async () => {
  ({ url, child } = await startPlayground());
  // WebGL on SwiftShader through ANGLE: with the harness' --disable-gpu, Chromium composites WebGL by reading pixels back and warns of it on the console
  browser = await launch(['--use-angle=swiftshader', '--enable-unsafe-swiftshader']);
  ({ page, problems } = await watchedPage(browser, { width: 1280, height: 900 }));
  await page.goto(`${url}#lab=calculus&part=tangent`);
  await page.waitForFunction(
    () => document.getElementById('status')?.textContent?.includes('backend') && document.getElementById('slope')?.dataset.value !== undefined,
    undefined,
    { polling: 100 },
  );
});

after(async () => {
  await browser?.close();
  child?.kill('SIGTERM');
});

const attr = async (sel: string, name = 'data-value') => Number(await page.getAttribute(sel, name));
const counter = () => attr('#epoch');
const shot = async (file: string) => {
  mkdirSync(ARTEFACTS, { recursive: true });
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(200); // the next animation frame draws
  await page.screenshot({ path: join(ARTEFACTS, file), fullPage: true });
};

/** Sets the hash (a link followed) and waits until `ready` holds. */
async function open(hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await page.waitForFunction(ready, undefined, { timeout: 20_000, polling: 100 });
}

/** Waits until the tangent shows the point `x` (the worker's answer has arrived). */
const tangentAt = (x: number) => page.waitForFunction((x) => Math.abs(Number(document.getElementById('slope')?.dataset.x) - x) < 1e-9, x, { polling: 100 });

test('the Calculus lab loads with WebGL and no console problems', { timeout: 30_000 }, async () => {
  assert.match((await page.textContent('#status')) ?? '', /wasm backend/);
  assert.equal(await page.evaluate(() => !!document.createElement('canvas').getContext('webgl2')), true);
  assert.equal(await page.$$eval('.no-webgl', (e) => e.length), 0);
  assert.equal(await page.$$eval('canvas.surface-3d', (e) => e.length), 2); // the cost surface and the model landscape
  assert.deepEqual(problems, []);
});

test("the tangent's slope is the derivative, and a step moves the point by −η·f′(x)", { timeout: 30_000 }, async () => {
  await open('#lab=calculus&part=tangent&curve=cubic&x=2&curveLr=0.05', 'Math.abs(Number(document.getElementById("slope")?.dataset.x) - 2) < 1e-9');
  // f(x) = x³ − 3x: f′(2) = 3·2² − 3 = 9
  const d = (x: number) => 3 * x * x - 3;
  assert.ok(Math.abs((await attr('#slope')) - d(2)) < 1e-9, `slope ${await attr('#slope')}`);
  assert.match((await page.textContent('#slope')) ?? '', /= 9\b/);
  assert.match((await page.textContent('#slope-sentence')) ?? '', /slope 9: stepping right goes up/);
  await page.click('#step');
  const x1 = 2 - 0.05 * d(2);
  await tangentAt(x1);
  assert.ok(Math.abs((await attr('#slope')) - d(x1)) < 1e-9);
  assert.equal(await counter(), 1);
  // sin at x = 1: cos 1, and a negative slope says stepping right goes down
  await open('#lab=calculus&part=tangent&curve=sine&x=-1', 'Math.abs(Number(document.getElementById("slope")?.dataset.x) + 1) < 1e-9');
  assert.ok(Math.abs((await attr('#slope')) - Math.cos(-1)) < 1e-9);
  await open('#lab=calculus&part=tangent&curve=sine&x=2', 'Math.abs(Number(document.getElementById("slope")?.dataset.x) - 2) < 1e-9');
  assert.match((await page.textContent('#slope-sentence')) ?? '', /stepping right goes down/);
  // the arrow keys on the plot move the point, and the URL follows
  await page.focus('canvas.tangent-plot');
  await page.keyboard.press('ArrowRight');
  await tangentAt(2.05);
  assert.ok(Math.abs((await attr('#slope')) - Math.cos(2.05)) < 1e-9);
  assert.equal(new URLSearchParams(await page.evaluate(() => location.hash.slice(1))).get('x'), '2.05');
  // playing descends the curve: f falls
  await open('#lab=calculus&part=tangent&curve=valleys&x=2.3&curveLr=0.05', 'Math.abs(Number(document.getElementById("slope")?.dataset.x) - 2.3) < 1e-9');
  await page.click('#play');
  await page.waitForFunction(() => Number(document.getElementById('epoch')?.dataset.value) >= 5, undefined, { timeout: 20_000, polling: 100 });
  await page.click('#play');
  const at = (x: number) => x ** 4 / 4 - x * x + 0.4 * x + 1.3;
  const x5 = await attr('#slope', 'data-x');
  assert.ok(at(x5) < at(2.3) - 1, `f fell from ${at(2.3)} to ${at(x5)}`);
  await shot('calculus-tangent.png');
  assert.deepEqual(problems, []);
});

test('the cost surface: all four balls roll down at a sane η; a large η reports divergence', { timeout: 45_000 }, async () => {
  await open(
    '#lab=calculus&part=surface&surface=ravine&lr=0.1',
    'document.getElementById("loss-adam")?.dataset.value !== undefined && document.getElementById("epoch")?.dataset.value === "0"',
  );
  const first = await Promise.all(OPTIMIZERS.map((o) => attr(`#loss-${o}`)));
  assert.ok(
    first.every((j) => Math.abs(j - (0.1 * 1.8 ** 2 + 2 * 1.2 ** 2)) < 1e-9),
    `J at the start ${first}`,
  );
  await page.click('#play');
  await page.waitForFunction(() => Number(document.getElementById('epoch')?.dataset.value) >= 40, undefined, { timeout: 30_000, polling: 100 });
  await page.click('#play');
  for (const o of OPTIMIZERS) {
    const j = await attr(`#loss-${o}`);
    assert.ok(j < first[0]! / 10, `${o}: J ${first[0]} → ${j} after 40+ steps`);
    assert.equal(await page.getAttribute(`#status-${o}`, 'data-diverged'), 'false');
  }
  await shot('calculus-surface.png');
  // the same start at η = 1.5 on the bowl: gradient descent's steps w ← w − 1.5·2w = −2w double, and it flies off
  await open(
    '#lab=calculus&part=surface&surface=bowl&lr=1.5',
    'document.getElementById("epoch")?.dataset.value === "0" && document.getElementById("status-gd")?.dataset.diverged === "false"',
  );
  for (let i = 0; i < 5; i++) await page.click('#step');
  await page.waitForFunction(() => document.getElementById('status-gd')?.dataset.diverged === 'true', undefined, { timeout: 10_000, polling: 100 });
  assert.match((await page.textContent('#status-gd')) ?? '', /diverged at step 2/);
  assert.match((await page.textContent('#message')) ?? '', /diverged/);
  assert.equal(await page.isVisible('.surface-label.diverged'), true);
  await shot('calculus-surface-diverged.png');
  // and at a sane η again, nothing diverges
  await page.$eval('#surface-lr', (e) => {
    (e as HTMLInputElement).value = '4'; // RATES[4] = 0.02
    e.dispatchEvent(new Event('change'));
  });
  await page.waitForFunction(() => location.hash.includes('lr=0.02') && document.getElementById('status-gd')?.dataset.diverged === 'false', undefined, {
    polling: 100,
  });
  assert.equal(await page.textContent('#message'), '');
  assert.deepEqual(problems, []);
});

test("the model's landscape: the Points network trains, and its loss surface is drawn with the training path", { timeout: 45_000 }, async () => {
  await open(
    '#lab=calculus&part=landscape&epochs=15&net.dataset=circle&net.layers=4,2&net.optimizer=adam&net.lr=0.03',
    'document.getElementById("landscape-epoch")?.dataset.value === "0"',
  );
  const start = await attr('#landscape-loss');
  await page.click('#play');
  await page.waitForFunction(() => document.getElementById('landscape-plane')?.dataset.epoch === '15', undefined, { timeout: 40_000, polling: 100 });
  const end = await attr('#landscape-loss');
  assert.ok(end < start / 2, `training loss ${start} → ${end}`);
  assert.equal(await attr('#landscape-plane', 'data-points'), 16); // θ₀ and one point per epoch
  assert.match((await page.textContent('#landscape-plane')) ?? '', /J\(θ\*\) = .* the plane holds \d/);
  assert.equal(await page.isVisible('.calc-part:not([hidden]) .surface-label.mark.start'), true);
  assert.equal(await page.isVisible('.calc-part:not([hidden]) .surface-label.mark.end'), true);
  assert.match((await page.textContent('.calc-part:not([hidden]) .surface-label.axis')) ?? '', /PC 1/);
  await shot('calculus-landscape.png');
  assert.deepEqual(problems, []);
});

test('the URL hash sets the controls, and a changed control is written back to the hash', { timeout: 30_000 }, async () => {
  await open(
    '#lab=calculus&part=surface&curve=valleys&x=-1.5&curveLr=0.2&surface=rosenbrock&lr=0.005&start=-1,2&epochs=40&directions=random&net.dataset=xor&net.layers=3&net.seed=7',
    'document.getElementById("epoch")?.dataset.value === "0"',
  );
  assert.equal(await page.isChecked('#part-surface'), true);
  assert.equal(await page.inputValue('#surface'), 'rosenbrock');
  assert.equal(await page.textContent('label[for=surface-lr] output'), '0.005');
  assert.equal(await page.inputValue('#curve'), 'valleys');
  assert.equal(await page.inputValue('#x0'), '-1.5');
  assert.equal(await page.textContent('label[for=curve-lr] output'), '0.2');
  assert.equal(await page.inputValue('#epochs'), '40');
  assert.equal(await page.inputValue('#directions'), 'random');
  assert.match((await page.textContent('#net')) ?? '', /xor data · 2 → 3 → 1 units .* seed 7/);
  assert.match((await page.textContent('#surface-start')) ?? '', /\(-1, 2\)/);
  await page.selectOption('#surface', 'saddle');
  const hash = new URLSearchParams(await page.evaluate(() => location.hash.slice(1)));
  assert.equal(hash.get('surface'), 'saddle');
  assert.equal(hash.get('part'), 'surface');
  assert.equal(hash.get('curve'), 'valleys');
  assert.equal(hash.get('net.dataset'), 'xor');
  await page.reload();
  await page.waitForFunction(
    () => document.getElementById('status')?.textContent?.includes('backend') && document.getElementById('loss-gd')?.dataset.value !== undefined,
    undefined,
    { polling: 100 },
  );
  assert.equal(await page.inputValue('#surface'), 'saddle');
  assert.equal(await page.inputValue('#curve'), 'valleys');
  assert.equal(await page.inputValue('#directions'), 'random');
  assert.deepEqual(problems, []);
});

test('every control has a label, and the keyboard reaches and works them', { timeout: 30_000 }, async () => {
  await open('#lab=calculus&part=surface&surface=bowl', 'document.getElementById("epoch")?.dataset.value === "0"');
  assert.deepEqual(await unnamedControls(page, 'main'), []);
  const reached = await tabWalk(page, 20);
  for (const id of ['reset', 'play', 'step', 'part-surface', 'surface', 'surface-lr', 'surface-3d'])
    assert.ok(reached.has(id), `Tab does not reach ${id}: ${[...reached].join(', ')}`);
  // the arrow keys turn the 3-D view
  await page.focus('.calc-part:not([hidden]) canvas.surface-3d');
  const before = await page.getAttribute('.calc-part:not([hidden]) canvas.surface-3d', 'data-azimuth');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((b) => document.querySelector('.calc-part:not([hidden]) canvas.surface-3d')?.getAttribute('data-azimuth') !== b, before, {
    polling: 100,
  });
  // the arrow keys on the learning-rate slider change η, and the part pills switch parts
  await page.focus('#surface-lr');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('lr=0.1&'), undefined, { polling: 100 });
  await page.focus('#part-surface');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => location.hash.includes('part=tangent'), undefined, { polling: 100 });
  assert.equal(await page.isVisible('canvas.tangent-plot'), true);
  assert.deepEqual(problems, []);
});

/** The hash's parameter `k`. */
const param = async (k: string) => new URLSearchParams(await page.evaluate(() => location.hash.slice(1))).get(k);

test('the tangent and the landscape: every control is named, Tab reaches it and the keyboard works it', { timeout: 60_000 }, async () => {
  // the tangent: the curve, x₀, η and the plot itself
  await open('#lab=calculus&part=tangent&curve=cubic&x=1&curveLr=0.05', 'Math.abs(Number(document.getElementById("slope")?.dataset.x) - 1) < 1e-9');
  assert.deepEqual(await unnamedControls(page, 'main'), []);
  assert.equal(await page.getAttribute('canvas.tangent-plot', 'role'), 'application');
  let reached = await tabWalk(page, 20);
  for (const id of ['reset', 'play', 'step', 'part-tangent', 'curve', 'x0', 'curve-lr', 'tangent-plot'])
    assert.ok(reached.has(id), `Tab does not reach ${id}: ${[...reached].join(', ')}`);
  await page.focus('#x0');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('x') !== '1', undefined, { polling: 100 });
  const x = Number(await param('x'));
  assert.ok(x > 1, `x₀ ${x}`);
  await tangentAt(x);
  await page.focus('#curve-lr');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('curveLr') !== '0.05', undefined, { polling: 100 });
  assert.ok(Number(await param('curveLr')) > 0.05);
  await page.focus('canvas.tangent-plot');
  await page.keyboard.press('ArrowLeft');
  await tangentAt(Math.round((x - 0.05) * 100) / 100);
  await page.focus('#curve');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('curve') !== 'cubic', undefined, { polling: 100 });
  // the landscape: the Points set-up button, the epochs, the directions and the 3-D view
  await open('#lab=calculus&part=landscape&epochs=20', 'document.getElementById("landscape-epoch")?.textContent === "0"');
  assert.deepEqual(await unnamedControls(page, 'main'), []);
  reached = await tabWalk(page, 20);
  for (const id of ['reset', 'play', 'step', 'part-landscape', 'use-points', 'epochs', 'directions', 'surface-3d'])
    assert.ok(reached.has(id), `Tab does not reach ${id}: ${[...reached].join(', ')}`);
  await page.focus('#epochs');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Tab'); // a number input commits on change
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('epochs') === '21', undefined, { polling: 100 });
  await page.focus('#directions');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('directions') === 'random', undefined, { polling: 100 });
  await page.focus('#use-points');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('landscape-epoch')?.textContent === '0', undefined, { polling: 100 });
  assert.match((await page.textContent('#net')) ?? '', /^The Points lab's network: /);
  // Space on the toolbar's step trains one epoch here
  await page.focus('#step');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => Number(document.getElementById('epoch')?.dataset.value) >= 1, undefined, { timeout: 20_000, polling: 100 });
  const view = '.calc-part:not([hidden]) canvas.surface-3d';
  assert.equal(await page.getAttribute(view, 'role'), 'application');
  await page.focus(view);
  const az = await page.getAttribute(view, 'data-azimuth');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((b) => document.querySelector('.calc-part:not([hidden]) canvas.surface-3d')?.getAttribute('data-azimuth') !== b, az, {
    polling: 100,
  });
  assert.deepEqual(problems, []);
});

test("the model's landscape trains the Points lab's model as far as the Points lab has: the same training loss at the same epoch", {
  timeout: 90_000,
}, async () => {
  // before the Points lab has trained, the landscape says it trains its own epochs
  await open('#lab=calculus&part=landscape', 'document.getElementById("landscape-epoch")?.textContent === "0"');
  assert.match((await page.textContent('#landscape-model')) ?? '', /this network trained here for 60 epochs; the Points lab has not been trained in this page/);
  // the Points lab trains 7 epochs in this page
  await open('#lab=points&dataset=xor&layers=3&optimizer=adam&lr=0.03&seed=4', 'document.getElementById("train-loss")?.dataset.epoch === "0"');
  for (let i = 0; i < 7; i++) await page.click('#step');
  await page.waitForFunction(() => document.getElementById('train-loss')?.dataset.epoch === '7', undefined, { timeout: 20_000, polling: 100 });
  const pointsLoss = await page.getAttribute('#train-loss', 'data-value');
  // the landscape, opened without a network or epochs of its own, takes the Points set-up and its 7 epochs, and says so
  await open('#lab=calculus&part=landscape', 'document.getElementById("landscape-model")?.dataset.follows === "true"');
  assert.equal(await page.inputValue('#epochs'), '7');
  assert.match(
    (await page.textContent('#landscape-model')) ?? '',
    /the Points lab's network, which it had trained for 7 epochs; play trains it here for 7 epochs from the same seed/,
  );
  assert.match((await page.textContent('#net')) ?? '', /xor data · 2 → 3 → 1 units .* adam η = 0\.03 .* seed 4/);
  assert.equal(await param('epochs'), '7');
  // trained here to its end: seeded, the same weights, so the same training loss to the last bit
  await page.click('#play');
  await page.waitForFunction(
    () => document.getElementById('landscape-epoch')?.dataset.value === '7' && document.getElementById('play')?.getAttribute('aria-pressed') === 'false',
    undefined,
    {
      timeout: 40_000,
      polling: 100,
    },
  );
  assert.equal(await page.getAttribute('#landscape-loss', 'data-value'), pointsLoss);
  // a link that names its epochs keeps them; the button takes the Points lab's set-up and epochs again
  await open('#lab=calculus&part=landscape&epochs=30', 'document.getElementById("landscape-model")?.dataset.follows === "false"');
  assert.equal(await page.inputValue('#epochs'), '30');
  assert.match((await page.textContent('#landscape-model')) ?? '', /this network trained here for 30 epochs; the Points lab is at epoch 7/);
  await page.click('#use-points');
  await page.waitForFunction(() => document.getElementById('landscape-model')?.dataset.follows === 'true', undefined, { polling: 100 });
  assert.equal(await page.inputValue('#epochs'), '7');
  assert.deepEqual(problems, []);
});

test('the same URL draws the same model landscape: trained twice from a reset, the same loss, plane and path', { timeout: 90_000 }, async () => {
  await open(
    '#lab=calculus&part=landscape&epochs=6&directions=random&net.dataset=gauss&net.layers=3&net.optimizer=adam&net.lr=0.03&net.seed=9',
    'document.getElementById("landscape-epoch")?.textContent === "0"',
  );
  const run = async () => {
    await page.click('#reset');
    await page.waitForFunction(() => document.getElementById('landscape-epoch')?.textContent === '0', undefined, { polling: 100 });
    await page.click('#play');
    await page.waitForFunction(
      () => document.getElementById('landscape-plane')?.dataset.epoch === '6' && document.getElementById('play')?.getAttribute('aria-pressed') === 'false',
      undefined,
      { timeout: 40_000, polling: 100 },
    );
    return { loss: await page.getAttribute('#landscape-loss', 'data-value'), plane: await page.textContent('#landscape-plane') };
  };
  const first = await run();
  assert.ok(first.loss && /Drawn at epoch 6: J\(θ\*\) = /.test(first.plane ?? ''), JSON.stringify(first));
  assert.deepEqual(await run(), first);
  assert.deepEqual(problems, []);
});
