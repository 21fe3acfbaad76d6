/**
 * surfaceChart: a function of two variables as a 3-D surface (the picture of
 * a cost surface with valleys), drawn as a projected mesh of shaded quads,
 * back to front (the painter's algorithm), with paths drawn on it as a
 * ball's track and, optionally, the ball rolling along them. Plain SVG.
 */
import { ArgumentError } from '../core/errors.js';
import { optionsObject } from '../core/options.js';
import { shade, viridisRgb } from './colormap.js';
import { animationSeconds, formatLevel } from './contour.js';
import { checkGrid, checkPaths, gridRange, heightScale, interpolate, type SurfaceGrid, type SurfacePath } from './grid.js';
import { rowLegend } from './legend.js';
import { projector, type Projected } from './project.js';
import { INK, MUTED, categoricalColor, checkPositive, escapeXml, niceTicks, num, svgDocument, text, titleBlock } from './svg.js';
import { clipSegment, clippedPathData, drawBall, inBox, trackLabel, trackLegendEntry, trackStatus, type Box, type Pixel } from './track.js';

/** Options of surfaceChart. */
export interface SurfaceChartOptions {
  title?: string;
  /** Paths drawn on the surface (an optimiser's steps, say). */
  paths?: SurfacePath[];
  /** Degrees about the vertical axis (default −35). */
  azimuth?: number;
  /** Degrees above the horizon (default 35). */
  elevation?: number;
  /** Heights drawn as log10(z − min + δ) (for surfaces like Rosenbrock's). */
  logScale?: boolean;
  /** Pixels (default 640). */
  width?: number;
  /** Pixels (default 520). */
  height?: number;
  /** A ball rolling along each path (SMIL <animateMotion>, one step a frame). */
  animate?: boolean;
  /** Seconds the animation takes (default: 0.12 s a step, between 4 and 12 s). */
  duration?: number;
  /** 0 for an orthographic view (default 0.15: a slight perspective). */
  perspective?: number;
  /** At most this many grid lines each way in the mesh (default 44); a finer grid is subsampled. */
  mesh?: number;
}

/** The height of the surface's box relative to its half-width. */
const Z_SCALE = 0.95;
/** How far a track is lifted above the surface (in box units) so that it is not hidden by the quad it lies on. */
const LIFT = 0.012;

/** `count` indices from 0 to n − 1, evenly spread, both ends included. */
function subsample(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, k) => Math.round((k * (n - 1)) / (count - 1)));
}

/**
 * A 3-D picture of grid.z over (xs, ys) as a standalone SVG document.
 *
 * The grid is scaled into a box (x, y ∈ [−1, 1], height ∈ [0, 0.95]; heights
 * log10(z − min + δ) with `logScale`), projected from `azimuth` and
 * `elevation` (see project.ts), and each cell drawn as a quad
 * (`<path class="quad">`), farthest first, coloured by its height (viridis)
 * and shaded by the angle of its normal to a fixed light. Cells with a NaN
 * are left out; +Infinity is drawn at the top. Paths are drawn on the surface
 * (heights from path.z, else interpolated from the grid), clipped to the
 * grid's rectangle and to the top of the box, and labelled "diverged" or
 * "clipped" when they leave it.
 */
