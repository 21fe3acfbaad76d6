import { scoped } from '../autograd/tape.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { add, clip, div, exp, log, log1p, mul, neg, sub } from '../ops/arithmetic.js';
import { greaterEqual, where } from '../ops/compare.js';
import { cast, floatTensor, toTensor, type TensorLike } from '../ops/convert.js';
import { mean, sum } from '../ops/reduce.js';
import { logSoftmax } from '../ops/activations.js';
import { oneHotRows, reshape } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { labelSmoothing, lossOptions, reduceLoss, samePair, type LossOptions } from './common.js';

/**
 * Keras's fuzz factor: probabilities are clipped to [ε, 1 − ε] before their
 * logarithm is taken, so that a confident wrong prediction costs
 * −ln ε ≈ 16.1 rather than infinity. Gradients are 0 where clipping is active.
 */
export const EPSILON = 1e-7;

/**
 * Binary cross-entropy for independent yes/no outputs (one or more per
 * example, e.g. a sigmoid output of shape [batch,1]). yTrue holds 0/1 labels
 * (or soft labels in [0,1]) of yPred's shape; labels of shape [batch] are
 * accepted for predictions [batch,1]. Per example (mean over the last axis):
 *
 * - probabilities (default): p = clip(yPred, ε, 1 − ε) with ε = 1e-7 (Keras),
 *   loss = −mean(y·ln p + (1 − y)·ln(1 − p));
 * - `fromLogits: true`: for logits z, loss = mean(max(z, 0) − z·y + ln(1 + e^(−|z|)))
 *   (= softplus(z) − z·y), finite with finite first and second derivatives
 *   for z = ±1000, and with the exact derivative σ(z) − y at z = 0.
 *
 * Then `reduction` (default 'mean') over the examples. With `labelSmoothing` s the labels
 * become y(1 − s) + s/2 first (Keras).
 */
export function binaryCrossentropy(yTrue: TensorLike, yPred: TensorLike, opts?: LossOptions): Tensor {
  return scoped('binaryCrossentropy', 'loss', [yTrue, yPred], { ...opts }, () => {
    const name = 'binaryCrossentropy';
    const { fromLogits, reduction } = lossOptions(name, opts, true);
    const smoothing = labelSmoothing(name, opts);
    const [y0, z] = samePair(name, yTrue, yPred);
    const y = smoothing === 0 ? y0 : add(mul(y0, 1 - smoothing), 0.5 * smoothing);
    let elementwise: Tensor;
    if (fromLogits) {
      elementwise = sigmoidCrossEntropyWithLogits(y, z);
    } else {
      const p = clip(z, EPSILON, 1 - EPSILON);
      elementwise = neg(add(mul(y, log(p)), mul(sub(1, y), log1p(neg(p)))));
    }
    return reduceLoss(mean(elementwise, -1), reduction);
  });
}

/**
 * max(z, 0) − z·y + ln(1 + e^(−|z|)) elementwise (TensorFlow's
 * sigmoid_cross_entropy_with_logits), written branch by branch with the
 * "double where" rather than with relu and abs, whose kinks at 0 would give
 * the wrong derivative there: z ≥ 0 gives z·(1 − y) + ln(1 + e^(−z)), z < 0
 * gives −z·y + ln(1 + eᶻ). Each branch sees only inputs that keep it finite,
 * and the linear part is computed without the cancellation of softplus(z) − z·y.
 */
function sigmoidCrossEntropyWithLogits(y: Tensor, z: Tensor): Tensor {
  const positive = greaterEqual(z, 0);
  const zPos = where(positive, z, 0);
  const zNeg = where(positive, 0, z);
  const whenPositive = add(mul(zPos, sub(1, y)), log1p(exp(neg(zPos))));
  const whenNegative = add(neg(mul(zNeg, y)), log1p(exp(zNeg)));
  return where(positive, whenPositive, whenNegative);
}

/**
 * The per-example categorical cross-entropy −Σ y·ln p over the last axis.
 * Probabilities are first normalised to sum to 1 along the last axis and
 * clipped to [ε, 1 − ε] (Keras); logits go through logSoftmax (max-shifted, one fused kernel).
 */
function categoricalPerExample(y: Tensor, z: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) return neg(sum(mul(y, logSoftmax(z, -1)), -1));
  const p = clip(div(z, sum(z, -1, true)), EPSILON, 1 - EPSILON);
  return neg(sum(mul(y, log(p)), -1));
}

