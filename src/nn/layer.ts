import { scoped } from '../autograd/tape.js';
import { describe } from '../core/describe.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { lookup } from '../core/lookup.js';
import { checkSize, formatShape, sameShape } from '../core/shape.js';
import { Generator } from '../core/random.js';
import { type Tensor, isTensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import { noGrad } from '../ops/stop.js';
import { spec, trace } from '../trace/trace.js';
import { getInitializer, type InitializerSpec } from './initializers.js';
import { chargeParameter, Module } from './module.js';
import { choiceOption, intOption, layerOpName, requireArgs } from './options.js';
import type { Regularizer } from './regularizers.js';
import { isSymbolic, type LayerNode, SymbolicTensor, symbolicList } from './symbolic.js';

/** A shape with an unknown batch dimension first: [null, 28, 28, 1]. */
export type SymbolicShape = (number | null)[];

/** Options every layer takes. */
export interface LayerArgs {
  /** A name unique in its model; by default the class name and a counter ('dense_1'). */
  name?: string;
  /** The shape of one example (without the batch dimension), for the first layer of a model. */
  inputShape?: number[];
  /** 'float32' (the default) or 'float64'. */
  dtype?: 'float32' | 'float64';
  /** Seed of the layer's own random generator (initial weights, dropout masks); by default the global one. */
  seed?: number;
}

/** True for a list of shapes (a multi-input layer's), false for one shape. */
function isShapeList(s: SymbolicShape | SymbolicShape[]): s is SymbolicShape[] {
  return s.length > 0 && Array.isArray(s[0]);
}

const counters = new Map<string, number>();
function uniqueName(base: string): string {
  const n = (counters.get(base) ?? 0) + 1;
  counters.set(base, n);
  return `${base}_${n}`;
}

/** Layer constructors by class name, for rebuilding a model from its saved configuration. */
const registry = new Map<string, (config: Record<string, unknown>) => Layer>();

/** Makes a layer class loadable: `registerLayer('Dense', (c) => new Dense(c))`. */
export function registerLayer(className: string, make: (config: Record<string, unknown>) => Layer): void {
  registry.set(className, make);
}

/** Rebuilds a layer from `{ className, config }`. */
export function layerFromConfig(spec: { className: string; config: Record<string, unknown> }): Layer {
  if (spec === null || typeof spec !== 'object') throw new ArgumentError(`layerFromConfig: expected { className, config }, got ${describe(spec)}`);
  const make = lookup(registry, spec.className, 'layer class', 'layerFromConfig');
  const config = spec.config ?? {};
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ArgumentError(`layerFromConfig: the config of a ${spec.className} layer must be an object, got ${describe(config)}`);
  }
  return make(config);
}

/**
 * A layer: a Module that builds its weights lazily from the shape of its
 * first input, computes `call(x)`, reports its output shape, and round-trips
 * its configuration. `apply(x)` runs it on its own.
 */
export abstract class Layer extends Module {
  readonly name: string;
  readonly inputShape: number[] | undefined;
  readonly dtype: 'float32' | 'float64';
  readonly seed: number | undefined;
  protected readonly generator: Generator | undefined;
  built = false;
  private readonly regularized: [Variable, Regularizer][] = [];

  /** The class name used in saved models ('Dense'). */
  readonly className: string;

