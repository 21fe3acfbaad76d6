import { ArgumentError, ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Variable } from '../../tensor/variable.js';
import { notEqual } from '../../ops/compare.js';
import { cast, toTensor, type TensorLike } from '../../ops/convert.js';
import { gather } from '../../ops/shape.js';
import { serializeInitializer, type Initializer } from '../initializers.js';
import { Layer, registerLayer, type LayerArgs, type SymbolicShape } from '../layer.js';
import { boolOption, intOption, requireArgs } from '../options.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { attachMask } from './mask.js';
import { resolveInitializer, type InitializerSpecOrOrthogonal } from './orthogonal.js';

/** Options of an Embedding layer (Keras's names and defaults). */
export interface EmbeddingArgs extends LayerArgs {
  /** The number of distinct indices (the vocabulary size): indices lie in [0, inputDim). */
  inputDim: number;
  /** The length of each embedding vector. */
  outputDim: number;
  /** The table's initializer; 'randomUniform' (U(−0.05, 0.05)) by default. */
  embeddingsInitializer?: InitializerSpecOrOrthogonal;
  embeddingsRegularizer?: RegularizerSpec;
  /** The length of the input sequences, for the first layer of a model: the same as inputShape [inputLength]. */
  inputLength?: number;
  /**
   * Index 0 is padding: the layer attaches a mask [batch, time] (false where
   * the index is 0) that the recurrent layer reading its output respects.
   * Index 0 then means no token, so inputDim is the vocabulary size + 1.
   */
  maskZero?: boolean;
}

/**
 * A lookup table of learned vectors: integer indices [batch, ...] become
 * rows of the table E [inputDim, outputDim], out[..., :] = E[index, :], of
 * shape [batch, ..., outputDim]. It is a gather; its gradient is a
 * scatter-add of the output's gradient into the rows that were read (a row
 * read twice receives both contributions). It equals oneHot(indices)·E
 * without forming the one-hot matrix. Indices may be an int32 tensor or a
 * float tensor holding whole numbers (as fit passes them).
 */
export class Embedding extends Layer {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly inputLength: number | undefined;
  readonly maskZero: boolean;
  private readonly embeddingsInit: Initializer;
  private readonly embeddingsReg: Regularizer | undefined;
  /** The table [inputDim, outputDim]. */
  embeddings: Variable | undefined;

  constructor(args: EmbeddingArgs) {
    requireArgs('embedding', args);
    if (args.inputLength !== undefined) intOption('embedding', 'inputLength', args.inputLength);
    super('Embedding', { ...args, inputShape: args.inputShape ?? (args.inputLength !== undefined ? [args.inputLength] : undefined) });
    this.inputDim = intOption('embedding', 'inputDim', args.inputDim);
    this.outputDim = intOption('embedding', 'outputDim', args.outputDim);
    this.inputLength = args.inputLength;
    this.maskZero = boolOption('embedding', 'maskZero', args.maskZero ?? false);
    this.embeddingsInit = resolveInitializer(args.embeddingsInitializer ?? 'randomUniform', 'embedding');
    this.embeddingsReg = args.embeddingsRegularizer ? getRegularizer(args.embeddingsRegularizer, 'embedding') : undefined;
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  override build(_inputShape: SymbolicShape): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.embeddingsInit, { regularizer: this.embeddingsReg });
    this.built = true;
  }

  /** The embeddings of the indices x: [...x.shape, outputDim]. With maskZero, the output carries the mask x ≠ 0. */
  call(x: Tensor): Tensor {
    const indices = this.indices(x);
    const y = gather(this.embeddings!, indices, 0);
    return this.maskZero ? attachMask(y, notEqual(indices, 0)) : y;
  }

  /** The mask this layer attaches for indices x (x ≠ 0, bool), or undefined without maskZero. */
  computeMask(x: TensorLike): Tensor | undefined {
    return this.maskZero ? notEqual(this.indices(toTensor(`${this.name}.computeMask`, 'x', x)), 0) : undefined;
  }

  /** The indices as int32, checked to be whole numbers in [0, inputDim). */
  private indices(x: Tensor): Tensor {
    if (x.dtype === 'bool') throw new ArgumentError(`${this.name}: expects integer indices, got a bool tensor of shape ${formatShape(x.shape)}`);
    if (this.inputLength !== undefined && (x.rank < 2 || x.shape[1] !== this.inputLength)) {
      throw new ShapeError(
        `${this.name}: input shape ${formatShape(x.shape)} does not fit inputLength ${this.inputLength}: expected [batch,${this.inputLength}]`,
      );
    }
    const d = x.storage;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (!(Number.isInteger(v) && v >= 0 && v < this.inputDim)) {
        throw new ArgumentError(
          `${this.name}: index ${v} (element ${i} of input shape ${formatShape(x.shape)}) is not an integer in [0, ${this.inputDim}), the range of inputDim ${this.inputDim}`,
        );
      }
    }
    return x.dtype === 'int32' ? x : cast(x, 'int32');
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape, this.outputDim];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: serializeInitializer(this.embeddingsInit),
      ...(this.embeddingsReg ? { embeddingsRegularizer: { className: 'L1L2', config: this.embeddingsReg.config } } : {}),
      ...(this.inputLength !== undefined ? { inputLength: this.inputLength } : {}),
      maskZero: this.maskZero,
    };
  }
}

registerLayer('Embedding', (c) => new Embedding(c as unknown as EmbeddingArgs));
