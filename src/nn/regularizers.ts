import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { lookup } from '../core/lookup.js';
import type { Tensor } from '../tensor/tensor.js';
import { abs, add, mul, square } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';

/** A weight penalty added to the training loss; `config` round-trips through save and load. */
export interface Regularizer {
  (weight: Tensor): Tensor;
  readonly className: 'L1L2';
  readonly config: { l1: number; l2: number };
}

/** The penalty l1·Σ|w| + l2·Σw² (Keras's L1L2). */
export function l1l2(opts: { l1?: number; l2?: number } = {}): Regularizer {
  const l1 = opts.l1 ?? 0,
    l2 = opts.l2 ?? 0;
  for (const [k, v] of [
    ['l1', l1],
    ['l2', l2],
  ] as const) {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))
      throw new ArgumentError(`regularizer: ${k} must be a non-negative number, got ${describe(v)}`);
  }
  const fn = (w: Tensor): Tensor => {
    let penalty: Tensor | null = null;
    if (l1 > 0) penalty = mul(sum(abs(w)), l1);
    if (l2 > 0) penalty = penalty ? add(penalty, mul(sum(square(w)), l2)) : mul(sum(square(w)), l2);
    return penalty ?? mul(sum(w), 0);
  };
  return Object.assign(fn, { className: 'L1L2' as const, config: { l1, l2 } });
}

/** The penalty l1·Σ|w| (default 0.01). */
export function l1(rate = 0.01): Regularizer {
  return l1l2({ l1: rate });
}

/** The penalty l2·Σw² (default 0.01), weight decay's loss form. */
export function l2(rate = 0.01): Regularizer {
  return l1l2({ l2: rate });
}

/** A regularizer by name ('l1', 'l2', 'l1l2'), by serialised config, or as given. */
export type RegularizerSpec = Regularizer | 'l1' | 'l2' | 'l1l2' | { className: 'L1L2'; config: { l1: number; l2: number } };

const byName: Record<'l1' | 'l2' | 'l1l2', () => Regularizer> = {
  l1: () => l1(),
  l2: () => l2(),
  l1l2: () => l1l2({ l1: 0.01, l2: 0.01 }),
};

/** Resolves a RegularizerSpec; `context` (the layer asking) names the caller in errors. */
export function getRegularizer(spec: RegularizerSpec, context = 'regularizer'): Regularizer {
  if (typeof spec === 'function') return spec;
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    lookup({ L1L2: true }, spec.className, 'regularizer class', context);
    const config = spec.config ?? {};
    if (config === null || typeof config !== 'object') throw new ArgumentError(`${context}: regularizer config must be an object, got ${describe(config)}`);
    return l1l2(config);
  }
  return lookup(byName, spec, 'regularizer', context)();
}
