import { ArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { tanh } from '../ops/arithmetic.js';
import { biasActivation, elu, FUSED_ACTIVATIONS, gelu, leakyRelu, relu, sigmoid, softmax, softplus, swish } from '../ops/activations.js';
import { add } from '../ops/arithmetic.js';
import type { FusedActivation } from '../backend/kernels.js';
import type { TensorLike } from '../ops/convert.js';

/** The activations a layer accepts by name. */
export type ActivationName = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'elu' | 'swish' | 'gelu' | 'softplus' | 'softmax';

const table: Record<ActivationName, (x: Tensor) => Tensor> = {
  linear: (x) => x,
  sigmoid, tanh, relu,
  leakyRelu: (x) => leakyRelu(x),
  elu: (x) => elu(x),
  swish,
  gelu: (x) => gelu(x),
  softplus,
  softmax: (x) => softmax(x, -1),
};

/** Activation names, for validation and help texts. */
export const ACTIVATIONS = Object.keys(table) as ActivationName[];

/** The activation function of a name (Keras's snake_case spellings and 'silu' accepted too). */
export function getActivation(name: string): (x: Tensor) => Tensor {
  const key = name === 'silu' ? 'swish' : name === 'leaky_relu' ? 'leakyRelu' : name;
  const f = table[key as ActivationName];
  if (!f) throw new ArgumentError(`activation: unknown activation '${name}'; expected one of ${ACTIVATIONS.join(', ')}`);
  return f;
}

/** The canonical name of an activation name. */
export function canonicalActivation(name: string): ActivationName {
  getActivation(name);
  return (name === 'silu' ? 'swish' : name === 'leaky_relu' ? 'leakyRelu' : name) as ActivationName;
}

/**
 * activation(z + bias), a layer's last step: one fused kernel pass for
 * linear, relu, sigmoid and tanh, the bias add and the activation otherwise.
 */
export function activateWithBias(name: ActivationName, z: Tensor, bias: TensorLike | null): Tensor {
  if (bias !== null && (FUSED_ACTIVATIONS as readonly string[]).includes(name)) return biasActivation(z, bias, name as FusedActivation);
  return getActivation(name)(bias !== null ? add(z, bias) : z);
}
