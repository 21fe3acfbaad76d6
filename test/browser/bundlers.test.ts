// `import * as nb from 'nabla'` bundled for the browser as users bundle it: a consumer
// project whose node_modules/nabla is this package (its `exports`), the app of
// test/browser/app bundled with esbuild, Vite and webpack. Every build must finish with no
// warning and (esbuild's metafile) no Node built-in in the graph; every bundle, loaded in
// headless Chromium, runs the wasm backend: two threads that really run chunks on the
// worker in a cross-origin-isolated page, one thread and no error in a plain page, and one
// thread with one warning when the page's Content-Security-Policy forbids the worker.
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { build as viteBuild, createLogger } from 'vite';
import webpack from 'webpack';
import type { Browser } from 'playwright-core';
import { launch, serve, watchedPage } from './harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const appDir = join(root, 'test', 'browser', 'app');
/** The test's alias for the backend module (only to read how many chunks the workers ran). */
const internals = join(root, 'dist', 'backend', 'index.js');

/** What the app leaves in `window.report`. */
interface Report {
  error?: string;
  isolated: boolean;
  backend: string;
  build: string | null;
  requested: number;
  threads: number;
  threadsAfter: number;
  workerChunks: number;
  losses: number[];
}

interface Bundle {
  name: string;
  dir: string;
  warnings: string[];
  bytes: number;
}

let work: string;
let browser: Browser;
const bundles: Record<string, Bundle> = {};

/** Bytes of the JavaScript files under `dir`. */
function jsBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith('.js')) n += statSync(join(e.parentPath, e.name)).size;
  }
  return n;
}

/** The app's page with its script at `src` (`module`: an ES module script). */
function page(src: string, module: boolean, head = ''): string {
  return readFileSync(join(appDir, 'index.html'), 'utf8')
    .replace('<script type="module" src="./main.js"></script>', `<script ${module ? 'type="module" ' : ''}src="${src}"></script>`)
    .replace('</head>', `${head}</head>`);
}

async function bundleEsbuild(consumer: string): Promise<Bundle & { inputs: esbuild.Metafile['inputs'] }> {
  const dir = join(work, 'esbuild');
  // minified with keepNames: the worker's source (functions written out with String(fn)) survives both
  const result = await esbuild.build({
    entryPoints: [join(consumer, 'main.js')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    keepNames: true,
    outdir: dir,
    metafile: true,
    logLevel: 'silent',
    alias: { 'nabla-internals': internals },
  });
  writeFileSync(join(dir, 'index.html'), page('./main.js', true));
  const warnings = result.warnings.map((w) => `${w.text} (${w.location?.file ?? ''})`);
  return { name: 'esbuild', dir, warnings, bytes: jsBytes(dir), inputs: result.metafile.inputs };
}

async function bundleVite(consumer: string): Promise<Bundle> {
  const dir = join(work, 'vite');
  const warnings: string[] = [];
  const logger = createLogger('warn', { allowClearScreen: false });
  logger.warn = (msg) => {
    warnings.push(msg);
  };
  logger.warnOnce = (msg) => {
    warnings.push(msg);
  };
  logger.error = (msg) => {
    warnings.push(`error: ${msg}`);
  };
  await viteBuild({
    root: consumer,
    configFile: false,
    logLevel: 'warn',
    customLogger: logger,
    resolve: { alias: { 'nabla-internals': internals } },
    build: {
      outDir: dir,
      emptyOutDir: true,
      target: 'esnext',
      reportCompressedSize: false,
      // not a warning about the code: rolldown's note that plugins took a large share of a slow build (a busy machine)
      rolldownOptions: { checks: { pluginTimings: false } },
    },
  });
  return { name: 'vite', dir, warnings, bytes: jsBytes(dir) };
}

async function bundleWebpack(consumer: string): Promise<Bundle> {
  const dir = join(work, 'webpack');
  const stats = await new Promise<webpack.Stats>((resolve, reject) => {
    webpack(
      {
        mode: 'production',
        target: 'web',
        context: consumer,
        entry: './main.js',
        output: { path: dir, filename: 'main.js' },
        resolve: { alias: { 'nabla-internals': internals } },
        // webpack's advisory size hint starts at 244 KiB; nabla with its embedded wasm is larger (see the report)
        performance: { maxAssetSize: 1 << 20, maxEntrypointSize: 1 << 20 },
      },
      (err, s) => (err || !s ? reject(err ?? new Error('webpack: no stats')) : resolve(s)),
    );
  });
  const json = stats.toJson({ all: false, errors: true, warnings: true });
  const warnings = [...(json.errors ?? []), ...(json.warnings ?? [])].map((w) => `${w.message} (${w.moduleName ?? ''})`);
  writeFileSync(join(dir, 'index.html'), page('./main.js', false));
  return { name: 'webpack', dir, warnings, bytes: jsBytes(dir) };
}

let esbuildInputs: esbuild.Metafile['inputs'];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'nabla-bundlers-'));
  // the consumer: the app, and node_modules/nabla as npm would link a local package
  const consumer = join(work, 'consumer');
  mkdirSync(join(consumer, 'node_modules'), { recursive: true });
  symlinkSync(root, join(consumer, 'node_modules', 'nabla'), 'dir');
  cpSync(appDir, consumer, { recursive: true });
  // at once: esbuild and rolldown work in their own threads while webpack runs in this one
  const [e, v, w] = await Promise.all([bundleEsbuild(consumer), bundleVite(consumer), bundleWebpack(consumer)]);
  esbuildInputs = e.inputs;
  for (const b of [e, v, w]) bundles[b.name] = b;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Loads `dir` in Chromium (isolated or not, with optional in-memory files) and returns the app's report and the console problems. */
