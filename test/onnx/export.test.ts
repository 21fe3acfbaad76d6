// ONNX export checked by ONNX Runtime: models (MLP, CNN, batch normalisation,
// recurrent) and traced functions exported by nabla, run by onnxruntime-web
// at several batch sizes (the batch is symbolic), give nabla's predictions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { exportModel, exportProgram, OnnxExportError } from '../../src/onnx/index.js';
import { runOnnx } from './ort.js';

function assertClose(got: nb.Tensor, want: nb.Tensor, what: string, tol = 1e-5): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  const g = got.storage,
    w = want.storage;
  for (let i = 0; i < w.length; i++) {
    const scale = Math.max(1, Math.abs(w[i]!));
    assert.ok(Math.abs(g[i]! - w[i]!) <= tol * scale, `${what}: entry ${i} is ${g[i]}, nabla says ${w[i]}`);
  }
}

async function checkModel(name: string, model: nb.Sequential, example: (m: number) => nb.Tensor, tol = 1e-5): Promise<void> {
  const bytes = exportModel(model);
  for (const m of [1, 5]) {
    const x = example(m);
    const { Y } = await runOnnx(bytes, { X: x });
    assertClose(Y!, model.predict(x), `${name}, batch ${m}`, tol);
  }
}

test('an MLP exported to ONNX predicts as nabla does in ONNX Runtime, at any batch size', async () => {
  nb.seed(1);
  const model = nb.sequential([
    nb.layers.dense({ units: 32, activation: 'relu', inputShape: [64] }),
    nb.layers.dense({ units: 16, activation: 'tanh' }),
    nb.layers.dense({ units: 10, activation: 'softmax' }),
  ]);
  await checkModel('mlp', model, (m) => nb.randomUniform([m, 64], 0, 16));
});

test('a CNN (same/valid convolutions, strides, max and average pooling) exports as Conv/MaxPool/AveragePool', async () => {
  nb.seed(2);
  const model = nb.sequential([
    nb.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [9, 9, 2] }),
    nb.layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
    nb.layers.conv2d({ filters: 6, kernelSize: [2, 3], strides: 2, activation: 'sigmoid' }),
    nb.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
    nb.layers.flatten(),
    nb.layers.dense({ units: 3 }),
  ]);
  await checkModel('cnn', model, (m) => nb.randomNormal([m, 9, 9, 2]));
});

