import { ARGS, CHUNK_BITS, CONTROL_INTS, COUNTER, FINISHED, KIND, MAX_CHUNKS, READY, TOTAL, runChunks } from './control.js';
import type { Runtime } from './runtime.js';

interface PoolWorker { terminate(): unknown }

type Global = {
  process?: { getBuiltinModule?: (n: string) => unknown };
  Worker?: new (url: URL, opts: { type: 'module' }) => { postMessage(m: unknown): void; terminate(): void };
  crossOriginIsolated?: boolean;
  WorkerGlobalScope?: unknown;
};
const g = globalThis as Global;

function nodeThreads(): typeof import('node:worker_threads') | null {
  return (g.process?.getBuiltinModule?.('node:worker_threads') as typeof import('node:worker_threads') | undefined) ?? null;
}

/** Starts one worker over the runtime's shared memory, in Node or in a browser; null where neither works. */
function startWorker(runtime: Runtime, control: SharedArrayBuffer, id: number): PoolWorker | null {
  const url = new URL('./worker.js', import.meta.url);
  const init = { module: runtime.module, memory: runtime.memory, control, id };
  const node = nodeThreads();
  if (node) {
    const w = new node.Worker(url, { workerData: init });
    w.unref(); // idle workers never keep the process alive
    return w;
  }
  if (g.Worker && g.crossOriginIsolated) {
    const w = new g.Worker(url, { type: 'module' });
    w.postMessage(init);
    return w;
  }
  return null;
}

/** Browsers forbid Atomics.wait on their main thread; Node and workers may block. */
const canBlock = Boolean(g.process?.getBuiltinModule) || g.WorkerGlobalScope !== undefined;

/** The number of cores, the default thread count. */
export function defaultThreads(): number {
  const os = g.process?.getBuiltinModule?.('node:os') as
    | { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
  if (os) return os.availableParallelism?.() ?? os.cpus().length;
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

/**
 * A persistent pool of worker threads over the kernels' shared memory. The
 * main thread is participant 0: it posts a task, runs chunks itself, and
 * waits until every chunk is finished. Workers that have not started yet
 * simply take no chunks, so a task never waits for a slow worker.
 */
export class ThreadPool {
  private readonly ctrl: Int32Array;
  private workers: PoolWorker[] = [];
  private generation = 0;

  constructor(private readonly runtime: Runtime) {
    // without shared memory there are no workers, and an ordinary buffer serves the main thread alone
    const bytes = CONTROL_INTS * 4;
    this.ctrl = new Int32Array(runtime.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  /** Participants, the main thread included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /** Workers that have started and take chunks. */
  get ready(): number {
    return Atomics.load(this.ctrl, READY);
  }

  /** Resizes the pool to `threads` participants (threads − 1 workers); 1 means no workers. */
  resize(threads: number): number {
    const want = this.runtime.shared ? Math.max(1, threads) : 1;
    while (this.workers.length > want - 1) {
      void this.workers.pop()!.terminate();
      Atomics.sub(this.ctrl, READY, 1);
    }
    while (this.workers.length < want - 1) {
      const w = startWorker(this.runtime, this.ctrl.buffer as SharedArrayBuffer, this.workers.length + 1);
      if (!w) break; // no worker threads here: fewer threads
      this.workers.push(w);
    }
    return this.size;
  }

  /**
   * Runs `total` chunks of a task of `kind` with int32 `args` on all
   * participants, and returns when all are finished.
   */
  run(kind: number, total: number, args: readonly number[]): void {
    if (total > MAX_CHUNKS) throw new Error(`thread pool: ${total} chunks exceed ${MAX_CHUNKS}`);
    const ctrl = this.ctrl;
    ctrl[KIND] = kind;
    for (let i = 0; i < args.length; i++) ctrl[ARGS + i] = args[i]!;
    Atomics.store(ctrl, TOTAL, total);
    Atomics.store(ctrl, FINISHED, 0);
    this.generation = (this.generation + 1) & ((1 << (31 - CHUNK_BITS)) - 1);
    Atomics.store(ctrl, COUNTER, this.generation << CHUNK_BITS); // publishes the task
    Atomics.notify(ctrl, COUNTER);
    runChunks(ctrl, this.runtime.exports, 0, this.generation);
    for (let f = Atomics.load(ctrl, FINISHED); f < total; f = Atomics.load(ctrl, FINISHED)) {
      if (canBlock) Atomics.wait(ctrl, FINISHED, f, 1);
    }
  }
}
