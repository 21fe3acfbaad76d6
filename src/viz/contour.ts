/**
 * contourChart: a function of two variables as a filled contour map (bands
 * coloured by viridis, found by marching squares), with contour lines, axes,
 * a colour bar, and paths (an optimiser's steps) drawn over it with start and
 * end markers, a legend and optionally a ball moving along each path.
 */
import { ArgumentError } from '../core/errors.js';
import { optionsObject } from '../core/options.js';
import { drawFrame, linearAxis } from './axes.js';
import { viridis } from './colormap.js';
import { atIndex, checkGrid, checkPaths, contourLevels, gridRange, type SurfaceGrid, type SurfaceMarker, type SurfacePath } from './grid.js';
import { rowLegend, type LegendEntry } from './legend.js';
import { isoRings } from './marching.js';
import { INK, MUTED, categoricalColor, checkPositive, escapeXml, num, rect, svgDocument, text, titleBlock } from './svg.js';
import { drawBall, drawTrack, tame, trackLabel, trackLegendEntry, trackStatus, type Box, type Pixel } from './track.js';

export type { SurfaceGrid, SurfacePath, SurfaceMarker } from './grid.js';

/** Options of contourChart. */
export interface ContourChartOptions {
  title?: string;
  /** Paths drawn over the map (an optimiser's steps, say). */
  paths?: SurfacePath[];
  /** About this many bands (default 10), or the level values themselves. */
  levels?: number | number[];
  /** Levels spaced evenly in log10(z − min + δ) (for surfaces like Rosenbrock's). */
  logScale?: boolean;
  /** Pixels (default 640). */
  width?: number;
  /** Pixels (default 520). */
  height?: number;
  /** A ball moving along each path (SMIL <animateMotion>, one step a frame). */
  animate?: boolean;
  /** Seconds the animation takes (default: 0.12 s a step, between 4 and 12 s). */
  duration?: number;
  /** Labelled points (the minima, say). */
  markers?: SurfaceMarker[];
}

const COLOR_BAR = 14;

/** A level value written briefly (3 significant digits). */
export function formatLevel(v: number): string {
  const s = String(Number(v.toPrecision(3)));
  return s === '-0' ? '0' : s.replace('e+', 'e');
}

/** The seconds an animation of `frames` steps takes: 0.12 s a step, between 4 and 12 s, unless given. */
export function animationSeconds(frames: number, given?: number): number {
  if (given !== undefined) {
    checkPositive('animate', 'duration', given);
    return given;
  }
  return Math.min(12, Math.max(4, 0.12 * frames));
}

/**
 * A filled contour map of grid.z over (xs, ys) as a standalone SVG document.
 *
 * The levels L₀ < … < Lₙ bracket the data (L₀ ≤ min z ≤ max z ≤ Lₙ); band k
 * (Lₖ ≤ z < Lₖ₊₁) is filled with viridis((k + ½)/n) by drawing, for each
 * level in turn, the region {z ≥ Lₖ} found by marching squares
 * (`<path class="band" data-level=…>`), and each inner level is outlined
 * (`<path class="contour-line">`). Cells with a NaN value are grey and
 * noted in the legend. Paths are drawn as tracks clipped to the plot; one
 * that leaves it or has non-finite points is labelled "clipped" or
 * "diverged". With `animate`, a ball moves along each path.
 *
 * ```ts
 * const grid = nb.viz.surfaceGrid(nb.viz.surfaces.rosenbrock);
 * writeFileSync('rosenbrock.svg', nb.viz.contourChart(grid, { logScale: true, title: 'Rosenbrock' }));
 * ```
 */
