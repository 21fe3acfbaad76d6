import type { Callback, Logs } from './callbacks.js';

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

  setParams(params: Record<string, unknown>): void {
    this.params = params;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}
