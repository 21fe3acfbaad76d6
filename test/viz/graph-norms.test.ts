// The numbers nb.viz.graph prints on its nodes: ‖v‖ from running the program,
// ‖∇‖ from nb.grad, checked against eager computations of the same values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { checkSvg, select, type XmlElement } from './xml.js';

const norm = (t: nb.Tensor) => Math.sqrt(Array.from(t.data() as ArrayLike<number>).reduce((s, v) => s + v * v, 0));
const nodes = (root: XmlElement, kind = 'node') => select(root, 'g', kind);
const label = (g: XmlElement) => g.children.find((c) => c.name === 'text')!.text;
/** A node's printed norms: { v, g } (undefined when not printed). */
const printed = (g: XmlElement) => {
  const t = select(g, 'text', 'norms')[0]?.text ?? '';
  const v = /‖v‖ (\S+)/.exec(t)?.[1],
    d = /‖∇‖ (\S+)/.exec(t)?.[1];
  return { v: v === undefined ? undefined : Number(v), g: d === undefined ? undefined : Number(d) };
};
const near = (a: number | undefined, b: number, what: string) =>
  assert.ok(a !== undefined && Math.abs(a - b) <= 1e-3 * Math.abs(b) + 1e-7, `${what}: printed ${a}, expected ${b}`);
const find = (root: XmlElement, re: RegExp) => {
  const g = nodes(root).find((n) => re.test(label(n)));
  assert.ok(g, `a node ${re}`);
  return g;
};

nb.seed(3);
const P = { W1: nb.randomNormal([16, 64], 0, 0.1), b1: nb.randomNormal([16, 1], 0, 0.1), W2: nb.randomNormal([1, 16], 0, 0.3), b2: nb.zeros([1, 1]) };
type Params = typeof P;
const hidden = (p: Params, Z1: nb.Tensor, y: nb.Tensor) => {
  const A1 = nb.tanh(nb.add(Z1, p.b1));
  const A2 = nb.sigmoid(nb.add(nb.matmul(p.W2, A1), p.b2));
  return nb.neg(nb.mean(nb.add(nb.mul(y, nb.log(A2)), nb.mul(nb.sub(1, y), nb.log(nb.sub(1, A2))))));
};
const cost = (p: Params, X: nb.Tensor, y: nb.Tensor) => hidden(p, nb.matmul(p.W1, X), y);
const X = nb.randomUniform([64, 7]),
  y = nb.cast(nb.greater(nb.randomUniform([1, 7]), 0.5), 'float32');
const J = nb.trace(cost)(P, nb.spec([64, null], 'float32', 'X'), nb.spec([1, null], 'float32', 'y'));
const inputs = [...Object.values(P), X, y];

test('graph: with inputs, each node shows the norm of its value; with gradients, of ∂J/∂v from nb.grad', async () => {
  const { root } = checkSvg(await nb.viz.graph(J, { inputs, gradients: true }));
  const grads = nb.grad(cost)(P, X, y) as Params;
  for (const k of Object.keys(P) as (keyof Params)[]) {
    const g = printed(find(root, new RegExp(`^${k}$`)));
    near(g.v, norm(P[k]), `‖${k}‖`);
    near(g.g, norm(grads[k]), `‖∂J/∂${k}‖`);
  }
  near(printed(find(root, /^X$/)).g, norm(nb.grad(cost, { argnums: 1 })(P, X, y) as nb.Tensor), '‖∂J/∂X‖');
  // an intermediate: Z1 = W1·X, and ∂J/∂Z1 is the gradient of the rest of the network at Z1
  const Z1 = nb.matmul(P.W1, X);
  const z = printed(find(root, /^\w+ = matmul\(W1, X\)$/));
  near(z.v, norm(Z1), '‖Z1‖');
  near(z.g, norm(nb.grad(hidden, { argnums: 1 })(P, Z1, y) as nb.Tensor), '‖∂J/∂Z1‖');
  // the output: J itself, and ∂J/∂J = 1
  const out = printed(nodes(root, 'output')[0]!);
  near(out.v, Math.abs(cost(P, X, y).item()), '|J|');
  near(out.g, 1, '∂J/∂J');
  // a boolean mask (relu's comparison, if any) shows no norm
  for (const g of nodes(root)) if (/bool\[/.test(select(g, 'text', 'type')[0]!.text)) assert.equal(select(g, 'text', 'norms').length, 0);
});

test('graph: a constant drawn as a node shows its own norm; a size computed from m has none', async () => {
  const { root } = checkSvg(await nb.viz.graph(J, { inputs, collapseConstants: false }));
  const consts = nodes(root, 'constant');
  assert.equal(consts.length, J.constants.length);
  J.constants.forEach((c, i) => {
    if (J.symbolicConstant(c) !== null) assert.equal(printed(consts[i]!).v, undefined, 'm');
    else near(printed(consts[i]!).v, norm(c.value), c.var.name);
  });
  assert.ok(J.constants.some((c) => J.symbolicConstant(c) !== null) && J.constants.some((c) => J.symbolicConstant(c) === null));
});

test("graph: without gradients only values; a model's parameters by variable name; explicit maps override", async () => {
  nb.seed(4);
  const model = nb.sequential([nb.layers.dense({ units: 8, activation: 'relu', inputShape: [5] }), nb.layers.dense({ units: 3, activation: 'softmax' })]);
  const p = nb.trace(model)(nb.spec([null, 5]));
  const x = nb.randomNormal([4, 5]);
  const params = Object.fromEntries(model.namedParameters().map(([n, v]) => [n, v.value]));
  const { root } = checkSvg(await nb.viz.graph(p, { inputs: [x], params }));
  const out = printed(nodes(root, 'output')[0]!);
  near(out.v, norm(model.predict(x)), '‖softmax output‖');
  assert.equal(out.g, undefined);
  // values and grads given by name print as given
  const W = nb.full([2, 2], 3),
    G = nb.full([1], -2);
  const { root: r2 } = checkSvg(await nb.viz.graph(p, { values: { 'dense_1.kernel': W }, grads: { x: G } }));
  near(printed(find(r2, /^dense_1\.kernel$/)).v, 6, 'given value');
  near(printed(find(r2, /^x$/)).g, 2, 'given gradient');
  assert.equal(select(find(r2, /^dense_2\.kernel$/), 'text', 'norms').length, 0);
});

test('graph: gradients need a program with one scalar output', async () => {
  const f = nb.trace((x: nb.Tensor) => nb.tanh(x))(nb.spec([null, 2]));
  await assert.rejects(
    nb.viz.graph(f, { inputs: [nb.ones([3, 2])], gradients: true }),
    (e: Error) => e instanceof ShapeError && /one float scalar output/.test(e.message),
  );
  await assert.rejects(
    nb.viz.graph(f, { inputs: [nb.ones([3, 2])], grads: { q: nb.ones([1]) } }),
    (e: Error) => e instanceof ArgumentError && /grads names 'q'/.test(e.message),
  );
});
