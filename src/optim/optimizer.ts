import { isFloat } from '../core/dtype.js';
import { ArgumentError, DTypeError, TraceError } from '../core/errors.js';
import { tapeState } from '../autograd/tape.js';
import { cast } from '../ops/arithmetic.js';
import { noGrad } from '../ops/stop.js';
import { isTensor, type Tensor } from '../tensor/tensor.js';
import { settleResident, Variable } from '../tensor/variable.js';
import { clipByGlobalNorm, clipByNorm, clipByValue } from './clip.js';
import { flattenParameters, pairGradients, type GradientsFor } from './pairs.js';
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

/** The state of one parameter: the slot tensors (moments, accumulators) and the number of updates applied to it. */
export interface ParameterState {
  /** t, the number of updates applied to this parameter (Adam's bias correction uses it). */
  readonly updates: number;
  /** The slots by name, e.g. { m, v } for Adam; {} before the first update of a slot-less optimiser. */
  readonly slots: Readonly<Record<string, Tensor>>;
}

/**
 * An optimiser's state as plain data that a caller holds (optax-style):
 * `iterations` is the step the learning-rate schedule is evaluated at, and
 * `parameters[i]` the state of the i-th tensor of the parameter tree (in
 * `leaves` order: arrays by index, objects by key order). Nothing in it is
 * mutated by `update`, which returns a new state.
 */
export interface OptimizerState {
  readonly iterations: number;
  readonly parameters: readonly ParameterState[];
}

type VariableState = ParameterState;

/**
 * The base of every optimiser: one update rule, with a functional core and
 * a stateful wrapper over it.
 *
 * - Functional (optax-style): `init(params)` → state and
 *   `update(grads, state, params)` → { params, state }, over trees of
 *   tensors; pure, the caller holds the state (a training step uses this).
 * - Stateful: `applyGradients(grads, variables)` keeps the state per
 *   variable and assigns the new values (same numbers bit for bit).
 *
 * Both clip, evaluate the learning rate η of the step (a schedule at the
 * step count) and call the subclass's rule for each parameter inside
 * `noGrad`, so updates record no autodiff graph. Slots are created the first
 * time a parameter is updated, with its shape and dtype (float32 or float64).
 */