  constructor(className: string, args: LayerArgs = {}) {
    super();
    const op = layerOpName(className);
    requireArgs(op, args);
    this.className = className;
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === ''))
      throw new ArgumentError(`${op}: name must be a non-empty string, got ${describe(args.name)}`);
    this.name = args.name ?? uniqueName(className.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase());
    if (args.inputShape !== undefined) {
      if (!Array.isArray(args.inputShape)) throw new ArgumentError(`${op}: inputShape must be an array of positive integers, got ${describe(args.inputShape)}`);
      args.inputShape.forEach((d, i) => intOption(op, `inputShape[${i}]`, d));
    }
    this.inputShape = args.inputShape ? [...args.inputShape] : undefined;
    this.dtype = args.dtype === undefined ? 'float32' : choiceOption(op, 'dtype', args.dtype, ['float32', 'float64'] as const);
    if (args.seed !== undefined && (typeof args.seed !== 'number' || !Number.isFinite(args.seed)))
      throw new ArgumentError(`${op}: seed must be a finite number, got ${describe(args.seed)}`);
    this.seed = args.seed;
    this.generator = args.seed === undefined ? undefined : new Generator(args.seed);
  }

  /** The calls of this layer on symbolic tensors (functional models), in order: a shared layer has several. */
  readonly inboundNodes: LayerNode[] = [];

  /**
   * Creates the weights for inputs of this shape (batch dimension included,
   * possibly null); a multi-input layer (a merge layer) gets the list of its
   * inputs' shapes.
   */
  build(_inputShape: SymbolicShape | SymbolicShape[]): void {
    this.built = true;
  }

  /**
   * The computation. `training` selects dropout and batch statistics. A
   * layer of several inputs (a merge layer) takes them as an array.
   */
  abstract call(x: Tensor | Tensor[], training: boolean): Tensor;

  /**
   * The output shape for an input shape (batch dimension first, possibly
   * null), derived rather than written a second time: `call` is traced on a
   * placeholder of that shape (nb.trace), so the primitives' shape rules
   * give the answer and the shape errors. A null dimension is symbolic (the
   * batch m; others each their own symbol); the result has null where a
   * size depends on one. A layer whose call reads values (an embedding's
   * index check) overrides it.
   */
  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    if (!this.built) this.build(inputShape);
    const placeholder = (shape: SymbolicShape) =>
      spec(
        shape.map((d, i) => (d === null ? (i === 0 ? null : `d${i}`) : d)),
        this.dtype,
      );
    const program = isShapeList(inputShape)
      ? trace((...xs: Tensor[]) => this.call(xs, false), { name: this.name })(...inputShape.map(placeholder))
      : trace((x: Tensor) => this.call(x, false), { name: this.name })(placeholder(inputShape));
    return program.outputs[0]!.shape.map((d) => (typeof d === 'number' ? d : null));
  }

  /** The constructor arguments that rebuild this layer (name and inputShape included). */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name, dtype: this.dtype };
    if (this.inputShape) c['inputShape'] = this.inputShape;
    if (this.seed !== undefined) c['seed'] = this.seed;
    return c;
  }

  /**
   * Runs the layer on x, building it first if needed; `training` defaults to
   * false. A multi-input layer takes an array of tensors. Called on a
   * symbolic tensor (nb.input, or another layer's symbolic output), or an
   * array of them, it computes nothing: it records the call as a node of a
   * functional model's graph and returns the symbolic output, whose shape
   * comes from computeOutputShape (so a shape error surfaces here, naming
   * the layer).
   */
  apply(x: SymbolicTensor | SymbolicTensor[], opts?: { training?: boolean }): SymbolicTensor;
  apply(x: TensorLike | Tensor[], opts?: { training?: boolean }): Tensor;
  apply(x: TensorLike | Tensor[] | SymbolicTensor | SymbolicTensor[], opts: { training?: boolean } = {}): Tensor | SymbolicTensor {
    if (Array.isArray(x) && x.length > 0 && !x.some((t) => typeof t === 'number' || Array.isArray(t))) {
      if (isSymbolic(x)) return this.applySymbolic(x);
      if (x.every((t) => isTensor(t))) return this.applyList(x as Tensor[], opts.training ?? false);
    }
    if (x instanceof SymbolicTensor) return this.applySymbolic(x);
    const t = toTensor(this.name, 'x', x as TensorLike);
    if (!this.built) this.build([null, ...t.shape.slice(1)]);
    return scoped(this.className, 'layer', [t], { name: this.name }, () => this.call(t, opts.training ?? false));
  }

  /** apply on an array of tensors (a multi-input layer). */
  private applyList(ts: Tensor[], training: boolean): Tensor {
    if (!this.built) this.build(ts.map((t) => [null, ...t.shape.slice(1)]));
    return scoped(this.className, 'layer', ts, { name: this.name }, () => this.call(ts, training));
  }

  /** apply on symbolic tensors: records a node and returns its symbolic output (see apply). */
  protected applySymbolic(x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    const multi = Array.isArray(x);
    const inputs = symbolicList(this.name, 'x', x);
    const shapes = inputs.map((t) => t.shape);
    let shape: SymbolicShape;
    try {
      // built here, not only by computeOutputShape (which a layer may override without building)
      if (!this.built) this.build(multi ? shapes : shapes[0]!);
      shape = this.computeOutputShape(multi ? shapes : shapes[0]!);
    } catch (e) {
      const got = shapes.map((s) => `[${s.map((d) => d ?? 'null').join(',')}]`).join(' and ');
      const why = `${this.name} (${this.className}) cannot be called on ${multi ? 'inputs of shapes' : 'an input of shape'} ${got}: ${(e as Error)?.message ?? String(e)}`;
      if (e instanceof ShapeError) throw new ShapeError(why);
      if (e instanceof DTypeError) throw new DTypeError(why);
      if (e instanceof ArgumentError) throw new ArgumentError(why);
      throw e;
    }
    const node: LayerNode = { layer: this, inputs, multi, index: this.inboundNodes.length };
    this.inboundNodes.push(node);
    const name = node.index === 0 ? this.name : `${this.name}_${node.index}`;
    return new SymbolicTensor(shape, this.dtype, name, node);
  }

  /**
   * Creates and registers a weight: initialised by `initializer`, trainable
   * or not, with an optional regularizer whose penalty joins the training loss.
   */
  protected addWeight(name: string, shape: number[], initializer: InitializerSpec, opts: { trainable?: boolean; regularizer?: Regularizer } = {}): Variable {
    // a weight past a model file's budget, or past the size limit, is refused before its initializer allocates it
    chargeParameter(`${this.name}/${name}`, shape, this.dtype === 'float64' ? 8 : 4);
    checkSize(this.name, shape);
    const init = getInitializer(initializer);
    const value = noGrad(() => init(shape, this.dtype, this.generator));
    if (!isTensor(value) || !sameShape(value.shape, shape)) {
      throw new ArgumentError(
        `${this.name}: the initializer of weight '${name}' returned ${isTensor(value) ? `shape ${formatShape(value.shape)}` : describe(value)}, not a tensor of shape ${formatShape(shape)}`,
      );
    }
    const v = this.registerParameter(name, new Variable(value, { name: `${this.name}/${name}`, trainable: opts.trainable ?? true }));
    if (opts.regularizer) this.regularized.push([v, opts.regularizer]);
    return v;
  }

  /** The regularisation penalties of this layer's weights, at their current values. */
  regularizationLosses(): Tensor[] {
    return this.regularized.map(([v, r]) => r(v.value));
  }

  /** The weights as tensors, in creation order (Keras order: kernel, then bias, ...). */
  getWeights(): Tensor[] {
    return this.parameters().map((v) => v.value);
  }

  /** Sets the weights from tensors in getWeights order. */
  setWeights(weights: readonly Tensor[]): void {
    const vs = this.parameters();
    if (weights.length !== vs.length) throw new ArgumentError(`setWeights: layer '${this.name}' has ${vs.length} weights, got ${weights.length}`);
    vs.forEach((v, i) => {
      if (weights[i]!.shape.join() !== v.shape.join()) {
        throw new ShapeError(`setWeights: weight '${v.name}' has shape ${formatShape(v.shape)}, got ${formatShape(weights[i]!.shape)}`);
      }
    });
    vs.forEach((v, i) => v.assign(weights[i]!.dtype === v.dtype ? weights[i]! : toTensor('setWeights', `weights[${i}]`, weights[i]!, v.dtype)));
  }

  /** The number of scalar weights. */
  countParams(): number {
    return this.parameters().reduce((n, v) => n + v.size, 0);
  }

  /** Checks the last axis of an input against what the layer was built for. */
  protected checkInput(x: Tensor, expectedLast: number, what: string): void {
    if (x.shape[x.rank - 1] !== expectedLast) {
      throw new ShapeError(`${this.name}: input shape ${formatShape(x.shape)} does not fit: ${what} expects last dimension ${expectedLast}`);
    }
  }
}
