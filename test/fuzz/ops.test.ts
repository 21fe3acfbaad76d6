// Fuzz test of every public function of nb: random tensors (ranks 0..4,
// size-0 dimensions, every dtype, NaN/±Inf/huge/tiny/−0), random options and
// non-tensor junk. Every call must return a well-formed Tensor of the expected
// dtype or throw a NablaError that names the op; no other error class, no
// hang, no allocation past the size limit (shapes up to 2^31 elements and
// beyond are among the options). Seeded: a failure is reproducible.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { checkTensor, expectWellBehaved, int, JUNK, NAMES, pick, randomShape, randomTensor, rng, show, type Rand } from './fuzz.js';

type Arg =
  | 'x'
  | 'y'
  | 'xs'
  | 'axis'
  | 'axes'
  | 'keepDims'
  | 'num'
  | 'int'
  | 'bool'
  | 'dtype'
  | 'shape'
  | 'pair'
  | 'padding'
  | 'paddings'
  | 'perm'
  | 'begin'
  | 'size'
  | 'sections'
  | 'indices'
  | 'fused'
  | 'kernel'
  | 'fn'
  | 'reduce'
  | 'ranges'
  | 'equation'
  | 'method';
/**
 * What the result's dtype must be: a float dtype (float64 only from a float64 input), bool, int32,
 * 'exact' (int32 for an int32 or bool input, which such ops keep exactly; else as 'float'), or unchecked.
 */
type Out = 'float' | 'bool' | 'int32' | 'exact' | 'any' | 'tensors' | 'valuesIndices';
/** `alsoNamed`: an op documented as another one on some inputs (dot of matrices is matmul) may name that one. */
interface Spec {
  args: Arg[];
  out: Out;
  alsoNamed?: string;
}

const U = (): Spec => ({ args: ['x'], out: 'float' });
const B = (out: Out = 'any'): Spec => ({ args: ['x', 'y'], out });

/**
 * Every function nb exports, with the arguments it takes. A new export must
 * be added here (or to NOT_FUZZED with the reason): the test below fails otherwise.
 */
