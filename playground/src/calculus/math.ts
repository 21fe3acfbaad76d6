// The Calculus lab's numbers, all from nabla (run in the worker): the curves
// and surfaces as nabla functions, their derivatives by nb.grad, and the
// balls' steps by nabla's optimisers' functional update rule.
import * as nb from 'nabla';
import { CURVE_INFO, type CurveName, OPTIMIZERS, type OptimizerName, SURFACE_INFO, type SurfaceName } from './functions.js';

const F64 = 'float64';
const c = (v: number) => nb.scalar(v, F64);

/** The curves as nabla functions of x (any shape, elementwise). */
const CURVE_FNS: Record<CurveName, (x: nb.Tensor) => nb.Tensor> = {
  quadratic: (x) => nb.square(x),
  cubic: (x) => nb.sub(nb.pow(x, c(3)), nb.mul(x, c(3))),
  sine: (x) => nb.sin(x),
  valleys: (x) => nb.add(nb.add(nb.sub(nb.div(nb.pow(x, c(4)), c(4)), nb.square(x)), nb.mul(x, c(0.4))), c(1.3)),
};

/** One point of a descent on a curve: x, f(x) and f′(x) (f′ by nb.grad). */
export interface CurvePoint {
  x: number;
  y: number;
  slope: number;
}

/** f(x) and f′(x) at one x: the value by evaluating f, the derivative by nb.grad(f). */
export function curveAt(name: CurveName, x: number): CurvePoint {
  const f = CURVE_FNS[name];
  const t = c(x);
  return { x, y: f(t).item(), slope: nb.grad(f)(t).item() };
}

/** The curve sampled at n points of its domain, for the plot. */
export function curveSamples(name: CurveName, n: number): { xs: Float64Array; ys: Float64Array } {
  const [lo, hi] = CURVE_INFO[name].domain;
  const x = nb.linspace(lo, hi, n, F64);
  return { xs: x.data() as Float64Array, ys: CURVE_FNS[name](x).data() as Float64Array };
}

/**
 * Gradient descent on a curve from x₀: x_{k+1} = x_k − η·f′(x_k), n steps
 * (stopping early when x leaves 10× the domain or stops being finite).
 */
export function curveDescent(name: CurveName, x0: number, lr: number, n: number): CurvePoint[] {
  const out = [curveAt(name, x0)];
  const [lo, hi] = CURVE_INFO[name].domain;
  const far = 10 * Math.max(Math.abs(lo), Math.abs(hi));
  for (let k = 0; k < n; k++) {
    const p = out[out.length - 1]!;
    const x = p.x - lr * p.slope;
    if (!Number.isFinite(x) || Math.abs(x) > far) break;
    out.push(curveAt(name, x));
  }
  return out;
}

// w is a tensor [..., 2]; its two components by a product with a basis vector (differentiable, and batched for the grid)
const E1 = () => nb.tensor([1, 0], [2], F64);
const E2 = () => nb.tensor([0, 1], [2], F64);
const w1 = (w: nb.Tensor) => nb.sum(nb.mul(w, E1()), -1);
const w2 = (w: nb.Tensor) => nb.sum(nb.mul(w, E2()), -1);

/** The surfaces as nabla functions of w = [..., 2] (one value per row). */
const SURFACE_FNS: Record<SurfaceName, (w: nb.Tensor) => nb.Tensor> = {
  bowl: (w) => nb.add(nb.square(w1(w)), nb.square(w2(w))),
  ravine: (w) => nb.add(nb.mul(nb.square(w1(w)), c(0.1)), nb.mul(nb.square(w2(w)), c(2))),
  rosenbrock: (w) => nb.add(nb.square(nb.sub(c(1), w1(w))), nb.mul(nb.square(nb.sub(w2(w), nb.square(w1(w)))), c(10))),
  saddle: (w) => nb.add(nb.sub(nb.square(w1(w)), nb.square(w2(w))), nb.div(nb.pow(w2(w), c(4)), c(4))),
  twominima: (w) => nb.add(nb.add(nb.square(nb.sub(nb.square(w1(w)), c(1))), nb.mul(nb.square(w2(w)), c(0.5))), nb.mul(w1(w), c(0.3))),
};

