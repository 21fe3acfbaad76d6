// `nabla playground`'s static server: content types, the COOP/COEP headers,
// refused traversal, and the error when the playground is not built.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MIME_TYPES, servePlayground } from '../../src/cli/playground.js';
import { CliError } from '../../src/cli/errors.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SECRET = 'the secret outside the served folder';

/** A site folder with a few file types, beside a secret file that must not be served. */
function site(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-playground-'));
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  const www = join(dir, 'www');
  mkdirSync(join(www, 'assets'), { recursive: true });
  writeFileSync(join(www, 'index.html'), '<!doctype html><title>p</title>');
  writeFileSync(join(www, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(www, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(www, 'assets', 'k.wasm'), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(join(www, 'assets', 'blob.xyz'), 'x');
  return www;
}

/** A raw GET: the path is sent exactly as given (no URL normalisation by the client). */
function get(url: string, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('the playground server sends each file type with its MIME type and the COOP/COEP headers on every response', async () => {
  const server = await servePlayground({ root: site() });
  try {
    const cases: [string, string][] = [
      ['/', '.html'],
      ['/index.html', '.html'],
      ['/assets/app.js', '.js'],
      ['/assets/app.css', '.css'],
      ['/assets/k.wasm', '.wasm'],
    ];
    for (const [path, ext] of cases) {
      const r = await get(server.url, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers['content-type'], MIME_TYPES[ext], path);
      assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin', path);
      assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp', path);
    }
    assert.equal((await get(server.url, '/assets/blob.xyz')).headers['content-type'], 'application/octet-stream');
    const missing = await get(server.url, '/nope.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal((await get(server.url, '/', 'POST')).status, 405);
    const head = await get(server.url, '/assets/app.js', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  } finally {
    await server.close();
  }
});

test('the playground server refuses paths that leave its folder', async () => {
  const server = await servePlayground({ root: site() });
  try {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%00',
    ]) {
      const r = await get(server.url, path);
      assert.ok(r.status === 403 || r.status === 404 || r.status === 400, `${path} gave ${r.status}`);
      assert.doesNotMatch(r.body, /secret outside/, path);
    }
    assert.equal((await get(server.url, '/..%2fsecret.txt')).status, 403);
  } finally {
    await server.close();
  }
});

test('without a built playground the server names the build command', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'nabla-playground-empty-'));
  await assert.rejects(servePlayground({ root: empty }), (e: Error) => e instanceof CliError && /npm run build:playground/.test(e.message));
});

test('nabla playground --port 0 --open prints its URL and serves the built page, even when no browser opener exists', async () => {
  // PATH without xdg-open/open: --open reports that and the server carries on
  const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'nabla.js'), 'playground', '--port', '0', '--open'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: '/nonexistent' },
  });
  try {
    const url = await new Promise<string>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        const m = /http:\/\/\S+/.exec(out);
        if (m) ok(m[0]);
      });
      child.stderr.on('data', (d: Buffer) => {
        out += d;
      });
      child.on('exit', (code) => fail(new Error(`nabla playground exited with ${code}: ${out}`)));
    });
    const r = await get(url, '/');
    assert.equal(r.status, 200);
    assert.match(r.body, /nabla playground/);
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
  } finally {
    child.kill('SIGTERM');
  }
  const code = await new Promise<number | null>((ok) => (child.exitCode !== null ? ok(child.exitCode) : child.on('exit', ok)));
  assert.equal(code, 0);
});

test('nabla playground refuses a bad --port', async () => {
  const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'nabla.js'), 'playground', '--port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d;
  });
  const code = await new Promise<number | null>((ok) => child.on('exit', ok));
  assert.equal(code, 1);
  assert.match(err, /--port must be an integer/);
});
