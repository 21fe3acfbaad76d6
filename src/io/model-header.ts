import type { DType } from '../core/dtype.js';

/**
 * The limits a model file's header must respect, checked before anything is
 * built or allocated. They are far above any model nabla trains, and low
 * enough that a forged header cannot make the reader hang or exhaust memory.
 */
export const MODEL_FILE_LIMITS = Object.freeze({
  /** Bytes of header JSON. */
  headerBytes: 16 * 2 ** 20,
  /** Layers of a model. */
  layers: 4096,
  /** Weight entries (a layer has at most a handful). */
  weights: 16384,
  /** Dimensions of a weight or of an input shape. */
  rank: 8,
  /** One dimension, and a layer's units, filters or vocabulary. */
  dim: 2 ** 31 - 1,
  /** Nesting of a layer config, the compile settings or the metadata. */
  depth: 32,
  /** Elements of an array inside a layer config. */
  configArray: 64,
});

/** One weight of the manifest: where its little-endian bytes lie in the weight block. */
export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: DType;
  offset: number;
  byteLength: number;
}

/** A layer of the saved architecture. */
export interface LayerSpec {
  className: string;
  config: Record<string, unknown>;
  /** A functional model's layer: its name and its calls' inputs ([layer, call, output] each). */
  name?: string;
  inboundNodes?: [string, number, number][][];
}

/** [layer name, call index, output index]: a layer output in a functional model's config. */
type TensorRef = [string, number, number];

/** The header of a model file, after validation. */
export interface Header {
  format: 'nabla-model';
  version: number;
  model: {
    className: 'Sequential' | 'Model';
    config: { name?: string; layers: LayerSpec[]; metadata?: Record<string, unknown>; inputLayers?: TensorRef[]; outputLayers?: TensorRef[] };
  };
  weights: WeightEntry[];
  weightBytes: number;
  /** Version 1 only: FNV-1a of the weight block (version 2 has a CRC-32 of the whole file in its preamble). */
  checksum?: number;
  compile: { loss: string | string[]; metrics: string[]; optimizer: Record<string, unknown>; lossWeights?: number[] } | null;
}

const BYTES_PER: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** A value a header field cannot hold, reported as `field: why`. */
export class HeaderProblem extends Error {}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

function problem(field: string, why: string): never {
  throw new HeaderProblem(`${field} ${why}`);
}

function object(field: string, v: unknown): Record<string, unknown> {
  if (!isPlainObject(v)) problem(field, `must be an object, got ${describe(v)}`);
  return v;
}

function string(field: string, v: unknown, maxLength = 1024): string {
  if (typeof v !== 'string') problem(field, `must be a string, got ${describe(v)}`);
  if (v.length > maxLength) problem(field, `is longer than ${maxLength} characters`);
  return v;
}

function integer(field: string, v: unknown, min: number, max: number): number {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max)) problem(field, `must be an integer in [${min}, ${max}], got ${describe(v)}`);
  return v;
}

function array(field: string, v: unknown, maxLength: number): unknown[] {
  if (!Array.isArray(v)) problem(field, `must be an array, got ${describe(v)}`);
  if (v.length > maxLength) problem(field, `has ${v.length} elements, more than the limit of ${maxLength}`);
  return v;
}

function shape(field: string, v: unknown, minDim: number): number[] {
  return array(field, v, MODEL_FILE_LIMITS.rank).map((d, i) => integer(`${field}[${i}]`, d, minDim, MODEL_FILE_LIMITS.dim));
}

/**
 * Checks a JSON value without recursion: nesting at most `depth`, every
 * number finite (JSON's 1e999 parses to Infinity), every object plain, and
 * with `maxArray`, no array longer than that.
 */
function plainJson(field: string, v: unknown, depth: number, maxArray = Infinity): void {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) problem(field, `holds a number that is not finite (${x})`);
    } else if (x !== null && typeof x === 'object') {
      if (d >= depth) problem(field, `is nested deeper than ${depth} levels`);
      if (Array.isArray(x)) {
        if (x.length > maxArray) problem(field, `holds an array of ${x.length} elements, more than the limit of ${maxArray}`);
        for (const e of x) stack.push([e, d + 1]);
      } else {
        if (!isPlainObject(x)) problem(field, 'holds a value that is not plain JSON');
        for (const e of Object.values(x)) stack.push([e, d + 1]);
      }
    } else if (typeof x !== 'string' && typeof x !== 'boolean') {
      problem(field, `holds ${typeof x}`);
    }
  }
}

