import { describe } from '../../core/describe.js';
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { rangeOption, requireArgs } from '../options.js';
import { formatShape, sizeOf } from '../../core/shape.js';
import { globalGenerator } from '../../core/random.js';
import { randomUniform } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { div, mul } from '../../ops/arithmetic.js';
import { cast } from '../../ops/convert.js';
import { greaterEqual } from '../../ops/compare.js';
import { reshape } from '../../ops/shape.js';
import { canonicalActivation, getActivation, type ActivationName } from '../activations.js';
import { Layer, registerLayer, type LayerArgs } from '../layer.js';

/** Applies an activation function by name. */
export class Activation extends Layer {
  readonly activation: ActivationName;
  constructor(args: LayerArgs & { activation: ActivationName | string }) {
    super('Activation', requireArgs('activation', args));
    this.activation = canonicalActivation(args.activation, 'activation');
  }
  call(x: Tensor): Tensor {
    return getActivation(this.activation)(x);
  }
  override getConfig() {
    return { ...super.getConfig(), activation: this.activation };
  }
}

/**
 * Dropout: in training, each entry is zeroed with probability `rate` and the
 * survivors are scaled by 1/(1 − rate) (inverted dropout), so inference is
 * the identity.
 */
export class Dropout extends Layer {
  readonly rate: number;
  constructor(args: LayerArgs & { rate: number }) {
    super('Dropout', requireArgs('dropout', args));
    this.rate = rangeOption('dropout', 'rate', args.rate, 0, 1);
  }
  call(x: Tensor, training: boolean): Tensor {
    if (!training || this.rate === 0) return x;
    const keep = greaterEqual(
      randomUniform(x.shape, 0, 1, { dtype: x.dtype === 'float64' ? 'float64' : 'float32', generator: this.generator ?? globalGenerator() }),
      this.rate,
    );
    return div(mul(x, cast(keep, x.dtype)), 1 - this.rate);
  }
  override getConfig() {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/** Flattens each example to a vector: [batch, ...] → [batch, product]. */
export class Flatten extends Layer {
  constructor(args: LayerArgs = {}) {
    super('Flatten', args);
  }
  call(x: Tensor): Tensor {
    if (x.rank === 0) throw new ShapeError(`${this.name}: input shape [] has no batch axis to keep`);
    return reshape(x, [x.shape[0]!, sizeOf(x.shape.slice(1))]);
  }
}

/** Reshapes each example to `targetShape` (one entry may be −1). */
export class Reshape extends Layer {
  readonly targetShape: number[];
  constructor(args: LayerArgs & { targetShape: number[] }) {
    super('Reshape', requireArgs('reshape', args));
    const t = args.targetShape;
    if (!Array.isArray(t) || t.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || (d < 1 && d !== -1)) || t.filter((d) => d === -1).length > 1) {
      throw new ArgumentError(
        `reshape: targetShape must be an array of positive integers with at most one -1, got ${Array.isArray(t) ? `[${t.map(describe).join(',')}]` : describe(t)}`,
      );
    }
    this.targetShape = [...t];
  }
  call(x: Tensor): Tensor {
    const per = sizeOf(x.shape.slice(1));
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (this.targetShape.includes(-1) ? per % known !== 0 : per !== known) {
      throw new ShapeError(`${this.name}: cannot reshape examples of shape ${formatShape(x.shape.slice(1))} to ${formatShape(this.targetShape)}`);
    }
    return reshape(x, [x.shape[0]!, ...this.targetShape]);
  }
  override getConfig() {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}

registerLayer('Activation', (c) => new Activation(c as never));
registerLayer('Dropout', (c) => new Dropout(c as never));
registerLayer('Flatten', (c) => new Flatten(c as never));
registerLayer('Reshape', (c) => new Reshape(c as never));
