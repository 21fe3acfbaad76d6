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

/** y = x·scale + offset: puts input scaling into the model (Keras's Rescaling). */
export const rescaling = (args: RescalingArgs) => strictArgs('rescaling', args, (a) => new Rescaling(a));
/** y = (x − mean)/√variance per feature, given or from `adapt(trainingData)` (Keras's Normalization). */
export const normalization = (args: NormalizationArgs = {}) => strictArgs('normalization', args, (a) => new Normalization(a));

export {
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
};
export type { RescalingArgs, NormalizationArgs };
export type { Conv1DArgs, Conv2DTransposeArgs, DepthwiseConv2DArgs, SeparableConv2DArgs, UpSampling2DArgs, ZeroPadding2DArgs, Cropping2DArgs, Sides };
export type { DenseArgs, BatchNormalizationArgs, LayerArgs, Conv2DArgs, Pooling2DArgs, SimpleRNNArgs, LSTMArgs, GRUArgs, EmbeddingArgs };
