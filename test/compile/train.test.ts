import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { compiledRuns, compiledTrainStep } from '../../src/compile/train.js';
import { resident } from '../../src/tensor/variable.js';

/** Bit for bit equal arrays. */
function sameData(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i} is ${b[i]} compiled, ${a[i]} eager`);
}

interface Case {
  name: string;
  layers: () => nb.nn.Layer[];
  x: number[];
  classes: number;
}

const CASES: Case[] = [
  {
    name: 'MLP with dropout',
    layers: () => [
      nb.layers.dense({ units: 16, activation: 'relu', inputShape: [12] }),
      nb.layers.dropout({ rate: 0.3 }),
      nb.layers.dense({ units: 16, activation: 'tanh' }),
      nb.layers.dense({ units: 4, activation: 'softmax' }),
    ],
    x: [12],
    classes: 4,
  },
  {
    name: 'CNN',
    layers: () => [
      nb.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
      nb.layers.maxPooling2d({ poolSize: 2 }),
      nb.layers.flatten(),
      nb.layers.dense({ units: 3, activation: 'softmax' }),
    ],
    x: [8, 8, 1],
    classes: 3,
  },
  {
    name: 'LSTM',
    layers: () => [nb.layers.lstm({ units: 8, inputShape: [5, 3] }), nb.layers.dense({ units: 2, activation: 'softmax' })],
    x: [5, 3],
    classes: 2,
  },
  {
    name: 'batch normalisation',
    layers: () => [
      nb.layers.dense({ units: 10, inputShape: [6] }),
      nb.layers.batchNormalization(),
      nb.layers.activation({ activation: 'relu' }),
      nb.layers.dense({ units: 3, activation: 'softmax' }),
    ],
    x: [6],
    classes: 3,
  },
];

function data(c: Case, n: number): [Tensor, Tensor] {
  const g = new nb.Generator(3);
  const x = nb.randomNormal([n, ...c.x], 0, 1, { generator: g });
  const labels = nb.tensor(
    Array.from({ length: n }, (_, i) => (i * 7) % c.classes),
    [n],
    'int32',
  );
  return [x, nb.oneHot(labels, c.classes)];
}

async function train(
  c: Case,
  jitCompile: boolean,
  optimizer: () => nb.optimizers.Optimizer,
): Promise<{ model: nb.Sequential; losses: number[]; history: Record<string, number[]> }> {
  nb.seed(21);
  const model = nb.sequential(c.layers());
  model.compile({ optimizer: optimizer(), loss: 'categoricalCrossentropy', metrics: ['accuracy'], jitCompile });
  const [x, y] = data(c, 40);
  nb.seed(22); // the same shuffles and dropout masks
  // 16, 16 and a partial 8; validated after every epoch (evaluate's compiled step between training steps)
  const h = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, validationData: data(c, 12) });
  return { model, losses: h.history.loss as number[], history: h.history as Record<string, number[]> };
}

for (const c of CASES) {
  test(`compiled fit equals eager fit bit for bit: ${c.name} (weights, state, losses, evaluate, predict)`, async () => {
    const opt = () => nb.optimizers.adam({ learningRate: 0.01 });
    const eager = await train(c, false, opt);
    const before = compiledRuns.steps;
    const compiled = await train(c, true, opt);
    // 3 epochs of 3 batches, every one compiled (the first with the fresh moments the optimiser gives)
    assert.equal(compiledRuns.steps - before, 9, 'steps that ran compiled');
    sameData(eager.losses, compiled.losses, 'epoch losses');
    for (const k of ['val_loss', 'accuracy', 'val_accuracy']) sameData(eager.history[k]!, compiled.history[k]!, k);
    // the validation saw the weights change (a trace of evaluate's step once recorded the write-back
    // of the held weights as its own assignment, and every validation put the first epoch's weights back)
    assert.notEqual(compiled.history['val_loss']![0], compiled.history['val_loss']![2]);
    const we = eager.model.getWeights(),
      wc = compiled.model.getWeights();
    assert.equal(we.length, wc.length);
    we.forEach((w, i) => sameData(w.data(), wc[i]!.data(), `weight ${i}`));
    const [x, y] = data(c, 21);
    sameData(eager.model.predict(x, { batchSize: 8 }).data(), compiled.model.predict(x, { batchSize: 8 }).data(), 'predict');
    const ee = eager.model.evaluate(x, y, { batchSize: 8 }),
      ec = compiled.model.evaluate(x, y, { batchSize: 8 });
    assert.deepEqual(ec, ee);
  });
}

test('compiled fit with SGD and momentum, and with Adam on a learning-rate schedule, equals eager', async () => {
  const c = CASES[0]!;
  for (const opt of [
    () => nb.optimizers.sgd({ learningRate: 0.05, momentum: 0.9 }),
    () => nb.optimizers.adam({ learningRate: (step: number) => 0.01 / (1 + step) }),
  ]) {
    const eager = await train(c, false, opt);
    const before = compiledRuns.steps;
    const compiled = await train(c, true, opt);
    assert.ok(compiledRuns.steps - before >= 9);
    eager.model.getWeights().forEach((w, i) => sameData(w.data(), compiled.model.getWeights()[i]!.data(), `weight ${i}`));
  }
});

test('compiled training steps give the eager loss, outputs, gradients, parameters and optimiser slots, held between steps', () => {
  nb.seed(5);
  const model = nb.sequential([nb.layers.dense({ units: 8, activation: 'relu', inputShape: [5] }), nb.layers.dense({ units: 2 })]);
  const optimizer = nb.optimizers.adam({ learningRate: 0.02 });
  const trainer = nb.makeTrainStep(model, { loss: 'mse', optimizer });
  const vars = model.trainableWeights;
  const step = compiledTrainStep(trainer, optimizer, vars, { silent: false })!;
  const batch = { x: nb.randomNormal([6, 5]), y: nb.randomNormal([6, 2]) };
  let params = trainer.params(),
    state = optimizer.init(vars);
  // from the first update on (the optimiser gives fresh slots for it, as its eager step creates them)
  for (let i = 0; i < 3; i++) {
    const e = trainer(params, state, batch);
    const c = step.run(batch)!;
    sameData(e.loss.data(), c.loss.data(), 'loss');
    sameData(e.outputs.data(), c.outputs().data(), 'outputs');
    for (const k of trainer.names) {
      sameData(e.grads[k]!.data(), c.grads[k]!.data(), `gradient of ${k}`);
      sameData(e.params[k]!.data(), c.params[k]!.data(), `new ${k}`);
    }
    c.commit();
    // held in the step between steps: the variables get them back when read
    assert.notEqual(resident.owner, null, `step ${i}: the weights are held by the step`);
    ({ params, optState: state } = e);
  }
  vars.forEach((v, j) => sameData(params[trainer.names[j]!]!.data(), v.value.data(), `variable ${v.name} after 3 held steps`));
  assert.equal(resident.owner, null, 'reading a variable settles the held values');
  const held = optimizer.stateOf(vars);
  assert.equal(held.iterations, state.iterations);
  state.parameters.forEach((p, j) => {
    assert.equal(held.parameters[j]!.updates, p.updates);
    for (const s of ['m', 'v']) sameData(p.slots[s]!.data(), held.parameters[j]!.slots[s]!.data(), `slot ${s} of parameter ${j}`);
  });
  // a value assigned from outside while the step holds the weights wins: it is never overwritten later
  step.run(batch)!.commit();
  assert.notEqual(resident.owner, null);
  const zeros = nb.zeros(vars[0]!.shape);
  vars[0]!.assign(zeros);
  sameData(zeros.data(), vars[0]!.value.data(), 'the assigned value');
  const after = trainer(trainer.params(), optimizer.stateOf(vars), batch);
  const c = step.run(batch)!;
  sameData(after.params[trainer.names[0]!]!.data(), c.params[trainer.names[0]!]!.data(), 'a step from the assigned value');
  // a step that is not committed leaves the held values as they were (a diverged step is discarded)
  c.commit();
  const kept = vars.map((v) => v.value.data());
  step.run(batch);
  vars.forEach((v, j) => sameData(kept[j]!, v.value.data(), `variable ${v.name} after an uncommitted step`));
  // a schedule with another optimiser, or an optimiser of the user's own, is not compiled
  assert.equal(compiledTrainStep(trainer, nb.optimizers.sgd({ learningRate: (s: number) => 1 / (s + 1) }), vars, { silent: true }), null);
  class MyAdam extends nb.optimizers.Adam {}
  assert.equal(compiledTrainStep(trainer, new MyAdam(), vars, { silent: true }), null);
});

test('compile checks jitCompile', () => {
  const model = nb.sequential([nb.layers.dense({ units: 1, inputShape: [1] })]);
  assert.throws(() => model.compile({ optimizer: 'sgd', loss: 'mse', jitCompile: 'yes' as never }), /jitCompile must be a boolean/);
});

test('sparse categorical cross-entropy compiles: fit checks every label once, and trains as eagerly', async () => {
  const run = async (jitCompile: boolean, labels: number[]) => {
    nb.seed(9);
    const model = nb.sequential([nb.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), nb.layers.dense({ units: 3, activation: 'softmax' })]);
    model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.05 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], jitCompile });
    const x = nb.randomNormal([labels.length, 4]);
    nb.seed(10);
    const h = await model.fit(x, nb.tensor(labels, [labels.length]), { epochs: 3, batchSize: 4, verbose: 0 });
    return { model, losses: h.history.loss as number[], accuracy: h.history.accuracy as number[] };
  };
  const labels = [0, 1, 2, 1, 0, 2, 2, 1, 0, 1];
  const eager = await run(false, labels);
  const before = compiledRuns.steps;
  const compiled = await run(true, labels);
  assert.equal(compiledRuns.steps - before, 9, 'every step ran compiled');
  sameData(eager.losses, compiled.losses, 'epoch losses');
  sameData(eager.accuracy, compiled.accuracy, 'epoch accuracy');
  eager.model.getWeights().forEach((w, i) => sameData(w.data(), compiled.model.getWeights()[i]!.data(), `weight ${i}`));
  // a label out of range, or not a whole number, is refused before training, naming the example
  await assert.rejects(run(true, [0, 1, 2, 3, 0, 1, 2, 1, 0, 1]), {
    name: 'ArgumentError',
    message: 'fit: y must hold integer class indices in [0, 3) for sparseCategoricalCrossentropy (the model has 3 outputs), got 3 for example 3',
  });
  await assert.rejects(run(true, [0, 1, 2, 1, 0.5, 1, 2, 1, 0, 1]), { name: 'ArgumentError', message: /got 0\.5 for example 4$/ });
  // nb.jit on the loss itself still cannot check traced labels: it runs eagerly (and the eager check holds)
  const jitted = nb.jit((y: Tensor, p: Tensor) => nb.losses.sparseCategoricalCrossentropy(y, p), { strict: true });
  assert.throws(
    () =>
      jitted(
        nb.tensor([0, 1]),
        nb.tensor([
          [0.5, 0.5],
          [0.2, 0.8],
        ]),
      ),
    { name: 'TraceError' },
  );
});

test('compiled fit equals eager fit bit for bit with what users do around it: validation, early stopping, sample weights, weights read, set and saved by callbacks, predict, sharpness, two fits', async () => {
  const g = new nb.Generator(3);
  const x = nb.randomNormal([96, 10], 0, 1, { generator: g });
  const y = nb.oneHot(nb.argmax(nb.matmul(x, nb.randomNormal([10, 3], 0, 1, { generator: g })), 1), 3);
  const vx = nb.randomNormal([30, 10], 0, 1, { generator: g });
  const vy = nb.oneHot(nb.argmax(nb.matmul(vx, nb.randomNormal([10, 3], 0, 1, { generator: g })), 1), 3);
  const sampleWeight = nb.randomUniform([96], 0.5, 1.5, { generator: g });
  type Variant = (model: nb.Sequential) => { opts?: Record<string, unknown>; callbacks?: nb.Callback[]; before?: () => Promise<unknown> };
  const variants: Record<string, Variant> = {
    validationSplit: () => ({ opts: { validationSplit: 0.25 } }),
    earlyStopping: () => ({
      opts: { validationData: [vx, vy] },
      callbacks: [nb.callbacks.earlyStopping({ monitor: 'val_loss', patience: 1, restoreBestWeights: true })],
    }),
    sampleWeight: () => ({ opts: { sampleWeight, validationData: [vx, vy] } }),
    'weights read mid-epoch': (m) => ({ callbacks: [{ onBatchEnd: (b: number) => void (b % 2 === 0 && m.getWeights()) }] }),
    'weights set between epochs': (m) => ({
      callbacks: [{ onEpochEnd: (e: number) => void (e === 2 && m.setWeights(m.getWeights().map((w) => nb.mul(w, 0.9)))) }],
    }),
    'saved and predicting each epoch': (m) => ({ callbacks: [{ onEpochEnd: async () => void (await nb.io.encodeModel(m), m.predict(vx)) }] }),
    sharpness: () => ({ callbacks: [nb.callbacks.sharpness({ x: nb.slice(x, [0], [32]), y: nb.slice(y, [0], [32]), every: 2, maxIterations: 5 })] }),
    'a fit before': (m) => ({ before: () => m.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, validationData: [vx, vy] }) }),
  };
  const run = async (jitCompile: boolean, variant: Variant) => {
    nb.seed(21);
    const model = nb.sequential([
      nb.layers.dense({ units: 16, activation: 'relu', inputShape: [10] }),
      nb.layers.batchNormalization(),
      nb.layers.dropout({ rate: 0.2 }),
      nb.layers.dense({ units: 3, activation: 'softmax' }),
    ]);
    model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'], jitCompile });
    nb.seed(22);
    const v = variant(model);
    await v.before?.();
    const h = await model.fit(x, y, { epochs: 6, batchSize: 16, verbose: 0, ...v.opts, callbacks: v.callbacks ?? [] });
    return { history: h.history, weights: model.getWeights().map((t) => [...t.data()]), evaluated: model.evaluate(vx, vy) };
  };
  for (const [name, variant] of Object.entries(variants)) {
    const eager = await run(false, variant),
      compiled = await run(true, variant);
    assert.deepEqual(compiled, eager, name);
  }
});
