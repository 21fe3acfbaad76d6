// Starts a lab's training worker: the playground's one worker script
// (worker.ts), told which lab's module to load; and the page's controls of it.
import type { LabHost } from './lab.js';

/** A Web Worker running lab `id`'s worker module (its own folder's worker.ts). */
export function startLabWorker(id: string): Worker {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.postMessage({ lab: id });
  return worker;
}

/**
 * The page side of a lab's training: whether it plays, the toolbar's play,
 * pause, step and reset sent to the lab's worker (each worker takes
 * { type: 'play' | 'pause' | 'step' } and its own reset), and training that
 * stopped by itself (a divergence, the worker's error) shown in the toolbar.
 * The methods are bound, so a lab hands them to the shell as they are.
 */
export class TrainingControls {
  /** Whether the lab is training (as the shell's play button shows it). */
  playing = false;

  constructor(
    private readonly host: LabHost,
    private readonly worker: Worker,
    /** Starts a new network from the lab's current set-up, training if `play`. */
    private readonly restart: (play: boolean) => void,
  ) {
    worker.onerror = (e) => host.message(`The training worker failed: ${e.message}`);
  }

  readonly play = (): void => {
    this.playing = true;
    this.worker.postMessage({ type: 'play' });
  };

  /** Pauses (also what closing the lab does). */
  readonly pause = (): void => {
    this.playing = false;
    this.worker.postMessage({ type: 'pause' });
  };

  /** Trains one unit (an epoch, a step), then pauses. */
  readonly step = (): void => {
    this.playing = false;
    this.worker.postMessage({ type: 'step' });
  };

  /** Starts again from the current set-up, paused. */
  readonly reset = (): void => {
    this.playing = false;
    this.restart(false);
  };

  /** The set-up changed: a new network, training if the old one was. */
  changed(): void {
    this.restart(this.playing);
  }

  /** Training stopped by itself: the play button follows, and `message` (why) shows in the toolbar. */
  stopped(message?: string): void {
    this.playing = false;
    this.host.setPlaying(false);
    if (message !== undefined) this.host.message(message);
  }

  /** The worker reported an error: training stops and the error shows. */
  failed(message: string): void {
    this.stopped(`Error: ${message}`);
    console.error(message);
  }
}
