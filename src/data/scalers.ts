import { optionsObject } from '../core/options.js';
import { ArgumentError, NablaError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor } from './rows.js';

/** The float dtype a scaler returns: float64 when fitted on float64 data, float32 otherwise. */
type FloatDType = 'float32' | 'float64';

/** What every fitted scaler remembers about its training data. */
interface Fit {
  /** The shape of one example, x.shape[1:] (usually [features]). */
  featureShape: number[];
  /** The number of examples it was fitted on. */
  nSamples: number;
  dtype: FloatDType;
  /** Per-feature shift and scale: transform(x) = (x − shift) / scale · mult + add. */
  a: Float64Array;
  b: Float64Array;
}

/** The JSON form of a {@link StandardScaler}. */
export interface StandardScalerJSON {
  type: 'standardScaler';
  withMean: boolean;
  withStd: boolean;
  /** Absent for an unfitted scaler. */
  fit?: { featureShape: number[]; nSamples: number; dtype: FloatDType; mean: (number | null)[]; std: (number | null)[] };
}

/** The JSON form of a {@link MinMaxScaler}. */
export interface MinMaxScalerJSON {
  type: 'minMaxScaler';
  featureRange: [number, number];
  /** Absent for an unfitted scaler. */
  fit?: { featureShape: number[]; nSamples: number; dtype: FloatDType; min: (number | null)[]; max: (number | null)[] };
}

/** The JSON form of either scaler. */
export type ScalerJSON = StandardScalerJSON | MinMaxScalerJSON;

/** The features of x viewed as [n, F]; checks that x has an example axis and features. */
function features(op: string, x: Tensor): { n: number; f: number } {
  if (x.rank < 2) throw new ShapeError(`${op}: expected x of shape [n, features], got ${formatShape(x.shape)}`);
  const n = x.shape[0]!;
  return { n, f: n === 0 ? x.shape.slice(1).reduce((a, b) => a * b, 1) : x.size / n };
}

/** Per-feature minimum, maximum and sum of x viewed as [n, F] (a NaN makes all three NaN). */
function columnStats(v: ArrayLike<number>, n: number, f: number): { min: Float64Array; max: Float64Array; sum: Float64Array } {
  const min = Float64Array.from({ length: f }, (_, j) => v[j]!),
    max = min.slice(),
    sum = new Float64Array(f);
  for (let i = 0; i < n; i++) {
    const row = i * f;
    for (let j = 0; j < f; j++) {
      const x = v[row + j]!;
      sum[j]! += x;
      if (x < min[j]!) min[j] = x;
      else if (x > max[j]!) max[j] = x;
    }
  }
  // a NaN sum comes from a NaN value or from both +Infinity and −Infinity: look which (rare)
  for (let j = 0; j < f; j++) {
    if (!Number.isNaN(sum[j]!)) continue;
    for (let i = 0; i < n; i++)
      if (Number.isNaN(v[i * f + j]!)) {
        min[j] = max[j] = NaN;
        break;
      }
  }
  return { min, max, sum };
}

const toList = (a: Float64Array) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));

function fromList(op: string, what: string, list: unknown, f: number): Float64Array {
  if (!Array.isArray(list) || list.length !== f) throw new ArgumentError(`${op}: ${what} must be an array of ${f} numbers`);
  return Float64Array.from(list, (v) => {
    if (v === null) return NaN;
    if (typeof v !== 'number') throw new ArgumentError(`${op}: ${what} holds ${JSON.stringify(v)}, not a number`);
    return v;
  });
}

function checkFitJSON(op: string, fit: { featureShape?: unknown; nSamples?: unknown; dtype?: unknown }): { featureShape: number[]; f: number } {
  const s = fit.featureShape;
  if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= 0))
    throw new ArgumentError(`${op}: fit.featureShape must be an array of whole numbers, got ${JSON.stringify(s)}`);
  if (!Number.isInteger(fit.nSamples) || (fit.nSamples as number) < 1)
    throw new ArgumentError(`${op}: fit.nSamples must be a whole number ≥ 1, got ${JSON.stringify(fit.nSamples)}`);
  if (fit.dtype !== 'float32' && fit.dtype !== 'float64')
    throw new ArgumentError(`${op}: fit.dtype must be 'float32' or 'float64', got ${JSON.stringify(fit.dtype)}`);
  return { featureShape: s as number[], f: (s as number[]).reduce((a, b) => a * b, 1) };
}

function parseJSON(op: string, json: unknown): Record<string, unknown> {
  const obj = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
  if (typeof obj !== 'object' || obj === null) throw new ArgumentError(`${op}: expected a scaler's JSON object, got ${JSON.stringify(json)}`);
  return obj as Record<string, unknown>;
}

