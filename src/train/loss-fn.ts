// The loss of a model as a pure function of its parameters: what the
// pictures of the loss (landscapes, curvature) evaluate and differentiate.
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { add } from '../ops/arithmetic.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import type { Module } from '../nn/module.js';
import { getLoss, type LossFunction } from '../losses/index.js';
import { regularization, valueFor, type NamedTensors, type TrainableModel } from './step.js';

/** Options of `modelLoss`. */
export interface ModelLossOptions {
  /** The loss (or its name); defaults to the loss the model was compiled with. */
  loss?: string | LossFunction;
  /** Run the layers in training mode (dropout active, batch statistics); default false, the model as it predicts. */
  training?: boolean;
  /** Add the layers' regularisation penalties (as fit minimises them); default true. */
  regularization?: boolean;
}

/** A model's loss J(θ; x, y) as a pure function of its trainable parameters θ. */
export interface ModelLoss {
  /** The trainable variables' names, in the model's order ('dense_1.kernel', ...). */
  readonly names: readonly string[];
  /** The current values of the trainable parameters, by name. */
  params(): NamedTensors;
  /**
   * J(θ; x, y) with θ = `params` in place of the model's weights (the model
   * is left as it was): differentiable in `params`, so
   * `nb.grad((p) => f.loss(p, x, y))(f.params())` is ∇J.
   */
  loss(params: NamedTensors, x: Tensor, y: Tensor): Tensor;
}

/**
 * The loss of `model` as a function of its trainable parameters,
 * J(θ) = loss(y, model_θ(x)) + Σ penalties. Non-trainable variables
 * (batch-norm statistics) keep their values.
 */
export function modelLoss(model: TrainableModel, opts: ModelLossOptions = {}): ModelLoss {
  const op = 'modelLoss';
  if (model === null || typeof model !== 'object' || typeof (model as Module).namedParameters !== 'function') {
    throw new ArgumentError(`${op}: model must be a model or layer, got ${describe(model)}`);
  }
  const compiled = (model as { compiledLoss?: { loss: LossFunction } | null }).compiledLoss;
  const lossSpec = opts.loss ?? compiled?.loss;
  if (lossSpec === undefined) throw new ArgumentError(`${op}: the model is not compiled: give options.loss or compile the model first`);
  const lossFn = getLoss(lossSpec);
  const layers = (model as unknown as { layers?: { built?: boolean; name?: string }[] }).layers;
  const unbuilt = Array.isArray(layers) ? layers.find((l) => l.built === false) : undefined;
  if (unbuilt)
    throw new ArgumentError(
      `${op}: layer '${unbuilt.name}' is not built yet, so its weights do not exist: give the first layer an inputShape, or call the model once on an example`,
    );
  const trainable = model.namedParameters().filter(([, v]) => v.trainable);
  const names = trainable.map(([k]) => k);
  const training = opts.training ?? false;
  const regularize = opts.regularization ?? true;
  const m = model as unknown as {
    call?: (x: Tensor, training: boolean) => Tensor;
    forward?: (x: Tensor) => Tensor;
    train(on: boolean): void;
    training: boolean;
  };
  const forward = (x: Tensor) => (typeof m.call === 'function' ? m.call(x, training) : m.forward!(x));
  return {
    names,
    params: () => Object.fromEntries(trainable.map(([k, v]) => [k, v.value])),
    loss(params, x, y) {
      const values = trainable.map(([k, v]) => valueFor('params', params, k, v, op));
      const swapped: [Variable, Tensor][] = [];
      const wasTraining = m.training;
      try {
        trainable.forEach(([, v], i) => swapped.push([v, v.swap(values[i]!)]));
        m.train(training);
        let l = lossFn(y, forward(x));
        if (regularize) for (const p of regularization(model)) l = add(l, p);
        return l;
      } finally {
        m.train(wasTraining);
        for (let i = swapped.length - 1; i >= 0; i--) swapped[i]![0].swap(swapped[i]![1]);
      }
    },
  };
}
