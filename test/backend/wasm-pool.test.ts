// The wasm backend's thread pool starts its workers from source text (Node worker_threads
// with eval here, Blob-URL Web Workers in pages), knows when they have started, counts the
// chunks they run, and gives them up with one warning when one fails: an error, a report
// of an error, an exit, or no ready report in time. Then it runs on one thread, and says so.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import * as nb from '../../src/index.js';
import { wasmKernels } from '../../src/backend/index.js';
import { LAYOUT, runChunks } from '../../src/backend/wasm/control.js';
import { poolSettings, ThreadPool } from '../../src/backend/wasm/pool.js';
import { serve, workerSource } from '../../src/backend/wasm/worker.js';

const skip = !wasmKernels()?.runtime.shared;

/** A fresh pool over the backend's runtime whose workers run `source`, with console.warn recorded. */
function pool(t: TestContext, source: () => string, timeoutMs = poolSettings.startTimeoutMs): { p: ThreadPool; warnings: string[] } {
  const saved = { ...poolSettings };
  poolSettings.source = source;
  poolSettings.startTimeoutMs = timeoutMs;
  t.after(() => Object.assign(poolSettings, saved));
  const warnings: string[] = [];
  t.mock.method(console, 'warn', (m: string) => {
    warnings.push(m);
  });
  return { p: new ThreadPool(wasmKernels()!.runtime), warnings };
}

/** Checks that `p` gave its workers up for `cause`, with exactly one warning, and stays at one thread. */
async function checkFailed(p: ThreadPool, warnings: string[], cause: RegExp): Promise<void> {
  await p.settled();
  assert.equal(p.size, 1);
  assert.equal(p.ready, 0);
  assert.match(p.failed ?? '', cause);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /^nabla: a worker thread of the wasm backend failed \(.+\); nabla continues on one thread\.$/);
  assert.equal(p.resize(3), 1, 'no new workers after a failure');
  await p.settled();
  assert.equal(warnings.length, 1, 'reported once');
}

test('the package pool: after ready() its workers have started, and a large product runs chunks on them', { skip }, async () => {
  nb.setThreads(2);
  await nb.ready();
  const w = wasmKernels()!;
  assert.equal(nb.getThreads(), 2);
  assert.equal(w.workersReady, 1);
  const before = w.workerChunks;
  const a = nb.randomNormal([512, 256]),
    b = nb.randomNormal([256, 512]);
  // On a busy machine (other test files running) a split can fail to pay, and the pool then keeps
  // products on the calling thread for a while (its backoff, up to maxBackoffMs = 1 s): no new
  // backoff here, and products until the worker has taken a chunk (one or a few), for at most 3 s.
  const backoff = poolSettings.backoffMs;
  poolSettings.backoffMs = 0;
  let products = 0;
  const until = performance.now() + 3000;
  try {
    while (performance.now() < until && w.workerChunks === before) {
      nb.matmul(a, b);
      products++;
    }
  } finally {
    poolSettings.backoffMs = backoff;
  }
  assert.ok(w.workerChunks > before, `the worker ran chunks (${w.workerChunks - before} after ${products} products)`);
});

test('a pool of good workers settles with every worker ready', { skip }, async (t) => {
  const { p, warnings } = pool(t, workerSource);
  assert.equal(p.resize(3), 3);
  await p.settled();
  assert.deepEqual([p.size, p.ready, p.failed, warnings.length], [3, 2, null, 0]);
  p.resize(2);
  assert.deepEqual([p.size, p.ready], [2, 1], 'a parked worker is not counted');
});

test('a worker whose script throws: one warning, one thread', { skip }, async (t) => {
  const { p, warnings } = pool(t, () => 'throw new Error("worker boom")');
  assert.equal(p.resize(2), 2);
  await checkFailed(p, warnings, /worker boom/);
});

test('a worker that reports an error (its kernels do not instantiate): one warning naming it, one thread', { skip }, async (t) => {
  // the real worker, given a memory the kernels cannot import
  const { p, warnings } = pool(t, () =>
    workerSource().replace('serve(L, node.workerData,', 'serve(L, { ...node.workerData, memory: new WebAssembly.Memory({ initial: 1 }) },'),
  );
  p.resize(2);
  await checkFailed(p, warnings, /did not instantiate/);
});

test('a worker that exits before it is ready: one warning, one thread', { skip }, async (t) => {
  const { p, warnings } = pool(t, () => 'process.exit(3)');
  p.resize(2);
  await checkFailed(p, warnings, /exited with code 3/);
});

test('a worker that never reports ready is given up after the bound', { skip }, async (t) => {
  const { p, warnings } = pool(t, () => 'setInterval(() => {}, 1000)', 300);
  p.resize(2);
  await checkFailed(p, warnings, /did not report ready within 0\.3 s/);
});

test('the worker source is self-contained: String(fn) of its functions evaluates alone', () => {
  const src = workerSource();
  assert.match(src, /const runChunks = function runChunks\(/);
  assert.match(src, /const serve = function serve\(/);
  // the functions see nothing of their modules: evaluated in a bare scope, they are defined and name no module binding
  const fns = new Function(`"use strict"; return [${String(runChunks)}, ${String(serve)}];`)() as unknown[];
  assert.equal(fns.length, 2);
  for (const f of [runChunks, serve]) {
    // (a bundler's keep-names option wraps nested functions in a helper the worker does not have)
    assert.equal(String(f).match(/\bfunction\b|=>/g)?.length, 1, `${f.name} declares no nested function`);
  }
  assert.deepEqual(JSON.parse(src.match(/^const L = (.*);$/m)![1]!), LAYOUT);
});
