import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { samePair } from '../losses/common.js';
import { cast, floatTensor, toTensor, type TensorLike } from '../ops/convert.js';
import { equal, greater } from '../ops/compare.js';
import { argmax, mean } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Per-example binary accuracy: the fraction of the outputs in the last axis
 * whose thresholded prediction (yPred > threshold, 0.5 by default) equals the
 * label: mean(yTrue == (yPred > threshold)) over the last axis. yTrue holds
 * 0/1 labels of yPred's shape (labels [batch] are accepted for yPred
 * [batch,1]). Returns shape yPred.shape[:-1] ([batch]) of 0/1 values for one
 * output per example.
 */
export function binaryAccuracy(yTrue: TensorLike, yPred: TensorLike, threshold = 0.5): Tensor {
  const [t, p] = samePair('binaryAccuracy', yTrue, yPred);
  const predicted = cast(greater(p, threshold), p.dtype);
  return mean(cast(equal(t, predicted), p.dtype), -1);
}

/**
 * Per-example categorical accuracy: 1 where the argmax of yPred's last axis
 * is the argmax of yTrue's (one-hot or soft rows of yPred's shape), else 0.
 * Ties go to the first maximum. Returns shape yPred.shape[:-1].
 */
export function categoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = samePair('categoricalAccuracy', yTrue, yPred);
  return cast(equal(argmax(t, -1), argmax(p, -1)), p.dtype);
}

/**
 * Per-example sparse categorical accuracy: 1 where the argmax of yPred's last
 * axis equals the integer label, else 0. yTrue has shape yPred.shape[:-1]
 * ([batch]) or yPred.shape[:-1] + [1]. Returns shape yPred.shape[:-1].
 */
export function sparseCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const p = floatTensor('sparseCategoricalAccuracy', 'yPred', yPred);
  const labels = labelsFor('sparseCategoricalAccuracy', yTrue, p.shape);
  return cast(equal(cast(labels, p.dtype), cast(argmax(p, -1), p.dtype)), p.dtype);
}

/**
 * Labels for predictions of shape [..., K]: of shape [...] or [..., 1],
 * returned with shape [...] (values unchecked).
 */
export function labelsFor(name: string, yTrue: TensorLike, predShape: readonly number[]): Tensor {
  const t = toTensor(name, 'yTrue', yTrue);
  if (predShape.length === 0) throw new ShapeError(`${name}: yPred must have a class axis (its last), got shape []`);
  const batchShape = predShape.slice(0, -1);
  const fits = (shape: readonly number[]) => shape.length === batchShape.length && shape.every((d, i) => d === batchShape[i]);
  if (fits(t.shape)) return t;
  if (t.rank === batchShape.length + 1 && t.shape[t.rank - 1] === 1 && fits(t.shape.slice(0, -1))) return reshape(t, batchShape);
  throw new ShapeError(
    `${name}: yTrue ${formatShape(t.shape)} must hold one class index per example of yPred ${formatShape(predShape)} (shape ${formatShape(batchShape)} or ${formatShape([...batchShape, 1])})`,
  );
}
