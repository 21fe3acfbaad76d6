// The rules of toSequential: how each ONNX node on the chain from the input
// to the output becomes (part of) a nabla layer. A value on the chain has a
// layout that says how ONNX's tensor relates to nabla's: images are NCHW in
// ONNX and NHWC in nabla; a flattened image is (C, H, W) in ONNX and
// (H, W, C) in nabla, so the Dense that reads it gets its kernel's rows
// permuted; sequences are [batch, time, features] in nabla and either that
// or [time, batch, features] (PyTorch's batch_first=False) in ONNX.
import * as nb from '../index.js';
import type { Tensor } from '../tensor/tensor.js';
import { OnnxImportError, type OnnxNode } from './import-graph.js';
import { rnnAttributes } from './import-rnn.js';

/** How a value on the chain is laid out in ONNX and in nabla. */
export type Layout =
  | { kind: 'flat'; f: number }
  | { kind: 'image'; c: number; h: number; w: number }
  | { kind: 'pooled'; c: number }
  | { kind: 'flatImage'; c: number; h: number; w: number }
  | { kind: 'seq'; t: number; f: number; timeMajor: boolean; from?: LayerSpec }
  | { kind: 'rnnY'; t: number; f: number; layout: 0 | 1; from: LayerSpec }
  | { kind: 'rnnH'; f: number; from: LayerSpec };

/** A nabla layer to build, with the weights it takes (in the layer's order). */
export type LayerSpec =
  | { kind: 'dense'; kernel: Tensor; bias: Tensor | null; activation: nb.nn.ActivationSpelling }
  | {
      kind: 'conv';
      kernel: Tensor;
      bias: Tensor | null;
      strides: [number, number];
      dilation: [number, number];
      padding: 'same' | 'valid';
      activation: nb.nn.ActivationSpelling;
    }
  | { kind: 'pool'; type: 'max' | 'avg'; size: [number, number]; strides: [number, number]; padding: 'same' | 'valid' }
  | { kind: 'global'; type: 'max' | 'avg' }
  | { kind: 'flatten' }
  | { kind: 'batchNorm'; weights: Tensor[]; epsilon: number }
  | { kind: 'activation'; activation: nb.nn.ActivationSpelling }
  | {
      kind: 'rnn';
      cell: 'LSTM' | 'GRU' | 'SimpleRNN';
      units: number;
      weights: Tensor[];
      activation: nb.nn.ActivationSpelling;
      recurrentActivation: nb.nn.ActivationSpelling;
      resetAfter: boolean;
      returnSequences: boolean;
    };

/** The ONNX operators toSequential converts (on the chain), and those it evaluates beside it (shapes, initial states). */
export const SEQUENTIAL_OPS = [
  'Gemm',
  'MatMul',
  'Add',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'Elu',
  'Softplus',
  'Conv',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'Pad',
  'Flatten',
  'Reshape',
  'Squeeze',
  'Transpose',
  'Gather',
  'BatchNormalization',
  'Dropout',
  'Identity',
  'LSTM',
  'GRU',
  'RNN',
] as const;
/** The nabla layers toSequential builds (docs/INTEROP.md's table is checked against this list). */
export const SEQUENTIAL_LAYERS = [
  'Dense',
  'Conv2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Flatten',
  'BatchNormalization',
  'Activation',
  'SimpleRNN',
  'LSTM',
  'GRU',
] as const;
/** Nodes off the chain that compute shapes, indices or initial states; their values are checked where the chain uses them. */
export const SIDE_OPS = new Set(['Shape', 'Constant', 'ConstantOfShape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Cast', 'Slice']);

const ACTIVATIONS: Record<string, nb.nn.ActivationSpelling> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softmax: 'softmax',
  Elu: 'elu',
  Softplus: 'softplus',
};
const RNN_ACT: Record<string, nb.nn.ActivationSpelling> = { Sigmoid: 'sigmoid', Tanh: 'tanh', Relu: 'relu' };

