/**
 * What contourChart and surfaceChart share: the SurfaceGrid and SurfacePath
 * types, their checks, bilinear interpolation on the grid, the height
 * transform of a logarithmic scale and the choice of contour levels.
 */
import { ArgumentError, ShapeError } from '../core/errors.js';
import { niceDomain, niceTicks } from './svg.js';

/** Values of a function of two variables on a rectangular grid. */
export interface SurfaceGrid {
  /** The x coordinates of the columns, strictly increasing. */
  xs: number[];
  /** The y coordinates of the rows, strictly increasing. */
  ys: number[];
  /** z[j][i] = the value at (xs[i], ys[j]); NaN or ±Infinity where there is none. */
  z: number[][];
  xLabel?: string;
  yLabel?: string;
  zLabel?: string;
}

/** A path over the grid's plane (an optimiser's steps, say). */
export interface SurfacePath {
  /** The legend entry. */
  name: string;
  /** The (x, y) points in order; non-finite points end the drawn part. */
  points: [number, number][];
  /** The heights at the points (the loss of each step); else interpolated from the grid. */
  z?: number[];
  /** A "#rrggbb" colour (default: the categorical palette). */
  color?: string;
}

/** A labelled point on the plane (a minimum, say). */
export interface SurfaceMarker {
  name: string;
  point: [number, number];
}

const COLOR = /^#[0-9a-fA-F]{6}$/;

const isIncreasing = (v: readonly number[]) => v.every((x, i) => Number.isFinite(x) && (i === 0 || x > v[i - 1]!));

/** Throws unless `grid` is a SurfaceGrid: xs and ys strictly increasing (at least 2 each), z of shape [ys.length][xs.length]. */
export function checkGrid(op: string, grid: SurfaceGrid): void {
  if (grid === null || typeof grid !== 'object') throw new ArgumentError(`${op}: grid must be { xs, ys, z }`);
  const { xs, ys, z } = grid;
  if (!Array.isArray(xs) || !Array.isArray(ys) || !Array.isArray(z)) throw new ArgumentError(`${op}: grid must have arrays xs, ys and z`);
  if (xs.length < 2 || ys.length < 2) throw new ShapeError(`${op}: the grid needs at least 2 xs and 2 ys, got ${xs.length} and ${ys.length}`);
  if (!isIncreasing(xs)) throw new ArgumentError(`${op}: grid.xs must be finite and strictly increasing`);
  if (!isIncreasing(ys)) throw new ArgumentError(`${op}: grid.ys must be finite and strictly increasing`);
  if (z.length !== ys.length || z.some((row) => !Array.isArray(row) || row.length !== xs.length)) {
    throw new ShapeError(`${op}: grid.z must have ${ys.length} rows (one per y) of ${xs.length} values (one per x)`);
  }
}

/** Throws unless each path has a name, [x, y] points and, if given, one height per point and a "#rrggbb" colour. */
export function checkPaths(op: string, paths: readonly SurfacePath[]): void {
  if (!Array.isArray(paths)) throw new ArgumentError(`${op}: paths must be an array of { name, points }`);
  paths.forEach((p, k) => {
    if (!p || typeof p.name !== 'string' || !Array.isArray(p.points)) throw new ArgumentError(`${op}: path ${k} needs a name and a points array`);
    if ((p.points as unknown[]).some((q) => !Array.isArray(q) || q.length !== 2))
      throw new ShapeError(`${op}: path ${k} ("${p.name}"): each point must be [x, y]`);
    if (p.z !== undefined && (!Array.isArray(p.z) || p.z.length !== p.points.length)) {
      throw new ShapeError(`${op}: path ${k} ("${p.name}") has ${p.points.length} points but ${Array.isArray(p.z) ? p.z.length : 'no array of'} heights`);
    }
    if (p.color !== undefined && !COLOR.test(p.color)) throw new ArgumentError(`${op}: path ${k} colour must be "#rrggbb", got "${p.color}"`);
  });
}

/** The fractional index of v in the increasing coordinates cs (clamped to [0, n − 1]). */
export function fractionalIndex(cs: readonly number[], v: number): number {
  const n = cs.length;
  if (v <= cs[0]!) return 0;
  if (v >= cs[n - 1]!) return n - 1;
  let lo = 0,
    hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cs[mid]! <= v) lo = mid;
    else hi = mid;
  }
  return lo + (v - cs[lo]!) / (cs[hi]! - cs[lo]!);
}

/** The coordinate at fractional index f of cs (linear between entries). */
export function atIndex(cs: readonly number[], f: number): number {
  const i = Math.max(0, Math.min(cs.length - 2, Math.floor(f)));
  return cs[i]! + (cs[i + 1]! - cs[i]!) * (f - i);
}

/**
 * The grid's value at (x, y) by bilinear interpolation of the four
 * surrounding values (x, y clamped to the grid); NaN if one of them is not finite.
 */
