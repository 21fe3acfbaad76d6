/**
 * The confusion matrix as a heat map: rows are the true class, columns the
 * predicted class, each cell shaded by its count (or its share of the row)
 * and annotated with it.
 */
import { ArgumentError, ShapeError } from '../core/errors.js';
import {
  INK,
  MUTED,
  contrastText,
  fitFont,
  formatNumber,
  formatTick,
  niceTickStep,
  niceTicks,
  num,
  rect,
  sequentialColor,
  svgDocument,
  text,
  textWidth,
  titleBlock,
} from './svg.js';

/** Array.isArray without narrowing (a readonly array would narrow to any[]). */
const isList = (v: unknown): boolean => Array.isArray(v);

/** Options for confusionMatrixChart. */
export interface ConfusionMatrixChartOptions {
  /** The class names, one per row and column (default 0, 1, ..., n−1). */
  labels?: readonly (string | number)[];
  title?: string;
  /**
   * Shade each cell by its share of its row (the recall for the diagonal)
   * and print that percentage under the count (default false: shade by count).
   */
  normalize?: boolean;
  /** The side of a cell in pixels (default: from 72 for a few classes down to 22 for many). */
  cellSize?: number;
}

const LABEL_FONT = 12;
const TITLE_FONT = 13;

function formatCount(v: number): string {
  return Number.isInteger(v) ? String(v) : formatNumber(Number(v.toPrecision(3)));
}

function formatPercent(fraction: number): string {
  const p = fraction * 100;
  if (p === 0 || p === 100) return `${p}%`;
  return `${p < 10 ? p.toFixed(1) : p.toFixed(0)}%`;
}

/**
 * A confusion matrix as a standalone SVG heat map. `matrix[i][j]` counts the
 * examples of true class i predicted as class j (what `nb.metrics.confusionMatrix`
 * returns): rows are the true class (axis title "True"), columns the predicted
 * class ("Predicted"). Each cell is one `<rect class="cell">`, coloured on a
 * light→dark blue scale by count ÷ largest count, or with `normalize` by its
 * share of the row, and annotated with its count (and with `normalize` the
 * percentage) in white or black, whichever contrasts more. A colour bar at the
 * right shows the scale.
 */
