// The interchange formats in a page: an app importing 'nabla' and 'nabla/onnx'
// (bundled with esbuild from a consumer project, as users bundle it) loads a
// TF.js model.json with its weights, an ONNX model and a safetensors file
// from URLs relative to the page, and predicts what Node's nabla predicts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import * as nb from '../../src/index.js';
import * as onnx from '../../src/onnx/index.js';
import { serve, watchedPage, withBrowser } from './harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const APP = `import * as nb from 'nabla';
import { loadModel as loadOnnx } from 'nabla/onnx';
const x = nb.tensor(window.INPUT, [3, 5]);
try {
  const tfjs = await nb.tfjs.loadModel('models/tfjs/model.json');
  const fromOnnx = await loadOnnx('models/model.onnx');
  const st = await nb.safetensors.load('models/model.safetensors');
  const json = await (await fetch('models/tfjs/model.json')).json();
  const fresh = nb.tfjs.importModel({ modelJson: json, weights: new Uint8Array(await (await fetch('models/tfjs/weights.bin')).arrayBuffer()) });
  fresh.loadStateDict(st.tensors);
  window.report = { tfjs: Array.from(tfjs.predict(x).storage), onnx: Array.from(fromOnnx.predict(x).storage), safetensors: Array.from(fresh.predict(x).storage) };
} catch (e) { window.report = { error: String(e && e.stack || e) }; }
`;

test('a bundled page loads TF.js, ONNX and safetensors models from relative URLs and predicts as Node does', { timeout: 120_000 }, async () => {
  nb.seed(6);
  const model = nb.sequential([nb.layers.dense({ units: 6, activation: 'relu', inputShape: [5] }), nb.layers.dense({ units: 3, activation: 'softmax' })]);
  const x = nb.randomNormal([3, 5]);
  const want = Array.from(model.predict(x).storage);
  // a consumer project: node_modules/nabla is this package
  const work = mkdtempSync(join(tmpdir(), 'nabla-formats-page-'));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(root, join(work, 'node_modules', 'nabla'), 'dir');
  writeFileSync(join(work, 'app.js'), APP);
  const site = join(work, 'site');
  mkdirSync(join(site, 'models', 'tfjs'), { recursive: true });
  const { modelJson, weights } = nb.tfjs.exportModel(model);
  writeFileSync(join(site, 'models', 'tfjs', 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(site, 'models', 'tfjs', 'weights.bin'), weights);
  writeFileSync(join(site, 'models', 'model.onnx'), onnx.exportModel(model));
  writeFileSync(join(site, 'models', 'model.safetensors'), nb.safetensors.encode(model.stateDict()));
  const built = await esbuild.build({
    entryPoints: [join(work, 'app.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outdir: site,
    logLevel: 'silent',
    absWorkingDir: work,
    target: 'es2022',
  });
  assert.deepEqual(built.errors, []);
  writeFileSync(
    join(site, 'index.html'),
    `<!doctype html><meta charset="utf-8"><title>formats</title>
<script>window.INPUT = ${JSON.stringify(Array.from(x.storage))}</script><script type="module" src="app.js"></script>`,
  );
  const server = await serve(site, { isolated: true });
  try {
    await withBrowser(async (browser) => {
      const { page, problems } = await watchedPage(browser);
      await page.goto(`${server.url}/`);
      await page.waitForFunction(() => (window as unknown as { report?: unknown }).report !== undefined, undefined, { timeout: 60_000 });
      const report = await page.evaluate(() => (window as unknown as { report: Record<string, number[] | string> }).report);
      assert.equal(report['error'], undefined, String(report['error']));
      for (const k of ['tfjs', 'onnx', 'safetensors']) {
        const got = report[k] as number[];
        assert.equal(got.length, want.length, k);
        got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-5, `${k}: entry ${i} is ${v}, Node says ${want[i]}`));
      }
      assert.deepEqual(problems, []);
    });
  } finally {
    await server.close();
  }
});
