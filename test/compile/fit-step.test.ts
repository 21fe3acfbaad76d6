// fit's compiled step: metrics computed inside the plan, gradients read from
// the plan only to diagnose a divergence, small exact ops in wasm.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { compiledRuns } from '../../src/compile/train.js';
import { makeJit } from '../../src/compile/jit.js';
import { batchStatistic } from '../../src/metrics/metric.js';
import { pickRows } from '../../src/train/data.js';

/** Bit for bit equal arrays. */
function sameData(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i} is ${b[i]}, expected ${a[i]}`);
}

/** A Metric object delegating to `inner`: not a built-in, so fit updates it eagerly with (y, outputs) as before. */
function eagerCopy(inner: nb.metrics.Metric, name: string): nb.metrics.Metric {
  return { name, reset: () => inner.reset(), update: (t, p) => inner.update(t, p), result: () => inner.result() };
}

/** A built-in metric whose eager update must not be called (fit computes its statistic inside the step). */
function inStep(name: string, loss: MetricCase['loss']): nb.metrics.Metric {
  const m = nb.metrics.getMetric(name as nb.metrics.MetricName, loss);
  assert.ok(batchStatistic(m), `${name} has a batch statistic`);
  m.update = () => assert.fail(`${name}: fit called update instead of folding the step's values`);
  return m;
}

interface MetricCase {
  name: string;
  loss: 'categoricalCrossentropy' | ((yTrue: nb.TensorLike, yPred: nb.TensorLike) => Tensor);
  labels: (i: number) => number;
  y: (labels: Tensor) => Tensor;
  /** Labels of the outputs' shape: mse applies too. */
  mse: boolean;
}

const METRIC_CASES: MetricCase[] = [
  { name: 'one-hot labels', loss: 'categoricalCrossentropy', labels: (i) => (i * 7) % 4, y: (l) => nb.oneHot(l, 4), mse: true },
  // sparseCategoricalCrossentropy checks the labels' values, so it is not traced: a loss on the outputs only here,
  // and 'accuracy' picks the sparse accuracy by the shapes
  {
    name: 'integer labels',
    loss: (_t: nb.TensorLike, p: nb.TensorLike) => nb.mean(nb.square(nb.sub(p, 0.25))),
    labels: (i) => (i * 5) % 4,
    y: (l) => nb.cast(l, 'float32'),
    mse: false,
  },
];

for (const c of METRIC_CASES) {
  test(`fit's built-in metrics are computed inside the step, equal to Metric.update's values (${c.name}, compiled and eager)`, async () => {
    const histories: Record<string, number[]>[] = [];
    for (const jitCompile of [true, false]) {
      nb.seed(31);
      const model = nb.sequential([
        nb.layers.dense({ units: 12, activation: 'relu', inputShape: [6] }),
        nb.layers.dropout({ rate: 0.2 }),
        nb.layers.dense({ units: 4, activation: 'softmax' }),
      ]);
      const ref = (name: string) => eagerCopy(nb.metrics.getMetric(name as nb.metrics.MetricName, c.loss), `${name}_ref`);
      model.compile({
        optimizer: nb.optimizers.adam({ learningRate: 0.05 }),
        loss: c.loss,
        metrics: [inStep('accuracy', c.loss), ref('accuracy'), ...(c.mse ? [inStep('mse', c.loss), ref('mse')] : []), 'precision'],
        jitCompile,
      });
      const x = nb.randomNormal([44, 6], 0, 1, { generator: new nb.Generator(4) });
      const labels = nb.tensor(
        Array.from({ length: 44 }, (_, i) => c.labels(i)),
        [44],
        'int32',
      );
      const y = c.y(labels);
      const before = compiledRuns.steps;
      nb.seed(32);
      const h = await model.fit(x, y, { epochs: 4, batchSize: 16, verbose: 0 }); // 16, 16 and a partial 12
      if (jitCompile) assert.equal(compiledRuns.steps - before, 12, 'every step ran compiled');
      else assert.equal(compiledRuns.steps, before);
      const hist = h.history as Record<string, number[]>;
      sameData(hist['accuracy_ref']!, hist['accuracy']!, 'accuracy folded from the step against Metric.update');
      assert.ok(hist['accuracy']!.some((a) => a > 0 && a < 1));
      if (c.mse) sameData(hist['mse_ref']!, hist['mse']!, 'mse folded from the step against Metric.update');
      assert.ok(hist['precision']!.every(Number.isFinite));
      histories.push(hist);
    }
    for (const k of ['loss', 'accuracy', ...(c.mse ? ['mse'] : []), 'precision'])
      sameData(histories[1]![k]!, histories[0]![k]!, `${k}: compiled against eager`);
  });
}

