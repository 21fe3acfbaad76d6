// A worker thread of the wasm backend's pool: it instantiates the kernels
// over the shared memory and runs chunks of the tasks the main thread posts.
//
// A worker starts from source text, not from a file: `workerSource()` writes
// `serve` and `runChunks` out with String(fn), and the pool starts that text
// as a Node worker_thread (eval) or as a Web Worker from a Blob URL. So no
// bundler has to find, copy or rewrite a worker file: any bundle of nabla
// carries its workers, and a page needs no configuration for them.
import { LAYOUT, runChunks, type Layout } from './control.js';
import type { KernelExports } from './runtime.js';

/** What a worker receives to start. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  id: number;
}

/** What a worker tells the pool once: it started, or why it could not. */
export type WorkerReport = { ready: true } | { error: string };

/**
 * The body of a worker: instantiates the kernels, reports `{ ready: true }` (or
 * `{ error }`), then waits for tasks and runs their chunks, for ever.
 *
 * Written out as source text, so self-contained like `runChunks`: everything it
 * uses comes in through its arguments (`abort` is the kernels' abort import,
 * `post` sends a report to the pool).
 */
export function serve(L: Layout, init: WorkerInit, run: typeof runChunks, abort: () => never, post: (r: WorkerReport) => void): void {
  let exports: KernelExports;
  let ctrl: Int32Array;
  try {
    exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory, abort } }).exports as unknown as KernelExports;
    ctrl = new Int32Array(init.control);
  } catch (e) {
    post({ error: `the kernels did not instantiate in the worker: ${String(e)}` });
    return;
  }
  let generation = Atomics.load(ctrl, L.COUNTER) >>> L.CHUNK_BITS;
  Atomics.store(ctrl, L.READY_FLAGS + init.id, 1);
  Atomics.add(ctrl, L.READY, 1);
  post({ ready: true });
  for (;;) {
    // wait for a new task: spin briefly (fast answers to back-to-back kernels), then sleep
    let c = Atomics.load(ctrl, L.COUNTER);
    const until = performance.now() + L.SPIN_MS;
    while (c >>> L.CHUNK_BITS === generation && performance.now() < until) c = Atomics.load(ctrl, L.COUNTER);
    while (c >>> L.CHUNK_BITS === generation) {
      Atomics.wait(ctrl, L.COUNTER, c);
      c = Atomics.load(ctrl, L.COUNTER);
    }
    generation = c >>> L.CHUNK_BITS;
    run(L, ctrl, exports, init.id, generation);
  }
}

/**
 * The source text of a pool worker, for a Node worker_thread (`eval: true`, the
 * init in `workerData`) and for a classic Web Worker (the init as its first message).
 */
export function workerSource(): string {
  return `"use strict";
// nabla: a worker thread of the wasm backend (see src/backend/wasm/worker.ts)
const L = ${JSON.stringify(LAYOUT)};
const runChunks = ${String(runChunks)};
const serve = ${String(serve)};
function abort() { throw new Error('nabla wasm kernel aborted'); }
const node = typeof process === 'object' && typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:worker_threads') : null;
if (node && node.workerData) {
  serve(L, node.workerData, runChunks, abort, function (r) { node.parentPort.postMessage(r); });
} else {
  self.onmessage = function (e) { self.onmessage = null; serve(L, e.data, runChunks, abort, function (r) { self.postMessage(r); }); };
}
`;
}
