import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { floatTensor, toTensor, type TensorLike } from '../ops/convert.js';
import { mean, sum } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * How the per-example losses are combined: 'mean' over them (Keras's
 * SUM_OVER_BATCH_SIZE, the default), their 'sum', or 'none' (the per-example
 * tensor itself, of shape yPred.shape without its last axis).
 */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options shared by every loss. */
export interface LossOptions {
  /**
   * yPred holds logits (unnormalised scores) rather than probabilities; the
   * loss then applies the sigmoid or softmax itself, in a numerically stable
   * fused form. Default false. Only the cross-entropies accept true.
   */
  fromLogits?: boolean;
  /** How the per-example losses are combined; default 'mean'. */
  reduction?: Reduction;
  /**
   * Label smoothing s in [0, 1] (the cross-entropies only; default 0): the labels become
   * y(1 − s) + s/2 (binary) or y(1 − s) + s/K for K classes (categorical and sparse), as Keras.
   */
  labelSmoothing?: number;
}

/** The label smoothing of cross-entropy `name`'s options, checked: a number in [0, 1] (0 by default). */
export function labelSmoothing(name: string, opts: LossOptions | undefined): number {
  const s = opts?.labelSmoothing ?? 0;
  if (typeof s !== 'number' || !(s >= 0 && s <= 1)) {
    throw new ArgumentError(`${name}: labelSmoothing must be a number in [0, 1], got ${typeof s === 'number' ? s : (JSON.stringify(s) ?? typeof s)}`);
  }
  return s;
}

/**
 * A loss: (yTrue, yPred, options) ↦ a scalar (or with reduction 'none' the
 * per-example losses). Every built-in loss is a composition of differentiable
 * ops, so `grad` of it (of any order) just works.
 */
export type LossFunction = (yTrue: TensorLike, yPred: TensorLike, opts?: LossOptions) => Tensor;

/** Short alias of LossFunction. */
export type LossFn = LossFunction;

const reductions: readonly Reduction[] = ['mean', 'sum', 'none'];

/** Validates the options of loss `name`; `logits` says whether fromLogits may be true. */
export function lossOptions(name: string, opts: LossOptions | undefined, logits: boolean): { fromLogits: boolean; reduction: Reduction } {
  const reduction = opts?.reduction ?? 'mean';
  if (!reductions.includes(reduction)) {
    throw new ArgumentError(`${name}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  const fromLogits = opts?.fromLogits ?? false;
  if (fromLogits && !logits) {
    throw new ArgumentError(`${name}: fromLogits does not apply to a regression loss (yPred is compared with yTrue as it is)`);
  }
  return { fromLogits, reduction };
}

/**
 * yTrue and yPred as float tensors of one shape and yPred's dtype (yTrue is
 * cast to it, as Keras does). yTrue may also lack yPred's trailing axis of
 * size 1 (labels [batch] for predictions [batch,1]); it is then reshaped to
 * yPred's shape. Any other difference is a ShapeError naming the loss and
 * both shapes.
 */
export function samePair(name: string, yTrue: TensorLike, yPred: TensorLike): [Tensor, Tensor] {
  const p = floatTensor(name, 'yPred', yPred);
  let t = toTensor(name, 'yTrue', yTrue, p.dtype);
  if (p.rank === 0) {
    throw new ShapeError(`${name}: yPred must have at least one axis (the last axis is reduced per example), got shape []`);
  }
  const withTrailingOne = t.rank === p.rank - 1 && p.shape[p.rank - 1] === 1 && t.shape.every((d, i) => d === p.shape[i]);
  if (withTrailingOne) t = reshape(t, p.shape);
  if (t.rank !== p.rank || t.shape.some((d, i) => d !== p.shape[i])) {
    throw new ShapeError(`${name}: yTrue ${formatShape(t.shape)} and yPred ${formatShape(p.shape)} must have the same shape`);
  }
  return [t, p];
}

/** Combines per-example losses by `reduction`; the mean of no examples is 0. */
export function reduceLoss(perExample: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return perExample;
  if (reduction === 'sum' || perExample.size === 0) return sum(perExample);
  return mean(perExample);
}