test('a custom mean metric and a Metric object stay eager (their update is called on the outputs)', async () => {
  nb.seed(3);
  const model = nb.sequential([nb.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
  let calls = 0;
  const custom = nb.metrics.meanMetric('custom', (t, p) => {
    calls++;
    return nb.metrics.categoricalAccuracy(t, p);
  });
  assert.equal(batchStatistic(custom), null);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: [custom, 'accuracy'], jitCompile: true });
  const x = nb.randomNormal([12, 2]);
  const y = nb.oneHot(nb.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], [12], 'int32'), 3);
  const h = await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  assert.equal(calls, 6, 'one eager update per batch');
  sameData(h.history['accuracy'] as number[], h.history['custom'] as number[], 'the same accuracy');
});

test('a non-finite gradient in a compiled step is diagnosed from the plan: the gradient named, the update undone', async () => {
  // the second term is √((ŷ·y)²): 0 for the batch whose labels are 0, where its derivative is 0/0 = NaN
  const loss = (yTrue: nb.TensorLike, yPred: nb.TensorLike) =>
    nb.add(nb.mean(nb.square(nb.sub(yPred, yTrue))), nb.mean(nb.sqrt(nb.square(nb.mul(yPred, yTrue)))));
  const model = nb.sequential([nb.layers.dense({ units: 1, inputShape: [2], name: 'only', kernelInitializer: 'ones' })]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.01 }), loss, jitCompile: true });
  const x = nb.ones([12, 2]);
  const y = nb.tensor([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0], [12, 1]);
  const before = compiledRuns.steps;
  let weights: number[][] = [];
  await assert.rejects(
    model.fit(x, y, {
      batchSize: 4,
      shuffle: false,
      verbose: 0,
      callbacks: [{ onBatchEnd: () => void (weights = model.getWeights().map((w) => w.toArray() as number[])) }],
    }),
    (e: Error) =>
      e instanceof nb.DivergenceError &&
      e.details.quantity === 'gradient' &&
      e.details.variable === 'only/kernel' &&
      Number.isNaN(e.details.value) &&
      /batch 3\/3/.test(e.message),
  );
  assert.equal(compiledRuns.steps - before, 3, 'the three steps ran compiled');
  assert.deepEqual(
    model.getWeights().map((w) => w.toArray()),
    weights,
    'the weights after the second batch',
  );
});

test('a plan defers outputs: read on demand until its next run', () => {
  const f = (a: Tensor, b: Tensor) => ({ sum: nb.add(a, b), prod: nb.mul(a, b) });
  const { planFor } = makeJit(f as (...args: never[]) => unknown);
  const a = nb.tensor([1, 2, 3]),
    b = nb.tensor([4, 5, 6]);
  const plan = planFor([a, b])!;
  const tree = plan.outputTree as { prod: { output: number } };
  const r = plan.run([a, b], new Set([tree.prod.output]));
  const out = r.result as { sum: Tensor; prod: Tensor | null };
  assert.deepEqual(out.sum.toArray(), [5, 7, 9]);
  assert.equal(out.prod, null);
  assert.deepEqual(r.later(tree.prod.output).toArray(), [4, 10, 18]);
  assert.throws(() => r.later(1 - tree.prod.output), /was not deferred/);
  plan.run([b, a]);
  assert.throws(() => r.later(tree.prod.output), /has run again since/);
});

test('small exact elementwise ops run in wasm inside a plan, bit for bit as eagerly', () => {
  const special = [0, -0, 1e-45, -3e-39, 1.5, -2.25, 3.4e38, Infinity, -Infinity, NaN, 7, 1 / 3];
  const a = nb.tensor(special, [3, 4]);
  const b = nb.tensor([...special].reverse(), [3, 4]);
  const row = nb.tensor([0.1, -7, 1e-40, 3]);
  const f = (x: Tensor, y: Tensor, r: Tensor) => {
    const s = nb.add(x, y),
      d = nb.sub(x, r),
      p = nb.mul(s, d),
      q = nb.div(p, y);
    const c = nb.greater(q, x);
    return [s, d, p, q, nb.neg(q), nb.where(c, q, x), nb.cast(nb.lessEqual(x, r), 'float32')];
  };
  const jitted = nb.jit(f);
  const info = jitted.plan(a, b, row)!;
  if (nb.getBackend() === 'wasm' && info.memory.planned > 0)
    assert.equal(info.memory.ordinary, 1, `only the cast runs its ordinary kernel: ${JSON.stringify(info.memory)}`);
  const eager = f(a, b, row);
  const compiled = jitted(a, b, row) as Tensor[];
  eager.forEach((t, i) => sameData(t.data(), compiled[i]!.data(), `output ${i}`));
});

