import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { layerFromConfig } from '../../src/nn/layer.js';
import { MultiHeadAttention, type AttentionApplyOptions } from '../../src/nn/layers/attention.js';
import { checkLayer } from './conformance.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'nabla-attention-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Arr {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  kind: 'torch' | 'formula';
  args: { numHeads: number; keyDim: number; valueDim?: number; outputShape?: number; useCausalMask: boolean; useBias?: boolean; selfAttention: boolean };
  query: Arr;
  value: Arr;
  key: Arr;
  weights: (Arr & { name: string })[];
  masks: Record<string, Arr>;
  output: Arr;
  scores: Arr;
  w: Arr;
  grads: Arr[];
}
const fixture = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'attention.json'), 'utf8')) as { cases: Case[] };
const t64 = (a: Arr) => nb.tensor(a.data, a.shape, 'float64');
const randn = (shape: number[], seed: number, scale = 1) =>
  nb.mul(nb.randomNormal(shape, 0, 1, { dtype: 'float64', generator: new nb.Generator(seed) }), scale);

function maxError(actual: Tensor, expected: Arr, what: string): number {
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  let m = 0;
  const a = actual.storage;
  expected.data.forEach((e, i) => {
    m = Math.max(m, Math.abs(a[i]! - e) / (1 + Math.abs(e)));
  });
  return m;
}

/** The layer of a fixture case with its weights, the inputs and the apply options. */
function fromCase(c: Case) {
  const { selfAttention, ...args } = c.args;
  const layer = new MultiHeadAttention({ ...args, dtype: 'float64' });
  const q = t64(c.query);
  const inputs: Tensor[] = selfAttention ? [q] : [q, t64(c.value), t64(c.key)];
  layer.apply(selfAttention ? q : inputs); // builds it
  assert.deepEqual(
    layer.namedParameters().map(([n]) => n),
    c.weights.map((w) => w.name),
    'Keras weight order',
  );
  layer.setWeights(c.weights.map(t64));
  const opts: AttentionApplyOptions = {};
  for (const [name, m] of Object.entries(c.masks)) (opts as Record<string, Tensor>)[name] = nb.tensor(m.data, m.shape);
  return { layer, x: selfAttention ? q : inputs, inputs, opts };
}

for (const c of fixture.cases) {
  test(`MultiHeadAttention agrees with PyTorch (${c.kind}): ${c.name}`, () => {
    const { layer, x, inputs, opts } = fromCase(c);
    const [out, scores] = layer.apply(x, { ...opts, returnAttentionScores: true });
    assert.ok(maxError(out, c.output, 'output') < 1e-12, `output differs by ${maxError(out, c.output, 'output')}`);
    assert.ok(maxError(scores, c.scores, 'scores') < 1e-12, `scores differ by ${maxError(scores, c.scores, 'scores')}`);
    // the gradient of Σ out ⊙ w with respect to each input (one in self-attention: the total through q, k and v)
    const w = t64(c.w);
    const f = (...xs: Tensor[]) => nb.sum(nb.mul(layer.apply(c.args.selfAttention ? xs[0]! : xs, opts), w));
    const grads = nb.grad(f, { argnums: inputs.map((_, i) => i) })(...inputs) as unknown as Tensor[];
    assert.equal(grads.length, c.grads.length);
    grads.forEach((g, i) => assert.ok(maxError(g, c.grads[i]!, `grad ${i}`) < 1e-11, `gradient ${i} differs by ${maxError(g, c.grads[i]!, 'g')}`));
  });
}

test('the fixture covers self- and cross-attention, causal, padding, query and attention masks, and a fully masked row', () => {
  const cs = fixture.cases;
  assert.ok(cs.some((c) => c.kind === 'torch' && c.args.selfAttention && c.args.useCausalMask && 'valueMask' in c.masks));
  assert.ok(cs.some((c) => c.kind === 'torch' && !c.args.selfAttention));
  assert.ok(cs.some((c) => 'queryMask' in c.masks && 'attentionMask' in c.masks && 'keyMask' in c.masks));
  assert.ok(cs.some((c) => c.args.useBias === false && c.args.useCausalMask));
});