export function interpolate(grid: SurfaceGrid, x: number, y: number): number {
  const fi = fractionalIndex(grid.xs, x),
    fj = fractionalIndex(grid.ys, y);
  const i = Math.min(grid.xs.length - 2, Math.floor(fi)),
    j = Math.min(grid.ys.length - 2, Math.floor(fj));
  const s = fi - i,
    t = fj - j;
  const z00 = grid.z[j]![i]!,
    z10 = grid.z[j]![i + 1]!,
    z01 = grid.z[j + 1]![i]!,
    z11 = grid.z[j + 1]![i + 1]!;
  const v = (1 - s) * (1 - t) * z00 + s * (1 - t) * z10 + (1 - s) * t * z01 + s * t * z11;
  return Number.isFinite(v) ? v : NaN;
}

/** The smallest and largest finite values of the grid (NaN, NaN if there are none) and whether any value is not finite. */
export function gridRange(grid: SurfaceGrid): { min: number; max: number; nonFinite: boolean } {
  let min = Infinity,
    max = -Infinity,
    nonFinite = false;
  for (const row of grid.z) {
    for (const v of row) {
      if (Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      } else nonFinite = true;
    }
  }
  return min <= max ? { min, max, nonFinite } : { min: NaN, max: NaN, nonFinite };
}

/**
 * The map of heights to the drawn scale: the identity, or for a logarithmic
 * scale h(z) = log10(z − zmin + δ) with δ = (zmax − zmin)·`fraction` (10⁻³ by
 * default; so the minimum maps to a finite value; δ = 1 for a flat grid),
 * and its inverse.
 */
export function heightScale(min: number, max: number, log: boolean, fraction = 1e-3): { to: (z: number) => number; from: (h: number) => number } {
  if (!log) return { to: (z) => z, from: (h) => h };
  const delta = max > min ? (max - min) * fraction : 1;
  return { to: (z) => Math.log10(Math.max(z - min, 0) + delta), from: (h) => 10 ** h - delta + min };
}

/** v rounded to `digits` significant digits. */
function roundSignificant(v: number, digits: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const k = digits - 1 - Math.floor(Math.log10(Math.abs(v)));
  const r = Math.round(v * 10 ** k) / 10 ** k;
  return Number(r.toPrecision(12));
}

/**
 * The contour levels L₀ < L₁ < … < Lₙ: the band edges. L₀ ≤ min and Lₙ ≥ max
 * (the levels bracket the data). A number asks for about that many bands:
 * round values (niceTicks) on a linear scale, or values evenly spaced in
 * h(z) (see heightScale), rounded to 2 significant digits, on a log scale.
 * An array is used as given (sorted, finite values, duplicates removed).
 */
export function contourLevels(op: string, min: number, max: number, levels: number | readonly number[] | undefined, log: boolean): number[] {
  if (Array.isArray(levels)) {
    const ls = [...new Set(levels.filter((v) => Number.isFinite(v)))].sort((a, b) => a - b);
    if (ls.length < 2) throw new ArgumentError(`${op}: levels must hold at least 2 finite values`);
    return ls;
  }
  const n = levels === undefined ? 10 : (levels as number);
  if (!Number.isInteger(n) || n < 2 || n > 100)
    throw new ArgumentError(`${op}: levels must be an integer in [2, 100] or an array of values, got ${String(levels)}`);
  if (!(max > min)) {
    const [lo, hi] = niceDomain(Number.isFinite(min) ? min : 0, Number.isFinite(max) ? max : 0, 2);
    return [lo, hi];
  }
  if (!log) {
    const [lo, hi] = niceDomain(min, max, n);
    return niceTicks(lo, hi, n);
  }
  const scale = heightScale(min, max, true);
  const h0 = scale.to(min),
    h1 = scale.to(max);
  const out: number[] = [min];
  for (let k = 1; k < n; k++) {
    // the level rounded to 2 significant digits, or if that merges levels (a narrow range far from 0), its height above the minimum so rounded
    const exact = scale.from(h0 + ((h1 - h0) * k) / n);
    const round = roundSignificant(exact, 2),
      offset = Number((min + roundSignificant(exact - min, 2)).toPrecision(12));
    const z = round > out.at(-1)! && round < max ? round : offset;
    if (z > out.at(-1)! && z < max) out.push(z);
  }
  out.push(max);
  // round the ends outwards when that moves them by less than 1% of the range, so that they still bracket the data
  const lo = roundOut(min, -1),
    hi = roundOut(max, 1);
  if (min - lo <= (max - min) * 0.01 && lo < out[1]!) out[0] = lo;
  if (hi - max <= (max - min) * 0.01 && hi > out.at(-2)!) out[out.length - 1] = hi;
  return out;
}

/** v rounded to 2 significant digits away from the data (down for the low end, up for the high end). */
function roundOut(v: number, dir: -1 | 1): number {
  if (v === 0) return 0;
  const k = 1 - Math.floor(Math.log10(Math.abs(v)));
  const s = 10 ** k;
  return Number(((dir < 0 ? Math.floor(v * s) : Math.ceil(v * s)) / s).toPrecision(12));
}
