// nb.landscape and nb.landscape1d: the loss of the real model on a plane
// (or a line) of parameter space through its current weights θ*.
import { ArgumentError, ShapeError } from '../core/errors.js';
import { describe } from '../core/describe.js';
import { optionsObject } from '../core/options.js';
import type { TensorLike } from '../tensor/create.js';
import { modelLoss, type ModelLossOptions } from '../train/loss-fn.js';
import { modelHessianEigs } from '../curvature/eigs.js';
import type { Tensor } from '../tensor/tensor.js';
import type { NamedTensors, TrainableModel } from '../train/step.js';
import { combine, dot, ParamSpace } from './space.js';
import { Landscape, Landscape1d } from './result.js';
import { filterNormalize, orthogonalize, randomDirections, weightDirection, type WeightRef } from './directions.js';
import { evaluationData, makeEvaluator, type Evaluator } from './evaluate.js';
import { pathComponents } from './pca.js';
import { ParameterPath } from './path.js';
import { axisValues, boolOption, intOption } from './options.js';

/**
 * The two directions of a landscape:
 * - `'random'` (default): filter-normalised Gaussian directions from `seed`
 *   (Li et al. 2018; see `includeBiases`, `orthogonalize`);
 * - `'pca'`: the top two principal directions of a recorded training path
 *   (`path`), the plane the path lives in (unit vectors);
 * - `{ weights: [w1, w2] }`: along two single weights, each
 *   `'dense_1.kernel[0,3]'` or `['dense_1.kernel', [0, 3]]` (α and β are then
 *   the changes of those weights);
 * - `[d1, d2]`: two given directions, tensors by parameter name with the
 *   parameters' shapes (the top Hessian eigenvectors, say).
 */
export type LandscapeDirections = 'random' | 'pca' | 'hessian' | { weights: readonly [WeightRef, WeightRef] } | readonly [NamedTensors, NamedTensors];

/** The direction of a 1-D slice: as {@link LandscapeDirections}, one of each. */
export type SliceDirection = 'random' | 'pca' | { weight: WeightRef } | NamedTensors;

/** Options shared by nb.landscape and nb.landscape1d. */
export interface LandscapeCommonOptions extends ModelLossOptions {
  /** Points per axis when alphas/betas are not given; default 21 (odd, so θ* itself is a grid point). */
  resolution?: number;
  /** The span of α (and β): r for [−r, r] or [lo, hi]. Default 1 (for 'pca': the path's extent plus a margin). */
  range?: number | readonly [number, number];
  /** The α values, increasing (instead of resolution and range). */
  alphas?: readonly number[];
  /** Seed of the random directions and of the choice of `samples` rows; default 0. */
  seed?: number;
  /** For 'random' directions: give biases and batch-norm parameters (rank ≤ 1) a direction too; default false (zero there). */
  includeBiases?: boolean;
  /** 'filter' normalisation of the directions (the default for 'random'), or 'none' (the default otherwise; 'random' then gives raw N(0, 1) entries). */
  normalize?: 'filter' | 'none';
  /** The recorded training path, for directions 'pca'. */
  path?: ParameterPath;
  /** Evaluate on at most this many rows of x, y (chosen by `seed`, deterministic); default 1000. */
  samples?: number;
  /** Rows per forward pass; default 1000. */
  batchSize?: number;
}

/** Options of nb.landscape. */
export interface LandscapeOptions extends LandscapeCommonOptions {
  /** The directions of the plane; default 'random'. */
  directions?: LandscapeDirections;
  /** The β values, increasing (instead of resolution and range). */
  betas?: readonly number[];
  /** Make d2 orthogonal to d1 (Gram–Schmidt, d2 ← d2 − (d1·d2/d1·d1)·d1); default false. */
  orthogonalize?: boolean;
}

/** Options of nb.landscape1d. */
export interface Landscape1dOptions extends LandscapeCommonOptions {
  /** The direction of the line; default 'random'. */
  direction?: SliceDirection;
}

/**
 * The loss landscape of `model` around its current weights θ* (Li et al.,
 * "Visualizing the Loss Landscape of Neural Nets", 2018):
 *
 *   loss[j][i] = J(θ* + αᵢ·d1 + βⱼ·d2),   J(θ) = loss(y, model_θ(x)) + penalties
 *
 * with J from nb.modelLoss (the model's weights are never changed), on at most
 * `samples` rows of x, y, in batches, without recording gradients: resolution²
 * forward passes. With filter-normalised random directions (the default),
 * each filter F of d satisfies ‖d_F‖ = ‖θ*_F‖, so α = 1 moves every filter by
 * its own norm and pictures of different networks compare.
 *
 *     const l = nb.landscape(model, x, y, { resolution: 25, range: 1, seed: 1 });
 *     l.loss[12][12] === l.center;          // θ* itself
 *     nb.viz.contourChart(l.toGrid());      // { xs: alphas, ys: betas, z: loss }
 */
