// Model I/O without files: bytes, Blobs, URLs (a local HTTP server), and the
// targets that need a browser (IndexedDB, downloads) failing clearly in Node.
// test/browser/model-io.test.ts runs IndexedDB, downloads and URLs in Chromium.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as nb from '../../src/index.js';
import { parseTarget } from '../../src/io/targets.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-model-io-'));

function model() {
  nb.seed(3);
  const m = nb.sequential([nb.layers.dense({ units: 5, activation: 'tanh', inputShape: [3] }), nb.layers.dense({ units: 2 })]);
  m.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
  m.predict(nb.ones([1, 3]));
  return m;
}
const x = (() => {
  nb.seed(11);
  return nb.randomNormal([7, 3]);
})();
const m = model();
const bytes = nb.io.encodeModel(m);
const expected = Array.from(m.predict(x).storage);
const same = (loaded: nb.Sequential) => assert.deepEqual(Array.from(loaded.predict(x).storage), expected);
const problem =
  (re: RegExp, cls: Function = nb.ModelFileError) =>
  (e: Error) => {
    assert.ok(e instanceof cls, `${e.name}: ${e.message}`);
    assert.match(e.message, re);
    return true;
  };

// --- bytes and Blobs ---

test('a model round-trips through bytes: encodeModel, then loadModel or decodeModel of a Uint8Array or an ArrayBuffer', async () => {
  assert.ok(bytes instanceof Uint8Array);
  same(await nb.loadModel(bytes));
  same(await nb.loadModel(bytes.slice().buffer));
  same(nb.io.decodeModel(bytes.slice().buffer));
  // a view into a larger buffer (as a Buffer or a network chunk may be)
  const padded = new Uint8Array(bytes.length + 13);
  padded.set(bytes, 5);
  same(await nb.loadModel(padded.subarray(5, 5 + bytes.length)));
});

test('loadModel reads a Blob or File (what a file input gives), refusing one over maxBytes before reading it', async () => {
  same(await nb.loadModel(new Blob([bytes as Uint8Array<ArrayBuffer>])));
  let read = false;
  const big = {
    size: 10_000,
    name: 'big.nabla',
    arrayBuffer: async () => {
      read = true;
      return new ArrayBuffer(0);
    },
  };
  await assert.rejects(nb.loadModel(big, { maxBytes: 1000 }), problem(/loadModel: big\.nabla is 10000 bytes, more than the limit of 1000 bytes/));
  assert.equal(read, false);
  await assert.rejects(nb.loadModel(new Blob([bytes.subarray(0, 100) as Uint8Array<ArrayBuffer>])), problem(/loadModel: the blob is truncated/));
});

