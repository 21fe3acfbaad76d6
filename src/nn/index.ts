// Layers by their TF.js names: nb.layers.dense({ units: 64, activation: 'relu' }).
import { BatchNormalization, type BatchNormalizationArgs } from './layers/batchnorm.js';
import { Activation, Dropout, Flatten, Reshape } from './layers/core.js';
import { Dense, type DenseArgs } from './layers/dense.js';
import { AveragePooling2D, Conv2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, type Conv2DArgs, type Pooling2DArgs } from './layers/conv.js';
import {
  Conv1D,
  Conv2DTranspose,
  DepthwiseConv2D,
  SeparableConv2D,
  type Conv1DArgs,
  type Conv2DTransposeArgs,
  type DepthwiseConv2DArgs,
  type SeparableConv2DArgs,
} from './layers/conv-more.js';
import { Cropping2D, UpSampling2D, ZeroPadding2D, type Cropping2DArgs, type Sides, type UpSampling2DArgs, type ZeroPadding2DArgs } from './layers/resize.js';
import type { LayerArgs } from './layer.js';
import { strictArgs } from './options.js';
import { Embedding, type EmbeddingArgs } from './layers/embedding.js';
import { GRU, LSTM, SimpleRNN, type GRUArgs, type LSTMArgs, type SimpleRNNArgs } from './layers/recurrent.js';
import type { ActivationSpelling } from './activations.js';
import { Normalization, Rescaling, type NormalizationArgs, type RescalingArgs } from './layers/preprocessing.js';
import { InputLayer } from './layers/input.js';
import { MultiHeadAttention, type AttentionApplyOptions, type AttentionInputs, type MultiHeadAttentionArgs } from './layers/attention.js';
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, type ConcatenateArgs, type DotArgs } from './layers/merge.js';
import {
  GroupNormalization,
  LayerNormalization,
  UnitNormalization,
  type GroupNormalizationArgs,
  type LayerNormalizationArgs,
  type UnitNormalizationArgs,
} from './layers/normalization.js';
import {
  AveragePooling1D,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  MaxPooling1D,
  type GlobalPooling1DArgs,
  type Pooling1DArgs,
} from './layers/pooling1d.js';
import { Bidirectional, TimeDistributed, type BidirectionalArgs, type LayerOrSpec, type MergeMode, type TimeDistributedArgs } from './layers/wrappers.js';

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
/** 1-D convolution over [batch, steps, channels] with a [k, in / groups, filters] kernel; 'valid', 'same' or 'causal' padding. */
export const conv1d = (args: Conv1DArgs) => strictArgs('conv1d', args, (a) => new Conv1D(a));
/** Transposed 2-D convolution ("deconvolution") over NHWC images with a [kh, kw, filters, in] kernel. */
export const conv2dTranspose = (args: Conv2DTransposeArgs) => strictArgs('conv2dTranspose', args, (a) => new Conv2DTranspose(a));
/** Depthwise 2-D convolution: each channel with its own depthMultiplier filters, kernel [kh, kw, in, depthMultiplier]. */
export const depthwiseConv2d = (args: DepthwiseConv2DArgs) => strictArgs('depthwiseConv2d', args, (a) => new DepthwiseConv2D(a));
/** Separable 2-D convolution: depthwise, then a 1×1 convolution to `filters` channels. */
export const separableConv2d = (args: SeparableConv2DArgs) => strictArgs('separableConv2d', args, (a) => new SeparableConv2D(a));
/** Upsamples NHWC images by integer factors, 'nearest' or 'bilinear'. */
export const upSampling2d = (args: UpSampling2DArgs = {}) => strictArgs('upSampling2d', args, (a) => new UpSampling2D(a));
/** Adds rows and columns of zeros around NHWC images. */
export const zeroPadding2d = (args: ZeroPadding2DArgs = {}) => strictArgs('zeroPadding2d', args, (a) => new ZeroPadding2D(a));
/** Removes rows and columns at the edges of NHWC images. */
export const cropping2d = (args: Cropping2DArgs = {}) => strictArgs('cropping2d', args, (a) => new Cropping2D(a));
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

/** y = x·scale + offset (numbers, or one per channel): puts input scaling into the model (Keras's Rescaling). */
export const rescaling = (args: RescalingArgs) => strictArgs('rescaling', args, (a) => new Rescaling(a));
/** y = (x − mean)/√variance per feature, given or from `adapt(trainingData)` (Keras's Normalization); `invert: true` undoes it. */
export const normalization = (args: NormalizationArgs = {}) => strictArgs('normalization', args, (a) => new Normalization(a));

/** Multi-head attention softmax(QKᵀ/√keyDim)·V over [batch, time, features], Keras's layouts; causal and padding masks. */
export const multiHeadAttention = (args: MultiHeadAttentionArgs) => strictArgs('multiHeadAttention', args, (a) => new MultiHeadAttention(a));

