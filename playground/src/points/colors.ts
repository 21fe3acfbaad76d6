// Colours of the Points lab: orange for class 0 / negative, blue for
// class 1 / positive (as TF Playground), green for a third class.
export type RGB = [number, number, number];

export const CLASS_COLORS: RGB[] = [
  [245, 147, 34],
  [8, 119, 189],
  [46, 158, 91],
];
const WHITE: RGB = [250, 250, 250];

export const css = ([r, g, b]: RGB, a = 1) => `rgba(${r}, ${g}, ${b}, ${a})`;

/** A value in [-1, 1] as a colour: orange (−1) through white (0) to blue (+1). */
export function diverging(v: number): RGB {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const end = t < 0 ? CLASS_COLORS[0]! : CLASS_COLORS[1]!,
    a = Math.abs(t);
  return [WHITE[0] + (end[0] - WHITE[0]) * a, WHITE[1] + (end[1] - WHITE[1]) * a, WHITE[2] + (end[2] - WHITE[2]) * a];
}

/** Class probabilities as a colour: the classes' colours mixed by probability, faded to white when unsure. */
export function mixture(p: readonly number[]): RGB {
  const k = p.length;
  let r = 0,
    g = 0,
    b = 0,
    top = 0;
  p.forEach((q, i) => {
    const c = CLASS_COLORS[i]!;
    r += q * c[0];
    g += q * c[1];
    b += q * c[2];
    top = Math.max(top, q);
  });
  const a = Math.max(0, (top - 1 / k) / (1 - 1 / k)); // 0 when all equal, 1 when certain
  return [WHITE[0] + (r - WHITE[0]) * a, WHITE[1] + (g - WHITE[1]) * a, WHITE[2] + (b - WHITE[2]) * a];
}
