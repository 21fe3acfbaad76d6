import { optionsObject } from '../core/options.js';
import { ArgumentError, NablaError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { add, div, mul, sub } from '../ops/arithmetic.js';
import { floatTensor, type TensorLike } from '../ops/convert.js';
import { matmul } from '../ops/linalg.js';
import { reshape } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkNotTraced, makeTensor, resultDType, type FloatDType } from '../linalg/matrices.js';
import { svdKernel } from '../linalg/svd-kernel.js';

/** Options of {@link pca}. Give at most one of nComponents and varianceToKeep. */
export interface PCAOptions {
  /** How many principal components to keep (an integer ≥ 1, at most min(samples, features)); default: all of them. */
  nComponents?: number;
  /**
   * Keep the smallest number of components whose cumulative explained-variance
   * ratio exceeds this fraction, in (0, 1] (scikit-learn's float n_components).
   */
  varianceToKeep?: number;
  /**
   * Scale each projected component to unit variance: transform divides by
   * √explainedVariance (floored at ε = 2⁻⁵² for zero-variance components). Default false.
   */
  whiten?: boolean;
}

interface Fitted {
  nComponents: number;
  nFeatures: number;
  nSamples: number;
  fitShape: readonly number[];
  dtype: FloatDType;
  components: Tensor;
  explainedVariance: Tensor;
  explainedVarianceRatio: Tensor;
  singularValues: Tensor;
  mean: Tensor;
  noiseVariance: number;
  /** √explainedVariance (at least ε), for whitening. */
  scale: Tensor;
}

/**
 * Principal component analysis with scikit-learn's semantics (its PCA with
 * svd_solver='full'):
 *
 * - fit(x), x [samples, features]: mean = the column means; the centered data
 *   x − mean = U·diag(S)·Vᵀ (exact SVD); components = the first k rows of Vᵀ;
 *   explainedVariance = S²/(samples − 1) (ddof = 1); explainedVarianceRatio =
 *   explainedVariance / (the sum over all min(samples, features) of them).
 * - Signs follow sklearn's `svd_flip` (u-based, as in scikit-learn < 1.5):
 *   in each column of U, the entry of largest |value| is made positive, and
 *   the matching component flipped with it, so results compare exactly.
 * - transform(x) = (x − mean)·componentsᵀ, divided by √explainedVariance when
 *   whitening; inverseTransform(z) = z·(√explainedVariance when whitening)·components + mean.
 *
 * The fit runs in float64 and stores its results in the data's float dtype.
 * transform and inverseTransform are ordinary differentiable tensor ops (the
 * fit itself is not: it throws on a tensor traced by grad).
 */
export class PCA {
  /** Whether transform whitens. */
  readonly whiten: boolean;
  private readonly requestedComponents: number | undefined;
  private readonly varianceToKeep: number | undefined;
  private state: Fitted | null = null;

  constructor(options: PCAOptions = {}) {
    const { nComponents, varianceToKeep, whiten = false } = optionsObject('pca', options);
    if (nComponents !== undefined && varianceToKeep !== undefined) {
      throw new ArgumentError('pca: give nComponents or varianceToKeep, not both');
    }
    if (nComponents !== undefined && (!Number.isInteger(nComponents) || nComponents < 1)) {
      throw new ArgumentError(`pca: nComponents must be a positive integer, got ${nComponents}`);
    }
    if (varianceToKeep !== undefined && !(varianceToKeep > 0 && varianceToKeep <= 1)) {
      throw new ArgumentError(`pca: varianceToKeep must be in (0, 1], got ${varianceToKeep}`);
    }
    if (typeof whiten !== 'boolean') throw new ArgumentError(`pca: whiten must be a boolean, got ${JSON.stringify(whiten)}`);
    this.requestedComponents = nComponents;
    this.varianceToKeep = varianceToKeep;
    this.whiten = whiten;
  }

  /** True once fit has run. */
  get fitted(): boolean {
    return this.state !== null;
  }