const OPS: Record<string, Spec> = {
  // creation
  tensor: { args: ['x', 'shape', 'dtype'], out: 'any' },
  scalar: { args: ['num', 'dtype'], out: 'any' },
  zeros: { args: ['shape', 'dtype'], out: 'any' },
  ones: { args: ['shape', 'dtype'], out: 'any' },
  full: { args: ['shape', 'num', 'dtype'], out: 'any' },
  zerosLike: { args: ['x'], out: 'any' },
  onesLike: { args: ['x'], out: 'any' },
  eye: { args: ['int', 'int', 'dtype'], out: 'any' },
  arange: { args: ['num', 'num', 'num', 'dtype'], out: 'any' },
  linspace: { args: ['num', 'num', 'int', 'dtype'], out: 'any' },
  randomUniform: { args: ['shape', 'num', 'num'], out: 'float' },
  randomNormal: { args: ['shape', 'num', 'num'], out: 'float' },
  variable: { args: ['x'], out: 'any' },
  // arithmetic
  add: B(),
  sub: B(),
  mul: B(),
  div: B('float'),
  pow: B('float'),
  maximum: B(),
  minimum: B(),
  neg: { args: ['x'], out: 'exact' },
  square: { args: ['x'], out: 'exact' },
  abs: { args: ['x'], out: 'exact' },
  sign: { args: ['x'], out: 'exact' },
  sqrt: U(),
  exp: U(),
  expm1: U(),
  log: U(),
  log1p: U(),
  sin: U(),
  cos: U(),
  tanh: U(),
  erf: U(),
  reciprocal: U(),
  clip: { args: ['x', 'num', 'num'], out: 'any' }, // int32 stays int32 with integer bounds
  cast: { args: ['x', 'dtype'], out: 'any' },
  // comparison
  equal: B('bool'),
  notEqual: B('bool'),
  greater: B('bool'),
  greaterEqual: B('bool'),
  less: B('bool'),
  lessEqual: B('bool'),
  where: { args: ['x', 'y', 'y'], out: 'any' },
  // linear algebra
  matmul: { args: ['x', 'y', 'bool', 'bool'], out: 'float' },
  transpose: { args: ['x', 'perm'], out: 'any' },
  dot: { ...B(), alsoNamed: 'matmul' },
  outer: B(),
  // reductions
  sum: { args: ['x', 'axes', 'keepDims'], out: 'any' },
  mean: { args: ['x', 'axes', 'keepDims'], out: 'float' },
  max: { args: ['x', 'axes', 'keepDims'], out: 'any' },
  min: { args: ['x', 'axes', 'keepDims'], out: 'any' },
  argmax: { args: ['x', 'axis', 'keepDims'], out: 'int32' },
  argmin: { args: ['x', 'axis', 'keepDims'], out: 'int32' },
  logSumExp: { args: ['x', 'axes', 'keepDims'], out: 'float' },
  variance: { args: ['x', 'axes', 'keepDims', 'num'], out: 'float' },
  // shapes
  reshape: { args: ['x', 'shape'], out: 'any' },
  flatten: { args: ['x'], out: 'any' },
  squeeze: { args: ['x', 'axes'], out: 'any' },
  expandDims: { args: ['x', 'axis'], out: 'any' },
  broadcastTo: { args: ['x', 'shape'], out: 'any' },
  permute: { args: ['x', 'perm'], out: 'any' },
  slice: { args: ['x', 'begin', 'size'], out: 'any' },
  concat: { args: ['xs', 'axis'], out: 'any' },
  stack: { args: ['xs', 'axis'], out: 'any' },
  split: { args: ['x', 'sections', 'axis'], out: 'tensors' },
  pad: { args: ['x', 'paddings', 'num'], out: 'any' },
  gather: { args: ['x', 'indices', 'axis'], out: 'any' },
  scatterAdd: { args: ['x', 'indices', 'axis', 'int'], out: 'any' },
  oneHot: { args: ['indices', 'int', 'dtype'], out: 'any' },
  // indexing and rearranging (issue 18)
  takeAlongAxis: { args: ['x', 'indices', 'axis'], out: 'any' },
  gatherND: { args: ['x', 'indices'], out: 'any' },
  scatter: { args: ['x', 'indices', 'y', 'axis'], out: 'any' },
  scatterReduce: { args: ['x', 'indices', 'y', 'axis', 'reduce', 'bool'], out: 'float' },
  stridedSlice: { args: ['x', 'ranges'], out: 'any' },
  flip: { args: ['x', 'axes'], out: 'any' },
  roll: { args: ['x', 'int', 'axes'], out: 'any' },
  tile: { args: ['x', 'shape'], out: 'any' },
  repeat: { args: ['x', 'int', 'axis'], out: 'any' },
  tril: { args: ['x', 'int'], out: 'any' },
  triu: { args: ['x', 'int'], out: 'any' },
  diag: { args: ['x', 'int'], out: 'any' },
  diagonal: { args: ['x', 'int', 'axis', 'axis'], out: 'any' },
  meshgrid: { args: ['xs'], out: 'tensors' },
  unfold: { args: ['x', 'axis', 'int', 'int'], out: 'any' },
  einsum: { args: ['equation', 'x', 'y'], out: 'float' },
  // activations
  sigmoid: U(),
  relu: U(),
  swish: U(),
  softplus: { args: ['x', 'num', 'num'], out: 'float' },
  leakyRelu: { args: ['x', 'num'], out: 'float' },
  elu: { args: ['x', 'num'], out: 'float' },
  gelu: { args: ['x', 'bool'], out: 'float' },
  softmax: { args: ['x', 'axis'], out: 'float' },
  logSoftmax: { args: ['x', 'axis'], out: 'float' },
  biasActivation: { args: ['x', 'y', 'fused'], out: 'float' },
  // convolution
  conv2d: { args: ['x', 'kernel', 'pair', 'padding', 'pair'], out: 'float' },
  maxPool2d: { args: ['x', 'pair', 'pair', 'padding'], out: 'float' },
  avgPool2d: { args: ['x', 'pair', 'pair', 'padding'], out: 'float' },
  conv1d: { args: ['x', 'kernel', 'int', 'padding', 'int', 'int'], out: 'float' },
  conv2dTranspose: { args: ['x', 'kernel', 'pair', 'padding', 'pair', 'pair'], out: 'float' },
  depthwiseConv2d: { args: ['x', 'kernel', 'pair', 'padding', 'pair'], out: 'float' },
  separableConv2d: { args: ['x', 'kernel', 'kernel', 'pair', 'padding', 'pair'], out: 'float' },
  resize: { args: ['x', 'pair', 'method'], out: 'float' },
  // issue 18, part A: elementwise
  tan: U(),
  asin: U(),
  acos: U(),
  atan: U(),
  sinh: U(),
  cosh: U(),
  asinh: U(),
  acosh: U(),
  atanh: U(),
  log2: U(),
  log10: U(),
  exp2: U(),
  cbrt: U(),
  erfc: U(),
  erfinv: U(),
  rsqrt: U(),
  floor: { args: ['x'], out: 'exact' },
  ceil: { args: ['x'], out: 'exact' },
  round: { args: ['x'], out: 'exact' },
  trunc: { args: ['x'], out: 'exact' },
  atan2: B('float'),
  copysign: B('float'),
  mod: B(),
  fmod: B(),
  floorDiv: B(),
  logAddExp: B('float'),
  lerp: { args: ['x', 'y', 'y'], out: 'float' },
  isNaN: { args: ['x'], out: 'bool' },
  isInf: { args: ['x'], out: 'bool' },
  isFinite: { args: ['x'], out: 'bool' },
  isClose: { args: ['x', 'y', 'num', 'num', 'bool'], out: 'bool' },
  logicalAnd: B('bool'),
  logicalOr: B('bool'),
  logicalXor: B('bool'),
  logicalNot: { args: ['x'], out: 'bool' },
  // issue 18, part A: activations
  selu: U(),
  celu: { args: ['x', 'num'], out: 'float' },
  softsign: U(),
  logSigmoid: U(),
  hardSigmoid: U(),
  hardSigmoidKeras2: U(),
  relu6: U(),
  hardSwish: U(),
  mish: U(),
  softmin: { args: ['x', 'axis'], out: 'float' },
  l2Normalize: { args: ['x', 'axis', 'num'], out: 'float' },
  // issue 18, part A: reductions and scans
  prod: { args: ['x', 'axes', 'keepDims'], out: 'any' },
  any: { args: ['x', 'axes', 'keepDims'], out: 'bool' },
  all: { args: ['x', 'axes', 'keepDims'], out: 'bool' },
  std: { args: ['x', 'axes', 'keepDims', 'num'], out: 'float' },
  cumsum: { args: ['x', 'axis', 'bool', 'bool'], out: 'any' },
  cumprod: { args: ['x', 'axis', 'bool', 'bool'], out: 'any' },
  cummax: { args: ['x', 'axis'], out: 'any' },
  cummin: { args: ['x', 'axis'], out: 'any' },
  cumArgmax: { args: ['x', 'axis'], out: 'int32' },
  cumArgmin: { args: ['x', 'axis'], out: 'int32' },
  logCumSumExp: { args: ['x', 'axis', 'bool', 'bool'], out: 'float' },
  // issue 18, part A: sorting and selection
  sort: { args: ['x', 'axis', 'bool'], out: 'valuesIndices' },
  argsort: { args: ['x', 'axis', 'bool'], out: 'int32' },
  topk: { args: ['x', 'int'], out: 'valuesIndices' },
  booleanMask: { args: ['x', 'y', 'axis'], out: 'any' },
  nonzero: { args: ['x'], out: 'int32' },
  // autodiff helpers that take tensors
  stopGradient: { args: ['x'], out: 'any' },
  noGrad: { args: ['fn'], out: 'any' },
};

