// compile for a model of several outputs: a loss per output (or one for all),
// loss weights, and metrics on each output, logged as '<output>_<metric>'.
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../ops/arithmetic.js';
import { mean } from '../ops/reduce.js';
import { getLoss, type LossFn, type LossOptions } from '../losses/index.js';
import { getMetric, type Metric } from '../metrics/index.js';

/** A metric on one output of the model, with the key it is logged under. */
export interface MetricSlot {
  metric: Metric;
  /** The index of the output it reads (0 for a model of one output). */
  output: number;
  /** The log key: the metric's name, or '<output>_<name>' for a model of several outputs. */
  name: string;
}

/** What compile keeps for a model of several outputs. */
export interface OutputsCompiled {
  /** Σₖ λₖ·lossₖ(yₖ, ŷₖ) over the outputs (yTrue and yPred are arrays, one tensor per output). */
  loss: LossFn;
  /** The loss names per output (for save), or null when one is a custom function. */
  lossNames: string[] | null;
  lossWeights: number[];
  metrics: MetricSlot[];
}

/** A per-output option given as one value for all, an array in output order, or an object keyed by output name. */
function perOutput<T>(op: string, what: string, v: T | T[] | Record<string, T>, names: readonly string[], isValue: (x: unknown) => boolean): T[] {
  if (isValue(v)) return names.map(() => v as T);
  if (Array.isArray(v)) {
    if (v.length !== names.length)
      throw new ArgumentError(`${op}: ${what} has ${v.length} entries, but the model has ${names.length} outputs (${names.join(', ')})`);
    return v;
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, T>;
    for (const k of Object.keys(o))
      if (!names.includes(k)) throw new ArgumentError(`${op}: ${what} names '${k}', which is not an output (outputs: ${names.join(', ')})`);
    return names.map((n) => {
      if (!Object.hasOwn(o, n)) throw new ArgumentError(`${op}: ${what} has no entry for output '${n}'`);
      return o[n]!;
    });
  }
  throw new ArgumentError(`${op}: ${what} must be one value, an array (one per output) or an object keyed by output name, got ${describe(v)}`);
}

/**
 * compile's loss, lossWeights and metrics for outputs `names`: the total loss
 * L = Σₖ λₖ·Lₖ (λₖ = lossWeights, default 1), each Lₖ the mean over the batch
 * of output k's loss, as Keras sums a multi-output model's losses.
 */
export function compileOutputs(names: readonly string[], loss: unknown, lossWeights: unknown, metrics: unknown): OutputsCompiled {
  const op = 'compile';
  const losses = perOutput<string | LossFn>(op, 'loss', loss as string | LossFn, names, (x) => typeof x === 'string' || typeof x === 'function');
  const fns = losses.map((l) => getLoss(l));
  const weights =
    lossWeights === undefined ? names.map(() => 1) : perOutput<number>(op, 'lossWeights', lossWeights as number[], names, (x) => typeof x === 'number');
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w))
      throw new ArgumentError(`${op}: lossWeights for output '${names[i]}' must be a finite number, got ${describe(w)}`);
  });
  const lists =
    metrics === undefined
      ? names.map(() => [])
      : Array.isArray(metrics) && !metrics.some((m) => Array.isArray(m))
        ? names.map(() => metrics as unknown[])
        : perOutput<unknown[]>(op, 'metrics', metrics as unknown[][], names, () => false);
  const slots: MetricSlot[] = [];
  lists.forEach((list, k) => {
    if (!Array.isArray(list)) throw new ArgumentError(`${op}: the metrics of output '${names[k]}' must be an array, got ${describe(list)}`);
    for (const m of list) {
      // a name makes a fresh metric per output; a Metric object given for several outputs would mix them
      const metric = getMetric(m as string, losses[k]!);
      slots.push({ metric, output: k, name: `${names[k]}_${metric.name}` });
    }
  });
  const total: LossFn = (yTrue, yPred, opts?: LossOptions) => {
    const ys = yTrue as unknown as Tensor[],
      ps = yPred as unknown as Tensor[];
    let sum: Tensor | null = null;
    fns.forEach((f, k) => {
      let l = f(ys[k]!, ps[k]!, opts);
      // per-example losses of different outputs meet as [batch] (a sequence output's are averaged over time)
      if (opts?.reduction === 'none' && l.rank > 1)
        l = mean(
          l,
          l.shape.slice(1).map((_, i) => i + 1),
        );
      if (weights[k] !== 1) l = mul(l, weights[k]!);
      sum = sum === null ? l : add(sum, l);
    });
    return sum!;
  };
  return { loss: total, lossNames: losses.every((l) => typeof l === 'string') ? (losses as string[]) : null, lossWeights: weights, metrics: slots };
}
