import type { Callback, Logs } from './callbacks.js';

/** diagnosis() reports growth of the epoch loss beyond this factor of the starting loss. */
const EXPLOSION_FACTOR = 100;

/**
 * What fit returns: for each logged quantity (loss, accuracy, val_loss, ...)
 * its value at the end of every epoch, as in Keras: `history.history.loss`.
 */
export class History implements Callback {
  /** Values per epoch, by name. */
  readonly history: Record<string, number[]> = {};
  /** The epoch numbers (from 0). */
  readonly epoch: number[] = [];
  /** The training parameters (epochs, steps, samples, ...). */
  params: Record<string, unknown> = {};
  /** Warnings fit raised that did not stop training, such as a non-finite val_loss, one line each. */
  readonly warnings: string[] = [];
  /** The loss of the run's first batch, computed with the weights training started from (NaN before it). */
  startLoss = NaN;

  setParams(params: Record<string, unknown>): void {
    this.params = params;
  }

  onBatchEnd(_batch: number, logs: Logs = {}): void {
    if (Number.isNaN(this.startLoss) && logs['loss'] !== undefined) this.startLoss = logs['loss'];
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }

  onWarning(message: string): void {
    this.warnings.push(message);
  }

  /**
   * A one-line diagnosis when the training loss says the run diverged, or
   * null when it does not. With L₀ the loss of the first batch (before any
   * update) and L the last epoch's mean loss, it reports:
   *  - L ≥ L₀ after two epochs or more: the loss did not fall below where it
   *    started (one epoch's mean includes L₀ itself, so it is not judged);
   *  - some epoch's loss ≥ 100·L₀: it grew by two orders of magnitude or more;
   * both with the advice to try a smaller learning rate. Null when there is
   * no completed epoch. A heuristic: a run resumed from weights that had
   * already converged can also end at its starting loss.
   */
  diagnosis(): string | null {
    const losses = this.history['loss'];
    const start = this.startLoss;
    if (!losses || losses.length === 0 || !Number.isFinite(start)) return null;
    const last = losses[losses.length - 1]!;
    const peak = Math.max(...losses);
    const fmt = (v: number) => ((Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6) || v === 0 ? v.toFixed(4) : v.toExponential(3));
    const advice = 'try a smaller learning rate (10 times smaller, say)';
    if (losses.length >= 2 && last >= start) {
      return `The training loss did not fall: it was ${fmt(start)} on the first batch and ${fmt(last)} in the last epoch (after ${losses.length} epochs); the training diverged or did not learn: ${advice}.`;
    }
    if (start > 0 && peak >= EXPLOSION_FACTOR * start) {
      return `The training loss exploded: it was ${fmt(start)} on the first batch and reached ${fmt(peak)} (an epoch's mean) before ending at ${fmt(last)}; the training is unstable: ${advice}.`;
    }
    return null;
  }
}
