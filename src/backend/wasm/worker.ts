// A worker thread of the wasm backend's pool (a Node worker_thread, or a
// module Web Worker in a cross-origin-isolated page): it instantiates the
// kernels over the shared memory and runs chunks of the tasks the main
// thread posts.
import { COUNTER, CHUNK_BITS, READY, SPIN_MS, runChunks } from './control.js';
import { instantiate } from './runtime.js';
import { nodeBuiltin } from '../../core/platform.js';

/** What a worker receives to start. */
export interface WorkerInit { module: WebAssembly.Module; memory: WebAssembly.Memory; control: SharedArrayBuffer; id: number }

function serve(init: WorkerInit): never {
  const exports = instantiate(init.module, init.memory);
  const ctrl = new Int32Array(init.control);
  let generation = Atomics.load(ctrl, COUNTER) >>> CHUNK_BITS;
  Atomics.add(ctrl, READY, 1);
  for (;;) {
    // wait for a new task: spin briefly (fast answers to back-to-back kernels), then sleep
    let c = Atomics.load(ctrl, COUNTER);
    const until = performance.now() + SPIN_MS;
    while (c >>> CHUNK_BITS === generation && performance.now() < until) c = Atomics.load(ctrl, COUNTER);
    while (c >>> CHUNK_BITS === generation) {
      Atomics.wait(ctrl, COUNTER, c);
      c = Atomics.load(ctrl, COUNTER);
    }
    generation = c >>> CHUNK_BITS;
    runChunks(ctrl, exports, init.id, generation);
  }
}

const nodeThreads = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');
if (nodeThreads?.workerData) serve(nodeThreads.workerData as WorkerInit);
else (globalThis as unknown as { onmessage: (e: { data: WorkerInit }) => void }).onmessage = (e) => serve(e.data);
