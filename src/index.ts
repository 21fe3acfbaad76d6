/**
 * nabla: n-d tensors, exact higher-order automatic differentiation and neural
 * networks in TypeScript. This file is the whole public surface of `'nabla'`
 * (ONNX export and import are the subpath `'nabla/onnx'`).
 *
 * @module nabla
 */
import './ops/methods.js'; // installs the chainable tensor methods

// core
export type { DType, TypedArray } from './core/dtype.js';
export type { Shape } from './core/shape.js';
export { NablaError, ShapeError, DTypeError, ArgumentError, TraceError } from './core/errors.js';
export { Generator, seed } from './core/random.js';

// backend
export { setBackend, getBackend, listBackends, registerBackend, setThreads, getThreads, wasmBuild, ready } from './backend/index.js';
export type { Kernels } from './backend/index.js';

// tensors
export { Tensor, isTensor } from './tensor/tensor.js';
export { Variable, variable } from './tensor/variable.js';
export type { NestedArray, TensorLike, RandomOptions } from './tensor/create.js';
export {
  tensor,
  scalar,
  zeros,
  ones,
  zerosLike,
  onesLike,
  full,
  eye,
  arange,
  linspace,
  randomUniform,
  randomNormal,
} from './tensor/create.js';

// ops
export {
  add,
  sub,
  mul,
  div,
  neg,
  pow,
  square,
  sqrt,
  exp,
  expm1,
  log,
  log1p,
  abs,
  sign,
  sin,
  cos,
  tanh,
  erf,
  maximum,
  minimum,
  clip,
  reciprocal,
  cast,
} from './ops/arithmetic.js';
export { equal, notEqual, greater, greaterEqual, less, lessEqual, where } from './ops/compare.js';
export { matmul, transpose, dot, outer } from './ops/linalg.js';
export { sum, mean, max, min, argmax, argmin, logSumExp, variance } from './ops/reduce.js';
export type { Axis } from './ops/reduce.js';
export {
  reshape,
  flatten,
  squeeze,
  expandDims,
  broadcastTo,
  permute,
  slice,
  concat,
  stack,
  split,
  pad,
  gather,
  scatterAdd,
  oneHot,
} from './ops/shape.js';
export { sigmoid, relu, leakyRelu, elu, swish, gelu, softplus, softmax, logSoftmax, biasActivation } from './ops/activations.js';
export type { FusedActivation } from './backend/kernels.js';
export { takeAlongAxis, gatherND, scatter, scatterReduce, stridedSlice } from './ops/indexing.js';
export type { ScatterReduce, SliceRange } from './ops/indexing.js';
export { flip, roll, tile, repeat, tril, triu, diag, diagonal, meshgrid, unfold } from './ops/rearrange.js';
export { einsum } from './ops/einsum.js';
export type { PadMode, PadOptions } from './ops/padding.js';
export { conv2d, maxPool2d, avgPool2d } from './ops/conv.js';
export type { Padding, ConvPadding, Pair } from './ops/conv.js';
export { conv1d, conv2dTranspose, depthwiseConv2d, separableConv2d, resize } from './ops/conv-variants.js';
export type { Conv1dPadding, ResizeMethod, ResizeOptions } from './ops/conv-variants.js';
export { stopGradient, noGrad } from './ops/stop.js';
// issue 18, part A: elementwise functions, activations, scans and reductions, sorting
export {
  tan,
  asin,
  acos,
  atan,
  sinh,
  cosh,
  asinh,
  acosh,
  atanh,
  log2,
  log10,
  exp2,
  cbrt,
  erfc,
  erfinv,
  floor,
  ceil,
  round,
  trunc,
  rsqrt,
  atan2,
  copysign,
  mod,
  fmod,
  floorDiv,
  logAddExp,
  lerp,
  isNaN,
  isInf,
  isFinite,
  isClose,
  logicalAnd,
  logicalOr,
  logicalXor,
  logicalNot,
} from './ops/elementwise.js';
export { selu, celu, softsign, logSigmoid, hardSigmoid, hardSigmoidKeras2, relu6, hardSwish, mish, softmin, l2Normalize } from './ops/activations.js';
export { cumsum, cumprod, cummax, cummin, cumArgmax, cumArgmin, logCumSumExp, prod, any, all, std } from './ops/scan.js';
export { sort, argsort, topk, booleanMask, nonzero } from './ops/sort.js';
export type { ValuesAndIndices } from './ops/sort.js';

// autodiff
export { grad, valueAndGrad, vjp, jacobian, hessian, hvp } from './autograd/transforms.js';
export type { GradOptions, GradOf, GradsOf, GradTree } from './autograd/transforms.js';
export type { ArgnumsOption } from './autograd/transforms.js';
export { trace, spec, Spec, Program, runProgram } from './trace/index.js';
export { jit } from './compile/index.js';
export type { JitOptions, JitStats, Jitted, JitPlanInfo } from './compile/index.js';
export type { TraceOptions, Dim, Equation, ProgramVar, ProgramConstant, ProgramParam, ProgramUpdate, VarKind } from './trace/index.js';
export { explain, Explanation } from './explain/index.js';
export type { ExplainOptions, Layout, ExplainFormat, Line } from './explain/index.js';
export { gradCheck } from './autograd/gradcheck.js';
export type { GradCheckOptions, GradCheckResult, GradCheckLevel } from './autograd/gradcheck.js';
export type { Tree } from './autograd/tree.js';

