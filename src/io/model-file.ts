import { ArgumentError } from '../core/errors.js';
import { nodeBuiltin } from '../core/platform.js';
import { allocate } from '../core/dtype.js';
import { sizeOf } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { withParameterBudget } from '../nn/module.js';
import { modelFactory, type LoadableModel, type LoadedModel, type SaveableModel } from './saveable.js';
import { optimizerFromConfig } from '../optim/index.js';
import { writeFileAtomic } from './atomic-write.js';
import { crc32 } from './crc32.js';
import { downloadBytes, downloadName } from './download.js';
import { ModelFileError } from './errors.js';
import { byteSize, fetchBytes } from './fetch-bytes.js';
import { idbLoad, idbSave } from './indexeddb.js';
import { parseTarget, type UrlLike } from './targets.js';
import { HeaderProblem, MODEL_FILE_LIMITS, validateHeader, type Header, type WeightEntry } from './model-header.js';

/**
 * nabla's model file, format version 2 (all integers little-endian):
 *
 *   offset 0   8 bytes  the magic 'NABLAMDL'
 *          8   4 bytes  the format version, 2 (uint32)
 *         12   4 bytes  the header length H (uint32)
 *         16   4 bytes  CRC-32 of every other byte of the file (bytes 0..16 and 20..end)
 *         20   H bytes  the header, UTF-8 JSON (architecture, weight manifest, compile
 *                       settings), padded with spaces so that the weights start at a
 *                       multiple of 8
 *     20 + H   the rest the weights, each at its manifest offset (8-byte aligned), little-endian
 *
 * Version-1 files (no CRC in the preamble, header at byte 16, an FNV-1a
 * checksum of the weights only, inside the header) are still read, with every
 * bound checked as for version 2; saving always writes version 2.
 */
const MAGIC = 'NABLAMDL';
/** The version of the .nabla file format this build writes (and the newest it reads). */
export const FORMAT_VERSION = 2;

export { ModelFileError };

/** FNV-1a over bytes: the weight checksum of version-1 files. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** The CRC-32 of a version-2 file: every byte but the 4 of the CRC itself. */
function fileCrc(bytes: Uint8Array): number {
  return crc32(bytes.subarray(20), crc32(bytes.subarray(0, 16)));
}

type Fs = typeof import('node:fs/promises');
function fs(op: string): Fs {
  const m = nodeBuiltin<Fs>('node:fs/promises');
  if (!m)
    throw new ArgumentError(
      `${op}: files need Node; in a browser save to 'indexeddb://name' or 'downloads://name', load from a URL, or use bytes (nb.io.encodeModel / nb.loadModel(bytes))`,
    );
  return m;
}

/**
 * The bytes of a model file (format version 2): what model.save writes to a
 * file, IndexedDB or a download, as a Uint8Array to keep, send or store
 * anywhere else. {@link decodeModel} and nb.loadModel(bytes) read them back.
 *
 *     const bytes = nb.io.encodeModel(model);
 *     await fetch('/models/latest', { method: 'PUT', body: bytes });
 */
export function encodeModel(model: SaveableModel): Uint8Array {
  const entries: WeightEntry[] = [];
  let offset = 0;
  const named = model.namedParameters();
  for (const [name, v] of named) {
    const byteLength = v.value.storage.byteLength;
    entries.push({ name, shape: [...v.shape], dtype: v.dtype, offset, byteLength });
    offset += (byteLength + 7) & ~7;
  }
  const header = {
    format: 'nabla-model',
    version: FORMAT_VERSION,
    model: { className: model.modelClassName ?? 'Sequential', config: model.getConfig() },
    weights: entries,
    weightBytes: offset,
    compile: model.getCompileConfig(),
  };
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - ((20 + json.length) % 8)) % 8;
  if (pad) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const start = 20 + json.length;
  const out = new Uint8Array(start + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, 20);
  named.forEach(([, v], i) => {
    const s = v.value.storage;
    out.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), start + entries[i]!.offset);
  });
  view.setUint32(16, fileCrc(out), true);
  return out;
}

