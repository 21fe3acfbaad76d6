/**
 * Images in a grid: grayscale pictures (digits) and the columns of a Dense
 * kernel drawn as pictures on a diverging colour map. Each pixel is a
 * `<rect>` (runs of equal colour merged), so the drawing is exact at any zoom
 * and needs no image encoder.
 */
import { ArgumentError, ShapeError } from '../core/errors.js';
import { MUTED, checkPositive, divergingColor, fitFont, formatNumber, grayColor, num, rect, svgDocument, text, textWidth, titleBlock } from './svg.js';

/** A tensor, or anything with a row-major shape and storage. */
export interface TensorData {
  readonly shape: readonly number[];
  readonly storage: ArrayLike<number>;
}

/** A tensor, a Variable (its current value is drawn) or plain { shape, storage }. */
export type ImageSource = TensorData | { readonly value: TensorData };

/** The layout options the image grids share. */
export interface GridOptions {
  /** Tiles per row (imageGrid: up to 10; weightImages: ⌈√units⌉). */
  columns?: number;
  /** A caption under each tile, in order (fewer than the tiles is fine). */
  labels?: readonly (string | number)[];
  /** A heading drawn above the grid (and the document's <title>). */
  title?: string;
  /** Screen pixels per image pixel (default: about 56 pixels a tile, at most 16 a pixel). */
  scale?: number;
}

/** Options for imageGrid. */
export interface ImageGridOptions extends GridOptions {
  /** The values drawn white and black (default [min(0, smallest), largest]). */
  range?: readonly [number, number];
  /** Draw large values light on a dark ground (default false: dark ink on white, like a printed digit). */
  invert?: boolean;
}

/** Options for weightImages. */
export interface WeightImagesOptions extends GridOptions {
  /** The [height, width] of one image: height·width must equal the kernel's input size. */
  imageShape?: readonly [number, number];
  /**
   * Scale colours to ±max|w| so that zero is white, negative blue and
   * positive red (default true); when false, the smallest weight is dark blue
   * and the largest dark red.
   */
  symmetric?: boolean;
}

const GAP = 6;
const CAPTION_FONT = 11;
const PAD = 12;

function tileScale(op: string, h: number, w: number, scale?: number): number {
  if (scale !== undefined) {
    checkPositive(op, 'scale', scale);
    return scale;
  }
  return Math.max(1, Math.min(16, Math.round(56 / Math.max(h, w))));
}

/**
 * The grid of tiles: tile k's pixel (r, c) has colour `colorOf(k, r, c)`
 * (null leaves it white). Returns the body and the size of the grid.
 */
function drawGrid(
  op: string,
  n: number,
  h: number,
  w: number,
  options: GridOptions,
  top: number,
  minWidth: number,
  colorOf: (k: number, r: number, c: number) => string | null,
): { body: string[]; width: number; height: number } {
  const columns = options.columns ?? Math.min(n, 10);
  if (!(Number.isInteger(columns) && columns > 0)) throw new ArgumentError(`${op}: columns must be a positive integer, got ${columns}`);
  const labels = options.labels?.map(String);
  const px = tileScale(op, h, w, options.scale);
  const tileW = w * px,
    tileH = h * px;
  const caption = labels && labels.length > 0 ? CAPTION_FONT + 5 : 0;
  const cols = Math.max(1, Math.min(columns, n)),
    rows = Math.ceil(n / cols);
  const gridW = cols * tileW + (cols - 1) * GAP,
    gridH = rows * (tileH + caption) + (rows - 1) * GAP;
  const width = Math.max(gridW + 2 * PAD, minWidth);
  const left = (width - gridW) / 2;
  const body: string[] = ['<g class="tiles" shape-rendering="crispEdges">'];
  for (let k = 0; k < n; k++) {
    const x0 = left + (k % cols) * (tileW + GAP),
      y0 = top + Math.floor(k / cols) * (tileH + caption + GAP);
    body.push('<g class="tile">', rect(x0, y0, tileW, tileH, '#ffffff'));
    for (let r = 0; r < h; r++) {
      let c = 0;
      while (c < w) {
        const color = colorOf(k, r, c);
        let end = c + 1;
        while (end < w && colorOf(k, r, end) === color) end++;
        if (color !== null && color !== '#ffffff') body.push(rect(x0 + c * px, y0 + r * px, (end - c) * px, px, color));
        c = end;
      }
    }
    body.push(`<rect x="${num(x0)}" y="${num(y0)}" width="${num(tileW)}" height="${num(tileH)}" fill="none" stroke="#bbbbbb" stroke-width="0.5"/>`);
    const label = labels?.[k];
    if (label !== undefined) {
      const size = fitFont(label, CAPTION_FONT, tileW + GAP - 2, 7);
      body.push(text(label, { x: x0 + tileW / 2, y: y0 + tileH + 3 + size * 0.85, size, anchor: 'middle', fill: MUTED }));
    }
    body.push('</g>');
  }
  body.push('</g>');
  return { body, width, height: gridH };
}

