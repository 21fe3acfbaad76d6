// Model I/O and data in a real page (headless Chromium, the worktree's dist/
// served unbundled): a model trained in the page survives a reload in
// IndexedDB, downloads as name.nabla (decoded by Node to the same weights),
// loads from a relative URL (a model Node encoded), and a 404 says so; the
// digits load with no file and equal Node's; parseCsvAsync reads gzip bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import * as nb from '../../src/index.js';
import { serve, watchedPage, withBrowser } from './harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const PAGE = `<!doctype html><meta charset="utf-8"><title>nabla model I/O</title>
<body style="font: 14px system-ui; margin: 2em"><h1>nabla model I/O</h1><pre id="log"></pre>
<script type="module">
import * as nb from '/dist/index.js';
window.nb = nb;
window.log = (s) => { document.getElementById('log').textContent += s + '\\n'; };
window.ready = true;
</script></body>`;

// the same inputs in Node and in the page
const X = Array.from({ length: 6 }, (_, i) => [Math.sin(i), Math.cos(2 * i), i / 6]);
const CSV = `f1,f2,label\n${Array.from({ length: 40 }, (_, i) => `${(i * 0.37) % 5},${-i / 7},${i % 3}`).join('\n')}\n`;

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
}

/** A small model trained in the page; its predictions on X and its weights. */
async function trainInPage(page: Page): Promise<{ preds: number[]; weights: number[][] }> {
  return page.evaluate(async (X) => {
    const w = window as any,
      nb = w.nb;
    nb.seed(5);
    const model = nb.sequential([nb.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }), nb.layers.dense({ units: 2 })]);
    model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const x = nb.randomNormal([32, 3]),
      y = nb.randomNormal([32, 2]);
    await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
    w.model = model;
    w.log(`trained in the page: ${model.getWeights().reduce((n: number, t: any) => n + t.size, 0)} parameters`);
    return {
      preds: Array.from(model.predict(nb.tensor(X)).storage as Float32Array),
      weights: model.getWeights().map((t: any) => Array.from(t.storage as Float32Array)),
    };
  }, X);
}

test('in a page: IndexedDB across a reload, downloads://, a relative URL, the digits and gzipped CSV bytes', { timeout: 120_000 }, async () => {
  // a model encoded in Node, served to the page as a file
  nb.seed(9);
  const nodeModel = nb.sequential([nb.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), nb.layers.dense({ units: 1 })]);
  const nodePreds = Array.from(nodeModel.predict(nb.tensor(X)).storage);
  const server = await serve(root, { files: { '/index.html': PAGE, '/models/node.nabla': nb.io.encodeModel(nodeModel) } });
  try {
    await withBrowser(async (browser) => {
      const { page, problems } = await watchedPage(browser);
      await open(page, `${server.url}/index.html`);

      // IndexedDB: save, reload the page, load: the same predictions bit for bit
      const trained = await trainInPage(page);
      const saved = await page.evaluate(async () => {
        const w = window as any;
        await w.model.save('indexeddb://tiny');
        return w.nb.io.listModels();
      });
      assert.deepEqual(Object.keys(saved), ['indexeddb://tiny']);
      assert.ok(saved['indexeddb://tiny'].byteLength > 100 && !Number.isNaN(Date.parse(saved['indexeddb://tiny'].dateSaved)));
      await page.reload();
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      const reloaded = await page.evaluate(async (X) => {
        const w = window as any,
          nb = w.nb;
        if (w.model) throw new Error('the page did not reload');
        const model = await nb.loadModel('indexeddb://tiny');
        w.log('loaded indexeddb://tiny after a reload');
        return Array.from(model.predict(nb.tensor(X)).storage as Float32Array);
      }, X);
      assert.deepEqual(reloaded, trained.preds);

      // removeModel, then loading names what is missing
      const removed = await page.evaluate(async () => {
        const nb = (window as any).nb;
        const info = await nb.io.removeModel('indexeddb://tiny');
        const left = await nb.io.listModels();
        const err = await nb.loadModel('indexeddb://tiny').catch((e: Error) => `${e.name}: ${e.message}`);
        return { byteLength: info.byteLength, left, err };
      });
      assert.equal(removed.byteLength, saved['indexeddb://tiny'].byteLength);
      assert.deepEqual(removed.left, {});
      assert.equal(removed.err, 'ModelFileError: loadModel: there is no model indexeddb://tiny (nothing saved in this origin)');

      // downloads://: a file named tiny.nabla that Node decodes to the page's model
      const again = await trainInPage(page);
      const [download] = await Promise.all([page.waitForEvent('download'), page.evaluate(() => (window as any).model.save('downloads://tiny'))]);
      assert.equal(download.suggestedFilename(), 'tiny.nabla');
      const file = readFileSync((await download.path())!);
      const decoded = nb.io.decodeModel(file, 'tiny.nabla');
      assert.deepEqual(
        decoded.getWeights().map((t) => Array.from(t.storage)),
        again.weights,
      );
      const decodedPreds = decoded.predict(nb.tensor(X)).storage;
      again.preds.forEach((p, i) => assert.ok(Math.abs(p - decodedPreds[i]!) < 1e-5, `prediction ${i}: page ${p}, Node ${decodedPreds[i]}`));

      // a URL relative to the page: the model Node encoded; a 404 names the URL
      const fromUrl = await page.evaluate(async (X) => {
        const nb = (window as any).nb;
        const model = await nb.loadModel('models/node.nabla');
        const missing = await nb.loadModel('models/missing.nabla').catch((e: Error) => `${e.name}: ${e.message}`);
        (window as any).log('loaded models/node.nabla from the server');
        return { preds: Array.from(model.predict(nb.tensor(X)).storage as Float32Array), missing };
      }, X);
      fromUrl.preds.forEach((p, i) => assert.ok(Math.abs(p - nodePreds[i]!) < 1e-5, `prediction ${i}: page ${p}, Node ${nodePreds[i]}`));
      assert.equal(
        fromUrl.missing,
        `ModelFileError: loadModel: ${server.url}/models/missing.nabla answered HTTP 404 Not Found: no model there (is the URL right?)`,
      );

      // the digits with no file and no server set-up, equal to Node's
      const digits = await page.evaluate(async () => {
        const w = window as any;
        const d = await w.nb.data.loadDigitsAsync();
        w.log(`loadDigitsAsync: ${d.x.shape.join('x')} pixels, ${d.labels.shape[0]} labels`);
        return {
          shape: d.x.shape,
          x: Array.from(d.x.storage as Float32Array),
          labels: Array.from(d.labels.storage as Int32Array),
          sync: (() => {
            try {
              w.nb.data.loadDigits();
              return 'cached';
            } catch (e) {
              return (e as Error).message;
            }
          })(),
        };
      });
      const nodeDigits = nb.data.loadDigits();
      assert.deepEqual(digits.shape, [1797, 64]);
      assert.deepEqual(digits.x, Array.from(nodeDigits.x.storage));
      assert.deepEqual(digits.labels, Array.from(nodeDigits.labels.storage));
      assert.equal(digits.sync, 'cached'); // after loadDigitsAsync, the sync form returns the same digits in a page too

      // parseCsvAsync on gzipped bytes (DecompressionStream), equal to Node's parseCsv
      const csv = await page.evaluate(
        async (gz) => {
          const w = window as any;
          const d = await w.nb.data.parseCsvAsync(new Uint8Array(gz), { labelColumn: 'label' });
          const sync = (() => {
            try {
              w.nb.data.parseCsv(new Uint8Array(gz));
              return 'parsed';
            } catch (e) {
              return (e as Error).message;
            }
          })();
          w.log(`parseCsvAsync: ${d.x.shape.join('x')} features from ${gz.length} gzipped bytes`);
          return { x: Array.from(d.x.storage as Float32Array), labels: Array.from(d.labels.storage as Int32Array), columns: d.columns, sync };
        },
        Array.from(gzipSync(CSV)),
      );
      const nodeCsv = nb.data.parseCsv(CSV, { labelColumn: 'label' });
      assert.deepEqual(csv, { x: Array.from(nodeCsv.x.storage), labels: Array.from(nodeCsv.labels!.storage), columns: ['f1', 'f2'], sync: csv.sync });
      assert.match(csv.sync, /parseCsv: the data is gzipped and decompressing it synchronously needs Node; in a browser use `await parseCsvAsync/);

      if (process.env.NABLA_SCREENSHOT) await page.screenshot({ path: process.env.NABLA_SCREENSHOT });
      // the one console error is the browser's report of the deliberate 404
      assert.deepEqual(
        problems.filter((p) => !/Failed to load resource: .* 404/.test(p)),
        [],
      );
      assert.equal(problems.length, 1, problems.join('\n'));
    });
  } finally {
    await server.close();
  }
});
