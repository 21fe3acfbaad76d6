import type { Command } from 'commander';
import * as nb from '../index.js';
import { isCsv, loadDataset, type Dataset, type Task } from './datasets.js';
import { CliError } from './errors.js';
import { classificationReport, regressionReport } from './report.js';
import { clearPreviousRun, checkRunFolder, exitAfterSaves, saveModelFile, writeFileAtomic } from './run-folder.js';
import { RunMonitor, SIGNAL_NUMBERS, restoreTerminal, type SignalState } from './run-monitor.js';
import { firstLayerWeights, runReportPage } from './run-report.js';
import { trainingLandscape } from './landscape.js';

/** The train command's options, as commander parses them. */
export interface TrainOptions {
  model: string;
  layers: string;
  activation: string;
  task: string;
  loss?: string;
  optimizer: string;
  lr?: string;
  epochs: string;
  batchSize: string;
  validationSplit: string;
  testSize: string;
  seed: string;
  out?: string;
  dataDir?: string;
  earlyStopping?: boolean | string;
  dropNan?: boolean;
  quiet?: boolean;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 1) throw new CliError(`--${name} must be a positive integer, got '${v}'`);
  return n;
}

function fraction(name: string, v: string, allowZero: boolean): number {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n < 1) || (!allowZero && n === 0))
    throw new CliError(`--${name} must be a number in ${allowZero ? '[0' : '(0'}, 1), got '${v}'`);
  return n;
}

/** The optimisers the CLI offers, with the learning rate each uses unless --lr is given. */
export const OPTIMIZERS: Record<string, { defaultLr: number; make(lr: number): nb.optimizers.Optimizer }> = {
  adam: { defaultLr: 2e-3, make: (lr) => nb.optimizers.adam({ learningRate: lr }) },
  sgd: { defaultLr: 0.1, make: (lr) => nb.optimizers.sgd({ learningRate: lr }) },
  momentum: { defaultLr: 0.05, make: (lr) => nb.optimizers.sgd({ learningRate: lr, momentum: 0.9 }) },
  rmsprop: { defaultLr: 1e-3, make: (lr) => nb.optimizers.rmsprop({ learningRate: lr }) },
  adagrad: { defaultLr: 0.05, make: (lr) => nb.optimizers.adagrad({ learningRate: lr }) },
};

const LOSSES: Record<Task, Record<string, nb.losses.LossSpelling>> = {
  classification: { crossentropy: 'categoricalCrossentropy', mse: 'meanSquaredError' },
  regression: { mse: 'meanSquaredError', mae: 'meanAbsoluteError' },
};
const IMAGE_SETS = ['digits', 'fashion-mnist', 'mnist'];
/** --early-stopping without a number waits this many epochs. */
export const DEFAULT_PATIENCE = 5;

/** The checked options, as numbers and names (what report.json stores). */
interface Settings {
  data: string;
  model: 'mlp' | 'cnn' | 'lstm';
  task: Task;
  hidden: number[];
  activation: nb.nn.ActivationSpelling;
  loss: nb.losses.LossSpelling;
  lossName: string;
  optimizer: string;
  learningRate: number;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  testSize: number | null;
  seed: number;
  patience: number | null;
  dropNan: boolean;
  out: string;
}