  private fittedState(what: string): Fitted {
    if (!this.state) throw new NablaError(`PCA.${what}: the PCA is not fitted yet; call fit(x) first`);
    return this.state;
  }

  /** The principal axes as rows, by decreasing explained variance: [k, features]. */
  get components(): Tensor {
    return this.fittedState('components').components;
  }
  /** The variance of the data along each component (ddof = 1): [k]. */
  get explainedVariance(): Tensor {
    return this.fittedState('explainedVariance').explainedVariance;
  }
  /** explainedVariance as a fraction of the total variance: [k]. */
  get explainedVarianceRatio(): Tensor {
    return this.fittedState('explainedVarianceRatio').explainedVarianceRatio;
  }
  /** The singular values of the centered data for the kept components: [k]. */
  get singularValues(): Tensor {
    return this.fittedState('singularValues').singularValues;
  }
  /** The per-feature mean of the training data: [features]. */
  get mean(): Tensor {
    return this.fittedState('mean').mean;
  }
  /** The number of components kept, k. */
  get nComponents(): number {
    return this.fittedState('nComponents').nComponents;
  }
  /** The number of features seen by fit. */
  get nFeatures(): number {
    return this.fittedState('nFeatures').nFeatures;
  }
  /** The number of samples seen by fit. */
  get nSamples(): number {
    return this.fittedState('nSamples').nSamples;
  }
  /** The mean variance of the discarded components (probabilistic PCA's σ²; 0 when none is discarded). */
  get noiseVariance(): number {
    return this.fittedState('noiseVariance').noiseVariance;
  }