test('a fully masked query row gets the uniform average of the values, with no NaN in the output or the gradients', () => {
  const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, dtype: 'float64', seed: 1 });
  const x = randn([1, 3, 4], 2);
  const mask = nb.tensor([1, 1, 0, 1, 0, 0, 0, 0, 0], [1, 3, 3]);
  const [out, scores] = layer.apply(x, { attentionMask: mask, returnAttentionScores: true });
  const s = scores.toArray() as number[][][][];
  for (const head of s[0]!) assert.deepEqual(head[2], [1 / 3, 1 / 3, 1 / 3]);
  assert.ok(Array.from(out.storage).every(Number.isFinite));
  const g = nb.grad((t: Tensor) => nb.sum(nb.square(layer.apply(t, { attentionMask: mask }))))(x) as Tensor;
  assert.ok(Array.from(g.storage).every(Number.isFinite));
  // a mask that blocks nothing changes nothing
  assert.deepEqual(layer.apply(x, { attentionMask: nb.ones([1, 3, 3]) }).toArray(), layer.apply(x).toArray());
});

test('causal attention: the output at step t does not depend on the inputs after t', () => {
  const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3, useCausalMask: true, dtype: 'float64', seed: 3 });
  const x = randn([2, 5, 4], 4);
  const y = layer.apply(x);
  // change the last two steps
  const x2 = nb.concat([nb.slice(x, [0, 0, 0], [-1, 3, -1]), randn([2, 2, 4], 5)], 1);
  const y2 = layer.apply(x2);
  assert.deepEqual(nb.slice(y2, [0, 0, 0], [-1, 3, -1]).toArray(), nb.slice(y, [0, 0, 0], [-1, 3, -1]).toArray());
  assert.notDeepEqual(nb.slice(y2, [0, 3, 0], [-1, 2, -1]).toArray(), nb.slice(y, [0, 3, 0], [-1, 2, -1]).toArray());
  // the call option overrides the constructor's, both ways
  assert.notDeepEqual(layer.apply(x, { useCausalMask: false }).toArray(), y.toArray());
  const plain = new MultiHeadAttention({ numHeads: 2, keyDim: 3, dtype: 'float64', seed: 3 });
  plain.apply(x);
  plain.setWeights(layer.getWeights());
  assert.deepEqual(plain.apply(x, { useCausalMask: true }).toArray(), y.toArray());
});

test('padding masks: an Embedding with maskZero masks the padded keys, and the output carries the mask on', () => {
  nb.seed(5);
  const emb = nb.layers.embedding({ inputDim: 6, outputDim: 4, maskZero: true, dtype: 'float64' });
  const att = nb.layers.multiHeadAttention({ numHeads: 2, keyDim: 2, dtype: 'float64' });
  const ids = nb.tensor(
    [
      [1, 2, 3, 0, 0],
      [4, 5, 1, 2, 3],
    ],
    undefined,
    'int32',
  );
  const e = emb.apply(ids);
  const [y, scores] = att.apply(e, { returnAttentionScores: true });
  const s = scores.toArray() as number[][][][];
  // example 0: no query attends to the padded steps 3 and 4
  for (const head of s[0]!) for (const row of head.slice(0, 3)) assert.deepEqual(row.slice(3), [0, 0]);
  // the same as the explicit masks
  const m = nb.notEqual(ids, 0);
  assert.deepEqual(y.toArray(), att.apply(nb.add(e, 0), { queryMask: m, valueMask: m }).toArray());
  // the output carries the query's mask, so a recurrent layer after it skips the padding
  const rnn = nb.layers.simpleRNN({ units: 3, dtype: 'float64', seed: 1 });
  assert.deepEqual(rnn.apply(y).toArray(), rnn.callWithState(nb.add(y, 0), undefined, { mask: m }).output.toArray());
  assert.notDeepEqual(rnn.apply(y).toArray(), rnn.apply(nb.add(y, 0)).toArray());
});

