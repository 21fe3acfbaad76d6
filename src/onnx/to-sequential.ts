// An ONNX graph that is a chain of dense layers (what torch.onnx writes for
// an nn.Sequential of Linear layers and activations) as a nabla Sequential,
// so that `nabla import model.onnx` can write a model file. Graphs of other
// shapes stay functions (importModel); this refuses them by node.
import * as nb from '../index.js';
import type { Tensor } from '../tensor/tensor.js';
import { OnnxImportError, type OnnxNode } from './import-graph.js';
import type { OnnxModel } from './import.js';

const ACTIVATIONS: Record<string, nb.nn.ActivationSpelling> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softmax: 'softmax',
  Elu: 'elu',
  Softplus: 'softplus',
};
const PASS = new Set(['Identity', 'Dropout']);

interface DenseSpec {
  kernel: Tensor;
  bias: Tensor | null;
  activation: nb.nn.ActivationSpelling;
}

/**
 * The Sequential of Dense layers that computes `model`: Gemm (or MatMul and
 * an Add of a constant) become Dense layers (kernel = Wᵀ when transB), the
 * activations that follow fold into them, Identity, Dropout and a Flatten of
 * rank-2 values pass through. Anything else is an OnnxImportError naming the
 * node (import such a graph as a function with importModel).
 */
export function toSequential(model: OnnxModel, opts: { name?: string } = {}): nb.Sequential {
  const g = model.graph;
  const fail = (n: OnnxNode, why: string) =>
    new OnnxImportError(`onnx.toSequential: node '${n.name}' (${n.opType}) ${why}; import the graph as a function with importModel`);
  if (g.inputs.length !== 1 || g.outputs.length !== 1)
    throw new OnnxImportError(`onnx.toSequential: the graph has ${g.inputs.length} inputs and ${g.outputs.length} outputs; a Sequential has one of each`);
  const input = g.inputs[0]!;
  if (input.shape.length !== 2 || typeof input.shape[1] !== 'number')
    throw new OnnxImportError(
      `onnx.toSequential: the input '${input.name}' has shape [${input.shape.join(',')}]; only [batch, features] inputs chain into Dense layers: import the graph as a function with importModel`,
    );
  const constant = (name: string | undefined) => (name === undefined ? undefined : g.initializers.get(name));
  const layers: DenseSpec[] = [];
  let current = input.name;
  for (const n of g.nodes) {
    const x = n.inputs[0];
    if (x !== current) throw fail(n, `reads '${x}', not the chain's value '${current}'`);
    if (n.opType === 'Gemm' || n.opType === 'MatMul') {
      const w = constant(n.inputs[1]);
      if (w?.rank !== 2) throw fail(n, 'has no constant 2-D weight');
      if (n.opType === 'Gemm' && (n.attrs.get('transA') ?? 0) !== 0) throw fail(n, 'transposes its input');
      if ((n.attrs.get('alpha') ?? 1) !== 1 || (n.attrs.get('beta') ?? 1) !== 1) throw fail(n, 'scales by alpha or beta');
      const kernel = n.opType === 'Gemm' && n.attrs.get('transB') === 1 ? nb.transpose(w) : w;
      const c = n.opType === 'Gemm' ? constant(n.inputs[2]) : undefined;
      if (n.opType === 'Gemm' && n.inputs[2] && c?.rank !== 1) throw fail(n, 'adds a bias that is not a constant vector');
      layers.push({ kernel, bias: c ?? null, activation: 'linear' });
    } else if (n.opType === 'Add') {
      const last = layers.at(-1),
        b = constant(n.inputs[1]);
      if (!last || last.bias || last.activation !== 'linear' || !b || b.rank !== 1) throw fail(n, 'is not the bias of a matrix product');
      last.bias = b;
    } else if (n.opType in ACTIVATIONS) {
      const last = layers.at(-1);
      const axis = n.attrs.get('axis');
      if (n.opType === 'Softmax' && axis !== undefined && axis !== -1 && axis !== 1) throw fail(n, `is over axis ${axis}`);
      if (n.opType === 'Elu' && (n.attrs.get('alpha') ?? 1) !== 1) throw fail(n, 'has an alpha other than 1');
      if (last?.activation !== 'linear') throw fail(n, 'follows no matrix product');
      last.activation = ACTIVATIONS[n.opType]!;
    } else if (n.opType === 'Flatten' && layers.length === 0 && (n.attrs.get('axis') ?? 1) === 1) {
      // a Flatten of [batch, features]: nothing to do
    } else if (!PASS.has(n.opType)) {
      throw fail(n, 'has no Dense-chain equivalent');
    }
    current = n.outputs[0]!;
  }
  if (current !== g.outputs[0]!.name) throw new OnnxImportError(`onnx.toSequential: the chain ends at '${current}', not at the output '${g.outputs[0]!.name}'`);
  if (!layers.length) throw new OnnxImportError('onnx.toSequential: the graph has no matrix product');
  const seq = nb.sequential(
    layers.map((l, i) =>
      nb.layers.dense({
        units: l.kernel.shape[1]!,
        activation: l.activation,
        useBias: l.bias !== null,
        ...(i === 0 ? { inputShape: [l.kernel.shape[0]!] } : {}),
      }),
    ),
    { name: opts.name },
  );
  seq.layers.forEach((layer, i) => {
    const l = layers[i]!;
    layer.setWeights(l.bias ? [l.kernel, l.bias] : [l.kernel]);
  });
  return seq;
}
