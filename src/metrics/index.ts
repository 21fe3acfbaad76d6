/**
 * Metrics: per-example functions (tensors of shape [batch]), confusion-matrix
 * scores on plain numbers, and stateful `Metric`s for training loops.
 */
export { binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy } from './accuracy.js';
export { meanSquaredError, meanAbsoluteError, mse, mae } from './regression.js';
export { confusionMatrix, precision, recall, f1 } from './confusion.js';
export type { ClassLabels, ClassificationOptions } from './confusion.js';
export { meanMetric, classificationMetric } from './metric.js';
export type { Metric, MetricFunction } from './metric.js';
export { getMetric, metricNames } from './registry.js';
export type { MetricName } from './registry.js';
