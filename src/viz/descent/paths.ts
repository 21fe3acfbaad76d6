/**
 * descentPaths: nabla's own optimisers run on a test surface from one start
 * point, and surfaceGrid: a surface's values on a grid, for the pictures.
 */
import { valueAndGrad } from '../../autograd/transforms.js';
import { ArgumentError } from '../../core/errors.js';
import { optionsObject } from '../../core/options.js';
import { noGrad } from '../../ops/stop.js';
import { Adagrad } from '../../optim/adagrad.js';
import { Adam } from '../../optim/adam.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { RMSprop } from '../../optim/rmsprop.js';
import { SGD } from '../../optim/sgd.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { SurfaceGrid } from '../grid.js';
import { formatNumber } from '../svg.js';
import { surfaces, type OptimizerName, type TestSurface } from './surfaces.js';

/** The optimisers descentPaths builds by name, with momentum 0.9 for 'momentum' and 'nesterov'. */
const FACTORIES: Record<OptimizerName, (learningRate: number) => Optimizer> = {
  sgd: (learningRate) => new SGD({ learningRate }),
  momentum: (learningRate) => new SGD({ learningRate, momentum: 0.9 }),
  nesterov: (learningRate) => new SGD({ learningRate, momentum: 0.9, nesterov: true }),
  rmsprop: (learningRate) => new RMSprop({ learningRate }),
  adam: (learningRate) => new Adam({ learningRate }),
  adagrad: (learningRate) => new Adagrad({ learningRate }),
};

/** The names descentPaths accepts. */
export const OPTIMIZER_NAMES = Object.keys(FACTORIES) as OptimizerName[];

/** Options of descentPaths. */
export interface DescentPathsOptions {
  /** Optimiser names (default: sgd, momentum, rmsprop, adam). */
  optimizers?: OptimizerName[];
  /** The start point (default: the surface's). */
  start?: [number, number];
  /** Updates to take (default: the surface's). */
  steps?: number;
  /** One rate for all, or a rate per optimiser name (default: the surface's rate for each). */
  learningRates?: number | Partial<Record<OptimizerName, number>>;
}

/** One optimiser's way down. */
export interface DescentPath {
  /** "adam (η = 0.05)". */
  name: string;
  optimizer: OptimizerName;
  learningRate: number;
  /** The parameters before each update and after the last: points[0] is the start. */
  points: [number, number][];
  /** f at each point. */
  losses: number[];
  /** True if the run was stopped early: the loss was not finite or a parameter passed 10¹⁰⁰ in magnitude. */
  diverged: boolean;
}

/** A surface given by name or as a TestSurface, checked. */
export function resolveSurface(op: string, surface: string | TestSurface): TestSurface {
  if (typeof surface === 'string') {
    const s = Object.hasOwn(surfaces, surface) ? surfaces[surface] : undefined;
    if (!s) throw new ArgumentError(`${op}: unknown surface '${surface}' (expected one of ${Object.keys(surfaces).join(', ')})`);
    return s;
  }
  if (surface === null || typeof surface !== 'object' || typeof surface.f !== 'function' || !surface.domain) {
    throw new ArgumentError(`${op}: surface must be a name (${Object.keys(surfaces).join(', ')}) or a TestSurface { name, f, domain, start, ... }`);
  }
  return surface;
}

function checkPoint(op: string, name: string, p: unknown): [number, number] {
  if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new ArgumentError(`${op}: ${name} must be [x, y] with finite numbers, got ${JSON.stringify(p)}`);
  }
  return [p[0], p[1]];
}

/** The largest |coordinate| a run may reach before it counts as diverged (and stops). */
const BLOW_UP = 1e100;

/**
 * Runs each optimiser on the surface from the same start for `steps`
 * updates, with nabla's functional optimiser API: the gradient g = ∇f(θ) by
 * nb.valueAndGrad, then `{ params: θ, state } = opt.update(g, state, θ)`
 * (so the first SGD step is θ₁ = θ₀ − η·∇f(θ₀)). Runs in float64. A run
 * stops early, marked `diverged`, when the loss is not finite or a
 * parameter's magnitude passes 10¹⁰⁰; its last point is then the one where
 * that happened.
 */
