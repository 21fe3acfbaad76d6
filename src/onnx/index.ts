/**
 * ONNX export and import: `exportProgram`/`exportModel` encode a traced program or a
 * built model as ONNX bytes, `importModel` reads them into a function of nabla ops.
 * A subpath of the package (`import { exportModel } from 'nabla/onnx'`), so that the
 * main entry point's browser bundles never carry protobufjs.
 *
 * @module nabla/onnx
 */
export { exportProgram, exportModel, OPSET, OnnxExportError, type OnnxExportOptions } from './export.js';
export { importModel, loadModel, OnnxModel, OnnxImportError, type OnnxImportOptions } from './import.js';
export { toSequential } from './to-sequential.js';
