import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { cast, floatTensor, toTensor, type TensorLike } from '../ops/convert.js';
import { greater, greaterEqual } from '../ops/compare.js';
import { argmax } from '../ops/reduce.js';
import { noGrad } from '../ops/stop.js';
import type { Tensor } from '../tensor/tensor.js';
import { binaryAccuracy, categoricalAccuracy, labelsFor, sparseCategoricalAccuracy } from './accuracy.js';
import { countConfusion, macroScore, type ScoreName } from './confusion.js';

/**
 * A stateful metric for training loops: `update` folds in one batch,
 * `result` reports the value over every example seen since `reset`.
 */
export interface Metric {
  /** The key under which the value is reported (Keras's history key: 'accuracy', 'precision', 'mse', ...). */
  name: string;
  /** Forgets every example seen. */
  reset(): void;
  /** Folds in one batch. */
  update(yTrue: Tensor, yPred: Tensor): void;
  /** The value over every example seen since the last reset (0 before any). */
  result(): number;
}

/** A per-example metric function: (yTrue, yPred) ↦ one value per example (shape [batch]). */
export type MetricFunction = (yTrue: TensorLike, yPred: TensorLike) => Tensor;

class MeanMetric implements Metric {
  private total = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly perExample: MetricFunction,
    /** A built-in per-example function (traceable: fit may compute it inside its compiled step). */
    readonly builtin = false,
  ) {}
  reset(): void {
    this.total = 0;
    this.count = 0;
  }
  update(yTrue: TensorLike, yPred: TensorLike): void {
    this.fold(noGrad(() => this.perExample(yTrue, yPred)).storage);
  }
  /** Folds in one batch's per-example values (computed by update, or inside fit's compiled step). */
  fold(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.total += values[i]!;
    this.count += values.length;
  }
  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }
}

/**
 * @internal How a training step can compute a metric's batch statistic
 * itself (inside a compiled plan): the per-example values of a mean metric,
 * `perExample(yTrue, yPred)`, which `fold` adds to the metric as `update`
 * would (the same values, summed in the same order). Null for a metric
 * without one (confusion-matrix scores, user metrics, which might read
 * values and so could not be traced): fit updates those eagerly.
 */
export function batchStatistic(m: Metric): { perExample: MetricFunction; fold(values: ArrayLike<number>): void } | null {
  return m instanceof MeanMetric && m.builtin ? { perExample: m.perExample, fold: (v) => m.fold(v) } : null;
}

/** @internal meanMetric for the built-in per-example functions (see batchStatistic). */
export function builtinMeanMetric(name: string, perExample: MetricFunction): Metric {
  return new MeanMetric(name, perExample, true);
}

/**
 * A Metric averaging a per-example function over every example seen since
 * reset: Σ values / number of values (not the mean of batch means, so
 * batches of different sizes weigh by their size).
 */
export function meanMetric(name: string, perExample: MetricFunction): Metric {
  return new MeanMetric(name, perExample);
}

/**
 * Accuracy chosen by the shapes, as Keras's compile does when the loss does
 * not decide: one output per example (yPred's last axis 1) → binary; labels
 * without a class axis (yTrue of lower rank, or a last axis of 1 against
 * yPred's K > 1) → sparse; otherwise categorical.
 */
export function accuracyByShape(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const t = toTensor('accuracy', 'yTrue', yTrue),
    p = toTensor('accuracy', 'yPred', yPred);
  const lastP = p.rank === 0 ? 1 : p.shape[p.rank - 1]!;
  if (lastP === 1) return binaryAccuracy(t, p);
  if (t.rank < p.rank || (t.rank > 0 && t.shape[t.rank - 1] === 1)) return sparseCategoricalAccuracy(t, p);
  return categoricalAccuracy(t, p);
}

function withoutTrailingOne(shape: readonly number[]): readonly number[] {
  return shape.length > 0 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
}

class ConfusionMetric implements Metric {
  private matrix: number[][] | null = null;
  constructor(
    readonly name: string,
    private readonly score: ScoreName,
    private readonly threshold: number,
  ) {}
  reset(): void {
    this.matrix = null;
  }
  update(yTrue: TensorLike, yPred: TensorLike): void {
    const { truth, predicted, classes } = noGrad(() => this.classesOf(yTrue, yPred));
    const m = countConfusion(this.name, truth, predicted, classes);
    if (this.matrix === null) this.matrix = m;
    else if (this.matrix.length !== classes) {
      throw new ShapeError(`${this.name}: this batch has ${classes} classes, earlier batches ${this.matrix.length} (reset() between models)`);
    } else {
      for (let i = 0; i < classes; i++) for (let j = 0; j < classes; j++) this.matrix[i]![j]! += m[i]![j]!;
    }
  }
  result(): number {
    return this.matrix === null ? 0 : macroScore(this.matrix, this.score);
  }
  private classesOf(yTrue: TensorLike, yPred: TensorLike) {
    const p = floatTensor(this.name, 'yPred', yPred);
    const t = toTensor(this.name, 'yTrue', yTrue);
    const last = p.rank === 0 ? 1 : p.shape[p.rank - 1]!;
    if (p.rank <= 1 || last === 1) {
      // one output per example: two classes, positive where yPred > threshold (labels: ≥ 0.5)
      const a = withoutTrailingOne(t.shape),
        b = withoutTrailingOne(p.shape);
      if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
        throw new ShapeError(`${this.name}: yTrue ${formatShape(t.shape)} and yPred ${formatShape(p.shape)} must have the same shape`);
      }
      return {
        truth: cast(greaterEqual(t, 0.5), 'int32').storage,
        predicted: cast(greater(p, this.threshold), 'int32').storage,
        classes: 2,
      };
    }
    const sameShape = t.rank === p.rank && t.shape.every((d, i) => d === p.shape[i]);
    const truth = sameShape ? argmax(t, -1) : labelsFor(this.name, t, p.shape);
    return { truth: truth.storage, predicted: argmax(p, -1).storage, classes: last };
  }
}

/**
 * A Metric accumulating a confusion matrix over updates and reporting the
 * macro-averaged precision, recall or F1 (see `precision`). Predictions of
 * shape [batch, K] with K > 1 are classified by argmax, against one-hot
 * labels of the same shape or integer labels [batch] / [batch,1]. One output
 * per example ([batch,1] or [batch]) is two classes: positive where
 * yPred > threshold (0.5 by default), labels positive where ≥ 0.5.
 */
export function classificationMetric(score: ScoreName, opts: { name?: string; threshold?: number } = {}): Metric {
  return new ConfusionMetric(opts.name ?? score, score, opts.threshold ?? 0.5);
}
