/**
 * Scatter charts coloured by label: 2-D embeddings of the digits (PCA,
 * autoencoders), decision boundaries' data, anything with (x, y) points.
 */
import { optionsObject } from '../core/options.js';
import { ArgumentError } from '../core/errors.js';
import { drawFrame, linearAxis } from './axes.js';
import { columnLegend, columnLegendWidth, type LegendEntry } from './legend.js';
import { MUTED, categoricalColor, checkPositive, num, svgDocument, text, titleBlock } from './svg.js';

/** Array.isArray without narrowing (a readonly array would narrow to any[]). */
const isList = (v: unknown): boolean => Array.isArray(v);

/** One point; points with the same label share a colour. */
export interface ScatterPoint {
  x: number;
  y: number;
  label?: number | string;
}

/** What scatterChart draws. */
export interface ScatterChartOptions {
  points: readonly ScatterPoint[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Show the legend of labels (default true when the points have labels). */
  legend?: boolean;
  /** A bold heading over the legend (such as "digit"). */
  legendTitle?: string;
  /** Pixels (default 640). */
  width?: number;
  /** Pixels (default 480). */
  height?: number;
  /** The radius of a point in pixels (default 3). */
  radius?: number;
}

/**
 * A scatter chart as a standalone SVG document: one `<circle>` per point with
 * finite coordinates (drawn in the given order), coloured by its label from a
 * palette of 20 distinguishable colours, with round tick values on both axes
 * and a legend of the labels at the right. Numeric labels are listed in
 * increasing order, and integer labels 0..19 always get the same colour
 * (label k → colour k), so digit 3 looks the same in every chart; other labels
 * are listed and coloured in order of first appearance. Unlabelled points are
 * grey.
 */
export function scatterChart(options: ScatterChartOptions): string {
  const op = 'scatterChart';
  const { points, title, xLabel, yLabel } = (options = optionsObject(op, options, 'options { points, ... }'));
  if (!isList(points)) throw new ArgumentError(`${op}: points must be an array of { x, y, label? }`);
  const width = options.width ?? 640,
    height = options.height ?? 480,
    radius = options.radius ?? 3;
  checkPositive(op, 'width', width);
  checkPositive(op, 'height', height);
  checkPositive(op, 'radius', radius);

  // the labels, in legend order, and their colours
  const seen = new Map<string, number | string>();
  let unlabelled = false;
  for (const p of points) {
    if (p.label === undefined || p.label === null) unlabelled = true;
    else if (!seen.has(`${typeof p.label}:${p.label}`)) seen.set(`${typeof p.label}:${p.label}`, p.label);
  }
  let labels = [...seen.values()];
  const numeric = labels.every((l) => typeof l === 'number');
  if (numeric) labels = (labels as number[]).sort((a, b) => a - b);
  const fixed = numeric && labels.every((l) => Number.isInteger(l) && (l as number) >= 0 && (l as number) < 20);
  const colorOf = new Map<string, string>();
  labels.forEach((l, i) => colorOf.set(`${typeof l}:${l}`, categoricalColor(fixed ? (l as number) : i)));
  const grey = '#9a9a9a';
  const color = (p: ScatterPoint) => (p.label === undefined || p.label === null ? grey : colorOf.get(`${typeof p.label}:${p.label}`)!);

  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  let [xLo, xHi, yLo, yHi] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of finite) {
    xLo = Math.min(xLo, p.x);
    xHi = Math.max(xHi, p.x);
    yLo = Math.min(yLo, p.y);
    yHi = Math.max(yHi, p.y);
  }
  if (finite.length === 0) [xLo, xHi, yLo, yHi] = [0, 1, 0, 1];
  const xAxis = linearAxis(op, xLo, xHi, { domain: 'pad', maxTicks: Math.floor((width - 160) / 50) + 1 });
  const yAxis = linearAxis(op, yLo, yHi, { domain: 'pad', maxTicks: Math.floor((height - 100) / 28) + 1 });

  const entries: LegendEntry[] = labels.map((l) => ({
    name: String(l),
    swatch: (x, y) => `<circle cx="${num(x + 11)}" cy="${num(y)}" r="4.5" fill="${colorOf.get(`${typeof l}:${l}`)}"/>`,
  }));
  if (unlabelled && labels.length > 0)
    entries.push({ name: 'unlabelled', swatch: (x, y) => `<circle cx="${num(x + 11)}" cy="${num(y)}" r="4.5" fill="${grey}"/>` });
  const showLegend = (options.legend ?? true) && labels.length > 0;
  const legendWidth = showLegend ? columnLegendWidth(entries, options.legendTitle) + 24 : 0;

  const head = titleBlock(title, width);
  const body: string[] = [head.svg];
  const { frame, svg: axes } = drawFrame(width, height, 6 + head.height, xAxis, yAxis, xLabel, yLabel, legendWidth);
  body.push(...axes);
  if (finite.length === 0) {
    body.push(text('no data', { x: frame.left + frame.width / 2, y: frame.top + frame.height / 2, size: 14, anchor: 'middle', fill: MUTED }));
  }
  body.push('<g class="points" fill-opacity="0.75">');
  for (const p of finite) body.push(`<circle cx="${num(frame.x(p.x))}" cy="${num(frame.y(p.y))}" r="${num(radius)}" fill="${color(p)}"/>`);
  body.push('</g>');
  if (showLegend) body.push(...columnLegend(entries, frame.left + frame.width + 20, frame.top, options.legendTitle));
  return svgDocument(width, height, title ?? `Scatter chart of ${finite.length} point${finite.length === 1 ? '' : 's'}`, body);
}
