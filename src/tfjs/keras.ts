// The Keras layers format's vocabulary as TF.js writes it (model.json):
// snake_case config keys, { class_name, config } objects, weights named
// 'layer_name/weight_name' in the layer's own order.
import { ArgumentError } from '../core/errors.js';

/** The layer classes both nabla and TF.js have (nabla's class names are Keras's). */
export const TFJS_LAYERS = [
  'Dense',
  'Activation',
  'Dropout',
  'Flatten',
  'Reshape',
  'Conv2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'BatchNormalization',
  'LayerNormalization',
  'Embedding',
  'SimpleRNN',
  'LSTM',
  'GRU',
] as const;

export const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A value with its keys (and those of { className, config } objects) in snake_case. */
export function toKeras(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toKeras);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k === 'className' ? 'class_name' : snake(k), toKeras(x)]));
}

/** A value with its keys in camelCase (Keras JSON → nabla config). */
export function fromKeras(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromKeras);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k === 'class_name' ? 'className' : camel(k), fromKeras(x)]));
}

/**
 * Config keys TF.js writes that nabla has no option for, with the value that
 * means "not used": a layer importing another value is refused by name.
 */
export const IGNORED: Readonly<Record<string, unknown>> = {
  trainable: true,
  dtype: 'float32',
  kernelRegularizer: null,
  biasRegularizer: null,
  activityRegularizer: null,
  recurrentRegularizer: null,
  embeddingsRegularizer: null,
  betaRegularizer: null,
  gammaRegularizer: null,
  kernelConstraint: null,
  biasConstraint: null,
  recurrentConstraint: null,
  embeddingsConstraint: null,
  betaConstraint: null,
  gammaConstraint: null,
  dropout: 0,
  recurrentDropout: 0,
  implementation: null,
  stateful: false,
  unroll: false,
  dataFormat: 'channels_last',
  inputLength: null,
  noiseShape: null,
  seed: null,
  betaInitializer: undefined,
  gammaInitializer: undefined,
  movingMeanInitializer: undefined,
  movingVarianceInitializer: undefined,
};

/** The names of a layer's weights in Keras (moving_mean) from nabla's (movingMean). */
export const kerasWeightName = snake;

export function tfjsError(msg: string): ArgumentError {
  return new ArgumentError(msg.replace(/\s+/g, ' '));
}
