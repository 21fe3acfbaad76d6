// Messages between the Equations lab's page and its worker. The worker
// explains the network with nabla (model.explain) once per reset or layout,
// then trains it and sends the current numbers of every quantity.
import type { EngineInfo } from '../lab.js';
import type { NetSpec } from '../nets/spec.js';

export const LAYOUTS = ['columns', 'rows'] as const;
export type Layout = (typeof LAYOUTS)[number];
export const LAYOUT_LABELS: Record<Layout, string> = {
  columns: 'Textbook: W·X + b',
  rows: 'Keras: X·W + b',
};

export type ToWorker =
  | { type: 'reset'; id: number; spec: NetSpec; layout: Layout; play: boolean }
  /** Explain again in another layout, keeping the weights. */
  | { type: 'layout'; layout: Layout }
  | { type: 'play' }
  | { type: 'pause' }
  /** One optimiser step, then pause. */
  | { type: 'step' };

/** One equation of the explanation. */
export interface EqLine {
  /** 'Z1', 'A1', 'J', 'dZ1', 'dW1', ... */
  name: string;
  /** `Z_{1} = W_{1} \cdot X + b_{1}` */
  latex: string;
  role: 'forward' | 'cost' | 'backward' | 'gradient';
  /** The layer (from 1), null for the cost. */
  layer: number | null;
  note: string | null;
}

/** A network's layer, for the block diagram. */
export interface LayerInfo {
  /** From 1, as the equations number them. */
  index: number;
  inputs: number;
  units: number;
  activation: string;
}

export interface EqExplain {
  type: 'explain';
  id: number;
  header: string[];
  lines: EqLine[];
  /** Every quantity's shape in the layout, m for the batch: { W1: ['4', '2'], X: ['2', 'm'], J: [] }. */
  shapes: Record<string, string[]>;
  /** "tanh′(z) = 1 − tanh²(z)", the derivatives the backward pass uses. */
  derivatives: string[];
  layers: LayerInfo[];
  layout: Layout;
  lossName: string;
  /** The examples the numbers are computed on. */
  batch: number;
}

/** A quantity's numbers: its shape, the top-left entries (at most 3 × 3) and its norm. */
export interface Quantity {
  shape: number[];
  rows: number[][];
  norm: number;
}

export interface EqSnapshot {
  type: 'snapshot';
  id: number;
  steps: number;
  epoch: number;
  running: boolean;
  /** The loss on the whole training set, now. */
  loss: number;
  /** The losses measured since the previous snapshot. */
  history: { step: number; loss: number }[];
  /** The numbers of every quantity (X, W1, Z1, ..., J, dZ3, dW3, ...) on the batch, at this step. */
  values: Record<string, Quantity>;
  diverged: boolean;
}

export type FromWorker = ({ type: 'ready' } & EngineInfo) | EqExplain | EqSnapshot | { type: 'error'; message: string };