/** The shared machinery of the scalers: an affine map per feature, y = (x − a) / b, fitted on training data. */
abstract class AffineScaler {
  /** @internal */
  protected state: Fit | null = null;
  /** @internal The class name used in errors. */
  protected abstract readonly label: string;
  /** @internal The output range's offset and width: y = (x − a) / b · width + offset. */
  protected offset = 0;
  /** @internal */
  protected width = 1;
  /** @internal Computes a and b per feature from x viewed as [n, F]. */
  protected abstract computeFit(v: ArrayLike<number>, n: number, f: number): { a: Float64Array; b: Float64Array };

  /** True once fit has run (or the scaler was restored from a fitted JSON). */
  get fitted(): boolean {
    return this.state !== null;
  }

  /** The shape of one example the scaler was fitted on, x.shape[1:]. */
  get featureShape(): number[] {
    return [...this.fitState('featureShape').featureShape];
  }

  /** The number of examples the scaler was fitted on. */
  get nSamples(): number {
    return this.fitState('nSamples').nSamples;
  }

  /** @internal */
  protected fitState(op: string): Fit {
    if (!this.state) throw new NablaError(`${this.label}.${op}: the scaler is not fitted yet; call fit(xTrain) first`);
    return this.state;
  }

  /** @internal A per-feature vector as a tensor of the feature shape. */
  protected vector(values: Float64Array, dtype: FloatDType, featureShape: number[]): Tensor {
    return new Tensor(dtype === 'float64' ? values.slice() : Float32Array.from(values), featureShape);
  }

  /**
   * Learns the per-feature statistics of x [n, ...features] (the training
   * data; each position after the first axis is a feature). Returns this.
   */
  fit(x: TensorLike): this {
    const op = `${this.label}.fit`;
    const t = asTensor(op, 'x', x);
    const { n, f } = features(op, t);
    if (n === 0) throw new ShapeError(`${op}: x of shape ${formatShape(t.shape)} has no examples to fit on`);
    const { a, b } = this.computeFit(t.storage, n, f);
    this.state = { featureShape: t.shape.slice(1), nSamples: n, dtype: t.dtype === 'float64' ? 'float64' : 'float32', a, b };
    return this;
  }

  /** @internal Applies y = (x − a)/b·width + offset (or its inverse) feature by feature. */
  protected apply(op: string, x: TensorLike, inverse: boolean): Tensor {
    const name = `${this.label}.${op}`;
    const s = this.fitState(op);
    const t = asTensor(name, 'x', x);
    const { n, f } = features(name, t);
    const expected = s.featureShape;
    if (t.rank - 1 !== expected.length || t.shape.some((d, i) => i > 0 && d !== expected[i - 1])) {
      throw new ShapeError(
        `${name}: x has shape ${formatShape(t.shape)}, but the scaler was fitted on shape ${formatShape([s.nSamples, ...expected])}; expected [n,${expected.join(',')}]`,
      );
    }
    const dtype = t.dtype === 'float64' || s.dtype === 'float64' ? 'float64' : 'float32';
    const out = dtype === 'float64' ? new Float64Array(t.size) : new Float32Array(t.size);
    // forward y = (x − a)·(w/b) + lo; inverse x = (y − lo)·(b/w) + a
    const v = t.storage,
      lo = this.offset,
      w = this.width;
    const shift = inverse ? new Float64Array(f).fill(lo) : s.a;
    const mul = Float64Array.from(s.b, (b) => (inverse ? b / w : w / b));
    const add = inverse ? s.a : new Float64Array(f).fill(lo);
    for (let i = 0; i < n; i++) {
      const row = i * f;
      for (let j = 0; j < f; j++) out[row + j] = (v[row + j]! - shift[j]!) * mul[j]! + add[j]!;
    }
    return new Tensor(out, t.shape);
  }

  /** Scales x [n, ...features] with the fitted statistics; same shape, float32 (float64 for float64 data). */
  transform(x: TensorLike): Tensor {
    return this.apply('transform', x, false);
  }

  /** fit(x) then transform(x). */
  fitTransform(x: TensorLike): Tensor {
    return this.fit(x).transform(x);
  }

  /** Undoes transform: maps scaled values [n, ...features] back to the original units. */
  inverseTransform(x: TensorLike): Tensor {
    return this.apply('inverseTransform', x, true);
  }
}

