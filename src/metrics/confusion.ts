import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { argmax } from '../ops/reduce.js';
import { noGrad } from '../ops/stop.js';
import { type Tensor, isTensor } from '../tensor/tensor.js';

/**
 * Class labels for confusionMatrix, precision, recall and f1: integer class
 * indices as an array, a typed array, or a tensor of shape [n] or [n,1]. A
 * tensor of shape [n,K] with K > 1 (one-hot labels, or class scores and
 * probabilities) is first reduced to its argmax along the last axis.
 */
export type ClassLabels = ArrayLike<number> | Tensor;

/** Options of precision, recall and f1. */
export interface ClassificationOptions {
  /** The number of classes K (indices 0 … K−1); default: the largest index seen + 1. */
  numClasses?: number;
  /**
   * 'macro' (default): the unweighted mean of the per-class scores over the
   * classes that occur in labels or predictions (scikit-learn's default set
   * of labels); 'none': the score of each class 0 … K−1.
   */
  average?: 'macro' | 'none';
}

/** The flat class indices held by `x` (validated as non-negative integers). */
export function classIndices(op: string, what: string, x: ClassLabels): number[] {
  let values: ArrayLike<number>;
  if (isTensor(x)) {
    let t = x;
    if (t.rank === 2 && t.shape[1]! > 1) t = noGrad(() => argmax(t, -1));
    else if (t.rank > 1 && !(t.rank === 2 && t.shape[1] === 1)) {
      throw new ShapeError(`${op}: ${what} must have shape [n], [n,1] or [n,K] (K classes, reduced by argmax), got ${formatShape(t.shape)}`);
    }
    values = t.storage;
  } else {
    values = x;
  }
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (!Number.isInteger(v) || v < 0) {
      throw new ArgumentError(
        `${op}: ${what} must be non-negative integer class indices, got ${values[i]} at index ${i} (threshold probabilities first, e.g. nb.greater(p, 0.5))`,
      );
    }
    out[i] = v;
  }
  return out;
}

/**
 * The K×K confusion matrix: entry [i][j] counts the examples of true class i
 * predicted as class j (rows = true class, columns = predicted class, as in
 * scikit-learn and tf.math.confusionMatrix). `labels` and `predictions` are
 * class indices of equal length (see ClassLabels); K is `numClasses`, or the
 * largest index in either + 1.
 *
 *     confusionMatrix([0, 1, 1, 2], [0, 2, 1, 2])   // [[1,0,0],[0,1,1],[0,0,1]]
 */
export function confusionMatrix(labels: ClassLabels, predictions: ClassLabels, numClasses?: number): number[][] {
  return countConfusion('confusionMatrix', labels, predictions, numClasses);
}

/** confusionMatrix with `op` naming the caller in error messages. */
export function countConfusion(op: string, labels: ClassLabels, predictions: ClassLabels, numClasses?: number): number[][] {
  const truth = classIndices(op, 'labels', labels);
  const predicted = classIndices(op, 'predictions', predictions);
  if (truth.length !== predicted.length) {
    throw new ShapeError(`${op}: labels (${truth.length} examples) and predictions (${predicted.length} examples) must have the same length`);
  }
  let k: number;
  if (numClasses === undefined) {
    k = 0;
    for (const v of truth) k = Math.max(k, v + 1);
    for (const v of predicted) k = Math.max(k, v + 1);
  } else {
    if (!Number.isInteger(numClasses) || numClasses <= 0) throw new ArgumentError(`${op}: numClasses must be a positive integer, got ${numClasses}`);
    k = numClasses;
    const bad = truth.find((v) => v >= k) ?? predicted.find((v) => v >= k);
    if (bad !== undefined) throw new ArgumentError(`${op}: class index ${bad} is out of range for numClasses ${k}`);
  }
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) matrix[truth[i]!]![predicted[i]!]! += 1;
  return matrix;
}

/** The three per-class scores computed from a confusion matrix. */
export type ScoreName = 'precision' | 'recall' | 'f1';

/**
 * Per-class scores from a confusion matrix C (rows true, columns predicted):
 * precision_k = C[k][k] / Σᵢ C[i][k], recall_k = C[k][k] / Σⱼ C[k][j],
 * f1_k = 2·precision_k·recall_k / (precision_k + recall_k). A zero
 * denominator gives 0 (scikit-learn's zero_division=0).
 */
