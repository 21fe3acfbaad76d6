import { NablaError } from '../core/errors.js';
import { nodeBuiltin } from '../core/platform.js';
import { Tensor } from '../tensor/tensor.js';
import { readTextFile } from './node.js';
import { nodeModules, type NodeModules } from './node-modules.js';

/** The UCI 8x8 digits, as loadDigits returns them. */
export interface Digits {
  /** [1797, 64] float32 pixels scaled from 0..16 to 0..1. */
  x: Tensor;
  /** [1797] int32 labels 0..9. */
  labels: Tensor;
  /** [1797, 8, 8] float32 images scaled to 0..1. */
  images: Tensor;
}

/** The shipped file, found by walking up from this module to the package's data/ folder. */
function digitsFile(fs: NodeModules['fs']): string {
  const path = nodeBuiltin<typeof import('node:path')>('node:path')!,
    url = nodeBuiltin<typeof import('node:url')>('node:url')!;
  let dir = path.dirname(url.fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'data', 'uci-digits.csv.gz');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new NablaError('loadDigits: data/uci-digits.csv.gz is missing from the nabla package');
    dir = parent;
  }
}

let cache: Digits | null = null;

/** The Digits of n rows of 64 pixels in 0..16 and n labels. */
function digitsOf(pixels16: ArrayLike<number>, labels: Int32Array): Digits {
  const n = labels.length;
  const pixels = new Float32Array(n * 64);
  for (let i = 0; i < pixels.length; i++) pixels[i] = pixels16[i]! / 16;
  return { x: new Tensor(pixels, [n, 64]), labels: new Tensor(labels, [n]), images: new Tensor(pixels, [n, 8, 8]) };
}

/**
 * The UCI optical-recognition digits shipped inside the package: 1797 8x8
 * images of handwritten digits (E. Alpaydin and C. Kaynak, 1998; UCI Machine
 * Learning Repository, CC BY 4.0). Returns { x [1797, 64] in 0..1,
 * labels [1797], images [1797, 8, 8] }. Reads the package's
 * data/uci-digits.csv.gz: Node only; {@link loadDigitsAsync} works everywhere.
 */
export function loadDigits(): Digits {
  if (cache) return cache;
  if (!nodeBuiltin('node:fs'))
    throw new NablaError('loadDigits: reading the shipped file needs Node; in a browser use `await nb.data.loadDigitsAsync()`, which needs no file');
  const { fs } = nodeModules('loadDigits');
  const text = readTextFile('loadDigits', digitsFile(fs));
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const n = lines.length;
  const pixels = new Float64Array(n * 64),
    labels = new Int32Array(n);
  lines.forEach((line, i) => {
    const cells = line.split(',');
    if (cells.length !== 65) throw new NablaError(`loadDigits: line ${i + 1} has ${cells.length} values, expected 65`);
    for (let j = 0; j < 64; j++) pixels[i * 64 + j] = Number(cells[j]);
    labels[i] = Number(cells[64]);
  });
  cache = digitsOf(pixels, labels);
  return cache;
}

/**
 * The same digits as {@link loadDigits}, in any environment: a page (bundled
 * or not, with no server set-up), a worker or Node. They are embedded in a
 * module of the package (116 KB of pixels and labels, gzipped to 43 KB, base64) imported only
 * on this first call, so a bundle that never calls it does not carry them
 * (with code splitting, a separate chunk). Equal to loadDigits() value for
 * value; both share one cache.
 *
 *     const { x, labels } = await nb.data.loadDigitsAsync();
 */
export async function loadDigitsAsync(): Promise<Digits> {
  if (cache) return cache;
  const digits = await embeddedDigits();
  cache ??= digits;
  return cache;
}

/** @internal The digits decoded from the embedded module, uncached (loadDigitsAsync caches them). */
export async function embeddedDigits(): Promise<Digits> {
  const { digitsBase64, digitsCount } = await import('./digits-data.generated.js');
  const binary = atob(digitsBase64);
  const gz = new Uint8Array(binary.length);
  for (let i = 0; i < gz.length; i++) gz[i] = binary.charCodeAt(i);
  // gunzip with the platform's DecompressionStream (browsers, workers, Node 18+)
  const bytes = new Uint8Array(await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const n = digitsCount;
  if (bytes.length !== n * 65) throw new NablaError(`loadDigitsAsync: the embedded digits hold ${bytes.length} bytes, expected ${n * 65} (rebuild nabla)`);
  return digitsOf(bytes.subarray(0, n * 64), Int32Array.from(bytes.subarray(n * 64)));
}
