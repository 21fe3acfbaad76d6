import { ArgumentError, NablaError } from '../core/errors.js';
import { nodeBuiltin } from '../core/platform.js';
import { allocate, checkDType, type DType } from '../core/dtype.js';
import { sizeOf } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Sequential } from '../train/sequential.js';
import { optimizerFromConfig } from '../optim/index.js';

/**
 * nabla's model file: one file holding
 *   8 bytes   the magic 'NABLAMDL'
 *   4 bytes   the format version (uint32, little-endian)
 *   4 bytes   the header length H (uint32)
 *   H bytes   the header, UTF-8 JSON: architecture, weight manifest, compile settings, checksum
 *   the rest  the weights, each at its manifest offset (8-byte aligned), little-endian
 */
const MAGIC = 'NABLAMDL';
export const FORMAT_VERSION = 1;

/** A corrupt, truncated or foreign file. */
export class ModelFileError extends NablaError {
  override name = 'ModelFileError';
}

interface WeightEntry { name: string; shape: number[]; dtype: DType; offset: number; byteLength: number }
interface Header {
  format: 'nabla-model';
  version: number;
  model: { className: 'Sequential'; config: ReturnType<Sequential['getConfig']> };
  weights: WeightEntry[];
  weightBytes: number;
  checksum: number;
  compile: Record<string, unknown> | null;
}

/** FNV-1a over bytes: cheap, and enough to tell a damaged weight block. */
function checksum(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

type Fs = typeof import('node:fs/promises');
function fs(): Fs {
  const m = nodeBuiltin<Fs>('node:fs/promises');
  if (!m) throw new ArgumentError('save/load: files need Node; in a browser use model.getWeights() and getConfig()');
  return m;
}

/** The bytes of a model file. */
export function encodeModel(model: Sequential): Uint8Array {
  const entries: WeightEntry[] = [];
  let offset = 0;
  const named = model.namedParameters();
  for (const [name, v] of named) {
    const byteLength = v.value.storage.byteLength;
    entries.push({ name, shape: [...v.shape], dtype: v.dtype, offset, byteLength });
    offset += (byteLength + 7) & ~7;
  }
  const weights = new Uint8Array(offset);
  named.forEach(([, v], i) => {
    const s = v.value.storage;
    weights.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), entries[i]!.offset);
  });
  const header: Header = {
    format: 'nabla-model', version: FORMAT_VERSION,
    model: { className: 'Sequential', config: model.getConfig() },
    weights: entries, weightBytes: weights.length, checksum: checksum(weights),
    compile: model.getCompileConfig(),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(16 + json.length + weights.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(weights, 16 + json.length);
  return out;
}

/** A model from the bytes of a model file; `source` names it in errors. */
export function decodeModel(bytes: Uint8Array, source = 'the model file'): Sequential {
  const fail = (why: string) => new ModelFileError(`loadModel: ${source} ${why}`);
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw fail('is not a nabla model file (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version > FORMAT_VERSION) throw fail(`has format version ${version}; this nabla reads up to ${FORMAT_VERSION}: upgrade nabla`);
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > bytes.length) throw fail(`is truncated: its header needs ${headerLength} bytes, only ${bytes.length - 16} remain`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength))) as Header;
  } catch (e) {
    throw fail(`has a corrupt header (${(e as Error).message})`);
  }
  const weights = bytes.subarray(16 + headerLength);
  if (weights.length < header.weightBytes) throw fail(`is truncated: expected ${header.weightBytes} bytes of weights, found ${weights.length}`);
  if (checksum(weights.subarray(0, header.weightBytes)) !== header.checksum) throw fail('is corrupt: the weights do not match their checksum');
  const model = Sequential.fromConfig(header.model.config);
  const state: Record<string, Tensor> = {};
  for (const w of header.weights) {
    const dtype = checkDType('loadModel', w.dtype);
    const n = sizeOf(w.shape);
    const data = allocate(dtype, n);
    if (data.byteLength !== w.byteLength || w.offset + w.byteLength > header.weightBytes) throw fail(`has an inconsistent entry for weight '${w.name}'`);
    new Uint8Array(data.buffer).set(weights.subarray(w.offset, w.offset + w.byteLength));
    state[w.name] = new Tensor(data, w.shape);
  }
  model.loadStateDict(state);
  if (header.compile) {
    const c = header.compile as { loss: string; metrics: string[]; optimizer: Record<string, unknown> };
    model.compile({ loss: c.loss, metrics: c.metrics, optimizer: optimizerFromConfig(c.optimizer) });
  }
  model.train(false);
  return model;
}

/**
 * Writes the model to `path` atomically: to a temporary file beside it,
 * then renamed over it, so a failed save never destroys the previous file.
 */
export async function saveModel(model: Sequential, path: string): Promise<void> {
  const f = fs();
  const bytes = encodeModel(model);
  const tmp = `${path}.tmp-${(globalThis as { process?: { pid?: number } }).process?.pid ?? 0}-${Date.now()}`;
  try {
    await f.writeFile(tmp, bytes);
    await f.rename(tmp, path);
  } catch (e) {
    await f.rm(tmp, { force: true }).catch(() => undefined);
    throw new ModelFileError(`save: could not write ${path}: ${(e as Error).message}`);
  }
}

/** Reads a model written by model.save: the same architecture, weights (bit for bit) and compile settings. */
export async function loadModel(path: string): Promise<Sequential> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs().readFile(path));
  } catch (e) {
    throw new ModelFileError(`loadModel: cannot read ${path}: ${(e as Error).message}`);
  }
  return decodeModel(bytes, path);
}
