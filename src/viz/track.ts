/**
 * Paths drawn over a plot (an optimiser's steps on a contour map or a
 * projected surface): clipped to the plot, with start and end markers, a
 * legend entry that says when a path was clipped or diverged, and a ball that
 * moves along it (SMIL <animateMotion>).
 */
import { escapeXml, num } from './svg.js';
import type { LegendEntry } from './legend.js';

/** A rectangle in pixels. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A point in pixels, or null where the path has no finite value. */
export type Pixel = [number, number] | null;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The part of segment a→b inside the box, as parameters [t0, t1] ⊂ [0, 1], or null (Liang–Barsky). */
export function clipSegment(ax: number, ay: number, bx: number, by: number, f: Box): [number, number] | null {
  const dx = bx - ax,
    dy = by - ay;
  let t0 = 0,
    t1 = 1;
  const edges: [number, number][] = [
    [-dx, ax - f.left],
    [dx, f.left + f.width - ax],
    [-dy, ay - f.top],
    [dy, f.top + f.height - ay],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
      if (t0 > t1) return null;
    }
  }
  return [t0, t1];
}

/** Pixel coordinates pulled in to a million box sizes (huge values of a diverging run stay finite; what is drawn is unchanged). */
export function tame(p: [number, number], box: Box): [number, number] {
  const far = 1e6 * (box.width + box.height);
  return [clamp(p[0], -far, far), clamp(p[1], -far, far)];
}

/** True if the pixel lies in the box (with a rounding margin). */
export function inBox(p: [number, number], f: Box): boolean {
  return p[0] >= f.left - 1e-6 && p[0] <= f.left + f.width + 1e-6 && p[1] >= f.top - 1e-6 && p[1] <= f.top + f.height + 1e-6;
}

/** The path data ("M…L…") of the polyline's parts inside the box; null pixels break it. */
export function clippedPathData(pixels: readonly Pixel[], f: Box): string {
  const parts: string[] = [];
  let pen = '';
  for (let i = 0; i + 1 < pixels.length; i++) {
    const p = pixels[i],
      q = pixels[i + 1];
    if (!p || !q) continue;
    const c = clipSegment(p[0], p[1], q[0], q[1], f);
    if (!c) continue;
    const at = (t: number) =>
      `${num(clamp(p[0] + (q[0] - p[0]) * t, f.left, f.left + f.width))} ${num(clamp(p[1] + (q[1] - p[1]) * t, f.top, f.top + f.height))}`;
    const start = at(c[0]),
      end = at(c[1]);
    if (start !== pen) parts.push(`M${start}`);
    parts.push(`L${end}`);
    pen = end;
  }
  return parts.join('');
}

/** What happened to a path with respect to the plot. */
export type TrackStatus = 'inside' | 'clipped' | 'diverged';

/**
 * 'diverged' if a point is not finite or the last point lies outside the
 * plot, 'clipped' if some point lies outside but the path comes back,
 * 'inside' otherwise.
 */
export function trackStatus(pixels: readonly Pixel[], f: Box, finite: boolean): TrackStatus {
  if (!finite || pixels.some((p) => p === null)) return 'diverged';
  const last = pixels.at(-1);
  if (last && !inBox(last, f)) return 'diverged';
  return pixels.every((p) => p && inBox(p, f)) ? 'inside' : 'clipped';
}

/** The legend text of a path: its name, and a note when it was clipped or diverged. */
export function trackLabel(name: string, status: TrackStatus): string {
  return status === 'diverged' ? `${name}: diverged (clipped)` : status === 'clipped' ? `${name}: leaves the plot (clipped)` : name;
}

/** A legend entry drawn as the track (a white halo under the colour). */
export function trackLegendEntry(name: string, color: string): LegendEntry {
  return {
    name,
    swatch: (x, y) =>
      `<line x1="${num(x)}" y1="${num(y)}" x2="${num(x + 22)}" y2="${num(y)}" stroke="#ffffff" stroke-width="5"/><line x1="${num(x)}" y1="${num(y)}" x2="${num(x + 22)}" y2="${num(y)}" stroke="${color}" stroke-width="2.5"/>`,
  };
}

/**
 * The track of one path: the clipped polyline over a white halo, a hollow
 * circle at the start and a filled one at the end (each drawn when it lies
 * in the plot), grouped as <g class="track" data-name=…>.
 */
export function drawTrack(name: string, color: string, pixels: readonly Pixel[], f: Box): string[] {
  const d = clippedPathData(pixels, f);
  const out = [`<g class="track" data-name="${escapeXml(name)}">`];
  if (d) {
    out.push(
      `<path class="halo" d="${d}" fill="none" stroke="#ffffff" stroke-width="4.5" stroke-opacity="0.8" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
    out.push(`<path class="path" d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>`);
  }
  const first = pixels.find((p): p is [number, number] => p !== null);
  const last = pixels.at(-1);
  if (first && inBox(first, f))
    out.push(`<circle class="start" cx="${num(first[0])}" cy="${num(first[1])}" r="4.5" fill="#ffffff" stroke="${color}" stroke-width="2"/>`);
  if (last && pixels.length > 1 && inBox(last, f))
    out.push(`<circle class="end" cx="${num(last[0])}" cy="${num(last[1])}" r="4" fill="${color}" stroke="#ffffff" stroke-width="1.5"/>`);
  out.push('</g>');
  return out;
}

/**
 * A ball that moves along the path, one step per frame, in `seconds` (then
 * starts again): a circle at the first point with an <animateMotion> whose
 * values are offsets from it. Points outside the plot are held at its edge
 * and points with no value at the last position, so the ball never leaves
 * the plot. All balls of a chart get `frames` values (the last position
 * repeated), so they move in step.
 */
export function drawBall(name: string, color: string, pixels: readonly Pixel[], f: Box, frames: number, seconds: number): string {
  const positions: [number, number][] = [];
  let last: [number, number] | null = null;
  for (const p of pixels) {
    if (p) last = [clamp(p[0], f.left, f.left + f.width), clamp(p[1], f.top, f.top + f.height)];
    if (last) positions.push(last);
  }
  if (positions.length === 0) return '';
  while (positions.length < frames) positions.push(positions.at(-1)!);
  const [x0, y0] = positions[0]!;
  const values = positions.map(([x, y]) => `${num(x - x0)},${num(y - y0)}`).join(';');
  return (
    `<circle class="ball" data-name="${escapeXml(name)}" cx="${num(x0)}" cy="${num(y0)}" r="6" fill="${color}" stroke="#ffffff" stroke-width="2">` +
    `<animateMotion dur="${num(seconds)}s" repeatCount="indefinite" calcMode="linear" values="${values}"/></circle>`
  );
}
