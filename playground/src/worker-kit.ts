// What every lab's training worker needs: nabla ready (on several threads
// when the page is cross-origin isolated), the engine report, and a macrotask
// to yield between training slices.
import * as nb from 'nabla';
import type { EngineInfo } from './lab.js';

/** The most threads a lab's worker asks for: the playground's networks are small, and several labs' workers may be alive at once. */
export const MAX_THREADS = 4;

/**
 * Waits for nabla's backend and its threads: in a cross-origin isolated page
 * the wasm backend gets min(cores, MAX_THREADS) threads (nabla starts its pool
 * workers from this worker; it splits only products big enough to pay, each
 * element computed by one thread the same way, so seeded training gives the
 * same numbers on any thread count), elsewhere one. Returns what the status
 * line shows: the threads that actually run.
 */
export async function startEngine(): Promise<EngineInfo> {
  await nb.ready();
  const isolated = self.crossOriginIsolated;
  nb.setThreads(isolated ? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, MAX_THREADS)) : 1);
  await nb.ready();
  return { backend: nb.getBackend(), threads: nb.getThreads(), isolated };
}

const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

/** Resolves on the next macrotask (a MessageChannel message: not clamped like nested setTimeout), so commands from the page get in between training slices. */
export const nextTask = () =>
  new Promise<void>((ok) => {
    waiting.push(ok);
    channel.port2.postMessage(null);
  });

/**
 * The play loop of a lab's training worker: while playing, it trains in
 * slices of about `sliceMs` (one `step` after another; `step` returns false
 * when training cannot go on, e.g. it diverged, which pauses), posts a
 * snapshot at most every `snapshotMs` and always when it stops, and yields a
 * macrotask between slices so the page's commands get in.
 */
export class PlayLoop {
  /** Whether training runs (a snapshot reports it). */
  running = false;
  private looping = false;
  private lastPost = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly step: () => boolean,
    private readonly snapshot: () => void,
    private readonly sliceMs = 25,
    private readonly snapshotMs = 33,
  ) {}

  /** Posts a snapshot now. */
  post(): void {
    this.snapshot();
    this.lastPost = performance.now();
  }

  /** After a reset: posts the first snapshot, then plays if asked to. */
  start(play: boolean): void {
    this.running = play;
    this.post();
    if (play) void this.loop();
  }

  play(): void {
    this.running = true;
    void this.loop();
  }

  /** Stops training and posts where it stopped. */
  pause(): void {
    this.running = false;
    this.post();
  }

  private async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      while (this.running) {
        const t0 = performance.now();
        let more = true;
        do more = this.step();
        while (more && performance.now() - t0 < this.sliceMs);
        if (!more) this.running = false;
        if (!this.running || performance.now() - this.lastPost >= this.snapshotMs) this.post();
        await nextTask();
      }
    } finally {
      this.looping = false;
    }
  }
}

/**
 * Runs the page's commands one at a time, in order (an async one, such as a
 * reset that loads data, finishes before the next starts), after `ready`; a
 * command that throws calls `fail` with its error.
 */
export function serveCommands<M>(handle: (m: M) => void | Promise<void>, fail: (err: Error) => void, ready: Promise<unknown> = Promise.resolve()): void {
  let queue: Promise<unknown> = ready;
  self.onmessage = (e: MessageEvent<M>) => {
    queue = queue.then(async () => {
      try {
        await handle(e.data);
      } catch (err) {
        fail(err as Error);
      }
    });
  };
}
