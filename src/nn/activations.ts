import { lookup } from '../core/lookup.js';
import type { Tensor } from '../tensor/tensor.js';
import { tanh } from '../ops/arithmetic.js';
import { biasActivation, elu, FUSED_ACTIVATIONS, gelu, leakyRelu, relu, sigmoid, softmax, softplus, swish } from '../ops/activations.js';
import { celu, hardSigmoid, hardSigmoidKeras2, hardSwish, logSigmoid, mish, relu6, selu, softmin, softsign } from '../ops/activations.js';
import { add } from '../ops/arithmetic.js';
import type { FusedActivation } from '../backend/kernels.js';
import type { TensorLike } from '../ops/convert.js';

/** The activations a layer accepts by name. */
export type ActivationName =
  | 'linear'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'elu'
  | 'swish'
  | 'gelu'
  | 'softplus'
  | 'softmax'
  | 'selu'
  | 'celu'
  | 'softsign'
  | 'logSigmoid'
  | 'hardSigmoid'
  | 'hardSigmoidKeras2'
  | 'relu6'
  | 'hardSwish'
  | 'mish'
  | 'softmin';

const table: Record<ActivationName, (x: Tensor) => Tensor> = {
  linear: (x) => x,
  sigmoid,
  tanh,
  relu,
  leakyRelu: (x) => leakyRelu(x),
  elu: (x) => elu(x),
  swish,
  gelu: (x) => gelu(x),
  softplus,
  softmax: (x) => softmax(x, -1),
  selu,
  celu: (x) => celu(x),
  softsign,
  logSigmoid,
  hardSigmoid,
  hardSigmoidKeras2,
  relu6,
  hardSwish,
  mish,
  softmin: (x) => softmin(x, -1),
};

/** Activation names, for validation and help texts. */
export const ACTIVATIONS = Object.keys(table) as ActivationName[];

// every accepted spelling → its canonical name (Keras's snake_case and 'silu' too)
const aliases: Record<string, ActivationName> = {
  ...Object.fromEntries(ACTIVATIONS.map((n) => [n, n])),
  silu: 'swish',
  leaky_relu: 'leakyRelu',
  log_sigmoid: 'logSigmoid',
  hard_sigmoid: 'hardSigmoid',
  hard_swish: 'hardSwish',
  hard_silu: 'hardSwish',
} satisfies Record<Exclude<ActivationSpelling, ActivationName>, ActivationName> & Record<string, ActivationName>;

/**
 * Every spelling of an activation: the names and Keras's 'silu', 'leaky_relu', 'log_sigmoid', 'hard_sigmoid', 'hard_swish'
 * and 'hard_silu'. 'hard_sigmoid' is Keras 3's (x/6 + 1/2, nabla's hardSigmoid); Keras 2's and TF.js's 0.2x + 0.5 is
 * 'hardSigmoidKeras2', which nb.tfjs reads and writes as TF.js's 'hard_sigmoid'.
 */
export type ActivationSpelling = ActivationName | 'silu' | 'leaky_relu' | 'log_sigmoid' | 'hard_sigmoid' | 'hard_swish' | 'hard_silu';

/**
 * The canonical name of an activation name (Keras's snake_case spellings and
 * 'silu' accepted too); anything else, inherited names such as 'toString' or
 * 'constructor' included, throws an ArgumentError naming `context` (the
 * layer or function asking) and listing the valid names.
 */
export function canonicalActivation(name: string, context = 'activation'): ActivationName {
  return lookup(aliases, name, 'activation', context, ACTIVATIONS);
}

/** The activation function of a name (see canonicalActivation). */
export function getActivation(name: string, context = 'getActivation'): (x: Tensor) => Tensor {
  return table[canonicalActivation(name, context)];
}

/**
 * activation(z + bias), a layer's last step: one fused kernel pass for
 * linear, relu, sigmoid and tanh, the bias add and the activation otherwise.
 */
export function activateWithBias(name: ActivationName, z: Tensor, bias: TensorLike | null): Tensor {
  if (bias !== null && (FUSED_ACTIVATIONS as readonly string[]).includes(name)) return biasActivation(z, bias, name as FusedActivation);
  return getActivation(name)(bias !== null ? add(z, bias) : z);
}