async function load(dir: string, isolated: boolean, files?: Record<string, string>): Promise<{ report: Report; problems: string[]; requests: string[] }> {
  const server = await serve(dir, { isolated, files });
  try {
    const { page: p, problems } = await watchedPage(browser);
    await p.goto(`${server.url}/`);
    // (until the app sets it, window.report is the page's element of id "report": wait for the app's object)
    await p.waitForFunction(
      () => {
        const r = (globalThis as { report?: unknown }).report;
        return r !== undefined && !(r instanceof Element);
      },
      null,
      { timeout: 30_000 },
    );
    const report = await p.evaluate(() => (globalThis as unknown as { report: Report }).report);
    if (process.env.NABLA_SCREENSHOT) await p.screenshot({ path: process.env.NABLA_SCREENSHOT });
    await p.close();
    return { report, problems, requests: server.requests.filter((r) => r.status !== 200).map((r) => `${r.path} ${r.status}`) };
  } finally {
    await server.close();
  }
}

function checkTraining(r: Report, what: string): void {
  assert.equal(r.error, undefined, `${what}: ${r.error}`);
  assert.equal(r.backend, 'wasm', `${what}: backend`);
  assert.equal(r.losses.length, 4, `${what}: epochs`);
  assert.ok(r.losses.every(Number.isFinite) && r.losses.at(-1)! < r.losses[0]!, `${what}: the loss decreases: ${r.losses}`);
}

test('esbuild, Vite and webpack bundle the app with no warning and no error', () => {
  for (const b of Object.values(bundles)) assert.deepEqual(b.warnings, [], `${b.name} warned`);
});

test('the esbuild bundle has no Node built-in and nothing left external in its graph', () => {
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const bad: string[] = [];
  for (const [file, input] of Object.entries(esbuildInputs)) {
    for (const imp of input.imports) {
      if (imp.path === '<runtime>') continue; // esbuild's own helpers
      if (imp.external || builtins.has(imp.path) || imp.path.startsWith('node:')) bad.push(`${imp.path} from ${file}`);
    }
  }
  assert.deepEqual(bad, []);
  assert.ok(
    Object.keys(esbuildInputs).some((f) => f.endsWith(join('dist', 'backend', 'wasm', 'pool.js'))),
    'the graph holds the thread pool',
  );
  assert.ok(!Object.keys(esbuildInputs).some((f) => f.includes('cli-progress')), 'no cli-progress');
});

for (const name of ['esbuild', 'vite', 'webpack']) {
  test(`the ${name} bundle trains on two threads in an isolated page, and on one in a plain page`, { timeout: 90_000 }, async () => {
    const b = bundles[name]!;
    const iso = await load(b.dir, true);
    checkTraining(iso.report, `${name}, isolated`);
    assert.equal(iso.report.isolated, true);
    assert.equal(iso.report.requested, 2);
    assert.equal(iso.report.threads, 2, `${name}, isolated: threads after ready()`);
    assert.equal(iso.report.threadsAfter, 2);
    assert.ok(iso.report.workerChunks > 0, `${name}, isolated: the worker ran chunks`);
    assert.deepEqual(iso.problems, []);
    assert.deepEqual(iso.requests, [], 'every request found its file');

    const plain = await load(b.dir, false);
    checkTraining(plain.report, `${name}, plain`);
    assert.equal(plain.report.isolated, false);
    assert.deepEqual([plain.report.requested, plain.report.threads, plain.report.threadsAfter, plain.report.workerChunks], [1, 1, 1, 0]);
    assert.deepEqual(plain.problems, []);
  });
}

test('a page whose Content-Security-Policy forbids the worker gets one warning and one thread', { timeout: 60_000 }, async () => {
  const b = bundles.esbuild!;
  const csp = `<meta http-equiv="Content-Security-Policy" content="worker-src 'none'">`;
  const { report, problems } = await load(b.dir, true, { '/index.html': page('./main.js', true, csp) });
  checkTraining(report, 'CSP');
  // the worker is refused when nabla starts its default threads, before the app asks for two
  assert.deepEqual([report.requested, report.threads, report.threadsAfter, report.workerChunks], [1, 1, 1, 0]);
  const ours = problems.filter((p) => p.includes('nabla'));
  assert.equal(ours.length, 1, problems.join('\n'));
  assert.match(ours[0]!, /^warning: nabla: a worker thread of the wasm backend failed \(.+\); nabla continues on one thread\.$/);
  // the rest is Chromium's own report of the refused worker
  for (const p of problems.filter((q) => !q.includes('nabla'))) assert.match(p, /Content Security Policy/);
});

test('bundle sizes (printed for the record)', () => {
  for (const b of Object.values(bundles)) console.log(`${b.name}: ${(b.bytes / 1024).toFixed(0)} KiB of JavaScript in ${relative(work, b.dir)}`);
});