/** Config keys that size a layer: positive integers within the dimension limit. */
const SIZE_KEYS = ['units', 'filters', 'inputDim', 'outputDim'];

function layerSpec(field: string, v: unknown): LayerSpec {
  const o = object(field, v);
  const className = string(`${field}.className`, o['className'], 64);
  const config = object(`${field}.config`, o['config']);
  plainJson(`${field}.config`, config, MODEL_FILE_LIMITS.depth, MODEL_FILE_LIMITS.configArray);
  if (config['name'] !== undefined) string(`${field}.config.name`, config['name'], 256);
  if (config['inputShape'] !== undefined) shape(`${field}.config.inputShape`, config['inputShape'], 1);
  const int32 = className === 'InputLayer' && config['dtype'] === 'int32';
  if (config['dtype'] !== undefined && config['dtype'] !== 'float32' && config['dtype'] !== 'float64' && !int32) {
    problem(`${field}.config.dtype`, `must be 'float32' or 'float64', got ${describe(config['dtype'])}`);
  }
  for (const k of SIZE_KEYS) if (config[k] !== undefined) integer(`${field}.config.${k}`, config[k], 1, MODEL_FILE_LIMITS.dim);
  const spec: LayerSpec = { className, config };
  if (o['name'] !== undefined) spec.name = string(`${field}.name`, o['name'], 256);
  if (o['inboundNodes'] !== undefined)
    spec.inboundNodes = array(`${field}.inboundNodes`, o['inboundNodes'], MODEL_FILE_LIMITS.layers).map((n, i) =>
      array(`${field}.inboundNodes[${i}]`, n, MODEL_FILE_LIMITS.layers).map((r, j) => tensorRef(`${field}.inboundNodes[${i}][${j}]`, r)),
    );
  return spec;
}

/** [layer name, call index, output index], checked. */
function tensorRef(field: string, v: unknown): TensorRef {
  const a = array(field, v, 4);
  if (a.length < 3) problem(field, `must be [layer name, call index, output index], got ${describe(v)}`);
  return [
    string(`${field}[0]`, a[0], 256),
    integer(`${field}[1]`, a[1], 0, MODEL_FILE_LIMITS.layers),
    integer(`${field}[2]`, a[2], 0, MODEL_FILE_LIMITS.layers),
  ];
}

function weightEntry(field: string, v: unknown): WeightEntry {
  const o = object(field, v);
  const name = string(`${field}.name`, o['name'], 1024);
  const dtype = o['dtype'];
  if (typeof dtype !== 'string' || !Object.hasOwn(BYTES_PER, dtype))
    problem(`${field}.dtype`, `must be one of ${Object.keys(BYTES_PER).join(', ')}, got ${describe(dtype)}`);
  const dims = shape(`${field}.shape`, o['shape'], 0);
  const offset = integer(`${field}.offset`, o['offset'], 0, Number.MAX_SAFE_INTEGER);
  if (offset % 8 !== 0) problem(`${field}.offset`, `must be a multiple of 8, got ${offset}`);
  const byteLength = integer(`${field}.byteLength`, o['byteLength'], 0, Number.MAX_SAFE_INTEGER);
  const expected = dims.reduce((a, d) => a * d, 1) * BYTES_PER[dtype as DType];
  if (byteLength !== expected) problem(`${field}.byteLength`, `is ${byteLength}, but a ${dtype} weight of shape [${dims.join(',')}] has ${expected} bytes`);
  return { name, shape: dims, dtype: dtype as DType, offset, byteLength };
}

/**
 * The header of a model file of format `version`, checked field by field
 * (types, ranges and the limits of MODEL_FILE_LIMITS), and its weight entries
 * checked against the `weightBytes` the file holds: each inside the weight
 * block, 8-byte aligned, its length = size of its shape × bytes of its dtype,
 * no two overlapping, names unique, and together filling the block exactly.
 * Throws a HeaderProblem naming the field.
 */
