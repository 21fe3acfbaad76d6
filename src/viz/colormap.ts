/**
 * Colour maps for surfaces: viridis (perceptually uniform, readable in grey
 * and by colour-blind readers), as hex strings or RGB triples, and a shading
 * helper that darkens a colour by a light factor.
 */
import { toHex } from './svg.js';

type RGB = [number, number, number];

/** Viridis (matplotlib's default map) at ten evenly spaced stops, dark purple → yellow. */
const VIRIDIS: readonly RGB[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 73, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [110, 206, 88],
  [181, 222, 43],
  [253, 231, 37],
];

/** The viridis colour at t ∈ [0, 1] (clamped; non-finite t gives the low end) as an RGB triple, interpolated linearly between stops. */
export function viridisRgb(t: number): RGB {
  const u = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const a = VIRIDIS[i]!,
    b = VIRIDIS[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** The viridis colour at t ∈ [0, 1] as "#rrggbb". */
export function viridis(t: number): string {
  return toHex(viridisRgb(t));
}

/** An RGB colour scaled by a light factor k (k < 1 darkens, k > 1 lightens towards white), as "#rrggbb". */
export function shade(rgb: readonly number[], k: number): string {
  if (k <= 1) return toHex(rgb.map((c) => c * Math.max(0, k)));
  const w = Math.min(1, k - 1);
  return toHex(rgb.map((c) => c + (255 - c) * w));
}
