// nb.io: reading and writing models and files.
export { saveModel, loadModel, encodeModel, decodeModel, ModelFileError, FORMAT_VERSION } from './model-file.js';
export { writeFileAtomic, writeFileAtomicSync, atomicTempTarget } from './atomic-write.js';
export type { SaveableModel, LoadableModel, ModelFactory } from './saveable.js';
export { registerModelClass } from './saveable.js';