/** A message on one line (a model file's problems are reported in one line). */
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');

/**
 * A model from the bytes of a model file (a Uint8Array or an ArrayBuffer),
 * synchronously; `source` names it in errors. nb.loadModel(bytes) does the
 * same as a promise, like its other sources.
 * Everything is checked before anything is built or allocated: the magic, the
 * version, the checksum (CRC-32 of the whole file), the header's structure and
 * limits, each weight entry's place in the file; then the model is built under
 * a parameter budget of the file's weight bytes, and its parameters must match
 * the entries exactly (names, shapes, dtypes). Any failure is a ModelFileError
 * of one line.
 */
export function decodeModel(bytes: Uint8Array | ArrayBuffer, source = 'the model file'): LoadedModel {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  const fail = (why: string) => new ModelFileError(oneLine(`loadModel: ${source} ${why}`));
  try {
    return decode(bytes, fail) as unknown as LoadedModel;
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw fail(`does not describe a model nabla can build: ${(e as Error)?.message ?? String(e)}`);
  }
}

function decode(bytes: Uint8Array, fail: (why: string) => ModelFileError): LoadableModel {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError(`decodeModel: expected a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    const start = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
    const hint = start.startsWith('<')
      ? ': it looks like an HTML page (a wrong URL answered by a web server?)'
      : start.startsWith('{')
        ? ': it looks like JSON (a TF.js model.json? nabla reads only its own .nabla files)'
        : '';
    throw fail(`is not a nabla model file (bad magic bytes${bytes.length < 16 ? `; only ${bytes.length} bytes` : ''})${hint}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version > FORMAT_VERSION) throw fail(`has format version ${version}; this nabla reads versions 1 to ${FORMAT_VERSION}: upgrade nabla`);
  if (version < 1) throw fail(`has format version ${version}, which does not exist`);
  const headerLength = view.getUint32(12, true);
  const start = (version === 1 ? 16 : 20) + headerLength;
  if (headerLength > MODEL_FILE_LIMITS.headerBytes)
    throw fail(`declares a header of ${headerLength} bytes, more than the limit of ${MODEL_FILE_LIMITS.headerBytes}`);
  if (start > bytes.length) throw fail(`is truncated: its header needs ${headerLength} bytes, only ${Math.max(0, bytes.length - start + headerLength)} remain`);
  const weights = bytes.subarray(start);
  const parse = (): unknown => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start - headerLength, start)));

  if (version >= 2) {
    const stored = view.getUint32(16, true),
      computed = fileCrc(bytes);
    if (stored !== computed) {
      let declared: unknown;
      try {
        declared = (parse() as { weightBytes?: unknown }).weightBytes;
      } catch {
        /* no better diagnosis */
      }
      if (typeof declared === 'number' && declared > weights.length) throw fail(`is truncated: expected ${declared} bytes of weights, found ${weights.length}`);
      throw fail(`is corrupt: its CRC-32 checksum does not match its contents (stored ${hex(stored)}, computed ${hex(computed)})`);
    }
  }
  let json: unknown;
  try {
    json = parse();
  } catch (e) {
    throw fail(`has a corrupt header (${(e as Error).message})`);
  }
  let header: Header;
  try {
    header = validateHeader(json, version, weights.length);
  } catch (e) {
    if (!(e instanceof HeaderProblem)) throw e;
    const declared = (json as { weightBytes?: unknown } | null)?.weightBytes;
    if (version === 1 && typeof declared === 'number' && declared > weights.length)
      throw fail(`is truncated: expected ${declared} bytes of weights, found ${weights.length}`);
    throw fail(`has an invalid header: ${e.message}`);
  }
  if (header.checksum !== undefined && fnv1a(weights) !== header.checksum) throw fail('is corrupt: the weights do not match their checksum');
  return build(header, weights, fail);
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** Builds the model under a budget of the file's weight bytes, checks its parameters against the entries, then fills them. */
function build(header: Header, weights: Uint8Array, fail: (why: string) => ModelFileError): LoadableModel {
  const factory = modelFactory(header.model.className);
  if (!factory) throw fail(`is a ${header.model.className} model, but no such model class is registered (import nabla's index, which registers Sequential)`);
  const model = withParameterBudget(
    header.weightBytes,
    (why) => fail(`declares more weights than it holds: ${why}`),
    () => factory(header.model.config),
  );
  const entries = new Map(header.weights.map((w) => [w.name, w]));
  const named = model.namedParameters();
  const missing = named.filter(([name]) => !entries.has(name)).map(([name]) => name);
  if (missing.length) throw fail(`lacks weights its layers need: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  if (named.length !== entries.size) {
    const known = new Set(named.map(([name]) => name));
    throw fail(
      `holds weights no layer has: ${header.weights
        .filter((w) => !known.has(w.name))
        .slice(0, 5)
        .map((w) => w.name)
        .join(', ')}`,
    );
  }
  const state: Record<string, Tensor> = {};
  for (const [name, v] of named) {
    const w = entries.get(name)!;
    if (w.dtype !== v.dtype || w.shape.join() !== v.shape.join()) {
      throw fail(`has weight '${name}' as ${w.dtype} [${w.shape.join(',')}], but its layer makes it ${v.dtype} [${v.shape.join(',')}]`);
    }
    const data = allocate(w.dtype, sizeOf(w.shape));
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(weights.subarray(w.offset, w.offset + w.byteLength));
    state[name] = new Tensor(data, w.shape);
  }
  model.loadStateDict(state);
  const c = header.compile;
  // the names come from the file: compile checks them as it checks any caller's
  if (c)
    model.compile({
      loss: c.loss,
      metrics: c.metrics,
      optimizer: optimizerFromConfig(c.optimizer),
      ...(c.lossWeights ? { lossWeights: c.lossWeights } : {}),
    } as never);
  model.train(false);
  return model;
}

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /**
   * The largest model read, in bytes (default 2 GiB): a file, a download or
   * an IndexedDB entry beyond it is refused before its bytes are read or copied.
   */
  maxBytes?: number;
  /** For URLs: fetch's second argument (RequestInit: headers, credentials, signal, ...). */
  requestInit?: object;
}

/** What a model loads from: a target string or URL (see {@link saveModel}), its bytes, or a Blob or File (a file input's). */
export type ModelSource = string | UrlLike | Uint8Array | ArrayBuffer | BlobLike;

/** A Blob or a File (what an `<input type="file">` gives), as far as loadModel needs it. */
export interface BlobLike {
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
  readonly name?: string;
}

const DEFAULT_MAX_BYTES = 2 ** 31;

/**
 * Saves the model to `target`, following TF.js's URL schemes:
 *
 *  - a file path (Node): written atomically (see writeFileAtomic): a failed
 *    or interrupted save never destroys the previous file nor leaves a
 *    temporary one, and concurrent saves to one path each leave one whole model;
 *  - `'indexeddb://name'` (a browser): stored in this origin's IndexedDB,
 *    replacing any model of that name; see nb.io.listModels and removeModel;
 *  - `'downloads://name'` (a browser page): offered as a download, `name.nabla`.
 *
 * For bytes (to send or store anywhere else) use {@link encodeModel}. Errors
 * are ModelFileErrors naming the target (ArgumentError for a target this
 * environment cannot write).
 */
export async function saveModel(model: SaveableModel, target: string | UrlLike): Promise<void> {
  const op = 'save';
  const t = parseTarget(op, target);
  if (t.kind === 'url') {
    throw new ArgumentError(
      `${op}: cannot save to a URL (${t.url}); in a browser save to 'indexeddb://name' or 'downloads://name', or send the bytes yourself: fetch(url, { method: 'PUT', body: nb.io.encodeModel(model) })`,
    );
  }
  const bytes = encodeModel(model);
  if (t.kind === 'indexeddb') return idbSave(op, t.name, bytes);
  if (t.kind === 'downloads') return downloadBytes(op, downloadName(t.name), bytes);
  fs(op);
  try {
    await writeFileAtomic(t.path, bytes, op);
  } catch (e) {
    throw new ModelFileError((e as Error).message, { cause: e });
  }
}

/**
 * Loads a model saved by model.save: the same architecture, weights (bit for
 * bit) and compile settings, in inference mode. `source` is
 *
 *  - a file path (Node) or a `file://` URL;
 *  - an `http(s)://` URL, or in a page a URL relative to it: fetched, with the
 *    size bounded by `maxBytes` (Content-Length and the bytes as they stream);
 *  - `'indexeddb://name'` (a browser);
 *  - the bytes of a model file (Uint8Array, ArrayBuffer), or a Blob or File.
 *
 * Everything is checked before it is built (see {@link decodeModel}); a
 * missing, unreachable, oversized, corrupt or foreign source is a
 * ModelFileError naming it.
 *
 *     const model = await nb.loadModel('indexeddb://digits');
 *     const model = await nb.loadModel('/models/digits.nabla');          // in a page
 *     const model = await nb.loadModel(await input.files[0].arrayBuffer());
 */
export async function loadModel(source: ModelSource, opts: LoadModelOptions = {}): Promise<LoadedModel> {
  const { bytes, name } = await readSource('loadModel', source, opts);
  return decodeModel(bytes, name);
}

/**
 * The bytes of a source as loadModel reads it (a path, file://, http(s):// or
 * relative URL, indexeddb://, bytes, a Blob or File), bounded by
 * `opts.maxBytes`, and the name to give it in messages. The importers of
 * other formats (nb.tfjs, nb.safetensors, nabla/onnx) read through it too.
 */
export async function readSource(op: string, source: ModelSource, opts: LoadModelOptions = {}): Promise<{ bytes: Uint8Array; name: string }> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0))
    throw new ArgumentError(`${op}: maxBytes must be a positive integer, got ${JSON.stringify(opts.maxBytes)}`);
  if (source instanceof Uint8Array) return { bytes: source, name: 'the bytes' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), name: 'the bytes' };
  if (
    source !== null &&
    typeof source === 'object' &&
    typeof (source as BlobLike).arrayBuffer === 'function' &&
    typeof (source as BlobLike).size === 'number'
  ) {
    const blob = source as BlobLike,
      name = typeof blob.name === 'string' && blob.name ? blob.name : 'the blob';
    if (blob.size > maxBytes)
      throw new ModelFileError(`${op}: ${name} is ${byteSize(blob.size)}, more than the limit of ${byteSize(maxBytes)}; raise it with the maxBytes option`);
    return { bytes: new Uint8Array(await blob.arrayBuffer()), name };
  }
  const t = parseTarget(op, source);
  if (t.kind === 'url') return { bytes: await fetchBytes(op, t.url, maxBytes, opts.requestInit), name: t.url };
  if (t.kind === 'indexeddb') return { bytes: await idbLoad(op, t.name, maxBytes), name: `indexeddb://${t.name}` };
  if (t.kind === 'downloads') {
    throw new ArgumentError(`${op}: downloads:// is a place to save to; load the downloaded file from a file input instead: ${op}(input.files[0])`);
  }
  const path = t.path;
  const f = fs(op);
  try {
    const stat = await f.stat(path);
    if (!stat.isFile()) throw new Error(`it is ${stat.isDirectory() ? 'a directory' : 'not a regular file'}`);
    if (stat.size > maxBytes) throw new Error(`it is ${byteSize(stat.size)}, more than the limit of ${byteSize(maxBytes)}; raise it with the maxBytes option`);
    return { bytes: new Uint8Array(await f.readFile(path)), name: path };
  } catch (e) {
    throw new ModelFileError(oneLine(`${op}: cannot read ${path}: ${(e as Error).message}`));
  }
}
