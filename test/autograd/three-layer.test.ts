import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, randn } from '../helpers.js';

/**
 * The seed article's 3-layer binary classifier, in its column convention:
 * X is d×m (one example per column), Z = W·A + b with b a column broadcast
 * over the m examples.
 */
interface Params {
  W1: Tensor;
  b1: Tensor;
  W2: Tensor;
  b2: Tensor;
  W3: Tensor;
  b3: Tensor;
}

const d = 4,
  n1 = 5,
  n2 = 3,
  m = 7;
const f = nb.relu; // the first hidden activation
const g = nb.tanh; // the second hidden activation

function forward(p: Params, X: Tensor) {
  const Z1 = nb.add(nb.matmul(p.W1, X), p.b1),
    A1 = f(Z1);
  const Z2 = nb.add(nb.matmul(p.W2, A1), p.b2),
    A2 = g(Z2);
  const Z3 = nb.add(nb.matmul(p.W3, A2), p.b3),
    A3 = nb.sigmoid(Z3);
  return { Z1, A1, Z2, A2, Z3, A3 };
}

/** Binary cross-entropy J = −(1/m) Σ [y log a + (1 − y) log(1 − a)]. */
function cost(p: Params, X: Tensor, y: Tensor): Tensor {
  const { A3 } = forward(p, X);
  const terms = nb.add(nb.mul(y, nb.log(A3)), nb.mul(nb.sub(1, y), nb.log(nb.sub(1, A3))));
  return nb.neg(nb.mean(terms));
}

test("nb.grad returns the hand-derived backpropagation gradients of the seed's 3-layer network", () => {
  const p: Params = {
    W1: randn([n1, d], 1),
    b1: randn([n1, 1], 2),
    W2: randn([n2, n1], 3),
    b2: randn([n2, 1], 4),
    W3: randn([1, n2], 5),
    b3: randn([1, 1], 6),
  };
  const X = randn([d, m], 7);
  const y = nb.cast(nb.greater(randn([1, m], 8), 0), 'float64');

  const auto = nb.grad((q: Params) => cost(q, X, y))(p) as Params;

  // backpropagation by hand, layer by layer
  const { Z1, A1, Z2, A2, A3 } = forward(p, X);
  const T = nb.transpose;
  const dZ3 = nb.sub(A3, y); // dZ3 = A3 − y
  const dW3 = nb.div(nb.matmul(dZ3, T(A2)), m); // dW3 = dZ3·A2ᵀ / m
  const db3 = nb.div(nb.sum(dZ3, 1, true), m); // db3 = Σ dZ3 / m
  const gPrime = nb.sub(1, nb.square(nb.tanh(Z2))); // g′(Z2) = 1 − tanh²(Z2)
  const dZ2 = nb.mul(nb.matmul(T(p.W3), dZ3), gPrime); // dZ2 = (W3ᵀ·dZ3) ⊙ g′(Z2)
  const dW2 = nb.div(nb.matmul(dZ2, T(A1)), m);
  const db2 = nb.div(nb.sum(dZ2, 1, true), m);
  const fPrime = nb.cast(nb.greater(Z1, 0), 'float64'); // f′(Z1) = 1 where Z1 > 0
  const dZ1 = nb.mul(nb.matmul(T(p.W2), dZ2), fPrime); // dZ1 = (W2ᵀ·dZ2) ⊙ f′(Z1)
  const dW1 = nb.div(nb.matmul(dZ1, T(X)), m);
  const db1 = nb.div(nb.sum(dZ1, 1, true), m);

  const hand = { W1: dW1, b1: db1, W2: dW2, b2: db2, W3: dW3, b3: db3 };
  for (const k of Object.keys(hand) as (keyof Params)[]) {
    assertClose(auto[k], { shape: hand[k].shape, data: hand[k].storage }, 1e-12, 1e-14, `d${k}`);
  }
});
