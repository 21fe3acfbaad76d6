import { describe } from '../../core/describe.js';
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { avgPool2d, maxPool2d, type Padding } from '../../ops/conv.js';
import { max, mean } from '../../ops/reduce.js';
import { reshape } from '../../ops/shape.js';
import { Layer, registerLayer, type LayerArgs } from '../layer.js';
import { boolOption, choiceOption, layerOpName } from '../options.js';

// Pooling over the steps of sequences [batch, steps, channels], Keras's
// MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D and
// GlobalAveragePooling1D. A windowed pool is the 2-D pool of the sequence seen
// as an image one column wide, [batch, steps, 1, channels], with a window
// [poolSize, 1] (as Keras computes it): the 2-D ops' padding rules, gradients
// and ONNX export carry over.

const PADDINGS: readonly Padding[] = ['valid', 'same'];

/** Options of MaxPooling1D and AveragePooling1D (Keras's names). */
export interface Pooling1DArgs extends LayerArgs {
  /** The window's length in steps; 2 by default. Keras's configs write it as [n]: that is taken too. */
  poolSize?: number | [number];
  /** The step between windows; the pool size by default. */
  strides?: number | [number];
  /** 'valid' (windows inside the sequence, the default) or 'same' (out = ⌈steps / strides⌉, padding never counted). */
  padding?: Padding;
}

/** A positive integer given as n or [n] (Keras's configs hold tuples). */
function lengthOption(op: string, name: string, v: unknown): number {
  const n = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > 2 ** 31)
    throw new ArgumentError(`${op}: ${name} must be a positive integer (or [n]), got ${Array.isArray(v) ? `[${v.map(describe).join(',')}]` : describe(v)}`);
  return n;
}

/** The check every 1-D pool makes of its input: [batch, steps, channels]. */
function checkSequence(name: string, x: Tensor): [number, number, number] {
  if (x.rank !== 3) throw new ShapeError(`${name}: input shape ${formatShape(x.shape)} must be [batch, steps, channels]`);
  return x.shape as [number, number, number];
}

abstract class Pooling1D extends Layer {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: Padding;
  constructor(className: string, args: Pooling1DArgs) {
    super(className, args);
    const op = layerOpName(className);
    this.poolSize = lengthOption(op, 'poolSize', args.poolSize ?? 2);
    this.strides = lengthOption(op, 'strides', args.strides ?? this.poolSize);
    this.padding = choiceOption(op, 'padding', args.padding ?? 'valid', PADDINGS);
  }
  protected abstract pool2d(x: Tensor): Tensor;
  call(x: Tensor): Tensor {
    const [batch, steps, channels] = checkSequence(this.name, x);
    if (this.padding === 'valid' && steps < this.poolSize)
      throw new ShapeError(`${this.name}: input shape ${formatShape(x.shape)} has ${steps} steps, fewer than the window of ${this.poolSize} ('valid' padding)`);
    const y = this.pool2d(reshape(x, [batch, steps, 1, channels]));
    return reshape(y, [batch, y.shape[1]!, channels]);
  }
  override getConfig() {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

/**
 * The maximum of each window of steps, per channel: x [batch, steps, c] →
 * y [batch, out, c] with y[b, i, c] = max_{k < poolSize} x[b, i·strides + k − pad, c]
 * over the real steps; out = ⌊(steps − poolSize) / strides⌋ + 1 ('valid') or
 * ⌈steps / strides⌉ ('same').
 */
export class MaxPooling1D extends Pooling1D {
  constructor(args: Pooling1DArgs = {}) {
    super('MaxPooling1D', args);
  }
  protected pool2d(x: Tensor): Tensor {
    return maxPool2d(x, [this.poolSize, 1], [this.strides, 1], this.padding);
  }
}

/**
 * The mean of each window of steps, per channel: y[b, i, c] = mean over the
 * window's real steps of x[b, ·, c] (with 'same' padding the padded steps are
 * not counted, as in Keras); out as in MaxPooling1D.
 */
export class AveragePooling1D extends Pooling1D {
  constructor(args: Pooling1DArgs = {}) {
    super('AveragePooling1D', args);
  }
  protected pool2d(x: Tensor): Tensor {
    return avgPool2d(x, [this.poolSize, 1], [this.strides, 1], this.padding);
  }
}

/** Options of GlobalMaxPooling1D and GlobalAveragePooling1D. */
export interface GlobalPooling1DArgs extends LayerArgs {
  /** Keep the steps axis with length 1: [batch, 1, channels] instead of [batch, channels]. Default false. */
  keepDims?: boolean;
}

abstract class GlobalPooling1D extends Layer {
  readonly keepDims: boolean;
  constructor(className: string, args: GlobalPooling1DArgs) {
    super(className, args);
    this.keepDims = boolOption(layerOpName(className), 'keepDims', args.keepDims ?? false);
  }
  protected abstract reduce(x: Tensor): Tensor;
  call(x: Tensor): Tensor {
    checkSequence(this.name, x);
    return this.reduce(x);
  }
  override getConfig(): Record<string, unknown> {
    // keepDims only when set: the default config is TF.js's (which has no such option)
    return { ...super.getConfig(), ...(this.keepDims ? { keepDims: true } : {}) };
  }
}

/** The mean over the steps: [batch, steps, c] → [batch, c] (or [batch, 1, c] with keepDims), y[b, c] = (1/steps)·Σₜ x[b, t, c]. */
export class GlobalAveragePooling1D extends GlobalPooling1D {
  constructor(args: GlobalPooling1DArgs = {}) {
    super('GlobalAveragePooling1D', args);
  }
  protected reduce(x: Tensor): Tensor {
    return mean(x, 1, this.keepDims);
  }
}

/** The maximum over the steps: [batch, steps, c] → [batch, c] (or [batch, 1, c] with keepDims), y[b, c] = maxₜ x[b, t, c]. */
export class GlobalMaxPooling1D extends GlobalPooling1D {
  constructor(args: GlobalPooling1DArgs = {}) {
    super('GlobalMaxPooling1D', args);
  }
  protected reduce(x: Tensor): Tensor {
    return max(x, 1, this.keepDims);
  }
}

registerLayer('MaxPooling1D', (c) => new MaxPooling1D(c as Pooling1DArgs));
registerLayer('AveragePooling1D', (c) => new AveragePooling1D(c as Pooling1DArgs));
registerLayer('GlobalMaxPooling1D', (c) => new GlobalMaxPooling1D(c as GlobalPooling1DArgs));
registerLayer('GlobalAveragePooling1D', (c) => new GlobalAveragePooling1D(c as GlobalPooling1DArgs));