/** Exports that are not ops on tensors, and where they are tested instead. */
const NOT_FUZZED: Record<string, string> = {
  NablaError: 'error class',
  ShapeError: 'error class',
  DTypeError: 'error class',
  ArgumentError: 'error class',
  ModelFileError: 'error class',
  DivergenceError: 'error class',
  TraceError: 'error class',
  Spec: 'class (through spec)',
  Program: 'class (test/trace)',
  trace: 'transform of a function (test/trace)',
  spec: 'a placeholder, not a tensor (test/trace checks its errors)',
  runProgram: 'runs a Program (test/trace)',
  jit: 'transform of a function (test/compile checks its values against eager execution and its errors)',
  Generator: 'class (test/core/random.test.ts)',
  Tensor: 'class',
  Variable: 'class (through variable)',
  Sequential: 'class (test/train)',
  Model: 'class: the functional model (test/train/functional.test.ts)',
  model: 'builds a functional Model from symbolic tensors (test/train/functional.test.ts checks its errors)',
  LayersModel: "class: Sequential's and Model's base",
  input: 'makes a symbolic tensor, not a value (test/train/functional.test.ts checks its errors)',
  InputLayer: 'class (through input)',
  SymbolicTensor: 'class (through input)',
  History: 'class',
  seed: 'global generator seed (test/core/random.test.ts)',
  setBackend: 'backend control (test/backend)',
  getBackend: 'backend control',
  listBackends: 'backend control',
  registerBackend: 'backend control',
  setThreads: 'backend control',
  getThreads: 'backend control',
  wasmBuild: 'backend control',
  ready: 'backend control',
  isTensor: 'a predicate: never throws',
  grad: 'transform of a function (test/autograd)',
  valueAndGrad: 'transform of a function',
  vjp: 'transform of a function',
  jacobian: 'transform of a function',
  hessian: 'transform of a function',
  hvp: 'transform of a function',
  gradCheck: 'checks a function',
  modelLoss: 'model loss builder; its arguments are checked in test/train/loss-fn.test.ts',
  explain: 'transform of a function (test/explain checks its errors)',
  Explanation: 'class (test/explain)',
  modelHessianEigs: 'takes a model; its arguments are checked in test/curvature/eigs.test.ts',
  sharpness: 'takes a model (test/curvature/eigs.test.ts)',
  layerJacobian: 'takes a model; its arguments are checked in test/curvature/layer-jacobian.test.ts',
  sequential: 'model builder (test/train)',
  makeTrainStep: 'trainer builder; its arguments are checked in test/train/step.test.ts',
  loadModel: 'file input (test/io)',
  landscape: 'model-level evaluation; its arguments are checked in test/landscape/errors.test.ts',
  landscape1d: 'model-level evaluation (test/landscape)',
  projectPath: 'takes a recorded path and a landscape (test/landscape)',
  Landscape: 'class (through landscape)',
  Landscape1d: 'class (through landscape1d)',
};