export function surfaceChart(grid: SurfaceGrid, options: SurfaceChartOptions = {}): string {
  const op = 'surfaceChart';
  const o = optionsObject(op, options, 'options { title, paths, azimuth, ... }') as SurfaceChartOptions;
  checkGrid(op, grid);
  const paths = o.paths ?? [];
  checkPaths(op, paths);
  const width = o.width ?? 640,
    height = o.height ?? 520;
  checkPositive(op, 'width', width);
  checkPositive(op, 'height', height);
  const azimuth = o.azimuth ?? -35,
    elevation = o.elevation ?? 35,
    perspective = o.perspective ?? 0.15;
  for (const [k, v] of [
    ['azimuth', azimuth],
    ['elevation', elevation],
    ['perspective', perspective],
  ] as const) {
    if (!Number.isFinite(v)) throw new ArgumentError(`${op}: ${k} must be a finite number, got ${v}`);
  }
  if (elevation < -90 || elevation > 90) throw new ArgumentError(`${op}: elevation must be in [-90, 90] degrees, got ${elevation}`);
  if (perspective < 0 || perspective > 0.5) throw new ArgumentError(`${op}: perspective must be in [0, 0.5], got ${perspective}`);
  const meshSize = o.mesh ?? 44;
  if (!Number.isInteger(meshSize) || meshSize < 2) throw new ArgumentError(`${op}: mesh must be an integer >= 2, got ${meshSize}`);

  const { xs, ys, z } = grid;
  const range = gridRange(grid);
  const log = o.logScale === true;
  const hasData = Number.isFinite(range.min);
  const scale = heightScale(hasData ? range.min : 0, hasData ? range.max : 1, log, 1e-2); // a shallower log than the contour levels': valleys stay smooth
  const hMin = hasData ? scale.to(range.min) : 0,
    hMax = hasData ? scale.to(range.max) : 1;
  /** The box height of a value: [0, Z_SCALE], clamped (+Infinity at the top); NaN stays NaN. */
  const boxZ = (v: number): number => {
    if (Number.isNaN(v)) return NaN;
    if (v === Infinity) return Z_SCALE;
    if (v === -Infinity) return 0;
    const h = scale.to(v);
    return hMax > hMin ? Math.max(0, Math.min(Z_SCALE, ((h - hMin) / (hMax - hMin)) * Z_SCALE)) : Z_SCALE / 2;
  };
  const x0 = xs[0]!,
    x1 = xs.at(-1)!,
    y0 = ys[0]!,
    y1 = ys.at(-1)!;
  const boxX = (x: number) => (2 * (x - x0)) / (x1 - x0) - 1;
  const boxY = (y: number) => (2 * (y - y0)) / (y1 - y0) - 1;
  const project = projector({ azimuth, elevation, perspective });

  // layout: title, legend, then the picture fitted into the rest
  const chartTitle = titleBlock(o.title, width);
  let top = 6 + chartTitle.height;
  const body: string[] = [chartTitle.svg];
  const colors = paths.map((p, k) => p.color ?? categoricalColor(k));
  const unit: Box = { left: -1, top: -1, width: 2, height: 2 };
  const tracks = paths.map((p) => trackPoints(p, unit, boxX, boxY, boxZ, grid));
  const statuses = tracks.map((t) => trackStatus(t.plane, unit, t.finite));
  const hasNaN = z.some((row) => row.some((v) => Number.isNaN(v)));
  const entries = paths.map((p, k) => trackLegendEntry(trackLabel(p.name, statuses[k]!), colors[k]!));
  if (hasNaN) entries.push({ name: 'no value (not a number): left out', swatch: () => '' });
  const legend = rowLegend(entries, 16, top + 2, width - 32);
  body.push(...legend.svg);
  top += legend.height + 4;

  // the mesh, subsampled, in box coordinates
  const is = subsample(xs.length, meshSize),
    js = subsample(ys.length, meshSize);
  const P = js.map((j) => is.map((i) => [boxX(xs[i]!), boxY(ys[j]!), boxZ(z[j]![i]!)] as [number, number, number]));
  const floor = (
    [
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ] as const
  ).map(([x, y]) => project(x, y, 0));
  const roof = (
    [
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ] as const
  ).map(([x, y]) => project(x, y, Z_SCALE));
  const all = [...floor, ...roof];
  const uMin = Math.min(...all.map((p) => p.u)),
    uMax = Math.max(...all.map((p) => p.u));
  const vMin = Math.min(...all.map((p) => p.v)),
    vMax = Math.max(...all.map((p) => p.v));
  const margin = { left: 56, right: 56, top: 8, bottom: 40 };
  const availW = width - margin.left - margin.right,
    availH = height - top - margin.top - margin.bottom;
  if (availW < 40 || availH < 40) throw new ArgumentError(`${op}: ${width}x${height} leaves no room for the picture; make it larger`);
  const k = Math.min(availW / (uMax - uMin), availH / (vMax - vMin));
  const cx = margin.left + availW / 2,
    cy = top + margin.top + availH / 2;
  const uMid = (uMin + uMax) / 2,
    vMid = (vMin + vMax) / 2;
  const toPx = (p: Projected): [number, number] => [cx + (p.u - uMid) * k, cy - (p.v - vMid) * k];
  const plotBox: Box = {
    left: cx - ((uMax - uMin) * k) / 2 - 1,
    top: cy - ((vMax - vMin) * k) / 2 - 1,
    width: (uMax - uMin) * k + 2,
    height: (vMax - vMin) * k + 2,
  };

  // the floor, then the quads far to near
  const floorPx = floor.map(toPx);
  body.push(
    `<path class="floor" d="${floorPx.map(([x, y], i) => `${i ? 'L' : 'M'}${num(x)} ${num(y)}`).join('')}" fill="#f2f2f2" stroke="#bbbbbb" stroke-width="1"/>`,
  );
  body.push(...floorTicks(grid, project, toPx, floor, width, height));
  const light = normalise([-0.45, -0.6, 1.1]);
  const quads: { depth: number; svg: string }[] = [];
  for (let b = 0; b + 1 < js.length; b++) {
    for (let a = 0; a + 1 < is.length; a++) {
      const c = [P[b]![a]!, P[b]![a + 1]!, P[b + 1]![a + 1]!, P[b + 1]![a]!];
      if (c.some((p) => Number.isNaN(p[2]))) continue;
      const pr = c.map((p) => project(p[0], p[1], p[2]));
      const depth = (pr[0]!.depth + pr[1]!.depth + pr[2]!.depth + pr[3]!.depth) / 4;
      // the normal from the diagonals; light from the upper left
      const d1 = sub3(c[2]!, c[0]!),
        d2 = sub3(c[3]!, c[1]!);
      let n = normalise(cross3(d1, d2));
      if (n[2] < 0) n = [-n[0], -n[1], -n[2]];
      const lambert = Math.max(0, n[0] * light[0] + n[1] * light[1] + n[2] * light[2]);
      const meanZ = (c[0]![2] + c[1]![2] + c[2]![2] + c[3]![2]) / 4;
      const rgb = viridisRgb(meanZ / Z_SCALE);
      const fill = shade(rgb, 0.45 + 0.65 * lambert);
      const stroke = shade(rgb, 0.3 + 0.5 * lambert);
      const d = pr
        .map((p, i) => {
          const [x, y] = toPx(p);
          return `${i ? 'L' : 'M'}${num(x)} ${num(y)}`;
        })
        .join('');
      quads.push({ depth, svg: `<path class="quad" d="${d}" fill="${fill}" stroke="${stroke}" stroke-width="0.4" stroke-linejoin="round"/>` });
    }
  }
  quads.sort((p, q) => q.depth - p.depth);
  body.push('<g class="surface">', ...quads.map((q) => q.svg), '</g>');
  body.push(...zAxis(grid, scale, hMin, hMax, log, project, toPx, floor));

  // the tracks: parts hidden behind the surface dashed and faint, visible parts over everything
  const X = (bx: number) => x0 + ((bx + 1) / 2) * (x1 - x0),
    Y = (by: number) => y0 + ((by + 1) / 2) * (y1 - y0);
  const hidden = occlusion((bx, by) => boxZ(interpolate(grid, X(bx), Y(by))), azimuth, elevation);
  paths.forEach((p, i) => {
    const pts = tracks[i]!.surface;
    const pixels = pts.map((q): Pixel => (q ? toPx(project(q[0], q[1], q[2] + LIFT)) : null));
    const visible = pts.map((q) => q !== null && !hidden(q));
    body.push(...surfaceTrack(p.name, colors[i]!, pixels, visible, plotBox, tracks[i]!.vertices.at(-1) != null));
  });
  if (o.animate && paths.length) {
    const frames = Math.max(...paths.map((p) => p.points.length));
    const seconds = animationSeconds(frames, o.duration);
    body.push('<g class="balls">');
    paths.forEach((p, i) => {
      const pixels = tracks[i]!.vertices.map((q): Pixel => (q ? toPx(project(q[0], q[1], q[2] + LIFT)) : null));
      body.push(drawBall(p.name, colors[i]!, pixels, plotBox, frames, seconds));
    });
    body.push('</g>');
  }
  return svgDocument(width, height, o.title ?? `Surface${grid.zLabel ? ` of ${grid.zLabel}` : ''}`, body);
}