test('cross-attention: query and value of different lengths and widths; the key defaults to the value', () => {
  const layer = nb.layers.multiHeadAttention({ numHeads: 3, keyDim: 2, valueDim: 4, outputShape: 5, dtype: 'float64', seed: 2 });
  const q = randn([2, 3, 6], 1),
    v = randn([2, 7, 4], 2);
  const y = layer.apply([q, v]);
  assert.deepEqual(y.shape, [2, 3, 5]);
  assert.deepEqual(
    layer.getWeights().map((w) => w.shape),
    [[6, 3, 2], [3, 2], [4, 3, 2], [3, 2], [4, 3, 4], [3, 4], [3, 4, 5], [5]],
  );
  assert.deepEqual(layer.apply([q, v, v]).toArray(), y.toArray());
  assert.deepEqual(
    layer.computeOutputShape([
      [null, 3, 6],
      [null, 7, 4],
    ]),
    [null, 3, 5],
  );
  assert.deepEqual(layer.computeOutputShape([null, 9, 6]), [null, 9, 5]);
});

// ---- finite differences --------------------------------------------------------------

/** (inputs..., weights...) → the layer's output, for gradCheck. */
function asFunction(layer: MultiHeadAttention, inputs: number, opts: AttentionApplyOptions) {
  const ws = layer.parameters();
  return (...args: Tensor[]) => {
    const saved = ws.map((v, i) => v.swap(args[inputs + i]!));
    try {
      return layer.apply(inputs === 1 ? args[0]! : args.slice(0, inputs), opts);
    } finally {
      ws.forEach((v, i) => v.swap(saved[i]!));
    }
  };
}

/** A layer with random weights, biases included. */
function randomLayer(args: ConstructorParameters<typeof MultiHeadAttention>[0], inputs: Tensor[], seed: number): MultiHeadAttention {
  const layer = new MultiHeadAttention({ ...args, dtype: 'float64', seed });
  layer.apply(inputs.length === 1 ? inputs[0]! : inputs);
  layer.setWeights(layer.getWeights().map((w, i) => randn([...w.shape], seed * 10 + i, 0.5)));
  return layer;
}

test('gradients with respect to inputs and weights agree with finite differences (order 1): causal self-attention with padding', () => {
  const x = randn([2, 4, 3], 1);
  const layer = randomLayer({ numHeads: 2, keyDim: 2, useCausalMask: true }, [x], 2);
  const opts = { valueMask: nb.tensor([1, 1, 1, 0, 1, 1, 1, 1], [2, 4]) };
  const r = nb.gradCheck(asFunction(layer, 1, opts), [x, ...layer.getWeights()], { order: 1 });
  assert.ok(r.passed, JSON.stringify(r.levels));
});

test('gradients agree with finite differences (order 1): cross-attention with query, key and attention masks', () => {
  const q = randn([2, 2, 3], 3),
    v = randn([2, 3, 2], 4),
    k = randn([2, 3, 4], 5);
  const layer = randomLayer({ numHeads: 2, keyDim: 2, valueDim: 3, outputShape: 2 }, [q, v, k], 6);
  const opts = {
    queryMask: nb.tensor([1, 0, 1, 1], [2, 2]),
    keyMask: nb.tensor([1, 1, 0, 1, 1, 1], [2, 3]),
    attentionMask: nb.tensor([1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0], [2, 2, 3]),
  };
  const r = nb.gradCheck(asFunction(layer, 3, opts), [q, v, k, ...layer.getWeights()], { order: 1 });
  assert.ok(r.passed, JSON.stringify(r.levels));
});