// ---- random arguments ------------------------------------------------------

const JUNK_RATE = 0.12;

function tensorArg(r: Rand, like?: nb.Tensor): unknown {
  const u = r();
  if (u < JUNK_RATE) return pick(r, JUNK);
  if (u < 0.18)
    return pick(r, [
      2,
      -1.5,
      NaN,
      true,
      [1, 2, 3],
      [
        [1, 2],
        [3, 4],
      ],
      [],
      new Float64Array([1, NaN]),
      new Int16Array([3, -4]),
    ]);
  if (like && u < 0.75) {
    // the same shape, or a broadcast-compatible one, or a same-shape different dtype
    const s = r() < 0.7 ? [...like.shape] : like.shape.map((d) => (r() < 0.5 ? 1 : d)).slice(int(r, 0, like.rank));
    return randomTensor(r, s, r() < 0.6 ? like.dtype : undefined);
  }
  return randomTensor(r);
}

function axisArg(r: Rand, rank: number): unknown {
  const u = r();
  if (u < JUNK_RATE) return pick(r, ['1', 1.5, NaN, {}, null, Symbol('a'), [0, 0], 2 ** 40, Infinity]);
  if (u < 0.25) return undefined;
  return int(r, -rank - 1, rank);
}

function axesArg(r: Rand, rank: number): unknown {
  const u = r();
  if (u < JUNK_RATE) return pick(r, ['1', '0,1', 1.5, NaN, {}, Symbol('a'), [0, 0], [0, '1'], [[0]], Infinity]);
  if (u < 0.4) return undefined;
  if (u < 0.65) return int(r, -rank, rank);
  return Array.from({ length: int(r, 0, rank) }, () => int(r, -rank, rank - 1));
}

