import { optionsObject } from '../core/options.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** The numbers a training step or epoch reports: loss, metrics, val_ versions. */
export type Logs = Record<string, number>;

/** What a model exposes to its callbacks. */
export interface CallbackModel {
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(weights: readonly Tensor[]): void;
}

/**
 * Hooks into training; every method is optional and may return a promise.
 * `params` holds epochs, steps (batches per epoch), samples and verbose.
 */
export interface Callback {
  setModel?(model: CallbackModel): void;
  setParams?(params: Record<string, unknown>): void;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
  /**
   * Something the caller should know that does not stop training, such as a
   * non-finite val_loss; called after the epoch's onEpochEnd. History keeps
   * these in `warnings`, ProgressLogger prints them.
   */
  onWarning?(message: string): void | Promise<void>;
  /** fit is ending with an error (a DivergenceError, say); onTrainEnd will not be called. */
  onTrainError?(error: unknown): void | Promise<void>;
}

/** Calls one hook on every callback in order, awaiting each. */
export async function fire<K extends 'onTrainBegin' | 'onTrainEnd'>(cbs: readonly Callback[], hook: K, logs: Logs): Promise<void>;
export async function fire<K extends 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd'>(
  cbs: readonly Callback[],
  hook: K,
  index: number,
  logs: Logs,
): Promise<void>;
export async function fire(cbs: readonly Callback[], hook: 'onWarning', message: string): Promise<void>;
export async function fire(cbs: readonly Callback[], hook: 'onTrainError', error: unknown): Promise<void>;
export async function fire(cbs: readonly Callback[], hook: keyof Callback, a: unknown, b?: unknown): Promise<void> {
  for (const cb of cbs) {
    const f = cb[hook] as ((...args: unknown[]) => unknown) | undefined;
    if (f) await f.call(cb, a, b);
  }
}

/** Options of earlyStopping. */
export interface EarlyStoppingArgs {
  /** The logged quantity to watch; 'val_loss' by default. */
  monitor?: string;
  /** The smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before training stops. Default 0. */
  patience?: number;
  /** 'min', 'max', or 'auto' (max for accuracy-like names, min otherwise). */
  mode?: 'auto' | 'min' | 'max';
  /** At the end, put back the weights of the best epoch. Default false. */
  restoreBestWeights?: boolean;
}

/** Stops training when `monitor` has not improved for `patience` epochs (Keras's EarlyStopping). */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  private readonly sign: number;
  private model: CallbackModel | null = null;
  private best = Infinity;
  private wait = 0;
  private bestWeights: Tensor[] | null = null;
  /** The epoch at which training was stopped, or −1. */
  stoppedEpoch = -1;
  /** The epoch with the best monitored value. */
  bestEpoch = -1;

  constructor(options: EarlyStoppingArgs = {}) {
    const args = optionsObject('earlyStopping', options);
    if (args.monitor !== undefined && typeof args.monitor !== 'string')
      throw new ArgumentError(`earlyStopping: monitor must be a metric name such as 'val_loss', got ${describe(args.monitor)}`);
    if (args.minDelta !== undefined && (typeof args.minDelta !== 'number' || !Number.isFinite(args.minDelta)))
      throw new ArgumentError(`earlyStopping: minDelta must be a finite number, got ${describe(args.minDelta)}`);
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0)
      throw new ArgumentError(`earlyStopping: patience must be a non-negative integer, got ${describe(args.patience)}`);
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    const mode = args.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw new ArgumentError(`earlyStopping: mode must be 'auto', 'min' or 'max', got ${describe(mode)}`);
    const max = mode === 'max' || (mode === 'auto' && /acc|precision|recall|f1|auc/.test(this.monitor));
    this.sign = max ? -1 : 1; // compare sign·value, smaller is better
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = Infinity;
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.bestEpoch = -1;
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new ArgumentError(
        `earlyStopping: the monitored quantity '${this.monitor}' is not in the logs (${Object.keys(logs).join(', ')}); a val_ metric needs validationSplit or validationData`,
      );
    }
    const v = this.sign * value;
    if (v < this.best - this.minDelta) {
      this.best = v;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights && this.model) this.bestWeights = this.model.getWeights();
      return;
    }
    this.wait++;
    if (this.wait > this.patience && this.model) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights && this.model) this.model.setWeights(this.bestWeights);
  }
}

/** Stops training when `monitor` stops improving. */
export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}