test('second derivatives agree with finite differences (order 2, tiny causal case)', () => {
  const x = randn([1, 3, 2], 7);
  const layer = randomLayer({ numHeads: 2, keyDim: 1, useCausalMask: true }, [x], 8);
  const r = nb.gradCheck(asFunction(layer, 1, {}), [x, ...layer.getWeights()], { order: 2 });
  assert.ok(r.passed, JSON.stringify(r.levels));
});

// ---- the layer as a whole ----------------------------------------------------------------

test('MultiHeadAttention passes the layer conformance check (self-attention, plain and causal)', () => {
  checkLayer({
    make: (a) => nb.layers.multiHeadAttention({ numHeads: 2, keyDim: 3, ...a }),
    inputShape: [4, 5],
    outputShape: [4, 5],
    params: 3 * (5 * 2 * 3 + 2 * 3) + 2 * 3 * 5 + 5,
  });
  checkLayer({
    make: (a) => nb.layers.multiHeadAttention({ numHeads: 3, keyDim: 2, valueDim: 1, outputShape: 2, useCausalMask: true, useBias: false, ...a }),
    inputShape: [3, 4],
    outputShape: [3, 2],
    params: 2 * (4 * 3 * 2) + 4 * 3 * 1 + 3 * 1 * 2,
  });
});

test('config round trip, and save/load of a model with an attention layer', async () => {
  const layer = nb.layers.multiHeadAttention({
    numHeads: 2,
    keyDim: 3,
    valueDim: 4,
    dropout: 0.1,
    outputShape: 6,
    useCausalMask: true,
    kernelInitializer: 'heNormal',
    kernelRegularizer: nb.regularizers.l2(0.01),
    name: 'att',
  });
  const config = JSON.parse(JSON.stringify(layer.getConfig()));
  assert.equal(config.numHeads, 2);
  assert.equal(config.useCausalMask, true);
  const again = layerFromConfig({ className: 'MultiHeadAttention', config });
  assert.deepEqual(again.getConfig(), config);

  nb.seed(4);
  const model = nb.sequential([
    nb.layers.multiHeadAttention({ numHeads: 2, keyDim: 2, useCausalMask: true, inputShape: [5, 4] }),
    nb.layers.flatten(),
    nb.layers.dense({ units: 2 }),
  ]);
  const x = nb.randomNormal([3, 5, 4]);
  const path = join(dir, 'att.nabla');
  await model.save(path);
  const loaded = await nb.loadModel(path);
  assert.deepEqual(loaded.predict(x).toArray(), model.predict(x).toArray());
  assert.equal((loaded.layers[0] as MultiHeadAttention).useCausalMask, true);
  assert.match(model.summary(null), /multi_head_attention_\d+ \(MultiHeadAttention\)\s+\[null,5,4\]\s+80/);
});

test('a Sequential with attention learns to copy the previous step (loss falls)', async () => {
  nb.seed(6);
  // y[t] = x[t-1]: only attention (causal, to the step before) can do it
  const n = 64,
    T = 6;
  const x = nb.randomNormal([n, T, 2]);
  const y = nb.concat([nb.zeros([n, 1, 2]), nb.slice(x, [0, 0, 0], [-1, T - 1, -1])], 1);
  const pos = nb.tile(nb.reshape(nb.eye(T), [1, T, T]), [n, 1, 1]);
  const xin = nb.concat([x, pos], 2);
  const model = nb.sequential([
    nb.layers.multiHeadAttention({ numHeads: 1, keyDim: 8, useCausalMask: true, inputShape: [T, 2 + T] }),
    nb.layers.dense({ units: 2 }),
  ]);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.03 }), loss: 'meanSquaredError' });
  const before = model.evaluate(xin, y).loss;
  await model.fit(xin, y, { epochs: 30, batchSize: 16, verbose: 0 });
  const afterLoss = model.evaluate(xin, y).loss;
  assert.ok(afterLoss! < before! / 2, `loss ${before} → ${afterLoss}`);
});

