// The results of nb.landscape and nb.landscape1d: the grid (or line) of
// losses, with the plane it was evaluated on kept for projecting paths.
import type { NamedTensors } from '../train/step.js';
import { combine, type ParamSpace } from './space.js';
import type { Evaluator } from './evaluate.js';

/** What a landscape is made of: the plane's geometry and the loss evaluator, for projecting paths. */
export interface Plane {
  space: ParamSpace;
  theta: Float64Array;
  dirs: Float64Array[];
  evaluate: Evaluator;
}

const planes = new WeakMap<object, Plane>();

/** @internal The plane of a landscape (θ*, directions, evaluator), or undefined for anything else. */
export function planeOf(l: unknown): Plane | undefined {
  return l !== null && typeof l === 'object' ? planes.get(l) : undefined;
}

/**
 * The loss on a grid of a plane through θ*: loss[j][i] = J(θ* + αᵢ·d1 + βⱼ·d2).
 * `xs`, `ys`, `z` (or `toGrid()`) are the same arrays under a contour
 * chart's names.
 */
export class Landscape {
  /** How the directions were chosen. */
  readonly kind: 'random' | 'pca' | 'hessian' | 'weights' | 'explicit';
  /** The α values (along d1), increasing. */
  readonly alphas: number[];
  /** The β values (along d2), increasing. */
  readonly betas: number[];
  /** loss[j][i] = J(θ* + alphas[i]·d1 + betas[j]·d2); NaN or ±Infinity where the model's output overflows. */
  readonly loss: number[][];
  /** J(θ*), the loss at the current weights. */
  readonly center: number;
  /** The trainable parameters' names, the keys of each direction. */
  readonly names: readonly string[];
  /** d1 and d2, tensors by parameter name. */
  readonly directions: [NamedTensors, NamedTensors];
  /** For 'pca': the fraction of the path's spread around θ* along d1 and d2; null otherwise. */
  readonly explained: [number, number] | null;
  /** The axes' names: 'α (random direction 1)', 'α (PC 1, 97.2 %)', or the weight, 'dense_1.kernel[0,3]'. */
  readonly labels: [string, string];

  /** @internal */
  constructor(fields: Omit<Landscape, 'xs' | 'ys' | 'z' | 'toGrid' | 'minimum' | 'evaluate'>, plane: Plane) {
    this.kind = fields.kind;
    this.alphas = fields.alphas;
    this.betas = fields.betas;
    this.loss = fields.loss;
    this.center = fields.center;
    this.names = fields.names;
    this.directions = fields.directions;
    this.explained = fields.explained;
    this.labels = fields.labels;
    planes.set(this, plane);
  }

  /** The α values (a contour chart's x). */
  get xs(): number[] {
    return this.alphas;
  }
  /** The β values (a contour chart's y). */
  get ys(): number[] {
    return this.betas;
  }
  /** The loss grid, z[j][i] at (xs[i], ys[j]). */
  get z(): number[][] {
    return this.loss;
  }
  /** { xs, ys, z } and the axes' labels, for nb.viz.contourChart and nb.viz.surfaceChart. */
  toGrid(): { xs: number[]; ys: number[]; z: number[][]; xLabel: string; yLabel: string; zLabel: string } {
    return { xs: this.alphas, ys: this.betas, z: this.loss, xLabel: this.labels[0], yLabel: this.labels[1], zLabel: 'loss' };
  }

  /** The grid point with the lowest finite loss. */
  minimum(): { alpha: number; beta: number; loss: number } {
    let best = { alpha: NaN, beta: NaN, loss: Infinity };
    this.loss.forEach((row, j) =>
      row.forEach((v, i) => {
        if (v < best.loss) best = { alpha: this.alphas[i]!, beta: this.betas[j]!, loss: v };
      }),
    );
    return best;
  }

  /** J(θ* + α·d1 + β·d2) at any (α, β), on the landscape's data. */
  evaluate(alpha: number, beta: number): number {
    const p = planes.get(this)!;
    return p.evaluate(combine(p.theta, [alpha, beta], p.dirs));
  }
}

/** The loss along a line through θ*: loss[i] = J(θ* + αᵢ·d). `xs`, `ys` (or `toLine()`) for a line chart. */
export class Landscape1d {
  readonly kind: 'random' | 'pca' | 'hessian' | 'weights' | 'explicit';
  /** The α values, increasing. */
  readonly alphas: number[];
  /** loss[i] = J(θ* + alphas[i]·d). */
  readonly loss: number[];
  /** J(θ*). */
  readonly center: number;
  readonly names: readonly string[];
  /** d, tensors by parameter name. */
  readonly direction: NamedTensors;
  /** The axis's name: 'α (random direction)', 'α (PC 1, 97.2 %)' or the weight. */
  readonly label: string;

  /** @internal */
  constructor(fields: Omit<Landscape1d, 'xs' | 'ys' | 'toLine'>, plane: Plane) {
    this.kind = fields.kind;
    this.alphas = fields.alphas;
    this.loss = fields.loss;
    this.center = fields.center;
    this.names = fields.names;
    this.direction = fields.direction;
    this.label = fields.label;
    planes.set(this, plane);
  }

  get xs(): number[] {
    return this.alphas;
  }
  get ys(): number[] {
    return this.loss;
  }
  /** { xs, ys } and the axes' labels, for a line chart. */
  toLine(): { xs: number[]; ys: number[]; xLabel: string; yLabel: string } {
    return { xs: this.alphas, ys: this.loss, xLabel: this.label, yLabel: 'loss' };
  }
}