export function perClassScores(matrix: readonly (readonly number[])[], score: ScoreName): number[] {
  const k = matrix.length;
  const out: number[] = [];
  for (let c = 0; c < k; c++) {
    const tp = matrix[c]![c]!;
    let predicted = 0,
      actual = 0;
    for (let i = 0; i < k; i++) {
      predicted += matrix[i]![c]!;
      actual += matrix[c]![i]!;
    }
    const p = predicted === 0 ? 0 : tp / predicted;
    const r = actual === 0 ? 0 : tp / actual;
    out.push(score === 'precision' ? p : score === 'recall' ? r : p + r === 0 ? 0 : (2 * p * r) / (p + r));
  }
  return out;
}

/**
 * The macro average of a score: the mean of the per-class scores over the
 * classes that occur (as a true or a predicted class); 0 when none does.
 */
export function macroScore(matrix: readonly (readonly number[])[], score: ScoreName): number {
  const scores = perClassScores(matrix, score);
  let total = 0,
    n = 0;
  for (let c = 0; c < matrix.length; c++) {
    let occurs = false;
    for (let i = 0; i < matrix.length && !occurs; i++) occurs = matrix[c]![i]! > 0 || matrix[i]![c]! > 0;
    if (occurs) {
      total += scores[c]!;
      n++;
    }
  }
  return n === 0 ? 0 : total / n;
}

function scoreOf(op: ScoreName, labels: ClassLabels, predictions: ClassLabels, opts: ClassificationOptions): number | number[] {
  const average = opts.average ?? 'macro';
  if (average !== 'macro' && average !== 'none') throw new ArgumentError(`${op}: average must be 'macro' or 'none', got ${JSON.stringify(average)}`);
  const matrix = countConfusion(op, labels, predictions, opts.numClasses);
  return average === 'none' ? perClassScores(matrix, op) : macroScore(matrix, op);
}

/**
 * Precision, TP / (TP + FP) for each class k (of the examples predicted as
 * k, the fraction that are k). A class that is never predicted gets 0
 * (scikit-learn's zero_division=0). With average 'macro' (default) the
 * unweighted mean over the classes that occur in labels or predictions; with
 * 'none' one score per class 0 … K−1.
 *
 *     precision([0, 0, 1, 1], [0, 1, 1, 1])                       // (1/1 + 2/3)/2 = 5/6
 *     precision([0, 0, 1, 1], [0, 1, 1, 1], { average: 'none' })  // [1, 2/3]
 */
export function precision(labels: ClassLabels, predictions: ClassLabels, opts?: ClassificationOptions & { average?: 'macro' }): number;
export function precision(labels: ClassLabels, predictions: ClassLabels, opts: ClassificationOptions & { average: 'none' }): number[];
export function precision(labels: ClassLabels, predictions: ClassLabels, opts?: ClassificationOptions): number | number[];
export function precision(labels: ClassLabels, predictions: ClassLabels, opts: ClassificationOptions = {}): number | number[] {
  return scoreOf('precision', labels, predictions, opts);
}

/**
 * Recall, TP / (TP + FN) for each class k (of the examples of class k, the
 * fraction predicted as k). A class with no true examples gets 0
 * (zero_division=0). Averaging as in precision.
 */
export function recall(labels: ClassLabels, predictions: ClassLabels, opts?: ClassificationOptions & { average?: 'macro' }): number;
export function recall(labels: ClassLabels, predictions: ClassLabels, opts: ClassificationOptions & { average: 'none' }): number[];
export function recall(labels: ClassLabels, predictions: ClassLabels, opts?: ClassificationOptions): number | number[];
export function recall(labels: ClassLabels, predictions: ClassLabels, opts: ClassificationOptions = {}): number | number[] {
  return scoreOf('recall', labels, predictions, opts);
}

/**
 * The F1 score, the harmonic mean 2·P·R / (P + R) of each class's precision
 * and recall (0 when both are 0, zero_division=0). The macro F1 is the mean
 * of the per-class F1 scores (not the F1 of the macro precision and recall),
 * as in scikit-learn. Averaging as in precision.
 */
export function f1(labels: ClassLabels, predictions: ClassLabels, opts?: ClassificationOptions & { average?: 'macro' }): number;
export function f1(labels: ClassLabels, predictions: ClassLabels, opts: ClassificationOptions & { average: 'none' }): number[];
export function f1(labels: ClassLabels, predictions: ClassLabels, opts?: ClassificationOptions): number | number[];
export function f1(labels: ClassLabels, predictions: ClassLabels, opts: ClassificationOptions = {}): number | number[] {
  return scoreOf('f1', labels, predictions, opts);
}
