import { NablaError } from '../core/errors.js';
import { nodeBuiltin } from '../core/platform.js';
import { Tensor } from '../tensor/tensor.js';
import { nodeModules, readTextFile, type NodeModules } from './node.js';

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
  const path = nodeBuiltin<typeof import('node:path')>('node:path')!, url = nodeBuiltin<typeof import('node:url')>('node:url')!;
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

/**
 * The UCI optical-recognition digits shipped inside the package: 1797 8x8
 * images of handwritten digits (E. Alpaydin and C. Kaynak, 1998; UCI Machine
 * Learning Repository, CC BY 4.0). Returns { x [1797, 64] in 0..1,
 * labels [1797], images [1797, 8, 8] }.
 */
export function loadDigits(): Digits {
  if (cache) return cache;
  const { fs } = nodeModules('loadDigits');
  const text = readTextFile('loadDigits', digitsFile(fs));
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const n = lines.length;
  const pixels = new Float32Array(n * 64), labels = new Int32Array(n);
  lines.forEach((line, i) => {
    const cells = line.split(',');
    if (cells.length !== 65) throw new NablaError(`loadDigits: line ${i + 1} has ${cells.length} values, expected 65`);
    for (let j = 0; j < 64; j++) pixels[i * 64 + j] = Number(cells[j]) / 16;
    labels[i] = Number(cells[64]);
  });
  cache = { x: new Tensor(pixels, [n, 64]), labels: new Tensor(labels, [n]), images: new Tensor(pixels, [n, 8, 8]) };
  return cache;
}
