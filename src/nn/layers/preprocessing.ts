// Preprocessing layers (Keras's Rescaling and Normalization): what was done to
// the inputs before training becomes part of the model, so a saved model takes
// raw inputs. Neither has trainable parameters.
import { describe } from '../../core/describe.js';
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { formatShape, normalizeAxis } from '../../core/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Variable } from '../../tensor/variable.js';
import { add, div, mul, sqrt, sub } from '../../ops/arithmetic.js';
import { greater, where } from '../../ops/compare.js';
import { cast, floatTensor, toTensor, type TensorLike } from '../../ops/convert.js';
import { reshape } from '../../ops/shape.js';
import { Layer, registerLayer, type LayerArgs, type SymbolicShape } from '../layer.js';
import { boolOption } from '../options.js';

function finiteNumber(op: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`${op}: ${what} must be a finite number, got ${describe(v)}`);
  return v;
}

/** Options of {@link Rescaling}. */
export interface RescalingArgs extends LayerArgs {
  /** The factor each input is multiplied by (1/255 for 8-bit pixels), or one factor per channel (the last axis). */
  scale: number | number[];
  /** Added after scaling, one number or one per channel (the last axis). Default 0. */
  offset?: number | number[];
}

/** A finite number, or a non-empty list of them (one per channel). */
function numberOrList(op: string, what: string, v: unknown): number | number[] {
  if (Array.isArray(v)) {
    if (v.length === 0) throw new ArgumentError(`${op}: ${what} is an empty list`);
    return v.map((e, i) => finiteNumber(op, `${what}[${i}]`, e));
  }
  return finiteNumber(op, what, v);
}

/**
 * y = x·scale + offset, element-wise (Keras's Rescaling). Integer inputs are
 * cast to float32 first. `rescaling({ scale: 1 / 255 })` as a model's first
 * layer lets the saved model take raw 8-bit pixels. scale and offset may be
 * lists, one value per channel of the last axis (channels last, as Keras):
 * `rescaling({ scale: [1 / 0.229, 1 / 0.224, 1 / 0.225], offset: [...] })`.
 */
export class Rescaling extends Layer {
  readonly scale: number | number[];
  readonly offset: number | number[];