export function contourChart(grid: SurfaceGrid, options: ContourChartOptions = {}): string {
  const op = 'contourChart';
  const o = optionsObject(op, options, 'options { title, paths, levels, ... }') as ContourChartOptions;
  checkGrid(op, grid);
  const paths = o.paths ?? [];
  checkPaths(op, paths);
  const markers = o.markers ?? [];
  if (!Array.isArray(markers) || markers.some((m) => !m || typeof m.name !== 'string' || !Array.isArray(m.point) || m.point.length !== 2)) {
    throw new ArgumentError(`${op}: markers must be an array of { name, point: [x, y] }`);
  }
  const width = o.width ?? 640,
    height = o.height ?? 520;
  checkPositive(op, 'width', width);
  checkPositive(op, 'height', height);
  const { xs, ys, z } = grid;
  const range = gridRange(grid);
  const log = o.logScale === true;
  const levels = contourLevels(op, range.min, range.max, o.levels, log);
  const bands = levels.length - 1;
  const bandColor = (k: number) => viridis((k + 0.5) / bands);
  const hasNaN = z.some((row) => row.some((v) => Number.isNaN(v)));

  const chartTitle = titleBlock(o.title, width);
  let top = 6 + chartTitle.height;
  const body: string[] = [chartTitle.svg];
  const xAxis = linearAxis(op, xs[0]!, xs.at(-1)!, { domain: 'exact', maxTicks: Math.floor((width - 160) / 60) + 1 });
  const yAxis = linearAxis(op, ys[0]!, ys.at(-1)!, { domain: 'exact', maxTicks: Math.floor((height - 120) / 40) + 1 });
  const levelLabels = levels.map(formatLevel);
  const barWidth = COLOR_BAR + 8 + Math.max(...levelLabels.map((l) => l.length * 6.6), grid.zLabel ? 0 : 0) + 14;

  // a path's status (inside, clipped, diverged) is decided in data space, against the grid's rectangle
  const colors = paths.map((p, k) => p.color ?? categoricalColor(k));
  const domain: Box = { left: xs[0]!, top: ys[0]!, width: xs.at(-1)! - xs[0]!, height: ys.at(-1)! - ys[0]! };
  const statuses = paths.map((p) => {
    const finite = p.points.every(([x, y], i) => Number.isFinite(x) && Number.isFinite(y) && (p.z === undefined || !Number.isNaN(p.z[i]!)));
    return trackStatus(
      p.points.map((q): Pixel => (Number.isFinite(q[0]) && Number.isFinite(q[1]) ? q : null)),
      domain,
      finite,
    );
  });
  const entries: LegendEntry[] = paths.map((p, k) => trackLegendEntry(trackLabel(p.name, statuses[k]!), colors[k]!));
  if (markers.length) entries.push({ name: markers.length === 1 ? markers[0]!.name : 'minima', swatch: (x, y) => markerSymbol(x + 11, y) });
  if (hasNaN) entries.push({ name: 'no value (not a number)', swatch: (x, y) => rect(x + 4, y - 6, 14, 12, '#bdbdbd', 'stroke="#888888"') });
  const legend = rowLegend(entries, 16, top + 2, width - 32);
  body.push(...legend.svg);
  top += legend.height + (legend.height ? 2 : 0);
  const { frame, svg: axes } = drawFrame(width, height, top, xAxis, yAxis, grid.xLabel, grid.yLabel, barWidth);
  const px = (fi: number) => frame.x(atIndex(xs, fi));
  const py = (fj: number) => frame.y(atIndex(ys, fj));
  const tracks = paths.map((p) =>
    p.points.map(
      ([x, y], i): Pixel =>
        Number.isFinite(x) && Number.isFinite(y) && (p.z === undefined || !Number.isNaN(p.z[i]!)) ? tame([frame.x(x), frame.y(y)], frame) : null,
    ),
  );

  // bands: the lowest colour everywhere, then {z ≥ Lₖ} for k = 1 … n−1
  const plot: string[] = [
    `<g class="bands">`,
    rect(frame.left, frame.top, frame.width, frame.height, bandColor(0), `class="band" data-level="${num(levels[0]!)}"`),
  ];
  const lines: string[] = ['<g class="contour-lines">'];
  const ringData = (rings: [number, number][][]) => rings.map((r) => r.map(([i, j], k) => `${k ? 'L' : 'M'}${num(px(i))} ${num(py(j))}`).join('')).join('');
  for (let k = 1; k < bands; k++) {
    const rings = isoRings(z, levels[k]!);
    if (rings.length === 0) continue;
    plot.push(
      `<path class="band" data-level="${escapeXml(formatLevel(levels[k]!))}" d="${ringData(rings)}" fill="${bandColor(k)}" fill-rule="evenodd" stroke="${bandColor(k)}" stroke-width="0.5"/>`,
    );
    const d = contourLineData(rings, xs.length, ys.length, px, py);
    if (d)
      lines.push(
        `<path class="contour-line" data-level="${escapeXml(formatLevel(levels[k]!))}" d="${d}" fill="none" stroke="#ffffff" stroke-opacity="0.45" stroke-width="0.8"/>`,
      );
  }
  plot.push('</g>');
  lines.push('</g>');
  body.push(...axes, ...plot);
  if (hasNaN) body.push(...nanCells(z, px, py));
  body.push(
    ...lines,
    `<rect x="${num(frame.left)}" y="${num(frame.top)}" width="${num(frame.width)}" height="${num(frame.height)}" fill="none" stroke="${INK}" stroke-width="1"/>`,
  );
  body.push(...colorBar(frame.left + frame.width + 14, frame.top, frame.height, levels, levelLabels, bandColor, grid.zLabel, log));

  for (const m of markers) {
    const [mx, my] = m.point;
    if (!Number.isFinite(mx) || !Number.isFinite(my)) continue;
    const x = frame.x(mx),
      y = frame.y(my);
    if (x < frame.left || x > frame.left + frame.width || y < frame.top || y > frame.top + frame.height) continue;
    body.push(`<g class="marker" data-name="${escapeXml(m.name)}">${markerSymbol(x, y)}</g>`);
  }
  paths.forEach((p, k) => body.push(...drawTrack(p.name, colors[k]!, tracks[k]!, frame)));
  if (o.animate && paths.length) {
    const frames = Math.max(...paths.map((p) => p.points.length));
    const seconds = animationSeconds(frames, o.duration);
    body.push('<g class="balls">', ...paths.map((p, k) => drawBall(p.name, colors[k]!, tracks[k]!, frame, frames, seconds)), '</g>');
  }
  return svgDocument(width, height, o.title ?? `Contour map${grid.zLabel ? ` of ${grid.zLabel}` : ''}`, body);
}

