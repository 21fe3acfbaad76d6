// Drawing on canvases: heat maps (the decision regions, each unit's output),
// the data points and the loss curves.
import { CLASS_COLORS, css, diverging, mixture, type RGB } from './colors.js';
import { EXTENT } from './protocol.js';

/** Paints res×res colours (row by row from the top) onto a canvas of any size. */
function paint(canvas: HTMLCanvasElement, res: number, color: (i: number) => RGB): void {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(res, res);
  for (let i = 0; i < res * res; i++) {
    const [r, g, b] = color(i);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  // draw at grid resolution, then scale up smoothly
  const tmp = new OffscreenCanvas(res, res);
  tmp.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}

/** One map of values: zero is white, the largest |value| full orange (negative) or blue (positive). */
export function drawUnitMap(canvas: HTMLCanvasElement, res: number, values: Float32Array, offset: number): void {
  let big = 0;
  for (let i = 0; i < res * res; i++) big = Math.max(big, Math.abs(values[offset + i]!));
  paint(canvas, res, (i) => diverging(big > 1e-9 ? values[offset + i]! / big : 0));
}

/** A probability map: white (0) to the colour of the class (1); P(class 1) of two classes as orange-white-blue. */
export function drawProbabilityMap(canvas: HTMLCanvasElement, res: number, values: Float32Array, offset: number, cls: number | null): void {
  paint(canvas, res, (i) => {
    const p = values[offset + i]!;
    return cls === null ? diverging(0.85 * (2 * p - 1)) : blend(CLASS_COLORS[cls]!, p);
  });
}

const blend = (c: RGB, a: number): RGB => [250 + (c[0] - 250) * a, 250 + (c[1] - 250) * a, 250 + (c[2] - 250) * a];

/** The decision regions: P(class 1) as orange-white-blue, or mixed class colours for 3 classes. */
export function drawOutput(canvas: HTMLCanvasElement, res: number, values: Float32Array, classes: number, discrete: boolean): void {
  const n = res * res;
  if (classes === 2) {
    paint(canvas, res, (i) => {
      const p = values[i]!;
      return diverging(discrete ? (p > 0.5 ? 0.6 : -0.6) : 0.85 * (2 * p - 1));
    });
  } else {
    paint(canvas, res, (i) => {
      const p = Array.from({ length: classes }, (_, k) => values[k * n + i]!);
      if (discrete) {
        const m = p.indexOf(Math.max(...p));
        return mixture(p.map((_, k) => (k === m ? 0.8 : 0.2 / (classes - 1))));
      }
      return mixture(p.map((q) => 0.85 * q + 0.15 / classes));
    });
  }
}

/** The points as dots: training points with a white ring, test points with a dark one. */
export function drawPoints(canvas: HTMLCanvasElement, xy: Float32Array, label: Uint8Array, test: boolean): void {
  const ctx = canvas.getContext('2d')!;
  const s = canvas.width / (2 * EXTENT),
    r = Math.max(2.5, canvas.width / 110);
  ctx.lineWidth = 1;
  for (let i = 0; i < label.length; i++) {
    const x = (xy[2 * i]! + EXTENT) * s,
      y = (EXTENT - xy[2 * i + 1]!) * s;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fillStyle = css(CLASS_COLORS[label[i]!]!);
    ctx.strokeStyle = test ? '#222' : '#fff';
    ctx.fill();
    ctx.stroke();
  }
}

/** Train (dark) and test (blue) loss against epochs, the largest loss marked at the top left. */
export function drawLossChart(canvas: HTMLCanvasElement, history: readonly { epoch: number; train: number; test: number }[]): void {
  const ctx = canvas.getContext('2d')!;
  const w = canvas.width,
    h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  if (history.length < 2) return;
  const finite = history.flatMap((p) => [p.train, p.test]).filter(Number.isFinite);
  const top = Math.max(1e-6, ...finite) * 1.05;
  const last = history[history.length - 1]!.epoch || 1;
  const line = (key: 'train' | 'test', color: string) => {
    ctx.beginPath();
    let started = false;
    for (const p of history) {
      const v = p[key];
      if (!Number.isFinite(v)) continue;
      const x = (p.epoch / last) * (w - 2) + 1,
        y = h - 2 - (v / top) * (h - 4);
      if (started) ctx.lineTo(x, y);
      else {
        ctx.moveTo(x, y);
        started = true;
      }
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5 * (window.devicePixelRatio || 1);
    ctx.stroke();
  };
  line('test', '#0877bd');
  line('train', '#333');
  ctx.fillStyle = '#8a96a3';
  ctx.font = `${Math.round(h / 7)}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 4;
  ctx.strokeText(top.toPrecision(2), 2, 2);
  ctx.fillText(top.toPrecision(2), 2, 2);
  ctx.textAlign = 'right';
  ctx.fillText(`epoch ${history[history.length - 1]!.epoch}`, w - 2, 2);
}