export function landscape(model: TrainableModel, x: TensorLike, y: TensorLike, opts: LandscapeOptions = {}): Landscape {
  const op = 'landscape';
  const o = optionsObject(op, opts);
  checkKeys(op, o, [...COMMON_KEYS, 'directions', 'betas', 'orthogonalize']);
  const ctx = setup(op, model, x, y, o);
  const spec = o.directions ?? 'random';
  let kind: Landscape['kind'];
  let dirs: Float64Array[];
  let explained: [number, number] | null = null;
  let labels: [string, string] = ['α (direction 1)', 'β (direction 2)'];
  let dflt: [[number, number], [number, number]] = [
    [-1, 1],
    [-1, 1],
  ];
  if (spec === 'random') {
    kind = 'random';
    dirs = randomDirections(2, ctx.space, ctx.seed);
    labels = ['α (random direction 1)', 'β (random direction 2)'];
  } else if (spec === 'pca') {
    kind = 'pca';
    const pca = pcaDirections(op, o.path, ctx, 2);
    dirs = pca.directions;
    explained = [pca.explained[0]!, pca.explained[1]!];
    labels = [`α (PC 1, ${(100 * explained[0]).toFixed(1)} %)`, `β (PC 2, ${(100 * explained[1]).toFixed(1)} %)`];
    dflt = [pca.extent[0]!, pca.extent[1]!];
  } else if (spec === 'hessian') {
    // the top two Hessian eigenvectors (Lanczos over H·v, on the same rows): the directions the loss curves most along
    kind = 'hessian';
    const eig = modelHessianEigs(model, ctx.X, ctx.Y, { k: 2, seed: ctx.seed, loss: o.loss, training: o.training, regularization: o.regularization });
    dirs = eig.vectors.map((v, k) => ctx.space.flatten(op, `Hessian eigenvector ${k + 1}`, v));
    labels = [`α (Hessian eigenvector 1, λ = ${eig.values[0]!.toPrecision(3)})`, `β (Hessian eigenvector 2, λ = ${eig.values[1]!.toPrecision(3)})`];
    dflt = [
      [-0.5, 0.5],
      [-0.5, 0.5],
    ];
  } else if (isWeightsSpec(spec)) {
    kind = 'weights';
    const w = (spec as { weights: unknown }).weights;
    if (!Array.isArray(w) || w.length !== 2)
      throw new ArgumentError(`${op}: directions.weights must name two weights, e.g. ['dense_1.kernel[0,3]', 'dense_2.bias[1]'], got ${describe(w)}`);
    const ws = w.map((ref, k) => weightDirection(op, `directions.weights[${k}]`, ref, ctx.space));
    dirs = ws.map((e) => e.d);
    labels = [ws[0]!.label, ws[1]!.label];
  } else if (Array.isArray(spec)) {
    kind = 'explicit';
    if (spec.length !== 2)
      throw new ArgumentError(`${op}: directions must be two directions [d1, d2] (tensors by parameter name), got an array of length ${spec.length}`);
    dirs = spec.map((d, k) => ctx.space.flatten(op, `directions[${k}]`, d));
  } else {
    throw new ArgumentError(
      `${op}: directions must be 'random', 'pca', 'hessian', { weights: [w1, w2] } or two directions [d1, d2] (tensors by parameter name), got ${describe(spec)}`,
    );
  }
  if ((o.normalize ?? (kind === 'random' ? 'filter' : 'none')) === 'filter') for (const d of dirs) filterNormalize(d, ctx.theta, ctx.space, ctx.includeBiases);
  if (boolOption(op, 'orthogonalize', o.orthogonalize, false)) orthogonalize(dirs[0]!, dirs[1]!);
  for (const d of dirs) ctx.space.round(d);
  checkDirections(op, dirs, ctx.space);
  const alphas = axisValues(op, 'alphas', o.alphas, o.range, ctx.resolution, dflt[0]);
  const betas = axisValues(op, 'betas', o.betas, o.range, ctx.resolution, dflt[1]);
  const [d1, d2] = dirs as [Float64Array, Float64Array];
  const loss = betas.map((b) => alphas.map((a) => ctx.evaluate(combine(ctx.theta, [a, b], dirs))));
  return new Landscape(
    {
      kind,
      alphas,
      betas,
      loss,
      center: ctx.evaluate(ctx.theta),
      names: ctx.space.names,
      directions: [ctx.space.unflatten(d1), ctx.space.unflatten(d2)],
      explained,
      labels,
    },
    { space: ctx.space, theta: ctx.theta, dirs, evaluate: ctx.evaluate },
  );
}

