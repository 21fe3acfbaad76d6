// The tangent: a curve y = f(x), the point x_k with its tangent line (slope
// f′(x_k) from nb.grad, computed in the worker) and the gradient-descent
// steps x_{k+1} = x_k − η·f′(x_k) drawn on the curve. The point is moved by
// the x₀ slider, by dragging on the plot, or by the arrow keys on it.
import { el } from '../dom.js';
import type { TangentResult } from './protocol.js';
import { CURVE_INFO } from './functions.js';
import type { CurveName } from './functions.js';

const W = 760,
  H = 470;
const PAD = { left: 58, right: 20, top: 34, bottom: 46 };
const INK = '#1f2933',
  GRID = '#e4e7eb',
  CURVE = '#334e68',
  TANGENT = '#e8590c',
  STEP = '#1971c2';

/** A number for the readout: 3 significant digits, a real minus sign. */
export const fmt = (v: number, digits = 3) => {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const s = Math.abs(v) < 1e-3 ? v.toExponential(digits - 1).replace('e', '·10^') : Number(v.toPrecision(digits)).toString();
  return s
    .replace(/\^([-+]?)(\d+)/, (_, sign: string, d: string) => (sign === '-' ? '⁻' : '') + d.replace(/\d/g, (c) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(c)]!))
    .replace('-', '−');
};

export class TangentPlot {
  readonly canvas = el('canvas', { className: 'tangent-plot', tabIndex: 0 });
  private data: TangentResult | null = null;
  private curve: CurveName = 'cubic';
  private lr = 0.1;
  private dirty = true;

