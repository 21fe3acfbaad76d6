import { ArgumentError } from '../core/errors.js';
import { checkSize, formatShape } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { apply } from './prim.js';
import { take } from './take.js';

/**
 * How `pad` fills the new entries (NumPy's names in brackets): 'constant'
 * (a value), 'reflect' (mirrored about the edge entry, which is not
 * repeated: `[c b | a b c d | c b]`), 'symmetric' (mirrored including the
 * edge: `[b a | a b c d | d c]`), 'replicate' ('edge': the edge entry
 * repeated) and 'circular' ('wrap': periodic).
 */
export type PadMode = 'constant' | 'reflect' | 'symmetric' | 'replicate' | 'circular';

/** The options of `pad`: the mode and, for 'constant', the value. */
export interface PadOptions {
  mode?: PadMode;
  value?: number;
}

/** The source index of position i (−before ≤ i < n + after) of an axis of size n padded in `mode`. */
function source(mode: Exclude<PadMode, 'constant'>, i: number, n: number): number {
  const mod = (a: number, m: number) => ((a % m) + m) % m;
  switch (mode) {
    case 'replicate':
      return Math.min(Math.max(i, 0), n - 1);
    case 'circular':
      return mod(i, n);
    case 'reflect': {
      if (n === 1) return 0;
      const j = mod(i, 2 * n - 2);
      return j < n ? j : 2 * n - 2 - j;
    }
    case 'symmetric': {
      const j = mod(i, 2 * n);
      return j < n ? j : 2 * n - 1 - j;
    }
  }
}

/**
 * Padding with negative entries (which crop that side first) or a mode other
 * than 'constant': crops with a slice, then pads each axis with a gather
 * whose indices map every output position to its source (or, for
 * 'constant', the pad primitive). Differentiable at every order.
 */
export function padGeneral(t: Tensor, paddings: readonly (readonly [number, number])[], mode: PadMode, value: number): Tensor {
  const crop = paddings.map(([b, a]) => [Math.max(0, -b), Math.max(0, -a)] as const);
  const size = t.shape.map((d, i) => d - crop[i]![0] - crop[i]![1]);
  if (size.some((d) => d < 0)) {
    throw new ArgumentError(`pad: negative paddings [${paddings.map((p) => `[${p.join(',')}]`).join(',')}] crop more than shape ${formatShape(t.shape)} holds`);
  }
  const grow = paddings.map(([b, a]) => [Math.max(0, b), Math.max(0, a)] as [number, number]);
  checkSize(
    'pad',
    size.map((d, i) => d + grow[i]![0] + grow[i]![1]),
  );
  let u = crop.some(([b, a]) => b > 0 || a > 0)
    ? apply('slice', [t], {
        begin: crop.map((c) => c[0]),
        size,
      })
    : t;
  if (mode === 'constant') return grow.some(([b, a]) => b > 0 || a > 0) ? apply('pad', [u], { paddings: grow, value }) : u;
  grow.forEach(([b, a], axis) => {
    if (b === 0 && a === 0) return;
    const n = size[axis]!;
    if (n === 0) throw new ArgumentError(`pad: mode '${mode}' cannot pad axis ${axis} of size 0 (shape ${formatShape(u.shape)})`);
    u = take(
      u,
      Array.from({ length: n + b + a }, (_, k) => source(mode, k - b, n)),
      axis,
    );
  });
  return u;
}