type V3 = [number, number, number];
const sub3 = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross3 = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
function normalise(v: V3): V3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return n > 0 ? [v[0] / n, v[1] / n, v[2] / n] : [0, 0, 1];
}

/**
 * A path in box coordinates: `plane` (x, y of each point, for its status),
 * `vertices` (each point on the surface, or null outside the grid's
 * rectangle or where not finite) and `surface` (the drawn polyline: the
 * parts inside the rectangle, subdivided so that it follows the surface).
 */
function trackPoints(
  p: SurfacePath,
  unit: Box,
  boxX: (x: number) => number,
  boxY: (y: number) => number,
  boxZ: (v: number) => number,
  grid: SurfaceGrid,
): { plane: Pixel[]; vertices: (V3 | null)[]; surface: (V3 | null)[]; finite: boolean } {
  let finite = true;
  const far = 1e6;
  const plane = p.points.map(([x, y], i): Pixel => {
    if (!Number.isFinite(x) || !Number.isFinite(y) || (p.z !== undefined && Number.isNaN(p.z[i]!))) {
      finite = false;
      return null;
    }
    return [Math.max(-far, Math.min(far, boxX(x))), Math.max(-far, Math.min(far, boxY(y)))];
  });
  const X = (bx: number) => grid.xs[0]! + ((bx + 1) / 2) * (grid.xs.at(-1)! - grid.xs[0]!);
  const Y = (by: number) => grid.ys[0]! + ((by + 1) / 2) * (grid.ys.at(-1)! - grid.ys[0]!);
  const heightAt = (bx: number, by: number) => boxZ(interpolate(grid, X(bx), Y(by)));
  const given = (i: number) => (p.z !== undefined ? boxZ(p.z[i]!) : undefined);
  const inUnit = (q: [number, number]) => q[0] >= -1 - 1e-9 && q[0] <= 1 + 1e-9 && q[1] >= -1 - 1e-9 && q[1] <= 1 + 1e-9;
  const vertices = plane.map((q, i): V3 | null => {
    if (!q || !inUnit(q)) return null;
    const h = given(i) ?? heightAt(q[0], q[1]);
    return Number.isNaN(h) ? null : [q[0], q[1], h];
  });
  const surface: (V3 | null)[] = [];
  for (let i = 0; i + 1 < plane.length; i++) {
    const a = plane[i],
      b = plane[i + 1];
    if (!a || !b) {
      surface.push(null);
      continue;
    }
    const c = clipSegment(a[0], a[1], b[0], b[1], unit);
    if (!c) {
      surface.push(null);
      continue;
    }
    const za = given(i),
      zb = given(i + 1);
    const pieces = Math.max(1, Math.min(40, Math.ceil((Math.hypot(b[0] - a[0], b[1] - a[1]) * (c[1] - c[0])) / 0.04)));
    for (let s = 0; s <= pieces; s++) {
      const t = c[0] + ((c[1] - c[0]) * s) / pieces;
      const x = a[0] + (b[0] - a[0]) * t,
        y = a[1] + (b[1] - a[1]) * t;
      const h = za !== undefined && zb !== undefined ? za + (zb - za) * t : heightAt(x, y);
      surface.push(Number.isNaN(h) ? null : [x, y, h]);
    }
    if (c[1] < 1) surface.push(null);
  }
  if (plane.length === 1 && vertices[0]) surface.push(vertices[0]);
  return { plane, vertices, surface, finite };
}