export function descentPaths(surface: string | TestSurface, options: DescentPathsOptions = {}): DescentPath[] {
  const op = 'descentPaths';
  const s = resolveSurface(op, surface);
  const o = optionsObject(op, options, 'options { optimizers, start, steps, learningRates }') as DescentPathsOptions;
  const names = o.optimizers ?? (['sgd', 'momentum', 'rmsprop', 'adam'] as OptimizerName[]);
  if (!Array.isArray(names) || names.length === 0) throw new ArgumentError(`${op}: optimizers must be a non-empty array of names`);
  for (const n of names) {
    if (!Object.hasOwn(FACTORIES, n)) throw new ArgumentError(`${op}: unknown optimizer '${String(n)}' (expected one of ${OPTIMIZER_NAMES.join(', ')})`);
  }
  const start = checkPoint(op, 'start', o.start ?? s.start);
  const steps = o.steps ?? s.steps;
  if (!Number.isInteger(steps) || steps < 0 || steps > 100000) throw new ArgumentError(`${op}: steps must be an integer in [0, 100000], got ${steps}`);
  const rateOf = (n: OptimizerName): number => {
    const r = typeof o.learningRates === 'number' ? o.learningRates : (o.learningRates?.[n] ?? s.learningRates?.[n]);
    if (typeof r !== 'number' || !Number.isFinite(r) || r <= 0)
      throw new ArgumentError(`${op}: the learning rate of ${n} must be a positive number, got ${String(r)}`);
    return r;
  };
  const lossAndGrad = valueAndGrad((p: Tensor) => s.f(p));
  return names.map((optimizer) => {
    const learningRate = rateOf(optimizer);
    const opt = FACTORIES[optimizer](learningRate);
    let theta = tensor(start, [2], 'float64');
    let state = opt.init(theta);
    const points: [number, number][] = [];
    const losses: number[] = [];
    let diverged = false;
    for (let k = 0; ; k++) {
      const [loss, g] = lossAndGrad(theta) as [Tensor, Tensor];
      const [x, y] = theta.toArray() as number[];
      const l = loss.item();
      points.push([x!, y!]);
      losses.push(l);
      if (!Number.isFinite(l) || !(Math.abs(x!) < BLOW_UP && Math.abs(y!) < BLOW_UP)) {
        diverged = true;
        break;
      }
      if (k === steps) break;
      ({ params: theta, state } = opt.update(g, state, theta));
    }
    return { name: `${optimizer} (η = ${formatNumber(learningRate)})`, optimizer, learningRate, points, losses, diverged };
  });
}

/** Options of surfaceGrid. */
export interface SurfaceGridOptions {
  /** Points along each axis (default 81). */
  resolution?: number;
  /** The rectangle (default: the surface's domain). */
  domain?: { x: [number, number]; y: [number, number] };
}

/**
 * The surface's values on a resolution × resolution grid over its domain:
 * { xs, ys, z } with z[j][i] = f(xs[i], ys[j]), for contourChart and
 * surfaceChart. A batched surface is evaluated in one call on a [2, n²]
 * tensor (float64); others point by point.
 */
export function surfaceGrid(surface: string | TestSurface, options: SurfaceGridOptions = {}): SurfaceGrid {
  const op = 'surfaceGrid';
  const s = resolveSurface(op, surface);
  const o = optionsObject(op, options, 'options { resolution, domain }') as SurfaceGridOptions;
  const n = o.resolution ?? 81;
  if (!Number.isInteger(n) || n < 2 || n > 1000) throw new ArgumentError(`${op}: resolution must be an integer in [2, 1000], got ${n}`);
  const domain = o.domain ?? s.domain;
  const [xa, xb] = checkPoint(op, 'domain.x', domain?.x),
    [ya, yb] = checkPoint(op, 'domain.y', domain?.y);
  if (!(xb > xa && yb > ya)) throw new ArgumentError(`${op}: the domain must have x[0] < x[1] and y[0] < y[1]`);
  const xs = Array.from({ length: n }, (_, i) => Number((xa + ((xb - xa) * i) / (n - 1)).toPrecision(12)));
  const ys = Array.from({ length: n }, (_, j) => Number((ya + ((yb - ya) * j) / (n - 1)).toPrecision(12)));
  const z: number[][] = noGrad(() => {
    if (s.batched) {
      const flat = new Float64Array(2 * n * n);
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++) {
          flat[j * n + i] = xs[i]!;
          flat[n * n + j * n + i] = ys[j]!;
        }
      const values = s.f(tensor(flat, [2, n * n], 'float64'));
      if (values.shape.length === 1 && values.shape[0] === n * n) {
        const v = values.toArray() as number[];
        return ys.map((_, j) => v.slice(j * n, (j + 1) * n));
      }
    }
    return ys.map((y) => xs.map((x) => s.f(tensor([x, y], [2], 'float64')).item()));
  });
  return { xs, ys, z, xLabel: 'x', yLabel: 'y', zLabel: 'f(x, y)' };
}