/** The sum of its inputs x₁ + x₂ + … (a merge layer: `add().apply([x, h])`, a residual connection). */
export const add = (args: LayerArgs = {}) => strictArgs('add', args, (a) => new Add(a));
/** x₁ − x₂ of its two inputs (a merge layer). */
export const subtract = (args: LayerArgs = {}) => strictArgs('subtract', args, (a) => new Subtract(a));
/** The element-wise product of its inputs (a merge layer). */
export const multiply = (args: LayerArgs = {}) => strictArgs('multiply', args, (a) => new Multiply(a));
/** The element-wise mean of its inputs (a merge layer). */
export const average = (args: LayerArgs = {}) => strictArgs('average', args, (a) => new Average(a));
/** The element-wise maximum of its inputs (a merge layer). */
export const maximum = (args: LayerArgs = {}) => strictArgs('maximum', args, (a) => new Maximum(a));
/** The element-wise minimum of its inputs (a merge layer). */
export const minimum = (args: LayerArgs = {}) => strictArgs('minimum', args, (a) => new Minimum(a));
/** Joins its inputs along `axis` (default −1; a merge layer). */
export const concatenate = (args: ConcatenateArgs = {}) => strictArgs('concatenate', args, (a) => new Concatenate(a));
/** The per-example dot product of two inputs over `axes`, optionally of their L2-normalised values (cosine similarity; a merge layer). */
export const dot = (args: DotArgs) => strictArgs('dot', args, (a) => new Dot(a));

/** y = γ·(x − μ)/√(σ² + ε) + β with μ, σ² of each example over `axis` (the last by default): Keras's LayerNormalization. */
export const layerNormalization = (args: LayerNormalizationArgs = {}) => strictArgs('layerNormalization', args, (a) => new LayerNormalization(a));
/** Normalisation of each example's channel groups (`groups` of the channels, axis −1 by default): Keras's GroupNormalization. */
export const groupNormalization = (args: GroupNormalizationArgs = {}) => strictArgs('groupNormalization', args, (a) => new GroupNormalization(a));
/** y = x / max(‖x‖₂, 1e-12) over `axis` (the last by default): Keras's UnitNormalization. */
export const unitNormalization = (args: UnitNormalizationArgs = {}) => strictArgs('unitNormalization', args, (a) => new UnitNormalization(a));

/** Max pooling over the steps of sequences [batch, steps, channels]. */
export const maxPooling1d = (args: Pooling1DArgs = {}) => strictArgs('maxPooling1d', args, (a) => new MaxPooling1D(a));
/** Average pooling over the steps of sequences [batch, steps, channels]. */
export const averagePooling1d = (args: Pooling1DArgs = {}) => strictArgs('averagePooling1d', args, (a) => new AveragePooling1D(a));
/** The mean over the steps: [batch, steps, c] → [batch, c]. */
export const globalAveragePooling1d = (args: GlobalPooling1DArgs = {}) => strictArgs('globalAveragePooling1d', args, (a) => new GlobalAveragePooling1D(a));
/** The maximum over the steps: [batch, steps, c] → [batch, c]. */
export const globalMaxPooling1d = (args: GlobalPooling1DArgs = {}) => strictArgs('globalMaxPooling1d', args, (a) => new GlobalMaxPooling1D(a));

/** Applies a layer to every time step of [batch, time, ...] (its weights shared across the steps). */
export const timeDistributed = (args: TimeDistributedArgs) => strictArgs('timeDistributed', args, (a) => new TimeDistributed(a));
/** A recurrent layer run forwards and backwards over the sequence, its two outputs merged ('concat', 'sum', 'mul', 'ave'). */
export const bidirectional = (args: BidirectionalArgs) => strictArgs('bidirectional', args, (a) => new Bidirectional(a));

export {
  InputLayer,
  Add,
  Subtract,
  Multiply,
  Average,
  Maximum,
  Minimum,
  Concatenate,
  Dot,
  LayerNormalization,
  GroupNormalization,
  UnitNormalization,
  MaxPooling1D,
  AveragePooling1D,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  TimeDistributed,
  Bidirectional,
  Rescaling,
  Normalization,
  Dense,
  Activation,
  Dropout,
  Flatten,
  Reshape,
  BatchNormalization,
  Conv2D,
  Conv1D,
  Conv2DTranspose,
  DepthwiseConv2D,
  SeparableConv2D,
  UpSampling2D,
  ZeroPadding2D,
  Cropping2D,
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
export type { RescalingArgs, NormalizationArgs, ConcatenateArgs, DotArgs, LayerNormalizationArgs, GroupNormalizationArgs, UnitNormalizationArgs };
export type { Conv1DArgs, Conv2DTransposeArgs, DepthwiseConv2DArgs, SeparableConv2DArgs, UpSampling2DArgs, ZeroPadding2DArgs, Cropping2DArgs, Sides };
export type { Pooling1DArgs, GlobalPooling1DArgs, TimeDistributedArgs, BidirectionalArgs, LayerOrSpec, MergeMode };
export type { MultiHeadAttentionArgs, AttentionApplyOptions, AttentionInputs };
export type { DenseArgs, BatchNormalizationArgs, LayerArgs, Conv2DArgs, Pooling2DArgs, SimpleRNNArgs, LSTMArgs, GRUArgs, EmbeddingArgs };
