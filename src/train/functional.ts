import { optionsObject } from '../core/options.js';
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { isTensor, type Tensor } from '../tensor/tensor.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import { type Layer, layerFromConfig } from '../nn/layer.js';
import { InputLayer } from '../nn/layers/input.js';
import { type LayerNode, type SymbolicTensor, symbolicList } from '../nn/symbolic.js';
import { registerModelClass } from '../io/saveable.js';
import { type CompileArgs, type FunctionalCompileArgs, LayersModel, type ModelData } from './layers-model.js';
import { type Data, exampleValuesOf } from './model-data.js';
import type { ModelMetadata } from './sequential.js';
import { functionalSummary } from './functional-summary.js';
import { explainModel, type Explanation, type ExplainOptions } from '../explain/index.js';

/** One layer call of the graph, in the order the model runs them. */
interface Step {
  layer: Layer;
  inputs: SymbolicTensor[];
  multi: boolean;
  output: SymbolicTensor;
}

/** Options of {@link model}. */
export interface ModelArgs {
  /** The model's input (from nb.input), or an array of them. */
  inputs: SymbolicTensor | SymbolicTensor[];
  /** The model's output (a layer's symbolic output), or an array of them. */
  outputs: SymbolicTensor | SymbolicTensor[];
  /** The model's name; default 'model'. */
  name?: string;
  /** JSON data saved with the model (see Sequential.metadata). */
  metadata?: ModelMetadata;
}

/** A layer of a functional model's configuration: the layer and the calls that made its outputs (Keras's inbound nodes). */
export interface FunctionalLayerConfig {
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** One entry per call of the layer: its inputs as [layer name, node index, tensor index] (Keras's format, without kwargs). */
  inboundNodes: [string, number, number][][];
}

/** Model.getConfig's result (Keras's functional config in nabla's camelCase). */
export interface FunctionalConfig {
  name: string;
  layers: FunctionalLayerConfig[];
  /** The model inputs, as [input layer name, node index, tensor index]. */
  inputLayers: [string, number, number][];
  /** The model outputs, as [layer name, node index, tensor index]. */
  outputLayers: [string, number, number][];
  metadata: ModelMetadata;
}

/**
 * A model built from a graph of layer calls (Keras's functional Model):
 * branches, residual connections, several inputs and outputs, layers shared
 * between calls (one layer called twice has one set of weights). Layers run
 * in topological order; layers the outputs do not depend on are left out.
 *
 *     const x = nb.input({ shape: [64] });
 *     const h = nb.layers.dense({ units: 64, activation: 'relu' }).apply(x);
 *     const y = nb.layers.dense({ units: 10, activation: 'softmax' }).apply(nb.layers.add().apply([x, h]));
 *     const model = nb.model({ inputs: x, outputs: y });
 *     model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 *
 * It trains, evaluates, predicts, saves and loads as a Sequential does;
 * with several inputs or outputs, x and y are arrays (in the order of
 * `inputs` and `outputs`) or objects keyed by input and output names.
 */
export class Model extends LayersModel<Tensor | Tensor[]> {
  /** Every layer, in the order the model first calls it (input layers first, as in Keras). */
  readonly layers: Layer[];
  readonly name: string;
  /** The symbolic inputs and outputs the model was built from. */
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** JSON data saved with the model (see Sequential.metadata). */
  metadata: ModelMetadata;
  private readonly steps: Step[];
  private readonly oneOutput: boolean;
  /** Each layer output's call number within this model (a layer's calls outside it are not counted). */
  private readonly callIndex = new Map<SymbolicTensor, number>();

