// The balls' loss J against the step, on a logarithmic axis when J stays
// positive (the bowl, the ravine, Rosenbrock), else a linear one.
import { el } from '../dom.js';
import { fmt } from './tangent.js';

const W = 300,
  H = 180;
const PAD = { left: 48, right: 10, top: 24, bottom: 30 };

export interface LossSeries {
  color: string;
  /** J at steps 0, 1, 2, … */
  values: number[];
  diverged: boolean;
}

export class LossChart {
  readonly canvas = el('canvas', { className: 'loss-chart' });
  private series: LossSeries[] = [];
  private dirty = false;

  constructor() {
    const dpr = Math.max(1, globalThis.devicePixelRatio || 1);
    this.canvas.width = W * dpr;
    this.canvas.height = H * dpr;
    this.canvas.style.aspectRatio = `${W} / ${H}`;
    this.canvas.setAttribute('role', 'img');
    this.canvas.ariaLabel = 'The loss J of each ball against the step';
  }

  show(series: LossSeries[]): void {
    this.series = series;
    this.dirty = true;
  }

  frame(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const g = this.canvas.getContext('2d')!;
    const dpr = this.canvas.width / W;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, W, H);
    const all = this.series.flatMap((s) => s.values.filter(Number.isFinite));
    if (all.length === 0) return;
    const steps = Math.max(10, ...this.series.map((s) => s.values.length - 1));
    const log = Math.min(...all) > 0;
    const tf = (v: number) => (log ? Math.log10(v) : v);
    let lo = Math.min(...all.map(tf)),
      hi = Math.max(...all.map(tf));
    const start = this.series[0]?.values[0];
    if (start !== undefined) hi = Math.min(hi, tf(start) + (log ? 2 : Math.abs(start) * 3 + 1)); // a diverged ball does not squash the others
    if (log) lo = Math.max(lo, hi - 12);
    if (hi - lo < 1e-9) {
      lo -= 1;
      hi += 1;
    }
    const X = (t: number) => PAD.left + (t / steps) * (W - PAD.left - PAD.right);
    const Y = (v: number) => PAD.top + ((hi - Math.min(hi, Math.max(lo, tf(v)))) / (hi - lo)) * (H - PAD.top - PAD.bottom);
    g.font = '11px system-ui, sans-serif';
    g.strokeStyle = '#e4e7eb';
    g.fillStyle = '#52606d';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    const yt = log ? Array.from({ length: Math.floor(hi) - Math.ceil(lo) + 1 }, (_, k) => Math.ceil(lo) + k) : [lo, (lo + hi) / 2, hi];
    const every = Math.max(1, Math.ceil(yt.length / 5));
    yt.forEach((t, k) => {
      if (k % every !== 0) return;
      const y = PAD.top + ((hi - t) / (hi - lo)) * (H - PAD.top - PAD.bottom);
      g.beginPath();
      g.moveTo(PAD.left, y);
      g.lineTo(W - PAD.right, y);
      g.stroke();
      g.fillText(log ? `10${sup(t)}` : fmt(t), PAD.left - 4, y);
    });
    g.textAlign = 'center';
    g.textBaseline = 'top';
    g.fillText('0', X(0), H - PAD.bottom + 3);
    g.fillText(String(steps), X(steps), H - PAD.bottom + 3);
    g.fillStyle = '#1f2933';
    g.fillText(`step`, (PAD.left + W - PAD.right) / 2, H - PAD.bottom + 3);
    g.textAlign = 'left';
    g.fillText(log ? 'J (log scale)' : 'J', 4, 4);
    g.lineWidth = 2;
    for (const s of this.series) {
      g.strokeStyle = s.color;
      g.beginPath();
      let last: [number, number] | null = null;
      s.values.forEach((v, t) => {
        if (!Number.isFinite(v)) return;
        if (last === null) g.moveTo(X(t), Y(v));
        else g.lineTo(X(t), Y(v));
        last = [X(t), Y(v)];
      });
      g.stroke();
      if (s.diverged && last) {
        const [x, y] = last as [number, number];
        g.strokeStyle = '#e03131';
        g.beginPath();
        g.moveTo(x - 5, y - 5);
        g.lineTo(x + 5, y + 5);
        g.moveTo(x + 5, y - 5);
        g.lineTo(x - 5, y + 5);
        g.stroke();
      }
    }
  }
}

const sup = (k: number) =>
  String(k)
    .replace(/-/g, '⁻')
    .replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]!);