// neural networks
/** The building blocks of models: `Module`, `Layer`, the layer registry (`registerLayer`, `layerFromConfig`) and activation functions by name. */
export * as nn from './nn/namespace.js';
/** Layers by their TF.js names: `nb.layers.dense({ units: 64, activation: 'relu' })`, `conv2d`, `lstm`, `batchNormalization`, ... */
export * as layers from './nn/index.js';
/** Weight initialisers by their TF.js names (`glorotUniform`, `heNormal`, `zeros`, ...), for a layer's initializer options. */
export * as initializers from './nn/initializer-namespace.js';
/** Weight penalties added to the loss: `l1`, `l2`, `l1l2`. */
export * as regularizers from './nn/regularizers.js';
/** Loss functions with Keras semantics (`meanSquaredError`, `categoricalCrossentropy`, ...), by function or by name. */
export * as losses from './losses/index.js';
/** Metrics for `compile({ metrics })` and direct use: accuracy, precision, recall, F1, confusion matrices, ... */
export * as metrics from './metrics/index.js';
/** Optimisers (`sgd`, `adam`, `rmsprop`, ...), learning-rate schedules and gradient clipping; `applyGradients` for a custom loop. */
export * as optimizers from './optim/index.js';
/** Callbacks for `fit`: early stopping, the progress line, and the parameter-path and sharpness recorders. */
export * as callbacks from './train/callback-namespace.js';
export { Sequential, sequential } from './train/sequential.js';
export type { CompileArgs, FitArgs, InferenceArgs, ModelMetadata, SequentialConfig } from './train/sequential.js';
export { Model, model } from './train/functional.js';
export type { ModelArgs, FunctionalConfig, FunctionalLayerConfig } from './train/functional.js';
export { LayersModel } from './train/layers-model.js';
export type { EvaluateArgs, FunctionalCompileArgs, ModelData } from './train/layers-model.js';
export { input, InputLayer } from './nn/layers/input.js';
export type { InputArgs } from './nn/layers/input.js';
export { SymbolicTensor } from './nn/symbolic.js';
export type { LayerNode } from './nn/symbolic.js';
export { History } from './train/history.js';
export { makeTrainStep } from './train/step.js';
export { modelLoss } from './train/loss-fn.js';
export type { ModelLoss, ModelLossOptions } from './train/loss-fn.js';
export { modelHessianEigs, sharpness, layerJacobian } from './curvature/index.js';
export type { ModelHessianEigs, ModelHessianEigsOptions, Sharpness, SharpnessCallbackArgs, SharpnessRecord } from './curvature/index.js';
export type { NamedTensors, TrainBatch, TrainStep, TrainStepOptions, TrainStepResult, Trainer, TrainableModel } from './train/step.js';
export { DivergenceError } from './train/errors.js';
export type { DivergenceDetails } from './train/errors.js';
export type { Callback, Logs } from './train/callbacks.js';
export { loadModel, ModelFileError } from './io/model-file.js';
/** The single-file model format: `saveModel`/`loadModel` on files, URLs, IndexedDB and downloads; `encodeModel`/`decodeModel` on bytes. */
export * as io from './io/index.js';
/** safetensors, the PyTorch world's weight files: `encode`/`decode`, and `loadTorchStateDict` to put a PyTorch state dict into a nabla model. */
export * as safetensors from './safetensors/index.js';
/** TF.js's (Keras's) layers format: `exportModel` (model.json + weights.bin), `importModel`, `loadModel` from a URL or path. */
export * as tfjs from './tfjs/index.js';
/** Datasets and loaders: the UCI digits, IDX (MNIST) and CSV files, train/test splits, one-hot labels, scalers. */
export * as data from './data/index.js';
/** Pictures as SVG strings: line charts, heat maps, contour and surface charts, gradient-descent pictures, program graphs, report pages. */
export * as viz from './viz/index.js';
export { landscape, landscape1d, Landscape, Landscape1d, projectPath } from './landscape/index.js';
export type {
  LandscapeOptions,
  Landscape1dOptions,
  LandscapeCommonOptions,
  LandscapeDirections,
  SliceDirection,
  ProjectPathOptions,
  ProjectedPath,
  PathForChart,
  WeightRef,
} from './landscape/index.js';
/** Dense float64 linear algebra (not differentiated): decompositions, solves, norms, and Lanczos for Hessian eigenvalues. */
export * as linalg from './linalg/index.js';
/** Principal component analysis. */
export * as decomposition from './decomposition/index.js';
