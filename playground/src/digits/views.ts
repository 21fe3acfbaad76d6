// The Digits lab's pictures: digit images, the confusion matrix, the first
// layer's weights as 8×8 images, the misclassified test digits and the
// probability bars of the drawn digit.
import { el } from '../dom.js';
import { css, diverging, type RGB } from '../points/colors.js';

const INK: RGB = [31, 41, 51];
const PAPER: RGB = [255, 255, 255];

/** An intensity 0..16 as a grey from white paper to dark ink (as the digits were written). */
export const inkColor = (v: number): RGB => {
  const t = Math.max(0, Math.min(16, v)) / 16;
  return [PAPER[0] + (INK[0] - PAPER[0]) * t, PAPER[1] + (INK[1] - PAPER[1]) * t, PAPER[2] + (INK[2] - PAPER[2]) * t];
};

/** Draws 8×8 cells at (x, y), each `cell` pixels wide, coloured by `color(i)` (row by row). */
export function drawCells(ctx: CanvasRenderingContext2D, x: number, y: number, cell: number, color: (i: number) => RGB): void {
  for (let i = 0; i < 64; i++) {
    ctx.fillStyle = css(color(i));
    ctx.fillRect(x + (i % 8) * cell, y + Math.floor(i / 8) * cell, Math.ceil(cell), Math.ceil(cell));
  }
}

/** Writes 8×8 cells into an image at column x, row y (one pixel a cell; the canvas is scaled up by CSS with pixelated rendering). */
export function putCells(img: ImageData, x: number, y: number, color: (i: number) => RGB): void {
  for (let i = 0; i < 64; i++) {
    const [r, g, b] = color(i);
    const o = 4 * ((y + Math.floor(i / 8)) * img.width + x + (i % 8));
    img.data[o] = r;
    img.data[o + 1] = g;
    img.data[o + 2] = b;
    img.data[o + 3] = 255;
  }
}

/** The test confusion matrix as a table: rows the true digit, columns the prediction; counts, with the diagonal in blue and mistakes in orange. */
export class ConfusionView {
  readonly root: HTMLTableElement;
  private readonly cells: HTMLTableCellElement[] = [];

  constructor() {
    const head = el('tr', {}, el('th', { scope: 'col', className: 'corner', innerHTML: '<span>true ↓</span> <span>predicted →</span>' }));
    for (let p = 0; p < 10; p++) head.append(el('th', { scope: 'col', textContent: String(p) }));
    const body = el('tbody');
    for (let t = 0; t < 10; t++) {
      const row = el('tr', {}, el('th', { scope: 'row', textContent: String(t) }));
      for (let p = 0; p < 10; p++) {
        const td = el('td', { className: t === p ? 'diag' : '' });
        this.cells.push(td);
        row.append(td);
      }
      body.append(row);
    }
    this.root = el(
      'table',
      { className: 'confusion', id: 'digits-confusion' },
      el('caption', { textContent: 'Test set: each row a true digit, each column the prediction; the diagonal counts the correct ones' }),
      el('thead', {}, head),
      body,
    );
  }

  update(counts: Int32Array): void {
    for (let t = 0; t < 10; t++) {
      let total = 0;
      for (let p = 0; p < 10; p++) total += counts[t * 10 + p]!;
      for (let p = 0; p < 10; p++) {
        const c = counts[t * 10 + p]!,
          td = this.cells[t * 10 + p]!;
        const share = total > 0 ? c / total : 0;
        td.textContent = c === 0 ? '' : String(c);
        td.dataset.count = String(c);
        const a = t === p ? share : Math.min(1, 3 * share);
        td.style.background = c === 0 ? '' : t === p ? `rgba(8, 119, 189, ${0.12 + 0.88 * a})` : `rgba(245, 147, 34, ${0.2 + 0.8 * a})`;
        td.style.color = t === p && a > 0.5 ? '#fff' : '';
      }
    }
  }
}

const TILE = 40,
  GAP = 6,
  MAX_TILES = 64;

/** The first Dense layer's weights: for each unit its 64 input weights as an 8×8 image, orange negative, blue positive, each unit scaled to its largest |w|. */
export class WeightsView {
  readonly canvas = el('canvas', { className: 'weights', role: 'img', id: 'digits-weights' });
  readonly note = el('p', { className: 'note' });
  /** The tiles at one pixel a weight, side by side, scaled up onto the canvas. */
  private strip = new OffscreenCanvas(8, 8);

