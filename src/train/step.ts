import { describe } from '../core/describe.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { formatShape, sameShape } from '../core/shape.js';
import { isTensor, type Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { add } from '../ops/arithmetic.js';
import { noGrad } from '../ops/stop.js';
import { valueAndGrad } from '../autograd/transforms.js';
import { collectStateUpdates, type Module } from '../nn/module.js';
import { getLoss, type LossFunction } from '../losses/index.js';
import { getOptimizer, type Optimizer, type OptimizerState } from '../optim/index.js';
import { checkOptions } from '../optim/validate.js';
import { weightedLoss } from './sample-weight.js';

/** Values by variable name (the names of `model.namedParameters()`, e.g. 'dense_1.kernel'). */
export type NamedTensors = Record<string, Tensor>;

/** A model the trainer can run: any Module with `call(x, training)` (layers, Sequential, a functional Model) or `forward(x)`. */
export type TrainableModel = Module & ({ call(x: Tensor, training: boolean): Tensor | Tensor[] } | { forward(x: Tensor): Tensor });

/**
 * A batch: x and y (one tensor each, or for a functional model of several
 * inputs or outputs an array of them, in order), and optionally one weight
 * per example (the loss is then Σᵢ wᵢ·ℓᵢ / N, see weightedLoss).
 */
export interface TrainBatch {
  x: Tensor | Tensor[];
  y: Tensor | Tensor[];
  sampleWeight?: Tensor;
}

/** Options of `makeTrainStep`. */
export interface TrainStepOptions {
  /** The loss, loss(yTrue, yPred) → scalar, or its name ('meanSquaredError', 'mse', ...). */
  loss: string | LossFunction;
  /** The optimiser (or its name); only its update rule is used: the step never changes it. */
  optimizer: string | Optimizer;
  /** Per-batch metrics, metric(yTrue, yPred) → tensor, reported by name in the result (not differentiated). */
  metrics?: Record<string, (yTrue: Tensor, yPred: Tensor) => Tensor>;
}

/** What one training step returns. */
export interface TrainStepResult {
  /** The new trainable values, by name. */
  params: NamedTensors;
  /** The new optimiser state. */
  optState: OptimizerState;
  /** The batch's loss (a scalar, regularisation included) before the update. */
  loss: Tensor;
  /**
   * The model's outputs on the batch (the predictions), from the same
   * forward pass. For a functional model of several outputs it is the array
   * of them (typed as one tensor, the common case: cast it).
   */
  outputs: Tensor;
  /** The non-trainable values after the step (batch-norm moving statistics, as updated by the forward pass), by name: pass it to the next step. */
  state: NamedTensors;
  /** The gradients of the loss with respect to `params`, by name (before clipping). */
  grads: NamedTensors;
  /** The metrics of `options.metrics` on this batch, by name. */
  metrics: NamedTensors;
}

/**
 * One training step as a function: (params, optState, batch[, state]) ↦
 * (new params, new optimiser state, loss, outputs, new layer state).
 * Nothing it is given is changed (the model's variables hold `params` and
 * `state` only while it runs and get their values back after), so a caller
 * may discard a result, and `nb.trace` can trace it.
 */
export type TrainStep = (params: NamedTensors, optState: OptimizerState, batch: TrainBatch, state?: NamedTensors) => TrainStepResult;

/** The step function of makeTrainStep, with the model's current values to start from and a way to write results back. */
export interface Trainer extends TrainStep {
  /** The names of the trainable variables, in the order the optimiser state lists them. */
  readonly names: readonly string[];
  /** The model's current trainable values, by name. */
  params(): NamedTensors;
  /** The model's current non-trainable state, by name. */
  state(): NamedTensors;
  /** A fresh optimiser state for the model's trainable values (optimizer.init). */
  initOptState(): OptimizerState;
  /** Writes params (and state) back into the model's variables. */
  write(params: NamedTensors, state?: NamedTensors): void;
}

/**
 * makeTrainStep(model, { loss, optimizer, metrics? }): the training step of
 * any Module as a function. For a batch (x, y), with θ the trainable values:
 *
 *   ŷ = model(x; θ) in training mode,   L = loss(y, ŷ) + Σ regularisation
 *   g = ∂L/∂θ,                          (θ', s') = optimizer.update(g, s, θ)
 *
 * returning { params: θ', optState: s', loss: L, outputs: ŷ, state, grads,
 * metrics }. The result is the step function itself, with helpers:
 *
 *     const step = nb.makeTrainStep(model, { loss: 'mse', optimizer: nb.optimizers.adam() });
 *     let params = step.params(), optState = step.initOptState();
 *     ({ params, optState } = step(params, optState, { x, y }));
 *     step.write(params);   // into the model's variables
 * Layer state updates (batch normalisation's moving statistics)
 * are collected (see nn/module updateState) and returned in `state`, not
 * assigned. The model must be built (its variables exist).
 */
export function makeTrainStep(model: TrainableModel, options: TrainStepOptions): Trainer {
  const op = 'makeTrainStep';
  const o = checkOptions(op, options, ['loss', 'optimizer', 'metrics']);
  if (o.loss === undefined) throw new ArgumentError(`${op}: options.loss is required (a loss function or its name)`);
  if (o.optimizer === undefined) throw new ArgumentError(`${op}: options.optimizer is required (an optimiser or its name)`);
  const loss = getLoss(o.loss as string | LossFunction);
  const optimizer = getOptimizer(o.optimizer as string | Optimizer);
  const metrics = (o.metrics ?? {}) as Record<string, (yTrue: Tensor, yPred: Tensor) => Tensor>;
  if (metrics === null || typeof metrics !== 'object')
    throw new ArgumentError(`${op}: options.metrics must be an object of functions, got ${describe(metrics)}`);
  for (const [k, m] of Object.entries(metrics))
    if (typeof m !== 'function') throw new ArgumentError(`${op}: metric '${k}' must be a function (yTrue, yPred) → Tensor, got ${describe(m)}`);
  const forward = modelForward(op, model);
  const layers = (model as unknown as { layers?: { built?: boolean; name?: string }[] }).layers;
  const unbuilt = Array.isArray(layers) ? layers.find((l) => l.built === false) : undefined;
  if (unbuilt)
    throw new ArgumentError(
      `${op}: layer '${unbuilt.name}' is not built yet, so its weights do not exist: give the first layer an inputShape, or call the model once on an example`,
    );
  const named = model.namedParameters();
  const trainable = named.filter(([, v]) => v.trainable);
  const frozen = named.filter(([, v]) => !v.trainable);
  const names = trainable.map(([k]) => k);
  const vars = trainable.map(([, v]) => v);
  const byVariable = new Map(named.map(([k, v]) => [v, k]));
  const totalLoss = (y: Tensor | Tensor[], pred: Tensor | Tensor[], w?: Tensor): Tensor => {
    let l = w === undefined ? loss(y as Tensor, pred as Tensor) : weightedLoss(loss, y as Tensor, pred as Tensor, w);
    for (const p of regularization(model)) l = add(l, p);
    return l;
  };
  const vg = valueAndGrad(
    (_: Variable[], x: Tensor | Tensor[], y: Tensor | Tensor[], w?: Tensor): [Tensor, Tensor | Tensor[]] => {
      const pred = forward(x);
      return [totalLoss(y, pred, w), pred];
    },
    { hasAux: true },
  );

  const step: TrainStep = (params, optState, batch, state) => {
    const tensors = (t: unknown) => isTensor(t) || (Array.isArray(t) && t.length > 0 && t.every((u) => isTensor(u)));
    if (
      batch === null ||
      typeof batch !== 'object' ||
      !tensors(batch.x) ||
      !tensors(batch.y) ||
      (batch.sampleWeight !== undefined && !isTensor(batch.sampleWeight))
    ) {
      throw new ArgumentError(`trainStep: batch must be { x: Tensor, y: Tensor, sampleWeight?: Tensor }, got ${describe(batch)}`);
    }
    const values = names.map((k) => valueFor('params', params, k, byName(named, k)));
    const stateValues = state === undefined ? null : frozen.map(([k, v]) => valueFor('state', state, k, v));
    const swapped: [Variable, Tensor][] = [];
    try {
      vars.forEach((v, i) => swapped.push([v, v.swap(values[i]!)]));
      if (stateValues) frozen.forEach(([, v], i) => swapped.push([v, v.swap(stateValues[i]!)]));
      const wasTraining = model.training;
      model.train(true);
      let result: [[Tensor, Tensor | Tensor[]], unknown];
      let updates: Map<Variable, Tensor>;
      try {
        const args = batch.sampleWeight === undefined ? [vars, batch.x, batch.y] : [vars, batch.x, batch.y, batch.sampleWeight];
        [result, updates] = collectStateUpdates(() => (vg as (...a: unknown[]) => unknown)(...args) as [[Tensor, Tensor | Tensor[]], unknown]);
      } finally {
        model.train(wasTraining);
      }
      const [[lossValue, outputs], gs] = result;
      const grads = gs as Tensor[];
      const update = optimizer.update(grads, optState, values);
      // every non-trainable value after the step: updated by the forward pass, or as it was (given or the model's)
      const newState: NamedTensors = Object.fromEntries(frozen.map(([k, v]) => [k, updates.get(v) ?? v.value]));
      for (const [v, t] of updates) newState[byVariable.get(v) ?? v.name] = t;
      const metricValues: NamedTensors = {};
      noGrad(() => {
        for (const [k, m] of Object.entries(metrics)) metricValues[k] = m(batch.y as Tensor, outputs as Tensor);
      });
      return {
        params: Object.fromEntries(names.map((k, i) => [k, update.params[i]!])),
        optState: update.state,
        loss: lossValue,
        outputs: outputs as Tensor,
        state: newState,
        grads: Object.fromEntries(names.map((k, i) => [k, grads[i]!])),
        metrics: metricValues,
      };
    } finally {
      for (let i = swapped.length - 1; i >= 0; i--) swapped[i]![0].swap(swapped[i]![1]);
    }
  };

  return Object.assign(step, {
    names,
    params: () => Object.fromEntries(trainable.map(([k, v]) => [k, v.value])),
    state: () => Object.fromEntries(frozen.map(([k, v]) => [k, v.value])),
    initOptState: () => optimizer.init(vars.map((v) => v.value)),
    write: (params: NamedTensors, state?: NamedTensors) => {
      trainable.forEach(([k, v]) => {
        if (params[k]) v.assign(params[k]!);
      });
      if (state) for (const [k, v] of frozen) if (state[k]) v.assign(state[k]!);
    },
  });
}

function byName(named: [string, Variable][], k: string): Variable {
  return named.find(([n]) => n === k)![1];
}

/** The tensor `tree[k]` for variable v, checked to be a tensor of v's shape and dtype. */
export function valueFor(what: string, tree: NamedTensors, k: string, v: Variable, op = 'trainStep'): Tensor {
  if (tree === null || typeof tree !== 'object') throw new ArgumentError(`${op}: ${what} must be an object of tensors by variable name, got ${describe(tree)}`);
  const t = Object.hasOwn(tree, k) ? tree[k] : undefined;
  if (!isTensor(t)) throw new ArgumentError(`${op}: ${what}['${k}'] must be a Tensor, got ${describe(t)}`);
  if (!sameShape(t.shape, v.shape))
    throw new ShapeError(`${op}: ${what}['${k}'] has shape ${formatShape(t.shape)}, but the variable has shape ${formatShape(v.shape)}`);
  if (t.dtype !== v.dtype) throw new DTypeError(`${op}: ${what}['${k}'] has dtype ${t.dtype}, but the variable has dtype ${v.dtype}`);
  return t;
}

/** The model's forward pass in training mode: call(x, true) or forward(x). */
function modelForward(op: string, model: TrainableModel): (x: Tensor | Tensor[]) => Tensor | Tensor[] {
  const m = model as unknown as { call?: (x: Tensor | Tensor[], training: boolean) => Tensor | Tensor[]; forward?: (x: Tensor) => Tensor };
  if (typeof m.call === 'function') return (x) => m.call!(x, true);
  if (typeof m.forward === 'function') return (x) => m.forward!(x as Tensor);
  throw new ArgumentError(`${op}: the model must have call(x, training) or forward(x)`);
}

/** The regularisation penalties of the model: its own regularizationLosses(), or those of its layers. */
export function regularization(model: Module): Tensor[] {
  const m = model as unknown as { regularizationLosses?: () => Tensor[]; layers?: { regularizationLosses?: () => Tensor[] }[] };
  if (typeof m.regularizationLosses === 'function') return m.regularizationLosses();
  if (Array.isArray(m.layers)) return m.layers.flatMap((l) => l.regularizationLosses?.() ?? []);
  return [];
}
