import { ArgumentError } from '../../core/errors.js';
import { globalGenerator, type Generator } from '../../core/random.js';
import { sizeOf } from '../../core/shape.js';
import { tensor } from '../../tensor/create.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';

// The orthogonal initializer, Keras's default for recurrent kernels. It lives
// beside the recurrent layers that use it; `resolveInitializer` accepts it by
// name ('orthogonal') and by its saved form ({ className: 'Orthogonal' }) on
// top of everything `getInitializer` knows.

/**
 * Orthogonal: a weight of shape [..., cols] seen as a matrix with
 * rows = the product of the leading dimensions. A matrix A of normal draws
 * with max(rows, cols) rows and min(rows, cols) columns is orthonormalised
 * (modified Gram–Schmidt: A = QR with R's diagonal positive, which is
 * Keras's Q·sign(diag R)), and Q, or Qᵀ when rows < cols, is scaled by
 * `gain`. So W has orthonormal columns (rows ≥ cols) or orthonormal rows
 * (rows < cols): a recurrent kernel [u, 4u] has WWᵀ = gain²·I.
 */
export function orthogonal(opts: { gain?: number } = {}): Initializer {
  const gain = opts.gain ?? 1;
  if (!Number.isFinite(gain)) throw new ArgumentError(`orthogonal: gain must be a finite number, got ${gain}`);
  const init = (shape: readonly number[], dtype: 'float32' | 'float64', generator?: Generator) => {
    if (shape.length < 2) throw new ArgumentError(`orthogonal: needs a weight of rank 2 or more, got shape [${shape.join(',')}]`);
    const rows = sizeOf(shape.slice(0, -1)),
      cols = shape[shape.length - 1]!;
    const m = Math.max(rows, cols),
      n = Math.min(rows, cols);
    const g = generator ?? globalGenerator();
    // columns of an m×n normal matrix, orthonormalised one after another
    const q: Float64Array[] = [];
    for (let j = 0; j < n; j++) {
      const v = new Float64Array(m);
      for (let i = 0; i < m; i++) v[i] = g.normal();
      for (let pass = 0; pass < 2; pass++) {
        // a second pass keeps the columns orthogonal to rounding error
        for (const u of q) {
          let d = 0;
          for (let i = 0; i < m; i++) d += u[i]! * v[i]!;
          for (let i = 0; i < m; i++) v[i]! -= d * u[i]!;
        }
      }
      let norm = 0;
      for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
      norm = Math.sqrt(norm);
      for (let i = 0; i < m; i++) v[i]! /= norm;
      q.push(v);
    }
    const out = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? q[c]![r]! : q[r]![c]!);
    }
    return tensor(out, [...shape], dtype);
  };
  return Object.assign(init, { className: 'Orthogonal', config: { gain } });
}

/** What the recurrent and embedding layers accept: an InitializerSpec, or 'orthogonal'. */
export type InitializerSpecOrOrthogonal = InitializerSpec | 'orthogonal';

/** An initializer from a spec as `getInitializer` reads it, with 'orthogonal' ({ className: 'Orthogonal' }) added. */
export function resolveInitializer(spec: InitializerSpecOrOrthogonal, context = 'initializer'): Initializer {
  if (typeof spec === 'string' && spec === 'orthogonal') return orthogonal();
  if (spec !== null && typeof spec === 'object' && spec.className === 'Orthogonal') return orthogonal(spec.config ?? {});
  return getInitializer(spec, context);
}
