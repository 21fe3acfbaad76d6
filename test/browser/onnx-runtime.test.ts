// ONNX Runtime inside a real browser: a page (nabla and nabla/onnx bundled
// with esbuild from a consumer project, as users bundle them) builds an MLP,
// a CNN with batch normalisation and an LSTM, exports each to ONNX bytes and
// runs them with onnxruntime-web's wasm build (served from node_modules, one
// thread), comparing ONNX Runtime's predictions to nabla's in the same page.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { serve, watchedPage, withBrowser } from './harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ortDist = join(root, 'node_modules', 'onnxruntime-web', 'dist');

const APP = `import * as nb from 'nabla';
import { exportModel } from 'nabla/onnx';
const ort = await import('/ort/ort.wasm.min.mjs');
ort.env.wasm.wasmPaths = '/ort/';
ort.env.wasm.numThreads = 1;
nb.seed(11);
const models = {
  mlp: [nb.sequential([nb.layers.dense({ units: 8, activation: 'relu', inputShape: [5] }), nb.layers.dense({ units: 3, activation: 'softmax' })]), [4, 5]],
  cnn: [nb.sequential([
    nb.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [8, 8, 2] }),
    nb.layers.batchNormalization(),
    nb.layers.activation({ activation: 'relu' }),
    nb.layers.maxPooling2d({ poolSize: 2 }),
    nb.layers.flatten(),
    nb.layers.dense({ units: 3 }),
  ]), [3, 8, 8, 2]],
  lstm: [nb.sequential([nb.layers.lstm({ units: 4, inputShape: [5, 3] }), nb.layers.dense({ units: 2 })]), [3, 5, 3]],
};
const report = {};
try {
  for (const [name, [model, shape]] of Object.entries(models)) {
    const x = nb.randomNormal(shape);
    const session = await ort.InferenceSession.create(exportModel(model));
    const out = await session.run({ X: new ort.Tensor('float32', Float32Array.from(x.storage), shape) });
    const want = model.predict(x);
    report[name] = { got: Array.from(out.Y.data), gotShape: Array.from(out.Y.dims), want: Array.from(want.storage), wantShape: want.shape };
    await session.release();
  }
  const rows = Object.entries(report).map(([k, r]) => '<tr><td>' + k + '</td><td>' + r.gotShape.join('×') + '</td><td>' + Math.max(...r.got.map((g, i) => Math.abs(g - r.want[i]))).toExponential(1) + '</td></tr>');
  document.body.innerHTML = '<h1>nabla → ONNX Runtime (wasm)</h1><table><tr><th>model</th><th>output</th><th>largest difference</th></tr>' + rows.join('') + '</table>';
  window.report = report;
} catch (e) { window.report = { error: String(e && e.stack || e) }; }
`;

test('in Chromium, ONNX Runtime (onnxruntime-web, wasm) runs the ONNX bytes nabla exports in the page and predicts as nabla', {
  timeout: 120_000,
}, async () => {
  const work = mkdtempSync(join(tmpdir(), 'nabla-ort-page-'));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(root, join(work, 'node_modules', 'nabla'), 'dir');
  writeFileSync(join(work, 'app.js'), APP);
  const built = await esbuild.build({
    entryPoints: [join(work, 'app.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    absWorkingDir: work,
    target: 'es2022',
    external: ['/ort/*'],
  });
  assert.deepEqual(built.errors, []);
  const files: Record<string, string | Uint8Array> = {
    '/index.html': '<!doctype html><meta charset="utf-8"><title>onnx runtime</title><script type="module" src="app.js"></script>',
    '/app.js': built.outputFiles[0]!.contents,
  };
  for (const f of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'])
    files[`/ort/${f}`] = new Uint8Array(readFileSync(join(ortDist, f)));
  const server = await serve(null, { files });
  try {
    await withBrowser(async (browser) => {
      const { page, problems } = await watchedPage(browser);
      await page.goto(`${server.url}/`);
      await page.waitForFunction(() => (window as unknown as { report?: unknown }).report !== undefined, undefined, { timeout: 90_000 });
      const report = await page.evaluate(() => (window as unknown as { report: Record<string, unknown> }).report);
      assert.equal(report['error'], undefined, String(report['error']));
      for (const name of ['mlp', 'cnn', 'lstm']) {
        const r = report[name] as { got: number[]; gotShape: number[]; want: number[]; wantShape: number[] };
        assert.deepEqual(r.gotShape, r.wantShape, `${name}: shape`);
        r.want.forEach((w, i) =>
          assert.ok(Math.abs(r.got[i]! - w) <= 1e-4 * Math.max(1, Math.abs(w)), `${name}: entry ${i} is ${r.got[i]} in ONNX Runtime, ${w} in nabla`),
        );
      }
      assert.ok(
        server.requests.some((r) => r.path === '/ort/ort-wasm-simd-threaded.wasm' && r.status === 200),
        'ONNX Runtime ran its wasm build',
      );
      if (process.env.NABLA_SCREENSHOT) await page.screenshot({ path: process.env.NABLA_SCREENSHOT });
      assert.deepEqual(problems, []);
    });
  } finally {
    await server.close();
  }
});
