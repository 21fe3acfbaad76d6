// The sizes a node is about to allocate, worked out from its inputs' shapes
// and values before it runs. An ONNX file of a few hundred bytes can ask for
// gigabytes (ConstantOfShape of [100000, 100000], an Expand, a Pad, a
// broadcast of [n, 1] against [1, n]): each such node is checked against the
// import's element budget first, so a forged file is refused, not allocated.
import { sizeOf } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { OnnxNode } from './import-graph.js';

/** The default largest tensor an imported model's node may make: 2^26 elements (256 MB of float32). */
export const DEFAULT_MAX_ELEMENTS = 2 ** 26;

const intsOf = (t: Tensor | undefined): number[] | null => (t ? Array.from(t.storage as ArrayLike<number>) : null);
const attrInts = (n: OnnxNode, name: string): number[] | null => {
  const v = n.attrs.get(name);
  return Array.isArray(v) && v.every((e) => typeof e === 'number') ? (v as number[]) : null;
};

/**
 * The NumPy broadcast of shapes, or null when they do not broadcast (the op itself then says so).
 * Not core's broadcastShapes: that also refuses a result beyond MAX_ELEMENTS, which must reach
 * overBudget here to be named as the node's request.
 */
function broadcast(...shapes: (readonly number[])[]): number[] | null {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes)
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i,
        d = s[i]!;
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) return null;
    }
  return out;
}

const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'Where']);

/**
 * The shape of the largest tensor a node will allocate whose size is not
 * bounded by its inputs' sizes (null when the node makes none, or when its
 * inputs are malformed: the op then reports them).
 */
export function plannedShape(n: OnnxNode, x: readonly (Tensor | undefined)[], opset: number): number[] | null {
  const present = x.filter((t): t is Tensor => t !== undefined);
  const t = x[0];
  switch (n.opType) {
    case 'ConstantOfShape':
      return intsOf(t);
    case 'Expand': {
      const shape = intsOf(x[1]);
      return t && shape ? broadcast(t.shape, shape) : null;
    }
    case 'Pad': {
      const p = opset >= 11 ? intsOf(x[1]) : attrInts(n, 'pads');
      if (!t || !p) return null;
      const axes = opset >= 18 && x[3] ? (intsOf(x[3]) ?? []).map((a) => (a < 0 ? a + t.rank : a)) : [...t.shape.keys()];
      if (p.length !== 2 * axes.length) return null;
      const out = [...t.shape];
      axes.forEach((a, i) => {
        if (out[a] !== undefined) out[a] += p[i]! + p[i + axes.length]!;
      });
      return out;
    }
    case 'Concat':
      return [present.reduce((a, s) => a + s.size, 0)];
    case 'MatMul': {
      const b = x[1];
      if (!t || !b || t.rank === 0 || b.rank === 0) return null;
      const rows = t.rank === 1 ? 1 : t.shape[t.rank - 2]!,
        cols = b.rank === 1 ? 1 : b.shape[b.rank - 1]!;
      const batch = broadcast(t.shape.slice(0, -2), b.shape.slice(0, -2));
      return batch ? [...batch, rows, cols] : null;
    }
    case 'Gemm': {
      const b = x[1];
      if (!t || !b || t.rank !== 2 || b.rank !== 2) return null;
      const rows = n.attrs.get('transA') ? t.shape[1]! : t.shape[0]!,
        cols = n.attrs.get('transB') ? b.shape[0]! : b.shape[1]!;
      return x[2] ? broadcast([rows, cols], x[2].shape) : [rows, cols];
    }
    case 'Gather': {
      const idx = x[1];
      if (!t || !idx) return null;
      const a0 = n.attrs.get('axis');
      const axis = typeof a0 === 'number' ? (a0 < 0 ? a0 + t.rank : a0) : 0;
      return [...t.shape.slice(0, axis), ...idx.shape, ...t.shape.slice(axis + 1)];
    }
    case 'Conv':
    case 'MaxPool':
    case 'AveragePool': {
      // the padded input, and for a convolution as many channels as the kernel has filters
      const pads = attrInts(n, 'pads') ?? [];
      if (t?.rank !== 4 || pads.length !== 4) return null;
      const [N, C, H, W] = t.shape as [number, number, number, number];
      const F = n.opType === 'Conv' && x[1] ? Math.max(C, x[1].shape[0] ?? 0) : C;
      return [N, F, H + pads[0]! + pads[2]!, W + pads[1]! + pads[3]!];
    }
    default:
      return ELEMENTWISE.has(n.opType) && present.length > 1 ? broadcast(...present.map((p) => p.shape)) : null;
  }
}

/** Why a shape does not fit the budget, or null when it fits. */
export function overBudget(shape: readonly number[], maxElements: number): string | null {
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) return `a tensor of shape [${shape.join(',')}], which is not a shape`;
  const n = sizeOf(shape);
  return n > maxElements
    ? `a tensor of shape [${shape.join(',')}] (${n} elements), more than the import's limit of ${maxElements} elements per tensor (importModel's maxElements option, or the model's largest weight or input if larger)`
    : null;
}
