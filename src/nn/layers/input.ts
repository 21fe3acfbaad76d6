// A functional model's inputs: nb.input({ shape }) makes an InputLayer and
// returns its symbolic output, the start of the graph (Keras's keras.Input).
import { describe } from '../../core/describe.js';
import { ArgumentError } from '../../core/errors.js';
import { optionsObject } from '../../core/options.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Layer, registerLayer } from '../layer.js';
import { choiceOption, intOption } from '../options.js';
import { SymbolicTensor } from '../symbolic.js';

/** Options of {@link input}. */
export interface InputArgs {
  /** The shape of one example, without the batch dimension: [64], [28, 28, 1]. */
  shape: number[];
  /** The dtype of the values: 'float32' (default), 'float64', or 'int32' (indices for an embedding). */
  dtype?: 'float32' | 'float64' | 'int32';
  /** The input's name (x and y of fit may be objects keyed by input and output names). Default 'input_layer_<n>'. */
  name?: string;
}

/**
 * The layer behind a model input (Keras's InputLayer): the identity, with
 * the shape of one example and a dtype. nb.input makes it.
 */
export class InputLayer extends Layer {
  /** The dtype of the values it takes (int32 for indices). */
  readonly inputDtype: 'float32' | 'float64' | 'int32';
  /** Its symbolic output, the model input. */
  readonly output: SymbolicTensor;

  constructor(args: { inputShape?: number[]; batchInputShape?: (number | null)[]; dtype?: string; name?: string }) {
    const o = optionsObject('input', args, 'options { shape, dtype?, name? }');
    const shape = o.inputShape ?? (Array.isArray(o.batchInputShape) ? (o.batchInputShape.slice(1) as number[]) : undefined);
    if (!Array.isArray(shape)) throw new ArgumentError(`input: shape must be an array of positive integers (one example's shape), got ${describe(shape)}`);
    const dtype = o.dtype === undefined ? 'float32' : choiceOption('input', 'dtype', o.dtype, ['float32', 'float64', 'int32'] as const);
    shape.forEach((d, i) => intOption('input', `shape[${i}]`, d));
    super('InputLayer', { inputShape: shape, dtype: dtype === 'float64' ? 'float64' : 'float32', ...(o.name === undefined ? {} : { name: o.name }) });
    this.inputDtype = dtype;
    this.built = true;
    const node = { layer: this, inputs: [], multi: false, index: 0 };
    this.inboundNodes.push(node);
    this.output = new SymbolicTensor([null, ...shape], dtype, this.name, node);
  }

  /** The identity. */
  call(x: Tensor): Tensor {
    return x;
  }

  override getConfig() {
    // Keras's batch_input_shape without its null (a model file's configs hold no nulls)
    return { name: this.name, inputShape: [...this.inputShape!], dtype: this.inputDtype };
  }
}

/**
 * A model input (Keras's keras.Input): a symbolic tensor of shape
 * [null, ...shape] to call layers on. `nb.model({ inputs, outputs })`
 * builds the model from the inputs to the outputs.
 *
 *     const x = nb.input({ shape: [64] });
 *     const h = nb.layers.dense({ units: 64, activation: 'relu' }).apply(x);
 *     const y = nb.layers.dense({ units: 10 }).apply(nb.layers.add().apply([x, h]));
 *     const model = nb.model({ inputs: x, outputs: y });
 */
export function input(args: InputArgs): SymbolicTensor {
  const o = optionsObject('input', args, 'options { shape, dtype?, name? }');
  for (const k of Object.keys(o))
    if (!['shape', 'dtype', 'name'].includes(k)) throw new ArgumentError(`input: unknown option '${k}' (input takes shape, dtype, name)`);
  if (o.shape === undefined) throw new ArgumentError('input: shape is required: the shape of one example, without the batch dimension, such as [64]');
  return new InputLayer({ inputShape: o.shape, ...(o.dtype === undefined ? {} : { dtype: o.dtype }), ...(o.name === undefined ? {} : { name: o.name }) })
    .output;
}

registerLayer('InputLayer', (c) => new InputLayer(c as ConstructorParameters<typeof InputLayer>[0]));
