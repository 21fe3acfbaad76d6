// The loss J(θ) on a fixed, deterministic subset of the data, evaluated in
// batches without recording gradients: what every landscape point costs.
import { ArgumentError } from '../core/errors.js';
import { describe } from '../core/describe.js';
import { Generator } from '../core/random.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { noGrad } from '../ops/stop.js';
import { checkFinite, examples, pickRows, rows } from '../train/data.js';
import type { ModelLoss } from '../train/loss-fn.js';
import type { ParamSpace } from './space.js';

/** J at a flat parameter vector θ (a number; NaN or ±Infinity where the model blows up). */
export type Evaluator = (theta: Float64Array | Float32Array) => number;

/**
 * The examples the landscape is evaluated on: all of x, y when there are at
 * most `samples` rows, otherwise `samples` rows chosen without replacement
 * by `new Generator(seed)` (a partial Fisher–Yates shuffle), kept in their
 * original order. Checks x and y: same number of rows, at least one, and
 * (the rows used) no NaN or ±Inf.
 */
export function evaluationData(op: string, x: TensorLike, y: TensorLike, samples: number, seed: number): [Tensor, Tensor] {
  if (x === undefined || x === null) throw new ArgumentError(`${op}: x is required (the examples to evaluate the loss on), got ${describe(x)}`);
  if (y === undefined || y === null) throw new ArgumentError(`${op}: y is required (the targets of x), got ${describe(y)}`);
  const [X, Y] = examples(op, x, y);
  const n = X.shape[0]!;
  if (n === 0) throw new ArgumentError(`${op}: x and y hold no examples, so there is no loss to draw`);
  if (n <= samples) return finite(op, X, Y);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const g = new Generator(seed);
  for (let i = 0; i < samples; i++) {
    const j = i + g.randint(n - i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const idx = order.slice(0, samples).sort();
  return finite(op, pickRows(X, idx), pickRows(Y, idx));
}

function finite(op: string, x: Tensor, y: Tensor): [Tensor, Tensor] {
  checkFinite(op, 'x', x);
  checkFinite(op, 'y', y);
  return [x, y];
}

/**
 * The evaluator θ ↦ J(θ) = Σ_b m_b·J_b(θ) / Σ_b m_b over batches b of at most
 * `batchSize` rows (for a mean loss this is the loss on all rows; penalties,
 * the same for every batch, are counted once). No gradients are recorded and
 * the model's weights are not changed.
 */
export function makeEvaluator(f: ModelLoss, space: ParamSpace, x: Tensor, y: Tensor, batchSize: number): Evaluator {
  const n = x.shape[0]!;
  const batches: [Tensor, Tensor, number][] = [];
  for (let b = 0; b < n; b += batchSize) {
    const m = Math.min(batchSize, n - b);
    batches.push(m === n ? [x, y, m] : [rows(x, b, m), rows(y, b, m), m]);
  }
  return (theta) =>
    noGrad(() => {
      const params = space.unflatten(theta);
      let s = 0;
      for (const [xb, yb, m] of batches) s += m * f.loss(params, xb, yb).item();
      return s / n;
    });
}
