// nb.tfjs.exportModel: a Sequential in TF.js's layers format (model.json +
// weights.bin), which tf.loadLayersModel reads (and Keras, through
// tensorflowjs_converter).
import { ArgumentError } from '../core/errors.js';
import { describe } from '../core/describe.js';
import type { Tensor } from '../tensor/tensor.js';
import { ACTIVATION_KEYS, kerasWeightName, MAX_WRAPPER_DEPTH, TFJS_LAYERS, tfjsActivation, tfjsLimit, toKeras } from './keras.js';

/** A weight's entry in the manifest. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
}

/** The model.json of TF.js's layers format. */
export interface TfjsModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: {
    class_name: 'Sequential';
    config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] };
    keras_version: string;
    backend: string;
  };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
}

/** What exportModel returns: the two files, and TF.js's in-memory artifacts (tf.io.fromMemory takes them). */
export interface TfjsFiles {
  modelJson: TfjsModelJson;
  /** The weights, little-endian float32, in the manifest's order (the file weights.bin). */
  weights: Uint8Array;
}

interface ExportableLayer {
  readonly name: string;
  readonly className: string;
  getConfig(): Record<string, unknown>;
  namedParameters(prefix?: string): [string, { value: Tensor }][];
}
interface ExportableModel {
  readonly name: string;
  readonly layers: readonly ExportableLayer[];
  readonly inputShape: readonly number[] | undefined;
}

/**
 * The model in TF.js's layers format: `modelJson` (Keras class names and
 * snake_case configs; the first layer's `batch_input_shape`) and `weights`
 * (weights.bin: each layer's weights in its order, float32). Layers TF.js
 * lacks, options it cannot hold (a GRU with resetAfter: TF.js has none) and
 * activations it does not have (leakyRelu, nabla's x/6 + 1/2 hardSigmoid...),
 * in a layer or inside a wrapper, are refused by name; 'hardSigmoidKeras2' is
 * written as TF.js's 'hard_sigmoid'.
 */
export function exportModel(model: ExportableModel, opts: { weightsPath?: string } = {}): TfjsFiles {
  if (model === null || typeof model !== 'object' || !Array.isArray((model as ExportableModel).layers))
    throw new ArgumentError(`tfjs.exportModel: argument model must be a Sequential, got ${describe(model)}`);
  const kind = (model as { modelClassName?: string }).modelClassName;
  if (kind !== undefined && kind !== 'Sequential')
    throw new ArgumentError(
      `tfjs.exportModel: '${model.name}' is a functional ${kind}; the TF.js exporter writes Sequential models only (a functional model saves with model.save)`,
    );
  if (!model.inputShape) throw new ArgumentError('tfjs.exportModel: the model is not built: give its first layer an inputShape, or call it once on an example');
  const layers: { class_name: string; config: Record<string, unknown> }[] = [];
  const specs: TfjsWeightSpec[] = [];
  const tensors: Tensor[] = [];
  model.layers.forEach((layer, i) => {
    const c = tfjsConfig(layer.name, layer.className, layer.getConfig(), []);
    delete c['inputShape'];
    const config = toKeras(c) as Record<string, unknown>;
    if (i === 0) config['batch_input_shape'] = [null, ...model.inputShape!];
    config['trainable'] = true;
    layers.push({ class_name: layer.className, config });
    for (const [weight, v] of layer.namedParameters()) {
      const t = v.value;
      if (t.dtype !== 'float32') throw new ArgumentError(`tfjs.exportModel: weight '${layer.name}.${weight}' is ${t.dtype}; TF.js layers store float32`);
      specs.push({ name: `${layer.name}/${kerasWeightName(weight)}`, shape: [...t.shape], dtype: 'float32' });
      tensors.push(t);
    }
  });
  const bytes = new Uint8Array(tensors.reduce((n, t) => n + t.storage.byteLength, 0));
  let at = 0;
  for (const t of tensors) {
    const s = t.storage;
    bytes.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), at);
    at += s.byteLength;
  }
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'nabla 0.1.0',
      convertedBy: null,
      modelTopology: { class_name: 'Sequential', config: { name: model.name, layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
      weightsManifest: [{ paths: [opts.weightsPath ?? 'weights.bin'], weights: specs }],
    },
    weights: bytes,
  };
}

/**
 * A layer's (camelCase) config as TF.js reads it, its activations in TF.js's
 * names, checked on the way (and a wrapper's layer with it): a class, an
 * option or an activation TF.js does not have is refused, naming the layer.
 * `outer` holds the classes of the wrappers around it.
 */
function tfjsConfig(name: string, className: string, config: Record<string, unknown>, outer: string[]): Record<string, unknown> {
  const op = 'tfjs.exportModel';
  const what = `layer '${name}' is a ${[...outer, className].join(' of a ')}`;
  if (outer.length > MAX_WRAPPER_DEPTH) throw new ArgumentError(`${op}: ${what}: wrappers nest more than ${MAX_WRAPPER_DEPTH} deep`);
  if (!(TFJS_LAYERS as readonly string[]).includes(className)) throw new ArgumentError(`${op}: ${what}, which TF.js does not have`);
  const c = { ...config };
  if (className === 'GRU' && c['resetAfter'] === true)
    throw new ArgumentError(`${op}: ${what} with resetAfter: true, which TF.js's GRU does not support: build it with resetAfter: false`);
  const limit = tfjsLimit(className, c);
  if (limit) throw new ArgumentError(`${op}: ${what} with ${limit}`);
  if (c['keepDims'] === true) throw new ArgumentError(`${op}: ${what} with keepDims: true, which TF.js's does not have`);
  for (const key of ACTIVATION_KEYS) {
    if (!(key in c)) continue;
    const a = tfjsActivation(c[key]);
    if ('why' in a) throw new ArgumentError(`${op}: ${what} with ${key} ${a.why}`);
    c[key] = a.name;
  }
  const inner = c['layer'] as { className?: unknown; config?: Record<string, unknown> } | undefined;
  if (inner && typeof inner === 'object' && typeof inner.className === 'string')
    c['layer'] = { className: inner.className, config: tfjsConfig(name, inner.className, inner.config ?? {}, [...outer, className]) };
  return c;
}
