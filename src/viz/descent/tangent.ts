/**
 * tangentChart: the tangent line moving along a curve y = f(x), with the
 * slope f′(x) (from nb.grad) and its sign written beside it, as an animated
 * SVG; and a few curves to try it on (`nb.viz.curves`).
 */
import { grad } from '../../autograd/transforms.js';
import { ArgumentError } from '../../core/errors.js';
import { optionsObject } from '../../core/options.js';
import { mul, sin, square, sub } from '../../ops/arithmetic.js';
import { noGrad } from '../../ops/stop.js';
import { scalar } from '../../tensor/create.js';
import { isTensor, type Tensor } from '../../tensor/tensor.js';
import { drawFrame, linearAxis } from '../axes.js';
import { INK, MUTED, checkPositive, escapeXml, num, svgDocument, text, titleBlock } from '../svg.js';
import { clipSegment, clippedPathData } from '../track.js';

/** A curve to draw tangents on: f, an interval and a formula. */
export interface Curve {
  f: (x: Tensor) => Tensor;
  from: number;
  to: number;
  formula: string;
}

/** Curves for tangentChart: parabola x² − 2, cubic x³ − 3x, sine sin x. */
export const curves: Readonly<Record<string, Curve>> = Object.freeze({
  parabola: { f: (x: Tensor) => sub(square(x), 2), from: -2, to: 2, formula: 'f(x) = x² − 2' },
  cubic: { f: (x: Tensor) => sub(mul(mul(x, x), x), mul(x, 3)), from: -2.2, to: 2.2, formula: 'f(x) = x³ − 3x' },
  sine: { f: (x: Tensor) => sin(x), from: -Math.PI, to: Math.PI, formula: 'f(x) = sin x' },
});

/** Options of tangentChart. */
export interface TangentChartOptions {
  /** The interval drawn. */
  from: number;
  to: number;
  /** Points on the curve (default 201). */
  points?: number;
  /** Where tangents are drawn in the still picture (default: at 20%, 50% and 80% of the interval). */
  at?: number[];
  /** Positions of the moving tangent (default 41, evenly spaced from `from` to `to`). */
  frames?: number;
  /** The moving tangent (default true). */
  animate?: boolean;
  /** Seconds for one pass (default 8). */
  duration?: number;
  title?: string;
  /** The formula, written in the title when no title is given. */
  formula?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels (default 640 × 440). */
  width?: number;
  height?: number;
}

/** The sign of a slope, as a word; |slope| ≤ tolerance counts as zero. */
export function slopeSign(slope: number, tolerance: number): 'positive' | 'negative' | 'zero' {
  return Math.abs(slope) <= tolerance ? 'zero' : slope > 0 ? 'positive' : 'negative';
}

const SIGN_COLOR = { positive: '#d62728', negative: '#1f77b4', zero: '#2ca02c' } as const;
const SIGN_TEXT = { positive: 'positive, f increases', negative: 'negative, f decreases', zero: 'zero, a flat point' } as const;

/** f(x) at x (float64), checking that f returns a one-element Tensor. */
function valueOf(f: (x: Tensor) => Tensor, x: number): number {
  const y = noGrad(() => f(scalar(x, 'float64')));
  if (!isTensor(y) || y.size !== 1)
    throw new ArgumentError(`tangentChart: f must return a scalar Tensor for a scalar x, got ${isTensor(y) ? `shape [${y.shape.join(',')}]` : typeof y}`);
  return y.item();
}

/** f(x) and f′(x) = nb.grad(f)(x) at x (float64). */
function valueAndSlope(f: (x: Tensor) => Tensor, df: (x: Tensor) => Tensor, x: number): [number, number] {
  return [valueOf(f, x), df(scalar(x, 'float64')).item()];
}

/**
 * The curve y = f(x) over [from, to] with tangent lines, as an SVG document.
 * f is a function of a scalar Tensor (x => nb.sub(nb.square(x), 2)); the
 * slope at x is f′(x) = nb.grad(f)(x), and the tangent there is the line
 * y = f(x₀) + f′(x₀)·(x − x₀), drawn as a segment of fixed length with its
 * point of contact, the slope's value and its sign (positive: f increases,
 * negative: f decreases, zero: a flat point, |f′| ≤ 10⁻⁹·(1 + span of y /
 * span of x)). The still picture has tangents at `at`; with `animate`, a
 * tangent moves along the curve (`frames` positions, each a <g class="frame">
 * shown in turn by SMIL), with a readout of x, f(x) and f′(x).
 */