/** Checks every option, and rejects those that do not apply to this data or model. */
function settings(data: string, o: TrainOptions, cmd: Command | undefined): Settings {
  const given = (key: string) => cmd?.getOptionValueSource(key) === 'cli';
  const images = IMAGE_SETS.includes(data),
    csv = isCsv(data);
  if (!images && !csv) throw new CliError(`unknown data set '${data}': use digits, fashion-mnist, mnist or a .csv file`);
  if (!['mlp', 'cnn', 'lstm'].includes(o.model)) throw new CliError(`--model must be mlp, cnn or lstm, got '${o.model}'`);
  const model = o.model as Settings['model'];
  if (model !== 'mlp' && !images) throw new CliError(`--model ${model} needs image data (digits, fashion-mnist, mnist), not ${data}`);
  if (given('layers') && model !== 'mlp') throw new CliError(`--layers sets the hidden layers of --model mlp; it does not apply to --model ${model}`);
  if (given('activation') && model === 'lstm') throw new CliError('--activation does not apply to --model lstm (its gates use sigmoid and tanh)');
  if (o.task !== 'classification' && o.task !== 'regression') throw new CliError(`--task must be classification or regression, got '${o.task}'`);
  const task = o.task;
  if (task === 'regression' && !csv) throw new CliError(`--task regression needs a CSV file with a numeric target in its last column, not ${data}`);
  if (given('testSize') && (data === 'fashion-mnist' || data === 'mnist'))
    throw new CliError(`--test-size does not apply to ${data}: it comes with its own test set`);
  if (given('dataDir') && !(data === 'fashion-mnist' || data === 'mnist'))
    throw new CliError(`--data-dir applies to mnist and fashion-mnist only, not ${data}`);
  if (o.dropNan && !csv) throw new CliError(`--drop-nan applies to CSV files only, not ${data}`);
  const hidden = o.layers.trim() === '' ? [] : o.layers.split(',').map((s) => positiveInt('layers', s.trim()));
  if (!nb.nn.ACTIVATIONS.includes(o.activation as nb.nn.ActivationName)) {
    throw new CliError(`--activation must be one of ${nb.nn.ACTIVATIONS.join(', ')}, got '${o.activation}'`);
  }
  const lossName = o.loss ?? (task === 'classification' ? 'crossentropy' : 'mse');
  const loss = Object.hasOwn(LOSSES[task], lossName) ? LOSSES[task][lossName]! : undefined;
  if (!loss) throw new CliError(`--loss for ${task} must be ${Object.keys(LOSSES[task]).join(' or ')}, got '${lossName}'`);
  if (!Object.hasOwn(OPTIMIZERS, o.optimizer)) throw new CliError(`--optimizer must be one of ${Object.keys(OPTIMIZERS).join(', ')}, got '${o.optimizer}'`);
  const lr = o.lr === undefined ? OPTIMIZERS[o.optimizer]!.defaultLr : Number(o.lr);
  if (!(lr > 0 && Number.isFinite(lr))) throw new CliError(`--lr must be a positive number, got '${o.lr}'`);
  const epochs = positiveInt('epochs', o.epochs),
    batchSize = positiveInt('batch-size', o.batchSize);
  const validationSplit = fraction('validation-split', o.validationSplit, true);
  const testSize = images && data !== 'digits' ? null : fraction('test-size', o.testSize, false);
  const seed = Number(o.seed);
  if (o.seed.trim() === '' || !Number.isInteger(seed)) throw new CliError(`--seed must be an integer, got '${o.seed}'`);
  let patience: number | null = null;
  if (o.earlyStopping !== undefined && o.earlyStopping !== false) {
    patience = o.earlyStopping === true ? DEFAULT_PATIENCE : Number(o.earlyStopping);
    if (!Number.isInteger(patience) || patience < 0)
      throw new CliError(`--early-stopping takes a patience, a whole number of epochs ≥ 0, got '${o.earlyStopping}'`);
    if (validationSplit === 0) throw new CliError('--early-stopping watches the validation loss: it needs --validation-split above 0');
  }
  const out = o.out ?? `runs/${data.replace(/.*\//, '').replace(/\.csv(\.gz)?$/i, '')}${model === 'mlp' ? '' : `-${model}`}`;
  return {
    data,
    model,
    task,
    hidden,
    activation: o.activation as nb.nn.ActivationName,
    loss,
    lossName,
    optimizer: o.optimizer,
    learningRate: lr,
    epochs,
    batchSize,
    validationSplit,
    testSize,
    seed,
    patience,
    dropNan: o.dropNan === true,
    out,
  };
}