/** Tick labels along the two front edges of the floor (x and y), and the axis names. */
function floorTicks(
  grid: SurfaceGrid,
  project: (x: number, y: number, z: number) => Projected,
  toPx: (p: Projected) => [number, number],
  floor: Projected[],
  width: number,
  height: number,
): string[] {
  const out = ['<g class="floor-axes">'];
  const x0 = grid.xs[0]!,
    x1 = grid.xs.at(-1)!,
    y0 = grid.ys[0]!,
    y1 = grid.ys.at(-1)!;
  // the front edge along x is the one (y = −1 or y = 1) nearer the viewer; likewise along y
  const yEdge = floor[0]!.depth + floor[1]!.depth < floor[2]!.depth + floor[3]!.depth ? -1 : 1;
  const xEdge = floor[0]!.depth + floor[3]!.depth < floor[1]!.depth + floor[2]!.depth ? -1 : 1;
  // each label is pushed outwards across its edge (not radially, so the labels of the two axes at their shared corner stay apart)
  const label = (bx: number, by: number, content: string, cls: string, size = 10, push = 16) => {
    const [px, py] = toPx(project(bx, by, 0));
    const [ox, oy] = toPx(project(Math.abs(by) > 1 ? bx : bx * 1.3, Math.abs(by) > 1 ? by * 1.3 : by, 0));
    const dx = ox - px,
      dy = oy - py,
      n = Math.hypot(dx, dy) || 1;
    const x = Math.min(width - 4, Math.max(4, px + (dx / n) * push)),
      y = Math.min(height - 4, Math.max(size, py + (dy / n) * push + 4));
    out.push(text(content, { x, y, size, anchor: 'middle', fill: cls === 'axis-name' ? INK : MUTED, cls }));
  };
  for (const t of niceTicks(x0, x1, 4)) label((2 * (t - x0)) / (x1 - x0) - 1, yEdge * 1.02, formatLevel(t), 'x-tick');
  for (const t of niceTicks(y0, y1, 4)) label(xEdge * 1.02, (2 * (t - y0)) / (y1 - y0) - 1, formatLevel(t), 'y-tick');
  label(0, yEdge * 1.02, grid.xLabel ?? 'x', 'axis-name', 12, 44);
  label(xEdge * 1.02, 0, grid.yLabel ?? 'y', 'axis-name', 12, 44);
  out.push('</g>');
  return out;
}

