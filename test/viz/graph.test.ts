import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Program, ProgramVar } from '../../src/index.js';
import { ArgumentError } from '../../src/core/errors.js';
import { formatType } from '../../src/trace/print.js';
import { checkSvg, descendants, select, type XmlElement } from './xml.js';

// The digits MLP of the README, traced with a symbolic batch m.
nb.seed(0);
const model = nb.sequential([nb.layers.dense({ units: 64, activation: 'relu', inputShape: [64] }), nb.layers.dense({ units: 10, activation: 'softmax' })]);
const forward = nb.trace(model)(nb.spec([null, 64]));

// The seed article's three-layer network, one example per column, and its cost.
const P = {
  W1: nb.randomNormal([16, 64], 0, 0.1),
  b1: nb.zeros([16, 1]),
  W2: nb.randomNormal([8, 16], 0, 0.3),
  b2: nb.zeros([8, 1]),
  W3: nb.randomNormal([1, 8], 0, 0.3),
  b3: nb.zeros([1, 1]),
};
type Params = typeof P;
const cost = (p: Params, X: nb.Tensor, y: nb.Tensor) => {
  const A1 = nb.relu(nb.add(nb.matmul(p.W1, X), p.b1));
  const A2 = nb.tanh(nb.add(nb.matmul(p.W2, A1), p.b2));
  const A3 = nb.sigmoid(nb.add(nb.matmul(p.W3, A2), p.b3));
  return nb.neg(nb.mean(nb.add(nb.mul(y, nb.log(A3)), nb.mul(nb.sub(1, y), nb.log(nb.sub(1, A3))))));
};
const specs = [nb.spec([64, null], 'float32', 'X'), nb.spec([1, null], 'float32', 'y')];
const backward = nb.trace(nb.grad(cost))(P, ...specs);

const nodes = (root: XmlElement, kind?: string) => select(root, 'g', kind ?? 'node');
const lines = (g: XmlElement) => g.children.filter((c) => c.name === 'text').map((t) => t.text);
const num = (v: string | undefined) => Number(v);
/** The rect of a node: x, y, width, height. */
const box = (g: XmlElement) => {
  const r = g.children.find((c) => c.name === 'rect')!;
  return { x: num(r.attrs.x), y: num(r.attrs.y), w: num(r.attrs.width), h: num(r.attrs.height) };
};
/** The (variable, equation) pairs a program's edges should be: each distinct input of each equation that is drawn as a node. */
const uses = (p: Program, drawn: (v: ProgramVar) => boolean) =>
  p.equations.flatMap((e, i) => [...new Set(e.inputs)].filter(drawn).map((v) => `${v.name}→${i}`)).sort();

test('graph: every equation, input and parameter of the traced MLP is a node with its type; the SVG is well-formed', async () => {
  const svg = await nb.viz.graph(forward);
  const { root } = checkSvg(svg);
  assert.equal(root.children[0]!.text, 'program sequential');
  const eqs = nodes(root, 'equation');
  assert.equal(eqs.length, forward.equations.length);
  forward.equations.forEach((e, i) => {
    const [label, type] = lines(eqs[i]!);
    assert.equal(label, `${e.outputs[0]!.name} = ${e.prim}(${e.inputs.map((v) => v.name).join(', ')})`);
    assert.ok(type!.startsWith(formatType(e.outputs[0]!.shape, e.outputs[0]!.dtype)), type);
  });
  assert.deepEqual(lines(eqs[0]!), ['a = matmul(x, dense_1.kernel)', 'f32[m,64]']);
  assert.deepEqual(lines(eqs[1]!), ['b = biasActivation(a, dense_1.bias)', 'f32[m,64]  activation=relu']);
  const leaves = [...nodes(root, 'input'), ...nodes(root, 'param')];
  assert.deepEqual(
    leaves.map((g) => lines(g).join(' | ')),
    [
      'x | input f32[m,64]',
      'dense_1.kernel | param f32[64,64]',
      'dense_1.bias | param f32[64]',
      'dense_2.kernel | param f32[64,10]',
      'dense_2.bias | param f32[10]',
    ],
  );
});

