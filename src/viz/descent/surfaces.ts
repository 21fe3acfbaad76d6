/**
 * Test surfaces for gradient descent (`nb.viz.surfaces`): cost functions of
 * two parameters with a sensible domain, start point and learning rates, each
 * written with nabla's ops so that nb.grad differentiates it exactly.
 *
 * Each `f` takes a Tensor p whose first axis holds (x, y): shape [2] gives
 * the scalar cost at one point; shape [2, ...] evaluates many points at once
 * (the grid of a picture).
 */
import { add, exp, mul, square, sub } from '../../ops/arithmetic.js';
import { reshape, slice } from '../../ops/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

/** The optimisers descentPaths knows by name. */
export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'rmsprop' | 'adam' | 'adagrad';

/** A cost surface f(x, y) to descend. */
export interface TestSurface {
  /** A short name ('rosenbrock'). */
  name: string;
  /** The formula, for titles and captions. */
  formula: string;
  /** The cost at p = (x, y) (see the module comment for batches). */
  f: (p: Tensor) => Tensor;
  /** The rectangle the pictures show. */
  domain: { x: [number, number]; y: [number, number] };
  /** Where descent starts by default. */
  start: [number, number];
  /** The minima, for markers. */
  minima: [number, number][];
  /** Whether the pictures use a logarithmic height scale (a steep surface). */
  logScale: boolean;
  /** How many steps descentPaths takes by default. */
  steps: number;
  /** A learning rate that works on this surface for each optimiser. */
  learningRates: Record<OptimizerName, number>;
  /** Three plain-SGD rates for learningRatesChart: too small, about right, too large (diverges). */
  rates: [number, number, number];
  /** The 3-D view descentChart uses (degrees; default azimuth −35, elevation 35). */
  view?: { azimuth: number; elevation: number };
  /** Whether f accepts a batch of points p of shape [2, n] (all built-in surfaces do). */
  batched?: boolean;
}

/** x and y of p (its first axis), each of shape p.shape[1:]. */
export function coordinates(p: Tensor): [Tensor, Tensor] {
  const rest = p.shape.slice(1);
  return [reshape(slice(p, [0], [1]), rest), reshape(slice(p, [1], [1]), rest)];
}

/** exp(−((x − a)² + (y − b)²) / w): a Gaussian bump of width w at (a, b). */
function bump(x: Tensor, y: Tensor, a: number, b: number, w: number): Tensor {
  return exp(mul(add(square(sub(x, a)), square(sub(y, b))), -1 / w));
}

/** The bowl f = x² + y²: every direction downhill points at the minimum. */
const bowl: TestSurface = {
  name: 'bowl',
  formula: 'f(x, y) = x² + y²',
  f: (p) => {
    const [x, y] = coordinates(p);
    return add(square(x), square(y));
  },
  domain: { x: [-2, 2], y: [-2, 2] },
  start: [-1.6, 1.3],
  minima: [[0, 0]],
  logScale: false,
  steps: 40,
  learningRates: { sgd: 0.1, momentum: 0.03, nesterov: 0.03, rmsprop: 0.1, adam: 0.2, adagrad: 0.8 },
  rates: [0.02, 0.3, 1.05],
  batched: true,
};

/**
 * A ravine f = 0.1·x² + 2·y²: 20 times steeper across than along, so plain
 * gradient descent zig-zags across it; momentum builds up speed along it.
 */
const ravine: TestSurface = {
  name: 'ravine',
  formula: 'f(x, y) = 0.1·x² + 2·y²',
  f: (p) => {
    const [x, y] = coordinates(p);
    return add(mul(square(x), 0.1), mul(square(y), 2));
  },
  domain: { x: [-5, 5], y: [-2, 2] },
  start: [-4.5, 1.2],
  minima: [[0, 0]],
  logScale: false,
  steps: 60,
  learningRates: { sgd: 0.4, momentum: 0.05, nesterov: 0.05, rmsprop: 0.15, adam: 0.3, adagrad: 1.5 },
  rates: [0.05, 0.4, 0.51],
  batched: true,
};

/**
 * A saddle f = x² + y⁴/4 − y²: at the origin the slope is zero but it is no
 * minimum (up along x, down along y); the minima are at (0, ±√2). Started
 * near the ridge, descent lingers at the saddle before it rolls off.
 */
