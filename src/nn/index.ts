// Layers by their TF.js names: nb.layers.dense({ units: 64, activation: 'relu' }).
import { BatchNormalization, type BatchNormalizationArgs } from './layers/batchnorm.js';
import { Activation, Dropout, Flatten, Reshape } from './layers/core.js';
import { Dense, type DenseArgs } from './layers/dense.js';
import type { LayerArgs } from './layer.js';
import type { ActivationName } from './activations.js';

/** A fully connected layer y = activation(x·W + b) with W [in, units]. */
export const dense = (args: DenseArgs) => new Dense(args);
/** An activation function as a layer. */
export const activation = (args: LayerArgs & { activation: ActivationName | string }) => new Activation(args);
/** Inverted dropout with drop probability `rate`, active only in training. */
export const dropout = (args: LayerArgs & { rate: number }) => new Dropout(args);
/** Batch normalisation over the last (or given) feature axis. */
export const batchNormalization = (args: BatchNormalizationArgs = {}) => new BatchNormalization(args);
/** Flattens each example to a vector. */
export const flatten = (args: LayerArgs = {}) => new Flatten(args);
/** Reshapes each example. */
export const reshape = (args: LayerArgs & { targetShape: number[] }) => new Reshape(args);

export { Dense, Activation, Dropout, Flatten, Reshape, BatchNormalization };
export type { DenseArgs, BatchNormalizationArgs, LayerArgs };