test('graph: one edge per (variable → equation that reads it), drawn from the source node to the target node', async () => {
  for (const direction of ['down', 'right'] as const) {
    const { root } = checkSvg(await nb.viz.graph(backward, { direction }));
    const byId = new Map(nodes(root).map((g) => [g.attrs.id!, g]));
    const edges = select(root, 'g', 'edge');
    const drawn = (v: ProgramVar) => !(v.kind === 'constant' && backward.constants.find((c) => c.var === v)!.value.size <= 4);
    // the target of an edge is the equation's node; its index among the equation nodes is the equation's index
    const eqIndex = new Map(nodes(root, 'equation').map((g, i) => [g.attrs.id!, i]));
    assert.deepEqual(edges.map((e) => `${e.attrs['data-var']}→${eqIndex.get(e.attrs['data-target']!)}`).sort(), uses(backward, drawn));
    assert.equal(edges.length, uses(backward, drawn).length);
    for (const e of edges) {
      // the source node defines the variable: its first line names it
      const src = byId.get(e.attrs['data-source']!)!,
        dst = byId.get(e.attrs['data-target']!)!;
      assert.match(lines(src)[0]!, new RegExp(`^(?:${e.attrs['data-var']!.replace(/\./g, '\\.')}$|(?:\\w+, )*${e.attrs['data-var']}(?:, \\w+)* = )`));
      // the path starts on the source's border and ends (at the arrow's tip) on the target's, flowing the graph's way
      const pts = [...e.children.find((c) => c.name === 'path')!.attrs.d!.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => ({
        x: Number(m[1]),
        y: Number(m[2]),
      }));
      const a = box(src),
        b = box(dst),
        first = pts[0]!,
        last = pts.at(-1)!;
      const on = (p: { x: number; y: number }, r: typeof a) => p.x >= r.x - 0.6 && p.x <= r.x + r.w + 0.6 && p.y >= r.y - 0.6 && p.y <= r.y + r.h + 0.6;
      assert.ok(on(first, a) && on(last, b), `edge ${e.attrs.id} from ${JSON.stringify(first)} to ${JSON.stringify(last)}`);
      if (direction === 'down') assert.ok(b.y > a.y + a.h - 1, 'the reader is below the variable');
      else assert.ok(b.x > a.x + a.w - 1, 'the reader is right of the variable');
    }
  }
});

test('graph: the same program gives the same string', async () => {
  const a = await nb.viz.graph(backward, { title: 'backward' });
  const b = await nb.viz.graph(backward, { title: 'backward' });
  assert.equal(a, b);
  assert.notEqual(a, await nb.viz.graph(backward, { title: 'backward', direction: 'right' }));
});

test('graph: the outputs are marked, with their place in the result', async () => {
  const { root } = checkSvg(await nb.viz.graph(forward));
  const outs = nodes(root, 'output');
  assert.equal(outs.length, 1);
  assert.equal(lines(outs[0]!)[0], `${forward.outputs[0]!.name} = softmax(d)`);
  assert.deepEqual(
    select(outs[0]!, 'text', 'tag').map((t) => t.text),
    ['output'],
  );
  assert.equal(outs[0]!.children.find((c) => c.name === 'rect')!.attrs.stroke, nb.viz.CATEGORICAL[3]);
  // nb.grad(cost) returns a tree like P: each gradient's node says which parameter it is for
  const back = checkSvg(await nb.viz.graph(backward)).root;
  const tagged = nodes(back, 'output').map((g) => [lines(g)[0]!.split(' = ')[0], select(g, 'text', 'tag')[0]!.text]);
  assert.deepEqual(tagged.sort(), backward.outputs.map((v, i) => [v.name, `output ${Object.keys(P)[i]}`]).sort());
  const plain = checkSvg(await nb.viz.graph(backward, { highlightOutputs: false })).root;
  assert.equal(nodes(plain, 'output').length, 0);
});

test('graph: small constants are written into the equations, larger ones (or all, on request) are nodes', async () => {
  const { root } = checkSvg(await nb.viz.graph(backward));
  const labels = nodes(root, 'equation').map((g) => lines(g)[0]);
  assert.ok(
    labels.some((l) => /^\w+ = sub\(1\.0, y\)$/.test(l!)),
    'sub(1.0, y)',
  );
  assert.ok(
    labels.some((l) => /^\w+ = div\(\w+, m\)$/.test(l!)),
    'the mean divides by m',
  );
  assert.equal(nodes(root, 'constant').length, 0);
  const all = checkSvg(await nb.viz.graph(backward, { collapseConstants: false })).root;
  assert.equal(nodes(all, 'constant').length, backward.constants.length);
  assert.ok(nodes(all, 'equation').some((g) => /^\w+ = sub\(\w+, y\)$/.test(lines(g)[0]!)));
  assert.equal(select(all, 'g', 'edge').length, uses(backward, () => true).length);
  // a vector constant of three entries is a literal by default, a node with a limit of 2
  const f = nb.trace((x: nb.Tensor) => nb.mul(x, nb.tensor([1, 2, 3])))(nb.spec([null, 3]));
  assert.deepEqual(lines(nodes(checkSvg(await nb.viz.graph(f)).root, 'equation')[0]!)[0], `${f.outputs[0]!.name} = mul(x, [1.0, 2.0, 3.0])`);
  assert.equal(nodes(checkSvg(await nb.viz.graph(f, { collapseConstants: 2 })).root, 'constant').length, 1);
  // literals keep the dtype's precision (1 − 2⁻²³ is not 1) and infinities are ∞
  const g = nb.trace((x: nb.Tensor) => nb.maximum(nb.mul(x, 1 - 2 ** -23), -Infinity))(nb.spec([2]));
  assert.deepEqual(
    nodes(checkSvg(await nb.viz.graph(g)).root, 'equation').map((n) => lines(n)[0]),
    ['a = mul(x, 0.9999999)', 'b = maximum(a, -∞)'],
  );
});

