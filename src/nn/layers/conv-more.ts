// Keras's other convolution layers: Conv1D, Conv2DTranspose, DepthwiseConv2D
// and SeparableConv2D, with Keras's option names and weight layouts (so their
// weights exchange with Keras and TF.js), over channels-last inputs.
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { describe } from '../../core/describe.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Variable } from '../../tensor/variable.js';
import type { Padding, Pair } from '../../ops/conv.js';
import { conv1d, conv2dTranspose, depthwiseConv2d, separableConv2d } from '../../ops/conv-variants.js';
import { activateWithBias, canonicalActivation, type ActivationName, type ActivationSpelling } from '../activations.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { Layer, registerLayer, type LayerArgs, type SymbolicShape } from '../layer.js';
import { boolOption, choiceOption, intOption, pairOption, requireArgs } from '../options.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';

const PADDINGS: readonly Padding[] = ['valid', 'same'];

/** A positive integer given as n or [n] (Keras writes 1-D sizes as 1-tuples). */
function singleOption(op: string, name: string, v: unknown): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > 2 ** 31) {
    throw new ArgumentError(`${op}: ${name} must be a positive integer or [n], got ${Array.isArray(v) ? `[${v.map(describe).join(',')}]` : describe(v)}`);
  }
  return n;
}

const regularizer = (op: string, spec: RegularizerSpec | null | undefined) => (spec ? getRegularizer(spec, op) : undefined);
const regularizerConfig = (key: string, r: Regularizer | undefined) => (r ? { [key]: { className: 'L1L2', config: r.config } } : {});

/** Options every layer of this file shares (Keras's names). */
interface ConvCommonArgs extends LayerArgs {
  activation?: ActivationSpelling;
  useBias?: boolean;
  biasInitializer?: InitializerSpec;
  biasRegularizer?: RegularizerSpec;
}

/** The activation, bias and input-rank handling the layers of this file share. */
abstract class ConvBase extends Layer {
  readonly activation: ActivationName;
  readonly useBias: boolean;
  protected readonly biasInit: Initializer;
  protected readonly biasReg: Regularizer | undefined;
  bias: Variable | undefined;
  protected readonly op: string;

  constructor(className: string, op: string, args: ConvCommonArgs) {
    super(className, requireArgs(op, args));
    this.op = op;
    this.activation = canonicalActivation(args.activation ?? 'linear', op);
    this.useBias = boolOption(op, 'useBias', args.useBias ?? true);
    this.biasInit = getInitializer(args.biasInitializer ?? 'zeros', op);
    this.biasReg = regularizer(op, args.biasRegularizer);
  }

  /** The channel count of a [batch, ...spatial, channels] input shape of `rank` axes; a ShapeError otherwise. */
  protected channels(s: SymbolicShape, rank: number, what: string): number {
    const c = s[s.length - 1];
    if (s.length !== rank || typeof c !== 'number')
      throw new ShapeError(`${this.name}: input shape ${JSON.stringify(s)} must be ${what} with known channels (${this.op})`);
    return c;
  }

  protected addBias(n: number): void {
    if (this.useBias) this.bias = this.addWeight('bias', [n], this.biasInit, { regularizer: this.biasReg });
  }

  protected finish(z: Tensor): Tensor {
    return activateWithBias(this.activation, z, this.bias ?? null);
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      activation: this.activation,
      useBias: this.useBias,
      biasInitializer: serializeInitializer(this.biasInit),
      ...regularizerConfig('biasRegularizer', this.biasReg),
    };
  }
}

/** Options of a Conv1D layer (Keras's names). */
export interface Conv1DArgs extends ConvCommonArgs {
  /** Output channels. */
  filters: number;
  /** Window length: k or [k]. */
  kernelSize: number | readonly [number];
  strides?: number | readonly [number];
  /** 'valid', 'same', or 'causal' ((k − 1)·d zeros on the left only: output t sees inputs ≤ t). */
  padding?: 'valid' | 'same' | 'causal';
  dilationRate?: number | readonly [number];
  /** Channel groups: input and output channels split into `groups` blocks convolved separately. */
  groups?: number;
  kernelInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec;
}

/**
 * 1-D convolution over sequences [batch, steps, channels]:
 * y[n, t, o] = activation(Σ_{a,c} x[n, t·s + a·d, c]·K[a, c, o] + b[o]),
 * with the kernel K of shape [k, channels / groups, filters] as in Keras
 * (per group of channels when `groups` > 1).
 */
