import { optionsObject } from '../core/options.js';
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import { Layer, layerFromConfig, type SymbolicShape } from '../nn/layer.js';
import { registerModelClass } from '../io/saveable.js';

import { LayersModel } from './layers-model.js';
import { summaryTable } from './summary-table.js';
import { exampleValuesOf } from './model-data.js';

export type { CompileArgs, FitArgs, InferenceArgs } from './layers-model.js';

/**
 * A linear stack of layers, trained the Keras way:
 *
 *     const model = nb.sequential([
 *       nb.layers.dense({ units: 64, activation: 'relu', inputShape: [64] }),
 *       nb.layers.dense({ units: 10, activation: 'softmax' }),
 *     ]);
 *     model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 *     const history = await model.fit(x, y, { epochs: 50, batchSize: 32, validationSplit: 0.2 });
 */
export class Sequential extends LayersModel {
  readonly layers: Layer[] = [];
  readonly name: string;
  private outputShape: SymbolicShape | null = null;
  /** The shape of one example, from the first layer's inputShape or the first call. */
  private exampleShape: number[] | undefined;
  /**
   * What travels with the model besides its layers: plain JSON data such as
   * `classNames` (the name of each output class), the label mapping a CSV
   * needed, or the task ('classification' | 'regression'). Saved and loaded
   * with the model.
   */
  metadata: ModelMetadata;

  constructor(layers: Layer[] = [], opts: { name?: string; metadata?: ModelMetadata } = {}) {
    super();
    const o = optionsObject('sequential', opts);
    if (!Array.isArray(layers)) throw new ArgumentError(`sequential: expected an array of layers, got ${describe(layers)}`);
    if (o.name !== undefined && typeof o.name !== 'string') throw new ArgumentError(`sequential: name must be a string, got ${describe(o.name)}`);
    this.name = o.name ?? 'sequential';
    this.metadata = { ...optionsObject('sequential', o.metadata, 'metadata as a plain object') };
    for (const l of layers) this.add(l);
  }

  /** Appends a layer (building it when the input shape is known). */
  add(layer: Layer): this {
    if (!(layer instanceof Layer)) throw new ArgumentError('sequential: add expects a layer, such as nb.layers.dense({ units: 10 })');
    if (this.layers.some((l) => l.name === layer.name)) throw new ArgumentError(`sequential: a layer named '${layer.name}' is already in the model`);
    let outputShape = this.outputShape,
      exampleShape = this.exampleShape;
    if (this.layers.length === 0) {
      if (layer.inputShape) {
        outputShape = [null, ...layer.inputShape];
        exampleShape = [...layer.inputShape];
      }
    } else if (layer.inputShape && this.outputShape) {
      const expected = this.outputShape.slice(1);
      if (expected.join() !== layer.inputShape.join()) {
        throw new ShapeError(
          `sequential: layer '${layer.name}' declares inputShape ${formatShape(layer.inputShape)} but the previous layer outputs ${JSON.stringify(expected)}`,
        );
      }
    }
    // the layer's output shape first: a layer that does not fit is refused and the model stays as it was
    if (outputShape) {
      if (!layer.built) layer.build(outputShape);
      outputShape = layer.computeOutputShape(outputShape);
    }
    this.registerModule(layer.name, layer);
    this.layers.push(layer);
    this.outputShape = outputShape;
    this.exampleShape = exampleShape;
    this.exampleValuesMemo = null;
    return this;
  }

  /** The shape of one example the model takes, once known (from the first layer or the first call). */
  get inputShape(): number[] | undefined {
    return this.exampleShape;
  }

  /** Runs the layers in order; `training` enables dropout and batch statistics. */
  call(x: TensorLike, training = false): Tensor {
    let t = toTensor(`${this.name}.call`, 'x', x);
    if (this.layers.length === 0) throw new ArgumentError('sequential: the model has no layers');
    if (this.exampleShape && t.shape.slice(1).join() !== this.exampleShape.join()) {
      throw new ShapeError(`${this.name}: input shape ${formatShape(t.shape)} does not match the model's input shape [batch,${this.exampleShape.join(',')}]`);
    }
    if (this.exampleShape === undefined) {
      this.exampleShape = t.shape.slice(1);
      this.exampleValuesMemo = null;
    }
    for (const layer of this.layers) t = layer.apply(t, { training });
    return t;
  }

  /**
   * The state dict's keys are structural: 'layers.<i>.<weight>' (the
   * layer's index in the model, as in `model.layers[i]`, and the weight's
   * name in its layer), so a model of the same architecture loads them
   * whatever the layers are called; layer names ('dense_3', counted across
   * the process unless given) are for display and namedParameters.
   */
  protected override stateEntries(): [string, Variable][] {
    return this.layers.flatMap((layer, i) => layer.namedParameters(`layers.${i}.`));
  }

