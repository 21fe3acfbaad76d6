/**
 * The curvature of a model's loss: the top Hessian eigenpairs with respect to
 * all its trainable parameters, and the sharpness λ_max.
 */
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { optionsObject } from '../core/options.js';
import { formatShape } from '../core/shape.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { hessianEigs, type HessianEigsOptions } from '../linalg/lanczos.js';
import { modelLoss, type ModelLossOptions } from '../train/loss-fn.js';
import type { NamedTensors, TrainableModel } from '../train/step.js';

/** Options of {@link modelHessianEigs}: Lanczos's (k, which, maxIterations, tol, seed) and modelLoss's (loss, training, regularization). */
export interface ModelHessianEigsOptions extends HessianEigsOptions, ModelLossOptions {}

/** What {@link modelHessianEigs} returns. */
export interface ModelHessianEigs {
  /** The k eigenvalues of ∇²J(θ), largest first. */
  values: number[];
  /** The eigenvectors as named tensors ('dense_1.kernel', ...), shaped like the parameters, unit norm over all of them: directions in parameter space. */
  vectors: NamedTensors[];
  /** The Lanczos steps taken (one Hessian-vector product each). */
  iterations: number;
  /** Whether every eigenpair met the tolerance. */
  converged: boolean;
  /** ‖H·v_i − λ_i·v_i‖ for each pair. */
  residuals: number[];
  /** The parameter names, in the model's order. */
  names: readonly string[];
}

/** What {@link sharpness} returns: the largest eigenpair. */
export interface Sharpness {
  /** λ_max of ∇²J(θ): the sharpness. Gradient descent with rate η is unstable along v when λ_max > 2/η. */
  value: number;
  /** Its eigenvector, as named tensors shaped like the parameters (unit norm). */
  vector: NamedTensors;
  iterations: number;
  converged: boolean;
  /** ‖H·v − λ_max·v‖. */
  residual: number;
}

const EIG_KEYS = ['k', 'which', 'maxIterations', 'tol', 'seed'] as const;
const LOSS_KEYS = ['loss', 'training', 'regularization'] as const;

/** The data as tensors with one row per example, checked to agree. */
export function dataTensors(op: string, x: TensorLike, y: TensorLike): [Tensor, Tensor] {
  if (x === undefined || x === null) throw new ArgumentError(`${op}: x (the inputs) is required, got ${describe(x)}`);
  if (y === undefined || y === null) throw new ArgumentError(`${op}: y (the targets) is required, got ${describe(y)}`);
  const X = toTensor(op, 'x', x),
    Y = toTensor(op, 'y', y);
  if (X.rank === 0 || X.shape[0] === 0) throw new ArgumentError(`${op}: x holds no examples (shape ${formatShape(X.shape)})`);
  if (Y.rank === 0 || Y.shape[0] !== X.shape[0])
    throw new ShapeError(`${op}: x has ${X.shape[0]} example(s) (shape ${formatShape(X.shape)}) but y has shape ${formatShape(Y.shape)}`);
  return [X, Y];
}

/**
 * The top-k eigenvalues and eigenvectors of the Hessian of the model's loss
 * J(θ) = loss(y, model_θ(x)) + penalties (nb.modelLoss) with respect to all
 * its trainable parameters θ, at the current weights, by Lanczos iteration
 * over Hessian-vector products (nb.linalg.hessianEigs): the n × n Hessian is
 * never formed. The vectors are NamedTensors, ready to use as directions
 * (θ + α·v₁ + β·v₂ for a loss landscape).
 *
 * ```ts
 * const { values, vectors } = nb.modelHessianEigs(model, x, y, { k: 2 });
 * ```
 */
export function modelHessianEigs(model: TrainableModel, x: TensorLike, y: TensorLike, options: ModelHessianEigsOptions = {}): ModelHessianEigs {
  return modelEigs('modelHessianEigs', model, x, y, options);
}

function modelEigs(op: string, model: TrainableModel, x: TensorLike, y: TensorLike, options: ModelHessianEigsOptions): ModelHessianEigs {
  const opts = optionsObject(op, options);
  for (const key of Object.keys(opts)) {
    if (!(EIG_KEYS as readonly string[]).includes(key) && !(LOSS_KEYS as readonly string[]).includes(key)) {
      throw new ArgumentError(`${op}: unknown option '${key}' (expected ${[...EIG_KEYS, ...LOSS_KEYS].join(', ')})`);
    }
  }
  const pick = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.filter((k) => (opts as Record<string, unknown>)[k] !== undefined).map((k) => [k, (opts as Record<string, unknown>)[k]]));
  const f = modelLoss(model, pick(LOSS_KEYS) as ModelLossOptions);
  const [X, Y] = dataTensors(op, x, y);
  if (f.names.length === 0) throw new ArgumentError(`${op}: the model has no trainable parameters`);
  const r = hessianEigs((p: NamedTensors) => f.loss(p, X, Y), f.params(), pick(EIG_KEYS) as HessianEigsOptions);
  return { ...r, names: f.names };
}

/**
 * The sharpness of the model's loss at the current weights: the largest
 * eigenvalue λ_max of its Hessian with respect to all trainable parameters,
 * and its eigenvector (modelHessianEigs with k = 1). Gradient descent with
 * learning rate η on the quadratic ½λθ² multiplies θ by (1 − ηλ) each step,
 * so it diverges along the top eigenvector when λ_max > 2/η; in training,
 * λ_max tends to rise to about 2/η and hover there ("edge of stability",
 * Cohen et al. 2021).
 */
export function sharpness(model: TrainableModel, x: TensorLike, y: TensorLike, options: Omit<ModelHessianEigsOptions, 'k' | 'which'> = {}): Sharpness {
  const opts = optionsObject('sharpness', options);
  for (const key of ['k', 'which']) {
    if (key in opts)
      throw new ArgumentError(`sharpness: option '${key}' is not for sharpness (it is the largest eigenvalue); use nb.modelHessianEigs for more`);
  }
  const r = modelEigs('sharpness', model, x, y, { ...opts, k: 1 });
  return { value: r.values[0]!, vector: r.vectors[0]!, iterations: r.iterations, converged: r.converged, residual: r.residuals[0]! };
}