/** A vertical axis at the floor corner farthest to the left on screen, with a few height values. */
function zAxis(
  grid: SurfaceGrid,
  scale: { to: (z: number) => number; from: (h: number) => number },
  hMin: number,
  hMax: number,
  log: boolean,
  project: (x: number, y: number, z: number) => Projected,
  toPx: (p: Projected) => [number, number],
  floor: Projected[],
): string[] {
  if (!(hMax > hMin)) return [];
  const { min: lo, max: hi } = gridRange(grid);
  const corners: [number, number][] = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ];
  let best = 0;
  floor.forEach((p, i) => {
    if (p.u < floor[best]!.u) best = i;
  });
  const [bx, by] = corners[best]!;
  const [ax, ay] = toPx(project(bx, by, 0)),
    [tx, ty] = toPx(project(bx, by, Z_SCALE));
  const out = ['<g class="z-axis">', `<line x1="${num(ax)}" y1="${num(ay)}" x2="${num(tx)}" y2="${num(ty)}" stroke="${MUTED}" stroke-width="1"/>`];
  for (let s = 0; s <= 4; s++) {
    const h = hMin + ((hMax - hMin) * s) / 4;
    const v = s === 0 ? lo : s === 4 ? hi : log ? scale.from(h) : h;
    const [px, py] = toPx(project(bx, by, (Z_SCALE * s) / 4));
    out.push(`<line x1="${num(px - 4)}" y1="${num(py)}" x2="${num(px)}" y2="${num(py)}" stroke="${MUTED}" stroke-width="1"/>`);
    out.push(text(formatLevel(v), { x: px - 6, y: py + 3.5, size: 10, anchor: 'end', fill: MUTED, cls: 'z-tick' }));
  }
  out.push(text((grid.zLabel ?? 'z') + (log ? ' (log)' : ''), { x: tx, y: ty - 8, size: 12, anchor: 'middle', fill: INK, cls: 'axis-name' }));
  out.push('</g>');
  return out;
}

