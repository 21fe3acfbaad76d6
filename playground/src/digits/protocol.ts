// Messages between the Digits page and its training worker. The page sends a
// config, commands and drawn digits; the worker answers with the test images
// once per reset, snapshots of the training (at most about 30 a second) and
// predictions for the drawn digit.
import type { EngineInfo } from '../lab.js';
import type { DigitsConfig } from './config.js';

export type ToWorker =
  /** New networks from `config`; `id` is echoed by this run's messages, so the page can drop stale ones. */
  | { type: 'reset'; id: number; config: DigitsConfig; play: boolean }
  | { type: 'play' }
  | { type: 'pause' }
  /** Train one epoch (one pass over the training images), then pause. */
  | { type: 'step' }
  /** Classify a drawn digit: 64 intensities 0..16, row by row (as the UCI digits); null when the pad was cleared. */
  | { type: 'predict'; pixels: Float32Array | null };

/** The test set, for the page to draw the misclassified examples. */
export interface DigitsData {
  type: 'data';
  id: number;
  trainCount: number;
  /** testCount×64 intensities 0..16, row by row. */
  testImages: Uint8Array;
  testLabels: Uint8Array;
  /** The networks trained (one, or two in a race), by name. */
  runners: string[];
}

/** One network's figures at the end of an epoch. */
export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

export interface DigitsSnapshot {
  type: 'snapshot';
  id: number;
  epoch: number;
  steps: number;
  running: boolean;
  /** Per runner, the epochs completed since the previous snapshot. */
  history: EpochPoint[][];
  /** The first network's test confusion matrix, 10×10 counts, row = true digit, column = predicted. */
  confusion: Int32Array;
  /** The first network's misclassified test examples: index into the test set and predicted digit. */
  wrong: { index: Int32Array; predicted: Uint8Array };
  /** The first network's first Dense layer's kernel [64, units], row-major. */
  firstLayer: { kernel: Float32Array; units: number };
  /** Set when a loss became NaN or infinite: training has stopped. */
  diverged: boolean;
}

/** The first network's class probabilities for the drawn digit. */
export interface DigitsPrediction {
  type: 'prediction';
  id: number;
  probabilities: Float32Array;
}

export type FromWorker = ({ type: 'ready' } & EngineInfo) | DigitsData | DigitsSnapshot | DigitsPrediction | { type: 'error'; message: string };