export function confusionMatrixChart(matrix: readonly (readonly number[])[], options: ConfusionMatrixChartOptions = {}): string {
  const op = 'confusionMatrixChart';
  if (!isList(matrix) || matrix.length === 0) throw new ShapeError(`${op}: the matrix must be a non-empty n×n array of counts`);
  const n = matrix.length;
  if (n === 0) throw new ShapeError(`${op}: the matrix must be a non-empty n×n array of counts`);
  matrix.forEach((row, i) => {
    if (!isList(row) || row.length !== n) {
      throw new ShapeError(`${op}: the matrix must be square (n×n); row ${i} has ${isList(row) ? row.length : 'no'} values, expected ${n}`);
    }
    row.forEach((v, j) => {
      if (!(Number.isFinite(v) && v >= 0)) throw new ArgumentError(`${op}: cell [${i}][${j}] is ${v}; counts must be finite and non-negative`);
    });
  });
  const labels = (options.labels ?? matrix.map((_, i) => i)).map(String);
  if (labels.length !== n) throw new ShapeError(`${op}: ${labels.length} labels for ${n} classes`);
  const normalize = options.normalize === true;
  const cell = options.cellSize ?? Math.max(22, Math.min(72, Math.floor(440 / n)));
  if (!(Number.isFinite(cell) && cell > 0)) throw new ArgumentError(`${op}: cellSize must be a positive number, got ${cell}`);

  const rowSums = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const maxCount = Math.max(...matrix.flat());
  const shade = (i: number, j: number) => (normalize ? (rowSums[i]! > 0 ? matrix[i]![j]! / rowSums[i]! : 0) : maxCount > 0 ? matrix[i]![j]! / maxCount : 0);

  // layout, left to right: "True", row labels, the grid, the colour bar and its labels
  const grid = n * cell;
  const labelWidth = Math.max(...labels.map((l) => textWidth(l, LABEL_FONT)));
  const rotate = labelWidth > cell - 4;
  const barMax = normalize ? 1 : Math.max(maxCount, 1);
  let barTicks = normalize ? [0, 0.2, 0.4, 0.6, 0.8, 1] : niceTicks(0, barMax, 5);
  let barStep = niceTickStep(0, barMax, 5);
  if (!normalize && barStep < 1 && matrix.every((row) => row.every(Number.isInteger))) {
    barTicks = Array.from({ length: Math.floor(barMax) + 1 }, (_, k) => k);
    barStep = 1;
  }
  const barLabels = barTicks.map((t) => (normalize ? `${Math.round(t * 100)}%` : formatTick(t, barStep)));
  const barLabelWidth = Math.max(...barLabels.map((l) => textWidth(l, 11)));
  let left = 10 + TITLE_FONT + 10 + labelWidth + 8;
  if (rotate) left = Math.max(left, labelWidth * Math.SQRT1_2 - cell / 2 + 8);
  const contentWidth = left + grid + 18 + 14 + 6 + barLabelWidth + 10;
  const width = Math.max(contentWidth, options.title ? textWidth(options.title, 16) + 24 : 0);
  const head = titleBlock(options.title, width);
  const shift = (width - contentWidth) / 2;
  left += shift;
  const gridTop = 8 + head.height + 6;
  const colLabelHeight = rotate ? (labelWidth + LABEL_FONT) * Math.SQRT1_2 + 10 : LABEL_FONT + 10;
  const height = gridTop + grid + colLabelHeight + TITLE_FONT + 16;

  const body: string[] = [head.svg, '<g class="cells">'];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = matrix[i]![j]!;
      const fill = sequentialColor(shade(i, j));
      const x = left + j * cell,
        y = gridTop + i * cell;
      const ink = contrastText(fill);
      const count = formatCount(v);
      body.push(rect(x, y, cell, cell, fill, `class="cell" stroke="#ffffff" stroke-width="1"`));
      if (normalize) {
        const pct = formatPercent(rowSums[i]! > 0 ? v / rowSums[i]! : 0);
        const s1 = fitFont(count, Math.min(13, cell * 0.3), cell - 4, 6);
        const s2 = fitFont(pct, Math.min(11, cell * 0.25), cell - 4, 6);
        const mid = y + cell / 2;
        body.push(text(count, { x: x + cell / 2, y: mid - 1, size: s1, anchor: 'middle', fill: ink, weight: 'bold' }));
        body.push(text(pct, { x: x + cell / 2, y: mid + s2 * 0.9, size: s2, anchor: 'middle', fill: ink }));
      } else {
        const s = fitFont(count, Math.min(14, cell * 0.34), cell - 4, 6);
        body.push(text(count, { x: x + cell / 2, y: y + cell / 2 + s * 0.35, size: s, anchor: 'middle', fill: ink }));
      }
    }
  }
  body.push('</g>', '<g class="labels">');
  labels.forEach((l, i) => {
    body.push(text(l, { x: left - 8, y: gridTop + i * cell + cell / 2 + LABEL_FONT * 0.35, size: LABEL_FONT, anchor: 'end', fill: INK }));
    const cx = left + i * cell + cell / 2;
    if (rotate) body.push(text(l, { x: cx + LABEL_FONT * 0.35, y: gridTop + grid + 8, size: LABEL_FONT, anchor: 'end', fill: INK, rotate: -45 }));
    else body.push(text(l, { x: cx, y: gridTop + grid + 6 + LABEL_FONT * 0.85, size: LABEL_FONT, anchor: 'middle', fill: INK }));
  });
  body.push(text('Predicted', { x: left + grid / 2, y: height - 10, size: TITLE_FONT, anchor: 'middle', weight: 'bold', fill: INK }));
  body.push(
    text('True', { x: shift + 10 + TITLE_FONT * 0.8, y: gridTop + grid / 2, size: TITLE_FONT, anchor: 'middle', weight: 'bold', fill: INK, rotate: -90 }),
  );
  body.push('</g>');

  // the colour bar: 40 bands from light (bottom) to dark (top)
  const barX = left + grid + 18,
    bands = 40;
  body.push('<g class="colorbar">');
  for (let k = 0; k < bands; k++) {
    body.push(rect(barX, gridTop + grid - ((k + 1) * grid) / bands, 14, grid / bands + 0.5, sequentialColor((k + 0.5) / bands)));
  }
  body.push(`<rect x="${num(barX)}" y="${num(gridTop)}" width="14" height="${num(grid)}" fill="none" stroke="${MUTED}" stroke-width="0.5"/>`);
  barTicks.forEach((t, k) => {
    const y = gridTop + grid - (t / barMax) * grid;
    body.push(`<line x1="${num(barX + 14)}" y1="${num(y)}" x2="${num(barX + 18)}" y2="${num(y)}" stroke="${MUTED}" stroke-width="1"/>`);
    body.push(text(barLabels[k]!, { x: barX + 20, y: y + 11 * 0.35, size: 11, fill: MUTED }));
  });
  body.push('</g>');
  return svgDocument(width, height, options.title ?? 'Confusion matrix', body);
}