/**
 * Whether a point of the box is hidden from the viewer by the surface: the
 * ray from it towards the viewer, d = (−sin α·cos ε, −cos α·cos ε, sin ε)
 * (the direction of decreasing depth; see project.ts), is marched in steps
 * of 0.02 and the point is hidden if the surface rises above the ray.
 */
function occlusion(height: (bx: number, by: number) => number, azimuth: number, elevation: number): (p: V3) => boolean {
  const a = (azimuth * Math.PI) / 180,
    e = (elevation * Math.PI) / 180;
  const d: V3 = [-Math.sin(a) * Math.cos(e), -Math.cos(a) * Math.cos(e), Math.sin(e)];
  const step = 0.02;
  return (p) => {
    for (let t = 3 * step; t < 4; t += step) {
      const x = p[0] + d[0] * t,
        y = p[1] + d[1] * t,
        z = p[2] + LIFT + d[2] * t;
      if (x < -1 || x > 1 || y < -1 || y > 1 || z > Z_SCALE) return false;
      const h = height(x, y);
      if (h > z + 0.01) return true;
    }
    return false;
  };
}

/**
 * A track on the surface (<g class="track">): the visible parts over a white
 * halo, the parts behind the surface dashed and faint, a hollow circle at
 * the start and a filled one at the end when the path ends on the surface
 * (each faint when hidden).
 */
function surfaceTrack(name: string, color: string, pixels: readonly Pixel[], visible: readonly boolean[], box: Box, endsOnSurface: boolean): string[] {
  const shown = pixels.map((q, k) => (visible[k] ? q : null));
  const behind = pixels.map((q, k) => (!visible[k] || visible[k - 1] === false || visible[k + 1] === false ? q : null));
  const out = [`<g class="track" data-name="${escapeXml(name)}">`];
  const dh = clippedPathData(behind, box);
  if (dh) out.push(`<path class="hidden-part" d="${dh}" fill="none" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3" stroke-opacity="0.75"/>`);
  const d = clippedPathData(shown, box);
  if (d) {
    out.push(
      `<path class="halo" d="${d}" fill="none" stroke="#ffffff" stroke-width="4.5" stroke-opacity="0.8" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
    out.push(`<path class="path" d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>`);
  }
  const firstK = pixels.findIndex((q) => q !== null);
  let lastK = pixels.length - 1;
  while (lastK >= 0 && pixels[lastK] === null) lastK--;
  const faint = (k: number) => (visible[k] ? '' : ' opacity="0.5"');
  const first = pixels[firstK],
    last = pixels[lastK];
  if (first && inBox(first, box))
    out.push(`<circle class="start" cx="${num(first[0])}" cy="${num(first[1])}" r="4.5" fill="#ffffff" stroke="${color}" stroke-width="2"${faint(firstK)}/>`);
  if (last && endsOnSurface && lastK > firstK && inBox(last, box))
    out.push(`<circle class="end" cx="${num(last[0])}" cy="${num(last[1])}" r="4" fill="${color}" stroke="#ffffff" stroke-width="1.5"${faint(lastK)}/>`);
  out.push('</g>');
  return out;
}
