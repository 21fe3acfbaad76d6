/**
 * Legends: a row of entries that wraps (above a line chart) or a column of
 * entries (beside a scatter chart). Each entry is a swatch and a name.
 */
import { INK, text, textWidth } from './svg.js';

/** The font size of legend entries. */
export const LEGEND_FONT = 12;
/** The width reserved for a swatch. */
const SWATCH = 22;

/** A legend entry: its name and how to draw its swatch with its centre-left at (x, y). */
export interface LegendEntry {
  name: string;
  swatch(x: number, y: number): string;
}

function entryWidth(e: LegendEntry): number {
  return SWATCH + 6 + textWidth(e.name, LEGEND_FONT);
}

/**
 * The entries in rows from (x, top), wrapping at `maxWidth`; returns the
 * elements and the height used.
 */
export function rowLegend(entries: readonly LegendEntry[], x: number, top: number, maxWidth: number): { svg: string[]; height: number } {
  const rowHeight = LEGEND_FONT + 8;
  const svg: string[] = ['<g class="legend">'];
  let cx = x,
    row = 0;
  for (const e of entries) {
    const w = entryWidth(e);
    if (cx > x && cx + w > x + maxWidth) {
      cx = x;
      row++;
    }
    const cy = top + row * rowHeight + rowHeight / 2;
    svg.push(e.swatch(cx, cy), text(e.name, { x: cx + SWATCH + 6, y: cy + LEGEND_FONT * 0.35, size: LEGEND_FONT, fill: INK }));
    cx += w + 16;
  }
  svg.push('</g>');
  return { svg, height: entries.length === 0 ? 0 : (row + 1) * rowHeight };
}

/** The width a column legend of these entries needs. */
export function columnLegendWidth(entries: readonly LegendEntry[], title?: string): number {
  return Math.max(title ? textWidth(title, LEGEND_FONT) : 0, ...entries.map(entryWidth), 0);
}

/** The entries one below the other from (x, top), under an optional bold title. */
export function columnLegend(entries: readonly LegendEntry[], x: number, top: number, title?: string): string[] {
  const rowHeight = LEGEND_FONT + 8;
  const svg: string[] = ['<g class="legend">'];
  let y = top;
  if (title) {
    svg.push(text(title, { x, y: y + LEGEND_FONT, size: LEGEND_FONT, weight: 'bold', fill: INK }));
    y += rowHeight;
  }
  for (const e of entries) {
    const cy = y + rowHeight / 2;
    svg.push(e.swatch(x, cy), text(e.name, { x: x + SWATCH + 6, y: cy + LEGEND_FONT * 0.35, size: LEGEND_FONT, fill: INK }));
    y += rowHeight;
  }
  svg.push('</g>');
  return svg;
}