  update(kernel: Float32Array, units: number): void {
    const shown = Math.min(units, MAX_TILES);
    const cols = Math.min(8, shown),
      rows = Math.ceil(shown / cols);
    const dpr = window.devicePixelRatio || 1;
    const w = cols * (TILE + GAP) - GAP,
      h = rows * (TILE + GAP) - GAP;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
      this.canvas.dataset.tiles = `${cols}x${rows}`;
    }
    if (this.strip.width !== 8 * shown) this.strip = new OffscreenCanvas(8 * shown, 8);
    const sctx = this.strip.getContext('2d')!;
    const img = sctx.createImageData(8 * shown, 8);
    for (let u = 0; u < shown; u++) {
      let big = 1e-9;
      for (let i = 0; i < 64; i++) big = Math.max(big, Math.abs(kernel[i * units + u]!));
      putCells(img, 8 * u, 0, (i) => diverging(kernel[i * units + u]! / big));
    }
    sctx.putImageData(img, 0, 0);
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = '#cfd6de';
    ctx.lineWidth = 1;
    for (let u = 0; u < shown; u++) {
      const x = (u % cols) * (TILE + GAP),
        y = Math.floor(u / cols) * (TILE + GAP);
      ctx.drawImage(this.strip, 8 * u, 0, 8, 8, x, y, TILE, TILE);
      ctx.strokeRect(x + 0.5, y + 0.5, TILE - 1, TILE - 1);
    }
    const label = `The first layer's weights as ${shown} images of 8 by 8 pixels, one per unit: orange where a dark pixel lowers the unit's input, blue where it raises it`;
    if (this.canvas.ariaLabel !== label) this.canvas.ariaLabel = label;
    const note =
      units > shown
        ? `The first ${shown} of ${units} units.`
        : `${units} unit${units === 1 ? '' : 's'}${units === 10 ? ' (the output layer: one per digit)' : ''}.`;
    if (this.note.textContent !== note) this.note.textContent = note;
  }
}

const MAX_WRONG = 40;

/** The misclassified test digits: each image with "true → predicted" (figures are kept and redrawn, not rebuilt). */
export class MistakesView {
  readonly root = el('div', { className: 'mistakes', id: 'digits-mistakes' });
  readonly count = el('p', { className: 'note', id: 'digits-mistake-count' });
  private readonly pool: { figure: HTMLElement; canvas: HTMLCanvasElement; truth: HTMLElement; guess: HTMLElement }[] = [];

  update(images: Uint8Array, labels: Uint8Array, index: Int32Array, predicted: Uint8Array): void {
    const n = labels.length;
    this.count.textContent = `${index.length} of ${n} test digits misclassified${index.length > MAX_WRONG ? ` (the first ${MAX_WRONG} shown)` : ''}.`;
    this.count.dataset.value = String(index.length);
    const shown = Math.min(MAX_WRONG, index.length);
    while (this.pool.length < shown) {
      const canvas = el('canvas', { width: 8, height: 8, role: 'img', className: 'pixelated' }),
        truth = el('b'),
        guess = el('span', { className: 'wrong' });
      this.pool.push({ figure: el('figure', {}, canvas, el('figcaption', {}, truth, ' → ', guess)), canvas, truth, guess });
    }
    for (let k = 0; k < shown; k++) {
      const i = index[k]!,
        t = labels[i]!,
        p = predicted[k]!,
        f = this.pool[k]!;
      const ctx = f.canvas.getContext('2d')!;
      const img = ctx.createImageData(8, 8);
      putCells(img, 0, 0, (j) => inkColor(images[i * 64 + j]!));
      ctx.putImageData(img, 0, 0);
      f.canvas.ariaLabel = `Test digit ${i + 1}: a ${t}, predicted ${p}`;
      f.truth.textContent = String(t);
      f.guess.textContent = String(p);
    }
    this.root.replaceChildren(...this.pool.slice(0, shown).map((f) => f.figure));
  }
}

/** The ten class probabilities of the drawn digit as bars, and the prediction. */
export class ProbabilityBars {
  readonly prediction = el('output', { id: 'digits-prediction', className: 'prediction', ariaLabel: 'Prediction' });
  readonly root: HTMLElement;
  private readonly bars: HTMLElement[] = [];
  private readonly values: HTMLElement[] = [];
  private readonly items: HTMLElement[] = [];

  constructor() {
    const list = el('ol', { className: 'probs', id: 'digits-probs', ariaLabel: 'The probability of each digit' });
    for (let d = 0; d < 10; d++) {
      const bar = el('span', { className: 'pbar' }),
        value = el('span', { className: 'value' });
      const li = el('li', {}, el('span', { className: 'digit', textContent: String(d) }), el('span', { className: 'track' }, bar), value);
      this.bars.push(bar);
      this.values.push(value);
      this.items.push(li);
      list.append(li);
    }
    this.root = el('div', { className: 'prob-block' }, el('div', { className: 'prediction-line' }, 'Prediction ', this.prediction), list);
    this.clear();
  }

  clear(): void {
    this.prediction.textContent = '—';
    delete this.prediction.dataset.value;
    this.items.forEach((li, d) => {
      this.bars[d]!.style.width = '0%';
      this.values[d]!.textContent = '';
      li.classList.remove('top');
      delete li.dataset.p;
    });
  }

  update(p: Float32Array): void {
    let top = 0;
    p.forEach((v, d) => {
      if (v > p[top]!) top = d;
    });
    this.prediction.textContent = `${top}  (${(100 * p[top]!).toFixed(0)}%)`;
    this.prediction.dataset.value = String(top);
    this.items.forEach((li, d) => {
      const v = p[d]!;
      this.bars[d]!.style.width = `${(100 * v).toFixed(1)}%`;
      this.values[d]!.textContent = `${(100 * v).toFixed(v < 0.095 ? 1 : 0)}%`;
      li.dataset.p = String(v);
      li.classList.toggle('top', d === top);
      li.ariaLabel = `${d}: ${(100 * v).toFixed(1)}%`;
    });
  }
}