  /**
   * Restores the weights from a state dict (see stateDict: keys
   * 'layers.0.kernel', ...). Keys by this model's parameter names
   * ('dense_3.kernel', as namedParameters and model files have them, and as
   * state dicts had them before the keys were structural) are read too.
   */
  override loadStateDict(state: Record<string, Tensor>, opts: { strict?: boolean } = {}): void {
    const keys = this.stateEntries().map(([k]) => k);
    const own = new Set(keys);
    const byName = new Map(this.namedParameters().map(([name], i) => [name, keys[i]!]));
    const translated: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(optionsObject('loadStateDict', state, 'a state dict (tensors by key)'))) {
      translated[own.has(k) ? k : (byName.get(k) ?? k)] = v as Tensor;
    }
    super.loadStateDict(translated, opts);
  }

  /** exampleValues, kept (it traces every layer) until a layer is added or the input shape becomes known. */
  private exampleValuesMemo: { values: number | null } | null = null;

  /**
   * The sum of the layers' output sizes for one example; null before the input shape is known,
   * or when a layer holds more inside than its output (see LayersModel, exampleValuesOf).
   */
  exampleValues(): number | null {
    const input = this.inputShape;
    const layers = this.layers;
    this.exampleValuesMemo ??= {
      values:
        input === undefined
          ? null
          : exampleValuesOf(layers, function* () {
              let shape: SymbolicShape = [null, ...input];
              for (const layer of layers) yield (shape = layer.computeOutputShape(shape));
            }),
    };
    return this.exampleValuesMemo.values;
  }

  /** A table of the layers, their output shapes and parameter counts; printed by printFn and returned. */
  summary(printFn: ((line: string) => void) | null = (l) => console.log(l)): string {
    let shape: SymbolicShape | null = this.inputShape ? [null, ...this.inputShape] : null;
    const rowsOut: string[][] = [['Layer (type)', 'Output shape', 'Param #']];
    let total = 0,
      trainable = 0;
    for (const layer of this.layers) {
      shape = shape ? layer.computeOutputShape(shape) : null;
      const count = layer.countParams();
      total += count;
      trainable += layer.trainableParameters().reduce((s, v) => s + v.size, 0);
      rowsOut.push([`${layer.name} (${layer.className})`, shape ? `[${shape.map((d) => d ?? 'null').join(',')}]` : '?', String(count)]);
    }
    const text = summaryTable(this.name, rowsOut, total, trainable);
    printFn?.(text);
    return text;
  }

  /** The architecture as JSON: each layer's class and configuration. */
  getConfig(): SequentialConfig {
    return {
      name: this.name,
      layers: this.layers.map((l) => ({ className: l.className, config: l.getConfig() })),
      metadata: JSON.parse(JSON.stringify(this.metadata)) as ModelMetadata,
    };
  }

  /** Rebuilds a model (with fresh weights) from getConfig's output. */
  static fromConfig(config: { name?: string; layers: { className: string; config: Record<string, unknown> }[]; metadata?: ModelMetadata }): Sequential {
    return new Sequential(
      config.layers.map((l) => layerFromConfig(l)),
      { name: config.name, metadata: config.metadata },
    );
  }
}

/** JSON data saved with a model (see Sequential.metadata). */
export interface ModelMetadata {
  /** The name of each output class, in output order. */
  classNames?: string[];
  /** 'classification' (the default) or 'regression'. */
  task?: 'classification' | 'regression';
  [key: string]: unknown;
}

/** Sequential.getConfig's result. */
export interface SequentialConfig {
  name: string;
  layers: { className: string; config: Record<string, unknown> }[];
  metadata: ModelMetadata;
}

/** A Sequential model of the given layers. */
export function sequential(layers?: Layer[], opts?: { name?: string; metadata?: ModelMetadata }): Sequential;
/** TF.js's spelling: sequential({ layers, name }). */
export function sequential(config: { layers?: Layer[]; name?: string; metadata?: ModelMetadata }): Sequential;
export function sequential(
  layers: Layer[] | { layers?: Layer[]; name?: string; metadata?: ModelMetadata } = [],
  opts: { name?: string; metadata?: ModelMetadata } = {},
): Sequential {
  if (layers !== null && typeof layers === 'object' && !Array.isArray(layers) && !(layers instanceof Layer)) {
    const { layers: list, ...rest } = layers;
    for (const k of Object.keys(rest))
      if (k !== 'name' && k !== 'metadata') throw new ArgumentError(`sequential: unknown option '${k}' (sequential takes layers, name, metadata)`);
    return new Sequential(list ?? [], rest);
  }
  return new Sequential(layers as Layer[], opts);
}

// io loads models through a registry and an interface (io never imports train): Sequential registers
// its factory, and its type, so that nb.loadModel is typed as Sequential.
registerModelClass('Sequential', (config) => Sequential.fromConfig(config as Parameters<typeof Sequential.fromConfig>[0]));
declare module '../io/saveable.js' {
  interface ModelClasses {
    Sequential: Sequential;
  }
}
