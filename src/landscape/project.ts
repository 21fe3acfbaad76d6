// projectPath: a recorded training path as coordinates on a landscape's plane.
import { ArgumentError, ShapeError } from '../core/errors.js';
import { describe } from '../core/describe.js';
import { optionsObject } from '../core/options.js';
import { ParameterPath } from './path.js';
import { dot } from './space.js';
import { describeSpace } from './landscape.js';
import { planeOf, type Landscape } from './result.js';

/** Options of {@link projectPath}. */
export interface ProjectPathOptions {
  /** Evaluate J(θ_t) at every recorded point on the landscape's data; default true. */
  loss?: boolean;
  /**
   * Match the path's parameters to the landscape's by position (same shapes
   * in the same order) rather than by name: for the path of another model of
   * the same architecture, whose layers got other default names
   * ('dense_3.kernel' for 'dense_1.kernel'). Default false.
   */
  byPosition?: boolean;
}

/** A path on a landscape's plane. */
export interface ProjectedPath {
  /** α_t of each recorded point. */
  alphas: number[];
  /** β_t of each recorded point. */
  betas: number[];
  /** J(θ_t), the loss at the recorded point itself (not at its projection), on the landscape's data; empty with loss: false. */
  loss: number[];
  /** ‖θ_t − θ* − α_t·d1 − β_t·d2‖: how far the path is from the plane. */
  residual: number[];
  /** residual / ‖θ_t − θ*‖ (0 where θ_t = θ*): the share of the step from θ* that the plane misses, 0 to 1. */
  relativeResidual: number[];
  /** Optimiser steps taken at each point. */
  steps: number[];
  /** The (fractional) epoch of each point. */
  epochs: number[];
  /**
   * The path as nb.viz.contourChart / surfaceChart take it:
   * { name, points: [α_t, β_t], z?, color? }. With heights 'surface' (the
   * default) the chart puts each point on the landscape's surface; with
   * 'loss', z is J(θ_t), the loss at the recorded weights themselves (which
   * lies off the surface where the path leaves the plane).
   */
  toPath(name?: string, options?: { heights?: 'surface' | 'loss'; color?: string }): PathForChart;
}

/** A path in the form the surface charts draw (nb.viz's SurfacePath). */
export interface PathForChart {
  name: string;
  points: [number, number][];
  z?: number[];
  color?: string;
}

/**
 * Projects every recorded θ_t onto the plane θ* + α·d1 + β·d2 of `landscape`:
 * (α_t, β_t) solve the least-squares problem min ‖θ_t − θ* − α·d1 − β·d2‖,
 * i.e. the 2×2 normal equations
 *
 *   [d1·d1  d1·d2] [α]   [d1·(θ_t − θ*)]
 *   [d1·d2  d2·d2] [β] = [d2·(θ_t − θ*)]
 *
 * (d1, d2 need not be orthogonal), with the residual that says how far the
 * path leaves the plane. With random directions in a high-dimensional space
 * the residual is close to ‖θ_t − θ*‖ (the path is mostly off the plane);
 * with directions 'pca' from the same path it is small.
 */
export function projectPath(path: ParameterPath, landscape: Landscape, opts: ProjectPathOptions = {}): ProjectedPath {
  const op = 'projectPath';
  if (!(path instanceof ParameterPath)) throw new ArgumentError(`${op}: path must be a recorded path (nb.callbacks.parameterPath()), got ${describe(path)}`);
  const plane = planeOf(landscape);
  if (plane?.dirs.length !== 2) throw new ArgumentError(`${op}: landscape must be the result of nb.landscape (a 2-D landscape), got ${describe(landscape)}`);
  const o = optionsObject(op, opts);
  for (const k of Object.keys(o)) if (k !== 'loss' && k !== 'byPosition') throw new ArgumentError(`${op}: unknown option '${k}' (options: loss, byPosition)`);
  for (const k of ['loss', 'byPosition'] as const)
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new ArgumentError(`${op}: ${k} must be true or false, got ${describe(o[k])}`);
  if (path.length === 0) throw new ArgumentError(`${op}: the path holds no points: pass it to fit as a callback (or record points) first`);
  const matches = o.byPosition ? path.layout!.sameShapesAs(plane.space) : path.layout!.sameAs(plane.space);
  if (!matches) {
    const hint =
      !o.byPosition && path.layout!.sameShapesAs(plane.space)
        ? ': only the names differ; for another model of the same architecture pass { byPosition: true }'
        : '';
    throw new ShapeError(`${op}: the path's parameters (${describeSpace(path.layout!)}) are not the landscape's (${describeSpace(plane.space)})${hint}`);
  }
  const { theta, evaluate } = plane;
  const [d1, d2] = plane.dirs as [Float64Array, Float64Array];
  const a11 = dot(d1, d1),
    a12 = dot(d1, d2),
    a22 = dot(d2, d2);
  const det = a11 * a22 - a12 * a12;
  const out: ProjectedPath = {
    alphas: [],
    betas: [],
    loss: [],
    residual: [],
    relativeResidual: [],
    steps: [...path.steps],
    epochs: [...path.epochs],
    toPath(name = 'training path', options = {}) {
      const how = options.heights ?? 'surface';
      if (how !== 'surface' && how !== 'loss') throw new ArgumentError(`toPath: heights must be 'surface' or 'loss', got ${describe(how)}`);
      if (how === 'loss' && this.loss.length !== this.alphas.length)
        throw new ArgumentError(`toPath: heights 'loss' needs the losses: project the path without { loss: false }`);
      return {
        name,
        points: this.alphas.map((a, t): [number, number] => [a, this.betas[t]!]),
        ...(how === 'loss' ? { z: [...this.loss] } : {}),
        ...(options.color !== undefined ? { color: options.color } : {}),
      };
    },
  };
  const v = new Float64Array(theta.length);
  for (const q of path.points) {
    for (let i = 0; i < v.length; i++) v[i] = q[i]! - theta[i]!;
    const b1 = dot(d1, v),
      b2 = dot(d2, v);
    const alpha = (a22 * b1 - a12 * b2) / det,
      beta = (a11 * b2 - a12 * b1) / det;
    let r = 0;
    for (let i = 0; i < v.length; i++) r += (v[i]! - alpha * d1[i]! - beta * d2[i]!) ** 2;
    const vv = dot(v, v);
    out.alphas.push(alpha);
    out.betas.push(beta);
    out.residual.push(Math.sqrt(r));
    out.relativeResidual.push(vv > 0 ? Math.min(1, Math.sqrt(r / vv)) : 0);
    if (o.loss ?? true) out.loss.push(evaluate(q));
  }
  return out;
}
