/**
 * The sharpness λ_max of the loss during training, drawn against the
 * stability threshold 2/η of gradient descent ("edge of stability",
 * Cohen et al. 2021).
 */
import { describe } from '../core/describe.js';
import { optionsObject } from '../core/options.js';
import { ArgumentError } from '../core/errors.js';
import { lineChart, type LineSeries } from './line.js';
import { formatNumber } from './svg.js';

/** One measurement, as nb.callbacks.sharpness records it (only these fields are read). */
export interface SharpnessPoint {
  epoch: number;
  step: number;
  /** λ_max. */
  sharpness: number;
  /** η at that point (NaN or absent when unknown). */
  learningRate?: number;
}

/** Options for sharpnessChart. */
export interface SharpnessChartOptions {
  /** η for the 2/η line, overriding the records' own (give it when they do not know η). */
  learningRate?: number;
  /** The x axis: 'epoch' or 'step' (default 'step' when several records share an epoch, as with unit: 'batch'). */
  x?: 'epoch' | 'step';
  title?: string;
  /** Pixels (default 640). */
  width?: number;
  /** Pixels (default 400). */
  height?: number;
}

/**
 * λ_max against epoch (or step) as a line, with 2/η as a dashed red line
 * (a step when η follows a schedule): gradient descent with rate η diverges
 * along the top Hessian eigenvector when λ_max > 2/η, so in full-batch
 * training λ_max typically rises (progressive sharpening) until it reaches
 * 2/η and then hovers there. The y axis starts at 0. Takes the records of
 * nb.callbacks.sharpness (or the callback itself).
 *
 * ```ts
 * writeFileSync('sharpness.svg', nb.viz.sharpnessChart(tracker.records));
 * ```
 */
export function sharpnessChart(
  records: readonly SharpnessPoint[] | { readonly records: readonly SharpnessPoint[] },
  options: SharpnessChartOptions = {},
): string {
  const op = 'sharpnessChart';
  const opts = optionsObject(op, options);
  const list = Array.isArray(records) ? records : (records as { records?: unknown } | null)?.records;
  if (!Array.isArray(list))
    throw new ArgumentError(`${op}: expected the records of nb.callbacks.sharpness (an array of { epoch, step, sharpness }), got ${describe(records)}`);
  list.forEach((r: SharpnessPoint, i) => {
    if (!r || typeof r !== 'object' || typeof r.sharpness !== 'number' || typeof r.epoch !== 'number' || typeof r.step !== 'number') {
      throw new ArgumentError(`${op}: record ${i} must have numbers epoch, step and sharpness, got ${describe(r)}`);
    }
  });
  if (opts.learningRate !== undefined && !(typeof opts.learningRate === 'number' && opts.learningRate > 0 && Number.isFinite(opts.learningRate))) {
    throw new ArgumentError(`${op}: learningRate must be a positive number, got ${describe(opts.learningRate)}`);
  }
  if (opts.x !== undefined && opts.x !== 'epoch' && opts.x !== 'step') throw new ArgumentError(`${op}: x must be 'epoch' or 'step', got ${describe(opts.x)}`);
  const points = list as readonly SharpnessPoint[];
  const epochs = points.map((r) => r.epoch);
  const axis = opts.x ?? (new Set(epochs).size < epochs.length ? 'step' : 'epoch');
  const xs = points.map((r) => (axis === 'epoch' ? r.epoch : r.step));
  const threshold = points.map((r) => {
    const eta = opts.learningRate ?? r.learningRate;
    return eta !== undefined && eta > 0 ? 2 / eta : NaN;
  });
  const series: LineSeries[] = [{ name: 'λmax (sharpness)', values: points.map((r) => r.sharpness), x: xs, color: '#1f77b4' }];
  const known = threshold.filter(Number.isFinite);
  // a threshold far above every λmax would flatten the curve to the axis: say it in the title instead of drawing it
  const peak = Math.max(...points.map((r) => r.sharpness).filter(Number.isFinite));
  const far = known.length > 0 && Math.min(...known) > 5 * peak;
  if (known.length > 0 && !far) {
    const constant = known.every((t) => t === known[0]);
    // a constant threshold spans the whole x range even where a record lacks η
    let values = constant ? xs.map(() => known[0]!) : threshold,
      x = xs;
    if (!constant) {
      // η holds from one record to the next: a staircase
      values = [];
      x = [];
      threshold.forEach((t, i) => {
        if (i > 0) {
          x.push(xs[i]!);
          values.push(threshold[i - 1]!);
        }
        x.push(xs[i]!);
        values.push(t);
      });
    }
    series.push({
      name: constant ? `2/η = ${formatNumber(Number(known[0]!.toPrecision(4)))} (edge of stability)` : '2/η (edge of stability)',
      values,
      x,
      dashed: true,
      color: '#d62728',
    });
  }
  const all = [...points.map((r) => r.sharpness), ...(far ? [] : known)].filter(Number.isFinite);
  const farTitle = `Sharpness λmax (2/η = ${formatNumber(Number(Math.min(...known).toPrecision(3)))}, far above: plain gradient descent at this η would be stable)`;
  return lineChart({
    series,
    title: opts.title ?? (far ? farTitle : 'Sharpness λmax and the edge of stability 2/η'),
    xLabel: axis,
    yLabel: 'largest Hessian eigenvalue',
    width: opts.width,
    height: opts.height,
    yMin: all.every((v) => v >= 0) ? 0 : undefined,
  });
}
