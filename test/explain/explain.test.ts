import { test } from 'node:test';
import assert from 'node:assert/strict';
import katex from 'katex';
import * as nb from '../../src/index.js';

const L = nb.layers;

/** The seed article 004 network: n → p (f) → q (g) → 1 (sigmoid), binary cross-entropy. */
function seedClassifier() {
  nb.seed(4);
  const model = nb.sequential([
    L.dense({ units: 16, activation: 'relu', inputShape: [64] }),
    L.dense({ units: 8, activation: 'tanh' }),
    L.dense({ units: 1, activation: 'sigmoid' }),
  ]);
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  return model;
}

test('model.explain: the seed article 004 classifier, equation for equation as the article writes it (one example per column)', () => {
  const e = seedClassifier().explain();
  // written out by hand from the article: Z1 = W1·X + b1, A1 = f(Z1), ..., A3 = σ(Z3), J, dZ3 = A3 − y, dW3 = dZ3·A2ᵀ/m, db3 = Σ dZ3/m, ...
  assert.deepEqual(e.equations(), [
    'Z1 = W1·X + b1',
    'A1 = relu(Z1)',
    'Z2 = W2·A1 + b2',
    'A2 = tanh(Z2)',
    'Z3 = W3·A2 + b3',
    'A3 = σ(Z3)',
    'J = −(1/m) Σ (Y ⊙ log(A3) + (1 − Y) ⊙ log(1 − A3))',
    'dZ3 = A3 − Y',
    'dW3 = (1/m) dZ3·A2ᵀ',
    'db3 = (1/m) Σ_m dZ3',
    'dZ2 = (W3ᵀ·dZ3) ⊙ tanh′(Z2)',
    'dW2 = (1/m) dZ2·A1ᵀ',
    'db2 = (1/m) Σ_m dZ2',
    'dZ1 = (W2ᵀ·dZ2) ⊙ relu′(Z1)',
    'dW1 = (1/m) dZ1·Xᵀ',
    'db1 = (1/m) Σ_m dZ1',
  ]);
  const text = e.toString();
  assert.match(text, /Z1 = W1·X \+ b1 +Z1 \(16, m\) {2}W1 \(16, 64\) {2}X \(64, m\) {2}b1 \(16, 1\) broadcast over m/);
  assert.match(text, /σ and binary cross-entropy together: ∂L\/∂Z3 = A3 − Y per example/);
  assert.match(text, /where tanh′\(z\) = 1 − tanh²\(z\); relu′\(z\) = 1 for z > 0, else 0/);
  // rows: Keras's (and nabla's) layout, the kernel (in, out)
  const rows = seedClassifier().explain({ layout: 'rows' }).equations();
  assert.equal(rows[0], 'Z1 = X·W1 + b1');
  assert.equal(rows[8], 'dW3 = (1/m) A2ᵀ·dZ3');
  assert.equal(rows[10], 'dZ2 = (dZ3·W3ᵀ) ⊙ tanh′(Z2)');
});

/** The gradient lines of an explanation, evaluated, against nb.grad of the model's loss. */
function checkGradients(model: nb.Sequential, x: nb.Tensor, y: nb.Tensor, layout: 'rows' | 'columns' = 'rows') {
  const e = model.explain({ layout });
  const f = nb.modelLoss(model, { regularization: false });
  const g = nb.grad((p: Record<string, nb.Tensor>) => f.loss(p, x, y))(f.params()) as Record<string, nb.Tensor>;
  const env = e.evaluate([x, y], { layout });
  const byVariable = new Map(model.namedParameters().map(([k, v]) => [v.name, k]));
  const gradients = e.lines.filter((l) => l.role === 'gradient');
  assert.equal(gradients.length, Object.keys(g).length, 'one gradient line per trainable weight');
  for (const l of gradients) {
    const key = byVariable.get(l.variable!)!;
    let mine = env.get(l.name)!;
    if (layout === 'columns') mine = nb.reshape(nb.transpose(mine.rank === 2 ? mine : nb.reshape(mine, [-1, 1])), g[key]!.shape);
    const scale = Math.max(1e-3, nb.max(nb.abs(g[key]!)).item());
    const diff = nb.max(nb.abs(nb.sub(mine, g[key]!))).item();
    assert.ok(diff <= 1e-5 * scale + 1e-7, `${l.name} = ${e.equations()[e.lines.indexOf(l)]}: differs from nb.grad by ${diff}`);
  }
  assert.ok(Math.abs(env.get('J')!.item() - f.loss(f.params(), x, y).item()) < 1e-5, 'J is the loss');
  return e;
}

