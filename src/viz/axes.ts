/**
 * Cartesian axes for the line and scatter charts: an axis (domain, ticks,
 * labels, linear or logarithmic), the plot frame laid out around the tick
 * labels and axis titles, and the gridlines, ticks and titles drawn on it.
 */
import { ArgumentError } from '../core/errors.js';
import { GRID, INK, MUTED, formatNumber, formatTick, line, logTicks, niceDomain, niceLogDomain, niceTickStep, niceTicks, text, textWidth } from './svg.js';

/** The font size of tick labels. */
const TICK_FONT = 11;
/** The font size of axis titles. */
const LABEL_FONT = 13;

/** One axis: its domain, tick values and their labels; log axes map log10 of the value. */
export interface Axis {
  min: number;
  max: number;
  ticks: number[];
  labels: string[];
  log: boolean;
}

/** How linearAxis chooses its domain. */
export interface LinearAxisOptions {
  /**
   * 'round' (the default) widens the data range to round tick values; 'pad'
   * widens it by 5% each way (points stay off the frame); 'exact' keeps it.
   */
  domain?: 'round' | 'pad' | 'exact';
  /** Only integer ticks (for epochs). */
  integer?: boolean;
  /** Fixed lower and upper ends (either may be given alone). */
  fixedMin?: number;
  fixedMax?: number;
  /** At most this many ticks (default 10): fewer on a small chart. */
  maxTicks?: number;
}

/**
 * A linear axis over the data range [lo, hi] (hi ≥ lo; both finite), with
 * about 5 round ticks, widened as `domain` says, with any fixed ends taking
 * precedence.
 */
export function linearAxis(op: string, lo: number, hi: number, o: LinearAxisOptions = {}): Axis {
  const maxTicks = Math.max(2, o.maxTicks ?? 10);
  if (lo === hi) [lo, hi] = lo === 0 || o.integer ? [lo - 1, hi + 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  let count = 5,
    min = lo,
    max = hi;
  for (;;) {
    [min, max] = o.domain === 'pad' ? [lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05] : o.domain === 'exact' ? [lo, hi] : niceDomain(lo, hi, count);
    if (o.fixedMin !== undefined) min = o.fixedMin;
    if (o.fixedMax !== undefined) max = o.fixedMax;
    if (!(Number.isFinite(min) && Number.isFinite(max) && min < max)) {
      throw new ArgumentError(`${op}: the axis range [${min}, ${max}] is empty; give a minimum below the maximum`);
    }
    if (count === 1 || niceTicks(min, max, count).length <= maxTicks) break;
    count--;
  }
  let ticks = niceTicks(min, max, count);
  let step = niceTickStep(min, max, count);
  if (o.integer && step < 1) {
    step = 1;
    ticks = [];
    for (let v = Math.ceil(min); v <= Math.floor(max); v++) ticks.push(v);
  }
  return { min, max, ticks, labels: ticks.map((t) => formatTick(t, step)), log: false };
}

/** A log10 axis over the data range [lo, hi] (both > 0), widened to 1, 2 or 5 times powers of ten unless fixed ends are given. */
export function logAxis(op: string, lo: number, hi: number, fixedMin?: number, fixedMax?: number): Axis {
  const [niceMin, niceMax] = lo > 0 && hi >= lo && Number.isFinite(hi) ? niceLogDomain(lo, hi) : [lo, hi];
  let min = fixedMin ?? niceMin;
  let max = fixedMax ?? niceMax;
  if (min === max) [min, max] = [min / 10, max * 10];
  if (!(min > 0 && Number.isFinite(max) && min < max)) {
    throw new ArgumentError(`${op}: the logarithmic axis range [${min}, ${max}] must be positive and non-empty`);
  }
  min = Number(min.toPrecision(12));
  max = Number(max.toPrecision(12));
  const ticks = logTicks(min, max);
  return { min, max, ticks, labels: ticks.map(formatNumber), log: true };
}

/** Where the plot area sits in the chart, and the maps from data to pixels. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
  /** Data x → pixel x (unclamped). */
  x(v: number): number;
  /** Data y → pixel y (unclamped; larger values higher up). */
  y(v: number): number;
}

/** The pixel width the y tick labels and y title need to the left of the plot. */
export function frameLeft(yAxis: Axis, yLabel?: string): number {
  const labels = Math.max(0, ...yAxis.labels.map((l) => textWidth(l, TICK_FONT)));
  return 10 + (yLabel ? LABEL_FONT + 10 : 0) + labels + 8;
}

function unit(axis: Axis, v: number): number {
  if (axis.log) return (Math.log10(v) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min));
  return (v - axis.min) / (axis.max - axis.min);
}

/**
 * Lays out the plot area in a width × height chart below `top`, leaving room
 * for the tick labels and axis titles (and `rightExtra` pixels on the right,
 * for a legend), and draws the gridlines, axes, ticks, tick labels and titles.
 */
export function drawFrame(
  width: number,
  height: number,
  top: number,
  xAxis: Axis,
  yAxis: Axis,
  xLabel?: string,
  yLabel?: string,
  rightExtra = 0,
): { frame: Frame; svg: string[] } {
  const left = frameLeft(yAxis, yLabel);
  const lastX = xAxis.labels.at(-1) ?? '';
  const right = Math.max(14, textWidth(lastX, TICK_FONT) / 2 + 6) + rightExtra;
  const bottom = 8 + 5 + 4 + TICK_FONT + (xLabel ? LABEL_FONT + 10 : 0);
  const plotTop = top + 8;
  const w = width - left - right,
    h = height - plotTop - bottom;
  if (w < 20 || h < 20) throw new ArgumentError(`chart: ${width}x${height} leaves no room for the plot; make it larger`);
  const frame: Frame = {
    left,
    top: plotTop,
    width: w,
    height: h,
    x: (v) => left + unit(xAxis, v) * w,
    y: (v) => plotTop + h - unit(yAxis, v) * h,
  };
  const svg: string[] = ['<g class="axes">'];
  const x0 = left,
    x1 = left + w,
    y0 = plotTop,
    y1 = plotTop + h;
  yAxis.ticks.forEach((t, i) => {
    const py = frame.y(t);
    if (Math.abs(py - y1) > 0.5) svg.push(line(x0, py, x1, py, GRID));
    svg.push(line(x0 - 5, py, x0, py, MUTED));
    svg.push(text(yAxis.labels[i]!, { x: x0 - 8, y: py + TICK_FONT * 0.35, size: TICK_FONT, anchor: 'end', fill: MUTED, cls: 'y-tick' }));
  });
  xAxis.ticks.forEach((t, i) => {
    const px = frame.x(t);
    if (Math.abs(px - x0) > 0.5) svg.push(line(px, y0, px, y1, GRID));
    svg.push(line(px, y1, px, y1 + 5, MUTED));
    svg.push(text(xAxis.labels[i]!, { x: px, y: y1 + 8 + TICK_FONT * 0.8, size: TICK_FONT, anchor: 'middle', fill: MUTED, cls: 'x-tick' }));
  });
  svg.push(line(x0, y1, x1, y1, INK), line(x0, y0, x0, y1, INK));
  if (xLabel) svg.push(text(xLabel, { x: left + w / 2, y: height - 10, size: LABEL_FONT, anchor: 'middle', fill: INK }));
  if (yLabel) {
    const cx = 10 + LABEL_FONT * 0.8,
      cy = plotTop + h / 2;
    svg.push(text(yLabel, { x: cx, y: cy, size: LABEL_FONT, anchor: 'middle', fill: INK, rotate: -90 }));
  }
  svg.push('</g>');
  return { frame, svg };
}
