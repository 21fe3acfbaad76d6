/**
 * Line charts, for training curves: loss and val_loss over epochs, accuracy
 * and val_accuracy. Non-finite values leave gaps; lines are clipped exactly
 * to the plot area.
 */
import { describe } from '../core/describe.js';
import { optionsObject } from '../core/options.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { drawFrame, frameLeft, linearAxis, logAxis, type Axis, type Frame } from './axes.js';
import { rowLegend, type LegendEntry } from './legend.js';
import { clipSegment } from './track.js';
import { MUTED, categoricalColor, checkPositive, escapeXml, num, svgDocument, text, titleBlock } from './svg.js';

/** Array.isArray without narrowing (a readonly array would narrow to any[]). */
const isList = (v: unknown): boolean => Array.isArray(v);

/** One line: its name (for the legend), y values and optional x values. */
export interface LineSeries {
  /** The legend entry. */
  name: string;
  /** The y values; NaN, ±Infinity (and values ≤ 0 on a log axis) leave a gap. */
  values: readonly number[];
  /** The x values, one per y value (default 1, 2, ..., n: epochs counted from 1). */
  x?: readonly number[];
  /** Draw the line dashed (for validation curves, say). */
  dashed?: boolean;
  /** A "#rrggbb" colour (default: the next colour of the categorical palette). */
  color?: string;
}

/** What lineChart draws. */
export interface LineChartOptions {
  series: readonly LineSeries[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels (default 640). */
  width?: number;
  /** Pixels (default 400). */
  height?: number;
  /** The bottom of the y axis (default: the data minimum, rounded down to a tick). */
  yMin?: number;
  /** The top of the y axis (default: the data maximum, rounded up to a tick). */
  yMax?: number;
  /** A logarithmic y axis (values ≤ 0 are skipped). */
  logY?: boolean;
}

const COLOR = /^#[0-9a-fA-F]{6}$/;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The path data and isolated points of one series in pixel space, with gaps and clipping. */
function seriesGeometry(points: readonly ([number, number] | null)[], f: Frame): { d: string; dots: [number, number][] } {
  const parts: string[] = [];
  const dots: [number, number][] = [];
  let pen = '';
  const inside = (x: number, y: number) => x >= f.left - 1e-6 && x <= f.left + f.width + 1e-6 && y >= f.top - 1e-6 && y <= f.top + f.height + 1e-6;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!p) continue;
    const prev = i > 0 ? points[i - 1] : null,
      next = points[i + 1] ?? null;
    if (!prev && !next && inside(p[0], p[1])) dots.push(p);
    if (!next) continue;
    const c = clipSegment(p[0], p[1], next[0], next[1], f);
    if (!c) continue;
    // the clipped end lies on the rectangle; clamping removes the rounding error of huge coordinates
    const at = (t: number) =>
      `${num(clamp(p[0] + (next[0] - p[0]) * t, f.left, f.left + f.width))} ${num(clamp(p[1] + (next[1] - p[1]) * t, f.top, f.top + f.height))}`;
    const start = at(c[0]),
      end = at(c[1]);
    if (start !== pen) parts.push(`M${start}`);
    parts.push(`L${end}`);
    pen = end;
  }
  return { d: parts.join(''), dots };
}

/**
 * A line chart as a standalone SVG document: one line per series (a
 * `<path class="series">`; points with no finite neighbour are drawn as dots), round tick
 * values, gridlines, axis titles and, when there are several series, a
 * legend above the plot. The y axis is linear (or logarithmic with `logY`)
 * and spans the data rounded out to ticks unless `yMin`/`yMax` fix it; lines
 * are clipped exactly at the plot's edges.
 *
 * ```ts
 * const svg = nb.viz.lineChart({ series: [
 *   { name: 'loss', values: history.history.loss },
 *   { name: 'val_loss', values: history.history.val_loss, dashed: true },
 * ], xLabel: 'epoch', yLabel: 'loss' });
 * ```
 */