test('batch normalisation (with moving statistics) and dropout export as their inference computation', async () => {
  nb.seed(3);
  const model = nb.sequential([
    nb.layers.dense({ units: 8, inputShape: [5] }),
    nb.layers.batchNormalization(),
    nb.layers.dropout({ rate: 0.5 }),
    nb.layers.dense({ units: 2, activation: 'sigmoid' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  await model.fit(nb.randomNormal([32, 5], 2, 3), nb.randomUniform([32, 2]), { epochs: 2, batchSize: 8, verbose: 0 }); // moves the statistics off 0 and 1
  await checkModel('batchnorm', model, (m) => nb.randomNormal([m, 5], 2, 3));
});

test('recurrent layers (SimpleRNN, LSTM, GRU) over a fixed number of steps export unrolled', async () => {
  nb.seed(4);
  for (const [name, layer] of [
    ['simpleRNN', nb.layers.simpleRNN({ units: 4, inputShape: [6, 3] })],
    ['lstm', nb.layers.lstm({ units: 5, inputShape: [6, 3] })],
    ['gru', nb.layers.gru({ units: 4, inputShape: [6, 3], returnSequences: true })],
  ] as const) {
    const model = nb.sequential([layer, nb.layers.flatten(), nb.layers.dense({ units: 2 })]);
    await checkModel(name, model, (m) => nb.randomNormal([m, 6, 3]), 1e-4);
  }
});

test('a CNN with batch normalisation of images, global pooling, activation, reshape and preprocessing layers exports', async () => {
  nb.seed(8);
  const bn = () => nb.layers.batchNormalization({ momentum: 0.5 });
  const model = nb.sequential([
    nb.layers.rescaling({ scale: 0.5, offset: -1, inputShape: [7, 7, 3] }),
    nb.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', dilationRate: 2 }),
    bn(),
    nb.layers.activation({ activation: 'relu' }),
    nb.layers.conv2d({ filters: 5, kernelSize: 2, strides: 2 }),
    bn(),
    nb.layers.globalAveragePooling2d(),
    nb.layers.reshape({ targetShape: [5, 1] }),
    nb.layers.flatten(),
    nb.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  await model.fit(nb.randomNormal([8, 7, 7, 3], 1, 2), nb.randomUniform([8, 3]), { epochs: 1, batchSize: 4, verbose: 0 });
  await checkModel('cnn + batch norm', model, (m) => nb.randomNormal([m, 7, 7, 3], 1, 2));
  const gmp = nb.sequential([nb.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [6, 6, 2] }), nb.layers.globalMaxPooling2d()]);
  await checkModel('global max pooling', gmp, (m) => nb.randomNormal([m, 6, 6, 2]));
});

test('GRU without resetAfter, backwards recurrent layers and stacked sequences export', async () => {
  nb.seed(9);
  const model = nb.sequential([
    nb.layers.gru({ units: 4, resetAfter: false, returnSequences: true, inputShape: [5, 3] }),
    nb.layers.lstm({ units: 3, goBackwards: true, returnSequences: true }),
    nb.layers.simpleRNN({ units: 2, activation: 'relu' }),
  ]);
  await checkModel('stacked recurrent', model, (m) => nb.randomNormal([m, 5, 3]), 1e-4);
});

test('a traced function with broadcasting, reductions, slices and comparisons exports, batch symbolic', async () => {
  const f = (x: nb.Tensor, w: nb.Tensor) => {
    const z = nb.add(nb.matmul(x, w), nb.tensor([0.5, -1, 2])); // broadcast a row
    const centred = nb.sub(z, nb.mean(z, 0, true)); // the batch mean: divides by m
    const lse = nb.logSumExp(centred, 1); // [m]
    const top = nb.slice(x, [0, 1], [-1, 2]); // columns 1..2 of every row
    const mask = nb.greater(top, 0);
    const picked = nb.where(mask, top, nb.mul(top, 0.1));
    return { lse, picked, rowMax: nb.max(nb.exp(x), 1), arg: nb.argmax(z, 1), scaled: nb.div(nb.sum(nb.square(x)), 7) };
  };
  const program = nb.trace(f)(nb.spec([null, 4], 'float32', 'x'), nb.spec([4, 3], 'float32', 'w'));
  const bytes = exportProgram(program, { outputNames: ['lse', 'picked', 'rowMax', 'arg', 'scaled'] });
  const w = nb.randomNormal([4, 3]);
  for (const m of [1, 6]) {
    const x = nb.randomNormal([m, 4]);
    const got = await runOnnx(bytes, { x, w });
    const want = f(x, w) as unknown as Record<string, nb.Tensor>;
    for (const k of Object.keys(want)) assertClose(got[k]!, want[k]!, `${k} at m = ${m}`);
  }
});

test('the elementwise functions ONNX has as operators (tan ... atanh, floor, ceil, round) export and run in ONNX Runtime', async () => {
  const f = (x: nb.Tensor) => ({
    trig: nb.add(nb.add(nb.tan(nb.mul(x, 0.3)), nb.asin(nb.mul(x, 0.2))), nb.add(nb.acos(nb.mul(x, 0.2)), nb.atan(x))),
    hyp: nb.add(nb.add(nb.sinh(x), nb.cosh(x)), nb.add(nb.asinh(x), nb.atanh(nb.mul(x, 0.2)))),
    ach: nb.acosh(nb.add(nb.abs(x), 1)),
    rounded: nb.add(nb.add(nb.floor(nb.mul(x, 3)), nb.ceil(nb.mul(x, 3))), nb.round(nb.mul(x, 2))),
  });
  const program = nb.trace(f)(nb.spec([null, 5], 'float32', 'x'));
  const bytes = exportProgram(program, { outputNames: ['trig', 'hyp', 'ach', 'rounded'] });
  for (const m of [1, 4]) {
    // halves included (round's halves go to even in both); |x| <= 4 keeps every function's domain
    const x = nb.concat([nb.tensor([[0.25, -0.75, 1.25, -1.75, 0]]), nb.randomUniform([m - 1, 5], -4, 4)], 0);
    const got = await runOnnx(bytes, { x });
    const want = f(x);
    for (const k of Object.keys(want) as (keyof typeof want)[]) assertClose(got[k]!, want[k], `${k} at m = ${m}`, 1e-5);
  }
});

test('export refuses what ONNX inference cannot hold, naming it', () => {
  nb.seed(5);
  const model = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3] })]);
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  // a gradient: the backward of a gather is a scatterAdd
  const table = nb.randomNormal([5, 2]);
  const g = nb.trace((t: nb.Tensor) => nb.grad((u: nb.Tensor) => nb.sum(nb.square(nb.gather(u, nb.tensor([1, 3], [2], 'int32'), 0))))(t))(table);
  assert.throws(
    () => exportProgram(g),
    (e: unknown) => e instanceof OnnxExportError && /'scatterAdd'/.test((e as Error).message),
  );
  // a program with variables needs their values
  const p = nb.trace((x: nb.Tensor) => model.call(x, false))(nb.spec([null, 3]));
  assert.throws(() => exportProgram(p), /give the value of variable 'dense_\d+\/kernel'/);
  assert.throws(() => exportProgram({} as nb.Program), /argument program must be a Program/);
  assert.throws(() => exportModel(nb.sequential([nb.layers.dense({ units: 2 })])), /not built/);
});
