// Each primitive of nabla's op table as ONNX operators (opset 18). An entry
// gets the equation, its inputs' value names and the writer, and returns the
// name of the value that holds the equation's output.
import type { Equation } from '../trace/program.js';
import type { AnyPrim, PrimAttrs } from '../ops/prim.js';
import { ONNX_DTYPE } from './proto.js';
import { OnnxExportError, type GraphWriter } from './writer.js';

type Emit<P extends AnyPrim> = (w: GraphWriter, e: Equation<P>, x: readonly string[]) => string;
type EmitTable = { [P in keyof PrimAttrs]?: Emit<P> };

const simple =
  (opType: string): Emit<AnyPrim> =>
  (w, _e, x) =>
    w.add(opType, x);

/** The permutation that swaps the last two axes of a rank-r tensor. */
const swapLast = (r: number) => [...Array(r).keys()].map((i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));

const COMPARE = { equal: 'Equal', greater: 'Greater', greaterEqual: 'GreaterOrEqual', less: 'Less', lessEqual: 'LessOrEqual' } as const;
const ACTIVATION = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh' } as const;

export const emitters: EmitTable = {
  identity: simple('Identity'),
  cast: (w, e, x) => w.add('Cast', x, { to: ONNX_DTYPE[e.attrs.dtype] }),
  neg: simple('Neg'),
  exp: simple('Exp'),
  log: simple('Log'),
  sqrt: simple('Sqrt'),
  abs: simple('Abs'),
  sign: simple('Sign'),
  sin: simple('Sin'),
  cos: simple('Cos'),
  tanh: simple('Tanh'),
  erf: simple('Erf'),
  // issue 18's elementwise functions that ONNX has as operators
  tan: simple('Tan'),
  asin: simple('Asin'),
  acos: simple('Acos'),
  atan: simple('Atan'),
  sinh: simple('Sinh'),
  cosh: simple('Cosh'),
  asinh: simple('Asinh'),
  acosh: simple('Acosh'),
  atanh: simple('Atanh'),
  // ONNX's Floor, Ceil and Round take floats only; nabla's keep an int32 as it is. Round rounds halves to even in both.
  floor: (w, e, x) => (e.inputs[0]!.dtype === 'int32' ? w.add('Identity', x) : w.add('Floor', x)),
  ceil: (w, e, x) => (e.inputs[0]!.dtype === 'int32' ? w.add('Identity', x) : w.add('Ceil', x)),
  round: (w, e, x) => (e.inputs[0]!.dtype === 'int32' ? w.add('Identity', x) : w.add('Round', x)),
  // expm1 and log1p have no ONNX operator: exp(x) − 1 and log(1 + x), less accurate near 0
  expm1: (w, e, x) => w.add('Sub', [w.add('Exp', x), w.scalar(1, e.inputs[0]!.dtype)]),
  log1p: (w, e, x) => w.add('Log', [w.add('Add', [x[0]!, w.scalar(1, e.inputs[0]!.dtype)])]),
  softmax: (w, e, x) => w.add('Softmax', x, { axis: e.attrs.axis }),
  logSoftmax: (w, e, x) => w.add('LogSoftmax', x, { axis: e.attrs.axis }),
  biasActivation: (w, e, x) => {
    const z = w.add('Add', x);
    return e.attrs.activation === 'linear' ? z : w.add(ACTIVATION[e.attrs.activation], [z]);
  },
  add: simple('Add'),
  sub: simple('Sub'),
  mul: simple('Mul'),
  div: simple('Div'),
  pow: simple('Pow'),
  maximum: simple('Max'),
  minimum: simple('Min'),
  compare: (w, e, x) => (e.attrs.op === 'notEqual' ? w.add('Not', [w.add('Equal', x)]) : w.add(COMPARE[e.attrs.op], x)),
  where: simple('Where'),
  sum: (w, e, x) => reduce(w, 'ReduceSum', e.attrs, x[0]!),
  max: (w, e, x) => reduce(w, 'ReduceMax', e.attrs, x[0]!),
  min: (w, e, x) => reduce(w, 'ReduceMin', e.attrs, x[0]!),
  argmax: (w, e, x) => w.add('Cast', [w.add('ArgMax', x, { axis: e.attrs.axis, keepdims: 0 })], { to: ONNX_DTYPE.int32 }),
  argmin: (w, e, x) => w.add('Cast', [w.add('ArgMin', x, { axis: e.attrs.axis, keepdims: 0 })], { to: ONNX_DTYPE.int32 }),
  matmul: (w, e, x) => {
    const [a, b] = e.inputs as [Equation['inputs'][0], Equation['inputs'][0]];
    const ta = e.attrs.transA ? w.add('Transpose', [x[0]!], { perm: swapLast(a.standIn.length) }) : x[0]!;
    const tb = e.attrs.transB ? w.add('Transpose', [x[1]!], { perm: swapLast(b.standIn.length) }) : x[1]!;
    return w.add('MatMul', [ta, tb]);
  },
  reshape: (w, e, x) => w.add('Reshape', [x[0]!, w.dims(e.attrs.shape)], { allowzero: 1 }),
  permute: (w, e, x) => w.add('Transpose', x, { perm: e.attrs.perm }),
  broadcastTo: (w, e, x) => w.add('Expand', [x[0]!, w.dims(e.attrs.shape)]),
  slice: (w, e, x) => {
    const { begin, size } = e.attrs;
    const axes = begin.map((_, i) => i);
    return w.add('Slice', [x[0]!, w.dims(begin), w.dims(begin.map((b, i) => b + size[i]!)), w.int64(axes)]);
  },
  pad: (w, e, x) => {
    const p = e.attrs.paddings;
    return w.add('Pad', [x[0]!, w.int64([...p.map((q) => q[0]), ...p.map((q) => q[1])]), w.scalar(e.attrs.value, e.inputs[0]!.dtype)], { mode: 'constant' });
  },
  concat: (w, e, x) => w.add('Concat', x, { axis: e.attrs.axis }),
  gather: (w, e, x) => w.add('Gather', x, { axis: e.attrs.axis }),
};

/** A reduction over axes: ReduceSum/Max/Min with the axes as an input (opset 18); no axes is the identity. */
function reduce(w: GraphWriter, opType: string, attrs: PrimAttrs['sum'], x: string): string {
  if (attrs.axes.length === 0) return w.add('Identity', [x]);
  return w.add(opType, [x, w.int64(attrs.axes)], { keepdims: attrs.keepDims ? 1 : 0 });
}

/** Writes one equation; errors for a primitive ONNX inference has no place for (training updates, gradients of gathers). */
export function emitEquation(w: GraphWriter, e: Equation): string {
  const emit = (emitters as Record<string, Emit<AnyPrim> | undefined>)[e.prim];
  if (!emit) {
    const why =
      e.prim === 'extractPatches' || e.prim === 'addPatches'
        ? ' outside conv2d/maxPool2d/avgPool2d (or in their gradients)'
        : e.prim === 'adamUpdate' || e.prim === 'scatterAdd' || e.prim === 'extremumGrad'
          ? ' (a training step: export the model or the inference function)'
          : '';
    throw new OnnxExportError(`onnx: the primitive '${e.prim}' has no ONNX translation${why}`);
  }
  return emit(
    w,
    e as Equation<AnyPrim>,
    e.inputs.map((v) => w.name(v)),
  );
}