function shapeArg(r: Rand, x?: nb.Tensor): unknown {
  const u = r();
  if (u < JUNK_RATE) return pick(r, [3, '3', {}, null, [-1], [1.5], [NaN], ['2'], [2 ** 31], [2 ** 16, 2 ** 16], [2 ** 53], [Infinity], [2, -1, -1]]);
  if (x && u < 0.5) {
    // a shape of x's size (reshape) or a broadcast target (broadcastTo)
    return r() < 0.5 ? [x.size] : r() < 0.5 ? [2, ...x.shape] : [...x.shape, -1].slice(0, x.rank);
  }
  return randomShape(r);
}

function arg(r: Rand, kind: Arg, prev: unknown[]): unknown {
  const x = prev.find((p) => p instanceof nb.Tensor) as nb.Tensor | undefined;
  const rank = x?.rank ?? 2;
  switch (kind) {
    case 'x':
      return tensorArg(r);
    case 'y':
      return tensorArg(r, x);
    case 'xs': {
      if (r() < JUNK_RATE) return pick(r, [[], {}, 'ab', [nb.zeros([2]), {}], [nb.zeros([2]), undefined], nb.zeros([2])]);
      const first = randomTensor(r, randomShape(r, int(r, 0, 3)));
      return [first, ...Array.from({ length: int(r, 0, 2) }, () => tensorArg(r, first))];
    }
    case 'axis':
      return axisArg(r, rank);
    case 'axes':
      return axesArg(r, rank);
    case 'keepDims':
      return r() < JUNK_RATE ? pick(r, [1, 'true', {}, null]) : r() < 0.5;
    case 'bool':
      return r() < JUNK_RATE ? pick(r, [1, 'true', {}, Symbol('b')]) : r() < 0.5;
    case 'num':
      return r() < JUNK_RATE
        ? pick(r, ['1', {}, undefined, null, Symbol('n'), 10n, [1]])
        : pick(r, [0, 1, -1, 2.5, 5, NaN, Infinity, -Infinity, 1e-3, 2 ** 40, -0]);
    case 'int':
      return r() < JUNK_RATE ? pick(r, ['2', {}, null, 1.5, NaN, -1, 2 ** 31, 2 ** 53, Infinity, Symbol('i')]) : int(r, 0, 4);
    case 'dtype':
      return r() < 0.3
        ? pick(r, [...NAMES, 'float16', 'int64', 'uint8', undefined, 1, {}, Symbol('d'), null])
        : pick(r, ['float32', 'float64', 'int32', 'bool', undefined]);
    case 'shape':
      return shapeArg(r, x);
    case 'pair':
      return r() < 0.2
        ? pick(r, [0, -1, 1.5, NaN, [1], [1, 2, 3], ['1', 1], '2', {}, Symbol('p'), 2 ** 31, [2 ** 31, 1]])
        : r() < 0.5
          ? int(r, 1, 3)
          : [int(r, 1, 3), int(r, 1, 3)];
    case 'padding':
      return r() < 0.3
        ? pick(r, [
            ...NAMES,
            'VALID',
            -1,
            1.5,
            [[1, 2]],
            [
              [1, 2],
              [3, -1],
            ],
            [1, 2],
            {},
            Symbol('pad'),
          ])
        : pick(r, [
            'valid',
            'same',
            undefined,
            1,
            [
              [1, 0],
              [0, 2],
            ],
            'causal',
          ]);
    case 'method':
      return r() < 0.3 ? pick(r, [...NAMES, 'bicubic', 1, {}, Symbol('m')]) : pick(r, ['nearest', 'bilinear', undefined]);
    case 'paddings': {
      if (r() < 0.2) return pick(r, [{}, '1', [[1]], [[1, 2, 3]], [[-1, 0]], [[1.5, 0]], [['1', 0]], [[2 ** 31, 0]], [null], [Symbol('p')], 5]);
      return Array.from({ length: r() < 0.9 ? rank : rank + 1 }, () => [int(r, 0, 2), int(r, 0, 2)]);
    }
    case 'perm': {
      if (r() < 0.2) return pick(r, ['01', {}, [0, 0], [0, '1'], [1.5], null, Symbol('p'), [[0]]]);
      if (r() < 0.2) return undefined;
      const p = Array.from({ length: rank }, (_, i) => i);
      for (let i = p.length - 1; i > 0; i--) {
        const j = int(r, 0, i);
        [p[i], p[j]] = [p[j]!, p[i]!];
      }
      return p;
    }
    case 'begin':
      return r() < 0.2
        ? pick(r, ['0', {}, [0.5], [-1], [NaN], null, Symbol('b')])
        : r() < 0.3
          ? int(r, 0, 2)
          : Array.from({ length: int(r, 0, rank) }, () => int(r, 0, 2));
    case 'size':
      return r() < 0.2
        ? pick(r, ['1', {}, [1.5], [-2], [NaN], null, [2 ** 31]])
        : r() < 0.3
          ? undefined
          : Array.from({ length: int(r, 0, rank) }, () => int(r, -1, 2));
    case 'sections':
      return r() < 0.2 ? pick(r, ['2', {}, 0, -1, 1.5, [1.5], [-2, -1], null]) : r() < 0.5 ? int(r, 1, 3) : [int(r, 0, 2), -1];
    case 'indices':
      return r() < 0.2
        ? pick(r, [...JUNK.slice(0, 6), [0.5], [-1], [NaN], [2 ** 31], nb.tensor([true, false])])
        : randomTensor(r, randomShape(r, int(r, 0, 2)), 'int32').abs();
    case 'fused':
      return r() < 0.4 ? pick(r, [...NAMES, 'swish', undefined, 1, {}, Symbol('a')]) : pick(r, ['linear', 'relu', 'sigmoid', 'tanh']);
    case 'kernel':
      return r() < 0.3 ? tensorArg(r) : randomTensor(r, [int(r, 1, 2), int(r, 1, 2), x?.shape[3] ?? 1, int(r, 1, 2)], 'float32');
    case 'fn':
      return r() < 0.5 ? pick(r, [undefined, 1, 'f', {}, Symbol('f')]) : () => nb.add(nb.ones([2]), 1);
    case 'reduce':
      return r() < 0.3 ? pick(r, [...NAMES, 'amax', undefined, 1, {}, Symbol('r')]) : pick(r, ['sum', 'prod', 'mean', 'max', 'min']);
    case 'ranges':
      return r() < 0.3
        ? pick(r, [{}, 1, null, '1:2:3:4', 'a', '::0', [{ step: 0 }], [{ start: 1.5 }], [1], Symbol('s'), '0,0,0,0,0,0'])
        : pick(r, ['::-1', '1:', ':-1, ::2', '-1', '', [{ start: -1, step: -2 }], [null, { stop: 1 }], []]);
    case 'equation':
      return r() < 0.3
        ? pick(r, [...NAMES, 1, {}, 'ij->k', 'i->ii', '...i...', 'i,j,k', 'i$', 'ij->ij->i'])
        : pick(r, ['ij,jk->ik', 'i,i', '...i,...i->...', 'ii', 'ij,ij->ij', 'a,b', 'abc,abc', '']);
  }
}

