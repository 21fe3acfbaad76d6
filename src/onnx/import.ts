// nb.onnx importModel: an ONNX model as a nabla function. Each node runs as
// nabla ops, so the imported model predicts, differentiates (grad of its
// output with respect to its inputs) and traces like any nabla function.
import { ArgumentError, NablaError } from '../core/errors.js';
import { describe } from '../core/describe.js';
import { toTensor } from '../ops/convert.js';
import type { TensorLike } from '../ops/convert.js';
import { isTensor, type Tensor } from '../tensor/tensor.js';
import { OnnxImportError, readGraph, type OnnxGraph, type OnnxValue } from './import-graph.js';
import { ATTRIBUTES, IMPORTS } from './import-ops.js';
import { DEFAULT_MAX_ELEMENTS, overBudget, plannedShape } from './import-budget.js';
import { MAX_ELEMENTS } from '../core/shape.js';
import { readSource, type LoadModelOptions, type ModelSource } from '../io/model-file.js';

/** An imported ONNX model: its inputs and outputs, weights, and `run`/`predict` computed with nabla's ops. */
export class OnnxModel {
  /** The graph's inputs (initializers excluded): name, shape (a string or null for a symbolic dimension), dtype. */
  readonly inputs: readonly OnnxValue[];
  /** The graph's output names. */
  readonly outputs: readonly string[];
  /** The weights (initializers) by name. */
  readonly initializers: ReadonlyMap<string, Tensor>;

  /** @internal */
  constructor(
    /** @internal The validated graph. */
    readonly graph: OnnxGraph,
    /** The largest tensor (in elements) a node may make (or the largest weight or input, if larger); a node asking for more is refused before it allocates. */
    readonly maxElements: number = DEFAULT_MAX_ELEMENTS,
  ) {
    this.inputs = graph.inputs;
    this.outputs = graph.outputs.map((o) => o.name);
    this.initializers = graph.initializers;
    for (const t of graph.initializers.values()) this.largestWeight = Math.max(this.largestWeight, t.size);
  }

  /** The size of the largest initializer (bounded by the file's bytes). */
  private largestWeight = 0;

  /** The ONNX opset the model was written for. */
  get opset(): number {
    return this.graph.opset;
  }

  /** Every output, by name, for the inputs by name (tensors, or nested arrays of numbers). */
  run(feeds: Readonly<Record<string, TensorLike>>): Record<string, Tensor> {
    const env = this.evaluate(feeds);
    return Object.fromEntries(
      this.outputs.map((name) => {
        const t = env.get(name);
        if (!t) throw new OnnxImportError(`onnx: the model's output '${name}' is computed by no node`);
        return [name, t];
      }),
    );
  }

  /** @internal Every value of the graph (inputs, initializers and node outputs) by name, for the inputs by name. */
  evaluate(feeds: Readonly<Record<string, TensorLike>>): Map<string, Tensor> {
    if (feeds === null || typeof feeds !== 'object' || isTensor(feeds))
      throw new ArgumentError(
        `onnx.run: argument feeds must be an object of inputs by name (${this.inputs.map((i) => i.name).join(', ')}), got ${describe(feeds)}`,
      );
    const env = new Map<string, Tensor>(this.graph.initializers);
    for (const input of this.inputs) {
      const v = feeds[input.name];
      if (v === undefined) throw new ArgumentError(`onnx.run: the model needs input '${input.name}'`);
      const t = toTensor('onnx.run', input.name, v);
      const ok = t.rank === input.shape.length && input.shape.every((d, i) => typeof d !== 'number' || d === t.shape[i]);
      if (!ok)
        throw new ArgumentError(`onnx.run: input '${input.name}' must have shape [${input.shape.map((d) => d ?? '?').join(',')}], got [${t.shape.join(',')}]`);
      env.set(input.name, t);
    }
    // the budget: maxElements, or the model's largest weight or the caller's largest input if larger (copies of those are no forgery)
    let limit = Math.max(this.maxElements, this.largestWeight);
    for (const input of this.inputs) limit = Math.max(limit, env.get(input.name)!.size);
    for (const extra of Object.keys(feeds))
      if (!this.inputs.some((i) => i.name === extra))
        throw new ArgumentError(`onnx.run: the model has no input '${extra}' (inputs: ${this.inputs.map((i) => i.name).join(', ')})`);
    for (const node of this.graph.nodes) {
      const args = node.inputs.map((name) => {
        if (name === '') return undefined; // an omitted optional input
        const t = env.get(name);
        if (!t)
          throw new OnnxImportError(`onnx: node '${node.name}' (${node.opType}) reads '${name}', which no earlier node computes (the nodes are not in order)`);
        return t;
      });
      let out: Tensor | Tensor[];
      try {
        // a size taken from the file (a shape's values, pads, a broadcast) is checked before anything is allocated
        const planned = plannedShape(node, args, this.graph.opset);
        const why = planned && overBudget(planned, limit);
        if (why) throw new OnnxImportError(`onnx: node '${node.name}' (${node.opType}) asks for ${why}`);
        out = IMPORTS[node.opType]!(args, node, this.graph.opset);
      } catch (e) {
        // nabla's own errors (a matmul's shapes, ...) say which node of the graph ran them
        if (e instanceof NablaError && !(e instanceof OnnxImportError)) e.message = `onnx: node '${node.name}' (${node.opType}): ${e.message}`;
        throw e;
      }
      const outs = Array.isArray(out) ? out : [out];
      // a backstop for what plannedShape does not foresee: nothing larger than the budget goes on to the next node
      for (const o of outs) if (o && o.size > limit) throw new OnnxImportError(`onnx: node '${node.name}' (${node.opType}) made ${overBudget(o.shape, limit)}`);
      node.outputs.forEach((name, i) => {
        if (name && outs[i]) env.set(name, outs[i]!);
      });
    }
    return env;
  }