/** A white cross with a dark outline marking a point. */
function markerSymbol(x: number, y: number): string {
  const arm = (dx: number, dy: number, stroke: string, w: number) =>
    `<line x1="${num(x - dx)}" y1="${num(y - dy)}" x2="${num(x + dx)}" y2="${num(y + dy)}" stroke="${stroke}" stroke-width="${w}"/>`;
  return arm(5, 5, INK, 4) + arm(5, -5, INK, 4) + arm(5, 5, '#ffffff', 2) + arm(5, -5, '#ffffff', 2);
}

/** The rings as open lines, leaving out the runs along the grid's edge (those are the plot's frame, not a contour). */
function contourLineData(rings: [number, number][][], nx: number, ny: number, px: (i: number) => number, py: (j: number) => number): string {
  const onEdge = (a: [number, number], b: [number, number]) =>
    (a[0] === 0 && b[0] === 0) || (a[0] === nx - 1 && b[0] === nx - 1) || (a[1] === 0 && b[1] === 0) || (a[1] === ny - 1 && b[1] === ny - 1);
  const parts: string[] = [];
  for (const ring of rings) {
    let pen = false;
    for (let k = 0; k < ring.length; k++) {
      const a = ring[k]!,
        b = ring[(k + 1) % ring.length]!;
      if (onEdge(a, b)) {
        pen = false;
        continue;
      }
      if (!pen) parts.push(`M${num(px(a[0]))} ${num(py(a[1]))}`);
      parts.push(`L${num(px(b[0]))} ${num(py(b[1]))}`);
      pen = true;
    }
  }
  return parts.join('');
}

/** Grey rectangles over the cells with a NaN corner, merged along rows. */
function nanCells(z: number[][], px: (i: number) => number, py: (j: number) => number): string[] {
  const out = ['<g class="no-value">'];
  for (let j = 0; j + 1 < z.length; j++) {
    let start = -1;
    const nx = z[0]!.length;
    for (let i = 0; i <= nx - 1; i++) {
      const bad = i < nx - 1 && [z[j]![i]!, z[j]![i + 1]!, z[j + 1]![i]!, z[j + 1]![i + 1]!].some(Number.isNaN);
      if (bad && start < 0) start = i;
      if (!bad && start >= 0) {
        const x0 = px(start),
          x1 = px(i),
          y0 = py(j + 1),
          y1 = py(j);
        out.push(rect(x0, y0, x1 - x0, y1 - y0, '#bdbdbd', 'stroke="#bdbdbd" stroke-width="0.6"'));
        start = -1;
      }
    }
  }
  out.push('</g>');
  return out;
}

/** The colour bar: one box per band, level values at the band edges, the z label above. */
function colorBar(
  x: number,
  top: number,
  height: number,
  levels: number[],
  labels: string[],
  color: (k: number) => string,
  zLabel: string | undefined,
  log: boolean,
): string[] {
  const bands = levels.length - 1;
  const out = ['<g class="colour-bar">'];
  const h = height / bands;
  for (let k = 0; k < bands; k++) out.push(rect(x, top + height - (k + 1) * h, COLOR_BAR, h, color(k)));
  out.push(`<rect x="${num(x)}" y="${num(top)}" width="${COLOR_BAR}" height="${num(height)}" fill="none" stroke="${MUTED}" stroke-width="0.5"/>`);
  const every = Math.max(1, Math.ceil((bands + 1) / Math.max(2, Math.floor(height / 16))));
  levels.forEach((_, k) => {
    if (k % every !== 0 && k !== bands) return;
    const y = top + height - k * h;
    out.push(text(labels[k]!, { x: x + COLOR_BAR + 4, y: y + 4, size: 10, fill: MUTED, cls: 'level' }));
  });
  const caption = (zLabel ?? 'value') + (log ? ' (log)' : '');
  out.push(text(caption, { x: x, y: Math.max(10, top - 6), size: 10, fill: INK }));
  out.push('</g>');
  return out;
}
