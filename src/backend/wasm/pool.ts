import { nodeBuiltin } from '../../core/platform.js';
import {
  ACTIVE,
  ARGS,
  CHUNK_BITS,
  CHUNK_MASK,
  CONTROL_INTS,
  COUNTER,
  FINISHED,
  GATE,
  GATE_OPEN,
  KIND,
  LAYOUT,
  MAX_WORKERS,
  READY_FLAGS,
  SGEMM_PACK_B,
  SPIN_MS,
  TOTAL,
  WORKER_CHUNKS,
  runChunks,
} from './control.js';
import type { Runtime } from './runtime.js';
import { workerSource, type WorkerInit, type WorkerReport } from './worker.js';

/** How long the main thread spins for the other participants' last chunks before it sleeps. */
const WAIT_SPIN_MS = 2;

/**
 * @internal How workers are started (tests adjust it).
 * - startTimeoutMs: a worker that has not reported ready after this long (counted while the
 *   calling thread is idle: a worker may need the page's event loop to start) has failed;
 * - source: the worker's source text (tests start broken workers).
 */
export const poolSettings = {
  startTimeoutMs: 10_000,
  source: workerSource,
  /** After a task that the other threads did not speed up, tasks run on the calling thread alone for this long (ms)... */
  backoffMs: 20,
  /** ...doubling after each further such task, up to this (ms); a task that pays resets it. */
  maxBackoffMs: 1000,
  /** A split task "pays" when it takes at most this fraction of its estimated time on the calling thread alone. */
  paysBelow: 0.9,
};

/** A timer handle: a number in browsers, an object with ref/unref in Node. */
type Timer = { ref?(): void; unref?(): void };

/** A started worker: Node's worker_threads.Worker or a Web Worker, seen through what the pool uses. */
interface PoolWorker {
  terminate(): unknown;
}

/** What the pool hears from a worker: its report, or a failure (an error event, an early exit, a message that cannot be read). */
interface WorkerEvents {
  report(r: WorkerReport): void;
  failure(cause: string): void;
}

interface WebWorker {
  postMessage(m: unknown): void;
  terminate(): void;
  onmessage: ((e: { data: WorkerReport }) => void) | null;
  onerror: ((e: { message?: string; preventDefault?(): void }) => void) | null;
  onmessageerror: ((e: unknown) => void) | null;
}

type Global = {
  Worker?: new (url: string) => WebWorker;
  Blob?: typeof Blob;
  URL?: { createObjectURL?(b: Blob): string };
  crossOriginIsolated?: boolean;
  WorkerGlobalScope?: unknown;
};
const g = globalThis as Global;

function nodeThreads(): typeof import('node:worker_threads') | null {
  return nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads') ?? null;
}

/** The Blob URL of the worker source in this page (made once). */
let blobUrl: string | null = null;

/**
 * Starts one worker over the runtime's shared memory from the worker source, in Node
 * (worker_threads, eval) or in a browser (a classic Web Worker from a Blob URL, so no
 * bundler has to know about it); null where neither is possible. Throws when the engine
 * refuses the worker (a Content-Security-Policy without blob: in worker-src).
 */