/**
 * Standardises features: z = (x − mean) / std per feature, with the mean
 * and the population standard deviation (ddof 0) of the training data, as
 * scikit-learn's StandardScaler. A constant feature gets std 1 (so it maps
 * to 0 rather than dividing by zero). NaN values propagate.
 */
export class StandardScaler extends AffineScaler {
  protected readonly label = 'StandardScaler';
  /** Whether transform subtracts the mean (default true). */
  readonly withMean: boolean;
  /** Whether transform divides by the standard deviation (default true). */
  readonly withStd: boolean;

  constructor(options: { withMean?: boolean; withStd?: boolean } = {}) {
    super();
    const opts = optionsObject('standardScaler', options);
    this.withMean = opts.withMean ?? true;
    this.withStd = opts.withStd ?? true;
  }

  protected computeFit(v: ArrayLike<number>, n: number, f: number): { a: Float64Array; b: Float64Array } {
    // two passes (mean, then the mean squared deviation) for accuracy
    const { min, max, sum: mean } = columnStats(v, n, f);
    for (let j = 0; j < f; j++) mean[j]! /= n;
    const std = new Float64Array(f);
    for (let i = 0; i < n; i++) {
      const row = i * f;
      for (let j = 0; j < f; j++) {
        const d = v[row + j]! - mean[j]!;
        std[j]! += d * d;
      }
    }
    for (let j = 0; j < f; j++) std[j] = min[j] === max[j] ? 1 : Math.sqrt(std[j]! / n);
    this.mean_ = mean;
    this.std_ = std;
    return { a: this.withMean ? mean : new Float64Array(f), b: this.withStd ? std : new Float64Array(f).fill(1) };
  }

  private mean_: Float64Array | null = null;
  private std_: Float64Array | null = null;

  /** The per-feature mean of the training data, shape x.shape[1:]. */
  get mean(): Tensor {
    const s = this.fitState('mean');
    return this.vector(this.mean_!, s.dtype, s.featureShape);
  }

  /** The per-feature standard deviation (ddof 0; 1 for constant features), shape x.shape[1:]. */
  get std(): Tensor {
    const s = this.fitState('std');
    return this.vector(this.std_!, s.dtype, s.featureShape);
  }

  /** A JSON-ready description: the options and, once fitted, the statistics (NaN as null). `JSON.stringify(scaler)` uses it. */
  toJSON(): StandardScalerJSON {
    const json: StandardScalerJSON = { type: 'standardScaler', withMean: this.withMean, withStd: this.withStd };
    if (this.state)
      json.fit = {
        featureShape: [...this.state.featureShape],
        nSamples: this.state.nSamples,
        dtype: this.state.dtype,
        mean: toList(this.mean_!),
        std: toList(this.std_!),
      };
    return json;
  }

  /** Restores a scaler from {@link StandardScaler.toJSON}'s output (an object or its JSON string). */
  static fromJSON(json: StandardScalerJSON | string): StandardScaler {
    const op = 'StandardScaler.fromJSON';
    const obj = parseJSON(op, json);
    if (obj['type'] !== 'standardScaler') throw new ArgumentError(`${op}: expected type 'standardScaler', got ${JSON.stringify(obj['type'])}`);
    const scaler = new StandardScaler({ withMean: obj['withMean'] !== false, withStd: obj['withStd'] !== false });
    const fit = obj['fit'] as StandardScalerJSON['fit'];
    if (fit) {
      const { featureShape, f } = checkFitJSON(op, fit);
      const mean = fromList(op, 'fit.mean', fit.mean, f),
        std = fromList(op, 'fit.std', fit.std, f);
      scaler.mean_ = mean;
      scaler.std_ = std;
      scaler.state = {
        featureShape,
        nSamples: fit.nSamples,
        dtype: fit.dtype,
        a: scaler.withMean ? mean : new Float64Array(f),
        b: scaler.withStd ? std : new Float64Array(f).fill(1),
      };
    }
    return scaler;
  }
}

/**
 * Rescales each feature linearly to `featureRange` [lo, hi] (default [0, 1]):
 * y = (x − min) / (max − min) · (hi − lo) + lo, with the per-feature min and
 * max of the training data, as scikit-learn's MinMaxScaler. A constant
 * feature maps to lo. Values outside the training range map outside [lo, hi].
 */
export class MinMaxScaler extends AffineScaler {
  protected readonly label = 'MinMaxScaler';
  /** The target range [lo, hi]. */
  readonly featureRange: readonly [number, number];
  private min_: Float64Array | null = null;
  private max_: Float64Array | null = null;

