import { ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Variable } from '../../tensor/variable.js';
import { matmul } from '../../ops/linalg.js';
import { activateWithBias, canonicalActivation, type ActivationName, type ActivationSpelling } from '../activations.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { Layer, registerLayer, type LayerArgs, type SymbolicShape } from '../layer.js';
import { boolOption, intOption, requireArgs } from '../options.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';

/** Options of a Dense layer. */
export interface DenseArgs extends LayerArgs {
  /** The number of outputs. */
  units: number;
  /** Applied to xW + b; 'linear' (none) by default. */
  activation?: ActivationSpelling;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec;
  biasRegularizer?: RegularizerSpec;
}

/**
 * A fully connected layer: y = activation(x·W + b), with the kernel W of
 * shape [in, units] as in Keras, and examples as rows of x [batch, in].
 *
 * Textbooks write the same layer with examples as columns:
 * z = W'·x + b with W' [units, in] and x [in, batch]. The two are transposes
 * of each other: W' = Wᵀ, and (W'·X)ᵀ = Xᵀ·W, so a Keras kernel is the
 * transpose of the textbooks' weight matrix.
 */
export class Dense extends Layer {
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;
  private readonly kernelReg: Regularizer | undefined;
  private readonly biasReg: Regularizer | undefined;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(args: DenseArgs) {
    super('Dense', requireArgs('dense', args));
    this.units = intOption('dense', 'units', args.units);
    this.activation = canonicalActivation(args.activation ?? 'linear', 'dense');
    this.useBias = boolOption('dense', 'useBias', args.useBias ?? true);
    this.kernelInit = getInitializer(args.kernelInitializer ?? 'glorotUniform', 'dense');
    this.biasInit = getInitializer(args.biasInitializer ?? 'zeros', 'dense');
    this.kernelReg = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer, 'dense') : undefined;
    this.biasReg = args.biasRegularizer ? getRegularizer(args.biasRegularizer, 'dense') : undefined;
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  override build(inputShape: SymbolicShape): void {
    const inDim = inputShape[inputShape.length - 1];
    if (typeof inDim !== 'number')
      throw new ShapeError(`${this.name}: cannot build from input shape ${JSON.stringify(inputShape)}: the last dimension must be known`);
    this.kernel = this.addWeight('kernel', [inDim, this.units], this.kernelInit, { regularizer: this.kernelReg });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInit, { regularizer: this.biasReg });
    this.built = true;
  }

  call(x: Tensor): Tensor {
    this.checkInput(x, this.kernel!.shape[0]!, `its kernel ${formatShape(this.kernel!.shape)}`);
    const z = matmul(x, this.kernel!);
    return activateWithBias(this.activation, z, this.bias ?? null);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInit),
      biasInitializer: serializeInitializer(this.biasInit),
      ...(this.kernelReg ? { kernelRegularizer: { className: 'L1L2', config: this.kernelReg.config } } : {}),
      ...(this.biasReg ? { biasRegularizer: { className: 'L1L2', config: this.biasReg.config } } : {}),
    };
  }
}

registerLayer('Dense', (c) => new Dense(c as unknown as DenseArgs));
