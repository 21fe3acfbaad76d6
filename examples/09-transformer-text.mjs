// A small GPT-style transformer learns to write like the book of Genesis, one character at a time.
// Token and learned position embeddings, then blocks of
//   x = x + attention(layerNorm(x))     (causal multi-head self-attention)
//   x = x + mlp(layerNorm(x))           (dense 4d with gelu, dense d)
// a final layer normalisation and a dense layer to the alphabet. Trained with Adam on the text
// that ships with nabla (data/web-genesis.txt.gz: Genesis in the World English Bible, public domain),
// forward and backward compiled by nb.jit, then it writes.
// Run: node examples/09-transformer-text.mjs   (QUICK=1 for a smoke run; STEPS=n to train longer)
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as nb from 'nabla';

const quick = Boolean(process.env.QUICK);
const cfg = quick
  ? { d: 16, heads: 2, blocks: 1, context: 16, batch: 4, steps: 3, lr: 3e-3, sample: 40 }
  : { d: 64, heads: 4, blocks: 2, context: 64, batch: 16, steps: Number(process.env.STEPS ?? 1200), lr: 3e-3, sample: 400 };

// ---- the text and its alphabet -------------------------------------------------------------
const text = gunzipSync(readFileSync(new URL('../data/web-genesis.txt.gz', import.meta.url))).toString('utf8');
const alphabet = [...new Set(text)].sort();
const index = new Map(alphabet.map((c, i) => [c, i]));
const ids = Int32Array.from(text, (c) => index.get(c));
const V = alphabet.length;
// the last tenth is held out, to see that the model generalises rather than memorises
const split = Math.floor(ids.length * 0.9);
console.log(`${text.length} characters, an alphabet of ${V}; ${split} to train on, ${ids.length - split} held out`);

// ---- the model -----------------------------------------------------------------------------
const L = nb.layers;
class Block extends nb.nn.Module {
  constructor(d, heads) {
    super();
    this.norm1 = this.registerModule('norm1', L.layerNormalization({ epsilon: 1e-5 }));
    this.attention = this.registerModule('attention', L.multiHeadAttention({ numHeads: heads, keyDim: d / heads, useCausalMask: true }));
    this.norm2 = this.registerModule('norm2', L.layerNormalization({ epsilon: 1e-5 }));
    this.up = this.registerModule('up', L.dense({ units: 4 * d, activation: 'gelu' }));
    this.down = this.registerModule('down', L.dense({ units: d }));
  }
  forward(x) {
    x = nb.add(x, this.attention.apply(this.norm1.apply(x)));
    return nb.add(x, this.down.apply(this.up.apply(this.norm2.apply(x))));
  }
}

class GPT extends nb.nn.Module {
  constructor({ d, heads, blocks, context }) {
    super();
    const table = (name, rows) => this.registerParameter(name, nb.variable(nb.randomNormal([rows, d], 0, 0.02), { name }));
    this.tokens = table('tokens', V); // a row per character
    this.positions = table('positions', context); // a row per position
    this.blocks = Array.from({ length: blocks }, (_, i) => this.registerModule(`block${i}`, new Block(d, heads)));
    this.norm = this.registerModule('norm', L.layerNormalization({ epsilon: 1e-5 }));
    this.head = this.registerModule('head', L.dense({ units: V }));
  }
  /**
   * Logits [batch, T, V] of the next character after each position of x [batch, T, V] (one-hot
   * characters: x·tokens picks their rows, as a gather would, in a form nb.jit compiles).
   */
  forward(x) {
    const T = x.shape[1];
    let h = nb.add(nb.matmul(x, this.tokens), nb.slice(this.positions, [0, 0], [T, -1]));
    for (const block of this.blocks) h = block.forward(h);
    return this.head.apply(this.norm.apply(h));
  }
}

nb.seed(0);
const model = new GPT(cfg);
const g = new nb.Generator(1);

/** Characters as one-hot rows [batch, T, V]. */
function oneHot(rows) {
  const T = rows[0].length,
    out = new Float32Array(rows.length * T * V);
  rows.forEach((row, b) => row.forEach((c, t) => (out[(b * T + t) * V + c] = 1)));
  return nb.tensor(out, [rows.length, T, V]);
}

/** A batch of random windows from ids[from, to): the characters and the ones after them, both one-hot. */
function batch(from, to) {
  const { batch: B, context: T } = cfg;
  const starts = Array.from({ length: B }, () => from + Math.floor(g.uniform() * (to - from - T - 1)));
  return [oneHot(starts.map((s) => ids.subarray(s, s + T))), oneHot(starts.map((s) => ids.subarray(s + 1, s + T + 1)))];
}

/** The mean cross-entropy (nats per character) of the next-character predictions. */
const lossOf = (x, y) => nb.neg(nb.mean(nb.sum(nb.mul(y, nb.logSoftmax(model.forward(x), -1)), -1)));

const [x0, y0] = batch(0, split);
const initial = lossOf(x0, y0).item(); // builds every layer (their weights are made from the first input)
const params = model.trainableParameters();
const count = params.reduce((n, p) => n + p.size, 0);
console.log(`${cfg.blocks} blocks, d = ${cfg.d}, ${cfg.heads} heads, context ${cfg.context}: ${count} parameters`);
console.log(`loss before training ${initial.toFixed(3)} (ln ${V} = ${Math.log(V).toFixed(3)} is a uniform guess)`);

const optimizer = nb.optimizers.adam({ learningRate: cfg.lr });
// forward and backward compiled into one plan (replayed for every batch: the model's variables are
// read afresh on each call); Adam's update runs eagerly after it, where it keeps its moments and step count
const lossAndGrads = nb.jit((x, y) => nb.valueAndGrad(() => lossOf(x, y))(params));
const step = (x, y) => {
  const [loss, grads] = lossAndGrads(x, y);
  optimizer.applyGradients(grads, params);
  return loss;
};
const heldOut = nb.jit((x, y) => lossOf(x, y));

const t0 = performance.now();
let running = initial;
for (let i = 1; i <= cfg.steps; i++) {
  const [x, y] = batch(0, split);
  running = 0.95 * running + 0.05 * step(x, y).item();
  if (i % 100 === 0 || i === cfg.steps) {
    const test = Array.from({ length: 4 }, () => heldOut(...batch(split, ids.length)).item()).reduce((a, b) => a + b) / 4;
    console.log(`step ${i}: training loss ${running.toFixed(3)}, held-out ${test.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

// ---- writing -----------------------------------------------------------------------------
/** Continues `prompt` by n characters, sampling each from softmax(logits / temperature). */
function generate(prompt, n, temperature = 0.8) {
  const out = Array.from(prompt, (c) => index.get(c));
  for (let k = 0; k < n; k++) {
    const window = out.slice(-cfg.context);
    const logits = nb.noGrad(() => model.forward(oneHot([window])));
    const last = nb.slice(logits, [0, window.length - 1, 0], [1, 1, V]).data();
    const top = Math.max(...last);
    const p = Array.from(last, (z) => Math.exp((z - top) / temperature));
    let u = g.uniform() * p.reduce((a, b) => a + b, 0),
      next = 0;
    while (next < V - 1 && (u -= p[next]) > 0) next++;
    out.push(next);
  }
  return out.map((i) => alphabet[i]).join('');
}
console.log(`\nSample (temperature 0.8):\n${generate('God said, ', cfg.sample)}`);
