// nb.callbacks: training hooks.
export { earlyStopping, EarlyStopping } from './callbacks.js';
export type { EarlyStoppingArgs } from './callbacks.js';
export { ProgressLogger } from './progress.js';
export type { ProgressLoggerOptions, ProgressStream } from './progress.js';
export { sharpnessCallback as sharpness, SharpnessTracker } from '../curvature/sharpness-callback.js';
export type { SharpnessCallbackArgs, SharpnessRecord } from '../curvature/sharpness-callback.js';
export { parameterPath, ParameterPath } from '../landscape/path.js';
export type { ParameterPathArgs } from '../landscape/path.js';