export class Conv1D extends ConvBase {
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same' | 'causal';
  readonly dilationRate: number;
  readonly groups: number;
  private readonly kernelInit: Initializer;
  private readonly kernelReg: Regularizer | undefined;
  kernel: Variable | undefined;

  constructor(args: Conv1DArgs) {
    super('Conv1D', 'conv1d', args);
    const op = this.op;
    this.filters = intOption(op, 'filters', args.filters);
    this.kernelSize = singleOption(op, 'kernelSize', args.kernelSize);
    this.strides = singleOption(op, 'strides', args.strides ?? 1);
    this.padding = choiceOption(op, 'padding', args.padding ?? 'valid', ['valid', 'same', 'causal'] as const);
    this.dilationRate = singleOption(op, 'dilationRate', args.dilationRate ?? 1);
    this.groups = intOption(op, 'groups', args.groups ?? 1);
    if (this.filters % this.groups !== 0) throw new ArgumentError(`${op}: filters ${this.filters} must be divisible by groups ${this.groups}`);
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorotUniform', op);
    this.kernelReg = regularizer(op, args.kernelRegularizer);
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  override build(s: SymbolicShape): void {
    const cin = this.channels(s, 3, '[batch, steps, channels]');
    if (cin % this.groups !== 0)
      throw new ShapeError(`${this.name}: input shape ${JSON.stringify(s)}: ${cin} channels do not split into ${this.groups} groups`);
    this.kernel = this.addWeight('kernel', [this.kernelSize, cin / this.groups, this.filters], this.kernelInit, { regularizer: this.kernelReg });
    this.addBias(this.filters);
    this.built = true;
  }

  call(x: Tensor): Tensor {
    return this.finish(conv1d(x, this.kernel!, this.strides, this.padding, this.dilationRate, this.groups));
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [this.kernelSize],
      strides: [this.strides],
      padding: this.padding,
      dilationRate: [this.dilationRate],
      groups: this.groups,
      kernelInitializer: serializeInitializer(this.kernelInit),
      ...regularizerConfig('kernelRegularizer', this.kernelReg),
    };
  }
}

/** Options of a Conv2DTranspose layer (Keras's names). */
export interface Conv2DTransposeArgs extends ConvCommonArgs {
  /** Output channels. */
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  padding?: Padding;
  /** Extra rows and columns at the bottom and right (each smaller than the stride); null: Keras's default sizes. */
  outputPadding?: Pair | null;
  dilationRate?: Pair;
  kernelInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec;
}

/**
 * Transposed 2-D convolution ("deconvolution", the gradient of Conv2D with
 * respect to its input) over NHWC images, kernel [kh, kw, filters, inChannels]
 * as in Keras: every input pixel adds a kernel-weighted patch to a
 * stride-spaced output, y[n, i·s + a·d − p, j·s + b·d − q, o] += x[n, i, j, c]·K[a, b, o, c],
 * then the bias and activation. Output size per axis (Keras's): with no
 * outputPadding, in·s ('same') or in·s + max(k_eff − s, 0) ('valid');
 * with it, (in − 1)·s + k_eff − 2·⌊k_eff/2⌋ + outputPadding ('same') or
 * (in − 1)·s + k_eff + outputPadding ('valid'), where k_eff = (k − 1)·d + 1
 * and the crop p is TensorFlow's (⌊total/2⌋ before).
 */
export class Conv2DTranspose extends ConvBase {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly outputPadding: [number, number] | null;
  readonly dilationRate: [number, number];
  private readonly kernelInit: Initializer;
  private readonly kernelReg: Regularizer | undefined;
  kernel: Variable | undefined;

