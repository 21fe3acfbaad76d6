/**
 * A matrix as a heat map on a diverging colour scale centred at zero (blue
 * negative, white zero, red positive), with labelled axes and a colour bar:
 * for Jacobians, Hessians, weight matrices, correlations.
 */
import { describe } from '../core/describe.js';
import { optionsObject } from '../core/options.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import type { TensorData } from './images.js';
import {
  INK,
  MUTED,
  contrastText,
  divergingColor,
  fitFont,
  formatNumber,
  formatTick,
  line,
  niceTickStep,
  niceTicks,
  num,
  rect,
  svgDocument,
  text,
  textWidth,
  titleBlock,
} from './svg.js';

/** Options for heatmap. */
export interface HeatmapOptions {
  title?: string;
  /** The title of the horizontal axis (the columns); default 'column'. */
  xLabel?: string;
  /** The title of the vertical axis (the rows); default 'row'. */
  yLabel?: string;
  /** A label per row (default the indices 0, 1, ...; long axes label every 2nd, 5th, 10th, ...). */
  rowLabels?: readonly (string | number)[];
  /** A label per column (default the indices). */
  colLabels?: readonly (string | number)[];
  /** The value drawn white (default 0). */
  center?: number;
  /** The colour scale spans center ± range (default the largest |value − center|). */
  range?: number;
  /** The side of a cell in pixels (default: up to 40, so the larger side of the grid is about 480). */
  cellSize?: number;
  /** Print each value in its cell (default: when cells are at least 30 pixels). */
  annotate?: boolean;
  /** A caption beside the colour bar (the quantity shown, 'value' by default). */
  colorbarLabel?: string;
}

const LABEL_FONT = 11;
const TITLE_FONT = 13;
const NAN_FILL = '#bdbdbd';

/** The matrix as rows × cols and a value getter, from nested arrays or a rank-2 tensor. */
function readMatrix(op: string, m: unknown): { rows: number; cols: number; at(i: number, j: number): number } {
  if (Array.isArray(m)) {
    const rows = m.length;
    if (rows === 0) throw new ShapeError(`${op}: the matrix has no rows`);
    const cols = Array.isArray(m[0]) ? (m[0] as unknown[]).length : -1;
    m.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols) {
        throw new ShapeError(`${op}: the matrix must be rectangular: row ${i} has ${Array.isArray(row) ? row.length : 'no'} values, row 0 has ${cols}`);
      }
      row.forEach((v, j) => {
        if (typeof v !== 'number') throw new ArgumentError(`${op}: entry [${i}][${j}] is ${describe(v)}, not a number`);
      });
    });
    if (cols === 0) throw new ShapeError(`${op}: the matrix has no columns`);
    return { rows, cols, at: (i, j) => (m[i] as number[])[j]! };
  }
  const t = m !== null && typeof m === 'object' && !('storage' in m) && 'value' in m ? (m as { value: TensorData }).value : (m as TensorData);
  if (!t || typeof t !== 'object' || !Array.isArray(t.shape) || !t.storage) {
    throw new ArgumentError(`${op}: expected a matrix (an array of rows of numbers) or a 2-D tensor, got ${describe(m)}`);
  }
  if (t.shape.length !== 2) throw new ShapeError(`${op}: expected a 2-D tensor, got shape [${t.shape.join(',')}]; reshape it to [rows, cols] first`);
  const [rows, cols] = t.shape as [number, number];
  if (rows === 0 || cols === 0) throw new ShapeError(`${op}: the matrix of shape [${rows},${cols}] is empty`);
  const data = t.storage;
  return { rows, cols, at: (i, j) => Number(data[i * cols + j]) };
}

/** Which of n labels to show so that they are at least `minGap` pixels apart: every 1st, 2nd, 5th, 10th, ... */
function labelStride(n: number, cell: number, minGap: number): number {
  for (const base of [1, 10, 100, 1000, 10000]) {
    for (const f of [1, 2, 5]) if (f * base * cell >= minGap || f * base >= n) return f * base;
  }
  return n;
}

