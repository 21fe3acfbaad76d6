/**
 * Marching squares: the boundary of the region {z ≥ t} of a grid of values as
 * closed rings, in grid-index coordinates (i along x, j along y).
 *
 * The grid is padded with one ring of cells whose values count as below t
 * (as do NaN values), so every ring closes, running along the grid's edge
 * where the region touches it. Each cell contributes segments between the
 * crossing points on its edges (each crossing placed by linear
 * interpolation, f = (t − z_u)/(z_v − z_u)), oriented with the region on
 * their left; the saddle cases are resolved by the mean of the four corners.
 * Segments are chained into rings through their shared edge crossings.
 * Filling all rings of one level with the even-odd rule gives {z ≥ t}, holes
 * included.
 */

/** A ring: the points [i, j] in order (the last joins the first). */
export type Ring = [number, number][];

// cell corners: a = (i, j), b = (i+1, j), c = (i+1, j+1), d = (i, j+1); bits a=1, b=2, c=4, d=8
// cell edges: 0 = a–b (bottom), 1 = b–c (right), 2 = d–c (top), 3 = a–d (left)
const CORNER: readonly [number, number][] = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
];
const EDGE_MID: readonly [number, number][] = [
  [0.5, 0],
  [1, 0.5],
  [0.5, 1],
  [0, 0.5],
];

/** The segments of each case: [edge, edge, reference corner (0–3) that is cut off or lies on one side]. */
function caseSegments(c: number, centreInside: boolean): [number, number, number][] {
  switch (c) {
    case 1:
    case 14:
      return [[0, 3, 0]];
    case 2:
    case 13:
      return [[0, 1, 1]];
    case 4:
    case 11:
      return [[1, 2, 2]];
    case 8:
    case 7:
      return [[2, 3, 3]];
    case 3:
    case 12:
      return [[3, 1, 0]];
    case 9:
    case 6:
      return [[0, 2, 0]];
    case 5:
      return centreInside
        ? [
            [0, 1, 1],
            [2, 3, 3],
          ]
        : [
            [0, 3, 0],
            [1, 2, 2],
          ];
    case 10:
      return centreInside
        ? [
            [0, 3, 0],
            [1, 2, 2],
          ]
        : [
            [0, 1, 1],
            [2, 3, 3],
          ];
    default:
      return [];
  }
}

/** The rings bounding {z ≥ t} for z[j][i] (see the module comment). */
export function isoRings(z: readonly (readonly number[])[], t: number): Ring[] {
  const ny = z.length,
    nx = z[0]?.length ?? 0;
  const value = (i: number, j: number) => (i < 0 || j < 0 || i >= nx || j >= ny ? -Infinity : z[j]![i]!);
  const inside = (v: number) => v >= t; // NaN is outside
  const W = nx + 2;
  // a crossing is keyed by its grid edge: horizontal edge (i, j)–(i+1, j) → 2·k, vertical (i, j)–(i, j+1) → 2·k + 1, k = (j+1)·W + (i+1)
  const edgeKey = (i: number, j: number, e: number): number => {
    switch (e) {
      case 0:
        return 2 * ((j + 1) * W + (i + 1));
      case 1:
        return 2 * ((j + 1) * W + (i + 2)) + 1;
      case 2:
        return 2 * ((j + 2) * W + (i + 1));
      default:
        return 2 * ((j + 1) * W + (i + 1)) + 1;
    }
  };
  /** The crossing point on edge e of cell (i, j), between corners u and v. */
  const crossing = (i: number, j: number, e: number, zs: number[]): [number, number] => {
    const [u, v] = e === 0 ? [0, 1] : e === 1 ? [1, 2] : e === 2 ? [3, 2] : [0, 3];
    const zu = zs[u]!,
      zv = zs[v]!;
    let f: number;
    if (inside(zu) === inside(zv)) f = 0.5;
    else if (!Number.isFinite(zu) || !Number.isFinite(zv))
      f = Number.isFinite(zu) ? 0 : Number.isFinite(zv) ? 1 : 0.5; // at the finite corner
    else f = (t - zu) / (zv - zu);
    f = Math.max(0, Math.min(1, f));
    const [ui, uj] = CORNER[u]!,
      [vi, vj] = CORNER[v]!;
    return [i + ui + (vi - ui) * f, j + uj + (vj - uj) * f];
  };
  const next = new Map<number, { to: number; point: [number, number] }>();
  for (let j = -1; j < ny; j++) {
    for (let i = -1; i < nx; i++) {
      const zs = [value(i, j), value(i + 1, j), value(i + 1, j + 1), value(i, j + 1)];
      const c = (inside(zs[0]!) ? 1 : 0) | (inside(zs[1]!) ? 2 : 0) | (inside(zs[2]!) ? 4 : 0) | (inside(zs[3]!) ? 8 : 0);
      if (c === 0 || c === 15) continue;
      const finite = zs.filter(Number.isFinite);
      const centreInside = finite.length === 4 ? inside((zs[0]! + zs[1]! + zs[2]! + zs[3]!) / 4) : true;
      for (const [e1, e2, ref] of caseSegments(c, centreInside)) {
        // orient the segment so the region is on its left: the reference corner is on the left iff it is inside
        const p = EDGE_MID[e1]!,
          q = EDGE_MID[e2]!,
          r = CORNER[ref]!;
        const cross = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
        const [from, to] = cross > 0 === inside(zs[ref]!) ? [e1, e2] : [e2, e1];
        next.set(edgeKey(i, j, from), { to: edgeKey(i, j, to), point: crossing(i, j, from, zs) });
      }
    }
  }
  const rings: Ring[] = [];
  const limit = next.size + 1;
  for (const start of [...next.keys()].sort((a, b) => a - b)) {
    if (!next.has(start)) continue;
    const ring: Ring = [];
    let key = start;
    for (let guard = 0; guard <= limit; guard++) {
      const s = next.get(key);
      if (!s) break;
      next.delete(key);
      ring.push(s.point);
      key = s.to;
      if (key === start) break;
    }
    rings.push(simplify(ring));
  }
  return rings;
}

/** The ring without repeated points and without points that lie on the straight line between their neighbours (runs along the grid's edge). */
function simplify(points: Ring): Ring {
  const ring = points.filter((p, k) => {
    const q = points[(k + 1) % points.length]!;
    return p[0] !== q[0] || p[1] !== q[1];
  });
  if (ring.length < 4) return ring;
  const out: Ring = [];
  const n = ring.length;
  for (let k = 0; k < n; k++) {
    const a = ring[(k + n - 1) % n]!,
      b = ring[k]!,
      c = ring[(k + 1) % n]!;
    const cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    if (Math.abs(cross) > 1e-12) out.push(b);
  }
  return out.length >= 3 ? out : ring;
}
