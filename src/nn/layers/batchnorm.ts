import { describe } from '../../core/describe.js';
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { boolOption, rangeOption } from '../options.js';
import { normalizeAxis } from '../../core/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Variable } from '../../tensor/variable.js';
import { add, div, mul, sqrt, sub } from '../../ops/arithmetic.js';
import { mean, variance } from '../../ops/reduce.js';
import { reshape } from '../../ops/shape.js';
import { noGrad } from '../../ops/stop.js';
import { Layer, registerLayer, type LayerArgs, type SymbolicShape } from '../layer.js';
import { updateState } from '../module.js';

/** Options of BatchNormalization (Keras's defaults). */
export interface BatchNormalizationArgs extends LayerArgs {
  /** The feature axis (normalised per feature); −1, the last, by default. */
  axis?: number;
  /** Moving averages: m ← momentum·m + (1 − momentum)·batch statistic. Default 0.99. */
  momentum?: number;
  /** Added to the variance. Default 1e-3. */
  epsilon?: number;
  /** Learn an offset β. Default true. */
  center?: boolean;
  /** Learn a scale γ. Default true. */
  scale?: boolean;
}

/**
 * Batch normalisation: y = γ·(x − μ)/√(σ² + ε) + β per feature. In training
 * μ and σ² are the batch's mean and (biased) variance, and moving averages
 * of them are kept; in inference the moving averages are used.
 *
 * Each training call updates the moving statistics exactly once, with plain
 * values (no gradient flows into them): m ← momentum·m + (1 − momentum)·μ,
 * v ← momentum·v + (1 − momentum)·σ². The same holds inside grad,
 * valueAndGrad, vjp, jacobian, hessian and hvp, whether or not the moving
 * statistics are among the variables differentiated (the transforms keep a
 * value assigned while the function runs).
 */
export class BatchNormalization extends Layer {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Variable | undefined;
  beta: Variable | undefined;
  movingMean: Variable | undefined;
  movingVariance: Variable | undefined;
  private rank = 0;

  constructor(args: BatchNormalizationArgs = {}) {
    super('BatchNormalization', args);
    const op = 'batchNormalization';
    this.axis = args.axis ?? -1;
    if (typeof this.axis !== 'number' || !Number.isInteger(this.axis)) throw new ArgumentError(`${op}: axis must be an integer, got ${describe(this.axis)}`);
    this.momentum = rangeOption(op, 'momentum', args.momentum ?? 0.99, 0, 1, true);
    this.epsilon = args.epsilon ?? 1e-3;
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0) || !Number.isFinite(this.epsilon))
      throw new ArgumentError(`${op}: epsilon must be a positive finite number, got ${describe(this.epsilon)}`);
    this.center = boolOption(op, 'center', args.center ?? true);
    this.scale = boolOption(op, 'scale', args.scale ?? true);
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  override build(inputShape: SymbolicShape): void {
    this.rank = inputShape.length;
    const a = normalizeAxis(this.name, this.axis, this.rank);
    const n = inputShape[a];
    if (typeof n !== 'number') throw new ShapeError(`${this.name}: the feature axis ${a} of ${JSON.stringify(inputShape)} must be known`);
    if (this.scale) this.gamma = this.addWeight('gamma', [n], 'ones');
    if (this.center) this.beta = this.addWeight('beta', [n], 'zeros');
    this.movingMean = this.addWeight('movingMean', [n], 'zeros', { trainable: false });
    this.movingVariance = this.addWeight('movingVariance', [n], 'ones', { trainable: false });
    this.built = true;
  }

  call(x: Tensor, training: boolean): Tensor {
    const a = normalizeAxis(this.name, this.axis, x.rank);
    const reduceAxes = x.shape.map((_, i) => i).filter((i) => i !== a);
    const featureShape = x.shape.map((d, i) => (i === a ? d : 1));
    const asFeature = (t: Tensor | Variable) => reshape(t, featureShape);
    let mu: Tensor, v: Tensor;
    if (training) {
      mu = mean(x, reduceAxes, true);
      v = variance(x, reduceAxes, true);
      noGrad(() => {
        const m = this.momentum;
        // returned by a functional training step, assigned when called eagerly (see updateState)
        updateState(this.movingMean!, add(mul(this.movingMean!, m), mul(reshape(mu, [-1]), 1 - m)));
        updateState(this.movingVariance!, add(mul(this.movingVariance!, m), mul(reshape(v, [-1]), 1 - m)));
      });
    } else {
      mu = asFeature(this.movingMean!);
      v = asFeature(this.movingVariance!);
    }
    let y = div(sub(x, mu), sqrt(add(v, this.epsilon)));
    if (this.gamma) y = mul(y, asFeature(this.gamma));
    if (this.beta) y = add(y, asFeature(this.beta));
    return y;
  }

  override getConfig() {
    return { ...super.getConfig(), axis: this.axis, momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}

registerLayer('BatchNormalization', (c) => new BatchNormalization(c as never));
