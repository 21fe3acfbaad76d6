#!/usr/bin/env node
// Screenshots of the playground's labs for the README: serves the built
// dist/playground (npm run build), trains each set-up in headless Chromium
// for a fixed number of epochs (seeded, so the pictures are the same every
// time) and writes PNGs. Usage: node scripts/playground-screenshots.mjs [out-dir]
// (default docs/images). Needs Chromium (apt-get install chromium, or set CHROMIUM).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { servePlayground } from '../dist/cli/playground.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(root, 'docs', 'images');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`playground screenshots: no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM)`);
  process.exit(2);
}

const SHOTS = [
  { file: 'playground-points.png', hash: '#dataset=spiral&features=x1,x2,sinx1,sinx2&layers=8,6&activation=tanh&optimizer=adam&lr=0.01&noise=10', epochs: 150 },
  {
    file: 'playground-points-3-classes.png',
    hash: '#dataset=spiral3&features=x1,x2,sinx1,sinx2&layers=8,8&activation=tanh&optimizer=adam&lr=0.03&batch=10',
    epochs: 200,
  },
  // click: buttons pressed after training, before the picture (Digits: the second test digit on the drawing pad, with its prediction);
  // fullPage: false keeps the picture to the window (the race at the top of the Digits lab)
  {
    file: 'playground-digits.png',
    hash: '#lab=digits&layers=32&activation=sigmoid&optimizer=sgd&lr=0.3&batch=32&seed=1',
    epochs: 20,
    click: ['#digits-sample', '#digits-sample'],
  },
  {
    file: 'playground-digits-race.png',
    hash: '#lab=digits&layers=32&activation=sigmoid&optimizer=sgd&lr=1&batch=32&seed=1&race=loss',
    epochs: 60,
    fullPage: false,
  },
  // the Calculus lab: each part plays to a fixed end (the descent settles, the balls stop at 400 steps, the network at its epochs)
  {
    file: 'playground-calculus-tangent.png',
    hash: '#lab=calculus&part=tangent&curve=valleys&x=2.3&curveLr=0.05',
    play: true,
    ready: "document.getElementById('play')?.getAttribute('aria-pressed') === 'false' && Number(document.getElementById('epoch')?.dataset.value) > 0",
  },
  {
    file: 'playground-calculus-surface.png',
    hash: '#lab=calculus&part=surface&surface=twominima&lr=0.02',
    play: true,
    ready: "document.getElementById('epoch')?.dataset.value === '400'",
  },
  {
    file: 'playground-calculus-landscape.png',
    hash: '#lab=calculus&part=landscape&epochs=60&net.dataset=spiral3&net.features=x1,x2,sinx1,sinx2&net.layers=8,8&net.optimizer=adam&net.lr=0.03',
    play: true,
    ready: "document.getElementById('landscape-plane')?.dataset.epoch === '60'",
  },
  // the counter counts steps in these labs: one Step is one batch (Equations) or one full-batch step (Curvature)
  { file: 'playground-equations.png', hash: '#lab=equations&model=points&layers=4,2&lr=0.3&layout=columns&layer=1', epochs: 300 },
  { file: 'playground-curvature.png', hash: '#lab=curvature&model=points&optimizer=gd&loss=mse&lr=3&every=5&seed=1', epochs: 90 },
];

mkdirSync(out, { recursive: true });
const server = await servePlayground({ port: 0 });
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => {
    throw e;
  });
  for (const s of SHOTS) {
    await page.goto(server.url + s.hash);
    await page.waitForFunction(() => document.getElementById('epoch')?.dataset.value === '0');
    if (s.play) {
      // a set-up whose play stops by itself at a fixed point (the Calculus lab's parts): play, then wait for `s.ready`
      await page.click('#play');
      await page.waitForFunction(s.ready, undefined, { timeout: 120_000, polling: 200 });
    } else {
      // exactly s.epochs epochs, one Step each (playing would stop at a time-dependent epoch)
      await page.focus('#step');
      for (let i = 0; i < s.epochs; i++) await page.keyboard.press('Enter');
      await page.waitForFunction((n) => Number(document.getElementById('epoch')?.dataset.value) === n, s.epochs, { timeout: 120_000 });
    }
    for (const sel of s.click ?? []) await page.click(sel);
    await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, s.file), fullPage: s.fullPage ?? true });
    console.log(`wrote ${join(out, s.file)}`);
  }
} finally {
  await browser.close();
  await server.close();
}