const labels = (k: number, n: number) =>
  nb.oneHot(
    nb.tensor(
      Array.from({ length: n }, (_, i) => (i * 7) % k),
      [n],
      'int32',
    ),
    k,
  );

test('the printed backward equations, evaluated, give the gradients nb.grad computes: dense networks in both layouts', () => {
  const x = nb.randomNormal([6, 64]);
  const yb = nb.tensor([[0], [1], [1], [0], [1], [0]]);
  checkGradients(seedClassifier(), x, yb, 'rows');
  checkGradients(seedClassifier(), x, yb, 'columns');
  nb.seed(5);
  const softmax = nb.sequential([L.dense({ units: 12, activation: 'relu', inputShape: [64] }), L.dense({ units: 10, activation: 'softmax' })]);
  softmax.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const e = checkGradients(softmax, x, labels(10, 6), 'columns');
  assert.ok(e.equations().includes('dZ2 = A2 − Y'));
  checkGradients(softmax, x, labels(10, 6), 'rows');
});

test('explain works from the program for other layers: convolution and pooling, batch normalisation and dropout, recurrent layers, MSE', () => {
  nb.seed(6);
  const cnn = nb.sequential([
    L.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }),
    L.maxPooling2d({ poolSize: 2 }),
    L.flatten(),
    L.dense({ units: 3, activation: 'softmax' }),
  ]);
  cnn.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const ce = checkGradients(cnn, nb.randomNormal([3, 6, 6, 1]), labels(3, 3));
  assert.ok(
    ce.equations().some((q) => /^Z1 = conv2d\(X, W1\) \+ b1$/.test(q)),
    ce.equations().join('\n'),
  );
  assert.ok(
    ce.equations().some((q) => q.includes('(∂maxPool2d/∂A1)ᵀ')),
    "pooling's backward is its vector–Jacobian product",
  );
  const bn = nb.sequential([
    L.dense({ units: 5, inputShape: [4] }),
    L.batchNormalization(),
    L.activation({ activation: 'relu' }),
    L.dropout({ rate: 0.5 }),
    L.dense({ units: 2 }),
  ]);
  bn.compile({ optimizer: 'sgd', loss: 'mse' });
  const be = checkGradients(bn, nb.randomNormal([5, 4]), nb.randomNormal([5, 2]), 'columns');
  assert.ok(be.equations().includes('A2 = ((A1 − μ2) / √(σ²2 + 0.001)) ⊙ γ2 + β2'), be.equations().join('\n'));
  assert.ok(be.equations().includes('A4 = A3'));
  assert.match(be.toString(), /dropout is the identity when predicting/);
  for (const rnn of [L.simpleRNN({ units: 3, inputShape: [4, 2] }), L.lstm({ units: 3, inputShape: [3, 2] }), L.gru({ units: 2, inputShape: [3, 2] })]) {
    const m = nb.sequential([rnn, L.dense({ units: 1, activation: 'sigmoid' })]);
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const t = m.inputShape![0]!;
    checkGradients(m, nb.randomNormal([4, t, 2]), nb.tensor([[0], [1], [1], [0]]));
  }
});

