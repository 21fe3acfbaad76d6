#!/usr/bin/env node
// Runs nabla in headless Chromium: once in a cross-origin-isolated page (wasm
// with a Web Worker thread pool) and once in a plain page (wasm on one
// thread), checks the results against the js backend, and prints what each
// page reports. Needs a built package (npm run build) and Chromium
// (Debian: apt-get install chromium); usage: npm run check:browser.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`browser check: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM)`);
  process.exit(2);
}

const page = `<!doctype html><meta charset="utf-8"><title>nabla</title><script type="module">
import * as nb from '/dist/index.js';
import { wasmKernels } from '/dist/backend/index.js';
const report = (r) => fetch('/result', { method: 'POST', body: JSON.stringify(r) });
try {
  await nb.ready();
  const r = { isolated: self.crossOriginIsolated, backend: nb.getBackend(), build: nb.wasmBuild() };
  nb.setThreads(2);
  await nb.ready(); // the worker has started (or failed, with a warning, and nabla runs on one thread)
  r.threads = nb.getThreads();
  const chunks0 = wasmKernels().workerChunks;
  const a = nb.randomNormal([300, 200]), b = nb.randomNormal([200, 250]);
  const t0 = performance.now();
  const c = nb.matmul(a, b);
  r.matmulMs = +(performance.now() - t0).toFixed(2);
  const g = nb.grad((x) => nb.sum(nb.sigmoid(nb.matmul(x, b))))(a);
  nb.setBackend('js');
  const cj = nb.matmul(a, b), gj = nb.grad((x) => nb.sum(nb.sigmoid(nb.matmul(x, b))))(a);
  nb.setBackend('wasm');
  const maxDiff = (p, q) => p.storage.reduce((m, v, i) => Math.max(m, Math.abs(v - q.storage[i])), 0);
  r.matmulDiff = maxDiff(c, cj); r.gradDiff = maxDiff(g, gj);
  r.workerChunks = wasmKernels().workerChunks - chunks0;
  // resident storage (shared memory only): 1500 products of 256 KiB, yielding now and then, pass the
  // 256 MiB cap unless finalizers return dropped blocks; past it results are copied out, still right
  const heap = wasmKernels().heap;
  r.resident = heap.isResident(c.storage);
  const x = nb.randomNormal([256, 256]);
  let last = null;
  for (let i = 0; i < 1500; i++) { last = nb.matmul(x, x); if (i % 20 === 19) await new Promise((ok) => setTimeout(ok, 0)); }
  nb.setBackend('js');
  r.loopDiff = maxDiff(last, nb.matmul(x, x));
  nb.setBackend('wasm');
  r.residentMiB = Math.round(heap.residentBytes / 2 ** 20); r.memoryMiB = Math.round(heap.memoryBytes / 2 ** 20);
  r.ok = r.backend === 'wasm' && r.matmulDiff < 1e-3 && r.gradDiff < 1e-4 && r.loopDiff < 1e-3 && r.resident === r.isolated
    && r.residentMiB <= 256 && (r.workerChunks > 0) === r.isolated;
  report(r);
} catch (e) { report({ ok: false, error: String(e && e.stack || e) }); }
</script>`;

const results = {};
const server = createServer((req, res) => {
  const isolated = req.headers.referer?.includes('/isolated') || req.url.startsWith('/isolated');
  const headers = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
  if (req.method === 'POST' && req.url === '/result') {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      results[isolated ? 'isolated' : 'plain'] = JSON.parse(body);
      res.end('ok');
    });
    return;
  }
  if (req.url === '/isolated.html' || req.url === '/plain.html') {
    res.writeHead(200, { 'Content-Type': 'text/html', ...headers });
    return res.end(page);
  }
  const file = normalize(join(root, req.url.split('?')[0]));
  if (!file.startsWith(join(root, 'dist')) || !existsSync(file)) {
    res.writeHead(404);
    return res.end();
  }
  const type = { '.js': 'text/javascript', '.map': 'application/json' }[extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, { 'Content-Type': type, ...headers });
  res.end(readFileSync(file));
});
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const run = (name) =>
    new Promise((resolve) => {
      const profile = mkdtempSync(join(tmpdir(), 'nabla-chromium-'));
      const child = spawn(
        chromium,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--user-data-dir=${profile}`,
          `http://127.0.0.1:${port}/${name}.html`,
        ],
        { stdio: 'ignore' },
      );
      const started = Date.now();
      const poll = setInterval(() => {
        if (results[name] || Date.now() - started > 30000) {
          clearInterval(poll);
          child.kill();
          resolve();
        }
      }, 100);
    });
  await run('isolated');
  await run('plain');
  server.close();
  console.log(JSON.stringify(results, null, 2));
  const ok = results.isolated?.ok && results.plain?.ok && results.isolated.threads === 2 && results.plain.threads === 1;
  console.log(ok ? 'browser check: passed' : 'browser check: FAILED');
  process.exit(ok ? 0 : 1);
});
