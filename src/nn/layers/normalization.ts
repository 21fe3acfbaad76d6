// Per-example normalisation layers (Keras's LayerNormalization,
// GroupNormalization and UnitNormalization): statistics of each example
// alone, so they behave the same in training and inference and keep no state.
import { describe } from '../../core/describe.js';
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { formatShape, normalizeAxis } from '../../core/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Variable } from '../../tensor/variable.js';
import { add, mul, sub } from '../../ops/arithmetic.js';
import { floatTensor } from '../../ops/convert.js';
import { rsqrt } from '../../ops/elementwise.js';
import { mean } from '../../ops/reduce.js';
import { reshape } from '../../ops/shape.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { Layer, registerLayer, type LayerArgs, type SymbolicShape } from '../layer.js';
import { boolOption } from '../options.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';

/** An axis option: an integer or a non-empty list of distinct integers. */
function axisOption(op: string, v: unknown): number | number[] {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (Array.isArray(v) && v.length > 0 && v.every((a) => typeof a === 'number' && Number.isInteger(a))) return [...(v as number[])];
  throw new ArgumentError(`${op}: axis must be an integer or a non-empty list of integers, got ${describe(v)}`);
}

/** ε > 0, finite. */
function epsilonOption(op: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new ArgumentError(`${op}: epsilon must be a positive finite number, got ${describe(v)}`);
  return v;
}

/**
 * The axes of `axis` for an input of this rank, in the given order, each in
 * range, distinct, not the batch axis 0, and of known size.
 */
function resolveAxes(layer: string, axis: number | number[], inputShape: SymbolicShape): number[] {
  const list = typeof axis === 'number' ? [axis] : axis;
  const axes = list.map((a) => normalizeAxis(layer, a, inputShape.length));
  if (new Set(axes).size !== axes.length) throw new ArgumentError(`${layer}: axis [${list.join(', ')}] repeats an axis of a rank-${inputShape.length} input`);
  for (const a of axes) {
    if (a === 0) throw new ArgumentError(`${layer}: axis cannot be the batch axis 0 (input shape ${JSON.stringify(inputShape)})`);
    if (typeof inputShape[a] !== 'number') throw new ShapeError(`${layer}: axis ${a} of input shape ${JSON.stringify(inputShape)} must be known`);
  }
  return axes;
}

/** The learned scale γ and offset β options the normalisation layers share (Keras's names). */
export interface ScaleOffsetArgs {
  /** Added to the variance. Default 1e-3. */
  epsilon?: number;
  /** Learn an offset β (initially 0). Default true. */
  center?: boolean;
  /** Learn a scale γ (initially 1). Default true. */
  scale?: boolean;
  /** Initial β; 'zeros' by default. */
  betaInitializer?: InitializerSpec;
  /** Initial γ; 'ones' by default. */
  gammaInitializer?: InitializerSpec;
  /** A penalty on β added to the training loss. */
  betaRegularizer?: RegularizerSpec;
  /** A penalty on γ added to the training loss. */
  gammaRegularizer?: RegularizerSpec;
}

/** γ and β with their initialisers and regularisers: the part LayerNormalization and GroupNormalization share. */
abstract class ScaleOffsetLayer extends Layer {
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly betaInit: Initializer;
  private readonly gammaInit: Initializer;
  private readonly betaReg: Regularizer | undefined;
  private readonly gammaReg: Regularizer | undefined;
  gamma: Variable | undefined;
  beta: Variable | undefined;

  constructor(className: string, op: string, args: LayerArgs & ScaleOffsetArgs) {
    super(className, args);
    this.epsilon = epsilonOption(op, args.epsilon ?? 1e-3);
    this.center = boolOption(op, 'center', args.center ?? true);
    this.scale = boolOption(op, 'scale', args.scale ?? true);
    this.betaInit = getInitializer(args.betaInitializer ?? 'zeros', op);
    this.gammaInit = getInitializer(args.gammaInitializer ?? 'ones', op);
    this.betaReg = args.betaRegularizer ? getRegularizer(args.betaRegularizer, op) : undefined;
    this.gammaReg = args.gammaRegularizer ? getRegularizer(args.gammaRegularizer, op) : undefined;
  }