const saddle: TestSurface = {
  name: 'saddle',
  formula: 'f(x, y) = x² + y⁴/4 − y²',
  f: (p) => {
    const [x, y] = coordinates(p);
    return add(square(x), sub(mul(square(square(y)), 0.25), square(y)));
  },
  domain: { x: [-2, 2], y: [-2.2, 2.2] },
  start: [-1.8, 0.01],
  minima: [
    [0, Math.SQRT2],
    [0, -Math.SQRT2],
  ],
  logScale: false,
  steps: 60,
  learningRates: { sgd: 0.1, momentum: 0.03, nesterov: 0.03, rmsprop: 0.05, adam: 0.1, adagrad: 0.5 },
  rates: [0.02, 0.15, 1.05],
  batched: true,
};

/**
 * Rosenbrock's banana f = (1 − x)² + 100·(y − x²)²: a curved, flat-bottomed
 * valley whose minimum (1, 1) is easy to reach and slow to descend to.
 */
const rosenbrock: TestSurface = {
  name: 'rosenbrock',
  formula: 'f(x, y) = (1 − x)² + 100·(y − x²)²',
  f: (p) => {
    const [x, y] = coordinates(p);
    return add(square(sub(1, x)), mul(square(sub(y, square(x))), 100));
  },
  domain: { x: [-2, 2], y: [-1, 3] },
  start: [-1.2, 1],
  minima: [[1, 1]],
  logScale: true,
  steps: 500,
  learningRates: { sgd: 0.002, momentum: 0.0005, nesterov: 0.0005, rmsprop: 0.01, adam: 0.1, adagrad: 0.5 },
  rates: [0.0003, 0.002, 0.008],
  batched: true,
};

/**
 * Himmelblau's function f = (x² + y − 11)² + (x + y² − 7)²: four minima of
 * equal height (0) around a hill; where descent ends depends on where it
 * starts and on the optimiser (from the default start near the hilltop, SGD
 * and momentum go to (−3.78, −3.28), RMSprop and Adam to (−2.81, 3.13)).
 */
const himmelblau: TestSurface = {
  name: 'himmelblau',
  formula: 'f(x, y) = (x² + y − 11)² + (x + y² − 7)²',
  f: (p) => {
    const [x, y] = coordinates(p);
    return add(square(sub(add(square(x), y), 11)), square(sub(add(x, square(y)), 7)));
  },
  domain: { x: [-5, 5], y: [-5, 5] },
  start: [-0.3, -0.9],
  minima: [
    [3, 2],
    [-2.805118, 3.131312],
    [-3.77931, -3.283186],
    [3.584428, -1.848126],
  ],
  logScale: true,
  steps: 120,
  learningRates: { sgd: 0.01, momentum: 0.002, nesterov: 0.002, rmsprop: 0.05, adam: 0.15, adagrad: 1 },
  rates: [0.001, 0.01, 0.05],
  batched: true,
  view: { azimuth: -35, elevation: 60 },
};

/**
 * Wells f = 0.04·(x² + y²) − 1.2·g(x − 1.6, y − 1.4, 0.6) − 2·g(x + 1.2, y + 1, 1.5)
 * with g(u, v, w) = exp(−(u² + v²)/w): a shallow well near (1.6, 1.4) and a
 * deeper one near (−1.2, −1). Started beside the shallow one, plain descent
 * settles in it (a local minimum); momentum (η = 0.3) carries past it to the deeper one.
 */
const wells: TestSurface = {
  name: 'wells',
  formula: 'f(x, y) = 0.04(x² + y²) − 1.2·exp(−((x − 1.6)² + (y − 1.4)²)/0.6) − 2·exp(−((x + 1.2)² + (y + 1)²)/1.5)',
  f: (p) => {
    const [x, y] = coordinates(p);
    const bowlPart = mul(add(square(x), square(y)), 0.04);
    return sub(sub(bowlPart, mul(bump(x, y, 1.6, 1.4, 0.6), 1.2)), mul(bump(x, y, -1.2, -1, 1.5), 2));
  },
  domain: { x: [-3.5, 3.5], y: [-3.5, 3.5] },
  start: [3, 2.6],
  minima: [
    [1.5683, 1.3722],
    [-1.165, -0.9708],
  ],
  logScale: false,
  steps: 100,
  learningRates: { sgd: 0.3, momentum: 0.3, nesterov: 0.3, rmsprop: 0.05, adam: 0.1, adagrad: 0.8 },
  rates: [0.05, 0.3, 30],
  batched: true,
};

/** The built-in test surfaces by name: bowl, ravine, saddle, rosenbrock, himmelblau, wells. */
export const surfaces: Readonly<Record<string, TestSurface>> = Object.freeze({ bowl, ravine, saddle, rosenbrock, himmelblau, wells });