  /** The first output for the only input: `model.predict(x)`, as a Sequential's. */
  predict(x: TensorLike): Tensor {
    if (this.inputs.length !== 1)
      throw new ArgumentError(`onnx.predict: the model has ${this.inputs.length} inputs (${this.inputs.map((i) => i.name).join(', ')}): use run({ ... })`);
    return this.run({ [this.inputs[0]!.name]: x })[this.outputs[0]!]!;
  }
}

/** Options of importModel and loadModel. */
export interface OnnxImportOptions {
  /** The file's name in messages. */
  source?: string;
  /**
   * The largest tensor, in elements, a node of the model may make when it
   * runs (default 2^26, 256 MB of float32; at most 2^31 - 1), or the model's
   * largest weight or the run's largest input if larger. Sizes that come
   * from the file (ConstantOfShape's shape, Expand, Pad, broadcasts) are
   * checked against it before anything is allocated.
   */
  maxElements?: number;
}

/**
 * Reads an ONNX model (the bytes of a .onnx file) built from operators nabla
 * has: the file is validated whole before anything runs, and operators nabla
 * lacks are listed by name in one OnnxImportError. `source` names the file in
 * messages; `maxElements` bounds what its nodes may allocate.
 */
export function importModel(bytes: Uint8Array | ArrayBuffer, opts: OnnxImportOptions = {}): OnnxModel {
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(data instanceof Uint8Array)) throw new ArgumentError(`onnx.importModel: argument bytes must be a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
  const maxElements = opts.maxElements ?? DEFAULT_MAX_ELEMENTS;
  if (!(Number.isSafeInteger(maxElements) && maxElements > 0 && maxElements <= MAX_ELEMENTS))
    throw new ArgumentError(`onnx.importModel: maxElements must be an integer from 1 to ${MAX_ELEMENTS}, got ${describe(opts.maxElements)}`);
  const graph = readGraph(data, opts.source ?? 'the model');
  const missing = [
    ...new Set(
      graph.nodes
        .filter((n) => (n.domain && n.domain !== 'ai.onnx') || !(n.opType in IMPORTS))
        .map((n) => (n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType)),
    ),
  ];
  if (missing.length) throw new OnnxImportError(`onnx.importModel: ${opts.source ?? 'the model'} uses operators nabla does not have: ${missing.join(', ')}`);
  // an attribute nabla does not read could change what its node computes: refused, not ignored
  for (const n of graph.nodes) {
    const unknown = [...n.attrs.keys()].filter((a) => !(ATTRIBUTES[n.opType] ?? []).includes(a));
    if (unknown.length)
      throw new OnnxImportError(
        `onnx.importModel: ${opts.source ?? 'the model'}'s node '${n.name}' (${n.opType}) has attribute${unknown.length > 1 ? 's' : ''} ${unknown.map((a) => `'${a}'`).join(', ')}, which nabla does not read`,
      );
  }
  return new OnnxModel(graph, maxElements);
}

/**
 * Reads an ONNX file from a path (Node), an http(s):// or page-relative URL,
 * IndexedDB, bytes or a File (bounded by `opts.maxBytes`) and imports it (see importModel; `opts.maxElements` as there).
 */
export async function loadModel(source: ModelSource, opts: LoadModelOptions & Pick<OnnxImportOptions, 'maxElements'> = {}): Promise<OnnxModel> {
  const { bytes, name } = await readSource('onnx.loadModel', source, opts);
  return importModel(bytes, { source: name, maxElements: opts.maxElements });
}

export { OnnxImportError };
