import { ArgumentError, NablaError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { gunzip, isGzip, readFileBytes, readLimits, type ReadLimits } from './node.js';
import { nodeModules } from './node-modules.js';
import { asBytes, maybeGunzipAsync, type Bytes } from './bytes.js';

/** The element types of the IDX format, by their type code. */
const IDX_TYPES = {
  0x08: { name: 'ubyte', bytes: 1 },
  0x09: { name: 'byte', bytes: 1 },
  0x0b: { name: 'short', bytes: 2 },
  0x0c: { name: 'int', bytes: 4 },
  0x0d: { name: 'float', bytes: 4 },
  0x0e: { name: 'double', bytes: 8 },
} as const;
type IdxTypeCode = keyof typeof IDX_TYPES;

/** A decoded IDX header and a view of its (uncompressed) body. */
interface IdxData {
  type: IdxTypeCode;
  dims: number[];
  count: number;
  /** The whole uncompressed file; the values start at `offset`. */
  bytes: Uint8Array;
  offset: number;
}

const hex = (bytes: Uint8Array, n: number) => Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');

/** Decompresses if gzipped, then checks the header and the length of the body. */
function decodeIdx(op: string, raw: Uint8Array, what: string, limits: ReadLimits = {}): IdxData {
  const bytes = isGzip(raw) ? gunzip(op, raw, what, limits) : raw;
  const magicHelp = 'expected 00 00, a type code (08 ubyte, 09 byte, 0b short, 0c int, 0d float, 0e double) and the number of dimensions';
  if (bytes.length < 4)
    throw new NablaError(`${op}: ${what} is not an IDX file: only ${bytes.length} bytes, too short for the 4-byte magic number (${magicHelp})`);
  const type = bytes[2]!;
  if (bytes[0] !== 0 || bytes[1] !== 0 || !(type in IDX_TYPES)) {
    throw new NablaError(`${op}: ${what} is not an IDX file: it starts with ${hex(bytes, 4)}; ${magicHelp}`);
  }
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new NablaError(
      `${op}: ${what} is truncated: its header declares ${rank} dimensions (${headerBytes} header bytes) but the data has only ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const elementBytes = IDX_TYPES[type as IdxTypeCode].bytes;
  const expected = headerBytes + count * elementBytes;
  const typeName = IDX_TYPES[type as IdxTypeCode].name;
  if (bytes.length < expected) {
    throw new NablaError(
      `${op}: ${what} is truncated: a ${typeName} array of shape [${dims.join(',')}] needs ${expected} bytes (${headerBytes} header + ${count} × ${elementBytes}), but there are only ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    throw new NablaError(
      `${op}: ${what} has ${bytes.length - expected} unexpected bytes after its data: a ${typeName} array of shape [${dims.join(',')}] needs ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  return { type: type as IdxTypeCode, dims, count, bytes, offset: headerBytes };
}

/** The values of a decoded IDX array as a tensor of the natural dtype. */
function idxToTensor(d: IdxData): Tensor {
  const { bytes, offset, count } = d;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out: Int32Array | Float32Array | Float64Array;
  switch (d.type) {
    case 0x08:
      out = new Int32Array(count);
      out.set(bytes.subarray(offset, offset + count));
      break;
    case 0x09:
      out = new Int32Array(count);
      out.set(new Int8Array(bytes.buffer, bytes.byteOffset + offset, count));
      break;
    case 0x0b:
      out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      break;
    case 0x0c:
      out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      break;
    case 0x0d:
      out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      break;
    case 0x0e:
      out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      break;
  }
  return new Tensor(out, d.dims);
}

/**
 * Decodes an IDX array (the format of MNIST and Fashion-MNIST) from its bytes,
 * gzipped (detected by the 1f 8b magic; needs Node) or not. The file is the
 * magic number 00 00 TYPE RANK, RANK big-endian uint32 dimensions, then the
 * values, big-endian, row-major. `bytes` is a Uint8Array or an ArrayBuffer;
 * gzipped bytes need Node here ({@link parseIdxAsync} works in a page). Returns a tensor of shape = the dimensions:
 * int32 for the integer types (ubyte, byte, short, int) and float32 or
 * float64 for float and double. Throws for a bad magic number and for data
 * that is shorter or longer than the header declares (naming both byte counts),
 * before allocating the result. `source` names the data in error messages;
 * `limits` bounds the inflation of gzipped data (see {@link ReadLimits}).
 */
export function parseIdx(bytes: Bytes, source = 'the data', limits: ReadLimits = {}): Tensor {
  return idxToTensor(decodeIdx('parseIdx', asBytes('parseIdx', 'bytes', bytes), source, readLimits('parseIdx', limits)));
}

/**
 * {@link parseIdx} in any environment: gzipped bytes are decompressed with
 * DecompressionStream in a page (bounded by the read limits), with zlib in Node.
 *
 *     const labels = await nb.data.parseIdxAsync(new Uint8Array(await (await fetch('t10k-labels-idx1-ubyte.gz')).arrayBuffer()));
 */
export async function parseIdxAsync(bytes: Bytes, source = 'the data', limits: ReadLimits = {}): Promise<Tensor> {
  const l = readLimits('parseIdxAsync', limits);
  const raw = await maybeGunzipAsync('parseIdxAsync', asBytes('parseIdxAsync', 'bytes', bytes), source, l);
  return idxToTensor(decodeIdx('parseIdxAsync', raw, source, l));
}

/**
 * Reads an IDX file (gzipped or not) and returns its array as a tensor of
 * shape = the dimensions in its header: int32 for ubyte, byte, short and int
 * data, float32 for float and float64 for double (see {@link parseIdx}).
 * Errors name the path: a missing file, a bad magic number, truncated data
 * (expected and actual byte counts), a path that is not a regular file, a
 * file or inflated content over the read limits (`limits`, by default those of
 * nb.data.setReadLimits: 512 MiB). Node only.
 *
 *     nb.data.loadIdx('train-labels-idx1-ubyte.gz')   // int32 [60000]
 *     nb.data.loadIdx('huge-idx3-ubyte.gz', { maxBytes: 2 ** 32 })
 */
export function loadIdx(path: string, limits: ReadLimits = {}): Tensor {
  const l = readLimits('loadIdx', limits);
  return idxToTensor(decodeIdx('loadIdx', readFileBytes('loadIdx', path, l), path, l));
}

/** An MNIST-style image set, as {@link loadMnist} and {@link loadFashionMnist} return it. */
export interface MnistData {
  /** [n, rows·cols] float32 pixels scaled from 0..255 to 0..1 (784 features for 28x28 images). */
  x: Tensor;
  /** [n, rows, cols, 1] float32: the same pixels as NHWC images, ready for conv2d. */
  images: Tensor;
  /** [n] int32 class labels (0..9 for MNIST and Fashion-MNIST). */
  labels: Tensor;
}

/** Which half of an MNIST-style data set to load: the training set or the test set ('t10k', also spelled 'test'). */
export type MnistKind = 'train' | 't10k' | 'test';

/** Options of {@link loadMnist} and {@link loadFashionMnist}; the read limits bound each file (see {@link ReadLimits}). */
export interface MnistOptions extends ReadLimits {
  /** 'train' (60000 images) or 't10k' (10000 test images; 'test' is accepted as an alias). Default 'train'. */
  kind?: MnistKind;
}

/** The default folder of {@link loadFashionMnist}. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The names of the ten Fashion-MNIST classes, indexed by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** The first existing file among the standard spellings of `base` in `dir` (with or without .gz; '-idx' or '.idx'). */
function findIdxFile(op: string, dir: string, base: string): string {
  const join = (name: string) => `${dir.replace(/[\\/]+$/, '')}/${name}`;
  const dotted = base.replace(/-idx/, '.idx');
  const candidates = [`${base}.gz`, base, `${dotted}.gz`, dotted].map(join);
  const { fs } = nodeModules(op);
  for (const c of candidates) if (fs.existsSync(c)) return c;
  if (!fs.existsSync(dir)) throw new NablaError(`${op}: folder not found: ${dir}`);
  throw new NablaError(`${op}: file not found: ${candidates[1]} (nor ${candidates[0]})`);
}

/** MnistData from a decoded image file and label file, checking their types, shapes and counts; `imagesName` and `labelsName` name them in errors. */
function mnistOf(op: string, img: IdxData, imagesName: string, lab: IdxData, labelsName: string): MnistData {
  if (img.type !== 0x08 || img.dims.length !== 3) {
    throw new NablaError(
      `${op}: ${imagesName} should hold ubyte images of shape [n, rows, cols], but holds ${IDX_TYPES[img.type].name} data of shape [${img.dims.join(',')}]`,
    );
  }
  if (lab.type !== 0x08 || lab.dims.length !== 1) {
    throw new NablaError(
      `${op}: ${labelsName} should hold ubyte labels of shape [n], but holds ${IDX_TYPES[lab.type].name} data of shape [${lab.dims.join(',')}]`,
    );
  }
  const [n, rows, cols] = img.dims as [number, number, number];
  if (lab.dims[0] !== n) {
    throw new NablaError(`${op}: ${imagesName} has ${n} images but ${labelsName} has ${lab.dims[0]} labels`);
  }
  const pixels = new Float32Array(img.count);
  const src = img.bytes,
    off = img.offset;
  for (let i = 0; i < pixels.length; i++) pixels[i] = src[off + i]! / 255;
  const labels = new Int32Array(n);
  labels.set(lab.bytes.subarray(lab.offset, lab.offset + n));
  return { x: new Tensor(pixels, [n, rows * cols]), images: new Tensor(pixels, [n, rows, cols, 1]), labels: new Tensor(labels, [n]) };
}

function loadMnistLike(op: string, dir: string, opts: MnistOptions): MnistData {
  if (typeof dir !== 'string' || dir === '') throw new NablaError(`${op}: expected a folder path, got ${JSON.stringify(dir)}`);
  const kind = opts.kind ?? 'train';
  if (kind !== 'train' && kind !== 't10k' && kind !== 'test') {
    throw new NablaError(`${op}: kind must be 'train' or 't10k' (or 'test'), got ${JSON.stringify(kind)}`);
  }
  const limits = readLimits(op, opts);
  const prefix = kind === 'test' ? 't10k' : kind;
  const imagesPath = findIdxFile(op, dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findIdxFile(op, dir, `${prefix}-labels-idx1-ubyte`);
  const img = decodeIdx(op, readFileBytes(op, imagesPath, limits), imagesPath, limits);
  const lab = decodeIdx(op, readFileBytes(op, labelsPath, limits), labelsPath, limits);
  return mnistOf(op, img, imagesPath, lab, labelsPath);
}

/**
 * An MNIST-style image set from the bytes of its two IDX files (each gzipped
 * or not; gzip needs Node here, {@link parseMnistAsync} works in a page):
 * `images` ubyte [n, rows, cols], `labels` ubyte [n]. Returns
 * { x [n, rows·cols] float32 in 0..1, images [n, rows, cols, 1], labels int32 [n] },
 * as {@link loadMnist} does from files.
 */
export function parseMnist(images: Bytes, labels: Bytes, limits: ReadLimits = {}): MnistData {
  const op = 'parseMnist',
    l = readLimits(op, limits);
  const img = decodeIdx(op, asBytes(op, 'images', images), 'the image file', l);
  const lab = decodeIdx(op, asBytes(op, 'labels', labels), 'the label file', l);
  return mnistOf(op, img, 'the image file', lab, 'the label file');
}

/** {@link parseMnist} in any environment: gzipped bytes are decompressed with DecompressionStream in a page. */
export async function parseMnistAsync(images: Bytes, labels: Bytes, limits: ReadLimits = {}): Promise<MnistData> {
  return mnistAsync('parseMnistAsync', images, 'images', labels, 'labels', readLimits('parseMnistAsync', limits));
}

async function mnistAsync(op: string, images: Bytes, imagesName: string, labels: Bytes, labelsName: string, l: Required<ReadLimits>): Promise<MnistData> {
  const imgBytes = await maybeGunzipAsync(op, asBytes(op, imagesName, images), imagesName, l);
  const labBytes = await maybeGunzipAsync(op, asBytes(op, labelsName, labels), labelsName, l);
  return mnistOf(op, decodeIdx(op, imgBytes, imagesName, l), imagesName, decodeIdx(op, labBytes, labelsName, l), labelsName);
}

/** The bytes of the four files of an MNIST-style data set, as {@link parseMnistSet} takes them. */
export interface MnistBytes {
  /** train-images-idx3-ubyte(.gz) */
  trainImages: Bytes;
  /** train-labels-idx1-ubyte(.gz) */
  trainLabels: Bytes;
  /** t10k-images-idx3-ubyte(.gz) */
  testImages: Bytes;
  /** t10k-labels-idx1-ubyte(.gz) */
  testLabels: Bytes;
}

/**
 * A whole MNIST-style data set (MNIST, Fashion-MNIST) from the bytes of its
 * four IDX files, gzipped or not, in any environment: { train, test }, each as
 * {@link loadMnist} returns it. Errors name the file by its field (`trainLabels`).
 *
 *     const get = async (f: string) => new Uint8Array(await (await fetch(`mnist/${f}.gz`)).arrayBuffer());
 *     const { train, test } = await nb.data.parseMnistSet({
 *       trainImages: await get('train-images-idx3-ubyte'), trainLabels: await get('train-labels-idx1-ubyte'),
 *       testImages: await get('t10k-images-idx3-ubyte'), testLabels: await get('t10k-labels-idx1-ubyte'),
 *     });
 */
export async function parseMnistSet(files: MnistBytes, limits: ReadLimits = {}): Promise<{ train: MnistData; test: MnistData }> {
  const op = 'parseMnistSet';
  if (files === null || typeof files !== 'object')
    throw new ArgumentError(`${op}: expected { trainImages, trainLabels, testImages, testLabels }, got ${files === null ? 'null' : typeof files}`);
  const l = readLimits(op, limits);
  const train = await mnistAsync(op, files.trainImages, 'trainImages', files.trainLabels, 'trainLabels', l);
  const test = await mnistAsync(op, files.testImages, 'testImages', files.testLabels, 'testLabels', l);
  return { train, test };
}

/**
 * Loads MNIST from `dir`, which holds the standard files
 * `{train,t10k}-images-idx3-ubyte` and `{train,t10k}-labels-idx1-ubyte`,
 * each gzipped (`.gz`) or not. Returns { x [n, 784] float32 in 0..1,
 * images [n, 28, 28, 1], labels int32 [n] } (n = 60000 for 'train', 10000
 * for 't10k'). Errors name the missing or malformed file, and say when the
 * image and label counts differ. Node only.
 */
export function loadMnist(dir: string, opts: MnistOptions = {}): MnistData {
  return loadMnistLike('loadMnist', dir, opts);
}

/**
 * Loads Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017: 28x28 grey images of
 * ten kinds of clothing, {@link FASHION_MNIST_CLASSES}) from `dir`, by default
 * /usr/share/datasets/fashion-mnist. The files and the result are as for
 * {@link loadMnist}: { x [n, 784] in 0..1, images [n, 28, 28, 1], labels [n] }.
 * `loadFashionMnist({ kind: 't10k' })` reads the test set from the default folder.
 */
export function loadFashionMnist(dir?: string, opts?: MnistOptions): MnistData;
export function loadFashionMnist(opts: MnistOptions): MnistData;
export function loadFashionMnist(dirOrOpts: string | MnistOptions = FASHION_MNIST_DIR, opts: MnistOptions = {}): MnistData {
  if (typeof dirOrOpts === 'object' && dirOrOpts !== null) return loadMnistLike('loadFashionMnist', FASHION_MNIST_DIR, dirOrOpts);
  return loadMnistLike('loadFashionMnist', dirOrOpts, opts);
}
