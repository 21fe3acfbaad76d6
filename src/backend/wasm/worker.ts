// A worker thread of the wasm backend's pool: it instantiates the kernels over
// the shared memory and runs chunks of the tasks the main thread posts.
import { COUNTER, CHUNK_BITS, READY, SPIN_MS, runChunks } from './control.js';
import { instantiate } from './runtime.js';

interface WorkerInit { module: WebAssembly.Module; memory: WebAssembly.Memory; control: SharedArrayBuffer; id: number }

const threads = (process as unknown as { getBuiltinModule(n: string): typeof import('node:worker_threads') }).getBuiltinModule('node:worker_threads');
const init = threads.workerData as WorkerInit;
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