/** The { shape, storage } behind a tensor or Variable, checked. */
function resolve(op: string, source: ImageSource): TensorData {
  const t = source && typeof source === 'object' && !('storage' in source) && 'value' in source ? source.value : (source as TensorData);
  if (!t || typeof t !== 'object' || !t.shape || typeof t.shape.length !== 'number' || !t.storage) {
    throw new ArgumentError(`${op}: expected a tensor (an object with shape and storage) or a Variable`);
  }
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (t.storage.length !== size) throw new ShapeError(`${op}: storage has ${t.storage.length} values but shape [${t.shape.join(',')}] needs ${size}`);
  return t;
}

/**
 * Grayscale images in a grid, as a standalone SVG document: `images` has
 * shape [n, h, w] or [n, h, w, 1] (a tensor, such as `nb.data.loadDigits().images`),
 * drawn one `<g class="tile">` per image, `columns` to a row (default up to
 * 10), with optional captions under each (`labels`). Values map linearly from
 * `range` (default [min(0, smallest), largest]) to white→black, or
 * black→white with `invert`; non-finite pixels are left white.
 */
export function imageGrid(source: ImageSource, options: ImageGridOptions = {}): string {
  const op = 'imageGrid';
  const images = resolve(op, source);
  const s = images.shape;
  if (!(s.length === 3 || (s.length === 4 && s[3] === 1))) {
    throw new ShapeError(`${op}: images must have shape [n, h, w] or [n, h, w, 1], got [${s.join(',')}]`);
  }
  const [n, h, w] = [s[0]!, s[1]!, s[2]!];
  if (n === 0 || h === 0 || w === 0) throw new ShapeError(`${op}: no images to draw in shape [${s.join(',')}]`);
  const data = images.storage;
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  let [vmin, vmax] = options.range ?? [Math.min(0, lo), hi];
  if (!Number.isFinite(vmin) || !Number.isFinite(vmax)) [vmin, vmax] = [0, 1];
  if (vmax <= vmin) vmax = vmin + 1;
  const invert = options.invert === true;
  const head = titleBlock(options.title, Math.max(PAD * 2 + 1, options.title ? textWidth(options.title, 16) + 24 : 0));
  const top = 8 + head.height + 4;
  const minWidth = options.title ? textWidth(options.title, 16) + 24 : 0;
  const grid = drawGrid(op, n, h, w, options, top, minWidth, (k, r, c) => {
    const v = data[(k * h + r) * w + c]!;
    return Number.isFinite(v) ? grayColor((v - vmin) / (vmax - vmin), invert) : null;
  });
  const width = grid.width,
    height = top + grid.height + PAD;
  const title = titleBlock(options.title, width);
  return svgDocument(width, height, options.title ?? `${n} image${n === 1 ? '' : 's'} of ${h}×${w} pixels`, [title.svg, ...grid.body]);
}

function defaultImageShape(op: string, shape: readonly number[], inputs: number): [number, number] {
  if (shape.length === 4 && shape[2] === 1) return [shape[0]!, shape[1]!];
  const side = Math.round(Math.sqrt(inputs));
  if (side * side === inputs) return [side, side];
  throw new ArgumentError(`${op}: give imageShape [h, w] with h·w = ${inputs} (the kernel's input size)`);
}