  /** Creates γ then β (Keras's order) of this shape. */
  protected addScaleOffset(shape: number[]): void {
    if (this.scale) this.gamma = this.addWeight('gamma', shape, this.gammaInit, { regularizer: this.gammaReg });
    if (this.center) this.beta = this.addWeight('beta', shape, this.betaInit, { regularizer: this.betaReg });
  }

  /** y·γ + β with γ and β reshaped to `shape` (which broadcasts against y). */
  protected scaleOffset(y: Tensor, shape: number[]): Tensor {
    if (this.gamma) y = mul(y, reshape(this.gamma, shape));
    if (this.beta) y = add(y, reshape(this.beta, shape));
    return y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeInitializer(this.betaInit),
      gammaInitializer: serializeInitializer(this.gammaInit),
      ...(this.betaReg ? { betaRegularizer: { className: 'L1L2', config: this.betaReg.config } } : {}),
      ...(this.gammaReg ? { gammaRegularizer: { className: 'L1L2', config: this.gammaReg.config } } : {}),
    };
  }
}

/** Options of {@link LayerNormalization} (Keras's names and defaults). */
export interface LayerNormalizationArgs extends LayerArgs, ScaleOffsetArgs {
  /** The axis or axes normalised over (and that γ and β span); −1, the last, by default. */
  axis?: number | number[];
}

/**
 * Layer normalisation (Ba et al. 2016), per example over `axis` (the
 * features, the last axis by default):
 *
 *     μ = mean(x), σ² = mean((x − μ)²)   over the axes of `axis`
 *     y = γ·(x − μ)/√(σ² + ε) + β
 *
 * with γ and β of the shape of those axes (Keras's layout: axis [1, 2] of a
 * [batch, 4, 5] input gives γ [4, 5]). ε = 1e-3 by default, as in Keras
 * (PyTorch's nn.LayerNorm uses 1e-5). The same in training and inference;
 * no state. For a transformer's [batch, time, features], the default
 * normalises each position's feature vector.
 */
export class LayerNormalization extends ScaleOffsetLayer {
  readonly axis: number | number[];
  /** The normalised axes for the built rank, in the order given. */
  private axes: number[] = [];
  /** Their sizes (γ's and β's shape). */
  private sizes: number[] = [];
  private rank = 0;

  constructor(args: LayerNormalizationArgs = {}) {
    super('LayerNormalization', 'layerNormalization', args);
    this.axis = axisOption('layerNormalization', args.axis ?? -1);
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  override build(inputShape: SymbolicShape): void {
    this.rank = inputShape.length;
    this.axes = resolveAxes(this.name, this.axis, inputShape);
    this.sizes = this.axes.map((a) => inputShape[a] as number);
    this.addScaleOffset(this.sizes);
    this.built = true;
  }

  call(input: Tensor): Tensor {
    const x = floatTensor(this.name, 'x', input);
    if (x.rank !== this.rank)
      throw new ShapeError(`${this.name}: input shape ${formatShape(x.shape)} has rank ${x.rank}; the layer was built for rank ${this.rank}`);
    const sizes = this.axes.map((a) => x.shape[a]);
    if (sizes.some((d, i) => typeof d === 'number' && d !== this.sizes[i]))
      throw new ShapeError(
        `${this.name}: input shape ${formatShape(x.shape)} does not fit: axes [${this.axes.join(', ')}] have sizes [${sizes.join(', ')}], the layer was built for [${this.sizes.join(', ')}]`,
      );
    const centered = sub(x, mean(x, this.axes, true));
    const variance = mean(mul(centered, centered), this.axes, true);
    const y = mul(centered, rsqrt(add(variance, this.epsilon)));
    // γ and β as Keras lays them over the axes (a plain reshape, as Keras's, when the axes are given out of order)
    const broadcast = x.shape.map((d, i) => (this.axes.includes(i) ? d : 1)) as number[];
    return this.scaleOffset(y, broadcast);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

registerLayer('LayerNormalization', (c) => new LayerNormalization(c as unknown as LayerNormalizationArgs));
