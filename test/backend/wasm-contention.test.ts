// Threads that never hurt (issue 16 §5): a split product that the other threads did not speed up
// (their cores busy) makes the pool run products on the calling thread alone for a while.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import * as nb from '../../src/index.js';
import { wasmKernels } from '../../src/backend/index.js';
import { jsKernels } from '../../src/backend/js/index.js';
import { READY_FLAGS } from '../../src/backend/wasm/control.js';
import { poolSettings, ThreadPool } from '../../src/backend/wasm/pool.js';
import { workerSource } from '../../src/backend/wasm/worker.js';

const skip = !wasmKernels()?.runtime.shared;

/** A worker that reports ready, then never takes a chunk: a core that another process keeps busy, at its worst. */
const lazyWorker = () => `"use strict";
const { workerData, parentPort } = require('node:worker_threads');
const ctrl = new Int32Array(workerData.control);
Atomics.store(ctrl, ${READY_FLAGS} + workerData.id, 1);
parentPort.postMessage({ ready: true });
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
`;

function settings(t: TestContext, s: Partial<typeof poolSettings>): void {
  const saved = { ...poolSettings };
  Object.assign(poolSettings, s);
  t.after(() => Object.assign(poolSettings, saved));
}

test('judging a split: one that did not pay backs off, doubling up to the bound; one that paid resets', { skip }, async (t) => {
  settings(t, { source: workerSource, backoffMs: 50, maxBackoffMs: 200, paysBelow: 0.9 });
  const p = new ThreadPool(wasmKernels()!.runtime);
  p.resize(2);
  await p.settled();
  // posted at 0, the calling thread ran 2 of 4 chunks from 0 to 10 ms: alone ≈ 20 ms
  const now = performance.now();
  p.judge(now, now, now + 10, now + 11, 2, 4); // 11 ms: paid
  assert.equal(p.contended(), false);
  assert.equal(p.unpaid, 0);
  const periods: number[] = [];
  for (let i = 0; i < 4; i++) {
    p.judge(now, now, now + 10, now + 20, 2, 4); // 20 ms: no faster than alone
    periods.push(Math.round(p.backoffUntil - (now + 20))); // whole ms: now + 20 + 100 - (now + 20) is 100 only to rounding
  }
  assert.deepEqual(periods, [50, 100, 200, 200]);
  assert.equal(p.contended(), true);
  assert.equal(p.unpaid, 4);
  p.judge(now, now, now + 10, now + 11, 2, 4);
  p.judge(now, now, now + 10, now + 20, 2, 4);
  assert.equal(Math.round(p.backoffUntil - (now + 20)), 50, 'a split that paid reset the backoff');
  p.resize(1);
  assert.equal(p.contended(), false, 'one thread is never contended');
});

test('products keep their values and stop being split while the other threads do not help', { skip }, async (t) => {
  settings(t, { source: lazyWorker, backoffMs: 60_000, maxBackoffMs: 60_000 });
  nb.setBackend('wasm');
  const w = wasmKernels()!;
  const lazy = new ThreadPool(w.runtime);
  lazy.resize(2);
  await lazy.settled();
  assert.equal(lazy.ready, 1);
  const slot = w as unknown as { pool: ThreadPool };
  const saved = slot.pool;
  slot.pool = lazy;
  t.after(() => {
    slot.pool = saved;
    lazy.resize(1);
  });
  const g = new nb.Generator(4);
  const a = nb.randomNormal([256, 256], 0, 1, { generator: g }),
    b = nb.randomNormal([256, 256], 0, 1, { generator: g });
  const ref = jsKernels.matmul(a.data() as Float32Array, [256, 256], b.data() as Float32Array, [256, 256], false, false, [256, 256]);
  const close = (x: Float32Array) => x.every((v, i) => Math.abs(v - ref[i]!) <= 1e-3 * (1 + Math.abs(ref[i]!)));
  assert.ok(close(nb.matmul(a, b).data() as Float32Array), 'the split product (the calling thread ran every chunk) is right');
  assert.equal(lazy.unpaid, 1, 'the split did not pay');
  assert.equal(lazy.contended(), true);
  const tasks = lazy.tasks;
  for (let i = 0; i < 3; i++) assert.ok(close(nb.matmul(a, b).data() as Float32Array));
  assert.equal(lazy.tasks, tasks, 'no product was split during the backoff');
  assert.equal(lazy.unpaid, 1);
});
