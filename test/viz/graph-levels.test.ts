// nb.viz.graph at the level of ops and layers: each named call of the program
// (relu, clip, a Dense layer, a loss) one node in place of its equations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { ArgumentError } from '../../src/core/errors.js';
import { checkSvg, select, type XmlElement } from './xml.js';

const nodes = (root: XmlElement, cls = 'node') => select(root, 'g', cls);
const label = (g: XmlElement) => g.children.find((c) => c.name === 'text')!.text;
const norm = (t: nb.Tensor) => Math.sqrt(Array.from(t.data() as ArrayLike<number>).reduce((s, v) => s + v * v, 0));
/** Each node's label → the sorted names of the variables its incoming edges carry. */
const incoming = (root: XmlElement) => {
  const byId = new Map(nodes(root).map((g) => [g.attrs.id!, label(g)]));
  const m = new Map<string, string[]>();
  for (const e of select(root, 'g', 'edge')) {
    const t = byId.get(e.attrs['data-target']!)!;
    m.set(t, [...(m.get(t) ?? []), e.attrs['data-var']!].sort());
  }
  return m;
};

nb.seed(5);
const model = nb.sequential([nb.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }), nb.layers.dense({ units: 3, activation: 'softmax' })]);
const J = nb.trace((x: nb.Tensor, y: nb.Tensor) => nb.losses.categoricalCrossentropy(y, model.call(x)), { name: 'J' })(
  nb.spec([null, 8], 'float32', 'x'),
  nb.spec([null, 3], 'float32', 'y'),
);

test('graph level layers: one node per layer call and per loss, with edges from everything each reads', async () => {
  const { root } = checkSvg(await nb.viz.graph(J, { level: 'layers' }));
  assert.deepEqual(nodes(root, 'layer').map(label), ['b = Dense(x)', 'e = Dense(b)']);
  assert.deepEqual(nodes(root, 'loss').map(label), [`${J.outputs[0]!.name} = categoricalCrossentropy(y, e)`]);
  assert.equal(nodes(root, 'equation').length, 0);
  assert.equal(nodes(root).length, 2 + 4 + 3);
  const into = incoming(root);
  assert.deepEqual(into.get('b = Dense(x)'), ['dense_1.bias', 'dense_1.kernel', 'x']);
  assert.deepEqual(into.get('e = Dense(b)'), ['b', 'dense_2.bias', 'dense_2.kernel']);
  assert.deepEqual(into.get(`${J.outputs[0]!.name} = categoricalCrossentropy(y, e)`), ['e', 'y']);
  // types and the layer's name; the loss is the output
  assert.equal(select(nodes(root, 'layer')[0]!, 'text', 'type')[0]!.text, 'f32[m,16]  name=dense_1');
  assert.equal(nodes(root, 'output').length, 1);
  assert.ok((nodes(root, 'output')[0]!.attrs.class ?? '').includes('loss'));
});

test('graph level layers: a layer node shows the norms of its output', async () => {
  const x = nb.randomNormal([6, 8]),
    y = nb.oneHot(nb.tensor([0, 1, 2, 0, 1, 2], [6], 'int32'), 3);
  const params = Object.fromEntries(model.namedParameters().map(([n, v]) => [n, v.value]));
  const { root } = checkSvg(await nb.viz.graph(J, { level: 'layers', inputs: [x, y], params, gradients: true }));
  const hidden = (model.layers[0] as unknown as { call(x: nb.Tensor): nb.Tensor }).call(x);
  const t = select(nodes(root, 'layer')[0]!, 'text', 'norms')[0]!.text;
  const v = Number(/‖v‖ (\S+)/.exec(t)![1]);
  assert.ok(Math.abs(v - norm(hidden)) <= 1e-3 * norm(hidden), `${v} vs ${norm(hidden)}`);
  assert.match(t, /‖∇‖ \d/);
});

test("graph level ops: composite ops are one node each; a value the backward pass reuses (relu's mask) is an output of the op", async () => {
  nb.seed(6);
  const P = { W: nb.randomNormal([4, 8]), b: nb.zeros([4, 1]) };
  const cost = (p: typeof P, X: nb.Tensor) => nb.mean(nb.relu(nb.add(nb.matmul(p.W, X), p.b)));
  const g = nb.trace(nb.grad(cost))(P, nb.spec([8, null], 'float32', 'X'));
  const relu = g.calls.find((c) => c.op === 'relu')!;
  const mean = g.calls.find((c) => c.op === 'mean')!;
  const { root } = checkSvg(await nb.viz.graph(g, { level: 'ops' }));
  const ops = nodes(root, 'op').map(label);
  // relu = where(x ≤ 0, 0, x): its mask is read by the backward pass, so the node gives it
  const mask = g.equations[relu.start]!.outputs[0]!;
  assert.ok(
    g.equations.slice(relu.end).some((e) => e.inputs.includes(mask)),
    'the backward pass reads the mask',
  );
  assert.deepEqual(ops, [
    `${mask.name}, ${relu.outputs[0]!.name} = relu(${relu.inputs.map((v) => (v as { name: string }).name).join(', ')})`,
    `${mean.outputs[0]!.name} = mean(${(mean.inputs[0] as { name: string }).name})`,
  ]);
  // every other equation is drawn
  assert.equal(nodes(root, 'equation').length, g.equations.length - (relu.end - relu.start) - (mean.end - mean.start));
  // the mask's edges leave the relu node
  const reluId = nodes(root, 'op')[0]!.attrs.id;
  const fromMask = select(root, 'g', 'edge').filter((e) => e.attrs['data-var'] === mask.name);
  assert.ok(fromMask.length > 0 && fromMask.every((e) => e.attrs['data-source'] === reluId));
  // at the default level, the same program draws relu's compare and where
  const prim = checkSvg(await nb.viz.graph(g)).root;
  assert.equal(nodes(prim, 'op').length, 0);
  assert.equal(nodes(prim, 'equation').length, g.equations.length);
  await assert.rejects(
    nb.viz.graph(g, { level: 'dense' as never }),
    (e: Error) => e instanceof ArgumentError && /level must be 'primitives', 'ops' or 'layers'/.test(e.message),
  );
});
