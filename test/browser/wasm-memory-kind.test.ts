// The wasm backend in Chromium on both kinds of memory: a cross-origin-isolated page gets the
// embedded build over shared memory, a plain page the build derived from it for ordinary memory
// (runtime.ts clears the memory import's shared flag). Both load, and compute a product as the
// js backend does. The page imports the unbundled dist/ (npm test builds it first).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serve, watchedPage, withBrowser } from './harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const PAGE = `<!doctype html><meta charset="utf-8"><title>nabla: wasm memory kinds</title>
<body style="font: 16px system-ui; margin: 2em"><h1>nabla wasm backend</h1><pre id="out">loading…</pre>
<script type="module">
import * as nb from '/dist/index.js';
import { wasmKernels } from '/dist/backend/index.js';
try {
  await nb.ready();
  const a = nb.randomNormal([40, 30]), b = nb.randomNormal([30, 20]);
  const c = nb.matmul(a, b).toArray().flat();
  nb.setBackend('js');
  const cj = nb.matmul(a, b).toArray().flat();
  nb.setBackend('wasm');
  const r = { isolated: self.crossOriginIsolated, backend: nb.getBackend(), build: nb.wasmBuild(),
    shared: wasmKernels().runtime.shared, maxDiff: Math.max(...c.map((v, i) => Math.abs(v - cj[i]))) };
  document.getElementById('out').textContent = JSON.stringify(r, null, 2);
  window.result = r;
} catch (e) { window.result = { error: String(e && e.stack || e) }; }
</script>`;

test('Chromium loads the shared-memory build in an isolated page and the derived ordinary-memory build in a plain page', { timeout: 60_000 }, async () => {
  await withBrowser(async (browser) => {
    for (const isolated of [true, false]) {
      const server = await serve(root, { isolated, files: { '/memory-kind.html': PAGE } });
      try {
        const { page, problems } = await watchedPage(browser, { width: 700, height: 400 });
        await page.goto(`${server.url}/memory-kind.html`);
        await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 30_000 });
        const r = await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
        assert.equal(r['error'], undefined, String(r['error']));
        assert.equal(r['isolated'], isolated);
        assert.equal(r['backend'], 'wasm');
        assert.equal(r['shared'], isolated, 'shared memory exactly when the page is isolated');
        assert.ok(r['build'] === 'relaxed' || r['build'] === 'simd', `build ${r['build']}`);
        assert.ok((r['maxDiff'] as number) < 1e-4, `wasm against js: ${r['maxDiff']}`);
        if (!isolated && process.env.NABLA_SCREENSHOTS) {
          mkdirSync(process.env.NABLA_SCREENSHOTS, { recursive: true });
          await page.screenshot({ path: join(process.env.NABLA_SCREENSHOTS, 'wasm-memory-kind-plain.png') });
        }
        assert.deepEqual(problems, []);
      } finally {
        await server.close();
      }
    }
  });
});
