/**
 * Losses (Keras semantics, TF.js spelling): each is
 * `(yTrue, yPred, { fromLogits?, reduction? }) => Tensor`, a differentiable
 * composition of ops. The per-example loss reduces the last axis; `reduction`
 * ('mean' by default, 'sum' or 'none') then combines the examples.
 */
export type { LossFunction, LossFn, LossOptions, Reduction } from './common.js';
export { meanSquaredError, meanAbsoluteError } from './regression.js';
export { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy, EPSILON } from './crossentropy.js';
export { huber, kullbackLeiblerDivergence, poisson, cosineSimilarity } from './more.js';
export type { HuberOptions, CosineSimilarityOptions } from './more.js';
export { getLoss, canonicalLossName, lossNames } from './registry.js';
export type { LossName, LossSpelling } from './registry.js';