test('dropout on the attention probabilities is active only in training and keeps the expectation', () => {
  const layer = new MultiHeadAttention({ numHeads: 1, keyDim: 2, dropout: 0.5, seed: 1 });
  const x = nb.randomNormal([2, 4, 3]);
  assert.deepEqual(layer.apply(x).toArray(), layer.apply(x, { training: false }).toArray());
  assert.notDeepEqual(layer.apply(x, { training: true }).toArray(), layer.apply(x).toArray());
});

test('clear errors for bad options and inputs', () => {
  const L = nb.layers;
  assert.throws(() => L.multiHeadAttention({ numHeads: 2 } as never), /multiHeadAttention: keyDim is required/);
  assert.throws(() => L.multiHeadAttention({ keyDim: 2 } as never), /multiHeadAttention: numHeads is required/);
  assert.throws(() => L.multiHeadAttention({ numHeads: 0, keyDim: 2 }), /multiHeadAttention: numHeads must be a positive integer, got 0/);
  assert.throws(() => L.multiHeadAttention({ numHeads: 2, keyDim: 2, dropout: 1 }), /dropout must be a number in \[0, 1\)/);
  assert.throws(() => L.multiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: [1, 2] }), /attentionAxes \[.*\] is not supported/);
  assert.throws(() => L.multiHeadAttention({ numHeads: 2, keyDim: 2, keyDims: 3 } as never), /unknown option 'keyDims' \(did you mean 'keyDim'\?\)/);
  const layer = L.multiHeadAttention({ numHeads: 2, keyDim: 2, name: 'att' });
  assert.throws(() => layer.apply(nb.zeros([2, 3])), /att: query shape \[2,3\]: expects rank 3, \[batch, time, features\]/);
  layer.apply(nb.zeros([2, 3, 4]));
  assert.throws(() => layer.apply(nb.zeros([2, 3, 5])), /att: query shape \[2,3,5\] does not fit: its query kernel \[4,2,2\] expects last dimension 4/);
  assert.throws(
    () => layer.apply([nb.zeros([2, 3, 4]), nb.zeros([2, 5, 3])]),
    /att: value shape \[2,5,3\] does not fit: its value kernel \[4,2,2\] expects last dimension 4/,
  );
  assert.throws(
    () => layer.apply([nb.zeros([2, 3, 4]), nb.zeros([2, 5, 4]), nb.zeros([2, 4, 4])]),
    /key shape \[2,4,4\] and value shape \[2,5,4\] have different lengths/,
  );
  assert.throws(() => layer.apply([nb.zeros([2, 3, 4]), nb.zeros([3, 5, 4])]), /different batch sizes/);
  assert.throws(
    () => layer.apply(nb.zeros([2, 3, 4]), { attentionMask: nb.ones([2, 3, 4]) }),
    /att: attentionMask shape \[2,3,4\] does not fit query \[2,3,4\] and key \[2,3,4\]: expected \[2,3,3\]/,
  );
  assert.throws(
    () => layer.apply(nb.zeros([2, 3, 4]), { queryMask: nb.ones([2, 4]) }),
    /att: queryMask shape \[2,4\] does not fit its input \[2,3,4\]: expected \[2,3\]/,
  );
  assert.throws(() => layer.apply(nb.zeros([2, 3, 4]), { useCausalMask: 1 as never }), /useCausalMask must be true or false/);
  assert.throws(
    () => layer.apply([nb.zeros([2, 3, 4]), nb.zeros([2, 3, 4]), nb.zeros([2, 3, 4]), nb.zeros([2, 3, 4])]),
    /expects a tensor \(self-attention\) or \[query, value\] or \[query, value, key\], got a list of 4/,
  );
  assert.throws(() => layer.computeOutputShape([null, 3, 5]), /att: query shape \[null,3,5\] does not fit: expected \[batch, time, 4\]/);
});
