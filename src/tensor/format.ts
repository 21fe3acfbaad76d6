import { formatShape } from '../core/shape.js';
import type { Tensor } from './tensor.js';

const EDGE = 3; // values shown at each end of a long dimension

function formatNumber(v: number, dtype: string): string {
  if (dtype === 'bool') return v ? 'true' : 'false';
  if (dtype === 'int32') return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return `${v.toFixed(0)}.`;
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(4);
  return String(Number(v.toPrecision(dtype === 'float64' ? 8 : 5)));
}

/**
 * Renders a tensor like NumPy: nested brackets, long dimensions elided with
 * '...', and a trailing line with shape and dtype.
 */
export function formatTensor(t: Tensor): string {
  const s = t.storage;
  const shape = t.shape;
  const strides: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  const cells: string[] = [];
  for (let i = 0; i < s.length && cells.length < 2000; i++) cells.push(formatNumber(s[i]!, t.dtype));
  const width = Math.max(1, ...cells.map((c) => c.length));
  const render = (dim: number, offset: number, indent: string): string => {
    if (dim === shape.length) return formatNumber(s[offset]!, t.dtype).padStart(width);
    const n = shape[dim]!;
    const pick = n > 2 * EDGE + 1 ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    const parts = pick.map((i) => (i < 0 ? '...' : render(dim + 1, offset + i * strides[dim]!, `${indent} `)));
    const sep = dim === shape.length - 1 ? ', ' : `,\n${'\n'.repeat(Math.max(0, shape.length - dim - 2))}${indent} `;
    return `[${parts.join(sep)}]`;
  };
  return `Tensor(${render(0, 0, '')}, shape=${formatShape(shape)}, dtype=${t.dtype})`;
}
