// The network the Equations and Curvature labs work on: the Points lab's
// (its whole config, read with points/config.ts) or the Digits lab's (read
// defensively from that lab's URL parameters), as one plain object that the
// page sends to its worker and writes into the URL.
import { ACTIVATIONS, DEFAULT_POINTS, decodePoints, encodePoints, type LOSSES, OPTIMIZERS, type PointsConfig } from '../points/config.js';

export const SOURCES = ['points', 'digits'] as const;
export type Source = (typeof SOURCES)[number];
export const SOURCE_LABELS: Record<Source, string> = { points: 'Points network', digits: 'Digits network' };

/** The Digits lab's set-up, as far as these labs use it. */
export interface DigitsNet {
  layers: number[];
  activation: (typeof ACTIVATIONS)[number];
  loss: (typeof LOSSES)[number];
  optimizer: (typeof OPTIMIZERS)[number];
  learningRate: number;
  batchSize: number;
  seed: number;
}

export const DEFAULT_DIGITS: DigitsNet = {
  layers: [32],
  activation: 'relu',
  loss: 'crossentropy',
  optimizer: 'adam',
  learningRate: 0.01,
  batchSize: 32,
  seed: 1,
};

/** A network: where it comes from and its set-up. */
export type NetSpec = { source: 'points'; points: PointsConfig } | { source: 'digits'; digits: DigitsNet };

const num = (v: string | null, fallback: number, lo: number, hi: number, integer = false): number => {
  if (v === null || v.trim() === '') return fallback;
  const n = Number(v);
  return Number.isFinite(n) && n >= lo && n <= hi && (!integer || Number.isInteger(n)) ? n : fallback;
};

const LOSS_ALIASES: Record<string, (typeof LOSSES)[number]> = {
  crossentropy: 'crossentropy',
  'cross-entropy': 'crossentropy',
  ce: 'crossentropy',
  categoricalCrossentropy: 'crossentropy',
  mse: 'mse',
  squared: 'mse',
  meanSquaredError: 'mse',
};

/** The Digits lab's parameters (layers, activation, loss, optimizer, lr, batch, seed); anything missing or unknown takes a default. */
export function decodeDigits(p: URLSearchParams | null): DigitsNet {
  const d = DEFAULT_DIGITS;
  if (!p) return { ...d };
  let layers = d.layers;
  const lay = p.get('layers');
  if (lay !== null) {
    const parsed = lay.trim() === '' ? [] : lay.split(',').map(Number);
    if (parsed.length <= 4 && parsed.every((u) => Number.isInteger(u) && u >= 1 && u <= 256)) layers = parsed;
  }
  const act = p.get('activation');
  const opt = p.get('optimizer');
  return {
    layers,
    activation: (ACTIVATIONS as readonly string[]).includes(act ?? '') ? (act as DigitsNet['activation']) : d.activation,
    loss: LOSS_ALIASES[p.get('loss') ?? ''] ?? d.loss,
    optimizer: (OPTIMIZERS as readonly string[]).includes(opt ?? '') ? (opt as DigitsNet['optimizer']) : d.optimizer,
    learningRate: num(p.get('lr'), d.learningRate, 1e-6, 10),
    batchSize: num(p.get('batch'), d.batchSize, 1, 1797, true),
    seed: num(p.get('seed'), d.seed, 0, 2 ** 31, true),
  };
}

export function encodeDigits(d: DigitsNet): URLSearchParams {
  return new URLSearchParams({
    layers: d.layers.join(','),
    activation: d.activation,
    loss: d.loss,
    optimizer: d.optimizer,
    lr: String(d.learningRate),
    batch: String(d.batchSize),
    seed: String(d.seed),
  });
}

/** The network of `source` from that lab's URL parameters (null: its defaults). */
export function specOf(source: Source, params: URLSearchParams | null): NetSpec {
  return source === 'points' ? { source, points: params ? decodePoints(params) : { ...DEFAULT_POINTS } } : { source, digits: decodeDigits(params) };
}

/** The spec's own lab's parameters (to put in this lab's URL). */
export function encodeSpec(s: NetSpec): URLSearchParams {
  return s.source === 'points' ? encodePoints(s.points) : encodeDigits(s.digits);
}

/** Inputs, hidden layer sizes and outputs: [2, 4, 2, 1]. */
export function layerSizes(s: NetSpec): number[] {
  if (s.source === 'digits') return [64, ...s.digits.layers, 10];
  const c = s.points;
  return [c.features.length, ...c.layers, c.dataset === 'spiral3' ? 3 : 1];
}

/** The training set-up both kinds share. */
export function training(s: NetSpec): {
  activation: (typeof ACTIVATIONS)[number];
  loss: 'crossentropy' | 'mse';
  optimizer: string;
  learningRate: number;
  batchSize: number;
  seed: number;
} {
  const c = s.source === 'points' ? s.points : s.digits;
  return { activation: c.activation, loss: c.loss, optimizer: c.optimizer, learningRate: c.learningRate, batchSize: c.batchSize, seed: c.seed };
}