/**
 * The first layer's weights drawn as images, as a standalone SVG document:
 * for a Dense kernel of shape [in, units] (in = h·w), column u (the weights
 * into unit u) is drawn as an h×w image, one `<g class="tile">` per unit, in a
 * grid of `columns` (default ⌈√units⌉). A 2-D convolution kernel [kh, kw, 1,
 * units] works too (imageShape defaults to [kh, kw]; and to [√in, √in] for a
 * square input size), and so does a Variable (its current value). Colours are diverging: blue negative, white zero, red
 * positive, scaled to ±max|w| over the whole kernel when `symmetric` (the
 * default) or to [min w, max w] otherwise; a colour bar below shows the scale.
 * Non-finite weights are left white.
 */
export function weightImages(source: ImageSource, options: WeightImagesOptions = {}): string {
  const op = 'weightImages';
  const weights = resolve(op, source);
  const s = weights.shape;
  if (s.length < 2) throw new ShapeError(`${op}: expected a kernel [in, units], got shape [${s.join(',')}]`);
  const units = s[s.length - 1]!;
  const inputs = s.slice(0, -1).reduce((a, b) => a * b, 1);
  if (units === 0 || inputs === 0) throw new ShapeError(`${op}: the kernel of shape [${s.join(',')}] is empty`);
  const [h, w] = options.imageShape ?? defaultImageShape(op, s, inputs);
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0) || h * w !== inputs) {
    throw new ShapeError(`${op}: imageShape [${h}, ${w}] does not cover the ${inputs} inputs of a kernel of shape [${s.join(',')}]`);
  }
  const data = weights.storage;
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo > hi) [lo, hi] = [0, 0];
  const symmetric = options.symmetric !== false;
  const bound = Math.max(Math.abs(lo), Math.abs(hi));
  const [vmin, vmax] = symmetric ? [-bound, bound] : [lo, hi];
  const toUnit = (v: number) => (vmax > vmin ? (2 * (v - vmin)) / (vmax - vmin) - 1 : 0);

  const columns = options.columns ?? Math.ceil(Math.sqrt(units));
  const titleText = options.title;
  const barWidth = 160;
  const minWidth = Math.max(titleText ? textWidth(titleText, 16) + 24 : 0, barWidth + 2 * PAD + 40);
  const head = titleBlock(titleText, minWidth);
  const top = 8 + head.height + 4;
  const grid = drawGrid(op, units, h, w, { ...options, columns }, top, minWidth, (k, r, c) => {
    const v = data[(r * w + c) * units + k]!;
    return Number.isFinite(v) ? divergingColor(toUnit(v)) : null;
  });
  const width = grid.width;
  const title = titleBlock(titleText, width);

  // the colour bar: 40 bands from vmin to vmax, labelled at both ends (and at 0 when symmetric)
  const barX = (width - barWidth) / 2,
    barY = top + grid.height + 14,
    bands = 40;
  const bar: string[] = ['<g class="colorbar">'];
  for (let k = 0; k < bands; k++) {
    bar.push(rect(barX + (k * barWidth) / bands, barY, barWidth / bands + 0.5, 10, divergingColor(((k + 0.5) / bands) * 2 - 1)));
  }
  bar.push(`<rect x="${num(barX)}" y="${num(barY)}" width="${barWidth}" height="10" fill="none" stroke="${MUTED}" stroke-width="0.5"/>`);
  const label = (v: number) => formatNumber(Number(v.toPrecision(3)));
  const ly = barY + 10 + 4 + CAPTION_FONT * 0.85;
  bar.push(text(label(vmin), { x: barX, y: ly, size: CAPTION_FONT, anchor: 'middle', fill: MUTED }));
  bar.push(text(label(vmax), { x: barX + barWidth, y: ly, size: CAPTION_FONT, anchor: 'middle', fill: MUTED }));
  if (symmetric || (vmin < 0 && vmax > 0)) {
    const zx = barX + (vmax > vmin ? ((0 - vmin) / (vmax - vmin)) * barWidth : barWidth / 2);
    if (zx - barX > 30 && barX + barWidth - zx > 30) bar.push(text('0', { x: zx, y: ly, size: CAPTION_FONT, anchor: 'middle', fill: MUTED }));
  }
  bar.push('</g>');
  const height = barY + 10 + 4 + CAPTION_FONT + PAD;
  const doc = titleText ?? `Weights of ${units} unit${units === 1 ? '' : 's'} as ${h}×${w} images`;
  return svgDocument(width, height, doc, [title.svg, ...grid.body, ...bar]);
}
