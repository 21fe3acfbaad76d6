// Messages between the page and the training worker. The page sends a
// config and commands; the worker answers with the data once per reset and
// snapshots of the training (at most about 30 a second).
import type { EngineInfo } from '../lab.js';
import type { PointsConfig } from './config.js';

export type ToWorker =
  /** A new network from `config`; `id` is echoed by the data and snapshots of this network, so the page can drop stale ones. */
  | { type: 'reset'; id: number; config: PointsConfig; play: boolean }
  | { type: 'play' }
  | { type: 'pause' }
  /** Train one epoch (one pass over the training points), then pause. */
  | { type: 'step' };

/** The points of a reset: train and test sets (x₁, x₂ interleaved) with their classes. */
export interface PointsData {
  type: 'data';
  id: number;
  classes: number;
  train: { xy: Float32Array; label: Uint8Array };
  test: { xy: Float32Array; label: Uint8Array };
}

/** One layer's outputs on the unit grid: units maps of res×res values each (unit-major). */
export interface LayerMaps {
  units: number;
  values: Float32Array;
}

export interface PointsSnapshot {
  type: 'snapshot';
  /** The reset this network came from. */
  id: number;
  /** Completed epochs and batch steps. */
  epoch: number;
  steps: number;
  running: boolean;
  /** Train and test loss (the data loss, without regularisation) at each completed epoch since the last snapshot. */
  history: { epoch: number; train: number; test: number }[];
  trainLoss: number;
  testLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** The network's output on the res×res output grid: P(class 1) per cell, or per-class probabilities (class-major) for 3 classes. */
  output: { res: number; values: Float32Array };
  /** Feature maps (layer 0), then each hidden layer's and the output layer's unit maps, on the smaller unit grid. */
  maps: { res: number; layers: LayerMaps[] };
  /** Each Dense layer's kernel [in, out] row-major and bias [out]. */
  weights: { kernel: Float32Array; bias: Float32Array; inputs: number; units: number }[];
  /** Set when the loss became NaN or infinite: training has stopped. */
  diverged: boolean;
}

export type FromWorker = ({ type: 'ready' } & EngineInfo) | PointsData | PointsSnapshot | { type: 'error'; message: string };

/** The extent of the plotted square: x₁, x₂ ∈ [-EXTENT, EXTENT]. */
export const EXTENT = 6;
export const OUTPUT_RES = 100;
export const UNIT_RES = 24;