test('graph: more nodes than maxNodes is an error naming the counts, or with overflow truncate the first equations and a note', async () => {
  const total = backward.inputs.length + backward.equations.length;
  await assert.rejects(
    nb.viz.graph(backward, { maxNodes: 20 }),
    (e: Error) =>
      e instanceof ArgumentError && e.message.includes(`${total} nodes`) && e.message.includes('maxNodes = 20') && e.message.includes("overflow: 'truncate'"),
  );
  const { root } = checkSvg(await nb.viz.graph(backward, { maxNodes: 20, overflow: 'truncate' }));
  const drawn = nodes(root);
  assert.ok(drawn.length <= 20 && drawn.length >= 15, `${drawn.length} nodes`);
  const eqs = nodes(root, 'equation');
  // the first equations in order, with exactly the leaves they read
  eqs.forEach((g, i) => assert.ok(lines(g)[0]!.startsWith(`${backward.equations[i]!.outputs[0]!.name} = `)));
  const read = new Set(
    backward.equations
      .slice(0, eqs.length)
      .flatMap((e) => e.inputs)
      .filter((v) => v.kind !== 'constant' && v.kind !== 'intermediate')
      .map((v) => v.name),
  );
  assert.deepEqual(
    nodes(root, 'input')
      .map((g) => lines(g)[0])
      .sort(),
    [...read].sort(),
  );
  assert.equal(
    select(root, 'text', 'note')[0]!.text,
    `the first ${eqs.length} of ${backward.equations.length} equations (${drawn.length} of ${total} nodes; maxNodes 20)`,
  );
  // a program that fits draws everything and no note
  assert.equal(select(checkSvg(await nb.viz.graph(forward, { maxNodes: 10 })).root, 'text', 'note').length, 0);
});

test('graph: names are escaped', async () => {
  const f = nb.trace((x: nb.Tensor) => nb.exp(x), { name: 'a<b>&"c"' })(nb.spec([2], 'float32', "x<'&'>"));
  const svg = await nb.viz.graph(f);
  const { root } = checkSvg(svg);
  assert.equal(root.children[0]!.text, 'program a<b>&"c"');
  assert.deepEqual(lines(nodes(root, 'input')[0]!), ["x<'&'>", 'input f32[2]']);
  assert.ok(descendants(root).some((e) => e.text === "a = exp(x<'&'>)"));
});

test('graph: a long line is clipped with an ellipsis and the node fits it; the tooltip has it whole', async () => {
  const name = 'an_input_with_a_name_far_longer_than_any_line_of_a_node_should_be';
  const f = nb.trace((x: nb.Tensor) => nb.add(x, x))(nb.spec([3], 'float32', name));
  const { root } = checkSvg(await nb.viz.graph(f));
  const eq = nodes(root, 'equation')[0]!;
  const [label] = lines(eq);
  assert.equal([...label!].length, 60);
  assert.ok(label!.endsWith('…') && `a = add(${name}, ${name})`.startsWith(label!.slice(0, -1)));
  assert.ok(box(eq).w >= 60 * 11 * 0.6, 'the box is as wide as its longest line');
  assert.equal(eq.children.find((c) => c.name === 'title')!.text, `a = add(${name}, ${name})\nf32[3]\noutput`);
});

test('graph: bad arguments are ArgumentErrors naming the option', async () => {
  const bad = async (p: unknown, o: unknown, re: RegExp) =>
    assert.rejects(nb.viz.graph(p as Program, o as nb.viz.GraphOptions), (e: Error) => e instanceof ArgumentError && re.test(e.message));
  await bad({}, {}, /viz\.graph: argument program must be a Program/);
  await bad(forward, { colour: 'red' }, /unknown option 'colour'/);
  await bad(forward, { direction: 'up' }, /direction must be 'down' or 'right'/);
  await bad(forward, { maxNodes: 0 }, /maxNodes must be a whole number/);
  await bad(forward, { overflow: 'drop' }, /overflow must be 'error' or 'truncate'/);
  await bad(forward, { collapseConstants: -1 }, /collapseConstants/);
  await bad(forward, { gradients: true }, /need inputs/);
  await bad(forward, { inputs: [] }, /inputs must be an array of 1 tensor/);
  await bad(forward, { inputs: [nb.ones([2, 64])] }, /missing 'dense_1\/kernel'/);
  await bad(forward, { values: { nope: nb.ones([1]) } }, /values names 'nope', which is no variable/);
});