  constructor(options: { featureRange?: readonly [number, number] } = {}) {
    super();
    const opts = optionsObject('minMaxScaler', options);
    const r = opts.featureRange ?? [0, 1];
    if (!Array.isArray(r) || r.length !== 2 || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || !(r[0] < r[1])) {
      throw new ArgumentError(`minMaxScaler: featureRange must be [lo, hi] with finite lo < hi, got ${JSON.stringify(r)}`);
    }
    this.featureRange = Object.freeze([r[0], r[1]] as [number, number]);
    this.offset = r[0];
    this.width = r[1] - r[0];
  }

  protected computeFit(v: ArrayLike<number>, n: number, f: number): { a: Float64Array; b: Float64Array } {
    const { min, max } = columnStats(v, n, f);
    this.min_ = min;
    this.max_ = max;
    return { a: min, b: Float64Array.from(min, (lo, j) => (lo === max[j] ? 1 : max[j]! - lo)) };
  }

  /** The per-feature minimum of the training data, shape x.shape[1:]. */
  get min(): Tensor {
    const s = this.fitState('min');
    return this.vector(this.min_!, s.dtype, s.featureShape);
  }

  /** The per-feature maximum of the training data, shape x.shape[1:]. */
  get max(): Tensor {
    const s = this.fitState('max');
    return this.vector(this.max_!, s.dtype, s.featureShape);
  }

  /** A JSON-ready description: the range and, once fitted, the statistics (NaN as null). `JSON.stringify(scaler)` uses it. */
  toJSON(): MinMaxScalerJSON {
    const json: MinMaxScalerJSON = { type: 'minMaxScaler', featureRange: [this.featureRange[0], this.featureRange[1]] };
    if (this.state)
      json.fit = {
        featureShape: [...this.state.featureShape],
        nSamples: this.state.nSamples,
        dtype: this.state.dtype,
        min: toList(this.min_!),
        max: toList(this.max_!),
      };
    return json;
  }

  /** Restores a scaler from {@link MinMaxScaler.toJSON}'s output (an object or its JSON string). */
  static fromJSON(json: MinMaxScalerJSON | string): MinMaxScaler {
    const op = 'MinMaxScaler.fromJSON';
    const obj = parseJSON(op, json);
    if (obj['type'] !== 'minMaxScaler') throw new ArgumentError(`${op}: expected type 'minMaxScaler', got ${JSON.stringify(obj['type'])}`);
    const scaler = new MinMaxScaler({ featureRange: obj['featureRange'] as [number, number] });
    const fit = obj['fit'] as MinMaxScalerJSON['fit'];
    if (fit) {
      const { featureShape, f } = checkFitJSON(op, fit);
      const min = fromList(op, 'fit.min', fit.min, f),
        max = fromList(op, 'fit.max', fit.max, f);
      scaler.min_ = min;
      scaler.max_ = max;
      scaler.state = {
        featureShape,
        nSamples: fit.nSamples,
        dtype: fit.dtype,
        a: min,
        b: Float64Array.from(min, (lo, j) => (lo === max[j] ? 1 : max[j]! - lo)),
      };
    }
    return scaler;
  }
}

/**
 * A new, unfitted {@link StandardScaler}: z = (x − mean) / std per feature,
 * statistics from `fit(xTrain)` (std with ddof 0; 1 for constant features).
 *
 *     const scaler = nb.data.standardScaler();
 *     const xTrainS = scaler.fitTransform(xTrain), xTestS = scaler.transform(xTest);
 */
export function standardScaler(opts: { withMean?: boolean; withStd?: boolean } = {}): StandardScaler {
  return new StandardScaler(opts);
}

/**
 * A new, unfitted {@link MinMaxScaler}: y = (x − min) / (max − min) ·
 * (hi − lo) + lo per feature, with [lo, hi] = featureRange (default [0, 1]).
 */
export function minMaxScaler(opts: { featureRange?: readonly [number, number] } = {}): MinMaxScaler {
  return new MinMaxScaler(opts);
}

/** Restores either scaler from its toJSON() output (an object or a JSON string), by its `type`. */
export function scalerFromJSON(json: ScalerJSON | string): StandardScaler | MinMaxScaler {
  const obj = parseJSON('scalerFromJSON', json);
  if (obj['type'] === 'standardScaler') return StandardScaler.fromJSON(obj as unknown as StandardScalerJSON);
  if (obj['type'] === 'minMaxScaler') return MinMaxScaler.fromJSON(obj as unknown as MinMaxScalerJSON);
  throw new ArgumentError(`scalerFromJSON: unknown scaler type ${JSON.stringify(obj['type'])}; expected 'standardScaler' or 'minMaxScaler'`);
}
