/**
 * Curvature of a model's loss and of its layers: the Hessian's top
 * eigenpairs by Lanczos (modelHessianEigs, sharpness), a callback that
 * tracks the sharpness during fit, and a layer's input-output Jacobian.
 */
export { modelHessianEigs, sharpness } from './eigs.js';
export type { ModelHessianEigs, ModelHessianEigsOptions, Sharpness } from './eigs.js';
export { layerJacobian } from './layer-jacobian.js';
export { sharpnessCallback, SharpnessTracker } from './sharpness-callback.js';
export type { SharpnessCallbackArgs, SharpnessRecord } from './sharpness-callback.js';
