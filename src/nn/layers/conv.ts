import { ArgumentError, ShapeError } from '../../core/errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Variable } from '../../tensor/variable.js';
import { avgPool2d, conv2d, maxPool2d, type Padding, type Pair } from '../../ops/conv.js';
import { max, mean } from '../../ops/reduce.js';
import { activateWithBias, canonicalActivation, type ActivationName, type ActivationSpelling } from '../activations.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { Layer, registerLayer, type LayerArgs, type SymbolicShape } from '../layer.js';
import { layerOpName, boolOption, choiceOption, intOption, pairOption, requireArgs } from '../options.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';

const PADDINGS: readonly Padding[] = ['valid', 'same'];

/** Options of a Conv2D layer (Keras's names). */
export interface Conv2DArgs extends LayerArgs {
  /** Output channels. */
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  padding?: Padding;
  dilationRate?: Pair;
  /** Channel groups: input and output channels split into `groups` blocks convolved separately (1 by default). */
  groups?: number;
  activation?: ActivationSpelling;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec;
}

/**
 * 2-D convolution over NHWC images: y = activation(conv2d(x, K) + b), with
 * the kernel K of shape [kh, kw, inChannels / groups, filters] as in Keras (so
 * weights exchange with Keras and TF.js); with `groups` G > 1 output channel o
 * sees only the input channels of its group ⌊o·G/filters⌋.
 */
export class Conv2D extends Layer {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilationRate: [number, number];
  readonly groups: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;
  private readonly kernelReg: Regularizer | undefined;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(args: Conv2DArgs) {
    super('Conv2D', requireArgs('conv2d', args));
    this.filters = intOption('conv2d', 'filters', args.filters);
    this.kernelSize = pairOption('conv2d', 'kernelSize', args.kernelSize);
    this.strides = pairOption('conv2d', 'strides', args.strides ?? 1);
    this.padding = choiceOption('conv2d', 'padding', args.padding ?? 'valid', PADDINGS);
    this.dilationRate = pairOption('conv2d', 'dilationRate', args.dilationRate ?? 1);
    this.groups = intOption('conv2d', 'groups', args.groups ?? 1);
    if (this.filters % this.groups !== 0) throw new ArgumentError(`conv2d: filters ${this.filters} must be divisible by groups ${this.groups}`);
    this.activation = canonicalActivation(args.activation ?? 'linear', 'conv2d');
    this.useBias = boolOption('conv2d', 'useBias', args.useBias ?? true);
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorotUniform', 'conv2d');
    this.biasInit = getInitializer(args.biasInitializer ?? 'zeros', 'conv2d');
    this.kernelReg = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer, 'conv2d') : undefined;
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  override build(s: SymbolicShape): void {
    const cin = s[s.length - 1];
    if (s.length !== 4 || typeof cin !== 'number')
      throw new ShapeError(`${this.name}: input shape ${JSON.stringify(s)} must be [batch, height, width, channels] with known channels`);
    if (cin % this.groups !== 0)
      throw new ShapeError(`${this.name}: input shape ${JSON.stringify(s)}: ${cin} channels do not split into ${this.groups} groups`);
    this.kernel = this.addWeight('kernel', [...this.kernelSize, cin / this.groups, this.filters], this.kernelInit, { regularizer: this.kernelReg });
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInit);
    this.built = true;
  }

  call(x: Tensor): Tensor {
    const z = conv2d(x, this.kernel!, this.strides, this.padding, this.dilationRate, this.groups);
    return activateWithBias(this.activation, z, this.bias ?? null);
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      groups: this.groups,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInit),
      biasInitializer: serializeInitializer(this.biasInit),
      ...(this.kernelReg ? { kernelRegularizer: { className: 'L1L2', config: this.kernelReg.config } } : {}),
    };
  }
}

/** Options of the pooling layers. */
export interface Pooling2DArgs extends LayerArgs {
  /** Window size; 2 by default. */
  poolSize?: Pair;
  /** Step; the pool size by default. */
  strides?: Pair;
  padding?: Padding;
}

abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  constructor(className: string, args: Pooling2DArgs) {
    super(className, args);
    const op = layerOpName(className);
    this.poolSize = pairOption(op, 'poolSize', args.poolSize ?? 2);
    this.strides = pairOption(op, 'strides', args.strides ?? this.poolSize);
    this.padding = choiceOption(op, 'padding', args.padding ?? 'valid', PADDINGS);
  }
  override getConfig() {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

/** The maximum of each window of NHWC images, per channel. */
export class MaxPooling2D extends Pooling2D {
  constructor(args: Pooling2DArgs = {}) {
    super('MaxPooling2D', args);
  }
  call(x: Tensor): Tensor {
    return maxPool2d(x, this.poolSize, this.strides, this.padding);
  }
}

/** The mean of each window of NHWC images, per channel ('same' padding averages only real entries). */
export class AveragePooling2D extends Pooling2D {
  constructor(args: Pooling2DArgs = {}) {
    super('AveragePooling2D', args);
  }
  call(x: Tensor): Tensor {
    return avgPool2d(x, this.poolSize, this.strides, this.padding);
  }
}

/** A reduction over height and width: [batch, h, w, c] → [batch, c]. */
abstract class GlobalPooling2D extends Layer {
  protected abstract reduce(x: Tensor): Tensor;
  call(x: Tensor): Tensor {
    if (x.rank !== 4) throw new ShapeError(`${this.name}: input shape [${x.shape.join(',')}] must be [batch, height, width, channels]`);
    return this.reduce(x);
  }
}

/** The mean over height and width: [batch, h, w, c] → [batch, c]. */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  constructor(args: LayerArgs = {}) {
    super('GlobalAveragePooling2D', args);
  }
  protected reduce(x: Tensor): Tensor {
    return mean(x, [1, 2]);
  }
}

/** The maximum over height and width: [batch, h, w, c] → [batch, c]. */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  constructor(args: LayerArgs = {}) {
    super('GlobalMaxPooling2D', args);
  }
  protected reduce(x: Tensor): Tensor {
    return max(x, [1, 2]);
  }
}

registerLayer('Conv2D', (c) => new Conv2D(c as unknown as Conv2DArgs));
registerLayer('MaxPooling2D', (c) => new MaxPooling2D(c as Pooling2DArgs));
registerLayer('AveragePooling2D', (c) => new AveragePooling2D(c as Pooling2DArgs));
registerLayer('GlobalAveragePooling2D', (c) => new GlobalAveragePooling2D(c as LayerArgs));
registerLayer('GlobalMaxPooling2D', (c) => new GlobalMaxPooling2D(c as LayerArgs));
