import { isFloat } from '../core/dtype.js';
import { ArgumentError, DTypeError } from '../core/errors.js';
import { cast } from '../ops/arithmetic.js';
import { noGrad } from '../ops/stop.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { clipByGlobalNorm, clipByNorm, clipByValue } from './clip.js';
import { pairGradients } from './pairs.js';
import { checkLearningRate, type LearningRate } from './schedules.js';
import { checkOptions, checkPositive, describe } from './validate.js';

/**
 * Gradient clipping applied before every update (Keras `clipnorm`,
 * `clipvalue`, `global_clipnorm`). clipNorm and globalClipNorm exclude each
 * other; clipValue may be combined with either and is applied after it.
 */
export interface ClipOptions {
  /** Rescale each gradient to L2 norm ≤ clipNorm: g ← g · c / max(‖g‖, c). */
  clipNorm?: number;
  /** Limit each gradient element to [−clipValue, clipValue]. */
  clipValue?: number;
  /** Rescale all gradients together to global norm ≤ c: gᵢ ← gᵢ · c / max(√Σ‖gᵢ‖², c). */
  globalClipNorm?: number;
}

/** The options every optimiser accepts. */
export interface OptimizerOptions extends ClipOptions {
  /** A positive number, or a schedule giving the rate of each update from its step (0, 1, 2, …). */
  learningRate?: LearningRate;
}

const commonKeys = ['learningRate', 'clipNorm', 'clipValue', 'globalClipNorm'] as const;

/** The option names of an optimiser: the common ones and its own. */
export function optionKeys(...own: string[]): string[] {
  return [...commonKeys, ...own];
}

/** The per-variable state: the slot tensors (moments, accumulators) and the number of updates applied to it. */
interface VariableState {
  updates: number;
  slots: Record<string, Tensor>;
}

/**
 * The base of every optimiser: per-variable state plus one update rule.
 * `applyGradients` pairs gradients with variables, clips, evaluates the
 * learning rate η for this step and calls the subclass's rule for each
 * variable inside `noGrad`, so updates record no autodiff graph. State is
 * created lazily, the first time a variable is updated, with its shape and
 * dtype (float32 or float64).
 */
export abstract class Optimizer {
  #iterations = 0;
  readonly #state = new Map<Variable, VariableState>();
  /** The learning rate: a fixed number or a schedule of the step. */
  protected readonly learningRate: LearningRate;
  /** The clipping options that were set. */
  protected readonly clipping: Readonly<ClipOptions>;

  /**
   * @param op the factory's name, used in error messages ('adam')
   * @param className the Keras class name stored in getConfig ('Adam')
   * @param opts the options, already checked for unknown keys
   * @param defaultLearningRate the rate when none is given
   */
  protected constructor(
    protected readonly op: string,
    readonly className: string,
    opts: Record<string, unknown>,
    defaultLearningRate: number,
  ) {
    this.learningRate = opts.learningRate === undefined ? defaultLearningRate : checkLearningRate(op, opts.learningRate);
    const clipping: ClipOptions = {};
    for (const key of ['clipNorm', 'globalClipNorm', 'clipValue'] as const) {
      if (opts[key] !== undefined) clipping[key] = checkPositive(op, key, opts[key]);
    }
    if (clipping.clipNorm !== undefined && clipping.globalClipNorm !== undefined) {
      throw new ArgumentError(`${op}: only one of clipNorm and globalClipNorm can be set`);
    }
    this.clipping = Object.freeze(clipping);
  }

  /** The number of updates applied so far (calls of applyGradients that had a gradient to apply). */
  get iterations(): number {
    return this.#iterations;
  }

  /** The learning rate the next update will use: η, or schedule(iterations). */
  getLearningRate(): number {
    const lr = typeof this.learningRate === 'number' ? this.learningRate : this.learningRate(this.#iterations);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new ArgumentError(`${this.op}: the learning-rate schedule returned ${describe(lr)} at step ${this.#iterations}; expected a finite number >= 0`);
    }
    return lr;
  }