test('nb.explain(f): a cost written by hand, with W·X as written, and its gradients', () => {
  const cost = (W1: nb.Tensor, b1: nb.Tensor, W2: nb.Tensor, b2: nb.Tensor, X: nb.Tensor, Y: nb.Tensor) => {
    const A1 = nb.relu(nb.add(nb.matmul(W1, X), b1));
    const A2 = nb.sigmoid(nb.add(nb.matmul(W2, A1), b2));
    return nb.neg(nb.mean(nb.add(nb.mul(Y, nb.log(A2)), nb.mul(nb.sub(1, Y), nb.log(nb.sub(1, A2))))));
  };
  const S = nb.spec;
  const e = nb.explain(cost)(
    S([16, 64], 'float32', 'W1'),
    S([16, 1], 'float32', 'b1'),
    S([1, 16], 'float32', 'W2'),
    S([1, 1], 'float32', 'b2'),
    S([64, null], 'float32', 'X'),
    S([1, null], 'float32', 'Y'),
  );
  const eq = e.equations();
  assert.deepEqual(eq.slice(0, 5), ['Z1 = W1·X + b1', 'A1 = relu(Z1)', 'Z2 = W2·A1 + b2', 'A2 = σ(Z2)', 'J = −(1/m) Σ (Y ⊙ log(A2) + (1 − Y) ⊙ log(1 − A2))']);
  // the cross-entropy written by hand on σ(Z2) gets the textbook step: ((1 − Y)/(1 − A2) − Y/A2) ⊙ σ′(Z2) = A2 − Y
  assert.ok(eq.includes('dZ2 = A2 − Y'), eq.join('\n'));
  // the gradient with respect to the inputs without the batch dimension (the parameters), not X or Y
  assert.deepEqual(
    e.lines
      .filter((l) => l.role === 'gradient')
      .map((l) => l.name)
      .sort(),
    ['dW1', 'dW2', 'db1', 'db2'],
  );
  nb.seed(7);
  const small = (s: number[]) => nb.mul(nb.randomNormal(s), 0.2);
  const args = [
    small([16, 64]),
    small([16, 1]),
    small([1, 16]),
    small([1, 1]),
    nb.randomNormal([64, 9]),
    nb.cast(nb.greater(nb.randomNormal([1, 9]), 0), 'float32'),
  ];
  const env = e.evaluate(args);
  const g = nb.grad(cost, { argnums: [0, 1, 2, 3] })(...(args as [nb.Tensor, nb.Tensor, nb.Tensor, nb.Tensor, nb.Tensor, nb.Tensor])) as nb.Tensor[];
  ['W1', 'b1', 'W2', 'b2'].forEach((n, i) => {
    const diff = nb.max(nb.abs(nb.sub(env.get(`d${n}`)!, g[i]!))).item();
    assert.ok(diff <= 1e-5 * Math.max(1, nb.max(nb.abs(g[i]!)).item()), `d${n} differs from nb.grad by ${diff}`);
  });
});

test('explain in LaTeX and Markdown: KaTeX parses every equation', () => {
  const model = seedClassifier();
  const e = model.explain({ format: 'latex' });
  for (const line of e.latexLines()) katex.renderToString(line, { throwOnError: true });
  const block = e.toString();
  assert.match(block, /^\\begin\{aligned\}/);
  katex.renderToString(block, { throwOnError: true, displayMode: true });
  assert.ok(e.latexLines().includes('\\mathrm{d}W_{3} = \\frac{1}{m}\\,\\mathrm{d}Z_{3} \\cdot A_{2}^{\\top}'), e.latexLines().join('\n'));
  const md = model.explain({ format: 'markdown' }).toString();
  const rows = md.split('\n').filter((l) => l.startsWith('| $'));
  assert.equal(rows.length, 16);
  for (const r of rows) katex.renderToString(/\$(.*?)\$/.exec(r)![1]!, { throwOnError: true });
});

