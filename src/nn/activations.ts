import { ArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { tanh } from '../ops/arithmetic.js';
import { elu, gelu, leakyRelu, relu, sigmoid, softmax, softplus, swish } from '../ops/activations.js';

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
