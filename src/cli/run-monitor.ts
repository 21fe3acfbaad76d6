// What `nabla train` watches during fit: signals (Ctrl-C, SIGTERM) turned into
// a stop after the current batch, an atomic checkpoint of every completed
// epoch (model.nabla, model-best.nabla by validation loss, history.json), and
// the first and last losses for spotting a run that learned nothing.
import type * as nb from '../index.js';
import { saveModelFile, writeFileAtomic } from './run-folder.js';

/** The signal received during the run, if any (set by the CLI's handler). */
export interface SignalState {
  received: NodeJS.Signals | undefined;
}

export const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/**
 * Shows the cursor and turns line wrapping back on (a progress bar hides the
 * one and turns off the other; a run stopped mid-bar must not leave the
 * terminal that way).
 */
export function restoreTerminal(): void {
  if (process.stdout.isTTY) process.stdout.write('\x1b[?25h\x1b[?7h');
}

/** A fit callback: checkpoints each completed epoch and stops training after the batch in which a signal arrived. */
export class RunMonitor implements nb.Callback {
  private callbackModel: { stopTraining: boolean } | null = null;
  /** Batches per epoch. */
  steps = 0;
  /** The current (or last) epoch and batch, from 0. */
  epoch = -1;
  batch = -1;
  inEpoch = false;
  completedEpochs = 0;
  firstLoss: number | undefined;
  lastLoss: number | undefined;
  bestValLoss = Infinity;
  bestEpoch = -1;
  /** Logged values of each completed epoch (an epoch cut short by a signal is not recorded). */
  readonly history: Record<string, number[]> = {};
  private readonly epochs: number[] = [];
  private params: Record<string, unknown> = {};
  /** The files written so far. */
  readonly files = new Set<string>();

  constructor(
    private readonly model: nb.Sequential,
    private readonly dir: string,
    private readonly signals: SignalState,
  ) {}

  setModel(model: { stopTraining: boolean }): void {
    this.callbackModel = model;
  }

  setParams(params: Record<string, unknown>): void {
    this.params = params;
    this.steps = Number(params['steps']);
  }

  private checkSignal(): void {
    if (this.signals.received && this.callbackModel) this.callbackModel.stopTraining = true;
  }

  onTrainBegin(): void {
    this.checkSignal();
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.batch = -1;
    this.inEpoch = true;
  }

  async onBatchEnd(batch: number, logs: nb.Logs = {}): Promise<void> {
    this.batch = batch;
    if (this.firstLoss === undefined && typeof logs['loss'] === 'number') this.firstLoss = logs['loss'];
    // let a pending signal handler run now, so training stops after this batch
    await new Promise((resolve) => setImmediate(resolve));
    this.checkSignal();
  }

  async onEpochEnd(epoch: number, logs: nb.Logs = {}): Promise<void> {
    this.inEpoch = false;
    if (this.batch + 1 < this.steps) return; // cut short by a signal: not a whole epoch
    this.epochs.push(epoch);
    for (const [key, v] of Object.entries(logs)) (this.history[key] ??= []).push(v);
    this.completedEpochs = this.epochs.length;
    if (typeof logs['loss'] === 'number') this.lastLoss = logs['loss'];
    await saveModelFile(this.model, `${this.dir}/model.nabla`);
    this.files.add('model.nabla');
    const v = logs['val_loss'];
    if (typeof v === 'number' && Number.isFinite(v) && v < this.bestValLoss) {
      this.bestValLoss = v;
      this.bestEpoch = epoch;
      await saveModelFile(this.model, `${this.dir}/model-best.nabla`);
      this.files.add('model-best.nabla');
    }
    writeFileAtomic(`${this.dir}/history.json`, this.historyJSON());
    this.files.add('history.json');
    this.checkSignal();
  }

  /** history.json: { epoch, history, params } as Keras's History has them, numbers as numbers (a non-finite value as null). */
  historyJSON(): string {
    return JSON.stringify({ epoch: this.epochs, history: this.history, params: this.params }, null, 2);
  }
}
