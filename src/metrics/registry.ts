import { ArgumentError } from '../core/errors.js';
import type { LossFunction } from '../losses/common.js';
import { canonicalLossName } from '../losses/registry.js';
import { binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy } from './accuracy.js';
import { accuracyByShape, builtinMeanMetric, classificationMetric, meanMetric, type Metric, type MetricFunction } from './metric.js';
import { meanAbsoluteError, meanSquaredError } from './regression.js';

type Factory = (name: string, lossName: string | LossFunction | undefined) => Metric;

function accuracyFor(name: string, loss: string | LossFunction | undefined): Metric {
  switch (canonicalLossName(loss)) {
    case 'binaryCrossentropy':
      return builtinMeanMetric(name, binaryAccuracy);
    case 'sparseCategoricalCrossentropy':
      return builtinMeanMetric(name, sparseCategoricalAccuracy);
    case 'categoricalCrossentropy':
      return builtinMeanMetric(name, categoricalAccuracy);
    default:
      return builtinMeanMetric(name, accuracyByShape);
  }
}

const mean =
  (fn: MetricFunction): Factory =>
  (name) =>
    builtinMeanMetric(name, fn);

const factories = {
  accuracy: accuracyFor,
  acc: accuracyFor,
  binaryAccuracy: mean(binaryAccuracy),
  binary_accuracy: mean(binaryAccuracy),
  categoricalAccuracy: mean(categoricalAccuracy),
  categorical_accuracy: mean(categoricalAccuracy),
  sparseCategoricalAccuracy: mean(sparseCategoricalAccuracy),
  sparse_categorical_accuracy: mean(sparseCategoricalAccuracy),
  precision: (name) => classificationMetric('precision', { name }),
  recall: (name) => classificationMetric('recall', { name }),
  f1: (name) => classificationMetric('f1', { name }),
  mse: mean(meanSquaredError),
  meanSquaredError: mean(meanSquaredError),
  mean_squared_error: mean(meanSquaredError),
  mae: mean(meanAbsoluteError),
  meanAbsoluteError: mean(meanAbsoluteError),
  mean_absolute_error: mean(meanAbsoluteError),
} satisfies Record<string, Factory>;

/** The metrics by name (with Keras's short and snake_case aliases). */
export type MetricName = keyof typeof factories;

/** Every metric name getMetric accepts. */
export const metricNames: readonly string[] = Object.freeze(Object.keys(factories));

function isMetric(x: unknown): x is Metric {
  const m = x as Metric;
  return typeof m === 'object' && m !== null && typeof m.update === 'function' && typeof m.result === 'function' && typeof m.reset === 'function';
}

/**
 * A fresh stateful Metric, named by its Keras history key (the name asked
 * for: 'accuracy', 'acc', 'precision', 'mse', ...).
 *
 * - 'accuracy' / 'acc' picks the accuracy that fits the loss, as Keras does:
 *   binaryCrossentropy → binary accuracy, sparseCategoricalCrossentropy →
 *   sparse categorical accuracy, categoricalCrossentropy → categorical
 *   accuracy. For any other loss (or none) it decides from each batch's
 *   shapes like Keras's compile: yPred [batch,1] → binary; integer labels
 *   without a class axis → sparse; otherwise categorical.
 * - 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy',
 *   'mse' / 'meanSquaredError', 'mae' / 'meanAbsoluteError' (and snake_case):
 *   per-example values averaged over all examples since reset.
 * - 'precision', 'recall', 'f1': macro averages from a confusion matrix
 *   accumulated over updates; a model with one (sigmoid) output is two
 *   classes, thresholded at 0.5.
 *
 * A Metric object is returned as it is; a function (yTrue, yPred) ↦ per-example
 * values becomes a mean metric named after the function. Unknown names throw
 * an ArgumentError listing the known ones.
 */
export function getMetric(metric: string | Metric | MetricFunction, lossName?: string | LossFunction): Metric {
  if (typeof metric === 'function') return meanMetric(metric.name || 'metric', metric);
  if (isMetric(metric)) return metric;
  if (typeof metric !== 'string' || !Object.hasOwn(factories, metric)) {
    throw new ArgumentError(`getMetric: unknown metric ${JSON.stringify(metric)}; known metrics: ${metricNames.join(', ')}`);
  }
  return factories[metric as MetricName](metric, lossName);
}