/** The model: a preprocessing layer (rescaling of pixels, or a normalization adapted on the training rows), the network, the output. */
function buildModel(s: Settings, ds: Dataset, xFit: nb.Tensor, yFit: nb.Tensor): nb.Sequential {
  const features = xFit.shape[1]!;
  const img = ds.imageShape;
  const layers: nb.nn.Layer[] = [];
  if (ds.pixelMax !== undefined) {
    const inputShape = s.model === 'cnn' ? [...img!, 1] : s.model === 'lstm' ? [...img!] : [features];
    layers.push(nb.layers.rescaling({ scale: 1 / ds.pixelMax, inputShape, name: 'rescaling' }));
  } else {
    const norm = nb.layers.normalization({ inputShape: [features], name: 'normalization' });
    norm.adapt(xFit);
    layers.push(norm);
  }
  const units = s.task === 'regression' ? 1 : ds.classes!.classNames.length;
  const outAct = s.task === 'regression' ? 'linear' : 'softmax';
  if (s.model === 'cnn') {
    layers.push(
      nb.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: s.activation, name: 'conv_1' }),
      nb.layers.maxPooling2d({ poolSize: 2, name: 'pool_1' }),
      nb.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: s.activation, name: 'conv_2' }),
      nb.layers.maxPooling2d({ poolSize: 2, name: 'pool_2' }),
      nb.layers.flatten({ name: 'flatten' }),
      nb.layers.dense({ units: 64, activation: s.activation, name: 'hidden_1' }),
    );
  } else if (s.model === 'lstm') {
    // reads each image as a sequence of rows: [n, h steps, w features]
    layers.push(nb.layers.lstm({ units: 64, name: 'lstm' }));
  } else {
    s.hidden.forEach((u, i) => layers.push(nb.layers.dense({ units: u, activation: s.activation, name: `hidden_${i + 1}` })));
  }
  layers.push(nb.layers.dense({ units, activation: outAct, name: 'output' }));
  if (s.task === 'regression') {
    // the network predicts standardised targets; this layer maps them back to the data's units
    const t = Float64Array.from(yFit.storage);
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    const sd = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / t.length);
    layers.push(nb.layers.rescaling({ scale: sd > 0 ? sd : 1, offset: mean, name: 'target_scale' }));
  }
  const metadata: nb.ModelMetadata = { task: s.task, dataset: s.data };
  if (ds.classes) {
    metadata.classNames = ds.classes.classNames;
    if (ds.classes.labelValues) metadata['labelValues'] = ds.classes.labelValues;
  }
  return nb.sequential(layers, { name: `${s.data.replace(/.*\//, '')}-${s.model}`, metadata });
}

/** Flat examples shaped as the model takes them: images [n, h, w, 1] for a CNN, rows [n, h, w] for an LSTM. */
function shapeFor(s: Settings, ds: Dataset, x: nb.Tensor): nb.Tensor {
  if (s.model === 'cnn') return nb.reshape(x, [-1, ...ds.imageShape!, 1]);
  if (s.model === 'lstm') return nb.reshape(x, [-1, ...ds.imageShape!]);
  return x;
}

const rowsOf = (t: nb.Tensor, from: number, count: number) => nb.slice(t, [from, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1).map(() => -1)]);
const fmtLr = (v: number) => String(Number(v.toPrecision(3)));

/**
 * `nabla train DATA`: trains a classifier (or, with --task regression, a
 * regressor), checkpoints every epoch, reports on held-out data and writes a
 * run folder. Returns the exit status: 0, 1 when training could not
 * continue, 128 + the signal number when interrupted.
 */