  constructor(args: RescalingArgs) {
    super('Rescaling', args);
    if (typeof args !== 'object' || args === null) throw new ArgumentError('rescaling: expected options { scale, offset? }');
    this.scale = numberOrList('rescaling', 'scale', args.scale);
    this.offset = args.offset === undefined ? 0 : numberOrList('rescaling', 'offset', args.offset);
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  /** A per-channel list as a tensor of x's dtype, checked against x's last axis (a number stays a number). */
  private channelwise(what: string, v: number | number[], x: Tensor): number | Tensor {
    if (!Array.isArray(v)) return v;
    const channels = x.shape[x.rank - 1];
    if (x.rank === 0 || (v.length !== 1 && channels !== v.length && channels !== 1))
      throw new ShapeError(
        `${this.name}: ${what} has ${v.length} values, one per channel, but the input ${formatShape(x.shape)} has ${channels ?? 'no'} channels on its last axis`,
      );
    return cast(new Tensor(Float64Array.from(v), [v.length]), x.dtype as 'float32' | 'float64');
  }

  call(x: Tensor): Tensor {
    const xf = floatTensor(this.name, 'x', x);
    const y = mul(xf, this.channelwise('scale', this.scale, xf));
    return this.offset === 0 ? y : add(y, this.channelwise('offset', this.offset, xf));
  }

  override getConfig() {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}

/** Options of {@link Normalization}. */
export interface NormalizationArgs extends LayerArgs {
  /**
   * The axis (or axes) that keep their own mean and variance; −1, the last
   * (one mean per feature), by default. null: one mean and variance for
   * everything. Never the batch axis 0.
   */
  axis?: number | number[] | null;
  /** The mean: a number, or one per position of the kept axes. Give both or neither; without them call adapt(data). */
  mean?: number | number[];
  /** The variance, ≥ 0, shaped as mean. */
  variance?: number | number[];
  /** Undo the normalisation instead: y = x·√variance + mean (Keras's invert). Default false. */
  invert?: boolean;
}

/**
 * y = (x − mean) / √variance per feature (Keras's Normalization). The mean
 * and variance are given, or computed from training data by `adapt(x)`
 * (population variance, over every axis but `axis`). A feature whose
 * variance is 0 is only centred (divided by 1, as scikit-learn's
 * StandardScaler does), so a constant training column cannot blow up later
 * inputs. mean and variance are non-trainable weights (and, once given or
 * adapted, part of the configuration): they are saved and loaded with the
 * model and never changed by fit.
 *
 *     const norm = nb.layers.normalization();
 *     norm.adapt(xTrain);   // per-feature mean and variance of the training split only
 *     const model = nb.sequential([norm, nb.layers.dense({ units: 3, activation: 'softmax' })]);
 *
 * With `invert: true` the layer undoes that normalisation,
 * y = x·√variance + mean (√variance read as 1 where the variance is 0, so
 * the two are exact inverses): a regression model trained on normalised
 * targets ends with `normalization({ invert: true })` adapted to the
 * targets, and predicts in their units.
 */
export class Normalization extends Layer {
  readonly axis: number[] | null;
  readonly invert: boolean;
  /** The statistics as given or adapted (also in getConfig, so a saved model rebuilds ready to use). */
  private givenMean: number | number[] | undefined;
  private givenVariance: number | number[] | undefined;
  mean: Variable | undefined;
  variance: Variable | undefined;
  /** The kept axes, normalised against the input rank (set by build). */
  private kept: number[] = [];
  private rank = 0;

  constructor(args: NormalizationArgs = {}) {
    super('Normalization', args);
    if (typeof args !== 'object' || args === null) throw new ArgumentError('normalization: expected options { axis?, mean?, variance?, invert? }');
    const axis = args.axis === undefined ? -1 : args.axis;
    if (axis === null) this.axis = null;
    else {
      const list = Array.isArray(axis) ? axis : [axis];
      for (const a of list)
        if (!Number.isInteger(a)) throw new ArgumentError(`normalization: axis must be an integer, a list of integers or null, got ${describe(axis)}`);
      this.axis = [...list];
    }
    this.invert = args.invert === undefined ? false : boolOption('normalization', 'invert', args.invert);
    if ((args.mean === undefined) !== (args.variance === undefined))
      throw new ArgumentError('normalization: give both mean and variance, or neither (then call adapt)');
    const check = (what: string, v: number | number[] | undefined, min: number) => {
      if (v === undefined) return;
      const list = Array.isArray(v) ? v : [v];
      if (list.length === 0) throw new ArgumentError(`normalization: ${what} is an empty list`);
      for (const e of list) {
        if (!(typeof e === 'number' && Number.isFinite(e) && e >= min))
          throw new ArgumentError(`normalization: ${what} must hold finite numbers${min === 0 ? ' ≥ 0' : ''}, got ${describe(e)}`);
      }
    };
    check('mean', args.mean, -Infinity);
    check('variance', args.variance, 0);
    this.givenMean = Array.isArray(args.mean) ? [...args.mean] : args.mean;
    this.givenVariance = Array.isArray(args.variance) ? [...args.variance] : args.variance;
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  /** The shape of mean and variance for inputs of this shape: the sizes of the kept axes. */
  private statShape(inputShape: SymbolicShape): number[] {
    this.rank = inputShape.length;
    if (this.axis === null) {
      this.kept = [];
      return [];
    }
    const kept = [...new Set(this.axis.map((a) => normalizeAxis(this.name, a, inputShape.length)))].sort((a, b) => a - b);
    if (kept.includes(0)) throw new ArgumentError(`${this.name}: axis cannot include the batch axis 0`);
    this.kept = kept;
    return kept.map((a) => {
      const d = inputShape[a];
      if (typeof d !== 'number') throw new ShapeError(`${this.name}: axis ${a} of ${JSON.stringify(inputShape)} must be known`);
      return d;
    });
  }

  override build(inputShape: SymbolicShape): void {
    const shape = this.statShape(inputShape);
    this.mean = this.addWeight('mean', shape, 'zeros', { trainable: false });
    this.variance = this.addWeight('variance', shape, 'ones', { trainable: false });
    if (this.givenMean !== undefined) {
      this.mean.assign(this.statTensor('mean', this.givenMean, shape));
      this.variance.assign(this.statTensor('variance', this.givenVariance!, shape));
    }
    this.built = true;
  }

  /** A given mean or variance as a tensor of the statistics' shape (a number or a length-1 list is broadcast). */
  private statTensor(what: string, v: number | number[], shape: number[]): Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    const list = Array.isArray(v) ? v : [v];
    if (list.length !== 1 && list.length !== size) {
      throw new ShapeError(`${this.name}: ${what} has ${list.length} values, but the kept axes have shape ${formatShape(shape)} (${size} values)`);
    }
    const data = new Float64Array(size).map((_, i) => list[list.length === 1 ? 0 : i]!);
    return cast(new Tensor(data, shape), this.dtype);
  }

  /**
   * Sets mean and variance to the statistics of `data` ([n, ...], examples
   * first) over every axis but the kept ones, computed in float64 (population
   * variance). Builds the layer if needed. Rejects non-finite values, naming
   * the example and the position.
   */
  adapt(data: TensorLike): void {
    const x = toTensor(`${this.name}.adapt`, 'data', data);
    if (x.rank < 1 || x.shape[0] === 0) throw new ShapeError(`${this.name}.adapt: expected data with examples along axis 0, got shape ${formatShape(x.shape)}`);
    if (!this.built) this.build([null, ...x.shape.slice(1)]);
    if (x.rank !== this.rank)
      throw new ShapeError(`${this.name}.adapt: data of shape ${formatShape(x.shape)} has rank ${x.rank}, the layer was built for rank ${this.rank}`);
    const shape = this.kept.map((a) => x.shape[a]!);
    if (shape.join() !== this.mean!.shape.join())
      throw new ShapeError(`${this.name}.adapt: data of shape ${formatShape(x.shape)} does not fit statistics of shape ${formatShape(this.mean!.shape)}`);
    const v = x.storage;
    const size = shape.reduce((a, b) => a * b, 1);
    // strides of x, and the statistic each element belongs to
    const strides: number[] = new Array(x.rank).fill(1);
    for (let i = x.rank - 2; i >= 0; i--) strides[i] = strides[i + 1]! * x.shape[i + 1]!;
    const statStrides = this.kept.map((_, j) => shape.slice(j + 1).reduce((a, b) => a * b, 1));
    const which = (flat: number) => this.kept.reduce((s, a, j) => s + (Math.floor(flat / strides[a]!) % x.shape[a]!) * statStrides[j]!, 0);
    const count = new Float64Array(size),
      mean = new Float64Array(size),
      m2 = new Float64Array(size);
    const perExample = x.size / x.shape[0]!;
    for (let i = 0; i < v.length; i++) {
      const value = Number(v[i]);
      if (!Number.isFinite(value)) {
        const example = Math.floor(i / perExample),
          at = i % perExample;
        throw new ArgumentError(
          `${this.name}.adapt: data holds ${value} at example ${example}, ${x.rank === 2 ? `feature ${at}` : `position ${at} of the example`}; mean and variance need finite values`,
        );
      }
      const k = this.kept.length === 0 ? 0 : which(i);
      // Welford's update, stable for large offsets
      const c = ++count[k]!;
      const d = value - mean[k]!;
      mean[k]! += d / c;
      m2[k]! += d * (value - mean[k]!);
    }
    this.mean!.assign(cast(new Tensor(mean, shape), this.dtype));
    const variance = m2.map((s, k) => s / count[k]!);
    this.variance!.assign(cast(new Tensor(variance, shape), this.dtype));
    this.givenMean = Array.from(mean);
    this.givenVariance = Array.from(variance);
  }

  /** The input's shape (derived shapes trace call, which needs the statistics: a model is built before adapt). */
  override computeOutputShape(s: SymbolicShape): SymbolicShape {
    return s;
  }

  call(x: Tensor): Tensor {
    if (this.givenMean === undefined)
      throw new ArgumentError(`${this.name}: no mean and variance yet; give them to normalization({ mean, variance }) or call adapt(trainingData) first`);
    const xf = floatTensor(this.name, 'x', x);
    const bshape = xf.shape.map((d, i) => (this.kept.includes(i) ? d : 1));
    const mean = cast(reshape(this.mean!, bshape), xf.dtype);
    const variance = cast(reshape(this.variance!, bshape), xf.dtype);
    // √variance, with 1 where the variance is 0 (a constant feature is only centred)
    const sd = sqrt(where(greater(variance, 0), variance, 1));
    return this.invert ? add(mul(xf, sd), mean) : div(sub(xf, mean), sd);
  }

  override getConfig() {
    const c: Record<string, unknown> = { ...super.getConfig(), axis: this.axis === null ? null : this.axis.length === 1 ? this.axis[0] : this.axis };
    if (this.invert) c['invert'] = true;
    if (this.givenMean !== undefined) {
      c['mean'] = this.givenMean;
      c['variance'] = this.givenVariance;
    }
    return c;
  }
}

registerLayer('Rescaling', (c) => new Rescaling(c as unknown as RescalingArgs));
registerLayer('Normalization', (c) => new Normalization(c as unknown as NormalizationArgs));