export function validateHeader(value: unknown, version: number, weightBytesPresent: number): Header {
  const h = object('the header', value);
  if (h['format'] !== 'nabla-model') problem('format', `must be "nabla-model", got ${describe(h['format'])}`);
  if (h['version'] !== version) problem('version', `is ${describe(h['version'])} but the file's preamble says ${version}`);

  const model = object('model', h['model']);
  const modelClass = model['className'];
  if (modelClass !== 'Sequential' && modelClass !== 'Model') problem('model.className', `must be "Sequential" or "Model", got ${describe(modelClass)}`);
  const config = object('model.config', model['config']);
  const name = config['name'] === undefined ? undefined : string('model.config.name', config['name'], 256);
  const layers = array('model.config.layers', config['layers'], MODEL_FILE_LIMITS.layers).map((l, i) => layerSpec(`model.config.layers[${i}]`, l));
  let metadata: Record<string, unknown> | undefined;
  if (config['metadata'] !== undefined) {
    metadata = object('model.config.metadata', config['metadata']);
    plainJson('model.config.metadata', metadata, MODEL_FILE_LIMITS.depth);
    const classNames = metadata['classNames'];
    if (classNames !== undefined)
      array('model.config.metadata.classNames', classNames, Infinity).forEach((c, i) => string(`model.config.metadata.classNames[${i}]`, c));
    const task = metadata['task'];
    if (task !== undefined && task !== 'classification' && task !== 'regression')
      problem('model.config.metadata.task', `must be "classification" or "regression", got ${describe(task)}`);
  }

  const weightBytes = integer('weightBytes', h['weightBytes'], 0, Number.MAX_SAFE_INTEGER);
  if (weightBytes !== weightBytesPresent) problem('weightBytes', `is ${weightBytes} but the file holds ${weightBytesPresent} bytes of weights`);
  const weights = array('weights', h['weights'], MODEL_FILE_LIMITS.weights).map((w, i) => weightEntry(`weights[${i}]`, w));
  checkLayout(weights, weightBytes);

  let compile: Header['compile'] = null;
  if (h['compile'] !== null && h['compile'] !== undefined) {
    const c = object('compile', h['compile']);
    plainJson('compile', c, MODEL_FILE_LIMITS.depth, MODEL_FILE_LIMITS.configArray);
    compile = {
      loss: Array.isArray(c['loss'])
        ? array('compile.loss', c['loss'], MODEL_FILE_LIMITS.layers).map((l, i) => string(`compile.loss[${i}]`, l, 256))
        : string('compile.loss', c['loss'], 256),
      metrics: array('compile.metrics', c['metrics'], 64).map((m, i) => string(`compile.metrics[${i}]`, m, 256)),
      optimizer: object('compile.optimizer', c['optimizer']),
    };
    if (c['lossWeights'] !== undefined)
      compile.lossWeights = array('compile.lossWeights', c['lossWeights'], MODEL_FILE_LIMITS.layers).map((w, i) => {
        if (typeof w !== 'number' || !Number.isFinite(w)) problem(`compile.lossWeights[${i}]`, `must be a finite number, got ${describe(w)}`);
        return w as number;
      });
  }
  const out: Header = {
    format: 'nabla-model',
    version,
    model: { className: modelClass as 'Sequential' | 'Model', config: { layers } },
    weights,
    weightBytes,
    compile,
  };
  if (name !== undefined) out.model.config.name = name;
  if (modelClass === 'Model') {
    out.model.config.inputLayers = array('model.config.inputLayers', config['inputLayers'], MODEL_FILE_LIMITS.layers).map((r, i) =>
      tensorRef(`model.config.inputLayers[${i}]`, r),
    );
    out.model.config.outputLayers = array('model.config.outputLayers', config['outputLayers'], MODEL_FILE_LIMITS.layers).map((r, i) =>
      tensorRef(`model.config.outputLayers[${i}]`, r),
    );
  }
  if (metadata !== undefined) out.model.config.metadata = metadata;
  if (version === 1) out.checksum = integer('checksum', h['checksum'], 0, 0xffffffff);
  return out;
}

/** Entries inside the block, unique, not overlapping, and filling it exactly (each padded to 8 bytes). */
function checkLayout(weights: WeightEntry[], weightBytes: number): void {
  const names = new Set<string>();
  for (const w of weights) {
    if (names.has(w.name)) problem('weights', `name the weight '${w.name}' twice`);
    names.add(w.name);
    if (w.offset + w.byteLength > weightBytes)
      problem(`weight '${w.name}'`, `lies outside the weight block: bytes ${w.offset}..${w.offset + w.byteLength} of ${weightBytes}`);
  }
  const padded = (w: WeightEntry) => Math.ceil(w.byteLength / 8) * 8;
  const byOffset = [...weights].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!,
      cur = byOffset[i]!;
    if (prev.offset + padded(prev) > cur.offset) problem(`weight '${cur.name}'`, `overlaps weight '${prev.name}' (offsets ${prev.offset} and ${cur.offset})`);
  }
  const total = weights.reduce((n, w) => n + padded(w), 0);
  if (total !== weightBytes) problem('weights', `take ${total} bytes but the weight block has ${weightBytes}`);
}
