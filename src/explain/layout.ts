// The textbooks' layout, one example per column: Z1 = W1·X + b1 with
// X (64, m) and W1 = kernelᵀ (64, 64). nabla (like Keras) stores one example
// per row, Z = X·W + b with the kernel (in, out), so an explanation is built in
// rows and printed in columns by transposing every expression: (X·W)ᵀ = Wᵀ·Xᵀ,
// where each name now stands for its transposed quantity.
import * as E from './expr.js';
import type { Expr, Shape } from './expr.js';

/** A quantity's shape in columns: (n) → (n, 1) (a bias), (m) → (1, m) (one number per example), (m, n) → (n, m); null above rank 2. */
export function columnShape(s: Shape): Shape | null {
  if (s.length === 0) return s;
  if (s.length === 1) return typeof s[0] === 'string' ? [1, s[0]] : [s[0]!, 1];
  if (s.length === 2) return [s[1]!, s[0]!];
  return null;
}

/** The value of a quantity in columns, from its value in rows. */
export function flipAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  return rank === 2 ? 1 - a : a;
}

/** e written in columns (its transpose, with names standing for their column forms), or null when e has a quantity of rank > 2. */
export function toColumns(e: Expr): Expr | null {
  const shape = columnShape(e.shape);
  if (shape === null) return null;
  const col = toColumns;
  switch (e.k) {
    case 'var':
      return { ...e, shape };
    case 'num':
      return e;
    case 'scale':
    case 'neg':
    case 'fn':
    case 'expand':
    case 'onehot': {
      const a = col(e.a);
      return a && ({ ...e, a, shape } as Expr);
    }
    case 'T': {
      const a = col(e.a);
      return a && E.transpose(a);
    }
    case 'matmul': {
      if (e.a.shape.length !== 2 || e.b.shape.length !== 2) return null;
      const a = col(e.a),
        b = col(e.b);
      return a && b && E.matmul(b, a);
    }
    case 'bin': {
      const a = col(e.a),
        b = col(e.b);
      return a && b && { ...e, a, b, shape };
    }
    case 'softmax': {
      const a = col(e.a);
      return a && { ...e, a, axis: flipAxis(e.axis, e.a.shape.length), shape };
    }
    case 'sum':
    case 'mean': {
      const a = col(e.a);
      if (!a) return null;
      const rank = e.a.shape.length;
      const axes = e.axes.map((x) => (rank === 2 ? 1 - x : E.batched(e.a.shape) ? 1 : 0));
      // a reduction to a vector stays a column: keep the reduced axis
      return { ...e, a, axes, keep: shape.length > 0, shape };
    }
    case 'reshape': {
      const a = col(e.a);
      return a && { ...e, a, shape };
    }
    case 'call':
    case 'vjp':
    case 'slice':
    case 'unslice':
    case 'sumT':
      return null;
  }
}
