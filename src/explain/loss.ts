// The cost J as a formula of the prediction A and the labels Y, for the
// losses nabla has, in the textbooks' notation:
//   binary cross-entropy       J = −(1/m) Σ [Y ⊙ log A + (1 − Y) ⊙ log(1 − A)]
//   categorical cross-entropy  J = −(1/m) Σ Y ⊙ log A
//   mean squared error         J = (1/m) Σ (A − Y)²
import { bin, fn, mean, neg, num, sum, type Expr } from './expr.js';

/** The cost's formula and what the explanation should say about it. */
export interface LossFormula {
  readonly expr: Expr;
  readonly note: string | null;
  /** When the prediction is σ(Z) (binary) or softmax(Z) (categorical), ∂L/∂Z simplifies to A − Y. */
  readonly pairsWith: 'sigmoid' | 'softmax' | null;
}

/** Σ over the class axis then the mean over the examples (and over the classes for `meanOverClasses`). */
function reduce(e: Expr, meanOverClasses: boolean, reduction: string): Expr {
  const rank = e.shape.length;
  const classAxes = Array.from({ length: Math.max(0, rank - 1) }, (_, i) => i + 1);
  const perExample = meanOverClasses ? mean(e, classAxes, false) : sum(e, classAxes, false);
  const collapsed = classAxes.length > 0 && classAxes.every((a) => e.shape[a] === 1) ? [0, ...classAxes] : null;
  // one output per example: a single Σ over everything
  if (collapsed) return reduction === 'sum' ? sum(e, collapsed, false) : mean(e, collapsed, false);
  return reduction === 'sum' ? sum(perExample, [0], false) : mean(perExample, [0], false);
}

/**
 * The formula of loss `op` (a nabla loss name) with options `attrs`, or null
 * for a loss without one (a custom function: the explanation then shows it
 * as an opaque call).
 */
export function lossFormula(op: string, attrs: Readonly<Record<string, unknown>>, y: Expr, a: Expr): LossFormula | null {
  const fromLogits = attrs.fromLogits === true;
  const reduction = (attrs.reduction as string | undefined) ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum') return null;
  const one = num(1);
  switch (op) {
    case 'binaryCrossentropy': {
      if (fromLogits) {
        // softplus(z) − z·y, the stable form nabla computes
        return {
          expr: reduce(bin('-', fn('softplus', a), bin('*', y, a)), true, reduction),
          note: 'from logits: L = softplus(Z) − Y ⊙ Z, computed stably',
          pairsWith: null,
        };
      }
      const inner = bin('+', bin('*', y, fn('log', a)), bin('*', bin('-', one, y), fn('log', bin('-', one, a))));
      return {
        expr: neg(reduce(inner, true, reduction)),
        note: 'probabilities are clipped to [1e-7, 1 − 1e-7] before the log, as in Keras (the gradient is 0 where the clip is active)',
        pairsWith: 'sigmoid',
      };
    }
    case 'categoricalCrossentropy':
    case 'sparseCategoricalCrossentropy': {
      const labels = y;
      if (fromLogits)
        return {
          expr: neg(reduce(bin('*', labels, { k: 'softmax', log: true, a, axis: a.shape.length - 1, shape: a.shape }), false, reduction)),
          note: 'from logits: log-softmax, max-shifted',
          pairsWith: null,
        };
      return {
        expr: neg(reduce(bin('*', labels, fn('log', a)), false, reduction)),
        note: 'each row of A is normalised to sum to 1 and clipped to [1e-7, 1 − 1e-7] before the log, as in Keras',
        pairsWith: 'softmax',
      };
    }
    case 'meanSquaredError': {
      const d = bin('-', a, y);
      return { expr: reduce(fn('square', d), true, reduction), note: null, pairsWith: null };
    }
    case 'meanAbsoluteError':
      return { expr: reduce(fn('abs', bin('-', a, y)), true, reduction), note: null, pairsWith: null };
    default:
      return null;
  }
}