function startWorker(runtime: Runtime, control: SharedArrayBuffer, id: number, events: WorkerEvents): PoolWorker | null {
  const init: WorkerInit = { module: runtime.module, memory: runtime.memory, control, id };
  const node = nodeThreads();
  if (node) {
    const w = new node.Worker(poolSettings.source(), { eval: true, workerData: init });
    w.unref(); // idle workers never keep the process alive
    w.once('message', (r: WorkerReport) => events.report(r)); // once: a message listener would keep the process alive
    w.on('error', (e: Error) => events.failure(`error: ${e.message}`));
    w.on('exit', (code: number) => events.failure(`it exited with code ${code}`));
    return w;
  }
  if (g.Worker && g.crossOriginIsolated && g.Blob && g.URL?.createObjectURL) {
    blobUrl ??= g.URL.createObjectURL(new g.Blob([poolSettings.source()], { type: 'text/javascript' }));
    const w = new g.Worker(blobUrl);
    w.onmessage = (e) => events.report(e.data);
    w.onerror = (e) => {
      e.preventDefault?.(); // the pool's one warning says it
      events.failure(`error event${e.message ? `: ${e.message}` : ' (the worker script did not load)'}`);
    };
    w.onmessageerror = () => events.failure('it could not read the message that starts it');
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
 *
 * A worker that fails (its start refused, an error event, an exit, or no
 * ready report within `poolSettings.startTimeoutMs`) is reported once with a
 * console warning, and the pool goes on with the main thread alone: `size`
 * is 1 from then on.
 */
export class ThreadPool {
  private readonly ctrl: Int32Array;
  private workers: PoolWorker[] = [];
  /** Participants in use: the main thread and workers 1 .. active − 1. */
  private active = 1;
  private generation = 0;
  /** When the last task finished (performance.now()). */
  private lastEnd = -Infinity;
  /** Why the workers were given up (null while they are fine). */
  private failure: string | null = null;
  /** Ids of started workers that have not reported ready yet. */
  private readonly starting = new Set<number>();
  /** Resolved when no worker is starting any more (see `settled`). */
  private waiters: (() => void)[] = [];
  /** The pending start-timeout check of each starting worker. */
  private readonly timers = new Map<number, Timer>();
  /** @internal Until when (performance.now()) tasks are not split: the last split did not pay (see `contended`). */
  backoffUntil = -Infinity;
  /** @internal Tasks run (split among the participants), since the pool started. */
  tasks = 0;
  /** Split tasks in a row that did not pay: the backoff is backoffMs · 2^strikes. */
  private strikes = 0;
  /** @internal Split tasks that did not pay (the other cores were busy), since the pool started. */
  unpaid = 0;

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

  /** Active workers that have started (and take chunks). */
  get ready(): number {
    let n = 0;
    for (let id = 1; id < this.active; id++) n += Atomics.load(this.ctrl, READY_FLAGS + id);
    return n;
  }

  /** Chunks of tasks the workers have run since the pool started. */
  get workerChunks(): number {
    return Atomics.load(this.ctrl, WORKER_CHUNKS);
  }

  /** Why the pool gave its workers up, or null. */
  get failed(): string | null {
    return this.failure;
  }

  /**
   * Resizes the pool to `threads` participants (threads − 1 workers, at most MAX_WORKERS); 1
   * means no workers. Workers beyond the size are parked rather than terminated: they take
   * no chunks (their id is at least ACTIVE) and sleep, and a later resize takes them back at
   * once. (A terminated worker dies asynchronously: it could still claim a chunk of the next
   * task and die in the middle of it.) After a failure the pool stays at 1.
   */
  resize(threads: number): number {
    const want = this.runtime.shared && !this.failure ? Math.min(Math.max(1, threads), MAX_WORKERS + 1) : 1;
    while (this.workers.length < want - 1 && !this.failure) {
      const id = this.workers.length + 1;
      let w: PoolWorker | null;
      try {
        w = startWorker(this.runtime, this.ctrl.buffer as SharedArrayBuffer, id, {
          report: (r) => ('ready' in r ? this.started(id) : this.fail(r.error)),
          failure: (cause) => this.fail(cause),
        });
      } catch (e) {
        this.fail(`the engine refused to start it: ${(e as Error).message ?? e}`);
        break;
      }
      if (!w) break; // no worker threads here: fewer threads
      this.workers.push(w);
      this.starting.add(id);
      this.watch(id);
    }
    this.active = this.failure ? 1 : Math.min(want, this.workers.length + 1);
    Atomics.store(this.ctrl, ACTIVE, this.active);
    return this.size;
  }

  /**
   * Resolves when every worker started so far has reported ready, or the pool gave its
   * workers up: after it, `size` is the number of threads that really run.
   */
  settled(): Promise<void> {
    if (this.starting.size === 0) return Promise.resolve();
    for (const t of this.timers.values()) t.ref?.();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private started(id: number): void {
    this.starting.delete(id);
    clearTimeout(this.timers.get(id) as unknown as number);
    this.timers.delete(id);
    if (this.starting.size === 0) this.wake();
  }

  private wake(): void {
    for (const t of this.timers.values()) clearTimeout(t as unknown as number);
    this.timers.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /**
   * Fails worker `id` unless it reports ready within startTimeoutMs of idle time: checked
   * every few hundred milliseconds, a late check (the calling thread was busy) counts for
   * at most one period, since a browser may start a worker only when its page is idle.
   */
  private watch(id: number): void {
    const period = Math.min(250, poolSettings.startTimeoutMs);
    let waited = 0,
      last = performance.now();
    const check = () => {
      if (this.failure || !this.starting.has(id)) return;
      if (Atomics.load(this.ctrl, READY_FLAGS + id) === 1) return this.started(id); // its report is on its way
      const now = performance.now();
      waited += Math.min(now - last, 2 * period);
      last = now;
      if (waited >= poolSettings.startTimeoutMs) return this.fail(`it did not report ready within ${poolSettings.startTimeoutMs / 1000} s`);
      arm();
    };
    const arm = () => {
      const t = setTimeout(check, period) as unknown as Timer;
      this.timers.set(id, t);
      if (this.waiters.length === 0) t.unref?.(); // keeps a Node process alive only while it awaits settled()
    };
    arm();
  }

  /** Gives the workers up: one warning, every worker terminated, the main thread alone from now on. */
  private fail(cause: string): void {
    if (this.failure) return;
    this.failure = cause;
    // no task is running (failures arrive as events, between tasks): parked first, no worker takes a chunk again
    this.active = 1;
    Atomics.store(this.ctrl, ACTIVE, 1);
    for (const w of this.workers) w.terminate();
    this.workers = [];
    this.starting.clear();
    console.warn(`nabla: a worker thread of the wasm backend failed (${cause}); nabla continues on one thread.`);
    this.wake();
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
    const t0 = performance.now();
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
    let failed = false,
      failure: unknown;
    if (meanwhile) {
      try {
        meanwhile();
      } catch (e) {
        failed = true;
        failure = e;
      }
      Atomics.store(ctrl, GATE, GATE_OPEN);
    }
    const t1 = performance.now();
    const mine = runChunks(LAYOUT, ctrl, this.runtime.exports, 0, this.generation);
    const t2 = performance.now();
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
    // packing B is a short memory-bound prelude of the product split after it: the product is judged
    this.tasks++;
    if (mine > 0 && kind !== SGEMM_PACK_B) this.judge(t0, t1, t2, this.lastEnd, mine, total);
    if (failed) throw failure;
  }

  /**
   * @internal Whether splitting a task paid. Posted at t0, the calling thread's
   * chunks run from t1 to t2 (`mine` of the `total` chunks), all finished at
   * `end`. On the calling thread alone it would have taken about
   * (t1 − t0) + total · (t2 − t1) / mine (its work before the chunks, then
   * every chunk at the pace it ran its own). A task that took more than
   * `paysBelow` of that (the workers took no chunk, or one of them
   * held a chunk while its core ran another process) starts a backoff: tasks
   * are not split for backoffMs · 2^strikes ms (at most maxBackoffMs), strikes
   * counting the splits in a row that did not pay (reset by one that pays). So a machine whose other cores are busy
   * costs at most one probing task per backoff period.
   */
  judge(t0: number, t1: number, t2: number, end: number, mine: number, total: number): void {
    const alone = t1 - t0 + (total * (t2 - t1)) / mine;
    if (end - t0 <= poolSettings.paysBelow * alone) {
      this.strikes = 0;
      return;
    }
    this.unpaid++;
    this.backoffUntil = end + Math.min(poolSettings.backoffMs * 2 ** this.strikes, poolSettings.maxBackoffMs);
    if (this.strikes < 30) this.strikes++;
  }

  /** True while tasks should run on the calling thread alone: a recent split did not pay (see `judge`). */
  contended(): boolean {
    return this.active > 1 && performance.now() < this.backoffUntil;
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