/**
 * Categorical cross-entropy for one-of-K classification. yTrue holds one-hot
 * (or soft, summing to 1) rows of yPred's shape [..., K]. Per example (over
 * the last axis):
 *
 * - probabilities (default): p = clip(yPred / Σ yPred, ε, 1 − ε) with
 *   ε = 1e-7 (Keras normalises the rows, then clips), loss = −Σ y·ln p;
 * - `fromLogits: true`: loss = −Σ y·logSoftmax(z) with a max-shifted
 *   log-softmax, finite and accurate for logits of ±1000.
 *
 * Then `reduction` (default 'mean') over the examples. With `labelSmoothing` s the labels
 * become y(1 − s) + s/K first for K classes (Keras).
 *
 *     categoricalCrossentropy([[0, 1, 0]], [[0.2, 0.5, 0.3]])   // −ln 0.5 ≈ 0.693
 */
export function categoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, opts?: LossOptions): Tensor {
  return scoped('categoricalCrossentropy', 'loss', [yTrue, yPred], { ...opts }, () => {
    const name = 'categoricalCrossentropy';
    const { fromLogits, reduction } = lossOptions(name, opts, true);
    const smoothing = labelSmoothing(name, opts);
    const [y0, z] = samePair(name, yTrue, yPred);
    const y = smoothing === 0 ? y0 : add(mul(y0, 1 - smoothing), smoothing / z.shape[z.rank - 1]!);
    return reduceLoss(categoricalPerExample(y, z, fromLogits), reduction);
  });
}

/**
 * Categorical cross-entropy with integer labels: yTrue holds one class index
 * in [0, K) per example (int32, or floats holding integers), of shape
 * yPred.shape without its last axis ([batch] for yPred [batch,K]) or with a
 * trailing 1 ([batch,1]). Exactly categoricalCrossentropy(oneHot(yTrue, K),
 * yPred, opts); so for probabilities the rows are normalised and then clipped.
 * (Keras's sparse variant clips first and then normalises; the two agree
 * whenever no probability is within 1e-7 of 0 or 1.) `labelSmoothing` applies to the one-hot rows.
 */
export function sparseCategoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, opts?: LossOptions): Tensor {
  return scoped('sparseCategoricalCrossentropy', 'loss', [yTrue, yPred], { ...opts }, () => {
    const name = 'sparseCategoricalCrossentropy';
    const { fromLogits, reduction } = lossOptions(name, opts, true);
    const z = floatTensor(name, 'yPred', yPred);
    if (z.rank === 0) throw new ShapeError(`${name}: yPred must have a class axis (its last), got shape []`);
    const classes = z.shape[z.rank - 1]!;
    const smoothing = labelSmoothing(name, opts);
    const labels = classLabels(name, yTrue, z.shape, classes);
    // oneHot's rows without its second check of the values (done above, or by fit)
    const y0 = oneHotRows(labels, classes, z.dtype === 'float64' ? 'float64' : 'float32');
    const y = smoothing === 0 ? y0 : add(mul(y0, 1 - smoothing), smoothing / classes);
    return reduceLoss(categoricalPerExample(y, z, fromLogits), reduction);
  });
}

/**
 * Integer class labels for predictions of shape `predShape` ([..., K]): of
 * shape predShape[:-1] or predShape[:-1] + [1], each an integer in [0, K).
 * Returns them as int32 of shape predShape[:-1].
 */
function classLabels(name: string, yTrue: TensorLike, predShape: readonly number[], classes: number): Tensor {
  const t = toTensor(name, 'yTrue', yTrue);
  const batchShape = predShape.slice(0, -1);
  const fits = (shape: readonly number[]) => shape.length === batchShape.length && shape.every((d, i) => d === batchShape[i]);
  const withOne = t.rank === batchShape.length + 1 && t.shape[t.rank - 1] === 1 && fits(t.shape.slice(0, -1));
  if (!fits(t.shape) && !withOne) {
    const expected = formatShape(batchShape);
    const expectedOne = formatShape([...batchShape, 1]);
    throw new ShapeError(
      `${name}: yTrue ${formatShape(t.shape)} must hold one class index per example of yPred ${formatShape(predShape)} (shape ${expected} or ${expectedOne})`,
    );
  }
  if (t.placeholder === null) {
    const bad = firstBadClassIndex(t.storage, classes);
    if (bad >= 0) throw new ArgumentError(`${name}: yTrue must hold integer class indices in [0, ${classes}), got ${t.storage[bad]} at flat index ${bad}`);
  } else if (checkedLabels.depth === 0) {
    void t.storage; // a traced label's value cannot be checked: the TraceError that makes nb.jit run the function eagerly
  }
  return reshape(t.dtype === 'int32' ? t : cast(t, 'int32'), batchShape);
}

/**
 * @internal Above 0 while fit traces its compiled step on labels it has
 * checked itself, all of them, before training (see fit): the loss then
 * skips the check of their values, which a trace cannot read.
 */
export const checkedLabels = { depth: 0 };

/** The index of the first value that is not an integer class index in [0, classes), or -1. */
export function firstBadClassIndex(values: ArrayLike<number>, classes: number): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= classes) return i;
  }
  return -1;
}