/**
 * A matrix as a standalone SVG heat map: entry [i][j] is the cell in row i
 * (top to bottom) and column j (left to right), one `<rect class="cell">`
 * each with its value in `data-value`, coloured on a diverging scale — dark
 * blue at center − range, white at center, dark red at center + range,
 * where range defaults to max |value − center| (non-finite entries are grey).
 * Rows and columns are labelled (by index by default) with axis titles, and
 * a colour bar at the right shows the scale. Takes nested arrays or a 2-D
 * tensor (`{ shape, storage }`), e.g. a layer's Jacobian:
 *
 * ```ts
 * const J = nb.layerJacobian(model, 0, x.slice(0, 1));   // [units, inputs]
 * writeFileSync('jacobian.svg', nb.viz.heatmap(J, { xLabel: 'input j', yLabel: 'output i' }));
 * ```
 */
export function heatmap(matrix: readonly (readonly number[])[] | TensorData | { readonly value: TensorData }, options: HeatmapOptions = {}): string {
  const op = 'heatmap';
  const opts = optionsObject(op, options);
  const { rows, cols, at } = readMatrix(op, matrix);
  const center = opts.center ?? 0;
  if (typeof center !== 'number' || !Number.isFinite(center)) throw new ArgumentError(`${op}: center must be a finite number, got ${describe(center)}`);
  let spread = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const v = at(i, j);
      if (Number.isFinite(v)) spread = Math.max(spread, Math.abs(v - center));
    }
  const range = opts.range ?? (spread > 0 ? spread : 1);
  if (!(typeof range === 'number' && range > 0 && Number.isFinite(range)))
    throw new ArgumentError(`${op}: range must be a positive number, got ${describe(opts.range)}`);
  const rowLabels = (opts.rowLabels ?? Array.from({ length: rows }, (_, i) => i)).map(String);
  const colLabels = (opts.colLabels ?? Array.from({ length: cols }, (_, j) => j)).map(String);
  if (rowLabels.length !== rows) throw new ShapeError(`${op}: ${rowLabels.length} rowLabels for ${rows} rows`);
  if (colLabels.length !== cols) throw new ShapeError(`${op}: ${colLabels.length} colLabels for ${cols} columns`);
  const cell = opts.cellSize ?? Math.max(2, Math.min(40, Math.floor(480 / Math.max(rows, cols))));
  if (!(typeof cell === 'number' && cell > 0 && Number.isFinite(cell)))
    throw new ArgumentError(`${op}: cellSize must be a positive number, got ${describe(opts.cellSize)}`);
  const annotate = opts.annotate ?? cell >= 30;
  const xLabel = opts.xLabel ?? 'column',
    yLabel = opts.yLabel ?? 'row';

  // which labels are shown, and whether the column labels are turned
  const rowStride = labelStride(rows, cell, LABEL_FONT + 3);
  const shownRows = rowLabels.map((l, i) => [i, l] as const).filter(([i]) => i % rowStride === 0);
  const colWidest = Math.max(...colLabels.map((l) => textWidth(l, LABEL_FONT)));
  const colStride = labelStride(cols, cell, Math.min(colWidest + 6, LABEL_FONT * 2.2));
  const shownCols = colLabels.map((l, j) => [j, l] as const).filter(([j]) => j % colStride === 0);
  const rotate = colWidest + 4 > colStride * cell;
  const rowWidest = Math.max(...shownRows.map(([, l]) => textWidth(l, LABEL_FONT)));

  // the colour bar's ticks
  const lo = center - range,
    hi = center + range;
  const barTicks = niceTicks(lo, hi, 6);
  const barStep = niceTickStep(lo, hi, 6);
  const barLabels = barTicks.map((t) => formatTick(t, barStep));
  const barLabelWidth = Math.max(...barLabels.map((l) => textWidth(l, LABEL_FONT)));
  const barCaption = opts.colorbarLabel ?? 'value';

  const gridW = cols * cell,
    gridH = rows * cell;
  const colLabelHeight = rotate ? (Math.max(...shownCols.map(([, l]) => textWidth(l, LABEL_FONT))) + LABEL_FONT) * Math.SQRT1_2 + 10 : LABEL_FONT + 10;
  const barH = Math.max(gridH, 120);
  let left = 10 + TITLE_FONT + 10 + rowWidest + 8;
  const contentWidth = left + gridW + 20 + 14 + 6 + barLabelWidth + 10 + TITLE_FONT + 10;
  const width = Math.max(contentWidth, opts.title ? textWidth(opts.title, 16) + 24 : 0);
  const shift = (width - contentWidth) / 2;
  left += shift;
  const head = titleBlock(opts.title, width);
  const gridTop = 8 + head.height + 6;
  const height = gridTop + Math.max(gridH + colLabelHeight + TITLE_FONT + 16, barH + 14);

  const body: string[] = [head.svg, '<g class="cells">'];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = at(i, j);
      const fill = Number.isFinite(v) ? divergingColor((v - center) / range) : NAN_FILL;
      const x = left + j * cell,
        y = gridTop + i * cell;
      body.push(
        rect(
          x,
          y,
          cell,
          cell,
          fill,
          `class="cell" data-row="${i}" data-col="${j}" ${Number.isFinite(v) ? `data-value="${formatNumber(Number(v.toPrecision(6)))}"` : 'data-missing="true"'}`,
        ),
      );
      if (annotate) {
        const s = Number.isFinite(v) ? formatNumber(Number(v.toPrecision(2))) : '–';
        const size = fitFont(s, Math.min(12, cell * 0.32), cell - 4, 6);
        body.push(text(s, { x: x + cell / 2, y: y + cell / 2 + size * 0.35, size, anchor: 'middle', fill: contrastText(fill) }));
      }
    }
  }
  body.push(`<rect x="${num(left)}" y="${num(gridTop)}" width="${num(gridW)}" height="${num(gridH)}" fill="none" stroke="${MUTED}" stroke-width="0.5"/>`);
  body.push('</g>', '<g class="labels">');
  for (const [i, l] of shownRows) {
    const y = gridTop + i * cell + cell / 2;
    body.push(text(l, { x: left - 6, y: y + LABEL_FONT * 0.35, size: LABEL_FONT, anchor: 'end', fill: MUTED, cls: 'row-label' }));
  }
  for (const [j, l] of shownCols) {
    const cx = left + j * cell + cell / 2;
    if (rotate)
      body.push(text(l, { x: cx + LABEL_FONT * 0.35, y: gridTop + gridH + 8, size: LABEL_FONT, anchor: 'end', fill: MUTED, rotate: -45, cls: 'col-label' }));
    else body.push(text(l, { x: cx, y: gridTop + gridH + 6 + LABEL_FONT * 0.85, size: LABEL_FONT, anchor: 'middle', fill: MUTED, cls: 'col-label' }));
  }
  body.push(
    text(xLabel, { x: left + gridW / 2, y: gridTop + gridH + colLabelHeight + TITLE_FONT + 4, size: TITLE_FONT, anchor: 'middle', fill: INK, cls: 'x-title' }),
  );
  body.push(
    text(yLabel, { x: shift + 10 + TITLE_FONT * 0.8, y: gridTop + gridH / 2, size: TITLE_FONT, anchor: 'middle', fill: INK, rotate: -90, cls: 'y-title' }),
  );
  body.push('</g>');

  // the colour bar: bands from center − range (bottom) to center + range (top)
  const barX = left + gridW + 20,
    bands = 64;
  body.push('<g class="colorbar">');
  for (let k = 0; k < bands; k++) {
    body.push(rect(barX, gridTop + barH - ((k + 1) * barH) / bands, 14, barH / bands + 0.5, divergingColor(((k + 0.5) / bands) * 2 - 1)));
  }
  body.push(`<rect x="${num(barX)}" y="${num(gridTop)}" width="14" height="${num(barH)}" fill="none" stroke="${MUTED}" stroke-width="0.5"/>`);
  barTicks.forEach((t, k) => {
    const y = gridTop + barH - ((t - lo) / (hi - lo)) * barH;
    body.push(line(barX + 14, y, barX + 18, y, MUTED));
    body.push(text(barLabels[k]!, { x: barX + 20, y: y + LABEL_FONT * 0.35, size: LABEL_FONT, fill: MUTED, cls: 'bar-tick' }));
  });
  const capX = barX + 20 + barLabelWidth + 8 + TITLE_FONT * 0.8;
  body.push(text(barCaption, { x: capX, y: gridTop + barH / 2, size: TITLE_FONT, anchor: 'middle', fill: INK, rotate: -90 }));
  body.push('</g>');
  return svgDocument(width, height, opts.title ?? `Heat map of a ${rows}×${cols} matrix`, body);
}
