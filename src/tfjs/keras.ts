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
  'Conv1D',
  'Conv2DTranspose',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'UpSampling2D',
  'ZeroPadding2D',
  'Cropping2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'BatchNormalization',
  'LayerNormalization',
  'Rescaling',
  'Embedding',
  'SimpleRNN',
  'LSTM',
  'GRU',
  'MaxPooling1D',
  'AveragePooling1D',
  'GlobalAveragePooling1D',
  'GlobalMaxPooling1D',
  'TimeDistributed',
  'Bidirectional',
] as const;

/**
 * nabla's activations that TF.js has, with the name TF.js writes (snake_case,
 * as its model.save does; it reads them camelCased). TF.js's 'hard_sigmoid'
 * is Keras 2's 0.2x + 0.5, nabla's 'hardSigmoidKeras2'; nabla's hardSigmoid
 * (PyTorch's x/6 + 1/2) has no TF.js equivalent, nor have leakyRelu, celu,
 * logSigmoid, hardSwish and softmin.
 */
export const TFJS_ACTIVATIONS: Readonly<Record<string, string>> = {
  linear: 'linear',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
  softsign: 'softsign',
  softmax: 'softmax',
  swish: 'swish',
  mish: 'mish',
  gelu: 'gelu',
  hardSigmoidKeras2: 'hard_sigmoid',
};

/** The config keys that name an activation. */
export const ACTIVATION_KEYS: readonly string[] = ['activation', 'recurrentActivation'];

/** How deep wrappers may nest (a TimeDistributed of a Bidirectional of an LSTM is 2). */
export const MAX_WRAPPER_DEPTH = 4;

/** TF.js's name of an activation of nabla's, or why TF.js has none. */
export function tfjsActivation(name: unknown): { name: string } | { why: string } {
  const n = String(name);
  if (Object.hasOwn(TFJS_ACTIVATIONS, n)) return { name: TFJS_ACTIVATIONS[n]! };
  if (n === 'hardSigmoid')
    return {
      why: "'hardSigmoid' (PyTorch's x/6 + 1/2), which TF.js does not have: TF.js's 'hard_sigmoid' is 0.2x + 0.5, nabla's 'hardSigmoidKeras2'",
    };
  return { why: `${JSON.stringify(n)}, which TF.js does not have (it has ${Object.keys(TFJS_ACTIVATIONS).join(', ')})` };
}

/**
 * nabla's activation for one TF.js names (read as TF.js reads it: camelCased,
 * null meaning linear), or null if nabla has none.
 */
export function activationFromTfjs(v: unknown): string | null {
  if (v === null) return 'linear';
  if (typeof v !== 'string') return null;
  const n = v.length > 1 && v.includes('_') ? v.replace(/_+(\w|$)/g, (_, c: string) => c.toUpperCase()) : v;
  if (n === 'hardSigmoid') return 'hardSigmoidKeras2';
  return Object.hasOwn(TFJS_ACTIVATIONS, n) && n !== 'hardSigmoidKeras2' ? n : null;
}

/** The wrappers: their config's `layer` is a { class_name, config } of its own. */
export const TFJS_WRAPPERS: readonly string[] = ['TimeDistributed', 'Bidirectional'];

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
  depthwiseRegularizer: null,
  pointwiseRegularizer: null,
  depthwiseConstraint: null,
  pointwiseConstraint: null,
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

const ones = (v: unknown) => v === undefined || v === 1 || (Array.isArray(v) && v.every((d) => d === 1));

/**
 * Options that TF.js's layers lack or compute differently, by class: a
 * value for which `ok` is false is refused by name on export (TF.js would
 * compute something else) and on import (TF.js computed something else).
 */
export const TFJS_LIMITS: Readonly<Record<string, readonly { key: string; ok: (v: unknown) => boolean; why: string }[]>> = {
  Conv1D: [
    { key: 'groups', ok: ones, why: "TF.js's Conv1D has no groups" },
    { key: 'padding', ok: (v) => v !== 'causal', why: "TF.js's Conv1D does not implement causal padding" },
  ],
  Conv2D: [{ key: 'groups', ok: ones, why: "TF.js's Conv2D has no groups" }],
  Conv2DTranspose: [
    { key: 'dilationRate', ok: ones, why: "TF.js's Conv2DTranspose has no dilation" },
    { key: 'outputPadding', ok: (v) => v === undefined || v === null, why: "TF.js's Conv2DTranspose has no output_padding" },
  ],
  DepthwiseConv2D: [{ key: 'dilationRate', ok: ones, why: "TF.js's DepthwiseConv2D ignores dilation_rate" }],
  UpSampling2D: [
    {
      key: 'interpolation',
      ok: (v) => v !== 'bilinear',
      why: "TF.js's bilinear UpSampling2D samples at i·n/m, not at the half-pixel centres of Keras's (and nabla's)",
    },
  ],
};

/** The first TFJS_LIMITS entry a layer's (camelCase) config breaks, as a sentence; null if none. */
export function tfjsLimit(className: string, config: Record<string, unknown>): string | null {
  for (const { key, ok, why } of TFJS_LIMITS[className] ?? []) {
    if (!ok(config[key])) return `${key} = ${JSON.stringify(config[key])}: ${why}`;
  }
  return null;
}

/**
 * The name of a layer's weight in Keras (moving_mean) from its path in
 * nabla's namedParameters (movingMean); a wrapped layer's weight
 * ('forward_lstm_1.recurrentKernel') becomes 'forward_lstm_1/recurrent_kernel'.
 */
export const kerasWeightName = (path: string): string => {
  const parts = path.split('.');
  return [...parts.slice(0, -1), snake(parts[parts.length - 1]!)].join('/');
};

export function tfjsError(msg: string): ArgumentError {
  return new ArgumentError(msg.replace(/\s+/g, ' '));
}
