// nb.tfjs: TF.js's (and Keras's) layers format.
export { exportModel, type TfjsFiles, type TfjsModelJson, type TfjsWeightSpec } from './export.js';
export { importModel, type TfjsArtifacts } from './import.js';