function expectedDType(out: Out, args: unknown[]): nb.DType | nb.DType[] | undefined {
  const has64 = args.some(
    (a) =>
      (a instanceof nb.Tensor && a.dtype === 'float64') ||
      a instanceof Float64Array ||
      (Array.isArray(a) && a.some((t) => t instanceof nb.Tensor && t.dtype === 'float64')),
  );
  switch (out) {
    case 'bool':
      return 'bool';
    case 'int32':
      return 'int32';
    case 'exact': {
      const x = args[0];
      // the dtype the input converts to: int32 and bool inputs (integer typed arrays, booleans) give int32
      let d: nb.DType | undefined;
      try {
        d = nb.tensor(x as nb.TensorLike).dtype;
      } catch {
        d = undefined;
      }
      if (d === 'int32' || d === 'bool') return 'int32';
      return has64 ? ['float32', 'float64'] : 'float32';
    }
    case 'float':
      return has64 ? ['float32', 'float64'] : 'float32';
    default:
      return undefined;
  }
}

// ---- NaN propagation -------------------------------------------------------

/** Elementwise unary ops whose output is NaN wherever the input is NaN (as in PyTorch). */
/** (sign(NaN) is 0, as in PyTorch.) */
const UNARY_NAN = [
  'neg',
  'square',
  'sqrt',
  'exp',
  'expm1',
  'log',
  'log1p',
  'abs',
  'sin',
  'cos',
  'tanh',
  'erf',
  'reciprocal',
  'sigmoid',
  'relu',
  'swish',
  'softplus',
  'leakyRelu',
  'elu',
  'gelu',
  'clip',
  ...['tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'log2', 'log10', 'exp2', 'cbrt', 'erfc', 'erfinv', 'rsqrt'],
  ...['floor', 'ceil', 'round', 'trunc', 'selu', 'celu', 'softsign', 'logSigmoid', 'hardSigmoid', 'hardSigmoidKeras2', 'relu6', 'hardSwish', 'mish'],
];
/** Elementwise binary ops whose output is NaN wherever either input is (pow excepted at x⁰ and 1ʸ, as in PyTorch). */
const BINARY_NAN = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2', 'mod', 'fmod', 'floorDiv', 'logAddExp'];
/** Reductions over all axes whose result is NaN when any input is NaN. */
const REDUCE_NAN = ['sum', 'mean', 'max', 'min', 'logSumExp', 'variance'];

/**
 * NaN checks waiting for helper H1's branch (relu, maximum, minimum, max,
 * min and clip propagate NaN as PyTorch does there): remove an op from this
 * list once that branch is merged. Until then their check runs as a `todo`
 * test that reports without failing the suite.
 */
/** Where `op`'s output at a NaN input must be NaN and is not: a description, or null. */
function nanMismatch(op: string, args: unknown[], out: unknown): string | null {
  if (!(out instanceof nb.Tensor) || (out.dtype !== 'float32' && out.dtype !== 'float64')) return null;
  const [a, b] = args;
  if (UNARY_NAN.includes(op) && a instanceof nb.Tensor && a.size === out.size) {
    for (let i = 0; i < a.size; i++) if (Number.isNaN(a.storage[i]) && !Number.isNaN(out.storage[i])) return `${op}(NaN) at ${i} gave ${out.storage[i]}`;
  }
  if (BINARY_NAN.includes(op) && a instanceof nb.Tensor && b instanceof nb.Tensor && a.shape.join() === b.shape.join() && out.size === a.size) {
    for (let i = 0; i < a.size; i++) {
      const x = a.storage[i]!,
        y = b.storage[i]!;
      if (op === 'pow' && (y === 0 || x === 1)) continue;
      if ((Number.isNaN(x) || Number.isNaN(y)) && !Number.isNaN(out.storage[i])) return `${op}(${x}, ${y}) at ${i} gave ${out.storage[i]}`;
    }
  }
  if (REDUCE_NAN.includes(op) && a instanceof nb.Tensor && args[1] === undefined && out.size === 1 && a.storage.some((v) => Number.isNaN(v))) {
    if (!Number.isNaN(out.storage[0])) return `${op} of a tensor holding NaN gave ${out.storage[0]}`;
  }
  return null;
}

// ---- the tests -------------------------------------------------------------

test('fuzz: every exported function of nb is listed (fuzzed, or not with a reason)', () => {
  const exported = Object.entries(nb)
    .filter(([, v]) => typeof v === 'function')
    .map(([k]) => k);
  const unlisted = exported.filter((k) => !(k in OPS) && !(k in NOT_FUZZED));
  assert.deepEqual(unlisted, [], `add these exports to OPS (with their arguments) or NOT_FUZZED in test/fuzz/ops.test.ts`);
  const stale = [...Object.keys(OPS), ...Object.keys(NOT_FUZZED)].filter((k) => !exported.includes(k));
  assert.deepEqual(stale, []);
});

const CALLS_PER_OP = 400;

test('fuzz: every op returns a well-formed tensor or throws a NablaError naming the op', () => {
  const fns = nb as unknown as Record<string, (...a: unknown[]) => unknown>;
  const tally = { ok: 0, error: 0 };
  const failures: string[] = []; // the first failure of each op
  for (const [op, spec] of Object.entries(OPS)) {
    const t0 = Date.now();
    try {
      const r = rng(0x5eed ^ op.split('').reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261));
      for (let k = 0; k < CALLS_PER_OP; k++) {
        const args: unknown[] = [];
        for (const kind of spec.args) args.push(arg(r, kind, args));
        // trailing undefined arguments are dropped sometimes, so that defaults run too
        while (args.length && args[args.length - 1] === undefined && r() < 0.5) args.pop();
        const what = () => `${op}(${args.map(show).join(', ')})`;
        const outcome = expectWellBehaved(
          spec.alsoNamed ? [op, spec.alsoNamed] : [op],
          what,
          () => fns[op]!(...args),
          (out) => {
            if (spec.out === 'valuesIndices') {
              const { values, indices } = out as { values: unknown; indices: unknown };
              checkTensor(`${what()}.values`, values);
              checkTensor(`${what()}.indices`, indices, 'int32');
              return;
            }
            if (spec.out === 'tensors') {
              assert.ok(Array.isArray(out), `${what()}: expected an array of tensors`);
              (out as unknown[]).forEach((t, i) => checkTensor(`${what()}[${i}]`, t));
              return;
            }
            const t = out instanceof nb.Variable ? out.value : out;
            checkTensor(what(), t, expectedDType(spec.out, args));
            const bad = nanMismatch(op, args, t);
            assert.equal(bad, null, `${what()}: NaN not propagated: ${bad}`);
          },
        );
        tally[outcome]++;
      }
    } catch (e) {
      failures.push((e as Error).message);
    }
    if (process.env['FUZZ_TIMES']) console.log(op, Date.now() - t0);
  }
  assert.deepEqual(failures, []);
  // both outcomes must be common, or the generators are not exercising the ops
  assert.ok(tally.ok > 2000 && tally.error > 2000, `ok ${tally.ok}, error ${tally.error}`);
});