export function tangentChart(f: (x: Tensor) => Tensor, options: TangentChartOptions): string {
  const op = 'tangentChart';
  if (typeof f !== 'function') throw new ArgumentError(`${op}: f must be a function of a scalar Tensor`);
  const o = optionsObject(op, options, 'options { from, to, ... }') as TangentChartOptions;
  const { from, to } = o;
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from))
    throw new ArgumentError(`${op}: from and to must be finite numbers with from < to, got ${from} and ${to}`);
  const count = o.points ?? 201,
    frames = o.frames ?? 41;
  if (!Number.isInteger(count) || count < 2) throw new ArgumentError(`${op}: points must be an integer >= 2, got ${count}`);
  if (!Number.isInteger(frames) || frames < 2) throw new ArgumentError(`${op}: frames must be an integer >= 2, got ${frames}`);
  const at = o.at ?? [0.2, 0.5, 0.8].map((t) => Number((from + (to - from) * t).toPrecision(12)));
  if (!Array.isArray(at) || at.some((x) => !Number.isFinite(x) || x < from || x > to)) throw new ArgumentError(`${op}: at must hold numbers in [from, to]`);
  const width = o.width ?? 640,
    height = o.height ?? 440;
  checkPositive(op, 'width', width);
  checkPositive(op, 'height', height);
  const animate = o.animate ?? true;
  const seconds = o.duration ?? 8;
  checkPositive(op, 'duration', seconds);

  const df = grad(f) as (x: Tensor) => Tensor;
  const xs = Array.from({ length: count }, (_, i) => from + ((to - from) * i) / (count - 1));
  const ys = xs.map((x) => valueOf(f, x));
  const finiteYs = ys.filter(Number.isFinite);
  if (finiteYs.length === 0) throw new ArgumentError(`${op}: f has no finite value on [${from}, ${to}]`);
  const yLo = Math.min(...finiteYs),
    yHi = Math.max(...finiteYs);
  const tolerance = 1e-9 * (1 + (yHi - yLo) / (to - from));

  const chartTitle = titleBlock(o.title ?? (o.formula ? `Tangent lines of ${o.formula}` : 'Tangent lines'), width);
  const body: string[] = [chartTitle.svg];
  const top = 6 + chartTitle.height + 22; // room for the readout line
  const xAxis = linearAxis(op, from, to, { domain: 'exact', maxTicks: Math.floor((width - 100) / 60) + 1 });
  const pad = (yHi - yLo) * 0.12 || 1;
  const yAxis = linearAxis(op, yLo - pad, yHi + pad, { maxTicks: Math.floor((height - 100) / 32) + 1 });
  const { frame, svg: axes } = drawFrame(width, height, top, xAxis, yAxis, o.xLabel ?? 'x', o.yLabel ?? 'f(x)');
  body.push(...axes);
  // the curve, with gaps where f is not finite, clipped to the plot
  const pts = xs.map((x, i) => (Number.isFinite(ys[i]!) ? ([frame.x(x), frame.y(ys[i]!)] as [number, number]) : null));
  body.push(`<path class="curve" d="${clippedPathData(pts, frame)}" fill="none" stroke="${INK}" stroke-width="2.2" stroke-linejoin="round"/>`);
  body.push(text('slope = f′(x) by nb.grad', { x: frame.left + frame.width, y: frame.top + frame.height + 34, size: 10, anchor: 'end', fill: MUTED }));

  const tangent = (x0: number, cls: string, readout: boolean): string[] => {
    const [y0, slope] = valueAndSlope(f, df, x0);
    if (!Number.isFinite(y0) || !Number.isFinite(slope)) return [];
    const sign = slopeSign(slope, tolerance);
    const color = SIGN_COLOR[sign];
    const px = frame.x(x0),
      py = frame.y(y0);
    // the direction of the tangent in pixels, and a segment of 150 px centred on the point
    const dxp = frame.x(x0 + 1) - frame.x(x0),
      dyp = frame.y(y0 + slope) - frame.y(y0);
    const n = Math.hypot(dxp, dyp) || 1,
      half = 75;
    const ax = px - (dxp / n) * half,
      ay = py - (dyp / n) * half,
      bx = px + (dxp / n) * half,
      by = py + (dyp / n) * half;
    const c = clipSegment(ax, ay, bx, by, frame);
    const out = [
      `<g class="${cls}" data-x="${num(x0)}" data-slope="${escapeXml(String(Number(slope.toPrecision(6))))}" data-sign="${sign}"${cls === 'frame' ? ' visibility="hidden"' : ''}>`,
    ];
    if (c)
      out.push(
        `<line x1="${num(ax + (bx - ax) * c[0])}" y1="${num(ay + (by - ay) * c[0])}" x2="${num(ax + (bx - ax) * c[1])}" y2="${num(ay + (by - ay) * c[1])}" stroke="${color}" stroke-width="2.5"/>`,
      );
    if (px >= frame.left && px <= frame.left + frame.width && py >= frame.top && py <= frame.top + frame.height) {
      out.push(`<circle cx="${num(px)}" cy="${num(py)}" r="5" fill="${color}" stroke="#ffffff" stroke-width="1.5"/>`);
      const label = `slope ${fmt(slope)} (${sign})`;
      // the label goes beside the point on the side away from the line: right and above for a falling line, left and above for a rising one
      const right = px < frame.left + frame.width * 0.6;
      const above = right ? slope <= 0 : slope > 0;
      const ly = Math.min(frame.top + frame.height - 4, Math.max(frame.top + 12, py + (above ? -12 : 18)));
      out.push(text(label, { x: px + (right ? 10 : -10), y: ly, size: 12, anchor: right ? 'start' : 'end', fill: color, weight: 'bold', cls: 'slope' }));
    }
    if (readout) {
      out.push(
        text(`x = ${fmt(x0)},  f(x) = ${fmt(y0)},  f′(x) = ${fmt(slope)}: ${SIGN_TEXT[sign]}`, {
          x: frame.left,
          y: frame.top - 10,
          size: 13,
          fill: color,
          cls: 'readout',
        }),
      );
    }
    out.push('</g>');
    return out;
  };
  body.push('<g class="tangents">');
  for (const x0 of at) body.push(...tangent(x0, 'tangent', false));
  body.push('</g>');
  if (animate) {
    body.push('<g class="moving">');
    for (let k = 0; k < frames; k++) {
      const x0 = Number((from + ((to - from) * k) / (frames - 1)).toPrecision(12));
      const g = tangent(x0, 'frame', true);
      if (g.length === 0) continue;
      // frame k is visible during [k, k + 1) / frames of each pass
      const t0 = num(k / frames),
        t1 = num((k + 1) / frames);
      const anim =
        k === 0
          ? `<animate attributeName="visibility" values="visible;hidden" keyTimes="0;${t1}" calcMode="discrete" dur="${num(seconds)}s" repeatCount="indefinite"/>`
          : k === frames - 1
            ? `<animate attributeName="visibility" values="hidden;visible" keyTimes="0;${t0}" calcMode="discrete" dur="${num(seconds)}s" repeatCount="indefinite"/>`
            : `<animate attributeName="visibility" values="hidden;visible;hidden" keyTimes="0;${t0};${t1}" calcMode="discrete" dur="${num(seconds)}s" repeatCount="indefinite"/>`;
      g.splice(g.length - 1, 0, anim);
      body.push(...g);
    }
    body.push('</g>');
  }
  return svgDocument(width, height, o.title ?? (o.formula ? `Tangent lines of ${o.formula}` : 'Tangent lines of a curve'), body);
}

/** A number for a label: 3 significant digits, a true minus sign, no "-0". */
function fmt(v: number): string {
  const s = String(Number(v.toPrecision(3)));
  return s === '-0' || s === '0' ? '0' : s.replace('-', '−').replace('e+', 'e');
}
