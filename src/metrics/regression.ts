import { meanAbsoluteError as maeLoss, meanSquaredError as mseLoss } from '../losses/regression.js';
import type { TensorLike } from '../ops/convert.js';
import type { Tensor } from '../tensor/tensor.js';

/** Per-example mean squared error: mean((yPred − yTrue)²) over the last axis, shape yPred.shape[:-1]. */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return mseLoss(yTrue, yPred, { reduction: 'none' });
}

/** Per-example mean absolute error: mean(|yPred − yTrue|) over the last axis, shape yPred.shape[:-1]. */
export function meanAbsoluteError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return maeLoss(yTrue, yPred, { reduction: 'none' });
}

/** Alias of meanSquaredError (per example). */
export const mse = meanSquaredError;
/** Alias of meanAbsoluteError (per example). */
export const mae = meanAbsoluteError;
