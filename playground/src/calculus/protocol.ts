// Messages between the Calculus lab's page and its worker. The page sends
// the set-up of the part on show and the toolbar's commands; the worker
// answers with numbers computed by nabla (derivatives, optimiser steps, the
// loss landscape), which the page only draws.
import type { EngineInfo } from '../lab.js';
import type { PointsConfig } from '../points/config.js';
import type { CurveName, OptimizerName, SurfaceName } from './functions.js';
import type { CurvePoint } from './math.js';

export type ToWorker =
  /** Gradient descent on a curve: n steps from x0 (n = 0: just the point and its tangent). */
  | { type: 'tangent'; id: number; curve: CurveName; x0: number; lr: number; n: number }
  /** New balls on a surface, all at `start`. */
  | { type: 'surface'; id: number; surface: SurfaceName; start: [number, number]; lr: number; play: boolean }
  /** A new Points network to train for the landscape. */
  | { type: 'landscape'; id: number; points: PointsConfig; epochs: number; directions: LandscapeDirections; play: boolean }
  | { type: 'play' }
  | { type: 'pause' }
  /** One step of the balls, or one epoch of the network. */
  | { type: 'step' };

export type LandscapeDirections = 'pca' | 'random';

export interface TangentResult {
  type: 'tangent';
  id: number;
  /** The curve sampled over its domain. */
  xs: Float64Array;
  ys: Float64Array;
  /** x₀, x₁, … of the descent, each with f(x) and f′(x) from nb.grad. */
  points: CurvePoint[];
}

/** A surface's heights on a res×res grid (row-major, rows along w₂), sent once per reset. */
export interface SurfaceGrid {
  type: 'grid';
  id: number;
  res: number;
  z: Float64Array;
  /** J at each of the surface's marked minima. */
  minima: number[];
}

export interface BallState {
  name: OptimizerName;
  /** (w₁, w₂, J) of every step so far, flat. */
  trail: Float64Array;
  /** The step at which the ball flew off the surface (diverged), or -1. */
  diverged: number;
}

export interface BallsSnapshot {
  type: 'balls';
  id: number;
  step: number;
  running: boolean;
  balls: BallState[];
}

export interface LandscapeProgress {
  type: 'progress';
  id: number;
  epoch: number;
  running: boolean;
  trainLoss: number;
  diverged: boolean;
}

/** The loss landscape of the network around its current weights, and its training path on the plane. */
export interface LandscapeSnapshot {
  type: 'landscape';
  id: number;
  epoch: number;
  kind: LandscapeDirections;
  alphas: number[];
  betas: number[];
  /** loss[j][i] = J(θ* + αᵢ·d₁ + βⱼ·d₂), flat, rows along β. */
  loss: Float64Array;
  center: number;
  labels: [string, string];
  /** Share of the path's variance along each PCA direction, or null. */
  explained: [number, number] | null;
  /** The training path θ₀ … θ* projected on the plane: (α_t, β_t), J(θ_t), and how far each point is from the plane (relative). */
  path: { alphas: number[]; betas: number[]; loss: number[]; residual: number[]; epochs: number[] };
}

export type FromWorker =
  | ({ type: 'ready' } & EngineInfo)
  | TangentResult
  | SurfaceGrid
  | BallsSnapshot
  | LandscapeProgress
  | LandscapeSnapshot
  | { type: 'error'; message: string };

/** Grid points per side of a surface, and of a model landscape. */
export const SURFACE_RES = 61;
export const LANDSCAPE_RES = 21;
/** The balls stop after this many steps. */
export const MAX_BALL_STEPS = 400;
