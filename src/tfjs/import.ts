// nb.tfjs.importModel: a TF.js layers model (model.json + weights.bin, or the
// artifacts a TF.js save handler receives) as a nabla Sequential.
import { concatBytes } from '../core/bytes.js';
import { describe } from '../core/describe.js';
import { nodeBuiltin } from '../core/platform.js';
import { Tensor } from '../tensor/tensor.js';
import { layerFromConfig, type Layer } from '../nn/layer.js';
import { Sequential } from '../train/sequential.js';
import {
  ACTIVATION_KEYS,
  activationFromTfjs,
  fromKeras,
  IGNORED,
  kerasWeightName,
  MAX_WRAPPER_DEPTH,
  TFJS_ACTIVATIONS,
  TFJS_LAYERS,
  TFJS_WRAPPERS,
  tfjsError,
  tfjsLimit,
} from './keras.js';
import { readSource, type LoadModelOptions, type ModelSource } from '../io/model-file.js';

/** A weight spec of the manifest (TF.js's WeightsManifestEntry): its name, shape, dtype, and quantization (which nabla refuses). */
export interface TfjsWeightEntry {
  name: string;
  shape: number[];
  dtype?: string;
  quantization?: unknown;
}
type WeightSpec = TfjsWeightEntry;
/** The Keras/TF.js topology: { class_name: 'Sequential', config: { layers } } (or, older, config = the layer list). */
interface Topology {
  class_name?: string;
  config?: unknown;
  model_config?: Topology;
}

/** TF.js's in-memory artifacts (what tf.io.withSaveHandler receives; tf.io.fromMemory gives). */
export interface TfjsArtifacts {
  modelTopology: unknown;
  weightSpecs: TfjsWeightEntry[];
  weightData: ArrayBuffer | Uint8Array;
}

const MAX_LAYERS = 4096;

/**
 * A nabla Sequential from a TF.js layers model: either `{ modelJson, weights }`
 * (the two files, weights.bin's bytes) or TF.js's in-memory artifacts
 * `{ modelTopology, weightSpecs, weightData }`. Layers nabla lacks, options
 * it has no equivalent for (a recurrent dropout, a regulariser, a GRU without
 * resetAfter false...) and weights that do not fill their specs are refused
 * by name, before any weight is allocated.
 */
export function importModel(source: { modelJson: unknown; weights: Uint8Array | ArrayBuffer } | TfjsArtifacts): Sequential {
  if (source === null || typeof source !== 'object')
    throw tfjsError(`tfjs.importModel: expected { modelJson, weights } or TF.js artifacts, got ${describe(source)}`);
  let topology: unknown, specs: unknown, data: Uint8Array;
  if ('modelJson' in source) {
    const json = (typeof source.modelJson === 'string' ? parse(source.modelJson) : source.modelJson) as {
      format?: unknown;
      modelTopology?: unknown;
      weightsManifest?: { weights?: unknown }[];
    } | null;
    if (!json || typeof json !== 'object') throw tfjsError('tfjs.importModel: modelJson is not a model.json object');
    if (json.format === 'graph-model') throw tfjsError(`tfjs.importModel: ${GRAPH_MODEL}`);
    topology = json.modelTopology;
    specs = Array.isArray(json.weightsManifest) ? json.weightsManifest.flatMap((g) => (Array.isArray(g?.weights) ? g.weights : [])) : undefined;
    data = bytes(source.weights);
  } else {
    topology = (source as TfjsArtifacts).modelTopology;
    specs = (source as TfjsArtifacts).weightSpecs;
    data = bytes((source as TfjsArtifacts).weightData);
  }
  let layerSpecs = layersOf(topology as Topology);
  // a model converted from Keras starts with its InputLayer, which holds the input shape
  let first = 0;
  let fromInputLayer: number[] | undefined;
  if (layerSpecs[0]?.class_name === 'InputLayer') {
    fromInputLayer = inputLayerShape(layerSpecs[0].config);
    layerSpecs = layerSpecs.slice(1);
    first = 1;
  }
  if (!Array.isArray(specs)) throw tfjsError('tfjs.importModel: the model has no weights manifest');
  // the weights: each spec's bytes, checked to fill the data exactly
  const byName = new Map<string, Tensor>();
  let at = 0;
  for (const s of specs as WeightSpec[]) {
    if (!s || typeof s.name !== 'string' || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw tfjsError(`tfjs.importModel: invalid weight spec ${describe(s)}`);
    if ((s.dtype ?? 'float32') !== 'float32' || s.quantization)
      throw tfjsError(`tfjs.importModel: weight '${s.name}' is ${s.quantization ? 'quantized' : s.dtype}; nabla reads float32 weights`);
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (at + 4 * n > data.length)
      throw tfjsError(
        `tfjs.importModel: the weights are truncated: '${s.name}' [${s.shape.join(',')}] needs bytes ${at}..${at + 4 * n}, the data has ${data.length}`,
      );
    byName.set(s.name, new Tensor(new Float32Array(data.slice(at, at + 4 * n).buffer), s.shape));
    at += 4 * n;
  }
  if (at !== data.length) throw tfjsError(`tfjs.importModel: the weight data has ${data.length} bytes, the manifest describes ${at}`);
  let inputShape: number[] | undefined;
  const layers: Layer[] = layerSpecs.map((spec, i) => {
    const { className, config } = layerConfig(spec, i + first);
    if (i === 0 && Array.isArray(config['batchInputShape'])) inputShape = (config['batchInputShape'] as number[]).slice(1);
    else if (i === 0) inputShape = fromInputLayer;
    delete config['batchInputShape'];
    if (i === 0 && inputShape) config['inputShape'] = inputShape;
    return layerFromConfig({ className, config });
  });
  const model = new Sequential(layers, {
    name: typeof (topology as Topology)?.config === 'object' ? ((topology as Topology).config as { name?: string }).name : undefined,
  });
  if (!model.inputShape) throw tfjsError('tfjs.importModel: the first layer has no batch_input_shape: nabla needs the input shape to build the model');
  for (const layer of model.layers) {
    const named = layer.namedParameters();
    const ws = named.map(([w]) => {
      const t =
        byName.get(`${layer.name}/${kerasWeightName(w)}`) ??
        [...byName.entries()].find(([k]) => k.endsWith(`/${kerasWeightName(w)}`) && k.split('/').slice(-2, -1)[0] === layer.name)?.[1];
      if (!t)
        throw tfjsError(
          `tfjs.importModel: no weight '${layer.name}/${kerasWeightName(w)}' in the manifest (it has ${[...byName.keys()].slice(0, 6).join(', ')})`,
        );
      return t;
    });
    if (ws.length) layer.setWeights(ws);
  }
  return model;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw tfjsError(`tfjs.importModel: model.json is not JSON (${(e as Error).message})`);
  }
}

