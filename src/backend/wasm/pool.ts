import { nodeBuiltin } from '../../core/platform.js';
import { ACTIVE, ARGS, CHUNK_BITS, CHUNK_MASK, CONTROL_INTS, COUNTER, FINISHED, GATE, GATE_OPEN, KIND, READY, SPIN_MS, TOTAL, runChunks } from './control.js';
import type { Runtime } from './runtime.js';

/** How long the main thread spins for the other participants' last chunks before it sleeps. */
const WAIT_SPIN_MS = 2;

interface PoolWorker { terminate(): unknown }

type Global = {
  Worker?: new (url: URL, opts: { type: 'module' }) => { postMessage(m: unknown): void; terminate(): void };
  crossOriginIsolated?: boolean;
  WorkerGlobalScope?: unknown;
};
const g = globalThis as Global;

function nodeThreads(): typeof import('node:worker_threads') | null {
  return nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads') ?? null;
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
const canBlock = nodeBuiltin('node:os') !== undefined || g.WorkerGlobalScope !== undefined;

/** The number of cores, the default thread count. */
export function defaultThreads(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>('node:os');
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
  /** Participants in use: the main thread and workers 1 .. active − 1. */
  private active = 1;
  private generation = 0;
  /** When the last task finished (performance.now()). */
  private lastEnd = -Infinity;

  constructor(private readonly runtime: Runtime) {
    // without shared memory there are no workers, and an ordinary buffer serves the main thread alone
    const bytes = CONTROL_INTS * 4;
    this.ctrl = new Int32Array(runtime.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.ctrl[ACTIVE] = 1;
  }

  /** Participants, the main thread included. */
  get size(): number {
    return this.active;
  }

  /** Workers that have started (and take chunks when active). */
  get ready(): number {
    return Math.min(Atomics.load(this.ctrl, READY), this.active - 1);
  }

  /**
   * Resizes the pool to `threads` participants (threads − 1 workers); 1 means no workers.
   * Workers beyond the size are parked rather than terminated: they take no chunks (their
   * id is at least ACTIVE) and sleep, and a later resize takes them back at once. (A
   * terminated worker dies asynchronously: it could still claim a chunk of the next task
   * and die in the middle of it.)
   */
  resize(threads: number): number {
    const want = this.runtime.shared ? Math.max(1, threads) : 1;
    while (this.workers.length < want - 1) {
      const w = startWorker(this.runtime, this.ctrl.buffer as SharedArrayBuffer, this.workers.length + 1);
      if (!w) break; // no worker threads here: fewer threads
      this.workers.push(w);
    }
    this.active = Math.min(want, this.workers.length + 1);
    Atomics.store(this.ctrl, ACTIVE, this.active);
    return this.size;
  }

  /**
   * Runs `total` chunks of a task of `kind` with int32 `args` on all
   * participants, and returns when all are finished. `meanwhile` runs on the
   * calling thread after the task is posted and before it takes chunks (work
   * that overlaps the workers' chunks). With `gated`, chunks that check the
   * gate wait until `meanwhile` opens it far enough (`open`); it is opened
   * fully when `meanwhile` returns or throws, so the task always completes.
   */
  run(kind: number, total: number, args: readonly number[], meanwhile?: () => void, gated = false): void {
    if (total >= CHUNK_MASK) throw new Error(`thread pool: ${total} chunks, at most ${CHUNK_MASK - 1}`);
    const ctrl = this.ctrl;
    // close the previous task first: a participant still inside runChunks for it, between reading
    // the counter and claiming a chunk, then fails its claim instead of taking a chunk of this
    // task under the old generation (the closed counter's chunk index exceeds any total)
    Atomics.store(ctrl, COUNTER, (this.generation << CHUNK_BITS) | CHUNK_MASK);
    ctrl[KIND] = kind;
    for (let i = 0; i < args.length; i++) ctrl[ARGS + i] = args[i]!;
    Atomics.store(ctrl, TOTAL, total);
    Atomics.store(ctrl, FINISHED, 0);
    Atomics.store(ctrl, GATE, gated ? 0 : GATE_OPEN);
    this.generation = (this.generation + 1) & ((1 << (31 - CHUNK_BITS)) - 1);
    Atomics.store(ctrl, COUNTER, this.generation << CHUNK_BITS); // publishes the task
    Atomics.notify(ctrl, COUNTER);
    let failed = false, failure: unknown;
    if (meanwhile) {
      try {
        meanwhile();
      } catch (e) {
        failed = true;
        failure = e;
      }
      Atomics.store(ctrl, GATE, GATE_OPEN);
    }
    runChunks(ctrl, this.runtime.exports, 0, this.generation);
    // the other participants are finishing their last chunks: spin (a sleeping thread is woken
    // tens of microseconds late), then sleep in steps of 1 ms
    let f = Atomics.load(ctrl, FINISHED);
    if (f < total) {
      const spinUntil = performance.now() + WAIT_SPIN_MS;
      for (; f < total; f = Atomics.load(ctrl, FINISHED)) {
        if (canBlock && performance.now() > spinUntil) Atomics.wait(ctrl, FINISHED, f, 1);
      }
    }
    this.lastEnd = performance.now();
    if (failed) throw failure;
  }

  /** Lets the chunks of a gated task that need at most `rows` rows start. */
  open(rows: number): void {
    Atomics.store(this.ctrl, GATE, rows);
  }

  /**
   * True when the workers have started and their last task ended less than a spin time ago:
   * they are spinning and answer a new task at once. (Products on the calling thread alone do
   * not count: the workers spin only after a task of their own, and waking one costs ~50 µs.)
   */
  hot(): boolean {
    return this.active > 1 && this.ready === this.active - 1 && performance.now() - this.lastEnd < SPIN_MS * 0.75;
  }
}