  constructor(args: ModelArgs) {
    super();
    const o = optionsObject('model', args, 'options { inputs, outputs, name? }', true);
    for (const k of Object.keys(o))
      if (!['inputs', 'outputs', 'name', 'metadata'].includes(k))
        throw new ArgumentError(`model: unknown option '${k}' (model takes inputs, outputs, name, metadata)`);
    if (o.inputs === undefined || o.outputs === undefined)
      throw new ArgumentError('model: inputs and outputs are required: model({ inputs: nb.input({ shape }), outputs })');
    if (o.name !== undefined && (typeof o.name !== 'string' || o.name === ''))
      throw new ArgumentError(`model: name must be a non-empty string, got ${describe(o.name)}`);
    this.name = o.name ?? 'model';
    this.metadata = { ...optionsObject('model', o.metadata, 'metadata as a plain object') };
    const inputs = symbolicList('model', 'inputs', o.inputs);
    const outputs = symbolicList('model', 'outputs', o.outputs);
    if (inputs.length === 0 || outputs.length === 0) throw new ArgumentError('model: inputs and outputs must each hold at least one symbolic tensor');
    inputs.forEach((t, i) => {
      if (!(t.node.layer instanceof InputLayer))
        throw new ArgumentError(
          `model: inputs${Array.isArray(o.inputs) ? `[${i}]` : ''} is the output of layer '${t.node.layer.name}', not a model input: make inputs with nb.input({ shape })`,
        );
      if (inputs.indexOf(t) !== i) throw new ArgumentError(`model: the input '${t.name}' is given twice`);
    });
    this.inputs = inputs;
    this.outputs = outputs;
    this.oneOutput = !Array.isArray(o.outputs);
    // depth-first from the outputs: a layer call runs after the calls that make its inputs (post-order)
    const steps: Step[] = [];
    const done = new Set<SymbolicTensor>(inputs);
    const visiting = new Set<SymbolicTensor>();
    const used = new Set<SymbolicTensor>();
    const visit = (t: SymbolicTensor, from: string): void => {
      if (inputs.includes(t)) used.add(t);
      if (done.has(t)) return;
      if (visiting.has(t)) throw new ArgumentError(`model: the graph has a cycle through '${t.name}'`);
      const node: LayerNode = t.node;
      if (node.inputs.length === 0)
        throw new ArgumentError(
          `model: ${from} depends on the input '${t.name}', which is not among the model's inputs (${inputs.map((i) => `'${i.name}'`).join(', ')}): add it to inputs`,
        );
      visiting.add(t);
      for (const i of node.inputs) visit(i, from);
      visiting.delete(t);
      done.add(t);
      steps.push({ layer: node.layer as Layer, inputs: [...node.inputs], multi: node.multi, output: t });
    };
    outputs.forEach((t) => visit(t, `the output '${t.name}'`));
    const unused = inputs.filter((t) => !used.has(t));
    if (unused.length)
      throw new ArgumentError(
        `model: the input${unused.length > 1 ? 's' : ''} ${unused.map((t) => `'${t.name}'`).join(', ')} ${unused.length > 1 ? 'are' : 'is'} not connected to any output`,
      );
    this.steps = steps;
    for (const t of inputs) this.callIndex.set(t, 0);
    const byLayer = new Map<Layer, Step[]>();
    for (const s of steps) byLayer.set(s.layer, [...(byLayer.get(s.layer) ?? []), s]);
    for (const calls of byLayer.values())
      [...calls].sort((a, b) => a.output.node.index - b.output.node.index).forEach((s, k) => this.callIndex.set(s.output, k));
    const layers: Layer[] = inputs.map((t) => t.node.layer as Layer);
    for (const s of steps) if (!layers.includes(s.layer)) layers.push(s.layer);
    const names = new Set<string>();
    for (const l of layers) {
      if (names.has(l.name)) throw new ArgumentError(`model: two different layers are named '${l.name}'; layer names must be unique in a model`);
      names.add(l.name);
      this.registerModule(l.name, l);
    }
    this.layers = layers;
  }

  /** The shape of one example for a model of one input; undefined for several. */
  get inputShape(): number[] | undefined {
    return this.inputs.length === 1 ? (this.inputs[0]!.shape.slice(1) as number[]) : undefined;
  }