  constructor(args: Conv2DTransposeArgs) {
    super('Conv2DTranspose', 'conv2dTranspose', args);
    const op = this.op;
    this.filters = intOption(op, 'filters', args.filters);
    this.kernelSize = pairOption(op, 'kernelSize', args.kernelSize);
    this.strides = pairOption(op, 'strides', args.strides ?? 1);
    this.padding = choiceOption(op, 'padding', args.padding ?? 'valid', PADDINGS);
    this.dilationRate = pairOption(op, 'dilationRate', args.dilationRate ?? 1);
    const opad = args.outputPadding ?? null;
    if (opad === null) this.outputPadding = null;
    else {
      const p = typeof opad === 'number' ? [opad, opad] : Array.isArray(opad) && opad.length === 2 ? [opad[0], opad[1]] : null;
      if (p === null || !p.every((v) => Number.isSafeInteger(v) && v >= 0))
        throw new ArgumentError(`${op}: outputPadding must be a non-negative integer, a pair of them or null, got ${describe(opad)}`);
      if (p[0]! >= this.strides[0] || p[1]! >= this.strides[1])
        throw new ArgumentError(`${op}: outputPadding [${p.join(',')}] must be smaller than the strides [${this.strides.join(',')}]`);
      this.outputPadding = p as [number, number];
    }
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorotUniform', op);
    this.kernelReg = regularizer(op, args.kernelRegularizer);
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  override build(s: SymbolicShape): void {
    const cin = this.channels(s, 4, '[batch, height, width, channels]');
    this.kernel = this.addWeight('kernel', [...this.kernelSize, this.filters, cin], this.kernelInit, { regularizer: this.kernelReg });
    this.addBias(this.filters);
    this.built = true;
  }

  /**
   * The op's explicit padding and outputPadding for one axis, from Keras's
   * output size: the full transposed convolution spans (in − 1)·s + k_eff,
   * of which ⌊T/2⌋ leading entries are cropped (T the surplus over the
   * output, TensorFlow's SAME rule), and a shortfall is zero rows at the end.
   * (The surplus does not depend on the input size.)
   */
  private axisPadding(i: 0 | 1): { pads: [number, number]; extra: number } {
    const s = this.strides[i],
      eff = (this.kernelSize[i] - 1) * this.dilationRate[i] + 1;
    // surplus = full − out with full = (in − 1)·s + eff
    let surplus: number;
    if (this.outputPadding === null) surplus = this.padding === 'same' ? eff - s : Math.min(eff - s, 0);
    else surplus = this.padding === 'same' ? 2 * Math.floor(eff / 2) - this.outputPadding[i] : -this.outputPadding[i];
    const before = Math.floor(Math.max(surplus, 0) / 2),
      after = surplus - before;
    return after >= 0 ? { pads: [before, after], extra: 0 } : { pads: [before, 0], extra: -after };
  }

  call(x: Tensor): Tensor {
    const h = this.axisPadding(0),
      w = this.axisPadding(1);
    const z = conv2dTranspose(x, this.kernel!, this.strides, [h.pads, w.pads], [h.extra, w.extra], this.dilationRate);
    return this.finish(z);
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilationRate: this.dilationRate,
      kernelInitializer: serializeInitializer(this.kernelInit),
      ...regularizerConfig('kernelRegularizer', this.kernelReg),
    };
  }
}

/** Options of a DepthwiseConv2D layer (Keras's names). */
export interface DepthwiseConv2DArgs extends ConvCommonArgs {
  kernelSize: Pair;
  strides?: Pair;
  padding?: Padding;
  /** Output channels per input channel (1 by default). */
  depthMultiplier?: number;
  dilationRate?: Pair;
  depthwiseInitializer?: InitializerSpec;
  depthwiseRegularizer?: RegularizerSpec;
}

/**
 * Depthwise 2-D convolution over NHWC images: each input channel c convolved
 * with its own `depthMultiplier` filters, depthwise kernel [kh, kw, C, m] as
 * in Keras; y[n, i, j, c·m + q] = activation(Σ_{a,b} x[n, i·s + a·d, j·s + b·d, c]·K[a, b, c, q] + b[c·m + q]).
 */
export class DepthwiseConv2D extends ConvBase {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly depthMultiplier: number;
  readonly dilationRate: [number, number];
  private readonly depthwiseInit: Initializer;
  private readonly depthwiseReg: Regularizer | undefined;
  depthwiseKernel: Variable | undefined;

  constructor(args: DepthwiseConv2DArgs) {
    super('DepthwiseConv2D', 'depthwiseConv2d', args);
    const op = this.op;
    this.kernelSize = pairOption(op, 'kernelSize', args.kernelSize);
    this.strides = pairOption(op, 'strides', args.strides ?? 1);
    this.padding = choiceOption(op, 'padding', args.padding ?? 'valid', PADDINGS);
    this.depthMultiplier = intOption(op, 'depthMultiplier', args.depthMultiplier ?? 1);
    this.dilationRate = pairOption(op, 'dilationRate', args.dilationRate ?? 1);
    this.depthwiseInit = getInitializer(args.depthwiseInitializer ?? 'glorotUniform', op);
    this.depthwiseReg = regularizer(op, args.depthwiseRegularizer);
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  override build(s: SymbolicShape): void {
    const cin = this.channels(s, 4, '[batch, height, width, channels]');
    this.depthwiseKernel = this.addWeight('depthwiseKernel', [...this.kernelSize, cin, this.depthMultiplier], this.depthwiseInit, {
      regularizer: this.depthwiseReg,
    });
    this.addBias(cin * this.depthMultiplier);
    this.built = true;
  }

  call(x: Tensor): Tensor {
    return this.finish(depthwiseConv2d(x, this.depthwiseKernel!, this.strides, this.padding, this.dilationRate));
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      depthMultiplier: this.depthMultiplier,
      dilationRate: this.dilationRate,
      depthwiseInitializer: serializeInitializer(this.depthwiseInit),
      ...regularizerConfig('depthwiseRegularizer', this.depthwiseReg),
    };
  }
}