/** What a rule sees: the node, its chain input's layout, the layers so far, constants and the probe's values. */
export interface ChainContext {
  specs: LayerSpec[];
  /** An initializer or Constant's value by name, else undefined. */
  constant(name: string | undefined): Tensor | undefined;
  /** The value computed for `name` on the probe input (batch `probeBatch`). */
  probe(name: string): Tensor | undefined;
  probeBatch: number;
}

const fail = (n: OnnxNode, why: string) =>
  new OnnxImportError(`onnx.toSequential: node '${n.name}' (${n.opType}) ${why}; import the graph as a function with importModel`);
const pair = (n: OnnxNode, name: string, dflt: number): [number, number] => {
  const v = n.attrs.get(name) ?? [dflt, dflt];
  if (!Array.isArray(v) || v.length !== 2 || !v.every((q) => typeof q === 'number' && Number.isSafeInteger(q) && q >= 1))
    throw fail(n, `has ${name} ${JSON.stringify(v)}; nabla reads two positive integers`);
  return [v[0] as number, v[1] as number];
};
const describeLayout = (l: Layout) =>
  l.kind === 'flat'
    ? `[batch, ${l.f}]`
    : l.kind === 'image' || l.kind === 'flatImage'
      ? `an image [batch, ${l.c}, ${l.h}, ${l.w}]${l.kind === 'flatImage' ? ' flattened' : ''}`
      : l.kind === 'pooled'
        ? `[batch, ${l.c}, 1, 1]`
        : l.kind === 'seq'
          ? `a sequence [${l.timeMajor ? 'time, batch' : 'batch, time'}, ${l.f}]`
          : "a recurrent node's raw output";

/**
 * The padding ('valid' or TensorFlow's 'same') that ONNX's explicit pads
 * [top, left, bottom, right] are, for a window on an H×W input, and the
 * output size; null when they are neither.
 */
