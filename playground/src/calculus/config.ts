// The Calculus lab's set-up as URL hash parameters: the part on show, the
// curve and its point, the surface with its learning rate and start, and the
// model whose landscape is drawn (the Points lab's set-up, prefixed `net.`).
import { decodePoints, DEFAULT_POINTS, encodePoints, type PointsConfig } from '../points/config.js';
import { CURVE_INFO, CURVES, type CurveName, SURFACE_INFO, SURFACES, type SurfaceName } from './functions.js';
import type { LandscapeDirections } from './protocol.js';
import { num, pick } from '../url-params.js';

export const PARTS = ['tangent', 'surface', 'landscape'] as const;
export type PartName = (typeof PARTS)[number];
export const PART_LABELS: Record<PartName, string> = { tangent: 'The tangent', surface: 'The cost surface', landscape: "The model's landscape" };

/** The learning rates offered by the curve's and the surface's sliders (log-spaced). */
export const RATES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2] as const;
export const DIRECTIONS: readonly LandscapeDirections[] = ['pca', 'random'];
/** The landscape's epochs when neither the URL nor the Points lab says: its own default. */
export const DEFAULT_EPOCHS = 60;
/** The fewest epochs the landscape trains: θ₀ and two epochs give the 3 path points PCA directions need. */
export const MIN_EPOCHS = 2;
/** The most epochs the landscape trains. */
export const MAX_EPOCHS = 1000;

export interface CalculusConfig {
  part: PartName;
  curve: CurveName;
  /** Where the point on the curve starts. */
  x: number;
  /** η of the descent on the curve. */
  curveLr: number;
  surface: SurfaceName;
  /** η shared by the four balls. */
  lr: number;
  /** The balls' start (w₁, w₂). */
  start: [number, number];
  /** The network of the model landscape (the Points lab's set-up). */
  net: PointsConfig;
  /** Epochs the network trains for. */
  epochs: number;
  directions: LandscapeDirections;
}

export function defaultConfig(net: PointsConfig = DEFAULT_POINTS): CalculusConfig {
  return {
    part: 'tangent',
    curve: 'cubic',
    x: CURVE_INFO.cubic.x0,
    curveLr: CURVE_INFO.cubic.lr,
    surface: 'ravine',
    lr: SURFACE_INFO.ravine.lr,
    start: [...SURFACE_INFO.ravine.start],
    net,
    epochs: DEFAULT_EPOCHS,
    directions: 'pca',
  };
}

/** The set-up as hash parameters: every field (so a shared link is complete), the network's as `net.<Points parameter>`. */
export function encodeCalculus(c: CalculusConfig): URLSearchParams {
  const p = new URLSearchParams({
    part: c.part,
    curve: c.curve,
    x: String(c.x),
    curveLr: String(c.curveLr),
    surface: c.surface,
    lr: String(c.lr),
    start: c.start.join(','),
    epochs: String(c.epochs),
    directions: c.directions,
  });
  for (const [k, v] of encodePoints(c.net)) p.set(`net.${k}`, v);
  return p;
}

/** `n` epochs within the landscape's range. */
export const landscapeEpochs = (n: number) => Math.min(MAX_EPOCHS, Math.max(MIN_EPOCHS, Math.round(n)));

/** Whether a set-up's landscape follows the Points lab: no `net.` parameters and no `epochs` (a link that names them trains what it names). */
export const followsPoints = (p: URLSearchParams) => !p.has('epochs') && ![...p.keys()].some((k) => k.startsWith('net.'));

/**
 * Reads a set-up from hash parameters; anything missing or invalid takes its
 * default. The network is the `net.` parameters when there are any, else
 * `points` (the Points lab's set-up in this page), else Points' defaults; the
 * epochs are the `epochs` parameter, else, when the network is the Points
 * lab's, `pointsEpoch` (how far the Points lab has trained it: training is
 * seeded, so as many epochs here give the same weights) when it has trained,
 * else DEFAULT_EPOCHS.
 */
export function decodeCalculus(p: URLSearchParams, points: URLSearchParams | null = null, pointsEpoch: number | null = null): CalculusConfig {
  const curve = pick(CURVES, p.get('curve'), 'cubic');
  const surface = pick(SURFACES, p.get('surface'), 'ravine');
  const [lo, hi] = CURVE_INFO[curve].domain;
  const [a0, a1, b0, b1] = SURFACE_INFO[surface].domain;
  const s = (p.get('start') ?? '').split(',').map(Number);
  const start: [number, number] =
    s.length === 2 && s[0]! >= a0 && s[0]! <= a1 && s[1]! >= b0 && s[1]! <= b1 ? [s[0]!, s[1]!] : [...SURFACE_INFO[surface].start];
  const net = new URLSearchParams();
  for (const [k, v] of p) if (k.startsWith('net.')) net.set(k.slice(4), v);
  return {
    part: pick(PARTS, p.get('part'), 'tangent'),
    curve,
    x: num(p.get('x'), CURVE_INFO[curve].x0, lo, hi),
    curveLr: num(p.get('curveLr'), CURVE_INFO[curve].lr, 1e-4, 5),
    surface,
    lr: num(p.get('lr'), SURFACE_INFO[surface].lr, 1e-4, 5),
    start,
    net: decodePoints(net.size > 0 ? net : (points ?? net)),
    epochs:
      followsPoints(p) && points !== null && pointsEpoch !== null && pointsEpoch > 0
        ? landscapeEpochs(pointsEpoch)
        : num(p.get('epochs'), DEFAULT_EPOCHS, MIN_EPOCHS, MAX_EPOCHS, true),
    directions: pick(DIRECTIONS, p.get('directions'), 'pca'),
  };
}
