// A line chart on a canvas with axes, ticks, axis titles and a legend: the
// loss curves and the sharpness against 2/η. The canvas is drawn at twice
// its CSS size for sharp lines on projectors and high-density screens.

export interface Series {
  label: string;
  color: string;
  points: readonly { x: number; y: number }[];
  dash?: number[];
  /** Draw dots at the points rather than a line (measurements). */
  dots?: boolean;
}

export interface ChartSpec {
  series: Series[];
  /** Horizontal reference lines (2/η). */
  hlines?: { y: number; label: string; color: string }[];
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  /** The y range to show at least (e.g. [0, 2/η·1.2]). */
  yMin?: number;
  yMax?: number;
}

const SCALE = 2;

/** Sets the canvas's drawing size from its CSS size (times 2) and returns its context in CSS pixels. */
function context(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const w = canvas.clientWidth || Number(canvas.getAttribute('width')) / SCALE,
    h = canvas.clientHeight || Number(canvas.getAttribute('height')) / SCALE;
  if (canvas.width !== Math.round(w * SCALE)) canvas.width = Math.round(w * SCALE);
  if (canvas.height !== Math.round(h * SCALE)) canvas.height = Math.round(h * SCALE);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(SCALE, 0, 0, SCALE, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

/** About `n` round tick values over [lo, hi]. */
function ticks(lo: number, hi: number, n: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / n,
    p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(Math.abs(v) < 1e-12 * span ? 0 : v);
  return out;
}

const fmt = (v: number) =>
  v === 0
    ? '0'
    : Number.isInteger(v) && Math.abs(v) < 1e7
      ? String(v)
      : Math.abs(v) >= 1e7 || Math.abs(v) < 0.01
        ? v.toExponential(0)
        : String(Number(v.toPrecision(3)));

/** Ticks on a log scale over [10^a, 10^b]: the powers of ten, with 2 and 5 between them when the range is short. */
function logTicks(a: number, b: number): number[] {
  const out: number[] = [];
  const short = b - a < 2;
  for (let e = Math.floor(a); e <= Math.ceil(b); e++)
    for (const k of short ? [1, 2, 5] : [1]) {
      const v = k * 10 ** e;
      if (Math.log10(v) >= a - 1e-9 && Math.log10(v) <= b + 1e-9) out.push(Number(v.toPrecision(3)));
    }
  return out;
}

/** Draws the chart. */
export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec): void {
  const { ctx, w, h } = context(canvas);
  const pad = { l: 64, r: 14, t: 14, b: 40 };
  const all = spec.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y) && (!spec.logY || p.y > 0));
  const xs = all.map((p) => p.x);
  const x0 = 0,
    x1 = Math.max(1, ...xs);
  const ys = [...all.map((p) => p.y), ...(spec.hlines ?? []).map((l) => l.y).filter(Number.isFinite)];
  let y0 = spec.yMin ?? Math.min(...ys),
    y1 = Math.max(spec.yMax ?? -Infinity, ...ys);
  if (!Number.isFinite(y0)) y0 = spec.logY ? 0.01 : 0;
  if (!Number.isFinite(y1)) y1 = spec.logY ? 1 : 1;
  const f = spec.logY ? Math.log10 : (v: number) => v;
  let fy0 = f(Math.max(y0, spec.logY ? 1e-8 : -Infinity)),
    fy1 = f(y1);
  if (fy1 - fy0 < 1e-9) {
    fy0 -= spec.logY ? 0.5 : Math.abs(fy0) * 0.1 + 0.5;
    fy1 += spec.logY ? 0.5 : Math.abs(fy1) * 0.1 + 0.5;
  } else if (!spec.logY) fy1 += (fy1 - fy0) * 0.05;
  const px = (x: number) => pad.l + ((x - x0) / (x1 - x0)) * (w - pad.l - pad.r);
  const py = (y: number) => h - pad.b - ((f(y) - fy0) / (fy1 - fy0)) * (h - pad.t - pad.b);

  ctx.font = '12px system-ui, sans-serif';
  ctx.lineWidth = 1;
  // grid and y ticks
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yt = spec.logY ? logTicks(fy0, fy1) : ticks(fy0, fy1, 5);
  for (const v of yt) {
    const y = py(v);
    ctx.strokeStyle = '#e3e7ec';
    ctx.beginPath();
    ctx.moveTo(pad.l, y);
    ctx.lineTo(w - pad.r, y);
    ctx.stroke();
    ctx.fillStyle = '#5f6b7a';
    ctx.fillText(fmt(v), pad.l - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const v of ticks(x0, x1, Math.max(2, Math.min(8, Math.floor((w - pad.l - pad.r) / 80))))) {
    if (!Number.isInteger(v)) continue;
    ctx.fillStyle = '#5f6b7a';
    ctx.fillText(fmt(v), px(v), h - pad.b + 5);
  }
  // axes
  ctx.strokeStyle = '#8a96a3';
  ctx.beginPath();
  ctx.moveTo(pad.l, pad.t);
  ctx.lineTo(pad.l, h - pad.b);
  ctx.lineTo(w - pad.r, h - pad.b);
  ctx.stroke();
  // axis titles
  ctx.fillStyle = '#1f2933';
  ctx.fillText(spec.xLabel, (pad.l + w - pad.r) / 2, h - 17);
  ctx.save();
  ctx.translate(11, (pad.t + h - pad.b) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(spec.yLabel, 0, 0);
  ctx.restore();

  ctx.save();
  ctx.beginPath();
  ctx.rect(pad.l, pad.t - 4, w - pad.l - pad.r, h - pad.t - pad.b + 4);
  ctx.clip();
  for (const l of spec.hlines ?? []) {
    if (!Number.isFinite(l.y)) continue;
    const y = py(l.y);
    ctx.strokeStyle = l.color;
    ctx.lineWidth = 2;
    ctx.setLineDash([7, 5]);
    ctx.beginPath();
    ctx.moveTo(pad.l, y);
    ctx.lineTo(w - pad.r, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = l.color;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.font = '600 13px system-ui, sans-serif';
    ctx.fillText(l.label, pad.l + 8, y - 3);
    ctx.font = '12px system-ui, sans-serif';
  }
  for (const s of spec.series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    let on = false;
    for (const p of s.points) {
      if (!Number.isFinite(p.y) || (spec.logY && p.y <= 0)) {
        on = false;
        continue;
      }
      const x = px(p.x),
        y = py(p.y);
      if (s.dots) {
        ctx.moveTo(x + 2.5, y);
        ctx.arc(x, y, 2.5, 0, 2 * Math.PI);
        continue;
      }
      if (on) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      on = true;
    }
    if (s.dots) ctx.fill();
    else ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();
  // legend, top right
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const entries = [
    ...spec.series.map((s) => ({ label: s.label, color: s.color, dash: s.dash ?? [] })),
    ...(spec.hlines ?? []).map((l) => ({ label: l.label, color: l.color, dash: [7, 5] })),
  ];
  const width = Math.max(...entries.map((e) => ctx.measureText(e.label).width), 0) + 34;
  let y = pad.t + 10;
  const x = w - pad.r - width - 6;
  if (entries.length < 2) return; // one curve: the axis title names it
  if (entries.length > 0) {
    ctx.fillStyle = 'rgba(255,255,255,0.88)';
    ctx.fillRect(x - 6, pad.t, width + 10, entries.length * 18 + 4);
  }
  for (const e of entries) {
    ctx.strokeStyle = e.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(e.dash);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 24, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#1f2933';
    ctx.fillText(e.label, x + 30, y);
    y += 18;
  }
}
