import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const g = new nb.Generator(11);
const rand = (shape: number[]) => nb.randomNormal(shape, 0, 1, { generator: g });

/** Bit for bit: the same values, the same shape. */
function same(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  assert.equal(a.dtype, b.dtype, `${what}: dtype`);
  const x = a.data(),
    y = b.data();
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) assert.fail(`${what}: element ${i} is ${y[i]} compiled, ${x[i]} eager`);
}

for (const backend of ['wasm', 'js']) {
  test(`jit equals eager bit for bit on assorted functions (${backend})`, () => {
    nb.setBackend(backend);
    const cases: [string, (...a: Tensor[]) => Tensor, Tensor[]][] = [
      ['broadcasting', (a, b) => nb.div(nb.add(nb.mul(a, b), 1.5), nb.add(nb.abs(b), 1)), [rand([3, 1, 70]), rand([4, 70])]],
      ['reductions', (a) => nb.add(nb.sum(a, 0), nb.sub(nb.max(a, 1, true).reshape([-1]).slice([0], [5]), nb.mean(a))), [rand([5, 5])]],
      ['sum over rows of a large tensor', (a) => nb.sum(nb.exp(a), -1), [rand([33, 65])]],
      ['matmul', (a, b) => nb.tanh(nb.matmul(a, b)), [rand([17, 40]), rand([40, 23])]],
      ['batched matmul and transpose', (a, b) => nb.matmul(nb.transpose(a, [0, 2, 1]), b), [rand([2, 9, 4]), rand([2, 9, 6])]],
      ['softmax and logSoftmax', (a) => nb.add(nb.softmax(a, -1), nb.logSoftmax(a, 0)), [rand([8, 30])]],
      ['conv2d', (x, k) => nb.relu(nb.conv2d(x, k, 1, 'same')), [rand([2, 8, 8, 3]), rand([3, 3, 3, 4])]],
      ['where and comparisons', (a, b) => nb.where(nb.greater(a, b), nb.square(a), nb.neg(b)), [rand([6, 20]), rand([20])]],
    ];
    for (const [name, f, args] of cases) {
      const jf = nb.jit(f);
      same(f(...args), jf(...args), name);
      same(f(...args), jf(...args), `${name} (replayed)`);
      assert.equal(jf.stats.traces, 1, name);
      assert.equal(jf.stats.hits, 1, name);
    }
    nb.setBackend('wasm');
  });
}

test('jit(valueAndGrad(loss)) and grad inside jit give the eager values and gradients', () => {
  const W = rand([6, 4]),
    x = rand([10, 6]),
    y = rand([10, 4]);
  const loss = (w: Tensor, xb: Tensor, yb: Tensor) => nb.mean(nb.square(nb.sub(nb.softmax(nb.matmul(xb, w), -1), yb)));
  const eager = nb.valueAndGrad(loss)(W, x, y) as [Tensor, Tensor];
  const compiled = nb.jit(nb.valueAndGrad(loss));
  const [l, dw] = compiled(W, x, y) as [Tensor, Tensor];
  same(eager[0], l, 'loss');
  same(eager[1], dw, 'gradient');
  // the plan holds the backward equations: one trace, then replays
  compiled(W, x, y);
  assert.equal(compiled.stats.traces, 1);
  assert.ok((compiled.plan(W, x, y)?.nodes.length ?? 0) > 8, 'forward and backward in one plan');
  // grad inside the jitted function; a second-order derivative too
  const hvpLike = nb.jit((w: Tensor) => nb.grad((v: Tensor) => nb.sum(nb.grad((u: Tensor) => nb.sum(nb.pow(u, 3)))(v)))(w));
  same(nb.grad((v: Tensor) => nb.sum(nb.grad((u: Tensor) => nb.sum(nb.pow(u, 3)))(v)))(W), hvpLike(W), 'second derivative');
});

test('a jitted function inside grad stays differentiable (it runs eagerly there)', () => {
  const f = (x: Tensor) => nb.sum(nb.mul(nb.sin(x), nb.exp(x)));
  const jf = nb.jit(f);
  const x = rand([7]);
  same(nb.grad(f)(x), nb.grad(jf)(x), 'grad of a jitted function');
  assert.equal(jf.stats.traces, 0);
  assert.equal(jf.stats.eager, 1);
  same(f(x), jf(x), 'then compiled outside');
});