test('explain with values: each line shows the numbers of the batch given', () => {
  const model = seedClassifier();
  const x = nb.randomNormal([4, 64]);
  const y = nb.tensor([[1], [0], [0], [1]]);
  const text = model.explain({ values: { x, y }, layout: 'rows' }).toString();
  const z1 = nb.add(nb.matmul(x, model.getWeights()[0]!), model.getWeights()[1]!);
  const norm = Math.sqrt(nb.sum(nb.square(z1)).item());
  assert.ok(text.includes(`‖Z1‖ = ${norm.toPrecision(4)}`), text);
  const loss = nb.modelLoss(model).loss(nb.modelLoss(model).params(), x, y).item();
  assert.ok(text.includes(`= ${loss.toPrecision(5)}`), 'the cost line shows J');
});

test('explain: clear errors for a model that is not built, bad options and bad inputs', () => {
  const unbuilt = nb.sequential([L.dense({ units: 2 })]);
  assert.throws(
    () => unbuilt.explain(),
    (e: Error) => e instanceof nb.ArgumentError && /explain: the model is not built/.test(e.message),
  );
  const model = seedClassifier();
  assert.throws(() => model.explain({ layout: 'diagonal' as never }), /layout must be 'rows' or 'columns'/);
  assert.throws(() => model.explain({ format: 'html' as never }), /format must be 'text', 'markdown' or 'latex'/);
  assert.throws(() => model.explain({ layuot: 'rows' } as never), /unknown option 'layuot'/);
  assert.throws(() => model.explain({ values: { x: nb.zeros([2, 64]) } } as never), /values must be \{ x, y \}/);
  assert.throws(
    () => model.explain().evaluate([nb.zeros([2, 63]), nb.zeros([2, 1])]),
    (e: Error) => e instanceof nb.ShapeError && /input X must have shape \[m,64\], got \[2,63\]/.test(e.message),
  );
  assert.throws(() => nb.explain(42 as never), /explain: argument f must be a function/);
  assert.throws(() => nb.explain((a: nb.Tensor) => nb.sum(a), { wrt: ['b'] })(nb.spec([3], 'float32', 'a')), /wrt names 'b', which is not an input/);
  // without a loss: the forward pass only, and it says how to get the rest
  const plain = nb.sequential([L.dense({ units: 2, inputShape: [3] })]).explain();
  assert.equal(plain.backwardLines.length, 0);
  assert.match(plain.toString(), /compile the model or pass options\.loss/);
});

test('a recurrent layer is explained as one step t and backpropagation through time: the sums over t', () => {
  nb.seed(8);
  const m = nb.sequential([L.simpleRNN({ units: 3, inputShape: [5, 2] }), L.dense({ units: 1, activation: 'sigmoid' })]);
  m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  const eq = m.explain({ layout: 'rows' }).equations();
  for (const q of [
    'P1 = X·W1 + b1',
    'H1⟨0⟩ = 0',
    'Z1⟨t⟩ = P1⟨t⟩ + H1⟨t−1⟩·U1',
    'H1⟨t⟩ = tanh(Z1⟨t⟩)',
    'Z2 = H1⟨T⟩·W2 + b2',
    'dZ1⟨T⟩ = (dZ2·W2ᵀ) ⊙ tanh′(Z1⟨T⟩)',
    'dZ1⟨t⟩ = (dZ1⟨t+1⟩·U1ᵀ) ⊙ tanh′(Z1⟨t⟩)',
    'dU1 = (1/m) Σ_t H1⟨t−1⟩ᵀ·dZ1⟨t⟩',
    'dP1 = Σ_t (dZ1⟨t⟩ at [:, t])',
  ])
    assert.ok(eq.includes(q), `${q} in\n${eq.join('\n')}`);
  // unrolled, every step is there, and the LaTeX of the compact view parses
  const unrolled = m.explain({ layout: 'rows', unroll: true }).equations();
  for (let t = 1; t <= 5; t++) assert.ok(unrolled.includes(`H1⟨${t}⟩ = tanh(Z1⟨${t}⟩)`));
  for (const line of m.explain().latexLines()) katex.renderToString(line, { throwOnError: true });
  assert.throws(() => m.explain({ unroll: 'yes' as never }), /unroll must be true or false/);
});