/** Options of a SeparableConv2D layer (Keras's names). */
export interface SeparableConv2DArgs extends ConvCommonArgs {
  /** Output channels. */
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  padding?: Padding;
  /** Depthwise output channels per input channel (1 by default). */
  depthMultiplier?: number;
  dilationRate?: Pair;
  depthwiseInitializer?: InitializerSpec;
  pointwiseInitializer?: InitializerSpec;
  depthwiseRegularizer?: RegularizerSpec;
  pointwiseRegularizer?: RegularizerSpec;
}

/**
 * Separable 2-D convolution over NHWC images (Keras's SeparableConv2D): a
 * depthwise convolution (depthwiseKernel [kh, kw, C, m]) then a 1×1
 * convolution mixing its C·m channels (pointwiseKernel [1, 1, C·m, filters]),
 * then the bias [filters] and the activation.
 */
export class SeparableConv2D extends ConvBase {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly depthMultiplier: number;
  readonly dilationRate: [number, number];
  private readonly depthwiseInit: Initializer;
  private readonly pointwiseInit: Initializer;
  private readonly depthwiseReg: Regularizer | undefined;
  private readonly pointwiseReg: Regularizer | undefined;
  depthwiseKernel: Variable | undefined;
  pointwiseKernel: Variable | undefined;

  constructor(args: SeparableConv2DArgs) {
    super('SeparableConv2D', 'separableConv2d', args);
    const op = this.op;
    this.filters = intOption(op, 'filters', args.filters);
    this.kernelSize = pairOption(op, 'kernelSize', args.kernelSize);
    this.strides = pairOption(op, 'strides', args.strides ?? 1);
    this.padding = choiceOption(op, 'padding', args.padding ?? 'valid', PADDINGS);
    this.depthMultiplier = intOption(op, 'depthMultiplier', args.depthMultiplier ?? 1);
    this.dilationRate = pairOption(op, 'dilationRate', args.dilationRate ?? 1);
    this.depthwiseInit = getInitializer(args.depthwiseInitializer ?? 'glorotUniform', op);
    this.pointwiseInit = getInitializer(args.pointwiseInitializer ?? 'glorotUniform', op);
    this.depthwiseReg = regularizer(op, args.depthwiseRegularizer);
    this.pointwiseReg = regularizer(op, args.pointwiseRegularizer);
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  override build(s: SymbolicShape): void {
    const cin = this.channels(s, 4, '[batch, height, width, channels]');
    const m = this.depthMultiplier;
    this.depthwiseKernel = this.addWeight('depthwiseKernel', [...this.kernelSize, cin, m], this.depthwiseInit, { regularizer: this.depthwiseReg });
    this.pointwiseKernel = this.addWeight('pointwiseKernel', [1, 1, cin * m, this.filters], this.pointwiseInit, { regularizer: this.pointwiseReg });
    this.addBias(this.filters);
    this.built = true;
  }

  call(x: Tensor): Tensor {
    return this.finish(separableConv2d(x, this.depthwiseKernel!, this.pointwiseKernel!, this.strides, this.padding, this.dilationRate));
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      depthMultiplier: this.depthMultiplier,
      dilationRate: this.dilationRate,
      depthwiseInitializer: serializeInitializer(this.depthwiseInit),
      pointwiseInitializer: serializeInitializer(this.pointwiseInit),
      ...regularizerConfig('depthwiseRegularizer', this.depthwiseReg),
      ...regularizerConfig('pointwiseRegularizer', this.pointwiseReg),
    };
  }
}

registerLayer('Conv1D', (c) => new Conv1D(c as unknown as Conv1DArgs));
registerLayer('Conv2DTranspose', (c) => new Conv2DTranspose(c as unknown as Conv2DTransposeArgs));
registerLayer('DepthwiseConv2D', (c) => new DepthwiseConv2D(c as unknown as DepthwiseConv2DArgs));
registerLayer('SeparableConv2D', (c) => new SeparableConv2D(c as unknown as SeparableConv2DArgs));