  /** `onMove(x)`: the user dragged the point or pressed an arrow key on the plot. */
  constructor(private readonly onMove: (x: number) => void) {
    const dpr = Math.max(1, globalThis.devicePixelRatio || 1);
    this.canvas.width = W * dpr;
    this.canvas.height = H * dpr;
    this.canvas.style.width = `${W}px`;
    this.canvas.style.aspectRatio = `${W} / ${H}`;
    // the arrow keys move the point: an application (a screen reader passes them through), not an image
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'interactive plot');
    this.canvas.ariaLabel = 'The curve, the point and its tangent line';
    this.canvas.title = 'Drag, or press ← and → (with Shift for bigger moves), to move the starting point';
    let dragging = false;
    const fromEvent = (e: PointerEvent) => {
      const r = this.canvas.getBoundingClientRect();
      const px = ((e.clientX - r.left) / r.width) * W;
      const [lo, hi] = CURVE_INFO[this.curve].domain;
      return Math.min(hi, Math.max(lo, lo + ((px - PAD.left) / (W - PAD.left - PAD.right)) * (hi - lo)));
    };
    this.canvas.onpointerdown = (e) => {
      dragging = true;
      this.canvas.setPointerCapture(e.pointerId);
      this.onMove(fromEvent(e));
    };
    this.canvas.onpointermove = (e) => {
      if (dragging) this.onMove(fromEvent(e));
    };
    this.canvas.onpointerup = () => {
      dragging = false;
    };
    this.canvas.onkeydown = (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      e.preventDefault();
      const [lo, hi] = CURVE_INFO[this.curve].domain;
      const x = this.data?.points[0]?.x ?? CURVE_INFO[this.curve].x0;
      const d = (e.shiftKey ? 0.25 : 0.05) * (e.key === 'ArrowLeft' ? -1 : 1);
      this.onMove(Math.min(hi, Math.max(lo, Math.round((x + d) * 100) / 100)));
    };
  }

  show(curve: CurveName, lr: number, data: TangentResult): void {
    this.curve = curve;
    this.lr = lr;
    this.data = data;
    this.dirty = true;
  }

  frame(): void {
    if (!this.dirty || !this.data) return;
    this.dirty = false;
    this.draw(this.data);
  }

  private draw(d: TangentResult): void {
    const g = this.canvas.getContext('2d')!;
    const dpr = this.canvas.width / W;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, W, H);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, W, H);
    const info = CURVE_INFO[this.curve];
    const [x0, x1] = info.domain;
    let y0 = Math.min(...d.ys),
      y1 = Math.max(...d.ys);
    const pad = 0.08 * (y1 - y0 || 1);
    y0 -= pad;
    y1 += pad;
    const X = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
    const Y = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);

    // grid, axes and ticks
    g.font = '13px system-ui, sans-serif';
    g.lineWidth = 1;
    const ticks = (lo: number, hi: number) => {
      const step = niceStep((hi - lo) / 8);
      const out: number[] = [];
      for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(Math.abs(t) < 1e-9 ? 0 : t);
      return out;
    };
    g.strokeStyle = GRID;
    g.fillStyle = '#52606d';
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const t of ticks(x0, x1)) {
      g.beginPath();
      g.moveTo(X(t), PAD.top);
      g.lineTo(X(t), H - PAD.bottom);
      g.stroke();
      g.fillText(fmt(t), X(t), H - PAD.bottom + 6);
    }
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const t of ticks(y0, y1)) {
      g.beginPath();
      g.moveTo(PAD.left, Y(t));
      g.lineTo(W - PAD.right, Y(t));
      g.stroke();
      g.fillText(fmt(t), PAD.left - 6, Y(t));
    }
    g.strokeStyle = '#9aa5b1';
    g.lineWidth = 1.5;
    if (y0 < 0 && y1 > 0) {
      g.beginPath();
      g.moveTo(PAD.left, Y(0));
      g.lineTo(W - PAD.right, Y(0));
      g.stroke();
    }
    if (x0 < 0 && x1 > 0) {
      g.beginPath();
      g.moveTo(X(0), PAD.top);
      g.lineTo(X(0), H - PAD.bottom);
      g.stroke();
    }
    g.fillStyle = INK;
    g.textAlign = 'center';
    g.textBaseline = 'bottom';
    g.font = '14px system-ui, sans-serif';
    g.fillText('x', (PAD.left + W - PAD.right) / 2, H - 4);
    g.save();
    g.translate(16, (PAD.top + H - PAD.bottom) / 2);
    g.rotate(-Math.PI / 2);
    g.fillText('f(x)', 0, 0);
    g.restore();
    g.textAlign = 'left';
    g.font = '600 15px system-ui, sans-serif';
    g.fillText(info.formula, PAD.left, PAD.top - 10);

    // the curve
    g.save();
    g.beginPath();
    g.rect(PAD.left, PAD.top, W - PAD.left - PAD.right, H - PAD.top - PAD.bottom);
    g.clip();
    g.strokeStyle = CURVE;
    g.lineWidth = 2.5;
    g.beginPath();
    d.xs.forEach((x, i) => (i === 0 ? g.moveTo(X(x), Y(d.ys[i]!)) : g.lineTo(X(x), Y(d.ys[i]!))));
    g.stroke();

    // the descent: x₀ → x₁ → … as arrows along the curve
    const pts = d.points;
    g.strokeStyle = STEP;
    g.fillStyle = STEP;
    g.lineWidth = 2;
    for (let k = 0; k + 1 < pts.length; k++) arrow(g, X(pts[k]!.x), Y(pts[k]!.y), X(pts[k + 1]!.x), Y(pts[k + 1]!.y));
    for (const p of pts.slice(0, -1)) {
      g.beginPath();
      g.arc(X(p.x), Y(p.y), 4, 0, 2 * Math.PI);
      g.fill();
    }

    // the tangent at the current point: y = f(x_k) + f′(x_k)(x − x_k), over a fixed width of the plot
    const p = pts[pts.length - 1]!;
    const half = (0.18 * (x1 - x0)) / Math.sqrt(1 + (p.slope * ((x1 - x0) / (y1 - y0)) * ((H - PAD.top - PAD.bottom) / (W - PAD.left - PAD.right))) ** 2);
    g.strokeStyle = TANGENT;
    g.lineWidth = 3;
    g.beginPath();
    g.moveTo(X(p.x - half), Y(p.y - p.slope * half));
    g.lineTo(X(p.x + half), Y(p.y + p.slope * half));
    g.stroke();
    g.fillStyle = TANGENT;
    g.beginPath();
    g.arc(X(p.x), Y(p.y), 7, 0, 2 * Math.PI);
    g.fill();
    g.strokeStyle = '#fff';
    g.lineWidth = 2;
    g.stroke();
    g.restore();

    // legend
    const lx = W - PAD.right - 262,
      ly = PAD.top + 8;
    g.fillStyle = 'rgba(255,255,255,0.9)';
    g.fillRect(lx, ly, 254, 70);
    g.strokeStyle = GRID;
    g.strokeRect(lx, ly, 254, 70);
    g.font = '13px system-ui, sans-serif';
    g.textBaseline = 'middle';
    const item = (y: number, color: string, text: string, dot: boolean) => {
      g.strokeStyle = color;
      g.fillStyle = color;
      g.lineWidth = 3;
      g.beginPath();
      if (dot) g.arc(lx + 22, y, 5, 0, 2 * Math.PI);
      else {
        g.moveTo(lx + 10, y);
        g.lineTo(lx + 34, y);
      }
      dot ? g.fill() : g.stroke();
      g.fillStyle = INK;
      g.fillText(text, lx + 44, y);
    };
    item(ly + 14, CURVE, 'f(x)', false);
    item(ly + 35, TANGENT, `tangent, slope f′(x) = ${fmt(p.slope)}`, false);
    item(ly + 56, STEP, `steps x ← x − ${fmt(this.lr)}·f′(x)`, true);
    this.canvas.ariaLabel =
      `${info.formula}, drawn for x from ${fmt(x0)} to ${fmt(x1)}; the point x = ${fmt(p.x)} with its tangent of slope ${fmt(p.slope)}` +
      (pts.length > 1 ? `, after ${pts.length - 1} gradient-descent steps from x₀ = ${fmt(pts[0]!.x)}` : '');
  }
}

function arrow(g: CanvasRenderingContext2D, ax: number, ay: number, bx: number, by: number): void {
  const len = Math.hypot(bx - ax, by - ay);
  if (len < 2) return;
  const ux = (bx - ax) / len,
    uy = (by - ay) / len;
  const ex = bx - ux * 7,
    ey = by - uy * 7; // stop at the next dot's edge
  g.beginPath();
  g.moveTo(ax + ux * 4, ay + uy * 4);
  g.lineTo(ex, ey);
  g.stroke();
  if (len < 14) return;
  g.beginPath();
  g.moveTo(ex, ey);
  g.lineTo(ex - ux * 8 - uy * 4, ey - uy * 8 + ux * 4);
  g.lineTo(ex - ux * 8 + uy * 4, ey - uy * 8 - ux * 4);
  g.closePath();
  g.fill();
}

/** 1, 2 or 5 times a power of ten, near `raw`. */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}