  /**
   * Applies one update to each variable from its gradient. `grads` and
   * `variables` are arrays in the same order, or trees of the same structure
   * (arrays and plain objects whose leaves are Tensors and Variables
   * respectively). Null or undefined gradients are skipped, and so are
   * variables with `trainable` false. Clipping (see ClipOptions) is applied
   * first; then every variable is updated with the same learning rate, and
   * `iterations` grows by one. A call with nothing to apply changes nothing.
   */
  applyGradients(grads: unknown, variables: unknown): void {
    const pairs = pairGradients('applyGradients', grads, variables).filter((p) => p.variable.trainable);
    if (pairs.length === 0) return;
    for (const { variable } of pairs) {
      if (!isFloat(variable.dtype)) {
        throw new DTypeError(`${this.op}: variable '${variable.name}' has dtype ${variable.dtype}; only float32 and float64 variables can be trained`);
      }
    }
    const lr = this.getLearningRate();
    noGrad(() => {
      let gs = pairs.map(({ variable, grad }) => cast(grad, variable.dtype));
      const { clipNorm, globalClipNorm, clipValue } = this.clipping;
      if (clipNorm !== undefined) gs = gs.map((g) => clipByNorm(g, clipNorm));
      else if (globalClipNorm !== undefined) gs = clipByGlobalNorm(gs, globalClipNorm);
      if (clipValue !== undefined) gs = gs.map((g) => clipByValue(g, clipValue));
      pairs.forEach(({ variable }, i) => {
        let state = this.#state.get(variable);
        if (state === undefined) {
          state = { updates: 0, slots: this.createSlots(variable.value) };
          this.#state.set(variable, state);
        }
        state.updates++;
        variable.assign(this.update(variable.value, gs[i]!, state.slots, lr, state.updates));
      });
    });
    this.#iterations++;
  }

  /**
   * The optimiser's state for `variable` (its moments or accumulators, by
   * name, e.g. { m, v } for Adam), or undefined before its first update.
   */
  getState(variable: Variable): Readonly<Record<string, Tensor>> | undefined {
    const state = this.#state.get(variable);
    return state && Object.freeze({ ...state.slots });
  }

  /**
   * The configuration that `optimizerFromConfig` rebuilds this optimiser
   * from: { className, learningRate, ...hyperparameters, ...clipping }. A
   * schedule is stored as its config ({ className: 'ExponentialDecay', ... });
   * a plain-function schedule cannot be serialised. The state (moments,
   * iterations) is not part of the config.
   */
  getConfig(): Record<string, unknown> {
    let learningRate: unknown = this.learningRate;
    if (typeof learningRate === 'function') {
      const config = (learningRate as { config?: Record<string, unknown> }).config;
      if (config === undefined) {
        throw new ArgumentError(`${this.op}.getConfig: the learning-rate schedule is a plain function without a config and cannot be serialised (use a built-in schedule, or set its config)`);
      }
      learningRate = { ...config };
    }
    return { className: this.className, learningRate, ...this.hyperparameters(), ...this.clipping };
  }

  /** The optimiser's own hyperparameters, for getConfig (option names as keys). */
  protected abstract hyperparameters(): Record<string, unknown>;

  /** The initial slots of a variable whose current value is `value` (zeros like it, usually). */
  protected abstract createSlots(value: Tensor): Record<string, Tensor>;

  /**
   * One update: the variable's new value from its current value θ, its
   * (clipped) gradient g, its slots (to be replaced in place with their new
   * values), the learning rate η of this step and t, the number of updates
   * applied to this variable including this one (1 on its first update).
   */
  protected abstract update(value: Tensor, grad: Tensor, slots: Record<string, Tensor>, lr: number, t: number): Tensor;
}

/** Checks an optimiser's options object for unknown keys (`own` are its specific options). */
export function optimizerOptions(op: string, opts: unknown, own: readonly string[]): Record<string, unknown> {
  return checkOptions(op, opts, optionKeys(...own));
}