test('the cache holds cacheSize signatures, least recently used dropped; a new shape traces again', () => {
  const jf = nb.jit((x: Tensor) => nb.mul(x, 2), { cacheSize: 2 });
  const a = rand([2]),
    b = rand([3]),
    c = rand([4]);
  jf(a);
  jf(b);
  jf(a); // hit: a is now the most recent
  assert.deepEqual([jf.stats.traces, jf.stats.hits, jf.stats.cached], [2, 1, 2]);
  jf(c); // drops b
  jf(a); // still cached
  assert.deepEqual([jf.stats.traces, jf.stats.hits], [3, 2]);
  jf(b); // traced again
  assert.equal(jf.stats.traces, 4);
  assert.equal(jf.stats.cached, 2);
  // dtype and structure are part of the signature; so is a number argument
  const k = nb.jit((x: Tensor, s: number) => nb.mul(x, s));
  same(k(a, 2), nb.mul(a, 2), 'scale 2');
  same(k(a, 3), nb.mul(a, 3), 'scale 3');
  same(k(nb.cast(a, 'float64'), 3), nb.mul(nb.cast(a, 'float64'), 3), 'float64');
  assert.equal(k.stats.traces, 3);
  clearCacheRetraces();
});

function clearCacheRetraces(): void {
  const jf = nb.jit((x: Tensor) => nb.neg(x));
  const a = rand([2]);
  jf(a);
  jf.clearCache();
  jf(a);
  assert.equal(jf.stats.traces, 2);
}

test("an optimiser's applyGradients inside nb.jit runs eagerly (its state is outside the plan): Adam stays Adam", () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  try {
    const target = nb.tensor([1, -2, 3]);
    const run = (jitted: boolean) => {
      const w = new nb.Variable(nb.zeros([3]), { name: 'w' });
      const opt = nb.optimizers.adam({ learningRate: 0.1 });
      const step = function adamStep() {
        const [loss, gw] = nb.valueAndGrad((v: Tensor) => nb.sum(nb.square(nb.sub(v, target))))(w.value);
        opt.applyGradients([gw], [w]);
        return loss;
      };
      const f = jitted ? nb.jit(step) : step;
      for (let i = 0; i < 4; i++) f();
      return { w: w.value, iterations: opt.iterations };
    };
    const eager = run(false),
      compiled = run(true);
    same(eager.w, compiled.w, 'weights after 4 Adam steps');
    assert.equal(compiled.iterations, 4);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /applyGradients/);
    const strict = nb.jit(
      () => {
        const w = new nb.Variable(nb.zeros([2]));
        nb.optimizers.sgd({ learningRate: 0.1 }).applyGradients([nb.ones([2])], [w]);
        return w.value;
      },
      { strict: true },
    );
    assert.throws(
      () => strict(),
      (e: unknown) => e instanceof nb.TraceError && /applyGradients/.test(e.message) && /update/.test(e.message),
    );
  } finally {
    console.warn = warn;
  }
});

test('a function that reads a traced value runs eagerly with one warning, or throws with strict', () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  try {
    const f = function signFlip(x: Tensor) {
      return nb.sum(x).item() > 0 ? nb.neg(x) : x;
    };
    const jf = nb.jit(f);
    const x = rand([5]);
    same(f(x), jf(x), 'eager fallback');
    same(f(nb.neg(x)), jf(nb.neg(x)), 'eager fallback, again');
    jf(rand([6]));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /signFlip/);
    assert.match(warnings[0]!, /item/);
    assert.equal(jf.stats.eager, 3);
    assert.equal(jf.plan(x), null);
    const strict = nb.jit(f, { strict: true });
    assert.throws(
      () => strict(x),
      (e: unknown) => e instanceof nb.TraceError && /signFlip/.test(e.message) && /item/.test(e.message),
    );
  } finally {
    console.warn = warn;
  }
  assert.throws(() => nb.jit(3 as never), nb.ArgumentError);
  assert.throws(() => nb.jit((x: Tensor) => x, { cacheSize: 0 }), /cacheSize/);
  assert.throws(() => nb.jit((x: Tensor) => x, { bogus: 1 } as never), /unknown option 'bogus'/);
});

test('variables are read on every call and assignments are written back', () => {
  const w = nb.variable(nb.tensor([1, 2, 3]), { name: 'w' });
  const counter = nb.variable(nb.tensor([0]), { name: 'counter' });
  const f = nb.jit((x: Tensor) => {
    counter.assign(nb.add(counter, 1));
    return nb.mul(x, w);
  });
  const x = nb.tensor([1, 1, 1]);
  assert.deepEqual(Array.from(f(x).data()), [1, 2, 3]);
  w.assign(nb.tensor([5, 6, 7]));
  assert.deepEqual(Array.from(f(x).data()), [5, 6, 7]);
  f(x);
  assert.deepEqual(Array.from(counter.value.data()), [3]);
  assert.equal(f.stats.traces, 1);
  // an optimiser step inside the jitted function updates the variable it trains
  const v = nb.variable(nb.tensor([4, -2]), { name: 'v' });
  const opt = nb.optimizers.sgd({ learningRate: 0.25 });
  const step = nb.jit(() => {
    const [l, [gv]] = nb.valueAndGrad((vs: nb.Variable[]) => nb.sum(nb.square(vs[0]!)))([v]) as [Tensor, Tensor[]];
    opt.applyGradients([gv!], [v]);
    return l;
  });
  const ref = [4, -2];
  for (let i = 0; i < 3; i++) {
    const l = step();
    assert.equal(l.item(), ref[0]! ** 2 + ref[1]! ** 2);
    for (let k = 0; k < 2; k++) ref[k] = Math.fround(ref[k]! - Math.fround(0.25 * Math.fround(2 * ref[k]!)));
    assert.deepEqual(Array.from(v.value.data()), ref);
  }
});

