// The Digits lab's whole set-up: a plain object that round-trips through the
// URL hash (so a teacher can share it) and is sent to the training worker.
import {
  ACTIVATIONS,
  ACTIVATION_LABELS,
  LOSSES,
  LOSS_LABELS,
  OPTIMIZERS,
  OPTIMIZER_LABELS,
  type ActivationChoice,
  type LossChoice,
  type OptimizerChoice,
} from '../points/config.js';
import { num, pick } from '../url-params.js';

export { ACTIVATIONS, ACTIVATION_LABELS, LOSSES, LOSS_LABELS, OPTIMIZERS, OPTIMIZER_LABELS, type ActivationChoice, type LossChoice, type OptimizerChoice };

/** What the race compares: nothing (one network), the loss (cross-entropy against squared error) or two optimisers. */
export const RACES = ['off', 'loss', 'optimizer'] as const;
export type RaceChoice = (typeof RACES)[number];
export const RACE_LABELS: Record<RaceChoice, string> = { off: 'Off', loss: 'Losses', optimizer: 'Optimizers' };

export const LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3] as const;
export const BATCH_SIZES = [1, 8, 16, 32, 64, 128, 256] as const;
export const MAX_LAYERS = 4;
export const MAX_UNITS = 256;

export interface DigitsConfig {
  /** Units of each hidden layer (none: a softmax regression). */
  layers: number[];
  activation: ActivationChoice;
  loss: LossChoice;
  optimizer: OptimizerChoice;
  learningRate: number;
  batchSize: number;
  seed: number;
  race: RaceChoice;
  /** The optimiser and learning rate the first is raced against (race = 'optimizer'). */
  vsOptimizer: OptimizerChoice;
  vsLearningRate: number;
}

export const DEFAULT_DIGITS: DigitsConfig = {
  layers: [32],
  activation: 'sigmoid',
  loss: 'crossentropy',
  optimizer: 'sgd',
  learningRate: 0.3,
  batchSize: 32,
  seed: 1,
  race: 'off',
  vsOptimizer: 'adam',
  vsLearningRate: 0.003,
};

/** One of the networks trained: the first is the config's own, the second (in a race) its rival. */
export interface RunnerSpec {
  name: string;
  loss: LossChoice;
  optimizer: OptimizerChoice;
  learningRate: number;
}

/** The networks a config trains: one, or two from the same initial weights and the same batches. */
export function runners(c: DigitsConfig): RunnerSpec[] {
  const own: RunnerSpec = { name: '', loss: c.loss, optimizer: c.optimizer, learningRate: c.learningRate };
  if (c.race === 'loss') {
    const other: LossChoice = c.loss === 'mse' ? 'crossentropy' : 'mse';
    return [
      { ...own, name: LOSS_LABELS[c.loss].toLowerCase() },
      { ...own, loss: other, name: LOSS_LABELS[other].toLowerCase() },
    ];
  }
  if (c.race === 'optimizer') {
    return [
      { ...own, name: `${OPTIMIZER_LABELS[c.optimizer]} (η = ${c.learningRate})` },
      { ...own, optimizer: c.vsOptimizer, learningRate: c.vsLearningRate, name: `${OPTIMIZER_LABELS[c.vsOptimizer]} (η = ${c.vsLearningRate})` },
    ];
  }
  return [{ ...own, name: 'this network' }];
}

/** Hidden layer sizes from text like "64, 32" (empty: no hidden layer); null when invalid. */
export function parseLayers(text: string): number[] | null {
  const t = text.trim();
  if (t === '') return [];
  const parts = t.split(/[\s,]+/).filter((s) => s !== '');
  const sizes = parts.map(Number);
  if (sizes.length > MAX_LAYERS || !sizes.every((u) => Number.isInteger(u) && u >= 1 && u <= MAX_UNITS)) return null;
  return sizes;
}

/** The config as URL hash parameters (every field, so a shared link is complete). */
export function encodeDigits(c: DigitsConfig): URLSearchParams {
  return new URLSearchParams({
    layers: c.layers.join(','),
    activation: c.activation,
    loss: c.loss,
    optimizer: c.optimizer,
    lr: String(c.learningRate),
    batch: String(c.batchSize),
    seed: String(c.seed),
    race: c.race,
    vs: c.vsOptimizer,
    vsLr: String(c.vsLearningRate),
  });
}

/** Reads a config from hash parameters; anything missing or invalid takes its default. */
export function decodeDigits(p: URLSearchParams): DigitsConfig {
  const d = DEFAULT_DIGITS;
  const lay = p.get('layers');
  return {
    layers: (lay === null ? null : parseLayers(lay)) ?? d.layers,
    activation: pick(ACTIVATIONS, p.get('activation'), d.activation),
    loss: pick(LOSSES, p.get('loss'), d.loss),
    optimizer: pick(OPTIMIZERS, p.get('optimizer'), d.optimizer),
    learningRate: num(p.get('lr'), d.learningRate, 1e-6, 10),
    batchSize: num(p.get('batch'), d.batchSize, 1, 1024, true),
    seed: num(p.get('seed'), d.seed, 0, 2 ** 31, true),
    race: pick(RACES, p.get('race'), d.race),
    vsOptimizer: pick(OPTIMIZERS, p.get('vs'), d.vsOptimizer),
    vsLearningRate: num(p.get('vsLr'), d.vsLearningRate, 1e-6, 10),
  };
}
