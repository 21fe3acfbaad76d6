// nb.io: reading and writing models (files, bytes, URLs, IndexedDB, downloads) and files.
export { saveModel, loadModel, encodeModel, decodeModel, ModelFileError, FORMAT_VERSION } from './model-file.js';
export type { LoadModelOptions, ModelSource, BlobLike } from './model-file.js';
export type { UrlLike } from './targets.js';
export { listModels, removeModel } from './indexeddb.js';
export type { ModelInfo } from './indexeddb.js';
export { writeFileAtomic, writeFileAtomicSync, atomicTempTarget } from './atomic-write.js';
export type { SaveableModel, LoadableModel, ModelFactory } from './saveable.js';
export { registerModelClass } from './saveable.js';
