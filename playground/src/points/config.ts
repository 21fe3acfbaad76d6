// The Points lab's whole set-up: a plain object that round-trips through the
// URL hash (so a teacher can share it) and is sent to the training worker.
import { num, pick } from '../url-params.js';

export const DATASETS = ['circle', 'xor', 'gauss', 'spiral', 'spiral3'] as const;
export type DatasetName = (typeof DATASETS)[number];
export const DATASET_LABELS: Record<DatasetName, string> = {
  circle: 'Circle',
  xor: 'Exclusive or',
  gauss: 'Gaussian',
  spiral: 'Spiral',
  spiral3: 'Spiral, 3 classes',
};

export const FEATURES = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;
export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_LABELS: Record<FeatureName, string> = {
  x1: 'x₁',
  x2: 'x₂',
  x1sq: 'x₁²',
  x2sq: 'x₂²',
  x1x2: 'x₁x₂',
  sinx1: 'sin x₁',
  sinx2: 'sin x₂',
};

export const ACTIVATIONS = ['tanh', 'sigmoid', 'relu', 'leakyRelu', 'swish'] as const;
export type ActivationChoice = (typeof ACTIVATIONS)[number];
export const ACTIVATION_LABELS: Record<ActivationChoice, string> = {
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  relu: 'ReLU',
  leakyRelu: 'Leaky ReLU',
  swish: 'Swish',
};

export const LOSSES = ['crossentropy', 'mse'] as const;
export type LossChoice = (typeof LOSSES)[number];
export const LOSS_LABELS: Record<LossChoice, string> = { crossentropy: 'Cross-entropy', mse: 'Squared error' };

export const OPTIMIZERS = ['sgd', 'momentum', 'rmsprop', 'adam', 'adagrad'] as const;
export type OptimizerChoice = (typeof OPTIMIZERS)[number];
export const OPTIMIZER_LABELS: Record<OptimizerChoice, string> = {
  sgd: 'SGD',
  momentum: 'Momentum',
  rmsprop: 'RMSprop',
  adam: 'Adam',
  adagrad: 'AdaGrad',
};

export const REGULARIZERS = ['none', 'l1', 'l2'] as const;
export type RegularizerChoice = (typeof REGULARIZERS)[number];
export const REGULARIZER_LABELS: Record<RegularizerChoice, string> = { none: 'None', l1: 'L1', l2: 'L2' };

export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const MAX_LAYERS = 6;
export const MAX_UNITS = 8;
/** The largest batch (points a step): TensorFlow Playground's range, 1 to 30; a URL asking for more gets this. */
export const MAX_BATCH = 30;

export interface PointsConfig {
  dataset: DatasetName;
  /** Label noise as a percentage of the data's spread, 0-50. */
  noise: number;
  /** Percentage of the points used for training, 10-90; the rest is the test set. */
  trainPercent: number;
  /** Points a gradient step, 1 to MAX_BATCH. */
  batchSize: number;
  features: FeatureName[];
  /** Units of each hidden layer. */
  layers: number[];
  activation: ActivationChoice;
  loss: LossChoice;
  optimizer: OptimizerChoice;
  learningRate: number;
  regularization: RegularizerChoice;
  regRate: number;
  seed: number;
}

export const DEFAULT_POINTS: PointsConfig = {
  dataset: 'circle',
  noise: 0,
  trainPercent: 50,
  batchSize: 10,
  features: ['x1', 'x2'],
  layers: [4, 2],
  activation: 'tanh',
  loss: 'crossentropy',
  optimizer: 'sgd',
  learningRate: 0.03,
  regularization: 'none',
  regRate: 0,
  seed: 1,
};

/** The number of classes of a data set (2 for TF Playground's, 3 for the three-armed spiral). */
export function classCount(dataset: DatasetName): number {
  return dataset === 'spiral3' ? 3 : 2;
}

/** The config as URL hash parameters (every field, so a shared link is complete). */
export function encodePoints(c: PointsConfig): URLSearchParams {
  return new URLSearchParams({
    dataset: c.dataset,
    noise: String(c.noise),
    train: String(c.trainPercent),
    batch: String(c.batchSize),
    features: c.features.join(','),
    layers: c.layers.join(','),
    activation: c.activation,
    loss: c.loss,
    optimizer: c.optimizer,
    lr: String(c.learningRate),
    reg: c.regularization,
    regRate: String(c.regRate),
    seed: String(c.seed),
  });
}

/** Reads a config from hash parameters; anything missing or invalid takes its default. */
export function decodePoints(p: URLSearchParams): PointsConfig {
  const d = DEFAULT_POINTS;
  const feats = p.get('features');
  const features = feats === null ? d.features : feats.split(',').filter((f): f is FeatureName => (FEATURES as readonly string[]).includes(f));
  const lay = p.get('layers');
  let layers = d.layers;
  if (lay !== null) {
    const parsed = lay === '' ? [] : lay.split(',').map(Number);
    if (parsed.length <= MAX_LAYERS && parsed.every((u) => Number.isInteger(u) && u >= 1 && u <= MAX_UNITS)) layers = parsed;
  }
  return {
    dataset: pick(DATASETS, p.get('dataset'), d.dataset),
    noise: num(p.get('noise'), d.noise, 0, 50, true),
    trainPercent: num(p.get('train'), d.trainPercent, 10, 90, true),
    batchSize: Math.min(num(p.get('batch'), d.batchSize, 1, Number.MAX_SAFE_INTEGER, true), MAX_BATCH),
    features: features.length > 0 ? [...new Set(features)] : d.features,
    layers,
    activation: pick(ACTIVATIONS, p.get('activation'), d.activation),
    loss: pick(LOSSES, p.get('loss'), d.loss),
    optimizer: pick(OPTIMIZERS, p.get('optimizer'), d.optimizer),
    learningRate: num(p.get('lr'), d.learningRate, 1e-6, 10),
    regularization: pick(REGULARIZERS, p.get('reg'), d.regularization),
    regRate: num(p.get('regRate'), d.regRate, 0, 10),
    seed: num(p.get('seed'), d.seed, 0, 2 ** 31, true),
  };
}
