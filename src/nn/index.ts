// Layers by their TF.js names: nb.layers.dense({ units: 64, activation: 'relu' }).
import { BatchNormalization, type BatchNormalizationArgs } from './layers/batchnorm.js';
import { Activation, Dropout, Flatten, Reshape } from './layers/core.js';
import { Dense, type DenseArgs } from './layers/dense.js';
import { AveragePooling2D, Conv2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, type Conv2DArgs, type Pooling2DArgs } from './layers/conv.js';
import type { LayerArgs } from './layer.js';
import { Embedding, type EmbeddingArgs } from './layers/embedding.js';
import { GRU, LSTM, SimpleRNN, type GRUArgs, type LSTMArgs, type SimpleRNNArgs } from './layers/recurrent.js';
import type { ActivationName } from './activations.js';
import { Normalization, Rescaling, type NormalizationArgs, type RescalingArgs } from './layers/preprocessing.js';

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

/** 2-D convolution over NHWC images with a [kh, kw, in, filters] kernel. */
export const conv2d = (args: Conv2DArgs) => new Conv2D(args);
/** Max pooling over NHWC images. */
export const maxPooling2d = (args: Pooling2DArgs = {}) => new MaxPooling2D(args);
/** Average pooling over NHWC images. */
export const averagePooling2d = (args: Pooling2DArgs = {}) => new AveragePooling2D(args);
/** The mean over height and width. */
export const globalAveragePooling2d = (args: LayerArgs = {}) => new GlobalAveragePooling2D(args);
/** The maximum over height and width. */
export const globalMaxPooling2d = (args: LayerArgs = {}) => new GlobalMaxPooling2D(args);

/** A fully connected recurrent layer hₜ = act(xₜ·W + hₜ₋₁·U + b) over [batch, time, features]. */
export const simpleRNN = (args: SimpleRNNArgs) => new SimpleRNN(args);
/** Long short-term memory, Keras layout (gates i, f, c, o); states [h, c]. */
export const lstm = (args: LSTMArgs) => new LSTM(args);
/** Gated recurrent unit, Keras layout (gates z, r, h), resetAfter true by default. */
export const gru = (args: GRUArgs) => new GRU(args);
/** A lookup table of learned vectors: integer indices [batch, time] → [batch, time, outputDim]. */
export const embedding = (args: EmbeddingArgs) => new Embedding(args);

/** y = x·scale + offset: puts input scaling into the model (Keras's Rescaling). */
export const rescaling = (args: RescalingArgs) => new Rescaling(args);
/** y = (x − mean)/√variance per feature, given or from `adapt(trainingData)` (Keras's Normalization). */
export const normalization = (args: NormalizationArgs = {}) => new Normalization(args);

export {
  Rescaling, Normalization,
  Dense, Activation, Dropout, Flatten, Reshape, BatchNormalization, Conv2D, MaxPooling2D, AveragePooling2D,
  GlobalAveragePooling2D, GlobalMaxPooling2D, SimpleRNN, LSTM, GRU, Embedding,
};
export type { RescalingArgs, NormalizationArgs };
export type { DenseArgs, BatchNormalizationArgs, LayerArgs, Conv2DArgs, Pooling2DArgs, SimpleRNNArgs, LSTMArgs, GRUArgs, EmbeddingArgs };
