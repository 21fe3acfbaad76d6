import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, sameShape } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { cast } from '../ops/convert.js';

/** @internal A limit on the bytes of parameters created while it is set (see withParameterBudget). */
interface ParameterBudget {
  left: number;
  fail: (why: string) => Error;
}
let budget: ParameterBudget | null = null;

/**
 * @internal Runs `build` with a budget of `bytes` for new parameters: every
 * parameter a layer is about to create is charged (size × bytes per element)
 * before its storage is allocated, and one that does not fit (or has a shape
 * that is not a list of non-negative integers) throws `fail(why)` instead.
 * The model-file reader builds a model from an untrusted header this way, so
 * that a header declaring more weights than the file holds never allocates them.
 */
export function withParameterBudget<T>(bytes: number, fail: (why: string) => Error, build: () => T): T {
  const outer = budget;
  budget = { left: bytes, fail };
  try {
    return build();
  } finally {
    budget = outer;
  }
}

/** @internal Charges a parameter of `shape` and `bytesPerElement` to the current budget, if any (called before allocating it). */
export function chargeParameter(what: string, shape: readonly number[], bytesPerElement: number): void {
  if (!budget) return;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw budget.fail(`${what} would have shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
  }
  const bytes = shape.reduce((a, d) => a * d, 1) * bytesPerElement;
  if (bytes > budget.left) {
    throw budget.fail(`${what} of shape [${shape.join(',')}] needs ${bytes} bytes, more than the ${budget.left} bytes of weights left in the file`);
  }
  budget.left -= bytes;
}

/** The state updates recorded while a functional step runs (see collectStateUpdates). */
let stateUpdates: Map<Variable, Tensor> | null = null;

/**
 * Updates a layer's non-trainable state (batch normalisation's moving
 * statistics): `variable ← value`. Outside a functional step it assigns, as
 * eager code expects; inside `collectStateUpdates` it records the update
 * instead, so that the step returns the new state rather than changing the
 * model (a later update of the same variable in that step replaces it).
 */
export function updateState(variable: Variable, value: Tensor): void {
  if (stateUpdates) stateUpdates.set(variable, value);
  else variable.assign(value);
}

/**
 * Runs fn with state updates recorded, not assigned (see updateState), and
 * returns its result with the updates, in the order first recorded. Nests:
 * an inner collection does not leak into an outer one.
 */
export function collectStateUpdates<T>(fn: () => T): [T, Map<Variable, Tensor>] {
  const outer = stateUpdates;
  const mine = new Map<Variable, Tensor>();
  stateUpdates = mine;
  try {
    return [fn(), mine];
  } finally {
    stateUpdates = outer;
  }
}

/**
 * The base of every layer and model: it registers its parameters (Variables)
 * and sub-modules explicitly, in order, and so can list them, name them,
 * switch between training and inference mode, and save or restore its
 * state. Custom layers and models are subclasses:
 *
 *     class Affine extends nb.nn.Module {
 *       w = this.registerParameter('w', nb.variable(nb.randomNormal([3, 2])));
 *       forward(x) { return nb.matmul(x, this.w); }
 *     }
 */
export class Module {
  private readonly params = new Map<string, Variable>();
  private readonly children = new Map<string, Module>();
  /** True in training mode (dropout active, batch statistics used), false for inference. */
  training = true;

  /** Registers a parameter under `name` and returns it. */
  registerParameter(name: string, v: Variable): Variable {
    if (this.params.has(name) || this.children.has(name)) throw new ArgumentError(`registerParameter: '${name}' is already registered`);
    this.params.set(name, v);
    return v;
  }

  /** Registers a sub-module under `name` and returns it. */
  registerModule<M extends Module>(name: string, m: M): M {
    if (this.params.has(name) || this.children.has(name)) throw new ArgumentError(`registerModule: '${name}' is already registered`);
    this.children.set(name, m);
    return m;
  }

  /** Every parameter of this module and its sub-modules, in registration order. */
  parameters(): Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /** The parameters with their dotted paths, such as 'layers.0.kernel'. */
  namedParameters(prefix = ''): [string, Variable][] {
    const out: [string, Variable][] = [];
    for (const [k, v] of this.params) out.push([prefix + k, v]);
    for (const [k, m] of this.children) out.push(...m.namedParameters(`${prefix}${k}.`));
    return out;
  }

  /** The trainable parameters. */
  trainableParameters(): Variable[] {
    return this.parameters().filter((v) => v.trainable);
  }

  /** Sets training (true) or inference (false) mode here and in every sub-module. */
  train(mode = true): this {
    this.training = mode;
    for (const m of this.children.values()) m.train(mode);
    return this;
  }

  /** Inference mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * The keys of the state dict and their parameters: the dotted paths of
   * namedParameters here; a model may key its state structurally instead
   * (Sequential: 'layers.0.kernel').
   */
  protected stateEntries(): [string, Variable][] {
    return this.namedParameters();
  }

  /** The values of every parameter by key (see stateEntries: by default its dotted path). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.stateEntries().map(([k, v]) => [k, v.value]));
  }

  /**
   * Restores parameters from a state dict. With `strict` (the default) a
   * missing or unexpected key is an error; a shape mismatch always is.
   */
  loadStateDict(state: Record<string, Tensor>, opts: { strict?: boolean } = {}): void {
    const strict = opts.strict ?? true;
    const named = new Map(this.stateEntries());
    const missing = [...named.keys()].filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !named.has(k));
    if (strict && (missing.length || unexpected.length)) {
      const parts = [];
      if (missing.length) parts.push(`missing keys: ${missing.join(', ')}`);
      if (unexpected.length) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
      throw new ArgumentError(`loadStateDict: ${parts.join('; ')}`);
    }
    for (const [k, v] of named) {
      const t = state[k];
      if (!t) continue;
      if (!sameShape(t.shape, v.shape)) {
        throw new ShapeError(`loadStateDict: '${k}' has shape ${formatShape(v.shape)} in the model but ${formatShape(t.shape)} in the state dict`);
      }
    }
    for (const [k, v] of named) if (state[k]) v.assign(cast(state[k]!, v.dtype));
  }
}
