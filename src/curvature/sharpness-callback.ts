/** A training callback that tracks the sharpness λ_max of the loss during fit. */
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { optionsObject } from '../core/options.js';
import type { TensorLike } from '../ops/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Callback, CallbackModel } from '../train/callbacks.js';
import type { TrainableModel } from '../train/step.js';
import type { LossFunction } from '../losses/index.js';
import { dataTensors, modelHessianEigs } from './eigs.js';

/** Options of nb.callbacks.sharpness. */
export interface SharpnessCallbackArgs {
  /** The inputs the loss is measured on (a fixed batch; the Hessian is of the loss on these). */
  x: TensorLike;
  /** Their targets. */
  y: TensorLike;
  /** Record every this many epochs (or batches, with unit: 'batch'); default 1. */
  every?: number;
  /** Count `every` in 'epoch's (default) or 'batch'es (optimiser steps). */
  unit?: 'epoch' | 'batch';
  /** How many top eigenvalues to record (default 1: λ_max only). */
  k?: number;
  /** Also record at the start of training, before the first step (default true). */
  atStart?: boolean;
  /**
   * η, when the model's optimiser does not say (a custom training loop):
   * by default each record takes the compiled optimiser's current rate.
   */
  learningRate?: number;
  /** The loss, when the model was compiled without one. */
  loss?: string | LossFunction;
  /** Lanczos's options (see nb.linalg.hessianEigs); the seed is the same at every record. */
  maxIterations?: number;
  tol?: number;
  seed?: number;
}

/** One measurement of the sharpness. */
export interface SharpnessRecord {
  /** Epochs completed when it was taken (0: before training). */
  epoch: number;
  /** Optimiser steps (batches) completed when it was taken. */
  step: number;
  /** λ_max, the largest eigenvalue of the loss's Hessian. */
  sharpness: number;
  /** The top-k eigenvalues, largest first (values[0] = sharpness). */
  values: number[];
  /** The learning rate η the next step uses (NaN when unknown). */
  learningRate: number;
  /** 2/η, the largest λ_max at which gradient descent is stable (Infinity when η = 0, NaN when unknown). */
  threshold: number;
  /** Whether Lanczos met its tolerance. */
  converged: boolean;
}

const KEYS = ['x', 'y', 'every', 'unit', 'k', 'atStart', 'learningRate', 'loss', 'maxIterations', 'tol', 'seed'];

/**
 * Tracks the sharpness during fit: every `every` epochs (or batches) it
 * computes λ_max (and the top k eigenvalues) of the Hessian of the loss on
 * (x, y) at the current weights (nb.modelHessianEigs) and the learning rate
 * η, kept in `records`. Plain gradient descent is stable along the top
 * eigenvector only while λ_max < 2/η; draw both with nb.viz.sharpnessChart.
 */
export class SharpnessTracker implements Callback {
  /** The measurements, in order. */
  readonly records: SharpnessRecord[] = [];
  readonly every: number;
  readonly unit: 'epoch' | 'batch';
  private readonly args: SharpnessCallbackArgs;
  private readonly x: Tensor;
  private readonly y: Tensor;
  private model: CallbackModel | null = null;
  private epoch = 0;
  private step = 0;

  constructor(args: SharpnessCallbackArgs) {
    const op = 'callbacks.sharpness';
    const a = optionsObject(op, args, 'options { x, y, every?, unit?, k? }', true);
    for (const key of Object.keys(a)) if (!KEYS.includes(key)) throw new ArgumentError(`${op}: unknown option '${key}' (expected ${KEYS.join(', ')})`);
    [this.x, this.y] = dataTensors(op, a.x, a.y);
    this.every = a.every ?? 1;
    if (!Number.isInteger(this.every) || this.every < 1) throw new ArgumentError(`${op}: every must be a positive integer, got ${describe(a.every)}`);
    this.unit = a.unit ?? 'epoch';
    if (this.unit !== 'epoch' && this.unit !== 'batch') throw new ArgumentError(`${op}: unit must be 'epoch' or 'batch', got ${describe(a.unit)}`);
    if (a.k !== undefined && (!Number.isInteger(a.k) || a.k < 1)) throw new ArgumentError(`${op}: k must be a positive integer, got ${describe(a.k)}`);
    if (a.learningRate !== undefined && !(typeof a.learningRate === 'number' && a.learningRate >= 0 && Number.isFinite(a.learningRate))) {
      throw new ArgumentError(`${op}: learningRate must be a finite number >= 0, got ${describe(a.learningRate)}`);
    }
    this.args = a;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.records.length = 0;
    this.epoch = 0;
    this.step = 0;
    if (this.args.atStart !== false) this.record();
  }

  onBatchEnd(): void {
    this.step++;
    if (this.unit === 'batch' && this.step % this.every === 0) this.record();
  }

  onEpochEnd(epoch: number): void {
    this.epoch = epoch + 1;
    if (this.unit === 'epoch' && this.epoch % this.every === 0) this.record();
  }

  /** η: the option, or the model's optimiser's current rate, or NaN. */
  private learningRate(): number {
    if (this.args.learningRate !== undefined) return this.args.learningRate;
    const opt = (this.model as { optimizer?: { getLearningRate?(): number } | null } | null)?.optimizer;
    return typeof opt?.getLearningRate === 'function' ? opt.getLearningRate() : NaN;
  }

  /** Measures now and appends a record (also callable by hand, in a custom training loop). */
  record(): SharpnessRecord {
    if (!this.model) throw new ArgumentError('callbacks.sharpness: no model yet; pass the callback to fit (or call setModel)');
    const { k, loss, maxIterations, tol, seed } = this.args;
    const r = modelHessianEigs(this.model as unknown as TrainableModel, this.x, this.y, {
      ...(k !== undefined && { k }),
      ...(loss !== undefined && { loss }),
      ...(maxIterations !== undefined && { maxIterations }),
      ...(tol !== undefined && { tol }),
      ...(seed !== undefined && { seed }),
    });
    const eta = this.learningRate();
    const rec: SharpnessRecord = {
      epoch: this.epoch,
      step: this.step,
      sharpness: r.values[0]!,
      values: r.values,
      learningRate: eta,
      threshold: eta > 0 ? 2 / eta : eta === 0 ? Infinity : NaN,
      converged: r.converged,
    };
    this.records.push(rec);
    return rec;
  }
}

/**
 * A callback recording the sharpness λ_max of the loss on (x, y) and the
 * learning rate η every `every` epochs (or batches), for nb.viz.sharpnessChart:
 *
 * ```ts
 * const tracker = nb.callbacks.sharpness({ x, y, every: 1 });
 * await model.fit(x, y, { epochs: 50, callbacks: [tracker] });
 * writeFileSync('sharpness.svg', nb.viz.sharpnessChart(tracker.records));
 * ```
 */
export function sharpnessCallback(args: SharpnessCallbackArgs): SharpnessTracker {
  return new SharpnessTracker(args);
}
