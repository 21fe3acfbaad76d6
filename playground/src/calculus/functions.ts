// The Calculus lab's curves y = f(x) and cost surfaces J(w₁, w₂): their names,
// formulas and domains. The page reads these; the worker (math.ts) computes
// them, their gradients and the optimisers' steps with nabla.

export const CURVES = ['quadratic', 'cubic', 'sine', 'valleys'] as const;
export type CurveName = (typeof CURVES)[number];

export interface CurveInfo {
  label: string;
  /** The formula as text, for the plot's title. */
  formula: string;
  /** The plotted x range. */
  domain: [number, number];
  /** Where the point starts and the learning rate, when the URL does not say. */
  x0: number;
  lr: number;
}

export const CURVE_INFO: Record<CurveName, CurveInfo> = {
  quadratic: { label: 'Parabola', formula: 'f(x) = x²', domain: [-3, 3], x0: 2.5, lr: 0.1 },
  cubic: { label: 'Cubic', formula: 'f(x) = x³ − 3x', domain: [-2.5, 2.5], x0: 0.3, lr: 0.05 },
  sine: { label: 'Sine', formula: 'f(x) = sin x', domain: [-6.5, 6.5], x0: 1, lr: 0.5 },
  valleys: { label: 'A loss with two valleys', formula: 'f(x) = x⁴/4 − x² + 0.4x + 1.3', domain: [-2.6, 2.6], x0: 2.3, lr: 0.05 },
};

export const SURFACES = ['bowl', 'ravine', 'rosenbrock', 'saddle', 'twominima'] as const;
export type SurfaceName = (typeof SURFACES)[number];

export interface SurfaceInfo {
  label: string;
  formula: string;
  /** The drawn square of (w₁, w₂): [w₁ lo, w₁ hi, w₂ lo, w₂ hi]. */
  domain: [number, number, number, number];
  /** The balls' common starting point. */
  start: [number, number];
  /** A learning rate at which all four balls roll down. */
  lr: number;
  /** Heights drawn as log(1 + J − min) for surfaces whose walls are far steeper than their floor. */
  logHeight: boolean;
  /** The camera's azimuth (radians, 0 looking from +w₁) that shows the balls' way best. */
  azimuth: number;
  /** The minima, marked on the surface: (w₁, w₂) and a label. */
  minima: { at: [number, number]; label: string }[];
}

export const SURFACE_INFO: Record<SurfaceName, SurfaceInfo> = {
  bowl: {
    label: 'Bowl',
    formula: 'J = w₁² + w₂²',
    domain: [-2, 2, -2, 2],
    start: [-1.6, 1.5],
    lr: 0.05,
    logHeight: false,
    azimuth: -0.95,
    minima: [{ at: [0, 0], label: 'minimum' }],
  },
  ravine: {
    label: 'Elongated ravine',
    formula: 'J = 0.1·w₁² + 2·w₂²',
    domain: [-2, 2, -2, 2],
    start: [-1.8, 1.2],
    lr: 0.1,
    logHeight: false,
    azimuth: -0.35,
    minima: [{ at: [0, 0], label: 'minimum' }],
  },
  rosenbrock: {
    label: 'Rosenbrock',
    formula: 'J = (1 − w₁)² + 10·(w₂ − w₁²)²',
    domain: [-2, 2, -1, 3],
    start: [-1.5, 2.6],
    lr: 0.01,
    logHeight: true,
    azimuth: -1.9,
    minima: [{ at: [1, 1], label: 'minimum (1, 1)' }],
  },
  saddle: {
    label: 'Saddle',
    formula: 'J = w₁² − w₂² + w₂⁴/4',
    domain: [-2, 2, -2.2, 2.2],
    start: [-1.8, 0.05],
    lr: 0.05,
    logHeight: false,
    azimuth: -0.5,
    minima: [
      { at: [0, Math.SQRT2], label: 'minimum' },
      { at: [0, -Math.SQRT2], label: 'minimum' },
      { at: [0, 0], label: 'saddle point' },
    ],
  },
  twominima: {
    label: 'Two minima',
    formula: 'J = (w₁² − 1)² + 0.5·w₂² + 0.3·w₁',
    domain: [-2, 2, -2, 2],
    start: [1.8, 1.6],
    lr: 0.02,
    logHeight: false,
    azimuth: -1.2,
    minima: [
      { at: [-1.0356, 0], label: 'global minimum' },
      { at: [0.9601, 0], label: 'local minimum' },
    ],
  },
};

export const OPTIMIZERS = ['gd', 'momentum', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const OPTIMIZER_INFO: Record<OptimizerName, { label: string; short: string; rule: string; color: string }> = {
  gd: { label: 'Gradient descent', short: 'GD', rule: 'w ← w − η∇J', color: '#e8590c' },
  momentum: { label: 'Momentum (μ = 0.9)', short: 'Momentum', rule: 'v ← μv − η∇J, w ← w + v', color: '#1971c2' },
  rmsprop: { label: 'RMSprop (ρ = 0.9)', short: 'RMSprop', rule: 'w ← w − η∇J/√(s + ε)', color: '#2f9e44' },
  adam: { label: 'Adam (β₁ = 0.9, β₂ = 0.999)', short: 'Adam', rule: 'w ← w − η·m̂/(√v̂ + ε)', color: '#9c36b5' },
};
