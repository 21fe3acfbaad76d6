/**
 * The 3-D → 2-D projection of surfaceChart: a view from azimuth α and
 * elevation ε, orthographic or with a slight perspective.
 *
 * In data-normalised coordinates (X, Y horizontal, Z up) the plane is first
 * turned by α about the vertical axis,
 *   r = X·cos α − Y·sin α,   s = X·sin α + Y·cos α,
 * then seen from elevation ε above the horizon:
 *   u = r (screen right),   v = Z·cos ε + s·sin ε (screen up),
 *   depth = s·cos ε − Z·sin ε (away from the viewer).
 * With perspective p > 0, u and v are scaled by 1 / (1 + p·depth).
 */

/** A viewing direction. */
export interface View {
  /** Degrees about the vertical axis. */
  azimuth: number;
  /** Degrees above the horizon (0: side view, 90: from above). */
  elevation: number;
  /** 0 for orthographic; small positive values (0.1–0.2) for a slight perspective. */
  perspective: number;
}

/** A projected point: screen coordinates (u right, v up, unscaled) and its depth (larger = farther). */
export interface Projected {
  u: number;
  v: number;
  depth: number;
}

/** The projection of a point (X, Y, Z) for a view (see the module comment for the formulas). */
export function projector(view: View): (x: number, y: number, z: number) => Projected {
  const a = (view.azimuth * Math.PI) / 180,
    e = (view.elevation * Math.PI) / 180;
  const ca = Math.cos(a),
    sa = Math.sin(a),
    ce = Math.cos(e),
    se = Math.sin(e);
  const p = view.perspective;
  return (x, y, z) => {
    const r = x * ca - y * sa,
      s = x * sa + y * ca;
    const depth = s * ce - z * se;
    const k = p > 0 ? 1 / (1 + p * depth) : 1;
    return { u: r * k, v: (z * ce + s * se) * k, depth };
  };
}