function bytes(b: unknown): Uint8Array {
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  throw tfjsError(`tfjs.importModel: the weights must be a Uint8Array or ArrayBuffer, got ${describe(b)}`);
}

function layersOf(t: Topology | undefined): { class_name?: unknown; config?: unknown }[] {
  const top = t?.model_config ?? t;
  if (!top || typeof top !== 'object') throw tfjsError('tfjs.importModel: the model has no topology');
  if (Array.isArray((top as { node?: unknown }).node)) throw tfjsError(`tfjs.importModel: ${GRAPH_MODEL}`);
  if (top.class_name === 'Model' || top.class_name === 'Functional')
    throw tfjsError(
      `tfjs.importModel: the model is a functional Keras model (class_name '${top.class_name}'), not a Sequential: nabla's TF.js importer reads Sequential models (a layer list)`,
    );
  if (top.class_name !== 'Sequential') throw tfjsError(`tfjs.importModel: the model is a ${describe(top.class_name)}; nabla imports Sequential models`);
  const layers = Array.isArray(top.config) ? top.config : (top.config as { layers?: unknown } | undefined)?.layers;
  if (!Array.isArray(layers) || layers.length > MAX_LAYERS) throw tfjsError('tfjs.importModel: the topology has no layer list');
  return layers as { class_name?: unknown; config?: unknown }[];
}

function layerConfig(spec: { class_name?: unknown; config?: unknown }, i: number, depth = 0): { className: string; config: Record<string, unknown> } {
  const className = spec?.class_name;
  if (depth > MAX_WRAPPER_DEPTH) throw tfjsError(`tfjs.importModel: layer ${i} nests wrappers more than ${MAX_WRAPPER_DEPTH} deep`);
  if (className === 'InputLayer') throw tfjsError(`tfjs.importModel: layer ${i} is an InputLayer, which may only come first in a Sequential`);
  if (typeof className !== 'string' || !(TFJS_LAYERS as readonly string[]).includes(className)) {
    throw tfjsError(`tfjs.importModel: layer ${i} is a ${describe(className)}, which nabla does not have (it reads ${TFJS_LAYERS.join(', ')})`);
  }
  const raw = fromKeras(spec.config ?? {}) as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'layer' && TFJS_WRAPPERS.includes(className)) {
      // a wrapper's layer: checked and converted as a layer of its own
      config[k] = layerConfig((spec.config as { layer?: { class_name?: unknown; config?: unknown } }).layer ?? {}, i, depth + 1);
      continue;
    }
    if (ACTIVATION_KEYS.includes(k)) {
      // as TF.js reads it: 'hard_sigmoid' is its 0.2x + 0.5 (nabla's hardSigmoidKeras2), not nabla's x/6 + 1/2
      const a = activationFromTfjs(v);
      if (a === null)
        throw tfjsError(
          `tfjs.importModel: layer '${String(raw['name'])}' (${className}) has ${k} ${JSON.stringify(v)}, which nabla does not read from TF.js (it reads ${[...Object.values(TFJS_ACTIVATIONS)].join(', ')})`,
        );
      config[k] = a;
      continue;
    }
    if (k in IGNORED) {
      const unused = IGNORED[k];
      if (unused !== undefined && v !== unused && !(v === null && unused === null) && !(k === 'dtype' && v === 'float32')) {
        throw tfjsError(`tfjs.importModel: layer '${String(raw['name'])}' (${className}) has ${k} = ${JSON.stringify(v)}, which nabla does not have`);
      }
      continue;
    }
    config[k] = k.endsWith('Initializer') ? initializer(v, String(raw['name']), k) : v;
  }
  // TF.js's LSTM and GRU default to its hard sigmoid (nabla's to the sigmoid)
  if ((className === 'LSTM' || className === 'GRU') && !('recurrentActivation' in config)) config['recurrentActivation'] = 'hardSigmoidKeras2';
  const limit = tfjsLimit(className, config);
  if (limit) throw tfjsError(`tfjs.importModel: layer '${String(raw['name'])}' (${className}) has ${limit}`);
  return { className, config };
}