/** J on a res×res grid of the surface's domain (row j is w₂ = the j-th value, column i w₁ = the i-th), row-major. */
export function surfaceGrid(name: SurfaceName, res: number): Float64Array {
  const [a0, a1, b0, b1] = SURFACE_INFO[name].domain;
  const xy = new Float64Array(2 * res * res);
  for (let j = 0; j < res; j++)
    for (let i = 0; i < res; i++) {
      xy[2 * (j * res + i)] = a0 + ((a1 - a0) * i) / (res - 1);
      xy[2 * (j * res + i) + 1] = b0 + ((b1 - b0) * j) / (res - 1);
    }
  return nb.noGrad(() => SURFACE_FNS[name](nb.tensor(xy, [res * res, 2], F64)).data() as Float64Array);
}

/** J at one point. */
export function surfaceAt(name: SurfaceName, w: readonly [number, number]): number {
  return nb.noGrad(() => SURFACE_FNS[name](nb.tensor([w[0], w[1]], [2], F64)).item());
}

/** nabla's optimiser for each ball, all at the same learning rate η. */
function optimizer(name: OptimizerName, learningRate: number): nb.optimizers.Optimizer {
  switch (name) {
    case 'gd':
      return nb.optimizers.sgd({ learningRate });
    case 'momentum':
      return nb.optimizers.sgd({ learningRate, momentum: 0.9 });
    case 'rmsprop':
      return nb.optimizers.rmsprop({ learningRate, rho: 0.9 });
    case 'adam':
      return nb.optimizers.adam({ learningRate });
  }
}

/** One ball: its optimiser, weights and state, and its trail (w₁, w₂, J per step). */
export interface Ball {
  name: OptimizerName;
  opt: nb.optimizers.Optimizer;
  w: nb.Tensor;
  state: nb.optimizers.OptimizerState;
  trail: number[];
  /** The step at which it diverged (J or w not finite, or w far outside the domain), or -1. */
  diverged: number;
}

/** The four balls at the surface's start point. */
export function makeBalls(surface: SurfaceName, start: readonly [number, number], lr: number): Ball[] {
  return OPTIMIZERS.map((name) => {
    const opt = optimizer(name, lr);
    const w = nb.tensor([start[0], start[1]], [2], F64);
    return { name, opt, w, state: opt.init(w), trail: [start[0], start[1], surfaceAt(surface, start)], diverged: -1 };
  });
}

/** True when w has left the drawn domain by more than its own size on either side (or is not finite): the ball has flown off. */
export function farOff(surface: SurfaceName, w: readonly number[]): boolean {
  const [a0, a1, b0, b1] = SURFACE_INFO[surface].domain;
  const [x, y] = w as [number, number];
  const wa = a1 - a0,
    wb = b1 - b0;
  return !Number.isFinite(x) || !Number.isFinite(y) || x < a0 - wa || x > a1 + wa || y < b0 - wb || y > b1 + wb;
}

/** One optimiser step for every ball still on the surface: g = nb.grad(J)(w), then the optimiser's update(g, state, w). */
export function stepBalls(surface: SurfaceName, balls: Ball[], step: number): void {
  const J = SURFACE_FNS[surface];
  const dJ = nb.grad(J);
  for (const b of balls) {
    if (b.diverged >= 0) continue;
    const g = dJ(b.w);
    const r = b.opt.update(g, b.state, b.w);
    b.w = r.params as nb.Tensor;
    b.state = r.state;
    const w = Array.from(b.w.data() as Float64Array);
    const j = surfaceAt(surface, w as [number, number]);
    b.trail.push(w[0]!, w[1]!, j);
    if (farOff(surface, w) || !Number.isFinite(j)) b.diverged = step;
  }
}
