// nabla/onnx: ONNX export and import (a subpath of the package, so that the
// main entry point's browser bundles never carry protobufjs).
export { exportProgram, exportModel, OPSET, OnnxExportError, type OnnxExportOptions } from './export.js';
export { importModel, OnnxModel, OnnxImportError } from './import.js';
