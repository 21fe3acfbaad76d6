// nb.tfjs: TF.js's (and Keras's) layers format.
export { exportModel, type TfjsFiles, type TfjsModelJson, type TfjsWeightSpec } from './export.js';
export { importModel, loadModel, type TfjsArtifacts, type TfjsWeightEntry } from './import.js';