/**
 * The loss along one direction through θ*: loss[i] = J(θ* + αᵢ·d), with d
 * as for {@link landscape} ('random' filter-normalised by default, 'pca' the
 * path's first principal direction, `{ weight: 'dense_1.kernel[0,3]' }`, or
 * tensors by parameter name).
 *
 *     const line = nb.landscape1d(model, x, y, { alphas: nb.linspace(-2, 2, 41).toArray() });
 */
export function landscape1d(model: TrainableModel, x: TensorLike, y: TensorLike, opts: Landscape1dOptions = {}): Landscape1d {
  const op = 'landscape1d';
  const o = optionsObject(op, opts);
  checkKeys(op, o, [...COMMON_KEYS, 'direction']);
  const ctx = setup(op, model, x, y, o);
  const spec = o.direction ?? 'random';
  let kind: Landscape1d['kind'];
  let d: Float64Array;
  let label = 'α (direction)';
  let dflt: [number, number] = [-1, 1];
  if (spec === 'random') {
    kind = 'random';
    d = randomDirections(1, ctx.space, ctx.seed)[0]!;
    label = 'α (random direction)';
  } else if (spec === 'pca') {
    kind = 'pca';
    const pca = pcaDirections(op, o.path, ctx, 1);
    d = pca.directions[0]!;
    dflt = pca.extent[0]!;
    label = `α (PC 1, ${(100 * pca.explained[0]!).toFixed(1)} %)`;
  } else if (spec !== null && typeof spec === 'object' && !Array.isArray(spec) && Object.keys(spec).length === 1 && 'weight' in spec) {
    kind = 'weights';
    const e = weightDirection(op, 'direction.weight', (spec as { weight: unknown }).weight, ctx.space);
    d = e.d;
    label = e.label;
  } else if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    kind = 'explicit';
    d = ctx.space.flatten(op, 'direction', spec);
  } else {
    throw new ArgumentError(
      `${op}: direction must be 'random', 'pca', { weight: 'dense_1.kernel[0,3]' } or a direction (tensors by parameter name), got ${describe(spec)}`,
    );
  }
  if ((o.normalize ?? (kind === 'random' ? 'filter' : 'none')) === 'filter') filterNormalize(d, ctx.theta, ctx.space, ctx.includeBiases);
  ctx.space.round(d);
  checkDirections(op, [d], ctx.space);
  const alphas = axisValues(op, 'alphas', o.alphas, o.range, ctx.resolution, dflt);
  const loss = alphas.map((a) => ctx.evaluate(combine(ctx.theta, [a], [d])));
  return new Landscape1d(
    { kind, alphas, loss, center: ctx.evaluate(ctx.theta), names: ctx.space.names, direction: ctx.space.unflatten(d), label },
    { space: ctx.space, theta: ctx.theta, dirs: [d], evaluate: ctx.evaluate },
  );
}

const COMMON_KEYS = [
  'loss',
  'training',
  'regularization',
  'resolution',
  'range',
  'alphas',
  'seed',
  'includeBiases',
  'normalize',
  'path',
  'samples',
  'batchSize',
];

function checkKeys(op: string, o: object, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new ArgumentError(`${op}: unknown option '${k}' (options: ${keys.join(', ')})`);
}

function isWeightsSpec(spec: unknown): boolean {
  return spec !== null && typeof spec === 'object' && !Array.isArray(spec) && 'weights' in spec;
}

interface Context {
  space: ParamSpace;
  theta: Float64Array;
  evaluate: Evaluator;
  seed: number;
  resolution: number;
  includeBiases: boolean;
  normalize: 'filter' | 'none' | undefined;
  /** The rows the loss is evaluated on. */
  X: Tensor;
  Y: Tensor;
}