  /** Learns the mean and the principal components of x [samples, features] (at least 2 samples). Returns this. */
  fit(x: TensorLike): this {
    const t = floatTensor('PCA.fit', 'x', x);
    checkNotTraced('PCA.fit', t);
    if (t.rank !== 2) throw new ShapeError(`PCA.fit: expected x of shape [samples, features], got ${formatShape(t.shape)}`);
    const [n, f] = t.shape as [number, number];
    if (n < 2 || f < 1) throw new ShapeError(`PCA.fit: expected at least 2 samples and 1 feature, got x of shape ${formatShape(t.shape)}`);
    const kMax = Math.min(n, f);
    if (this.requestedComponents !== undefined && this.requestedComponents > kMax) {
      throw new ArgumentError(
        `PCA.fit: nComponents = ${this.requestedComponents} is more than min(samples, features) = ${kMax} for x of shape ${formatShape(t.shape)}`,
      );
    }
    const data = new Float64Array(t.storage);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) throw new ArgumentError(`PCA.fit: x of shape ${formatShape(t.shape)} contains NaN or infinite values`);
    }
    // center
    const mean = new Float64Array(f);
    for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j] = mean[j]! + data[i * f + j]!;
    for (let j = 0; j < f; j++) mean[j] = mean[j]! / n;
    for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) data[i * f + j] = data[i * f + j]! - mean[j]!;

    const { s, u, v } = svdKernel(data, n, f, true); // u [n, kMax], v [f, kMax], row-major
    const variance = new Float64Array(kMax);
    let total = 0;
    for (let j = 0; j < kMax; j++) {
      variance[j] = (s[j]! * s[j]!) / (n - 1);
      total += variance[j]!;
    }
    const ratio = variance.map((e) => (total > 0 ? e / total : 0));
    const k = this.requestedComponents ?? (this.varianceToKeep !== undefined ? componentsFor(ratio, this.varianceToKeep) : kMax);

    // sklearn's svd_flip (u-based): the largest-|value| entry of each column of U is positive
    const components = new Float64Array(k * f);
    for (let j = 0; j < k; j++) {
      let at = 0,
        best = -1;
      for (let i = 0; i < n; i++) {
        const a = Math.abs(u![i * kMax + j]!);
        if (a > best) {
          best = a;
          at = i;
        }
      }
      const sign = u![at * kMax + j]! < 0 ? -1 : 1;
      for (let l = 0; l < f; l++) components[j * f + l] = sign * v![l * kMax + j]!;
    }
    let noise = 0;
    if (k < kMax) {
      for (let j = k; j < kMax; j++) noise += variance[j]!;
      noise /= kMax - k;
    }
    const dtype = resultDType(t.dtype);
    const ev = makeTensor(variance.slice(0, k), [k], dtype);
    this.state = {
      nComponents: k,
      nFeatures: f,
      nSamples: n,
      fitShape: t.shape,
      dtype,
      components: makeTensor(components, [k, f], dtype),
      explainedVariance: ev,
      explainedVarianceRatio: makeTensor(ratio.slice(0, k), [k], dtype),
      singularValues: makeTensor(s.slice(0, k), [k], dtype),
      mean: makeTensor(mean, [f], dtype),
      noiseVariance: noise,
      // as scikit-learn ≥ 1.3 does, a zero variance (a constant feature) is floored at ε so whitening stays finite
      scale: makeTensor(
        variance.slice(0, k).map((e) => Math.max(Math.sqrt(e), 2 ** -52)),
        [k],
        dtype,
      ),
    };
    return this;
  }

  /**
   * Projects x [samples, features] (or one sample [features]) onto the
   * components: (x − mean)·componentsᵀ, [samples, k] (or [k]); divided by
   * √explainedVariance when whitening.
   */
  transform(x: TensorLike): Tensor {
    const st = this.fittedState('transform');
    const t = floatTensor('PCA.transform', 'x', x);
    if ((t.rank !== 1 && t.rank !== 2) || t.shape[t.rank - 1] !== st.nFeatures) {
      throw new ShapeError(
        `PCA.transform: expected x of shape [samples, ${st.nFeatures}] (the PCA was fitted on x of shape ${formatShape(st.fitShape)}), got ${formatShape(t.shape)}`,
      );
    }
    const x2 = t.rank === 1 ? reshape(t, [1, st.nFeatures]) : t;
    let z = matmul(sub(x2, st.mean), st.components, false, true);
    if (this.whiten) z = div(z, st.scale);
    return t.rank === 1 ? reshape(z, [st.nComponents]) : z;
  }

  /** fit(x) then transform(x). */
  fitTransform(x: TensorLike): Tensor {
    return this.fit(x).transform(x);
  }

  /**
   * Maps projections z [samples, k] (or [k]) back to feature space:
   * z·components + mean (z first multiplied by √explainedVariance when
   * whitening). Exact when k = features; otherwise the best rank-k
   * reconstruction.
   */
  inverseTransform(z: TensorLike): Tensor {
    const st = this.fittedState('inverseTransform');
    const t = floatTensor('PCA.inverseTransform', 'z', z);
    if ((t.rank !== 1 && t.rank !== 2) || t.shape[t.rank - 1] !== st.nComponents) {
      throw new ShapeError(`PCA.inverseTransform: expected z of shape [samples, ${st.nComponents}] (the number of components), got ${formatShape(t.shape)}`);
    }
    let z2 = t.rank === 1 ? reshape(t, [1, st.nComponents]) : t;
    if (this.whiten) z2 = mul(z2, st.scale);
    const x = add(matmul(z2, st.components), st.mean);
    return t.rank === 1 ? reshape(x, [st.nFeatures]) : x;
  }
}

/**
 * The smallest k whose cumulative ratio exceeds `keep` (sklearn's
 * searchsorted(cumsum, keep, side='right') + 1), at most all components.
 */
function componentsFor(ratio: Float64Array, keep: number): number {
  let cumulative = 0;
  for (let k = 0; k < ratio.length; k++) {
    cumulative += ratio[k]!;
    if (cumulative > keep) return k + 1;
  }
  return ratio.length;
}

/**
 * A principal component analysis (scikit-learn's PCA): `pca({ nComponents: 10 }).fit(x)`,
 * then `transform`, `inverseTransform`, and `components`, `explainedVariance`,
 * `explainedVarianceRatio`, `mean`, `nComponents`. See {@link PCA}.
 */
export function pca(options: PCAOptions = {}): PCA {
  return new PCA(options);
}
