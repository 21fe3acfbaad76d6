import type { Callback, Logs } from './callbacks.js';
import { progressBarFactory, type ProgressBar } from './progress-bar.js';

/** The figures of a log line: loss and metrics (a batch's index and size are not figures). */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs).filter(([k]) => k !== 'batch' && k !== 'size').map(([k, v]) => `${k}: ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3)}`).join(' - ');
}

/**
 * Reports training: in a terminal, a live bar per epoch with the running
 * loss and metrics and an ETA (see progress-bar.ts: cli-progress in Node,
 * loaded lazily; whatever `setProgressBarFactory` installed); elsewhere, or
 * without a bar, one line per epoch.
 */
export class ProgressLogger implements Callback {
  private epochs = 0;
  private steps = 0;
  private bar: ProgressBar | null = null;
  private started = 0;
  private readonly tty: boolean;

  constructor(private readonly write: (line: string) => void = (l) => console.log(l)) {
    const out = (globalThis as { process?: { stdout?: { isTTY?: boolean } } }).process?.stdout;
    this.tty = Boolean(out?.isTTY);
  }

  setParams(params: Record<string, unknown>): void {
    this.epochs = Number(params['epochs']);
    this.steps = Number(params['steps']);
  }

  async onEpochBegin(epoch: number): Promise<void> {
    this.started = performance.now();
    const factory = await progressBarFactory(this.tty);
    if (!factory) return;
    this.bar = factory(`Epoch ${epoch + 1}/${this.epochs} [{bar}] {value}/{total} - ETA {eta_formatted} - {metrics}`);
    this.bar.start(this.steps, 0, { metrics: '' });
  }

  onBatchEnd(batch: number, logs: Logs = {}): void {
    this.bar?.update(batch + 1, { metrics: formatLogs(logs) });
  }

  /** Prints a warning on its own line ("Warning: ..."). */
  onWarning(message: string): void {
    this.stopBar();
    this.write(`Warning: ${message}`);
  }

  /** Stops the live bar (and so shows the cursor again) when fit ends with an error. */
  onTrainError(): void {
    this.stopBar();
  }

  private stopBar(): void {
    this.bar?.stop();
    this.bar = null;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(2);
    if (this.bar) {
      this.bar.update(this.steps, { metrics: `${seconds}s - ${formatLogs(logs)}` });
      this.bar.stop();
      this.bar = null;
    } else {
      this.write(`Epoch ${epoch + 1}/${this.epochs} - ${seconds}s - ${formatLogs(logs)}`);
    }
  }
}
