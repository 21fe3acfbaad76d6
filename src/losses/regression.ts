import { scoped } from '../autograd/tape.js';
import { abs, square, sub } from '../ops/arithmetic.js';
import type { TensorLike } from '../ops/convert.js';
import { mean } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { lossOptions, reduceLoss, samePair, type LossOptions } from './common.js';

/**
 * The mean squared error. Per example (the last axis is averaged, as in
 * Keras): mean((yPred − yTrue)²); then `reduction` (default 'mean') over the
 * examples. yTrue and yPred have the same shape; `fromLogits: true` is
 * rejected (it has no meaning for a regression loss).
 *
 *     meanSquaredError([[0, 1], [1, 1]], [[0, 0], [1, 3]])   // ((0 + 1)/2 + (0 + 4)/2)/2 = 1.25
 */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike, opts?: LossOptions): Tensor {
  return scoped('meanSquaredError', 'loss', [yTrue, yPred], { ...opts }, () => {
    const { reduction } = lossOptions('meanSquaredError', opts, false);
    const [t, p] = samePair('meanSquaredError', yTrue, yPred);
    return reduceLoss(mean(square(sub(p, t)), -1), reduction);
  });
}

/**
 * The mean absolute error. Per example: mean(|yPred − yTrue|) over the last
 * axis; then `reduction` over the examples. Where yPred = yTrue the gradient
 * is taken as 0 (the kink of |x|).
 */
export function meanAbsoluteError(yTrue: TensorLike, yPred: TensorLike, opts?: LossOptions): Tensor {
  return scoped('meanAbsoluteError', 'loss', [yTrue, yPred], { ...opts }, () => {
    const { reduction } = lossOptions('meanAbsoluteError', opts, false);
    const [t, p] = samePair('meanAbsoluteError', yTrue, yPred);
    return reduceLoss(mean(abs(sub(p, t)), -1), reduction);
  });
}
