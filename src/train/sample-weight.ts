// Keras's sampleWeight and classWeight: a weight per example in the loss.
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { div, mul } from '../ops/arithmetic.js';
import { floatTensor, type TensorLike } from '../ops/convert.js';
import { mean, sum } from '../ops/reduce.js';
import type { LossFn } from '../losses/index.js';

/**
 * A loss weighted per example, as Keras computes it (its default reduction
 * 'sum_over_batch_size', keras.losses.Loss): with ℓᵢ the per-example losses
 * (the loss with reduction 'none') and wᵢ the weights of the N examples of
 * the batch,
 *
 *   L = Σᵢ wᵢ·ℓᵢ / N
 *
 * — divided by the number of examples, not by Σ wᵢ (PyTorch's weighted
 * cross-entropy with reduction 'mean' divides by Σ w_{yᵢ}; its reduction
 * 'none' summed and divided by N is the same as this). With every wᵢ = 1 it
 * is the unweighted loss. A per-example loss with more axes (a sequence's
 * [batch, time]) is averaged over them first, which is the same as Keras's
 * division by the number of elements. `loss` must honour
 * `{ reduction: 'none' }` (every built-in loss does).
 */
export function weightedLoss(loss: LossFn, yTrue: TensorLike, yPred: TensorLike, sampleWeight: Tensor): Tensor {
  let perExample = loss(yTrue, yPred, { reduction: 'none' });
  if (perExample.rank === 0) {
    throw new ArgumentError(
      "sampleWeight: the loss returned a scalar for reduction 'none'; a custom loss used with sampleWeight or classWeight must return one loss per example when given { reduction: 'none' }",
    );
  }
  if (perExample.rank > 1)
    perExample = mean(
      perExample,
      perExample.shape.slice(1).map((_, i) => i + 1),
    );
  return div(sum(mul(perExample, sampleWeight)), perExample.shape[0]!);
}

/** sampleWeight checked: one finite, non-negative weight per example, as a float32 tensor [n]. */
export function sampleWeightTensor(op: string, what: string, w: TensorLike, n: number): Tensor {
  let t = floatTensor(op, what, w);
  if (t.rank === 2 && t.shape[1] === 1) t = new Tensor(t.storage, [t.shape[0]!]);
  if (t.rank !== 1 || t.shape[0] !== n) throw new ShapeError(`${op}: ${what} must hold one weight per example, shape [${n}], got ${formatShape(t.shape)}`);
  const s = t.storage;
  for (let i = 0; i < s.length; i++) {
    if (!(s[i]! >= 0) || !Number.isFinite(s[i]!)) throw new ArgumentError(`${op}: ${what}[${i}] is ${s[i]}; weights must be finite and non-negative`);
  }
  return t;
}

/**
 * The sample weights that Keras's classWeight gives: example i weighs
 * classWeight[cᵢ], where cᵢ is its class: the label itself for sparse labels
 * ([n] or [n, 1], rounded), argmax for one-hot or probability rows [n, K].
 * A class missing from classWeight weighs 1 (as in Keras).
 */
export function classWeightsToSampleWeights(op: string, classWeight: unknown, y: Tensor): Tensor {
  if (classWeight === null || typeof classWeight !== 'object' || Array.isArray(classWeight))
    throw new ArgumentError(`${op}: classWeight must be an object { classIndex: weight }, got ${describe(classWeight)}`);
  const table = new Map<number, number>();
  for (const [k, v] of Object.entries(classWeight)) {
    const c = Number(k);
    if (!Number.isInteger(c) || c < 0) throw new ArgumentError(`${op}: classWeight keys must be class indices (integers >= 0), got '${k}'`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new ArgumentError(`${op}: classWeight[${k}] must be a finite non-negative number, got ${describe(v)}`);
    table.set(c, v);
  }
  const n = y.shape[0] ?? 0;
  const s = y.storage;
  const out = new Float32Array(n);
  if (y.rank === 1 || (y.rank === 2 && y.shape[1] === 1)) {
    for (let i = 0; i < n; i++) out[i] = table.get(Math.round(s[i]!)) ?? 1;
  } else if (y.rank === 2) {
    const k = y.shape[1]!;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (s[i * k + j]! > s[i * k + best]!) best = j;
      out[i] = table.get(best) ?? 1;
    }
  } else {
    throw new ShapeError(`${op}: classWeight needs labels [n] (class indices) or [n, classes] (one-hot), got y of shape ${formatShape(y.shape)}`);
  }
  return new Tensor(out, [n]);
}
