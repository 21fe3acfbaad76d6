// nb.callbacks.parameterPath: the trainable parameters recorded during fit,
// the training path θ_0, θ_1, ... that is drawn on a loss landscape.
import { ArgumentError } from '../core/errors.js';
import { describe } from '../core/describe.js';
import { optionsObject } from '../core/options.js';
import type { Callback, CallbackModel } from '../train/callbacks.js';
import type { Module } from '../nn/module.js';
import type { NamedTensors } from '../train/step.js';
import { ParamSpace } from './space.js';

/** Options of {@link parameterPath}. */
export interface ParameterPathArgs {
  /** Record after every epoch (default), after every batch, or after every n batches (optimiser steps). */
  every?: 'epoch' | 'batch' | number;
}

/**
 * A recorded training path: the trainable parameters θ_t at the start of
 * training and then every epoch, batch or n batches, each a flat Float32Array
 * copy (the parameters of `names` one after the other, row-major), with the
 * number of optimiser steps taken when it was recorded. The last point is
 * always the weights fit ended with. Several fits with the same callback
 * continue one path. Use it as a callback of fit, or call `record` yourself.
 */
export class ParameterPath implements Callback {
  readonly every: 'epoch' | 'batch' | number;
  /** The recorded points θ_t, flat, in the order of `names`. */
  readonly points: Float32Array[] = [];
  /** Optimiser steps (batches) taken when each point was recorded: 0 for the start. */
  readonly steps: number[] = [];
  /** The epoch of each point, steps / (batches per epoch): 0 at the start, 1 after the first epoch, fractions between. */
  readonly epochs: number[] = [];
  private space: ParamSpace | null = null;
  private model: Module | null = null;
  private step = 0;
  private perEpoch = 1;

  constructor(args: ParameterPathArgs = {}) {
    const o = optionsObject('parameterPath', args);
    const every = o.every ?? 'epoch';
    if (every !== 'epoch' && every !== 'batch' && !(typeof every === 'number' && Number.isInteger(every) && every >= 1)) {
      throw new ArgumentError(`parameterPath: every must be 'epoch', 'batch' or a whole number of batches ≥ 1, got ${describe(every)}`);
    }
    this.every = every;
  }

  /** The trainable parameters' names, in the order of each point (known after the first record). */
  get names(): readonly string[] {
    return this.space?.names ?? [];
  }

  /** The layout of the points (names, shapes, offsets); null before the first record. */
  get layout(): ParamSpace | null {
    return this.space;
  }

  /** The number of recorded points. */
  get length(): number {
    return this.points.length;
  }

  /** Point i as tensors by name (negative i counts from the end). */
  at(i: number): NamedTensors {
    const j = i < 0 ? this.points.length + i : i;
    if (!Number.isInteger(j) || j < 0 || j >= this.points.length)
      throw new ArgumentError(`ParameterPath.at: index ${i} is outside the ${this.points.length} recorded points`);
    return this.space!.unflatten(this.points[j]!);
  }

  /**
   * Appends θ (tensors by name) to the path, at `step` optimiser steps
   * (default: one after the last point). The first record fixes the names
   * and shapes; later ones are checked against them.
   */
  record(params: NamedTensors, step?: number): void {
    if (this.space === null) {
      if (params === null || typeof params !== 'object')
        throw new ArgumentError(`ParameterPath.record: params must be an object of tensors by parameter name, got ${describe(params)}`);
      this.space = ParamSpace.of(Object.keys(params), params);
    }
    const s = step ?? (this.steps.length === 0 ? 0 : this.steps[this.steps.length - 1]! + 1);
    this.points.push(Float32Array.from(this.space.flatten('ParameterPath.record', 'params', params)));
    this.steps.push(s);
    this.epochs.push(s / this.perEpoch);
  }

  setModel(model: CallbackModel): void {
    const m = model as unknown as Module;
    if (typeof m.namedParameters !== 'function')
      throw new ArgumentError('parameterPath: the model has no namedParameters(), so its parameters cannot be recorded');
    this.model = m;
  }

  setParams(params: Record<string, unknown>): void {
    if (typeof params.steps === 'number' && params.steps > 0) this.perEpoch = params.steps;
  }

  onTrainBegin(): void {
    if (this.steps.length === 0 || this.steps[this.steps.length - 1] !== this.step) this.capture();
  }

  onBatchEnd(): void {
    this.step++;
    if (this.every === 'batch' || (typeof this.every === 'number' && this.step % this.every === 0)) this.capture();
  }

  onEpochEnd(): void {
    if (this.every === 'epoch') this.capture();
  }

  onTrainEnd(): void {
    if (this.steps[this.steps.length - 1] !== this.step) this.capture();
  }

  private capture(): void {
    if (!this.model) return;
    const params = Object.fromEntries(
      this.model
        .namedParameters()
        .filter(([, v]) => v.trainable)
        .map(([k, v]) => [k, v.value]),
    );
    this.record(params, this.step);
  }
}

/**
 * A callback for fit that records the training path: the trainable
 * parameters at the start and after every epoch (`every: 'epoch'`, the
 * default), every batch, or every n batches; see {@link ParameterPath}.
 *
 *     const path = nb.callbacks.parameterPath({ every: 'batch' });
 *     await model.fit(x, y, { epochs: 5, callbacks: [path] });
 *     const plane = nb.landscape(model, x, y, { directions: 'pca', path });
 *     const track = nb.projectPath(path, plane);   // (α_t, β_t), J(θ_t), residuals
 */
export function parameterPath(args: ParameterPathArgs = {}): ParameterPath {
  return new ParameterPath(args);
}