export function lineChart(options: LineChartOptions): string {
  const op = 'lineChart';
  const { series, title, xLabel, yLabel, yMin, yMax } = (options = optionsObject(op, options, 'options { series, ... }'));
  const width = options.width ?? 640,
    height = options.height ?? 400;
  checkPositive(op, 'width', width);
  checkPositive(op, 'height', height);
  if (!isList(series)) throw new ArgumentError(`${op}: series must be an array of { name, values }`);
  const logY = options.logY === true;
  const data = series.map((s, k) => {
    if (!s || !isList(s.values)) throw new ArgumentError(`${op}: series ${k} needs a values array`);
    if (s.x !== undefined && s.x.length !== s.values.length) {
      throw new ShapeError(`${op}: series ${k} ("${s.name}") has ${s.values.length} values but ${s.x.length} x values`);
    }
    if (s.color !== undefined && !COLOR.test(s.color)) throw new ArgumentError(`${op}: series ${k} colour must be "#rrggbb", got "${s.color}"`);
    return s.values.map((v, i): [number, number] | null => {
      const x = s.x ? s.x[i]! : i + 1;
      return Number.isFinite(x) && Number.isFinite(v) && (!logY || v > 0) ? [x, v] : null;
    });
  });
  const all = data.flat().filter((p): p is [number, number] => p !== null);
  const hasData = all.length > 0;
  let xLo = Infinity,
    xHi = -Infinity,
    yLo = Infinity,
    yHi = -Infinity;
  for (const [x, y] of all) {
    xLo = Math.min(xLo, x);
    xHi = Math.max(xHi, x);
    yLo = Math.min(yLo, y);
    yHi = Math.max(yHi, y);
  }
  if (!hasData) [xLo, xHi, yLo, yHi] = [0, 1, logY ? 1 : 0, logY ? 10 : 1];
  const integerX = all.every(([x]) => Number.isInteger(x));
  const xAxis = linearAxis(op, xLo, xHi, { domain: 'exact', integer: integerX, maxTicks: Math.floor((width - 100) / 50) + 1 });
  if (yMin !== undefined) yLo = Math.min(yLo, yMin);
  if (yMax !== undefined) yHi = Math.max(yHi, yMax);
  const yAxis: Axis = logY
    ? logAxis(op, yLo, yHi, yMin, yMax)
    : linearAxis(op, yLo, yHi, { fixedMin: yMin, fixedMax: yMax, maxTicks: Math.floor((height - 100) / 28) + 1 });

  const chartTitle = titleBlock(title, width);
  let top = 6 + chartTitle.height;
  const body: string[] = [chartTitle.svg];
  const colors = series.map((s, k) => s.color ?? categoricalColor(k));
  if (series.length > 1) {
    const entries: LegendEntry[] = series.map((s, k) => ({
      name: s.name,
      swatch: (x, y) =>
        `<line x1="${num(x)}" y1="${num(y)}" x2="${num(x + 22)}" y2="${num(y)}" stroke="${colors[k]}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    }));
    const left = frameLeft(yAxis, yLabel);
    const legend = rowLegend(entries, left, top + 2, width - left - 14);
    body.push(...legend.svg);
    top += legend.height + 2;
  }
  const { frame, svg: axes } = drawFrame(width, height, top, xAxis, yAxis, xLabel, yLabel);
  body.push(...axes);
  if (!hasData) {
    body.push(text('no data', { x: frame.left + frame.width / 2, y: frame.top + frame.height / 2, size: 14, anchor: 'middle', fill: MUTED }));
  }
  data.forEach((points, k) => {
    // points far outside the plot are pulled in to a million plot heights (no Infinity; the drawn part is unchanged to 1e-6 px)
    const far = 1e6 * (frame.width + frame.height);
    const pixels = points.map((p): [number, number] | null => (p ? [clamp(frame.x(p[0]), -far, far), clamp(frame.y(p[1]), -far, far)] : null));
    const { d, dots } = seriesGeometry(pixels, frame);
    const name = escapeXml(series[k]!.name);
    const parts: string[] = [];
    if (d) {
      parts.push(
        `<path class="series" data-name="${name}" d="${d}" fill="none" stroke="${colors[k]}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"${series[k]!.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    for (const [x, y] of dots) parts.push(`<circle cx="${num(x)}" cy="${num(y)}" r="2.5" fill="${colors[k]}"/>`);
    body.push(...parts);
  });
  return svgDocument(width, height, title ?? (series.length ? `Line chart: ${series.map((s) => s.name).join(', ')}` : 'Line chart'), body);
}

/** The charts historyCharts makes: one per metric, keyed by the metric's name. */
export interface HistoryCharts {
  loss: string;
  accuracy?: string;
  [metric: string]: string | undefined;
}

/** Options for historyCharts. */
export interface HistoryChartOptions {
  /** Pixels (default 640). */
  width?: number;
  /** Pixels (default 400). */
  height?: number;
  /** A logarithmic y axis for the loss chart. */
  logLoss?: boolean;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ');
}

/**
 * One line chart per metric of a training history, each with its validation
 * twin: `loss` draws loss and val_loss (dashed), `accuracy` draws accuracy and
 * val_accuracy, and so on, over epochs 1..n. Takes `history.history` (or the
 * History that fit returns) and returns the SVG documents keyed by metric.
 *
 * ```ts
 * const history = await model.fit(x, y, { epochs: 50, validationSplit: 0.2 });
 * const charts = nb.viz.historyCharts(history);
 * writeFileSync('loss.svg', charts.loss);
 * ```
 */
export function historyCharts(
  history: Readonly<Record<string, readonly number[]>> | { history: Readonly<Record<string, readonly number[]>> },
  options: HistoryChartOptions = {},
): HistoryCharts {
  if (history === null || typeof history !== 'object')
    throw new ArgumentError(`historyCharts: expected a History or its history record, got ${describe(history)}`);
  const h = ('history' in history && !isList(history.history) && typeof history.history === 'object' ? history.history : history) as Readonly<
    Record<string, readonly number[]>
  >;
  const keys = Object.keys(h).filter((k) => isList(h[k]));
  if (!keys.includes('loss') && !keys.includes('val_loss')) {
    throw new ArgumentError(`historyCharts: the history has no "loss" (it has ${keys.length ? keys.map((k) => `"${k}"`).join(', ') : 'nothing'})`);
  }
  const charts: Record<string, string> = {};
  for (const key of keys) {
    const base = key.startsWith('val_') && keys.includes(key.slice(4)) ? null : key.startsWith('val_') ? key.slice(4) : key;
    if (base === null || charts[base] !== undefined) continue;
    const series: LineSeries[] = [];
    if (h[base]) series.push({ name: base, values: h[base]!, color: categoricalColor(0) });
    if (h[`val_${base}`]) series.push({ name: `val_${base}`, values: h[`val_${base}`]!, dashed: true, color: categoricalColor(1) });
    charts[base] = lineChart({
      series,
      title: capitalize(base),
      xLabel: 'epoch',
      yLabel: base,
      width: options.width,
      height: options.height,
      logY: base === 'loss' && options.logLoss === true,
    });
  }
  return charts as HistoryCharts;
}
