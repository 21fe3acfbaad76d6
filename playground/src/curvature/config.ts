// The Curvature lab's set-up, round-tripped through the URL hash.
import { DEFAULT_POINTS } from '../points/config.js';
import { DEFAULT_DIGITS, type NetSpec } from '../nets/spec.js';
import { num, pick } from '../url-params.js';

export const MODELS = ['points', 'digits'] as const;
export type CurvModel = (typeof MODELS)[number];
export const MODEL_LABELS: Record<CurvModel, string> = {
  points: 'Points (circle) 2-8-8-1',
  digits: 'Digits 64-16-10',
};

export const CURV_OPTIMIZERS = ['gd', 'momentum', 'adam'] as const;
export type CurvOptimizer = (typeof CURV_OPTIMIZERS)[number];
export const CURV_OPTIMIZER_LABELS: Record<CurvOptimizer, string> = {
  gd: 'Gradient descent',
  momentum: 'Momentum, μ = 0.9',
  adam: 'Adam',
};

export const CURV_LOSSES = ['mse', 'crossentropy'] as const;
export type CurvLoss = (typeof CURV_LOSSES)[number];
export const CURV_LOSS_LABELS: Record<CurvLoss, string> = { mse: 'Squared error', crossentropy: 'Cross-entropy' };

/** The learning rates the slider steps through. */
export const CURV_RATES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 1.5, 2, 3, 4] as const;
export const EVERY = [1, 2, 5, 10, 20, 50] as const;

export interface CurvConfig {
  model: CurvModel;
  optimizer: CurvOptimizer;
  loss: CurvLoss;
  learningRate: number;
  /** Measure the sharpness every this many steps. */
  every: number;
  seed: number;
}

export const DEFAULT_CURV: CurvConfig = { model: 'points', optimizer: 'gd', loss: 'mse', learningRate: 3, every: 5, seed: 1 };

/** The training examples (full batch) of each model. */
export const EXAMPLES: Record<CurvModel, number> = { points: 200, digits: 300 };

/** The network of a config, as the shared builder takes it. */
export function curvSpec(c: CurvConfig): NetSpec {
  const common = { activation: 'tanh' as const, loss: c.loss, optimizer: 'sgd' as const, learningRate: c.learningRate, seed: c.seed };
  return c.model === 'points'
    ? { source: 'points', points: { ...DEFAULT_POINTS, ...common, dataset: 'circle', noise: 10, trainPercent: 50, layers: [8, 8], batchSize: EXAMPLES.points } }
    : { source: 'digits', digits: { ...DEFAULT_DIGITS, ...common, layers: [16], batchSize: EXAMPLES.digits } };
}

/** The momentum of the 'momentum' choice. */
export const MU = 0.9;

/** Adam's β₁ (nabla's default). */
export const ADAM_BETA1 = 0.9;

/**
 * The largest sharpness at which the optimiser is stable on a quadratic:
 * gradient descent θ ← θ − ηg multiplies the component along an eigenvector
 * of eigenvalue λ by (1 − ηλ) each step, so it needs λ < 2/η; heavy-ball
 * momentum (v ← μv − ηg, θ ← θ + v) needs λ < (2 + 2μ)/η. Adam, frozen
 * preconditioner P = diag(√v̂ + ε), is momentum with an EMA on P⁻¹H: stable
 * while λ_max(P⁻¹H) < (2 + 2β₁)/((1 − β₁)η) = 38/η for β₁ = 0.9 (Cohen et
 * al., "Adaptive gradient methods at the edge of stability", 2022).
 */
export function threshold(c: CurvConfig): { value: number; label: string } {
  if (c.optimizer === 'gd') return { value: 2 / c.learningRate, label: `2/η = ${fmt(2 / c.learningRate)}` };
  if (c.optimizer === 'momentum') return { value: (2 + 2 * MU) / c.learningRate, label: `(2+2μ)/η = ${fmt((2 + 2 * MU) / c.learningRate)}` };
  const b1 = ADAM_BETA1;
  return { value: (2 + 2 * b1) / ((1 - b1) * c.learningRate), label: `38/η = ${fmt((2 + 2 * b1) / ((1 - b1) * c.learningRate))}` };
}

export const fmt = (v: number) => String(Number(v.toPrecision(3)));

export function encodeCurv(c: CurvConfig): URLSearchParams {
  return new URLSearchParams({
    model: c.model,
    optimizer: c.optimizer,
    loss: c.loss,
    lr: String(c.learningRate),
    every: String(c.every),
    seed: String(c.seed),
  });
}

export function decodeCurv(p: URLSearchParams): CurvConfig {
  const d = DEFAULT_CURV;
  return {
    model: pick(MODELS, p.get('model'), d.model),
    optimizer: pick(CURV_OPTIMIZERS, p.get('optimizer'), d.optimizer),
    loss: pick(CURV_LOSSES, p.get('loss'), d.loss),
    learningRate: num(p.get('lr'), d.learningRate, 1e-4, 10),
    every: num(p.get('every'), d.every, 1, 1000, true),
    seed: num(p.get('seed'), d.seed, 0, 2 ** 31, true),
  };
}
