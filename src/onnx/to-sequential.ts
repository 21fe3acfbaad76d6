// An ONNX graph that is a chain of layers (what torch.onnx writes for an
// nn.Sequential of Linear, Conv2d, pooling, batch-norm, LSTM/GRU/RNN layers
// and activations) as a nabla Sequential, so that `nabla import model.onnx`
// can write a model file. The node rules are in sequential-chain.ts; this
// walks the graph, builds the layers and checks that the Sequential computes
// what the graph computes on a probe input before returning it.
import * as nb from '../index.js';
import type { Tensor } from '../tensor/tensor.js';
import { OnnxImportError } from './import-graph.js';
import type { OnnxModel } from './import.js';
import { chainStep, SIDE_OPS, type ChainContext, type Layout, type LayerSpec } from './sequential-chain.js';

const PROBE_BATCH = 2;

/** The layout of the graph's input, the axis of its batch, and its shape in nabla (without the batch). */
function inputLayout(shape: readonly (number | string | null)[], name: string): { layout: Layout; batchAxis: number; nablaShape: number[] } {
  const symbolic = shape.map((d, i) => (typeof d === 'number' ? -1 : i)).filter((i) => i >= 0);
  const batchAxis = symbolic.length === 1 ? symbolic[0]! : 0;
  const fixed = shape.filter((_, i) => i !== batchAxis);
  const refuse = (why: string) =>
    new OnnxImportError(
      `onnx.toSequential: the input '${name}' has shape [${shape.map((d) => d ?? '?').join(',')}]; ${why}: import the graph as a function with importModel`,
    );
  if (symbolic.length > 1 || !fixed.every((d) => typeof d === 'number')) throw refuse('a Sequential needs every dimension but the batch fixed');
  const d = fixed as number[];
  if (shape.length === 2 && batchAxis === 0) return { layout: { kind: 'flat', f: d[0]! }, batchAxis, nablaShape: d };
  if (shape.length === 4 && batchAxis === 0) return { layout: { kind: 'image', c: d[0]!, h: d[1]!, w: d[2]! }, batchAxis, nablaShape: [d[1]!, d[2]!, d[0]!] };
  if (shape.length === 3 && batchAxis <= 1)
    return { layout: { kind: 'seq', t: d[0]!, f: d[1]!, timeMajor: batchAxis === 1 }, batchAxis, nablaShape: [d[0]!, d[1]!] };
  throw refuse('a Sequential reads [batch, features], images [batch, C, H, W] or sequences [batch, time, features] (or [time, batch, features])');
}

function layerOf(s: LayerSpec, first: { inputShape?: number[] }): nb.nn.Layer {
  switch (s.kind) {
    case 'dense':
      return nb.layers.dense({ ...first, units: s.kernel.shape[1]!, activation: s.activation, useBias: s.bias !== null });
    case 'conv':
      return nb.layers.conv2d({
        ...first,
        filters: s.kernel.shape[3]!,
        kernelSize: [s.kernel.shape[0]!, s.kernel.shape[1]!],
        strides: s.strides,
        padding: s.padding,
        dilationRate: s.dilation,
        activation: s.activation,
        useBias: s.bias !== null,
      });
    case 'pool':
      return (s.type === 'max' ? nb.layers.maxPooling2d : nb.layers.averagePooling2d)({ ...first, poolSize: s.size, strides: s.strides, padding: s.padding });
    case 'global':
      return s.type === 'max' ? nb.layers.globalMaxPooling2d(first) : nb.layers.globalAveragePooling2d(first);
    case 'flatten':
      return nb.layers.flatten(first);
    case 'batchNorm':
      return nb.layers.batchNormalization({ ...first, epsilon: s.epsilon });
    case 'activation':
      return nb.layers.activation({ ...first, activation: s.activation });
    case 'rnn': {
      const common = { ...first, units: s.units, activation: s.activation, returnSequences: s.returnSequences, useBias: s.weights.length === 3 };
      if (s.cell === 'SimpleRNN') return nb.layers.simpleRNN(common);
      if (s.cell === 'LSTM') return nb.layers.lstm({ ...common, recurrentActivation: s.recurrentActivation });
      return nb.layers.gru({ ...common, recurrentActivation: s.recurrentActivation, resetAfter: s.resetAfter });
    }
  }
}

const weightsOf = (s: LayerSpec): Tensor[] =>
  s.kind === 'dense' || s.kind === 'conv' ? (s.bias ? [s.kernel, s.bias] : [s.kernel]) : s.kind === 'batchNorm' || s.kind === 'rnn' ? s.weights : [];

/**
 * The Sequential that computes `model`, for graphs that are a chain of
 * layers: Gemm (or MatMul and an Add of a constant) → Dense (kernel = Wᵀ),
 * Conv → Conv2D (kernel OIHW → HWIO; pads that are 'valid' or TensorFlow's
 * 'same'), MaxPool/AveragePool → pooling layers, GlobalAveragePool/
 * GlobalMaxPool → global pooling, Flatten (or a Reshape to [batch, features])
 * → Flatten, with the next Dense's rows permuted from PyTorch's (C, H, W)
 * order to nabla's (H, W, C), BatchNormalization (inference) →
 * BatchNormalization, LSTM/GRU/RNN (forward, zero initial state) → LSTM
 * (gates i, o, f, c → i, f, c, o; bias = Wb + Rb), GRU (gates z, r, h;
 * linear_before_reset = 1 → resetAfter with bias [Wb; Rb]) or SimpleRNN,
 * followed by the last step (y[:, -1]) or the last state (h_n) →
 * returnSequences false; activations fold into the layer before them,
 * Dropout and Identity vanish. Shape computations beside the chain are
 * evaluated.
 *
 * The Sequential reads nabla's layouts: images [batch, H, W, C] (transpose
 * NCHW inputs with `nb.permute(x, [0, 2, 3, 1])`), sequences [batch, time,
 * features] (transpose a time-major input with `nb.permute(x, [1, 0, 2])`).
 * Before it is returned it is run beside the graph on a probe input and must
 * agree. Anything else is an OnnxImportError naming the node (import such a
 * graph as a function with importModel).
 */
