// nb.nn: the building blocks for custom layers and models.
export { Module, updateState, collectStateUpdates } from './module.js';
export { Layer, registerLayer, layerFromConfig } from './layer.js';
export type { LayerArgs, SymbolicShape } from './layer.js';
export { getActivation, ACTIVATIONS } from './activations.js';
export type { ActivationName, ActivationSpelling } from './activations.js';