test('bytes that are not a model file say what they look like', async () => {
  const text = (s: string) => new TextEncoder().encode(s);
  await assert.rejects(
    nb.loadModel(text('<!doctype html><html><body>Not here</body></html>')),
    problem(/the bytes is not a nabla model file \(bad magic bytes\): it looks like an HTML page/),
  );
  await assert.rejects(nb.loadModel(text('{"modelTopology": {}, "weightsManifest": []}')), problem(/it looks like JSON \(a TF\.js model\.json\?/));
  await assert.rejects(nb.loadModel(new Uint8Array(3)), problem(/bad magic bytes; only 3 bytes/));
  await assert.rejects(nb.loadModel(bytes, { maxBytes: 0 }), problem(/maxBytes must be a positive integer/, nb.ArgumentError));
});

// --- URLs ---

let origin = '';
let closeServer: () => Promise<void>;
const html = '<!doctype html><title>404</title><p>Single-page app fallback</p>';
before(async () => {
  const server = createServer((req, res: ServerResponse) => {
    const send = (status: number, body: Uint8Array | string, headers: Record<string, string> = {}) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    switch (req.url) {
      case '/m.nabla':
        return send(200, bytes, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) });
      case '/chunked.nabla': {
        // no Content-Length: streamed in pieces
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        for (let i = 0; i < bytes.length; i += 100) res.write(bytes.subarray(i, i + 100));
        return res.end();
      }
      case '/truncated.nabla':
        return send(200, bytes.subarray(0, bytes.length - 8));
      case '/page.nabla':
        return send(200, html, { 'Content-Type': 'text/html' });
      case '/big.nabla': {
        // declares a huge body and never sends it
        res.writeHead(200, { 'Content-Length': String(2 ** 40) });
        return res.write(bytes.subarray(0, 10));
      }
      case '/endless.nabla': {
        // no Content-Length, more bytes than the limit
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        const chunk = new Uint8Array(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 64 * 2 ** 20 && res.write(chunk)) sent += chunk.length;
          if (sent < 64 * 2 ** 20) res.once('drain', pump);
          else res.end();
        };
        res.on('close', () => {
          sent = Infinity;
        });
        return pump();
      }
      default:
        return send(404, 'not found', { 'Content-Type': 'text/plain' });
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeServer = () =>
    new Promise((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
});
after(() => closeServer());

test('loadModel fetches http:// URLs, with or without a Content-Length; a URL object works too', async () => {
  same(await nb.loadModel(`${origin}/m.nabla`));
  same(await nb.loadModel(`${origin}/chunked.nabla`));
  same(await nb.loadModel(new URL('/m.nabla', origin)));
});

test('a URL that is missing, truncated, a web page or unreachable gives a ModelFileError naming it', async () => {
  await assert.rejects(
    nb.loadModel(`${origin}/missing.nabla`),
    problem(new RegExp(`loadModel: ${origin}/missing\\.nabla answered HTTP 404 Not Found: no model there`)),
  );
  await assert.rejects(nb.loadModel(`${origin}/truncated.nabla`), problem(new RegExp(`loadModel: ${origin}/truncated\\.nabla is truncated`)));
  await assert.rejects(nb.loadModel(`${origin}/page.nabla`), problem(/page\.nabla is not a nabla model file .*looks like an HTML page/));
  await assert.rejects(nb.loadModel('http://127.0.0.1:1/m.nabla'), problem(/loadModel: could not fetch http:\/\/127\.0\.0\.1:1\/m\.nabla: fetch failed/));
});

test('a URL never yields more than maxBytes: a larger Content-Length is refused before reading, a longer stream is cut off', async () => {
  await assert.rejects(
    nb.loadModel(`${origin}/big.nabla`),
    problem(/big\.nabla is 1099511627776 bytes \(1048576\.0 MiB\) \(its Content-Length\), more than the limit of 2147483648 bytes/),
  );
  await assert.rejects(nb.loadModel(`${origin}/m.nabla`, { maxBytes: bytes.length - 1 }), problem(/its Content-Length/));
  same(await nb.loadModel(`${origin}/m.nabla`, { maxBytes: bytes.length }));
  await assert.rejects(nb.loadModel(`${origin}/chunked.nabla`, { maxBytes: 150 }), problem(/chunked\.nabla sent more than the limit of 150 bytes/));
  await assert.rejects(
    nb.loadModel(`${origin}/endless.nabla`, { maxBytes: 2 ** 20 }),
    problem(/endless\.nabla sent more than the limit of 1048576 bytes \(1\.0 MiB\)/),
  );
});

test('requestInit reaches fetch (an aborted signal stops the request)', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(nb.loadModel(`${origin}/m.nabla`, { requestInit: { signal: controller.signal } }), problem(/could not fetch .*m\.nabla: .*abort/i));
});

// --- files, file:// URLs and targets ---

test('file paths keep working, and file:// URLs (strings or URL objects) name files too', async () => {
  const path = join(dir, 'm.nabla');
  await m.save(path);
  same(await nb.loadModel(path));
  await m.save(pathToFileURL(join(dir, 'u.nabla')));
  same(await nb.loadModel(pathToFileURL(join(dir, 'u.nabla')).href));
  writeFileSync(join(dir, 'big.nabla'), bytes);
  await assert.rejects(
    nb.loadModel(join(dir, 'big.nabla'), { maxBytes: 100 }),
    problem(/cannot read .*big\.nabla: it is \d+ bytes, more than the limit of 100 bytes/),
  );
});

test('targets that need a browser, or cannot be written, fail clearly in Node', async () => {
  await assert.rejects(m.save('indexeddb://m'), problem(/save: indexeddb:\/\/m needs IndexedDB, a browser API/, nb.ArgumentError));
  await assert.rejects(nb.loadModel('indexeddb://m'), problem(/loadModel: indexeddb:\/\/m needs IndexedDB/, nb.ArgumentError));
  await assert.rejects(nb.io.listModels(), problem(/listModels: .*needs IndexedDB/, nb.ArgumentError));
  await assert.rejects(nb.io.removeModel('indexeddb://m'), problem(/removeModel: .*needs IndexedDB/, nb.ArgumentError));
  await assert.rejects(nb.io.removeModel('m' as string), problem(/removeModel: expected 'indexeddb:\/\/name'/, nb.ArgumentError));
  await assert.rejects(m.save('downloads://m'), problem(/save: downloads:\/\/ needs a browser page/, nb.ArgumentError));
  await assert.rejects(nb.loadModel('downloads://m'), problem(/downloads:\/\/ is a place to save to/, nb.ArgumentError));
  await assert.rejects(
    m.save(`${origin}/m.nabla`),
    problem(/save: cannot save to a URL .*method: 'PUT', body: nb\.io\.encodeModel\(model\)/, nb.ArgumentError),
  );
  await assert.rejects(m.save('localstorage://m'), problem(/unknown scheme 'localstorage:\/\/' \(localStorage is too small/, nb.ArgumentError));
  await assert.rejects(nb.loadModel('s3://bucket/m'), problem(/unknown scheme 's3:\/\/'/, nb.ArgumentError));
  await assert.rejects(nb.loadModel(''), problem(/got an empty string/, nb.ArgumentError));
  await assert.rejects(nb.loadModel(42 as unknown as string), problem(/expected a file path \(Node\), 'indexeddb:\/\/name'.*got number/, nb.ArgumentError));
  await assert.rejects(m.save('downloads://a/b'), problem(/without folders/, nb.ArgumentError));
});

test('parseTarget: the schemes, and bare strings as paths in Node but URLs relative to the page in a browser', () => {
  assert.deepEqual(parseTarget('t', 'indexeddb://my model'), { kind: 'indexeddb', name: 'my model' });
  assert.deepEqual(parseTarget('t', 'IndexedDB://m'), { kind: 'indexeddb', name: 'm' });
  assert.deepEqual(parseTarget('t', 'downloads://'), { kind: 'downloads', name: 'model' });
  assert.deepEqual(parseTarget('t', 'https://x.org/m.nabla'), { kind: 'url', url: 'https://x.org/m.nabla' });
  assert.deepEqual(parseTarget('t', 'models/m.nabla'), { kind: 'path', path: 'models/m.nabla' });
  const g = globalThis as { location?: unknown },
    proc = process as unknown as { getBuiltinModule?: unknown };
  const saved = proc.getBuiltinModule;
  proc.getBuiltinModule = undefined;
  g.location = { href: 'https://example.org/app/index.html' };
  try {
    assert.deepEqual(parseTarget('t', 'models/m.nabla'), { kind: 'url', url: 'https://example.org/app/models/m.nabla' });
    assert.deepEqual(parseTarget('t', '/m.nabla'), { kind: 'url', url: 'https://example.org/m.nabla' });
    assert.throws(() => parseTarget('t', 'file:///tmp/m.nabla'), /file:\/\/ URLs need Node/);
  } finally {
    proc.getBuiltinModule = saved;
    delete g.location;
  }
});
