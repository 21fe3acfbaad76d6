// A real browser for tests: a static file server (optionally cross-origin
// isolated with COOP/COEP headers) and Debian's headless Chromium driven by
// playwright-core. Pages report console errors, warnings and page errors;
// tests assert there were none.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gz': 'application/gzip',
  '.csv': 'text/csv',
  '.bin': 'application/octet-stream',
};

/** The headers that make a page cross-origin isolated (SharedArrayBuffer, so wasm threads). */
export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export interface StaticServer {
  /** The origin, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Paths requested so far, with their status codes. */
  requests: { path: string; status: number }[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Send COOP/COEP on every response (default false). */
  isolated?: boolean;
  /** In-memory files by URL path ('/index.html'), served before the directory. */
  files?: Record<string, string | Uint8Array>;
}

/** Serves `root` (a directory, or null for `files` only) on 127.0.0.1 at a free port. */
export async function serve(root: string | null, opts: ServeOptions = {}): Promise<StaticServer> {
  const requests: { path: string; status: number }[] = [];
  const headers = opts.isolated ? ISOLATION_HEADERS : {};
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const send = (status: number, body: string | Uint8Array, type = 'text/plain') => {
      requests.push({ path, status });
      res.writeHead(status, { 'Content-Type': type, ...headers });
      res.end(body);
    };
    if (path === '/favicon.ico') {
      res.writeHead(204, headers);
      return res.end();
    } // browsers ask; pages have none
    const mem = opts.files?.[path] ?? (path.endsWith('/') ? opts.files?.[`${path}index.html`] : undefined);
    if (mem !== undefined) return send(200, mem, TYPES[extname(path) || '.html'] ?? 'application/octet-stream');
    if (root) {
      let file = normalize(join(root, path));
      if (file === root || file.startsWith(root + sep)) {
        if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
        if (existsSync(file) && statSync(file).isFile()) return send(200, readFileSync(file), TYPES[extname(file)] ?? 'application/octet-stream');
      }
    }
    send(404, 'not found');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/**
 * Launches headless Chromium; fails the test with the install hint when it is
 * missing. `gpu` replaces the default `--disable-gpu` (e.g. SwiftShader flags
 * for a WebGL page).
 */
export async function launch(gpu: readonly string[] = ['--disable-gpu']): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `this test needs Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', ...gpu] });
}

/** The repository root (this file runs from build/test/browser). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where the playground tests write their screenshots: build/test-artefacts/playground, or $NABLA_ARTEFACTS/playground. */
export const PLAYGROUND_ARTEFACTS = join(process.env.NABLA_ARTEFACTS ?? join(ROOT, 'build', 'test-artefacts'), 'playground');

/** `nabla playground --port 0`, started as users start it; resolves with its URL once it prints it (kill `child` when done). */
export function startPlayground(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'nabla.js'), 'playground', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /http:\/\/\S+/.exec(out);
      if (m) ok({ url: m[0], child });
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d;
    });
    child.on('exit', (code) => fail(new Error(`nabla playground exited with ${code}: ${out}`)));
  });
}

/** A new page that records console errors/warnings and uncaught page errors in `problems`. */
export async function watchedPage(browser: Browser, viewport = { width: 1100, height: 800 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems };
}

/** Runs `fn` with a browser, closing it afterwards whatever happens. */
export async function withBrowser<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await launch();
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}
