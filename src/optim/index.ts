/**
 * Optimisers (`nb.optimizers.*`): per-variable state plus one documented
 * update rule each, learning-rate schedules and gradient clipping.
 */
export { Optimizer } from './optimizer.js';
export type { ClipOptions, OptimizerOptions, OptimizerState, ParameterState } from './optimizer.js';
export type { GradientsFor } from './pairs.js';
export { SGD, sgd } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adagrad, adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export { RMSprop, rmsprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adam, adam, adamUpdate } from './adam.js';
export type { AdamOptions, AdamUpdateConstants } from './adam.js';
export { AdamW, adamw } from './adamw.js';
export type { AdamWOptions } from './adamw.js';
export { exponentialDecay, stepDecay, cosineDecay, scheduleFromConfig } from './schedules.js';
export type { LearningRate, LearningRateSchedule } from './schedules.js';
export { clipByGlobalNorm, clipByNorm, clipByValue } from './clip.js';
export { optimizerFromConfig, getOptimizer } from './registry.js';
export type { OptimizerName } from './registry.js';