export function toSequential(model: OnnxModel, opts: { name?: string } = {}): nb.Sequential {
  const g = model.graph;
  if (g.inputs.length !== 1 || g.outputs.length !== 1)
    throw new OnnxImportError(`onnx.toSequential: the graph has ${g.inputs.length} inputs and ${g.outputs.length} outputs; a Sequential has one of each`);
  const input = g.inputs[0]!;
  const { layout, batchAxis, nablaShape } = inputLayout(input.shape, input.name);
  // the probe: the graph run on a fixed input (no random draws), for shape computations and the final check
  const probeShape = input.shape.map((d, i) => (i === batchAxis ? PROBE_BATCH : (d as number)));
  const probeSize = probeShape.reduce((a, b) => a * b, 1);
  const probeX = nb.tensor(
    Float32Array.from({ length: probeSize }, (_, i) => Math.sin(1 + 0.7 * i)),
    probeShape,
  );
  let env: Map<string, Tensor>;
  try {
    env = model.evaluate({ [input.name]: probeX });
  } catch (e) {
    throw new OnnxImportError(
      `onnx.toSequential: the graph does not run on an input of its own shape (${(e as Error).message}); import the graph as a function with importModel`,
    );
  }
  const specs: LayerSpec[] = [];
  const ctx: ChainContext = {
    specs,
    constant: (name) => (name === undefined || name === '' ? undefined : (g.initializers.get(name) ?? constantNode(model, name, env))),
    probe: (name) => env.get(name),
    probeBatch: PROBE_BATCH,
  };
  let alive = new Map<string, Layout>([[input.name, layout]]);
  for (const n of g.nodes) {
    const reads = n.inputs.filter((i) => alive.has(i));
    if (reads.length === 0 || n.opType === 'Shape') {
      if (!SIDE_OPS.has(n.opType))
        throw new OnnxImportError(
          `onnx.toSequential: node '${n.name}' (${n.opType}) does not read the chain's value (${[...alive.keys()].join(', ')}); a Sequential is one chain of layers: import the graph as a function with importModel`,
        );
      continue;
    }
    if (reads.length > 1 || !alive.has(n.inputs[0]!))
      throw new OnnxImportError(
        `onnx.toSequential: node '${n.name}' (${n.opType}) reads the chain's value other than as its first input; import the graph as a function with importModel`,
      );
    const outs = chainStep(n, alive.get(n.inputs[0]!)!, ctx);
    alive = new Map();
    n.outputs.forEach((o, i) => {
      const l = outs[i];
      if (o && l) alive.set(o, l);
    });
  }
  const out = g.outputs[0]!.name;
  const end = alive.get(out);
  if (!end)
    throw new OnnxImportError(`onnx.toSequential: the chain of layers does not end at the output '${out}'; import the graph as a function with importModel`);
  if (end.kind !== 'flat' && !(end.kind === 'seq' && !end.timeMajor))
    throw new OnnxImportError(
      `onnx.toSequential: the output '${out}' is laid out as ${end.kind === 'image' ? 'an NCHW image' : 'a value'} nabla's layers do not give; import the graph as a function with importModel`,
    );
  if (!specs.length) throw new OnnxImportError('onnx.toSequential: the graph has no layer');
  const layers = specs.map((s, i) => layerOf(s, i === 0 ? { inputShape: nablaShape } : {}));
  const seq = nb.sequential([...layers], { name: opts.name });
  specs.forEach((s, i) => {
    const w = weightsOf(s);
    if (w.length) layers[i]!.setWeights(w);
  });
  check(seq, probeX, layout, env.get(out)!);
  return seq;
}

/** A Constant node's value (by its output name), as the probe computed it. */
function constantNode(model: OnnxModel, name: string, env: Map<string, Tensor>): Tensor | undefined {
  return model.graph.nodes.some((n) => n.opType === 'Constant' && n.outputs[0] === name) ? env.get(name) : undefined;
}

/** The Sequential must predict what the graph computed on the probe input (in nabla's layout). */
function check(seq: nb.Sequential, x: Tensor, layout: Layout, want: Tensor): void {
  const input = layout.kind === 'image' ? nb.permute(x, [0, 2, 3, 1]) : layout.kind === 'seq' && layout.timeMajor ? nb.permute(x, [1, 0, 2]) : x;
  const got = seq.predict(input);
  const scale = Math.max(1, ...Array.from(want.storage as ArrayLike<number>, Math.abs));
  let worst = got.shape.join() === want.shape.join() ? 0 : Infinity;
  for (let i = 0; i < want.size && worst !== Infinity; i++) {
    const a = got.storage[i]!,
      b = want.storage[i]!;
    worst = Number.isNaN(a) && Number.isNaN(b) ? worst : Math.max(worst, Number.isNaN(a - b) ? Infinity : Math.abs(a - b));
  }
  if (!(worst <= 1e-4 * scale))
    throw new OnnxImportError(
      `onnx.toSequential: the Sequential built from the graph does not compute what the graph computes (largest difference ${worst}, shapes [${got.shape.join(',')}] and [${want.shape.join(',')}]); import the graph as a function with importModel`,
    );
}