export async function train(data: string, o: TrainOptions, cmd?: Command): Promise<number> {
  const s = settings(data, o, cmd);
  nb.seed(s.seed);
  const ds = loadDataset(data, { dataDir: o.dataDir, task: s.task, dropNan: s.dropNan });
  checkRunFolder(s.out);
  const log = o.quiet ? () => undefined : (line: string) => console.log(line);
  if (ds.dropped && ds.dropped.length > 0) {
    const shown = ds.dropped.slice(0, 10).join(', ') + (ds.dropped.length > 10 ? ', …' : '');
    console.error(
      `nabla: --drop-nan dropped ${ds.dropped.length} row${ds.dropped.length === 1 ? '' : 's'} holding nan or inf (line${ds.dropped.length === 1 ? '' : 's'} ${shown})`,
    );
  }

  // train / validation / test: the preprocessing is fitted on the training rows only
  let xTrain: nb.Tensor, yTrain: nb.Tensor, xTest: nb.Tensor, yTest: nb.Tensor;
  if (ds.test) {
    [xTrain, yTrain, xTest, yTest] = [ds.x, ds.y, ds.test.x, ds.test.y];
  } else {
    const split = nb.data.trainTestSplit(ds.x, ds.y, { testSize: s.testSize!, seed: s.seed, ...(s.task === 'classification' ? { stratify: ds.y } : {}) });
    [xTrain, yTrain, xTest, yTest] = [split.xTrain, split.yTrain, split.xTest, split.yTest];
  }
  const n = xTrain.shape[0]!;
  const nFit = s.validationSplit > 0 ? Math.floor(n * (1 - s.validationSplit)) : n;
  if (nFit < 1 || (s.validationSplit > 0 && nFit === n))
    throw new CliError(`--validation-split ${s.validationSplit} of ${n} training examples leaves no training or no validation examples`);
  const xFit = rowsOf(xTrain, 0, nFit),
    yFit = rowsOf(yTrain, 0, nFit);
  const validation = nFit < n ? { x: rowsOf(xTrain, nFit, n - nFit), y: rowsOf(yTrain, nFit, n - nFit) } : null;

  const model = buildModel(s, ds, xFit, yFit);
  const k = ds.classes?.classNames.length ?? 1;
  const target = (y: nb.Tensor) => (s.task === 'regression' ? nb.reshape(y, [-1, 1]) : nb.oneHot(y, k));
  model.compile({
    optimizer: OPTIMIZERS[s.optimizer]!.make(s.learningRate),
    loss: s.loss,
    metrics: s.task === 'regression' ? [s.lossName === 'mae' ? 'mse' : 'mae'] : ['accuracy'],
  });
  const what = s.task === 'regression' ? 'a numeric target' : `${k} classes`;
  log(
    `nabla: training on ${nFit} examples of ${data} (${xTrain.shape[1]} features, ${what})${validation ? `, validating on ${validation.x.shape[0]}` : ''}, testing on ${xTest.shape[0]}; backend ${nb.getBackend()}${nb.getBackend() === 'wasm' ? ` (${nb.wasmBuild()}, ${nb.getThreads()} threads)` : ''}`,
  );
  if (!o.quiet) model.summary();

  clearPreviousRun(s.out);
  const signals: SignalState = { received: undefined };
  const onSignal = (sig: NodeJS.Signals) => {
    if (signals.received) {
      // a second signal: quit now (once a model file being saved is whole); every file written is whole
      exitAfterSaves(() => {
        restoreTerminal();
        console.error(`nabla: ${sig} again: quitting at once; ${s.out} holds what was written so far`);
        process.exit(128 + SIGNAL_NUMBERS[sig]!);
      });
      return;
    }
    signals.received = sig;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = o.quiet ? null : new nb.callbacks.ProgressLogger();
  const monitor = new RunMonitor(model, s.out, signals);
  const early = s.patience === null ? null : nb.callbacks.earlyStopping({ monitor: 'val_loss', patience: s.patience, restoreBestWeights: true });
  // for the report's pictures: the parameters along the way (about 60 points), and the sharpness λmax about 8 times
  const xShaped = shapeFor(s, ds, xFit),
    yTarget = target(yFit);
  const batches = s.epochs * Math.ceil(nFit / s.batchSize);
  const path = nb.callbacks.parameterPath({ every: Math.max(1, Math.floor(batches / 60)) });
  const probe = Math.min(128, nFit);
  const sharpness = nb.callbacks.sharpness({
    x: nb.slice(xShaped, [0], [probe]),
    y: nb.slice(yTarget, [0], [probe]),
    every: Math.max(1, Math.ceil(s.epochs / 8)),
    maxIterations: 15,
    atStart: true,
  });
  const started = performance.now();
  let failure: Error | null = null;
  try {
    await model.fit(xShaped, yTarget, {
      epochs: s.epochs,
      batchSize: s.batchSize,
      verbose: 0,
      ...(validation ? { validationData: [shapeFor(s, ds, validation.x), target(validation.y)] as [nb.Tensor, nb.Tensor] } : {}),
      callbacks: [...(progress ? [progress] : []), monitor, ...(early ? [early] : []), path, sharpness],
    });
  } catch (e) {
    failure = e as Error;
  }
  // close a progress bar left open mid-epoch (fit failed, or stopped without ending the epoch)
  if (progress && monitor.inEpoch && process.stdout.isTTY) await progress.onEpochEnd(monitor.epoch, {});
  const seconds = (performance.now() - started) / 1000;
  restoreTerminal();

  // the run folder: history, report, charts and, unless training failed, the model as it is now
  const status = failure ? 'failed' : signals.received ? 'interrupted' : 'completed';
  const files = new Set(monitor.files);
  const write = (name: string, text: string) => {
    writeFileAtomic(`${s.out}/${name}`, text);
    files.add(name);
  };
  if (status !== 'failed') {
    await saveModelFile(model, `${s.out}/model.nabla`);
    files.add('model.nabla');
  }
  const report: Record<string, unknown> = {
    status,
    dataset: data,
    task: s.task,
    ...(ds.classes ? { classNames: ds.classes.classNames } : {}),
    epochsCompleted: monitor.completedEpochs,
    ...(monitor.bestEpoch >= 0 ? { bestEpoch: monitor.bestEpoch + 1, bestValLoss: monitor.bestValLoss } : {}),
    ...(early && early.stoppedEpoch >= 0 ? { earlyStoppedAtEpoch: early.stoppedEpoch + 1 } : {}),
    ...(signals.received ? { interruptedBy: signals.received, interruptedAt: { epoch: monitor.epoch + 1, batch: monitor.batch + 1 } } : {}),
    ...(failure ? { error: failure.message } : {}),
    examples: { train: nFit, validation: validation?.x.shape[0] ?? 0, test: xTest.shape[0]! },
    ...(ds.dropped?.length ? { droppedLines: ds.dropped } : {}),
    trainingSeconds: Number(seconds.toFixed(3)),
    options: {
      data,
      model: s.model,
      task: s.task,
      ...(s.model === 'mlp' ? { layers: s.hidden } : {}),
      ...(s.model !== 'lstm' ? { activation: s.activation } : {}),
      loss: s.lossName,
      optimizer: s.optimizer,
      learningRate: s.learningRate,
      epochs: s.epochs,
      batchSize: s.batchSize,
      validationSplit: s.validationSplit,
      testSize: s.testSize,
      seed: s.seed,
      earlyStopping: s.patience,
      dropNan: s.dropNan,
      out: s.out,
    },
  };
  // a run that learned nothing: at chance on the test data, and/or a training loss that never fell
  let chance: string | null = null,
    stuck: string | null = null;
  let summaryText = '';
  let test: { x: nb.Tensor; y: nb.Tensor; probabilities: nb.Tensor } | undefined;
  if (status !== 'failed') {
    const pred = model.predict(shapeFor(s, ds, xTest));
    if (s.task === 'regression') {
      const r = regressionReport(yTest.storage, pred.storage);
      Object.assign(report, { testR2: r.r2, testMAE: r.mae, testMSE: r.mse, testRMSE: r.rmse });
      summaryText = r.text;
      if (!(r.r2 > 0)) chance = `test R² ${r.r2.toFixed(3)} is no better than always predicting the mean`;
    } else {
      const r = classificationReport(Array.from(yTest.storage), Array.from(nb.argmax(pred, 1).storage), k, ds.classes!.classNames);
      Object.assign(report, { testAccuracy: r.accuracy, chanceAccuracy: r.chance, ...r.perClass, confusionMatrix: r.matrix });
      summaryText = r.text;
      test = { x: xTest, y: yTest, probabilities: pred };
      write(
        'confusion.svg',
        nb.viz.confusionMatrixChart(r.matrix, { labels: ds.classes!.classNames, title: `Confusion matrix, test accuracy ${(100 * r.accuracy).toFixed(1)}%` }),
      );
      if (r.accuracy <= r.chance + 0.01)
        chance = `test accuracy ${(100 * r.accuracy).toFixed(1)}% is no better than always answering the most common class (${(100 * r.chance).toFixed(1)}%)`;
    }
    if (status === 'completed' && monitor.firstLoss !== undefined && monitor.lastLoss !== undefined && !(monitor.lastLoss < monitor.firstLoss)) {
      stuck = `the training loss ended at ${monitor.lastLoss.toPrecision(4)}, no lower than at the start (${monitor.firstLoss.toPrecision(4)})`;
    }
  }
  write('history.json', monitor.historyJSON());
  if (monitor.completedEpochs > 0) {
    for (const [name, svg] of Object.entries(nb.viz.historyCharts(monitor.history))) if (svg) write(`${name}.svg`, svg);
  }
  // the loss landscape on the plane of the training path, and the sharpness against 2/η
  let landscapeSvg: string[] | undefined, sharpnessSvg: string | undefined;
  if (status !== 'failed' && monitor.completedEpochs > 0) {
    try {
      const { pictures, saved } = trainingLandscape(model, xShaped, yTarget, path);
      write('landscape.svg', pictures.contour);
      write('landscape-3d.svg', pictures.surface);
      write('landscape.json', JSON.stringify(saved));
      landscapeSvg = [pictures.contour, pictures.surface];
    } catch (e) {
      console.error(`nabla: warning: no loss landscape: ${(e as Error).message}`);
    }
    if (sharpness.records.length > 0) {
      sharpnessSvg = nb.viz.sharpnessChart(sharpness.records);
      write('sharpness.svg', sharpnessSvg);
    }
  }
  const weights = ds.imageShape && status !== 'failed' ? firstLayerWeights(model, ds.imageShape) : null;
  if (weights) write('weights.svg', nb.viz.weightImages(weights.kernel, { imageShape: weights.imageShape!, title: weights.title! }));
  write(
    'report.html',
    await runReportPage({
      report,
      model,
      history: monitor.history,
      ...(ds.classes ? { classNames: ds.classes.classNames } : {}),
      ...(test ? { test } : {}),
      ...(ds.imageShape ? { imageShape: ds.imageShape, pixelMax: ds.pixelMax! } : {}),
      ...(ds.featureNames ? { featureNames: ds.featureNames } : {}),
      ...(landscapeSvg ? { landscape: landscapeSvg } : {}),
      ...(sharpnessSvg ? { sharpness: sharpnessSvg } : {}),
    }),
  );
  report['files'] = [...files, 'report.json'].sort();
  write('report.json', JSON.stringify(report, null, 2));
  const fileList = [...files].sort().join(', ');

  if (failure) {
    const lossTrouble = /loss|nan|infinit|finite/i.test(failure.message);
    const saved =
      monitor.completedEpochs > 0
        ? `the model of epoch ${monitor.completedEpochs} (model.nabla), the history and report`
        : 'the history and report (no epoch completed, so no model)';
    const advice = !lossTrouble
      ? ''
      : monitor.firstLoss === undefined
        ? " The loss was not finite from the first batch on: check the scale of the data (values beyond float32's range?)."
        : ` The learning rate ${fmtLr(s.learningRate)} is probably too large: try --lr ${fmtLr(s.learningRate / 10)}.`;
    console.error(`nabla: training stopped in epoch ${monitor.epoch + 1}: ${failure.message.replace(/\.$/, '')}.${advice} ${s.out} holds ${saved}.`);
    return 1;
  }
  if (status === 'interrupted') {
    const best = files.has('model-best.nabla') ? `, model-best.nabla (best val_loss, epoch ${monitor.bestEpoch + 1})` : '';
    console.error(
      `nabla: ${signals.received} received: stopped in epoch ${monitor.epoch + 1} after batch ${monitor.batch + 1} of ${monitor.steps}; the run is in ${s.out}: model.nabla (${early ? "the best epoch's weights, --early-stopping" : 'the model when stopped'})${best}, history.json and report.json`,
    );
    return 128 + SIGNAL_NUMBERS[signals.received!]!;
  }
  log(
    `\ntrained in ${seconds.toFixed(1)} s${early && early.stoppedEpoch >= 0 ? ` (early stopping after epoch ${early.stoppedEpoch + 1}, best epoch ${early.bestEpoch + 1}, whose weights are kept)` : ''}\n\n${summaryText}`,
  );
  log(`\nrun folder ${s.out}: ${fileList}`);
  if (stuck) {
    console.error(
      `nabla: warning: training diverged: ${[chance, stuck].filter(Boolean).join(', and ')} (see ${s.out}/loss.svg). The learning rate ${fmtLr(s.learningRate)} is probably too large: try --lr ${fmtLr(s.learningRate / 10)}.`,
    );
  } else if (chance) {
    console.error(
      `nabla: warning: training learned nothing useful: ${chance}, though the training loss fell. More epochs (--epochs), a larger model, or a smaller learning rate than ${fmtLr(s.learningRate)} may help.`,
    );
  }
  return 0;
}