test("fit's batches (pickRows) copy rows without an op: the rows gather picks, for every dtype and rank", () => {
  const idx = Int32Array.from([3, 0, 2, 2]);
  const cases = [nb.randomNormal([5, 2, 3]), nb.tensor([4, 1, 0, 9, 7], [5], 'int32'), nb.greater(nb.randomNormal([5, 2]), 0)];
  for (const t of cases) {
    const picked = pickRows(t, idx);
    const ref = nb.gather(t, nb.tensor(idx, [4], 'int32'), 0);
    assert.deepEqual(picked.shape, ref.shape);
    assert.equal(picked.dtype, ref.dtype);
    sameData(ref.data() as ArrayLike<number>, picked.data() as ArrayLike<number>, `rows of ${t.dtype}`);
  }
});

test('fit called in a loop traces its step once and trains as eager fits do, bit for bit, whatever happens between fits', async () => {
  const results: Float32Array[][] = [];
  for (const jitCompile of [true, false]) {
    nb.seed(41);
    const first = nb.layers.dense({ units: 8, activation: 'tanh', inputShape: [5] });
    const model = nb.sequential([first, nb.layers.dense({ units: 3, activation: 'softmax' })]);
    model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.03 }), loss: 'categoricalCrossentropy', jitCompile });
    const x = nb.randomNormal([30, 5], 0, 1, { generator: new nb.Generator(6) });
    const y = nb.oneHot(
      nb.tensor(
        Array.from({ length: 30 }, (_, i) => (i * 7) % 3),
        [30],
        'int32',
      ),
      3,
    );
    const traces = compiledRuns.traces;
    nb.seed(42);
    for (let e = 0; e < 4; e++) await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 }); // 8, 8, 8 and a partial 6
    if (jitCompile) assert.equal(compiledRuns.traces - traces, 2, 'one plan per batch shape for all four fits');
    // between fits: the weights set from outside, which the next fit must start from
    model.setWeights(model.getWeights().map((w) => nb.mul(w, 0.5)));
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    if (jitCompile) assert.equal(compiledRuns.traces - traces, 2, 'set weights: the same plans');
    // a layer frozen: other variables train, so a new step
    const firstVars = model.weights.slice(0, 2); // the first layer's kernel and bias
    for (const v of firstVars) v.trainable = false;
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    if (jitCompile) assert.ok(compiledRuns.traces - traces > 2, 'a frozen layer: traced again');
    const frozen = first.getWeights().map((w) => w.toArray());
    for (const v of firstVars) v.trainable = true;
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    assert.notDeepEqual(
      first.getWeights().map((w) => w.toArray()),
      frozen,
      'unfrozen: the first layer trains again',
    );
    results.push(model.getWeights().map((w) => w.storage as Float32Array));
  }
  results[0]!.forEach((w, i) => sameData(results[1]![i]!, w, `weight ${i}: fits in a loop, compiled against eager`));
});

test('a fit that fails does not keep its compiled step: the next fit traces afresh and resumes from the last good weights', async () => {
  nb.seed(5);
  const model = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3] })]);
  model.compile({ optimizer: nb.optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError', jitCompile: true });
  const x = nb.randomNormal([8, 3]),
    y = nb.randomNormal([8, 2]);
  await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
  const traces = compiledRuns.traces;
  let seen: number[][] = [];
  await assert.rejects(
    model.fit(x, y, {
      epochs: 1,
      batchSize: 4,
      verbose: 0,
      callbacks: [
        {
          onBatchEnd: (b: number) => {
            seen = model.getWeights().map((w) => w.toArray() as number[]);
            if (b === 0) throw new Error('stop here');
          },
        },
      ],
    }),
    /stop here/,
  );
  assert.equal(compiledRuns.traces, traces, 'the failing fit reused the kept step');
  assert.deepEqual(
    model.getWeights().map((w) => w.toArray()),
    seen,
    'the weights of the last good step',
  );
  await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
  assert.equal(compiledRuns.traces, traces + 1, 'after a failure the next fit traces afresh');
});