export function paddingOf(
  pads: number[],
  hw: [number, number],
  size: [number, number],
  strides: [number, number],
  dilation: [number, number],
): { padding: 'same' | 'valid'; out: [number, number] } | null {
  const p = pads.length ? pads : [0, 0, 0, 0];
  if (p.length !== 4) return null;
  const span = [0, 1].map((i) => (size[i]! - 1) * dilation[i]! + 1);
  if (p.every((q) => q === 0)) {
    const out = [0, 1].map((i) => Math.floor((hw[i]! - span[i]!) / strides[i]!) + 1) as [number, number];
    return out[0] >= 1 && out[1] >= 1 ? { padding: 'valid', out } : null;
  }
  const out = [0, 1].map((i) => Math.ceil(hw[i]! / strides[i]!)) as [number, number];
  const same = [0, 1].flatMap((i) => {
    const total = Math.max((out[i]! - 1) * strides[i]! + span[i]! - hw[i]!, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  }); // [top, bottom, left, right]
  return p[0] === same[0] && p[2] === same[1] && p[1] === same[2] && p[3] === same[3] ? { padding: 'same', out } : null;
}

/** A flattened image whose order does not matter (one channel, or one pixel) is flat. */
function flattened(c: number, h: number, w: number): Layout {
  return c === 1 || h * w === 1 ? { kind: 'flat', f: c * h * w } : { kind: 'flatImage', c, h, w };
}

/** The layouts of the node's outputs (undefined for outputs the chain cannot continue from), and the layers it adds to ctx.specs. */
export function chainStep(n: OnnxNode, lay: Layout, ctx: ChainContext): (Layout | undefined)[] {
  const op = n.opType;
  const last = ctx.specs.at(-1);
  const wrong = () => fail(n, `reads ${describeLayout(lay)}, which nabla has no layer for here`);
  switch (op) {
    case 'Identity':
    case 'Dropout':
      return [lay];
    case 'Gemm':
    case 'MatMul': {
      if (lay.kind !== 'flat' && lay.kind !== 'flatImage') throw wrong();
      const w = ctx.constant(n.inputs[1]);
      if (w?.rank !== 2) throw fail(n, 'has no constant 2-D weight');
      if (op === 'Gemm' && (n.attrs.get('transA') ?? 0) !== 0) throw fail(n, 'transposes its input');
      if ((n.attrs.get('alpha') ?? 1) !== 1 || (n.attrs.get('beta') ?? 1) !== 1) throw fail(n, 'scales by alpha or beta');
      let kernel = op === 'Gemm' && n.attrs.get('transB') === 1 ? nb.transpose(w) : w;
      const f = lay.kind === 'flat' ? lay.f : lay.c * lay.h * lay.w;
      if (kernel.shape[0] !== f) throw fail(n, `has a weight of shape [${w.shape.join(',')}] for ${f} input features`);
      const units = kernel.shape[1]!;
      if (lay.kind === 'flatImage') {
        // rows in PyTorch's (C, H, W) order → nabla's (H, W, C)
        kernel = nb.reshape(nb.permute(nb.reshape(kernel, [lay.c, lay.h, lay.w, units]), [1, 2, 0, 3]), [f, units]);
      }
      const c = op === 'Gemm' ? ctx.constant(n.inputs[2]) : undefined;
      if (op === 'Gemm' && n.inputs[2] && (c?.rank !== 1 || c.shape[0] !== units)) throw fail(n, `adds a bias that is not a constant vector of ${units}`);
      ctx.specs.push({ kind: 'dense', kernel, bias: c ?? null, activation: 'linear' });
      return [{ kind: 'flat', f: units }];
    }
    case 'Add': {
      const b = ctx.constant(n.inputs[1]);
      if (last?.kind !== 'dense' || last.bias || last.activation !== 'linear' || b?.rank !== 1 || lay.kind !== 'flat' || b.shape[0] !== lay.f)
        throw fail(n, 'is not the bias of a matrix product');
      last.bias = b;
      return [lay];
    }
    case 'Relu':
    case 'Sigmoid':
    case 'Tanh':
    case 'Softmax':
    case 'Elu':
    case 'Softplus': {
      if (lay.kind === 'rnnY' || lay.kind === 'rnnH') throw wrong();
      if (op === 'Elu' && (n.attrs.get('alpha') ?? 1) !== 1) throw fail(n, 'has an alpha other than 1');
      if (op === 'Softmax') {
        const axis = n.attrs.get('axis');
        if (lay.kind !== 'flat' || (axis !== undefined && axis !== -1 && axis !== 1))
          throw fail(n, `is over axis ${axis ?? 'default'} of ${describeLayout(lay)}`);
      }
      const activation = ACTIVATIONS[op]!;
      if ((last?.kind === 'dense' || last?.kind === 'conv') && last.activation === 'linear') last.activation = activation;
      else ctx.specs.push({ kind: 'activation', activation });
      return [lay];
    }
    case 'Conv': {
      if (lay.kind !== 'image') throw wrong();
      const k = ctx.constant(n.inputs[1]);
      if (k?.rank !== 4 || k.shape[1] !== lay.c) throw fail(n, `has no constant kernel [out, ${lay.c}, kh, kw]`);
      if ((n.attrs.get('group') ?? 1) !== 1) throw fail(n, `has group ${n.attrs.get('group')}; nabla's conv2d has no groups`);
      const size: [number, number] = [k.shape[2]!, k.shape[3]!];
      const strides = pair(n, 'strides', 1),
        dilation = pair(n, 'dilations', 1);
      const pad = paddingOf(autoPads(n, lay, size, strides, dilation), [lay.h, lay.w], size, strides, dilation);
      if (!pad) throw fail(n, `has pads ${JSON.stringify(n.attrs.get('pads'))}, which are neither 'valid' nor 'same' on a ${lay.h}×${lay.w} input`);
      const b = ctx.constant(n.inputs[2]);
      if (n.inputs[2] && (b?.rank !== 1 || b.shape[0] !== k.shape[0])) throw fail(n, 'adds a bias that is not a constant vector');
      ctx.specs.push({ kind: 'conv', kernel: nb.permute(k, [2, 3, 1, 0]), bias: b ?? null, strides, dilation, padding: pad.padding, activation: 'linear' });
      return [{ kind: 'image', c: k.shape[0]!, h: pad.out[0], w: pad.out[1] }];
    }
    case 'MaxPool':
    case 'AveragePool': {
      if (lay.kind !== 'image') throw wrong();
      if ((n.attrs.get('ceil_mode') ?? 0) !== 0) throw fail(n, 'uses ceil_mode, which nabla does not have');
      const size = pair(n, 'kernel_shape', 1),
        strides = pair(n, 'strides', 1);
      if (pair(n, 'dilations', 1).some((d) => d !== 1)) throw fail(n, "has dilations, which nabla's pooling does not have");
      const pad = paddingOf(autoPads(n, lay, size, strides, [1, 1]), [lay.h, lay.w], size, strides, [1, 1]);
      if (!pad) throw fail(n, `has pads ${JSON.stringify(n.attrs.get('pads'))}, which are neither 'valid' nor 'same' on a ${lay.h}×${lay.w} input`);
      if (op === 'AveragePool' && pad.padding === 'same' && n.attrs.get('count_include_pad') === 1)
        throw fail(n, "averages padding zeros (count_include_pad), which nabla's 'same' pooling does not");
      ctx.specs.push({ kind: 'pool', type: op === 'MaxPool' ? 'max' : 'avg', size, strides, padding: pad.padding });
      return [{ ...lay, h: pad.out[0], w: pad.out[1] }];
    }
    case 'Pad': {
      const p = ctx.probe(n.inputs[1] ?? '');
      if (!p || Array.from(p.storage as ArrayLike<number>).some((q) => q !== 0)) throw fail(n, "pads its input; nabla's layers pad only as 'same'");
      return [lay];
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      if (lay.kind !== 'image') throw wrong();
      ctx.specs.push({ kind: 'global', type: op === 'GlobalMaxPool' ? 'max' : 'avg' });
      return [{ kind: 'pooled', c: lay.c }];
    case 'Flatten':
    case 'Reshape': {
      if (op === 'Flatten' && (n.attrs.get('axis') ?? 1) !== 1)
        throw fail(n, `has axis ${n.attrs.get('axis')}; only a flattening of everything but the batch is a layer`);
      if (op === 'Reshape') {
        const out = ctx.probe(n.outputs[0] ?? '');
        if (out?.rank !== 2 || out.shape[0] !== ctx.probeBatch) throw fail(n, 'is not a flattening to [batch, features]');
      }
      return flatten(n, lay, ctx);
    }
    case 'Squeeze':
    case 'Gather':
      return select(n, lay, ctx);
    case 'Transpose': {
      const perm = n.attrs.get('perm');
      if (lay.kind !== 'seq' || JSON.stringify(perm) !== '[1,0,2]') throw fail(n, `permutes ${describeLayout(lay)} by ${JSON.stringify(perm)}`);
      return [{ ...lay, timeMajor: !lay.timeMajor }];
    }
    case 'BatchNormalization': {
      if (lay.kind !== 'flat' && lay.kind !== 'image') throw wrong();
      if ((n.attrs.get('training_mode') ?? 0) !== 0) throw fail(n, 'is in training mode; export the model for inference (model.eval())');
      const ws = [1, 2, 3, 4].map((i) => ctx.constant(n.inputs[i]));
      const c = lay.kind === 'flat' ? lay.f : lay.c;
      if (!ws.every((w) => w?.rank === 1 && w.shape[0] === c)) throw fail(n, `has no constant scale, bias, mean and variance of ${c}`);
      ctx.specs.push({ kind: 'batchNorm', weights: ws as Tensor[], epsilon: Number(n.attrs.get('epsilon') ?? 1e-5) });
      return [lay];
    }
    case 'LSTM':
    case 'GRU':
    case 'RNN':
      return recurrentLayer(n, lay, ctx);
    default:
      throw fail(n, 'has no layer in a nabla Sequential');
  }
}

function autoPads(n: OnnxNode, lay: { h: number; w: number }, size: [number, number], strides: [number, number], dilation: [number, number]): number[] {
  const auto = n.attrs.get('auto_pad') ?? 'NOTSET';
  if (auto === 'VALID') return [0, 0, 0, 0];
  if (auto === 'SAME_UPPER') {
    const out = [Math.ceil(lay.h / strides[0]), Math.ceil(lay.w / strides[1])];
    const t = [0, 1].map((i) => Math.max((out[i]! - 1) * strides[i]! + (size[i]! - 1) * dilation[i]! + 1 - [lay.h, lay.w][i]!, 0));
    return [Math.floor(t[0]! / 2), Math.floor(t[1]! / 2), t[0]! - Math.floor(t[0]! / 2), t[1]! - Math.floor(t[1]! / 2)];
  }
  if (auto !== 'NOTSET') throw fail(n, `has auto_pad ${String(auto)}`);
  const pads = n.attrs.get('pads') ?? [];
  if (!Array.isArray(pads)) throw fail(n, 'has pads that are not integers');
  return pads as number[];
}

function flatten(n: OnnxNode, lay: Layout, ctx: ChainContext): Layout[] {
  switch (lay.kind) {
    case 'flat':
      return [lay];
    case 'pooled':
      return [{ kind: 'flat', f: lay.c }];
    case 'image':
      ctx.specs.push({ kind: 'flatten' });
      return [flattened(lay.c, lay.h, lay.w)];
    case 'seq':
      if (lay.timeMajor) throw fail(n, 'flattens a time-major sequence');
      ctx.specs.push({ kind: 'flatten' });
      return [{ kind: 'flat', f: lay.t * lay.f }];
    default:
      throw fail(n, `flattens ${describeLayout(lay)}`);
  }
}

/** The one index a Squeeze or Gather node takes (its axes, or its scalar index), from attributes or the probe. */
function selection(n: OnnxNode, ctx: ChainContext): { axis: number; index?: number } | null {
  if (n.opType === 'Squeeze') {
    const axes = n.inputs[1] ? ctx.probe(n.inputs[1]) : undefined;
    const list = axes ? Array.from(axes.storage as ArrayLike<number>) : (n.attrs.get('axes') as number[] | undefined);
    return list?.length === 1 ? { axis: list[0]! } : null;
  }
  const idx = ctx.probe(n.inputs[1] ?? '');
  return idx?.rank === 0 ? { axis: Number(n.attrs.get('axis') ?? 0), index: idx.item() } : null;
}

/** Squeeze and Gather: the step out of a recurrent node (its last step, or its last state), or the squeeze of a global pooling. */
function select(n: OnnxNode, lay: Layout, ctx: ChainContext): Layout[] {
  const s = selection(n, ctx);
  if (!s) throw fail(n, `selects from ${describeLayout(lay)} in a way nabla has no layer for`);
  const isLast = (i: number | undefined, size: number) => i === -1 || i === size - 1;
  if (lay.kind === 'rnnY' && n.opType === 'Squeeze' && s.axis === (lay.layout === 0 ? 1 : 2))
    return [{ kind: 'seq', t: lay.t, f: lay.f, timeMajor: lay.layout === 0, from: lay.from }];
  if (lay.kind === 'rnnH' && ((n.opType === 'Squeeze' && s.axis === 0) || (n.opType === 'Gather' && s.axis === 0 && isLast(s.index, 1)))) {
    if (lay.from !== ctx.specs.at(-1)) throw fail(n, 'reads the state of a recurrent layer that is not the last layer');
    if (lay.from.kind === 'rnn') lay.from.returnSequences = false;
    return [{ kind: 'flat', f: lay.f }];
  }
  if (lay.kind === 'seq' && n.opType === 'Gather' && s.axis === (lay.timeMajor ? 0 : 1) && isLast(s.index, lay.t)) {
    if (lay.from?.kind !== 'rnn' || lay.from !== ctx.specs.at(-1) || !lay.from.returnSequences)
      throw fail(n, "takes a sequence's last step, which only a recurrent layer's output (returnSequences false) is in nabla");
    lay.from.returnSequences = false;
    return [{ kind: 'flat', f: lay.f }];
  }
  if (lay.kind === 'pooled' && n.opType === 'Squeeze' && (s.axis === 2 || s.axis === 3)) return [lay]; // [N, C, 1] still pooled
  throw fail(n, `selects axis ${s.axis}${s.index !== undefined ? ` index ${s.index}` : ''} of ${describeLayout(lay)}, which nabla has no layer for`);
}

/** Column blocks (of width u) of a [rows, g·u] matrix in a new order. */
const blocks = (t: Tensor, u: number, order: number[]) =>
  nb.concat(
    order.map((i) => nb.slice(t, [0, i * u], [-1, u])),
    1,
  );
const vectorBlocks = (t: Tensor, u: number, order: number[]) => nb.reshape(blocks(nb.reshape(t, [1, t.size]), u, order), [t.size]);

function recurrentLayer(n: OnnxNode, lay: Layout, ctx: ChainContext): (Layout | undefined)[] {
  const { dirs, reverse, layout, hidden, acts, linearBeforeReset } = rnnAttributes(n);
  if (dirs !== 1 || reverse) throw fail(n, `runs ${reverse ? 'in reverse' : 'in both directions'}; nabla's recurrent layers run forward`);
  if (lay.kind !== 'seq' || lay.timeMajor !== (layout === 0)) throw wrongLayout(n, lay);
  if (n.inputs[4]) throw fail(n, 'has sequence_lens');
  if (n.opType === 'LSTM' && n.inputs[7]) throw fail(n, 'has peephole weights');
  for (const i of [5, 6]) {
    const s = n.inputs[i] ? ctx.probe(n.inputs[i]!) : undefined;
    if (s && Array.from(s.storage as ArrayLike<number>).some((v) => v !== 0)) throw fail(n, `starts from a non-zero state (input ${i + 1})`);
  }
  const gates = n.opType === 'LSTM' ? 4 : n.opType === 'GRU' ? 3 : 1;
  const [W, R, B] = [1, 2, 3].map((i) => ctx.constant(n.inputs[i]));
  const g = gates * hidden;
  if (W?.shape.join() !== `1,${g},${lay.f}` || R?.shape.join() !== `1,${g},${hidden}` || (n.inputs[3] && B?.shape.join() !== `1,${2 * g}`))
    throw fail(n, `has no constant weights W [1,${g},${lay.f}], R [1,${g},${hidden}] and B [1,${2 * g}]`);
  // Keras's gate order: i, f, c, o (ONNX's LSTM: i, o, f, c); z, r, h for both GRUs
  const order = n.opType === 'LSTM' ? [0, 2, 3, 1] : [...Array(gates).keys()];
  const kernel = blocks(nb.transpose(nb.reshape(W, [g, lay.f])), hidden, order);
  const recurrentKernel = blocks(nb.transpose(nb.reshape(R, [g, hidden])), hidden, order);
  const weights = [kernel, recurrentKernel];
  if (B) {
    const wb = nb.slice(nb.reshape(B, [2 * g]), [0], [g]),
      rb = nb.slice(nb.reshape(B, [2 * g]), [g], [g]);
    weights.push(
      n.opType === 'GRU' && linearBeforeReset
        ? nb.stack([vectorBlocks(wb, hidden, order), vectorBlocks(rb, hidden, order)])
        : vectorBlocks(nb.add(wb, rb), hidden, order),
    );
  }
  const f = RNN_ACT[acts[0]!]!,
    act = RNN_ACT[acts[1] ?? acts[0]!]!;
  if (n.opType === 'LSTM' && acts[2] !== acts[1]) throw fail(n, 'has different cell and output activations, which nabla does not have');
  const spec: LayerSpec = {
    kind: 'rnn',
    cell: n.opType === 'RNN' ? 'SimpleRNN' : (n.opType as 'LSTM' | 'GRU'),
    units: hidden,
    weights,
    activation: n.opType === 'RNN' ? f : act,
    recurrentActivation: f,
    resetAfter: linearBeforeReset,
    returnSequences: true,
  };
  ctx.specs.push(spec);
  return [
    { kind: 'rnnY', t: lay.t, f: hidden, layout, from: spec },
    { kind: 'rnnH', f: hidden, from: spec },
  ];
}

const wrongLayout = (n: OnnxNode, lay: Layout) => fail(n, `reads ${describeLayout(lay)}, which nabla has no layer for here`);