const GRAPH_MODEL =
  "the model is a TF.js graph model (format 'graph-model': a converted TensorFlow graph, run by tf.loadGraphModel), not a layers model; nabla imports TF.js layers models (format 'layers-model')";

/** The input shape (without the batch) of a Keras InputLayer's config: its batch_input_shape (Keras 2) or batch_shape (Keras 3). */
function inputLayerShape(config: unknown): number[] {
  const c = (fromKeras(config ?? {}) ?? {}) as Record<string, unknown>;
  const shape = c['batchInputShape'] ?? c['batchShape'];
  if (!Array.isArray(shape) || shape.length < 2 || !shape.slice(1).every((d) => Number.isSafeInteger(d) && d > 0))
    throw tfjsError(`tfjs.importModel: the InputLayer has no batch_input_shape of positive sizes (got ${describe(shape)})`);
  for (const k of ['sparse', 'ragged']) if (c[k] === true) throw tfjsError(`tfjs.importModel: the InputLayer is ${k}, which nabla does not have`);
  return (shape as number[]).slice(1);
}

/**
 * A Keras initializer config in nabla's names: TF.js writes Glorot and He as
 * VarianceScaling (only their use in further training depends on it: the
 * imported weights are loaded); a null seed is dropped.
 */
function initializer(v: unknown, layer: string, key: string): unknown {
  const spec = v as { className?: string; config?: Record<string, unknown> } | null;
  if (!spec || typeof spec !== 'object' || typeof spec.className !== 'string') return v;
  const config = Object.fromEntries(Object.entries(spec.config ?? {}).filter(([k, x]) => !(k === 'seed' && x === null)));
  if (spec.className !== 'VarianceScaling') return { className: spec.className, config };
  const { scale, mode, distribution } = config as { scale?: number; mode?: string; distribution?: string };
  const normal = distribution === 'normal' || distribution === 'truncated_normal';
  if (scale === 1 && mode === 'fan_avg') return normal ? 'glorotNormal' : 'glorotUniform';
  if (scale === 2 && mode === 'fan_in') return normal ? 'heNormal' : 'heUniform';
  throw tfjsError(`tfjs.importModel: layer '${layer}' has ${key} VarianceScaling(scale ${scale}, ${mode}, ${distribution}), which nabla does not have`);
}

/**
 * Loads a TF.js layers model from its model.json — a path (Node), an
 * http(s):// or page-relative URL, or a File — and the weight files its
 * manifest names beside it, then imports it (see importModel). Each file is
 * bounded by `opts.maxBytes`; weight paths that leave model.json's folder
 * are refused.
 */
export async function loadModel(source: ModelSource, opts: LoadModelOptions = {}): Promise<Sequential> {
  const op = 'tfjs.loadModel';
  const { bytes, name } = await readSource(op, source, opts);
  const json = parse(new TextDecoder().decode(bytes)) as { weightsManifest?: { paths?: unknown }[] } | null;
  const paths = (json && Array.isArray(json.weightsManifest) ? json.weightsManifest : []).flatMap((g) => (Array.isArray(g?.paths) ? g.paths : []));
  if (!paths.every((p): p is string => typeof p === 'string' && p !== '' && !/^[a-z][a-z0-9+.-]*:|^\/|(^|\/)\.\.(\/|$)/i.test(p))) {
    throw tfjsError(`${op}: ${name} names weight files outside its folder or of no name: ${JSON.stringify(paths)}`);
  }
  const page = nodeBuiltin('node:fs') ? undefined : (globalThis as { location?: { href?: string } }).location?.href;
  const beside = (p: string) =>
    /^[a-z][a-z0-9+.-]*:\/\//i.test(name) ? new URL(p, name).href : page ? new URL(p, new URL(name, page)).href : name.replace(/[^/]*$/, '') + p;
  const parts: Uint8Array[] = [];
  for (const p of paths) parts.push((await readSource(op, beside(p), opts)).bytes);
  const weights = concatBytes(parts);
  return importModel({ modelJson: json, weights });
}
