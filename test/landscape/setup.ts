// Small models and data for the landscape tests.
import * as nb from '../../src/index.js';

/** A 3-4-2 softmax classifier (layers named dense_1, dense_2) (with an L2 penalty) and 40 examples of two classes. */
export function classifier(seed = 3): { model: nb.Sequential; x: nb.Tensor; y: nb.Tensor } {
  nb.seed(seed);
  const model = nb.sequential([
    nb.layers.dense({ name: 'dense_1', units: 4, activation: 'tanh', inputShape: [3], kernelRegularizer: nb.regularizers.l2(0.01) }),
    nb.layers.dense({ name: 'dense_2', units: 2, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.5 }), loss: 'categoricalCrossentropy' });
  const x = nb.randomNormal([40, 3]);
  const labels = nb.cast(nb.greater(nb.sum(x, 1), 0), 'int32');
  return { model, x, y: nb.oneHot(labels, 2) };
}

/** The flat values of a tensor as numbers. */
export function values(t: nb.Tensor): number[] {
  return Array.from(t.data() as Float32Array);
}

/** θ + Σ cₖ·dₖ, tensors by name, computed with nabla's ops. */
export function moved(theta: Record<string, nb.Tensor>, coeffs: number[], dirs: Record<string, nb.Tensor>[]): Record<string, nb.Tensor> {
  return Object.fromEntries(Object.entries(theta).map(([k, v]) => [k, coeffs.reduce((acc, c, i) => nb.add(acc, nb.mul(c, dirs[i]![k]!)), v)]));
}

/** |a − b| ≤ tol·max(1, |b|) */
export function near(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}
