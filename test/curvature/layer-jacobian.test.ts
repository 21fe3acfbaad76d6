import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

function model() {
  nb.seed(2);
  return nb.sequential([
    nb.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }),
    nb.layers.dense({ units: 5, activation: 'tanh' }),
    nb.layers.dense({ units: 2, activation: 'softmax' }),
  ]);
}

const maxAbsDiff = (a: nb.Tensor, b: nb.Tensor) => nb.max(nb.abs(nb.sub(a, b))).item();

test('layerJacobian: a dense+tanh layer has J = diag(1 − tanh²(z))·Wᵀ at the input it receives', () => {
  const m = model();
  const x = nb.tensor([0.3, -1.2, 0.8]);
  const J = nb.layerJacobian(m, 1, x);
  assert.deepEqual(J.shape, [5, 4]);
  const [, , W, b] = m.getWeights() as nb.Tensor[];
  const h = m.layers[0]!.apply(nb.reshape(x, [1, 3])); // the input layer 1 receives
  const z = nb.reshape(nb.add(nb.matmul(h, W!), b!), [5, 1]);
  const expected = nb.mul(nb.sub(1, nb.square(nb.tanh(z))), nb.transpose(W!));
  assert.ok(maxAbsDiff(J, expected) < 1e-6, J.toString());
  // x may carry its batch axis of 1
  assert.deepEqual(nb.layerJacobian(m, 1, nb.reshape(x, [1, 3])).toArray(), J.toArray());
});

test('layerJacobian: the softmax layer against central finite differences (float64 model)', () => {
  nb.seed(4);
  const m = nb.sequential([
    nb.layers.dense({ units: 3, activation: 'tanh', inputShape: [2], dtype: 'float64' }),
    nb.layers.dense({ units: 4, activation: 'softmax', dtype: 'float64' }),
  ]);
  const x = nb.tensor([0.5, -0.7], [2], 'float64');
  const J = nb.layerJacobian(m, 1, x);
  assert.deepEqual(J.shape, [4, 3]);
  const h = m.layers[0]!.apply(nb.reshape(x, [1, 2])).toArray()[0] as number[];
  const out = (v: number[]) => m.layers[1]!.apply(nb.tensor([v], [1, 3], 'float64')).toArray()[0] as number[];
  const eps = 1e-6;
  for (let j = 0; j < 3; j++) {
    const up = out(h.map((v, k) => (k === j ? v + eps : v))),
      down = out(h.map((v, k) => (k === j ? v - eps : v)));
    for (let i = 0; i < 4; i++) {
      const fd = (up[i]! - down[i]!) / (2 * eps);
      assert.ok(Math.abs((J.toArray() as number[][])[i]![j]! - fd) < 1e-8, `J[${i}][${j}]`);
    }
  }
});

test('layerJacobian: the first layer is differentiated at x itself; clear errors', () => {
  const m = model();
  const x = nb.tensor([1, 2, -1]);
  const J0 = nb.layerJacobian(m, 0, x);
  const W = m.getWeights()[0]!,
    b = m.getWeights()[1]!;
  const active = nb.greater(nb.add(nb.matmul(nb.reshape(x, [1, 3]), W), b), 0); // relu' = 1 where z > 0
  assert.ok(maxAbsDiff(J0, nb.mul(nb.cast(nb.reshape(active, [4, 1]), 'float32'), nb.transpose(W))) < 1e-7);
  const arg = (re: RegExp) => (e: Error) => e instanceof nb.ArgumentError && re.test(e.message);
  assert.throws(() => nb.layerJacobian(m, 3, x), arg(/^layerJacobian: layerIndex must be an integer in \[0, 2\] \(the model has 3 layer\(s\)\), got 3/));
  assert.throws(() => nb.layerJacobian(m, -1, x), arg(/layerIndex/));
  assert.throws(
    () => nb.layerJacobian(m, 0, nb.zeros([2, 3])),
    (e: Error) => e instanceof nb.ShapeError && /layerJacobian: x must be one example of shape \[3\] \(or \[1,3\]\), got \[2,3\]/.test(e.message),
  );
  assert.throws(() => nb.layerJacobian({} as never, 0, x), arg(/model must be a Sequential/));
  const unbuilt = nb.sequential([nb.layers.dense({ units: 2 })]);
  assert.throws(() => nb.layerJacobian(unbuilt, 0, x), arg(/is not built yet/));
});