  /** The names of the inputs (their layers' names), in order. */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.name);
  }

  /** The names of the outputs (their layers' names), in order; the keys of y objects and of per-output losses and metrics. */
  get outputNamesList(): string[] {
    return this.outputs.map((t) => t.name);
  }

  protected override outputNames(): string[] | null {
    return this.outputs.length === 1 ? null : this.outputNamesList;
  }

  /**
   * Runs the graph on x: one tensor for a model of one input, else an array
   * (in input order) or an object keyed by input name. Returns one tensor
   * for a model of one output given as a tensor, else an array in output order.
   */
  call(x: TensorLike | Tensor[] | Record<string, TensorLike>, training = false): Tensor | Tensor[] {
    const xs = this.dataList(`${this.name}.call`, 'x', x, this.inputs);
    const values = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((t, i) => {
      const v = xs[i]!;
      const want = t.shape.slice(1);
      if (v.rank !== t.rank || v.shape.slice(1).some((d, k) => want[k] !== null && d !== want[k])) {
        throw new ShapeError(`${this.name}: input '${t.name}' has shape ${formatShape(v.shape)}, but the model takes [batch,${want.join(',')}]`);
      }
      values.set(t, v);
    });
    for (const s of this.steps) {
      const ins = s.inputs.map((t) => values.get(t)!);
      values.set(s.output, s.layer.apply(s.multi ? ins : ins[0]!, { training }));
    }
    const outs = this.outputs.map((t) => values.get(t)!);
    return this.oneOutput ? outs[0]! : outs;
  }

  /** x (or y) as one tensor per input (output), checked against their number; `what` names it in errors. */
  private dataList(op: string, what: string, x: unknown, of: readonly SymbolicTensor[]): Tensor[] {
    const kind = of === this.inputs ? 'input' : 'output';
    const dtypeOf = (t: SymbolicTensor) => (t.dtype === 'int32' ? undefined : t.dtype);
    if (of.length === 1 && (isTensor(x) || !Array.isArray(x) || !x.every((v) => isTensor(v)) || x.length !== 1)) {
      if (x !== null && typeof x === 'object' && !Array.isArray(x) && !isTensor(x) && !ArrayBuffer.isView(x)) {
        const rec = x as Record<string, TensorLike>;
        if (Object.hasOwn(rec, of[0]!.name)) return [toTensor(op, `${what}['${of[0]!.name}']`, rec[of[0]!.name]!, dtypeOf(of[0]!))];
      }
      return [toTensor(op, what, x as TensorLike, dtypeOf(of[0]!))];
    }
    if (Array.isArray(x)) {
      if (x.length !== of.length)
        throw new ArgumentError(
          `${op}: ${what} has ${x.length} array${x.length === 1 ? '' : 's'}, but the model has ${of.length} ${kind}s (${of.map((t) => `'${t.name}'`).join(', ')}): give one per ${kind}, in order`,
        );
      return x.map((v, i) => toTensor(op, `${what}[${i}]`, v as TensorLike, dtypeOf(of[i]!)));
    }
    if (x !== null && typeof x === 'object' && !isTensor(x)) {
      const rec = x as Record<string, TensorLike>;
      for (const k of Object.keys(rec))
        if (!of.some((t) => t.name === k))
          throw new ArgumentError(`${op}: ${what} names '${k}', which is not an ${kind} (${of.map((t) => `'${t.name}'`).join(', ')})`);
      return of.map((t) => {
        if (!Object.hasOwn(rec, t.name)) throw new ArgumentError(`${op}: ${what} has no entry for the ${kind} '${t.name}'`);
        return toTensor(op, `${what}['${t.name}']`, rec[t.name]!, dtypeOf(t));
      });
    }
    throw new ArgumentError(`${op}: ${what} must be an array of ${of.length} tensors (one per ${kind}) or an object keyed by ${kind} name, got ${describe(x)}`);
  }

  protected override examplesOf(op: string, x: ModelData, y: ModelData): [Data, Data] {
    const xs = this.dataList(op, 'x', x, this.inputs);
    const ys = this.dataList(op, 'y', y, this.outputs);
    const all: [string, Tensor][] = [
      ...xs.map((t, i): [string, Tensor] => [xs.length === 1 ? 'x' : `x[${i}]`, t]),
      ...ys.map((t, i): [string, Tensor] => [ys.length === 1 ? 'y' : `y[${i}]`, t]),
    ];
    const [n0, t0] = all[0]!;
    for (const [n, t] of all) {
      if (t.rank === 0 || t0.rank === 0 || t.shape[0] !== t0.shape[0]) {
        throw new ShapeError(`${op}: ${n0} ${formatShape(t0.shape)} and ${n} ${formatShape(t.shape)} must have the same number of examples (first dimension)`);
      }
    }
    return [xs.length === 1 ? xs[0]! : xs, ys.length === 1 ? ys[0]! : ys];
  }

  protected override inputsOf(op: string, x: ModelData): Data {
    const xs = this.dataList(op, 'x', x, this.inputs);
    return xs.length === 1 ? xs[0]! : xs;
  }

  /**
   * Chooses the optimizer, the loss and the metrics (see CompileArgs); with
   * several outputs, a loss per output (an array or an object by output
   * name), lossWeights, and metrics per output.
   */
  override compile(args: FunctionalCompileArgs): void {
    super.compile(args as CompileArgs);
  }

  /** As Sequential.explain, for a model of one input and one output. */
  override explain(opts?: ExplainOptions): Explanation {
    if (this.inputs.length !== 1 || this.outputs.length !== 1)
      throw new ArgumentError(
        `${this.name}.explain: explains a model of one input and one output; this one has ${this.inputs.length} inputs and ${this.outputs.length} outputs`,
      );
    // the explanation numbers the layers that compute (W1 for the first Dense), as for a Sequential: not the input layers
    const view = {
      name: this.name,
      layers: this.layers.filter((l) => !(l instanceof InputLayer)),
      inputShape: this.inputShape,
      compiledLoss: this.compiledLoss,
      call: (x: Tensor, training?: boolean) => this.call(x, training) as Tensor,
      namedParameters: () => this.namedParameters(),
    };
    return explainModel(view, opts);
  }

  /**
   * The sum of the layers' output sizes for one example (every call of a shared layer); null when
   * a dimension is unknown or a layer holds more inside than its output (see LayersModel, exampleValuesOf).
   */
  exampleValues(): number | null {
    return exampleValuesOf(this.layers, () => this.steps.map((s) => s.output.shape));
  }

  /**
   * A table of the layers (Keras's functional summary): each layer's output
   * shape, parameter count and the layer outputs it is connected to
   * (`dense_1[0][0]`: layer, call, output); printed by printFn and returned.
   */
  summary(printFn: ((line: string) => void) | null = (l) => console.log(l)): string {
    const text = functionalSummary(this.name, this.layers, this.steps, (t) => this.ref(t), this.parameters());
    printFn?.(text);
    return text;
  }

  /** The architecture as JSON: Keras's functional config (layers with their inbound nodes, input and output layers). */
  getConfig(): FunctionalConfig {
    const byLayer = new Map<Layer, Step[]>();
    for (const s of this.steps) byLayer.set(s.layer, [...(byLayer.get(s.layer) ?? []), s]);
    const ref = (t: SymbolicTensor) => this.ref(t);
    return {
      name: this.name,
      layers: this.layers.map((l) => ({
        className: l.className,
        name: l.name,
        config: l.getConfig(),
        inboundNodes: (byLayer.get(l) ?? []).sort((a, b) => this.callIndex.get(a.output)! - this.callIndex.get(b.output)!).map((s) => s.inputs.map(ref)),
      })),
      inputLayers: this.inputs.map(ref),
      outputLayers: this.outputs.map(ref),
      metadata: JSON.parse(JSON.stringify(this.metadata)) as ModelMetadata,
    };
  }

  /** `[layer, call, output]` of a symbolic tensor of this model, as Keras's configs and summaries name it. */
  private ref(t: SymbolicTensor): [string, number, number] {
    return [t.node.layer.name, this.callIndex.get(t) ?? t.node.index, 0];
  }

  /** The class name a model file stores ('Model'). */
  get modelClassName(): string {
    return 'Model';
  }

  /**
   * Rebuilds a model (with fresh weights) from getConfig's output: makes
   * each layer, then replays its calls in an order where every call's inputs
   * exist (a shared layer's later call may wait for layers after it).
   */
  static fromConfig(config: FunctionalConfig): Model {
    const c = optionsObject('Model.fromConfig', config, 'a functional model config { layers, inputLayers, outputLayers }', true);
    if (!Array.isArray(c.layers) || !Array.isArray(c.inputLayers) || !Array.isArray(c.outputLayers))
      throw new ArgumentError('Model.fromConfig: the config must have layers, inputLayers and outputLayers arrays');
    const tensors = new Map<string, SymbolicTensor>();
    const key = (name: unknown, node: unknown) => `${String(name)}[${String(node)}]`;
    const pending: { layer: Layer; inbound: [string, number, number][] }[] = [];
    for (const spec of c.layers) {
      const layer = layerFromConfig({ className: spec.className, config: { ...spec.config, name: spec.name ?? spec.config?.['name'] } });
      if (layer instanceof InputLayer) tensors.set(key(layer.name, 0), layer.output);
      else for (const inbound of spec.inboundNodes ?? []) pending.push({ layer, inbound });
    }
    const calls = new Map<Layer, number>();
    while (pending.length) {
      // a layer's calls are replayed in their order, each once its inputs exist
      const ready = pending.findIndex((p, k) => pending.findIndex((q) => q.layer === p.layer) === k && p.inbound.every(([n, i]) => tensors.has(key(n, i))));
      if (ready < 0)
        throw new ArgumentError(
          `Model.fromConfig: layer '${pending[0]!.layer.name}' is called on ${pending[0]!.inbound.map(([n, i]) => key(n, i)).join(', ')}, which no layer makes`,
        );
      const { layer, inbound } = pending.splice(ready, 1)[0]!;
      const ins = inbound.map(([n, i]) => tensors.get(key(n, i))!);
      const out = layer.apply(ins.length === 1 ? ins[0]! : ins);
      tensors.set(key(layer.name, calls.get(layer) ?? 0), out);
      calls.set(layer, (calls.get(layer) ?? 0) + 1);
    }
    const find = ([n, i]: [string, number, number]) => {
      const t = tensors.get(key(n, i));
      if (!t) throw new ArgumentError(`Model.fromConfig: the model input or output ${key(n, i)} is not made by any layer`);
      return t;
    };
    const ins = c.inputLayers.map(find),
      outs = c.outputLayers.map(find);
    return new Model({ inputs: ins.length === 1 ? ins[0]! : ins, outputs: outs.length === 1 ? outs[0]! : outs, name: c.name, metadata: c.metadata });
  }
}

/**
 * A functional model from its inputs and outputs (Keras's keras.Model(inputs,
 * outputs), TF.js's tf.model): see {@link Model}. An array of inputs or
 * outputs makes the model take or return arrays (one tensor each).
 */
export function model(args: ModelArgs): Model {
  return new Model(args);
}

registerModelClass('Model', (config) => Model.fromConfig(config as unknown as FunctionalConfig));
declare module '../io/saveable.js' {
  interface ModelClasses {
    Model: Model;
  }
}
