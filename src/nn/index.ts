// Layers by their TF.js names: nb.layers.dense({ units: 64, activation: 'relu' }).
import { BatchNormalization, type BatchNormalizationArgs } from './layers/batchnorm.js';
import { Activation, Dropout, Flatten, Reshape } from './layers/core.js';
import { Dense, type DenseArgs } from './layers/dense.js';
import { AveragePooling2D, Conv2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, type Conv2DArgs, type Pooling2DArgs } from './layers/conv.js';
import type { LayerArgs } from './layer.js';
import { strictArgs } from './options.js';
import { Embedding, type EmbeddingArgs } from './layers/embedding.js';
import { GRU, LSTM, SimpleRNN, type GRUArgs, type LSTMArgs, type SimpleRNNArgs } from './layers/recurrent.js';
import type { ActivationSpelling } from './activations.js';
import { Normalization, Rescaling, type NormalizationArgs, type RescalingArgs } from './layers/preprocessing.js';
import { MultiHeadAttention, type AttentionApplyOptions, type AttentionInputs, type MultiHeadAttentionArgs } from './layers/attention.js';
import { LayerNormalization, type LayerNormalizationArgs } from './layers/normalization.js';

/** A fully connected layer y = activation(x·W + b) with W [in, units]. */
export const dense = (args: DenseArgs) => strictArgs('dense', args, (a) => new Dense(a));
/** An activation function as a layer. */
export const activation = (args: LayerArgs & { activation: ActivationSpelling }) => strictArgs('activation', args, (a) => new Activation(a));
/** Inverted dropout with drop probability `rate`, active only in training. */
export const dropout = (args: LayerArgs & { rate: number }) => strictArgs('dropout', args, (a) => new Dropout(a));
/** Batch normalisation over the last (or given) feature axis. */
export const batchNormalization = (args: BatchNormalizationArgs = {}) => strictArgs('batchNormalization', args, (a) => new BatchNormalization(a));
/** Flattens each example to a vector. */
export const flatten = (args: LayerArgs = {}) => strictArgs('flatten', args, (a) => new Flatten(a));
/** Reshapes each example. */
export const reshape = (args: LayerArgs & { targetShape: number[] }) => strictArgs('reshape', args, (a) => new Reshape(a));

/** 2-D convolution over NHWC images with a [kh, kw, in, filters] kernel. */
export const conv2d = (args: Conv2DArgs) => strictArgs('conv2d', args, (a) => new Conv2D(a));
/** Max pooling over NHWC images. */
export const maxPooling2d = (args: Pooling2DArgs = {}) => strictArgs('maxPooling2d', args, (a) => new MaxPooling2D(a));
/** Average pooling over NHWC images. */
export const averagePooling2d = (args: Pooling2DArgs = {}) => strictArgs('averagePooling2d', args, (a) => new AveragePooling2D(a));
/** The mean over height and width. */
export const globalAveragePooling2d = (args: LayerArgs = {}) => strictArgs('globalAveragePooling2d', args, (a) => new GlobalAveragePooling2D(a));
/** The maximum over height and width. */
export const globalMaxPooling2d = (args: LayerArgs = {}) => strictArgs('globalMaxPooling2d', args, (a) => new GlobalMaxPooling2D(a));

/** A fully connected recurrent layer hₜ = act(xₜ·W + hₜ₋₁·U + b) over [batch, time, features]. */
export const simpleRNN = (args: SimpleRNNArgs) => strictArgs('simpleRNN', args, (a) => new SimpleRNN(a));
/** Long short-term memory, Keras layout (gates i, f, c, o); states [h, c]. */
export const lstm = (args: LSTMArgs) => strictArgs('lstm', args, (a) => new LSTM(a));
/** Gated recurrent unit, Keras layout (gates z, r, h), resetAfter true by default. */
export const gru = (args: GRUArgs) => strictArgs('gru', args, (a) => new GRU(a));
/** A lookup table of learned vectors: integer indices [batch, time] → [batch, time, outputDim]. */
export const embedding = (args: EmbeddingArgs) => strictArgs('embedding', args, (a) => new Embedding(a));

/** y = x·scale + offset: puts input scaling into the model (Keras's Rescaling). */
export const rescaling = (args: RescalingArgs) => strictArgs('rescaling', args, (a) => new Rescaling(a));
/** y = (x − mean)/√variance per feature, given or from `adapt(trainingData)` (Keras's Normalization). */
export const normalization = (args: NormalizationArgs = {}) => strictArgs('normalization', args, (a) => new Normalization(a));

/** Multi-head attention softmax(QKᵀ/√keyDim)·V over [batch, time, features], Keras's layouts; causal and padding masks. */
export const multiHeadAttention = (args: MultiHeadAttentionArgs) => strictArgs('multiHeadAttention', args, (a) => new MultiHeadAttention(a));
/** y = γ·(x − μ)/√(σ² + ε) + β with μ, σ² of each example over `axis` (the last by default): Keras's LayerNormalization. */
export const layerNormalization = (args: LayerNormalizationArgs = {}) => strictArgs('layerNormalization', args, (a) => new LayerNormalization(a));

export {
  LayerNormalization,
  Rescaling,
  Normalization,
  Dense,
  Activation,
  Dropout,
  Flatten,
  Reshape,
  BatchNormalization,
  Conv2D,
  MaxPooling2D,
  AveragePooling2D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  SimpleRNN,
  LSTM,
  GRU,
  Embedding,
  MultiHeadAttention,
};
export type { RescalingArgs, NormalizationArgs, LayerNormalizationArgs };
export type { MultiHeadAttentionArgs, AttentionApplyOptions, AttentionInputs };
export type { DenseArgs, BatchNormalizationArgs, LayerArgs, Conv2DArgs, Pooling2DArgs, SimpleRNNArgs, LSTMArgs, GRUArgs, EmbeddingArgs };
