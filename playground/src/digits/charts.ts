// Line charts as SVG: axes with ticks and labels, one <path> per curve
// (data-curve names it, data-points counts its points) and a legend.
import { el } from '../dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const svg = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] => {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

export interface Series {
  /** Names the curve's path (data-curve), for tests and styles. */
  key: string;
  label: string;
  color: string;
  dashed?: boolean;
  points: { x: number; y: number }[];
}

export interface ChartOptions {
  /** What the chart shows, for its aria-label. */
  title: string;
  yLabel: string;
  /** A fixed y range (accuracy: [0, 1]); otherwise from 0 to the largest value. */
  yRange?: [number, number];
  formatY: (v: number) => string;
}

const W = 460,
  H = 210,
  LEFT = 52,
  RIGHT = 12,
  TOP = 10,
  BOTTOM = 36;

/** Round tick values covering [lo, hi], about `count` of them. */
function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count,
    mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export class LineChart {
  readonly root: HTMLElement;
  private readonly svg = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'line-chart' });
  private readonly axes = svg('g', { class: 'axes' });
  private readonly plot = svg('g', { class: 'curves' });
  private readonly paths = new Map<string, SVGPathElement>();
  private readonly legend = el('ul', { className: 'chart-legend' });
  /** The axes' ranges and title as last drawn (redrawn only when they change). */
  private frame = '';

  constructor(private readonly opts: ChartOptions) {
    this.svg.setAttribute('aria-label', opts.title);
    this.svg.append(this.axes, this.plot);
    this.root = el('figure', { className: 'chart-figure' }, this.svg as unknown as Node, this.legend);
  }

  /** Redraws the axes and curves. */
  update(series: Series[], yLabel = this.opts.yLabel): void {
    const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y));
    const xMax = Math.max(1, ...all.map((p) => p.x));
    let [y0, y1] = this.opts.yRange ?? [0, Math.max(1e-6, ...all.map((p) => p.y)) * 1.05];
    if (!(y1 > y0)) y1 = y0 + 1;
    const px = (x: number) => LEFT + (x / xMax) * (W - LEFT - RIGHT),
      py = (y: number) => TOP + (1 - (Math.min(Math.max(y, y0), y1) - y0) / (y1 - y0)) * (H - TOP - BOTTOM);

    const frame = `${xMax}|${y0}|${y1}|${yLabel}`;
    if (frame !== this.frame) {
      this.frame = frame;
      this.drawAxes(xMax, y0, y1, yLabel, px, py);
    }
    this.drawCurves(series, px, py);
  }

  /** The grid, the ticks and their labels, and the axis titles. */
  private drawAxes(xMax: number, y0: number, y1: number, yLabel: string, px: (x: number) => number, py: (y: number) => number): void {
    this.axes.replaceChildren();
    for (const t of ticks(y0, y1, 4)) {
      this.axes.append(svg('line', { x1: LEFT, x2: W - RIGHT, y1: py(t), y2: py(t), class: 'grid' }));
      const label = svg('text', { x: LEFT - 6, y: py(t) + 4, 'text-anchor': 'end' });
      label.textContent = this.opts.formatY(t);
      this.axes.append(label);
    }
    for (const t of ticks(0, xMax, 6).filter(Number.isInteger)) {
      this.axes.append(svg('line', { x1: px(t), x2: px(t), y1: H - BOTTOM, y2: H - BOTTOM + 4, class: 'tick' }));
      const label = svg('text', { x: px(t), y: H - BOTTOM + 16, 'text-anchor': 'middle' });
      label.textContent = String(t);
      this.axes.append(label);
    }
    this.axes.append(svg('line', { x1: LEFT, x2: W - RIGHT, y1: H - BOTTOM, y2: H - BOTTOM, class: 'axis' }));
    const xTitle = svg('text', { x: (LEFT + W - RIGHT) / 2, y: H - 3, 'text-anchor': 'middle', class: 'axis-title' });
    xTitle.textContent = 'epoch';
    const yTitle = svg('text', { x: 0, y: 0, 'text-anchor': 'middle', class: 'axis-title', transform: `translate(12 ${(TOP + H - BOTTOM) / 2}) rotate(-90)` });
    yTitle.textContent = yLabel;
    this.axes.append(xTitle, yTitle);
  }

  private drawCurves(series: Series[], px: (x: number) => number, py: (y: number) => number): void {
    const keys = new Set(series.map((s) => s.key));
    for (const [k, p] of this.paths) {
      if (!keys.has(k)) {
        p.remove();
        this.paths.delete(k);
      }
    }
    for (const s of series) {
      let path = this.paths.get(s.key);
      if (!path) {
        path = svg('path', { fill: 'none', 'stroke-linejoin': 'round', 'stroke-linecap': 'round' });
        path.dataset.curve = s.key;
        this.plot.append(path);
        this.paths.set(s.key, path);
      }
      path.setAttribute('stroke', s.color);
      path.setAttribute('stroke-width', '2.5');
      if (s.dashed) path.setAttribute('stroke-dasharray', '6 4');
      else path.removeAttribute('stroke-dasharray');
      const pts = s.points.filter((p) => Number.isFinite(p.y));
      path.setAttribute('d', pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(''));
      path.dataset.points = String(pts.length);
    }
    const legendKey = series.map((s) => `${s.key}:${s.label}:${s.color}`).join('|');
    if (this.legend.dataset.key !== legendKey) {
      this.legend.dataset.key = legendKey;
      this.legend.replaceChildren(
        ...series.map((s) => el('li', {}, el('i', { className: s.dashed ? 'dashed' : '', style: `--c:${s.color}`, ariaHidden: 'true' }), s.label)),
      );
    }
  }
}