export abstract class Optimizer {
  #iterationsHeld = 0;
  readonly #stateHeld = new Map<Variable, VariableState>();
  /** The per-variable states; reading them first writes back values a compiled fit holds (see settleResident). */
  get #state(): Map<Variable, VariableState> {
    settleResident();
    return this.#stateHeld;
  }
  /** The step count, settled like #state. */
  get #iterations(): number {
    settleResident();
    return this.#iterationsHeld;
  }
  set #iterations(n: number) {
    settleResident();
    this.#iterationsHeld = n;
  }
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
    return this.rateAt(this.#iterations);
  }

  /** @internal η at `step` (fit's compiled step, which counts the steps itself while it holds the state). */
  learningRateAt(step: number): number {
    return this.rateAt(step);
  }

  /** η at `step`: the fixed rate, or schedule(step), checked to be a finite number ≥ 0. */
  protected rateAt(step: number): number {
    const lr = typeof this.learningRate === 'number' ? this.learningRate : this.learningRate(step);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new ArgumentError(`${this.op}: the learning-rate schedule returned ${describe(lr)} at step ${step}; expected a finite number >= 0`);
    }
    return lr;
  }

  /**
   * The functional core, shared by `applyGradients` and `update`: clips the
   * gradients together (see ClipOptions), then applies the update rule to
   * each parameter with learning rate η, under noGrad. Pure: returns new
   * values and new per-parameter states (state undefined = first update,
   * slots created from the value); nothing passed in is changed.
   */
  #step(
    values: readonly Tensor[],
    grads: readonly Tensor[],
    states: readonly (ParameterState | undefined)[],
    lr: number,
  ): { values: Tensor[]; states: ParameterState[] } {
    return noGrad(() => {
      let gs = grads.map((g, i) => cast(g, values[i]!.dtype));
      const { clipNorm, globalClipNorm, clipValue } = this.clipping;
      if (clipNorm !== undefined) gs = gs.map((g) => clipByNorm(g, clipNorm));
      else if (globalClipNorm !== undefined) gs = clipByGlobalNorm(gs, globalClipNorm);
      if (clipValue !== undefined) gs = gs.map((g) => clipByValue(g, clipValue));
      const newValues: Tensor[] = [];
      const newStates: ParameterState[] = [];
      values.forEach((value, i) => {
        const before = states[i];
        const slots = { ...(before?.slots ?? this.createSlots(value)) };
        const updates = (before?.updates ?? 0) + 1;
        newValues.push(this.rule(value, gs[i]!, slots, lr, updates));
        newStates.push({ updates, slots });
      });
      return { values: newValues, states: newStates };
    });
  }

  /**
   * The initial state for a tree of parameters (tensors or variables, as
   * arrays and plain objects): iterations 0 and, for each tensor, its slots
   * (zeros like it) and 0 updates. See `update`.
   */
  init(params: unknown): OptimizerState {
    const values = flattenParameters(`${this.op}.init`, params, undefined).map((p) => p.value);
    return { iterations: 0, parameters: values.map((v) => ({ updates: 0, slots: noGrad(() => this.createSlots(v)) })) };
  }

  /**
   * One functional update (optax's `update`): from gradients, the state
   * (from `init` or a previous `update`) and the parameters, the new
   * parameters (a tree of the same structure) and the new state. Pure: the
   * optimiser object, `state` and `params` are left unchanged, so a caller
   * may discard the result (e.g. after a non-finite loss). Gradients may be
   * null or missing for some parameters, which are then left as they are.
   * Gives the same numbers as `applyGradients` on variables holding the
   * same values and state. η is the rate (or schedule) at state.iterations.
   */
  update<P>(grads: GradientsFor<P>, state: OptimizerState, params: P): { params: P; state: OptimizerState } {
    const op = `${this.op}.update`;
    const pairs = flattenParameters(op, params, grads);
    if (
      state === null ||
      typeof state !== 'object' ||
      !Array.isArray(state.parameters) ||
      state.parameters.length !== pairs.length ||
      typeof state.iterations !== 'number'
    ) {
      throw new ArgumentError(`${op}: the state does not match the parameters (${pairs.length} tensors); create it with ${this.op}.init(params)`);
    }
    const todo = pairs.map((_p, i) => i).filter((i) => pairs[i]!.grad !== undefined);
    if (todo.length === 0) return { params, state };
    for (const i of todo) {
      const p = pairs[i]!;
      if (!isFloat(p.value.dtype))
        throw new DTypeError(`${op}: parameter ${p.path} has dtype ${p.value.dtype}; only float32 and float64 parameters can be trained`);
    }
    const lr = this.rateAt(state.iterations);
    const out = this.#step(
      todo.map((i) => pairs[i]!.value),
      todo.map((i) => pairs[i]!.grad!),
      todo.map((i) => {
        const s = state.parameters[i]!;
        return s.updates === 0 ? undefined : s;
      }),
      lr,
    );
    const values = pairs.map((p) => p.value);
    const parameters = [...state.parameters];
    todo.forEach((i, k) => {
      values[i] = out.values[k]!;
      parameters[i] = out.states[k]!;
    });
    let j = 0;
    const newParams = mapTensors(params, () => values[j++]!) as P;
    return { params: newParams, state: { iterations: state.iterations + 1, parameters } };
  }

  /**
   * The state this optimiser holds for `variables` (a tree of Variables), as
   * a functional OptimizerState for `update`: the bridge from
   * `applyGradients` to the functional core (fit uses it).
   */
  stateOf(variables: unknown): OptimizerState {
    const vars = flattenParameters(`${this.op}.stateOf`, variables, undefined).map((p) => p.variable!);
    return {
      iterations: this.#iterations,
      parameters: vars.map((v) => this.#state.get(v) ?? { updates: 0, slots: noGrad(() => this.createSlots(v.value)) }),
    };
  }

  /** Makes `state` (from `update`) the state this optimiser holds for `variables`: the inverse of `stateOf`. */
  setState(variables: unknown, state: OptimizerState): void {
    const vars = flattenParameters(`${this.op}.setState`, variables, undefined).map((p) => p.variable!);
    if (state.parameters.length !== vars.length)
      throw new ArgumentError(`${this.op}.setState: the state has ${state.parameters.length} parameters but there are ${vars.length} variables`);
    vars.forEach((v, i) => {
      const s = state.parameters[i]!;
      if (s.updates > 0) this.#state.set(v, s);
    });
    this.#iterations = state.iterations;
  }

  /**
   * Applies one update to each variable from its gradient. `grads` and
   * `variables` are arrays in the same order, or trees of the same structure
   * (arrays and plain objects whose leaves are Tensors and Variables
   * respectively). Null or undefined gradients are skipped, and so are
   * variables with `trainable` false. Clipping (see ClipOptions) is applied
   * first; then every variable is updated with the same learning rate, and
   * `iterations` grows by one. A call with nothing to apply changes nothing.
   * Typed (GradientsFor): gradients of another structure than the variables
   * fail to compile where the types are known.
   */
  applyGradients<V>(grads: GradientsFor<V>, variables: V): void {
    // The state (moments, step count) lives in this object, outside any traced program: a trace would record one
    // step with the state of the tracing call frozen into it (Adam replayed as its first step forever). A TraceError
    // makes nb.jit run the function eagerly with its one warning (or throw, when strict).
    if (tapeState.tracer !== null)
      throw new TraceError(
        `${this.op}.applyGradients: the optimiser's state (moments, step count) is kept outside the traced program, so it cannot be traced: call applyGradients after the jitted function (jit the loss and gradients only), or pass the state through ${this.op}.update(grads, state, params), or let model.compile({ jitCompile }) compile the whole step`,
      );
    const pairs = pairGradients('applyGradients', grads, variables).filter((p) => p.variable.trainable);
    if (pairs.length === 0) return;
    for (const { variable } of pairs) {
      if (!isFloat(variable.dtype)) {
        throw new DTypeError(`${this.op}: variable '${variable.name}' has dtype ${variable.dtype}; only float32 and float64 variables can be trained`);
      }
    }
    const lr = this.getLearningRate();
    const out = this.#step(
      pairs.map((p) => p.variable.value),
      pairs.map((p) => p.grad),
      pairs.map((p) => this.#state.get(p.variable)),
      lr,
    );
    pairs.forEach(({ variable }, i) => {
      this.#state.set(variable, out.states[i]!);
      variable.assign(out.values[i]!);
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
        throw new ArgumentError(
          `${this.op}.getConfig: the learning-rate schedule is a plain function without a config and cannot be serialised (use a built-in schedule, or set its config)`,
        );
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
   * The update rule: the variable's new value from its current value θ, its
   * (clipped) gradient g, its slots (to be replaced in place with their new
   * values), the learning rate η of this step and t, the number of updates
   * applied to this variable including this one (1 on its first update).
   */
  protected abstract rule(value: Tensor, grad: Tensor, slots: Record<string, Tensor>, lr: number, t: number): Tensor;
}

/** Checks an optimiser's options object for unknown keys (`own` are its specific options). */
export function optimizerOptions(op: string, opts: unknown, own: readonly string[]): Record<string, unknown> {
  return checkOptions(op, opts, optionKeys(...own));
}

/** A tree of the same structure with each tensor or variable replaced by fn(its value) (arrays and plain objects are walked). */
function mapTensors(tree: unknown, fn: (t: Tensor) => Tensor): unknown {
  if (isTensor(tree)) return fn(tree);
  if (tree instanceof Variable) return fn(tree.value);
  if (Array.isArray(tree)) return tree.map((c) => mapTensors(c, fn));
  if (tree !== null && typeof tree === 'object') return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, mapTensors(v, fn)]));
  return tree;
}