test('random values are drawn again on every call, in the order and from the stream eager execution uses', () => {
  const f = (x: Tensor) => nb.add(nb.mul(x, nb.randomUniform(x.shape)), nb.randomNormal([x.shape[1]!]));
  const x = rand([3, 4]);
  nb.seed(9);
  const eager = [f(x), f(x), f(x)];
  const jf = nb.jit(f);
  nb.seed(9);
  const compiled = [jf(x), jf(x), jf(x)];
  eager.forEach((e, i) => same(e, compiled[i]!, `call ${i}`));
  assert.notDeepEqual(compiled[0]!.data(), compiled[1]!.data());
  assert.equal(jf.stats.traces, 1);
});

test('the passes merge repeated subexpressions and constants, fold constants and drop dead code', () => {
  const f = (x: Tensor) => {
    const a = nb.exp(nb.mul(x, 0.5));
    const b = nb.exp(nb.mul(x, 0.5)); // the same as a
    nb.log(x); // unused
    return nb.add(a, b);
  };
  const jf = nb.jit(f);
  const x = rand([4]);
  same(f(x), jf(x), 'value');
  const plan = jf.plan(x)!;
  assert.deepEqual(plan.passes, { traced: 6, folded: 0, merged: 2, absorbed: 0, removed: 1 });
  assert.deepEqual(
    plan.nodes.map((n) => n.prim),
    ['mul', 'exp', 'add'],
  );
  // an identity function: the output is the input itself
  const id = nb.jit((t: Tensor) => ({ t, n: 3 }));
  const r = id(x) as { t: Tensor; n: number };
  same(x, r.t, 'identity');
  assert.equal(r.n, 3);
});

test('on wasm the plan writes intermediates into blocks it holds, reused once their readers have run', () => {
  nb.setBackend('wasm');
  const f = (x: Tensor) => nb.tanh(nb.add(nb.mul(nb.exp(x), 2), 1));
  const jf = nb.jit(f);
  const x = rand([64, 64]);
  same(f(x), jf(x), 'value');
  same(f(x), jf(x), 'value, replayed');
  const m = jf.plan(x)!.memory;
  assert.equal(m.planned, 4);
  assert.equal(m.ordinary, 0);
  // exp → a, mul → b, add → a's block again, tanh → b's block again
  assert.equal(m.blocks, 2);
  assert.equal(m.unsharedBytes, 4 * 64 * 64 * 4);
  // a result leaves the plan as its own storage: the next call does not overwrite it
  const r1 = jf(x),
    r2 = jf(nb.neg(x));
  same(f(x), r1, 'first result kept');
  same(f(nb.neg(x)), r2, 'second result');
  nb.setBackend('js');
  assert.equal(jf.plan(x)!.memory.planned, 0, 'the js backend runs the ordinary kernels');
  nb.setBackend('wasm');
});

test('a model that builds its layers inside the jitted function gets values as initial weights, not random inputs', () => {
  nb.seed(8);
  const model = nb.sequential([nb.layers.dense({ units: 3 }), nb.layers.dense({ units: 2 })]); // no inputShape: built on the first call
  const predict = nb.jit((x: Tensor) => model.call(x, false));
  const x = rand([4, 5]);
  const first = predict(x);
  same(model.call(x, false), first, 'first call');
  same(model.call(x, false), predict(x), 'replayed');
  assert.equal(predict.stats.traces, 1);
});

test('a plan replays the same where code cannot be generated (a page whose Content-Security-Policy forbids it)', () => {
  nb.setBackend('wasm');
  const f = (a: Tensor, b: Tensor) => nb.sum(nb.relu(nb.add(nb.matmul(a, b), 0.5)), 1);
  const a = rand([40, 30]),
    b = rand([30, 50]);
  const generated = nb.jit(f)(a, b) as Tensor;
  const saved = globalThis.Function;
  let attempts = 0;
  // biome-ignore lint/complexity/useArrowFunction: the replay calls it with new, which an arrow function refuses
  globalThis.Function = function () {
    attempts++;
    throw new EvalError('Refused to evaluate a string as JavaScript');
  } as unknown as FunctionConstructor;
  let fallback: Tensor;
  try {
    fallback = nb.jit(f)(a, b) as Tensor;
  } finally {
    globalThis.Function = saved;
  }
  assert.ok(attempts > 0, 'the plan tried to generate its replay');
  same(f(a, b), generated, 'generated replay');
  same(f(a, b), fallback, 'closures');
});
