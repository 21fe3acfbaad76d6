import { scoped } from '../autograd/tape.js';
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
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

  /** Creates the weights for inputs of this shape (batch dimension included, possibly null). */
  build(_inputShape: SymbolicShape): void {
    this.built = true;
  }

  /** The computation. `training` selects dropout and batch statistics. */
  abstract call(x: Tensor, training: boolean): Tensor;

  /**
   * The output shape for an input shape (batch dimension first, possibly
   * null), derived rather than written a second time: `call` is traced on a
   * placeholder of that shape (nb.trace), so the primitives' shape rules
   * give the answer and the shape errors. A null dimension is symbolic (the
   * batch m; others each their own symbol); the result has null where a
   * size depends on one. A layer whose call reads values (an embedding's
   * index check) overrides it.
   */
  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    if (!this.built) this.build(inputShape);
    const dims = inputShape.map((d, i) => (d === null ? (i === 0 ? null : `d${i}`) : d));
    const program = trace((x: Tensor) => this.call(x, false), { name: this.name })(spec(dims, this.dtype));
    return program.outputs[0]!.shape.map((d) => (typeof d === 'number' ? d : null));
  }

  /** The constructor arguments that rebuild this layer (name and inputShape included). */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name, dtype: this.dtype };
    if (this.inputShape) c['inputShape'] = this.inputShape;
    if (this.seed !== undefined) c['seed'] = this.seed;
    return c;
  }

  /** Runs the layer on x, building it first if needed; `training` defaults to false. */
  apply(x: TensorLike, opts: { training?: boolean } = {}): Tensor {
    const t = toTensor(this.name, 'x', x);
    if (!this.built) this.build([null, ...t.shape.slice(1)]);
    return scoped(this.className, 'layer', [t], { name: this.name }, () => this.call(t, opts.training ?? false));
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
