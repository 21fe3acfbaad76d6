import * as nb from '../index.js';
import { loadDataset } from './datasets.js';
import { CliError } from './errors.js';
import { classificationReport } from './report.js';
import { writeRunFiles } from './run-folder.js';

/** The train command's options, as commander parses them. */
export interface TrainOptions {
  layers: string;
  activation: string;
  loss: string;
  optimizer: string;
  lr?: string;
  epochs: string;
  batchSize: string;
  validationSplit: string;
  testSize: string;
  seed: string;
  out?: string;
  dataDir?: string;
  quiet?: boolean;
  model: string;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--${name} must be a positive integer, got '${v}'`);
  return n;
}

function fraction(name: string, v: string, allowZero: boolean): number {
  const n = Number(v);
  if (!(n >= 0 && n < 1) || (!allowZero && n === 0)) throw new CliError(`--${name} must be a number in ${allowZero ? '[0' : '(0'}, 1), got '${v}'`);
  return n;
}

const OPTIMIZERS: Record<string, (lr: number | undefined) => nb.optimizers.Optimizer> = {
  adam: (lr) => nb.optimizers.adam({ learningRate: lr ?? 2e-3 }),
  sgd: (lr) => nb.optimizers.sgd({ learningRate: lr ?? 0.1 }),
  momentum: (lr) => nb.optimizers.sgd({ learningRate: lr ?? 0.05, momentum: 0.9 }),
  rmsprop: (lr) => nb.optimizers.rmsprop({ learningRate: lr ?? 1e-3 }),
  adagrad: (lr) => nb.optimizers.adagrad({ learningRate: lr ?? 0.05 }),
};

/** `nabla train DATA`: trains an MLP classifier, reports on held-out data and writes a run folder. */
export async function train(data: string, o: TrainOptions): Promise<void> {
  const hidden = o.layers.trim() === '' ? [] : o.layers.split(',').map((s) => positiveInt('layers', s.trim()));
  if (!nb.nn.ACTIVATIONS.includes(o.activation as nb.nn.ActivationName)) {
    throw new CliError(`--activation must be one of ${nb.nn.ACTIVATIONS.join(', ')}, got '${o.activation}'`);
  }
  const loss = { crossentropy: 'categoricalCrossentropy', mse: 'meanSquaredError' }[o.loss];
  if (!loss) throw new CliError(`--loss must be crossentropy or mse, got '${o.loss}'`);
  const makeOptimizer = OPTIMIZERS[o.optimizer];
  if (!makeOptimizer) throw new CliError(`--optimizer must be one of ${Object.keys(OPTIMIZERS).join(', ')}, got '${o.optimizer}'`);
  const lr = o.lr === undefined ? undefined : Number(o.lr);
  if (lr !== undefined && !(lr > 0)) throw new CliError(`--lr must be a positive number, got '${o.lr}'`);
  const epochs = positiveInt('epochs', o.epochs), batchSize = positiveInt('batch-size', o.batchSize);
  const validationSplit = fraction('validation-split', o.validationSplit, true), testSize = fraction('test-size', o.testSize, false);
  const seed = Number(o.seed);
  if (!Number.isInteger(seed)) throw new CliError(`--seed must be an integer, got '${o.seed}'`);

  nb.seed(seed);
  const ds = loadDataset(data, { dataDir: o.dataDir });
  let xTrain: nb.Tensor, yTrain: nb.Tensor, xTest: nb.Tensor, labelsTest: nb.Tensor;
  if (ds.test) {
    [xTrain, yTrain, xTest, labelsTest] = [ds.x, ds.labels, ds.test.x, ds.test.labels];
  } else {
    const split = nb.data.trainTestSplit(ds.x, ds.labels, { testSize, seed, stratify: ds.labels });
    [xTrain, yTrain, xTest, labelsTest] = [split.xTrain, split.yTrain, split.xTest, split.yTest];
  }
  const features = xTrain.shape[1]!;
  if (!['mlp', 'cnn', 'lstm'].includes(o.model)) throw new CliError(`--model must be mlp, cnn or lstm, got '${o.model}'`);
  if (o.model !== 'mlp' && !ds.imageShape) throw new CliError(`--model ${o.model} needs image data (digits, fashion-mnist, mnist), not ${data}`);
  const model = o.model === 'cnn' ? cnn(ds.imageShape!, ds.numClasses, o.activation, data)
    : o.model === 'lstm' ? rowLstm(ds.imageShape!, ds.numClasses, data) : nb.sequential([
    ...hidden.map((units, i) => nb.layers.dense({ units, activation: o.activation, ...(i === 0 ? { inputShape: [features] } : {}), name: `hidden_${i + 1}` })),
    nb.layers.dense({ units: ds.numClasses, activation: 'softmax', ...(hidden.length === 0 ? { inputShape: [features] } : {}), name: 'output' }),
  ], { name: `${data.replace(/.*\//, '')}-mlp` });
  if (o.model === 'cnn') {
    // the CNN takes images [n, h, w, 1]
    xTrain = nb.reshape(xTrain, [-1, ...ds.imageShape!, 1]);
    xTest = nb.reshape(xTest, [-1, ...ds.imageShape!, 1]);
  } else if (o.model === 'lstm') {
    // the LSTM reads each image as a sequence of rows: [n, h steps, w features]
    xTrain = nb.reshape(xTrain, [-1, ...ds.imageShape!]);
    xTest = nb.reshape(xTest, [-1, ...ds.imageShape!]);
  }
  model.compile({ optimizer: makeOptimizer(lr), loss, metrics: ['accuracy'] });
  const log = o.quiet ? () => undefined : (s: string) => console.log(s);
  log(`nabla: training on ${xTrain.shape[0]} examples of ${data} (${features} features, ${ds.numClasses} classes), testing on ${xTest.shape[0]}; backend ${nb.getBackend()}${nb.getBackend() === 'wasm' ? ` (${nb.wasmBuild()}, ${nb.getThreads()} threads)` : ''}`);
  if (!o.quiet) model.summary();
  const started = performance.now();
  const history = await model.fit(xTrain, nb.oneHot(yTrain, ds.numClasses), {
    epochs, batchSize, validationSplit: validationSplit || undefined, verbose: o.quiet ? 0 : 1,
  });
  const seconds = (performance.now() - started) / 1000;
  const predicted = Array.from(nb.argmax(model.predict(xTest), 1).storage);
  const report = classificationReport(Array.from(labelsTest.storage), predicted, ds.numClasses);
  log(`\ntrained in ${seconds.toFixed(1)} s\n\n${report.text}`);
  const out = o.out ?? `runs/${data.replace(/.*\//, '').replace(/\.csv$/i, '')}${o.model === 'mlp' ? '' : `-${o.model}`}`;
  const files = await writeRunFiles(out, { model, history, report, dataset: ds, options: { data, ...o }, seconds });
  log(`\nrun folder ${out}: ${files.join(', ')}`);
}

/** A small CNN for [h, w, 1] images: two conv–pool blocks, then a dense layer. */
function cnn(imageShape: [number, number], numClasses: number, activation: string, data: string): nb.Sequential {
  return nb.sequential([
    nb.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation, inputShape: [...imageShape, 1], name: 'conv_1' }),
    nb.layers.maxPooling2d({ poolSize: 2, name: 'pool_1' }),
    nb.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation, name: 'conv_2' }),
    nb.layers.maxPooling2d({ poolSize: 2, name: 'pool_2' }),
    nb.layers.flatten({ name: 'flatten' }),
    nb.layers.dense({ units: 64, activation, name: 'hidden_1' }),
    nb.layers.dense({ units: numClasses, activation: 'softmax', name: 'output' }),
  ], { name: `${data}-cnn` });
}

/** An LSTM that reads an [h, w] image row by row (a sequence of h steps of w features), then classifies its last state. */
function rowLstm(imageShape: [number, number], numClasses: number, data: string): nb.Sequential {
  return nb.sequential([
    nb.layers.lstm({ units: 64, inputShape: imageShape, name: 'lstm' }),
    nb.layers.dense({ units: numClasses, activation: 'softmax', name: 'output' }),
  ], { name: `${data}-lstm` });
}
