// The 3-layer binary classifier of "The Mathematics of Deep Learning: An Overview" (source [5]
// in the README) on real digits (0 against 1), with the forward
// and backward equations written out by hand, one example per column, checked against nb.grad,
// and the same equations generated from the traced cost by nb.explain and evaluated:
//   Z1 = W1·X + b1, A1 = relu(Z1); Z2 = W2·A1 + b2, A2 = tanh(Z2); Z3 = W3·A2 + b3, A3 = σ(Z3)
//   J = −(1/m) Σ [y log A3 + (1 − y) log(1 − A3)]
//   dZ3 = A3 − y; dW3 = dZ3·A2ᵀ/m; db3 = Σ dZ3/m
//   dZ2 = (W3ᵀ·dZ3) ⊙ (1 − A2²); dW2 = dZ2·A1ᵀ/m; db2 = Σ dZ2/m
//   dZ1 = (W2ᵀ·dZ2) ⊙ [Z1 > 0]; dW1 = dZ1·Xᵀ/m; db1 = Σ dZ1/m
// Run: node examples/02-three-layer-backprop.mjs   (QUICK=1 for a smoke run)
import * as nb from 'nabla';

const steps = process.env.QUICK ? 20 : 300;
const lr = 0.5;

// digits 0 and 1 as columns: X is 64 × m, y is 1 × m
const digits = nb.data.loadDigits();
const keep = [];
digits.labels.storage.forEach((l, i) => {
  if (l === 0 || l === 1) keep.push(i);
});
const idx = nb.tensor(keep, [keep.length], 'int32');
const X = nb.transpose(nb.gather(digits.x, idx, 0));
const y = nb.reshape(nb.cast(nb.gather(digits.labels, idx, 0), 'float32'), [1, keep.length]);
const m = keep.length;

nb.seed(0);
const init = (rows, cols) => nb.mul(nb.randomNormal([rows, cols]), Math.sqrt(1 / cols));
let p = { W1: init(16, 64), b1: nb.zeros([16, 1]), W2: init(8, 16), b2: nb.zeros([8, 1]), W3: init(1, 8), b3: nb.zeros([1, 1]) };

function forward(p, x = X) {
  const Z1 = nb.add(nb.matmul(p.W1, x), p.b1),
    A1 = nb.relu(Z1);
  const Z2 = nb.add(nb.matmul(p.W2, A1), p.b2),
    A2 = nb.tanh(Z2);
  const Z3 = nb.add(nb.matmul(p.W3, A2), p.b3),
    A3 = nb.sigmoid(Z3);
  return { Z1, A1, Z2, A2, A3 };
}
const costOf = (p, x, labels) => {
  const { A3 } = forward(p, x);
  return nb.neg(nb.mean(nb.add(nb.mul(labels, nb.log(A3)), nb.mul(nb.sub(1, labels), nb.log(nb.sub(1, A3))))));
};
const cost = (p) => costOf(p, X, y);

function backward(p) {
  const { Z1, A1, A2, A3 } = forward(p);
  const T = nb.transpose;
  const dZ3 = nb.sub(A3, y);
  const dZ2 = nb.mul(nb.matmul(T(p.W3), dZ3), nb.sub(1, nb.square(A2)));
  const dZ1 = nb.mul(nb.matmul(T(p.W2), dZ2), nb.cast(nb.greater(Z1, 0), 'float32'));
  return {
    W1: nb.div(nb.matmul(dZ1, T(X)), m),
    b1: nb.div(nb.sum(dZ1, 1, true), m),
    W2: nb.div(nb.matmul(dZ2, T(A1)), m),
    b2: nb.div(nb.sum(dZ2, 1, true), m),
    W3: nb.div(nb.matmul(dZ3, T(A2)), m),
    b3: nb.div(nb.sum(dZ3, 1, true), m),
  };
}

// the hand-derived gradients are the ones autodiff computes
const byHand = backward(p),
  byGrad = nb.grad(cost)(p);
for (const k of Object.keys(byHand)) {
  const diff = nb.max(nb.abs(nb.sub(byHand[k], byGrad[k]))).item();
  console.log(`d${k.padEnd(2)} ${JSON.stringify(byHand[k].shape).padEnd(8)} max |hand − nb.grad| = ${diff.toExponential(2)}`);
  if (!(diff < 1e-5)) throw new Error(`gradient of ${k} differs by ${diff}`);
}

// the same equations, generated: nb.explain traces the cost and derives the backward pass from the program
const names = ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'];
const explained = nb.explain((W1, b1, W2, b2, W3, b3, x, Y) => costOf({ W1, b1, W2, b2, W3, b3 }, x, Y))(
  ...names.map((k) => nb.spec(p[k].shape, 'float32', k)),
  nb.spec([64, null], 'float32', 'X'),
  nb.spec([1, null], 'float32', 'Y'),
);
console.log(explained.toString());
const values = explained.evaluate([...names.map((k) => p[k]), X, y]);
for (const k of names) {
  const diff = nb.max(nb.abs(nb.sub(values.get(`d${k}`), byGrad[k]))).item();
  if (!(diff < 1e-5)) throw new Error(`the explained gradient of ${k} differs by ${diff}`);
}
console.log("the printed backward equations, evaluated, give nb.grad's gradients");

// gradient descent with the hand-written backward pass
for (let step = 0; step <= steps; step++) {
  if (step % Math.max(1, Math.floor(steps / 5)) === 0) {
    const accuracy = nb.mean(nb.equal(nb.greater(forward(p).A3, 0.5), nb.greater(y, 0.5))).item();
    console.log(`step ${String(step).padStart(4)}  cost ${cost(p).item().toFixed(5)}  accuracy ${(100 * accuracy).toFixed(1)}%`);
  }
  const g = backward(p);
  p = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, nb.sub(v, nb.mul(g[k], lr))]));
}