/** Checks the options and the data, and makes θ* and the evaluator. */
function setup(op: string, model: TrainableModel, x: TensorLike, y: TensorLike, o: LandscapeCommonOptions): Context {
  const resolution = intOption(op, 'resolution', o.resolution, 21, 2);
  const samples = intOption(op, 'samples', o.samples, 1000, 1);
  const batchSize = intOption(op, 'batchSize', o.batchSize, 1000, 1);
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new ArgumentError(`${op}: seed must be an integer, got ${describe(seed)}`);
  const includeBiases = boolOption(op, 'includeBiases', o.includeBiases, false);
  if (o.normalize !== undefined && o.normalize !== 'filter' && o.normalize !== 'none')
    throw new ArgumentError(`${op}: normalize must be 'filter' or 'none', got ${describe(o.normalize)}`);
  const f = modelLoss(model, { loss: o.loss, training: o.training, regularization: o.regularization });
  const params = f.params();
  const space = ParamSpace.of(f.names, params);
  if (space.size === 0) throw new ArgumentError(`${op}: the model has no trainable parameters, so it has no landscape`);
  const theta = space.flatten(op, 'params', params);
  const [X, Y] = evaluationData(op, x, y, samples, seed);
  return { space, theta, evaluate: makeEvaluator(f, space, X, Y, batchSize), seed, resolution, includeBiases, normalize: o.normalize, X, Y };
}

/** Every direction finite and non-zero, and two directions not parallel (so (α, β) are coordinates of the plane). */
function checkDirections(op: string, dirs: Float64Array[], space: ParamSpace): void {
  dirs.forEach((d, k) => {
    const bad = d.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ArgumentError(`${op}: direction ${k + 1} holds ${d[bad]} (in '${space.names[ownerOf(space, bad)]}')`);
    if (dot(d, d) === 0)
      throw new ArgumentError(
        `${op}: direction ${k + 1} is zero${space.shapes.every((s) => s.length <= 1) ? ' (the model has only biases, which filter normalisation leaves out: set includeBiases)' : ''}`,
      );
  });
  if (dirs.length === 2) {
    const [a, b] = dirs as [Float64Array, Float64Array];
    const aa = dot(a, a),
      bb = dot(b, b),
      ab = dot(a, b);
    if (aa * bb - ab * ab <= 1e-12 * aa * bb)
      throw new ShapeError(`${op}: the two directions are parallel, so they span a line, not a plane: choose two different directions`);
  }
}

/** The index of the parameter that flat position `at` belongs to. */
function ownerOf(space: ParamSpace, at: number): number {
  let p = 0;
  while (p + 1 < space.offsets.length && space.offsets[p + 1]! <= at) p++;
  return p;
}

/** PCA directions of `path` around θ*, and each axis's default extent (the path's coordinates, a 20 % margin, 0 included). */
function pcaDirections(
  op: string,
  path: unknown,
  ctx: Context,
  count: number,
): { directions: Float64Array[]; explained: number[]; extent: [number, number][] } {
  if (ctx.normalize === 'filter')
    throw new ArgumentError(`${op}: normalize 'filter' does not apply to directions 'pca': filter-normalised, they would no longer span the plane of the path`);
  if (!(path instanceof ParameterPath))
    throw new ArgumentError(
      `${op}: directions 'pca' needs the recorded training path: give options.path (nb.callbacks.parameterPath()), got ${describe(path)}`,
    );
  if (path.length < 2)
    throw new ArgumentError(`${op}: the path holds ${path.length} point${path.length === 1 ? '' : 's'}; 'pca' needs at least 2 (record it during fit)`);
  if (!path.layout!.sameAs(ctx.space))
    throw new ShapeError(`${op}: the path's parameters (${describeSpace(path.layout!)}) are not the model's (${describeSpace(ctx.space)})`);
  const pca = pathComponents(op, path.points, ctx.theta, count);
  const extent = pca.directions.map((v): [number, number] => {
    let lo = 0,
      hi = 0;
    for (const q of path.points) {
      let c = 0;
      for (let i = 0; i < v.length; i++) c += v[i]! * (q[i]! - ctx.theta[i]!);
      lo = Math.min(lo, c);
      hi = Math.max(hi, c);
    }
    const m = 0.2 * (hi - lo);
    return [lo - m, hi + m];
  });
  return { ...pca, extent };
}

/** 'dense_1.kernel [3,4], ...' */
export function describeSpace(space: ParamSpace): string {
  return space.names.map((k, i) => `${k} [${space.shapes[i]!.join(',')}]`).join(', ');
}
