import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';

test("landscape directions 'hessian': the top two Hessian eigenvectors, along which the loss curves by λ1 and λ2", () => {
  nb.seed(3);
  const x = nb.randomNormal([40, 3]);
  const y = nb.reshape(nb.sum(nb.tanh(x), 1), [40, 1]);
  const model = nb.sequential([nb.layers.dense({ units: 5, activation: 'tanh', inputShape: [3] }), nb.layers.dense({ units: 1 })]);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const h = 0.01;
  const l = nb.landscape(model, x, y, { directions: 'hessian', alphas: [-h, 0, h], betas: [-h, 0, h] });
  assert.equal(l.kind, 'hessian');
  const eig = nb.modelHessianEigs(model, x, y, { k: 2, seed: 0 });
  // the second difference of the grid along each axis is the curvature v·H·v = λ (unit eigenvectors)
  const curvature1 = (l.loss[1]![0]! - 2 * l.loss[1]![1]! + l.loss[1]![2]!) / (h * h);
  const curvature2 = (l.loss[0]![1]! - 2 * l.loss[1]![1]! + l.loss[2]![1]!) / (h * h);
  assert.ok(Math.abs(curvature1 - eig.values[0]!) < 0.02 * Math.abs(eig.values[0]!), `${curvature1} vs λ1 = ${eig.values[0]}`);
  assert.ok(Math.abs(curvature2 - eig.values[1]!) < 0.05 * Math.abs(eig.values[0]!), `${curvature2} vs λ2 = ${eig.values[1]}`);
  assert.match(l.labels[0], /Hessian eigenvector 1, λ = /);
});
