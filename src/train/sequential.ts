import { explainModel, type Explanation, type ExplainOptions } from '../explain/index.js';
import { optionsObject } from '../core/options.js';
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { nextTask } from '../core/platform.js';
import { globalGenerator } from '../core/random.js';
import { formatShape } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { add } from '../ops/arithmetic.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import { concat } from '../ops/shape.js';
import { noGrad } from '../ops/stop.js';
import { Layer, layerFromConfig, type SymbolicShape } from '../nn/layer.js';
import { Module } from '../nn/module.js';
import { getLoss, type LossFn, type LossSpelling } from '../losses/index.js';
import { getMetric, type Metric, type MetricName } from '../metrics/index.js';
import { getOptimizer, type Optimizer, type OptimizerName } from '../optim/index.js';
import { checkOptions } from '../optim/validate.js';
import { fire, type Callback, type Logs } from './callbacks.js';
import { booleanOption, callbacksOption, FIT_KEYS, INFERENCE_KEYS, integerOption, validationDataOption, validationSplitOption, verboseOption } from './args.js';
import { checkFinite, examples, pickRows, rows } from './data.js';
import { DivergenceError, type DivergenceDetails } from './errors.js';
import { History } from './history.js';
import { ProgressLogger } from './progress.js';
import { makeTrainStep } from './step.js';
import { compiledInference, compiledTrainStep, metricsInStep } from '../compile/train.js';
import { registerModelClass } from '../io/saveable.js';
// static: the package root imports it anyway, and a dynamic import of it makes Vite warn (INEFFECTIVE_DYNAMIC_IMPORT)
import { saveModel } from '../io/model-file.js';

/** fit lets the event loop turn after every this many batches. */
const YIELD_EVERY = 20;

/** compile's arguments. */
export interface CompileArgs {
  /** An optimizer, or a name ('adam', 'sgd', 'rmsprop', 'adagrad', 'momentum', 'adamw') with its defaults. */
  optimizer: Optimizer | OptimizerName;
  /** A loss name ('categoricalCrossentropy', 'meanSquaredError', ...) or a function (yTrue, yPred) → scalar. */
  loss: LossSpelling | LossFn;
  /** Metric names ('accuracy', 'precision', 'recall', 'f1', 'mse', 'mae') or Metric objects. */
  metrics?: (MetricName | Metric)[];
  /**
   * Compile fit's training step and evaluate's and predict's forward passes
   * with nb.jit (Keras 3's jit_compile): one plan per batch shape (the last
   * partial batch gets its own), the same numbers as eager execution bit for
   * bit. Default: on wherever the model traces, silently eager where it does
   * not (an optimiser with a learning-rate schedule other than Adam's, a
   * layer that reads values); true warns once when it falls back; false is
   * always eager.
   */
  jitCompile?: boolean;
}

/** fit's arguments. */
export interface FitArgs {
  /** The epoch to stop before (a non-negative integer); with initialEpoch 0, the number of passes over the data. Default 1. */
  epochs?: number;
  /** Examples per gradient step, a positive integer. Default 32. */
  batchSize?: number;
  /** The fraction of examples in [0, 1), taken from the end before shuffling, held out for validation. Default 0. */
  validationSplit?: number;
  /** Explicit validation data [x, y]; takes precedence over validationSplit. */
  validationData?: [TensorLike, TensorLike];
  /** Shuffle the training examples before each epoch (with the global seeded generator). Default true. */
  shuffle?: boolean;
  /** Hooks called during training: an array of callbacks, or one callback object (as TF.js takes it). */
  callbacks?: Callback[] | Callback;
  /** 1: a progress bar (or a line per epoch when not in a terminal) and warnings; 0: silent. Default 1 in a terminal, else 0. */
  verbose?: 0 | 1;
  /** The epoch to start counting from (for resuming); an integer from 0 to epochs. Default 0. */
  initialEpoch?: number;
  /**
   * Train on x, y or validation data holding NaN or ±Inf (for a loss that
   * handles missing values itself). By default fit rejects such data with
   * the position of the first non-finite value. Default false.
   */
  allowNonFinite?: boolean;
}

/** evaluate's and predict's arguments. */
export interface InferenceArgs {
  /** Examples per forward pass, a positive integer. Default 32. */
  batchSize?: number;
  /** Accept x (and y) holding NaN or ±Inf instead of rejecting them. Default false. */
  allowNonFinite?: boolean;
}

interface Compiled {
  optimizer: Optimizer;
  loss: LossFn;
  lossName: string;
  metrics: Metric[];
  /** 'auto' (the default: compiled where the model traces, silently eager elsewhere), true or false. */
  jitCompile: boolean | 'auto';
  /** The compiled forward pass and loss of evaluate, made on first use. */
  evaluateStep?: (x: Tensor, y: Tensor, layers: number) => [Tensor, Tensor];
}

/**
 * A linear stack of layers, trained the Keras way:
 *
 *     const model = nb.sequential([
 *       nb.layers.dense({ units: 64, activation: 'relu', inputShape: [64] }),
 *       nb.layers.dense({ units: 10, activation: 'softmax' }),
 *     ]);
 *     model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 *     const history = await model.fit(x, y, { epochs: 50, batchSize: 32, validationSplit: 0.2 });
 */
export class Sequential extends Module {
  readonly layers: Layer[] = [];
  readonly name: string;
  /** Set by a callback to end fit after the current epoch (or batch). */
  stopTraining = false;
  private compiled: Compiled | null = null;
  private predictPlan: ((x: Tensor, layers: number) => Tensor) | null = null;
  private outputShape: SymbolicShape | null = null;
  /** The shape of one example, from the first layer's inputShape or the first call. */
  private exampleShape: number[] | undefined;
  /**
   * What travels with the model besides its layers: plain JSON data such as
   * `classNames` (the name of each output class), the label mapping a CSV
   * needed, or the task ('classification' | 'regression'). Saved and loaded
   * with the model.
   */
  metadata: ModelMetadata;

  constructor(layers: Layer[] = [], opts: { name?: string; metadata?: ModelMetadata } = {}) {
    super();
    const o = optionsObject('sequential', opts);
    if (!Array.isArray(layers)) throw new ArgumentError(`sequential: expected an array of layers, got ${describe(layers)}`);
    if (o.name !== undefined && typeof o.name !== 'string') throw new ArgumentError(`sequential: name must be a string, got ${describe(o.name)}`);
    this.name = o.name ?? 'sequential';
    this.metadata = { ...optionsObject('sequential', o.metadata, 'metadata as a plain object') };
    for (const l of layers) this.add(l);
  }

  /** Appends a layer (building it when the input shape is known). */
  add(layer: Layer): this {
    if (!(layer instanceof Layer)) throw new ArgumentError('sequential: add expects a layer, such as nb.layers.dense({ units: 10 })');
    if (this.layers.some((l) => l.name === layer.name)) throw new ArgumentError(`sequential: a layer named '${layer.name}' is already in the model`);
    let outputShape = this.outputShape,
      exampleShape = this.exampleShape;
    if (this.layers.length === 0) {
      if (layer.inputShape) {
        outputShape = [null, ...layer.inputShape];
        exampleShape = [...layer.inputShape];
      }
    } else if (layer.inputShape && this.outputShape) {
      const expected = this.outputShape.slice(1);
      if (expected.join() !== layer.inputShape.join()) {
        throw new ShapeError(
          `sequential: layer '${layer.name}' declares inputShape ${formatShape(layer.inputShape)} but the previous layer outputs ${JSON.stringify(expected)}`,
        );
      }
    }
    // the layer's output shape first: a layer that does not fit is refused and the model stays as it was
    if (outputShape) {
      if (!layer.built) layer.build(outputShape);
      outputShape = layer.computeOutputShape(outputShape);
    }
    this.registerModule(layer.name, layer);
    this.layers.push(layer);
    this.outputShape = outputShape;
    this.exampleShape = exampleShape;
    return this;
  }

  /** The shape of one example the model takes, once known (from the first layer or the first call). */
  get inputShape(): number[] | undefined {
    return this.exampleShape;
  }

  /** Runs the layers in order; `training` enables dropout and batch statistics. */
  call(x: TensorLike, training = false): Tensor {
    let t = toTensor(`${this.name}.call`, 'x', x);
    if (this.layers.length === 0) throw new ArgumentError('sequential: the model has no layers');
    if (this.exampleShape && t.shape.slice(1).join() !== this.exampleShape.join()) {
      throw new ShapeError(`${this.name}: input shape ${formatShape(t.shape)} does not match the model's input shape [batch,${this.exampleShape.join(',')}]`);
    }
    this.exampleShape ??= t.shape.slice(1);
    for (const layer of this.layers) t = layer.apply(t, { training });
    return t;
  }

  /** Every trainable variable, layer by layer (kernel before bias). */
  get trainableWeights(): Variable[] {
    return this.trainableParameters();
  }

  /** Every variable, trainable or not, layer by layer. */
  get weights(): Variable[] {
    return this.parameters();
  }

  /** The weights' values in Keras order: layer by layer, kernel then bias (then non-trainable state). */
  getWeights(): Tensor[] {
    return this.parameters().map((v) => v.value);
  }

  /** Sets all weights from tensors in getWeights order. */
  setWeights(weights: readonly Tensor[]): void {
    const vs = this.parameters();
    if (weights.length !== vs.length) throw new ArgumentError(`setWeights: the model has ${vs.length} weights, got ${weights.length}`);
    let at = 0;
    for (const layer of this.layers) {
      const n = layer.parameters().length;
      layer.setWeights(weights.slice(at, at + n));
      at += n;
    }
  }

  /**
   * The state dict's keys are structural: 'layers.<i>.<weight>' (the
   * layer's index in the model, as in `model.layers[i]`, and the weight's
   * name in its layer), so a model of the same architecture loads them
   * whatever the layers are called; layer names ('dense_3', counted across
   * the process unless given) are for display and namedParameters.
   */
  protected override stateEntries(): [string, Variable][] {
    return this.layers.flatMap((layer, i) => layer.namedParameters(`layers.${i}.`));
  }

  /**
   * Restores the weights from a state dict (see stateDict: keys
   * 'layers.0.kernel', ...). Keys by this model's parameter names
   * ('dense_3.kernel', as namedParameters and model files have them, and as
   * state dicts had them before the keys were structural) are read too.
   */
  override loadStateDict(state: Record<string, Tensor>, opts: { strict?: boolean } = {}): void {
    const keys = this.stateEntries().map(([k]) => k);
    const own = new Set(keys);
    const byName = new Map(this.namedParameters().map(([name], i) => [name, keys[i]!]));
    const translated: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(optionsObject('loadStateDict', state, 'a state dict (tensors by key)'))) {
      translated[own.has(k) ? k : (byName.get(k) ?? k)] = v as Tensor;
    }
    super.loadStateDict(translated, opts);
  }

  /** Chooses the optimizer, the loss and the metrics that fit and evaluate use. */
  compile(args: CompileArgs): void {
    args = optionsObject('compile', args, 'options { optimizer, loss, metrics? }');
    if (args.jitCompile !== undefined && typeof args.jitCompile !== 'boolean')
      throw new ArgumentError(`compile: jitCompile must be a boolean, got ${describe(args.jitCompile)}`);
    if (args.metrics !== undefined && !Array.isArray(args.metrics))
      throw new ArgumentError(`compile: metrics must be an array of names or Metric objects, got ${describe(args.metrics)}`);
    const lossName = typeof args.loss === 'string' ? args.loss : 'custom';
    const loss = getLoss(args.loss);
    this.compiled = {
      optimizer: getOptimizer(args.optimizer),
      loss,
      lossName,
      metrics: (args.metrics ?? []).map((m) => getMetric(m, args.loss)),
      jitCompile: args.jitCompile ?? 'auto',
    };
  }

  /**
   * The forward and backward pass as equations with shapes, in the seed
   * articles' notation (Z1 = W1·X + b1, A1 = relu(Z1), ..., J, dZ3 = A3 − Y,
   * dW3 = (1/m) dZ3·A2ᵀ, db3 = (1/m) Σ_m dZ3, ...), generated from the traced
   * model and its compiled loss. Print it (`toString()`, `format('latex')`),
   * or evaluate it (`evaluate([x, y])`). Options: layout 'columns' (default,
   * one example per column) or 'rows' (as nabla stores a Dense kernel),
   * format, values { x, y } to show a batch's numbers, loss.
   */
  explain(opts?: ExplainOptions): Explanation {
    return explainModel(this, opts);
  }

  /** The compiled loss function (yTrue, yPred) → scalar and its name ('custom' for a function), or null before compile. */
  get compiledLoss(): { loss: LossFn; name: string } | null {
    return this.compiled ? { loss: this.compiled.loss, name: this.compiled.lossName } : null;
  }

  /** The optimiser compile chose (its learning rate: `optimizer.getLearningRate()`), or null before compile. */
  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /** evaluate's forward pass and loss of a batch: compiled unless jitCompile is false (`layers` retraces after a layer is added). */
  private evaluateStep(c: Compiled): (x: Tensor, y: Tensor, layers: number) => [Tensor, Tensor] {
    const eager = (x: Tensor, y: Tensor): [Tensor, Tensor] => {
      const pred = this.call(x, false);
      return [pred, this.totalLoss(c, y, pred)];
    };
    if (c.jitCompile === false) return eager;
    c.evaluateStep ??= compiledInference(eager, c.jitCompile === 'auto');
    return c.evaluateStep;
  }

  /** predict's forward pass of a batch, compiled (made on first use; `layers` retraces after a layer is added). */
  private predictStep(): (x: Tensor, layers: number) => Tensor {
    this.predictPlan ??= compiledInference((x: Tensor, _layers: number) => this.call(x, false), this.compiled?.jitCompile !== true);
    return this.predictPlan;
  }

  private requireCompiled(op: string): Compiled {
    if (!this.compiled) throw new ArgumentError(`${op}: compile the model first, e.g. model.compile({ optimizer: 'adam', loss: 'meanSquaredError' })`);
    return this.compiled;
  }

  /** The training loss of a batch: the compiled loss plus every layer's regularisation penalty. */
  private totalLoss(c: Compiled, y: Tensor, pred: Tensor): Tensor {
    let l = c.loss(y, pred);
    for (const layer of this.layers) for (const p of layer.regularizationLosses()) l = add(l, p);
    return l;
  }

  /**
   * Trains the model. Each epoch shuffles the examples (unless shuffle is
   * false), takes one optimiser step per batch, and logs the mean of the
   * epoch's batch losses, the metrics over the epoch, and the same on the
   * validation data as val_loss, val_accuracy, ... Returns the History.
   *
   * Nothing goes wrong silently:
   * - the options are checked first (see FitArgs);
   * - x, y and the validation data are checked once for NaN and ±Inf, and
   *   rejected with the position of the first one, unless `allowNonFinite`;
   * - every batch's loss and gradients are checked *before* the update: if
   *   one is NaN or ±Inf (or the update would make a weight so), fit throws a
   *   DivergenceError naming the epoch and batch, with the model's weights,
   *   batch-norm statistics and optimiser state as they were before that batch;
   * - a non-finite val_loss (or metric) is reported through the callbacks'
   *   onWarning (printed by the progress logger) and kept in `history.warnings`.
   */
  async fit(x: TensorLike, y: TensorLike, args: FitArgs = {}): Promise<History> {
    const c = this.requireCompiled('fit');
    const o = checkOptions('fit', args, FIT_KEYS);
    const epochs = integerOption('fit', o, 'epochs', 1, 0);
    const batchSize = integerOption('fit', o, 'batchSize', 32, 1);
    const initialEpoch = integerOption('fit', o, 'initialEpoch', 0, 0);
    if (initialEpoch > epochs)
      throw new ArgumentError(`fit: initialEpoch ${initialEpoch} is after the last epoch (epochs ${epochs}); epochs counts from 0, not from initialEpoch`);
    const split = validationSplitOption('fit', o);
    const shuffle = booleanOption('fit', o, 'shuffle', true);
    const allowNonFinite = booleanOption('fit', o, 'allowNonFinite', false);
    const verbose = verboseOption('fit', o, (globalThis as { process?: { stdout?: { isTTY?: boolean } } }).process?.stdout?.isTTY ? 1 : 0);
    const userCallbacks = callbacksOption<Callback>('fit', o);
    const validationData = validationDataOption<TensorLike>('fit', o);

    let [X, Y] = examples('fit', x, y);
    if (!allowNonFinite) {
      checkFinite('fit', 'x', X);
      checkFinite('fit', 'y', Y);
    }
    let validation: [Tensor, Tensor] | null = null;
    if (validationData) {
      validation = examples('fit (validationData)', validationData[0], validationData[1]);
      if (!allowNonFinite) {
        checkFinite('fit', 'validationData x', validation[0]);
        checkFinite('fit', 'validationData y', validation[1]);
      }
    } else if (split > 0) {
      const n = X.shape[0]!,
        nTrain = Math.floor(n * (1 - split));
      if (nTrain < 1 || nTrain >= n) throw new ArgumentError(`fit: validationSplit ${split} of ${n} examples leaves no training or no validation examples`);
      validation = [rows(X, nTrain, n - nTrain), rows(Y, nTrain, n - nTrain)];
      X = rows(X, 0, nTrain);
      Y = rows(Y, 0, nTrain);
    }
    const n = X.shape[0]!;
    if (n === 0) throw new ArgumentError('fit: x and y hold no training examples');
    if (validation && validation[0].shape[0] === 0) throw new ArgumentError('fit: validationData holds no examples');
    // layers without an inputShape build on their first call: build them now, so their weights are trained
    if (this.layers.some((l) => !l.built)) noGrad(() => this.call(rows(X, 0, 1), false));
    const steps = Math.ceil(n / batchSize);
    const history = new History();
    const callbacks: Callback[] = [history, ...(verbose ? [new ProgressLogger()] : []), ...userCallbacks];
    const params = { epochs, steps, samples: n, batchSize, verbose, doValidation: validation !== null };
    for (const cb of callbacks) {
      cb.setModel?.(this);
      cb.setParams?.(params);
    }
    this.stopTraining = false;
    const trainable = this.trainableWeights;
    // one step is a function (see makeTrainStep); fit writes its results back only when they are good
    const inStep = metricsInStep(c.metrics); // built-in mean metrics computed inside the (compiled) step
    const trainer = makeTrainStep(this, { loss: c.loss, optimizer: c.optimizer, metrics: inStep.functions });
    const compiledStep = c.jitCompile === false ? null : compiledTrainStep(trainer, c.optimizer, { silent: c.jitCompile === 'auto' });
    const diverged = (d: DivergenceDetails) => this.divergence(c, d, { epochs, steps, initialEpoch, allowNonFinite }, history);

    try {
      await fire(callbacks, 'onTrainBegin', {});
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        this.train(true);
        await fire(callbacks, 'onEpochBegin', epoch, {});
        const order = Int32Array.from({ length: n }, (_, i) => i);
        if (shuffle) globalGenerator().shuffle(order);
        for (const m of c.metrics) m.reset();
        let lossSum = 0,
          done = 0;
        for (let b = 0; b < steps && !this.stopTraining; b++) {
          await fire(callbacks, 'onBatchBegin', b, {});
          const idx = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
          const xb = pickRows(X, idx),
            yb = pickRows(Y, idx);
          const params = trainer.params(),
            optState = c.optimizer.stateOf(trainable);
          const result = compiledStep?.(params, optState, { x: xb, y: yb }) ?? trainer(params, optState, { x: xb, y: yb });
          const lossValue = result.loss.item();
          if (!Number.isFinite(lossValue)) throw diverged({ epoch, batch: b, quantity: 'loss', value: lossValue });
          // A non-finite gradient makes its weight's update non-finite with every optimiser (NaN or ±∞ times a
          // rate, or divided by its own root mean square), so the new weights are checked first, in one pass,
          // and the gradients only when one is not finite, to say which of the two went wrong.
          const badWeight = firstNonFinite(
            trainer.names.map((k) => result.params[k]!),
            trainable,
            'weights',
          );
          if (badWeight) {
            const badGrad = firstNonFinite(
              trainer.names.map((k) => result.grads[k]!),
              trainable,
              'gradient',
            );
            throw diverged({ epoch, batch: b, ...(badGrad ?? badWeight) });
          }
          // a good step: its weights, layer state and optimiser state become the model's
          trainer.write(result.params, result.state);
          c.optimizer.setState(trainable, result.optState);
          lossSum += lossValue;
          done++;
          inStep.update(result.metrics, yb, result.outputs);
          await fire(callbacks, 'onBatchEnd', b, { batch: b, size: idx.length, loss: lossValue, ...this.metricLogs(c, '') });
          // let the event loop turn now and then: a page repaints, and finalizers release dropped tensors' storage
          if (b % YIELD_EVERY === YIELD_EVERY - 1) await nextTask();
        }
        if (done === 0) break; // stopped before this epoch's first batch
        // an epoch that a callback stopped part way reports the batches it ran
        const logs: Logs = { loss: lossSum / done, ...this.metricLogs(c, '') };
        if (validation) {
          // the validation data was checked once above, not every epoch
          const v = this.evaluateChecked(c, validation[0], validation[1], batchSize);
          for (const [k, val] of Object.entries(v)) logs[`val_${k}`] = val;
        }
        await fire(callbacks, 'onEpochEnd', epoch, logs);
        for (const message of nonFiniteLogs(epoch, epochs, logs)) await fire(callbacks, 'onWarning', message);
      }
    } catch (error) {
      this.train(false);
      try {
        await fire(callbacks, 'onTrainError', error);
      } catch {
        // the error that stopped training is the one to report
      }
      throw error;
    }
    this.train(false);
    await fire(callbacks, 'onTrainEnd', {});
    return history;
  }

  /** The DivergenceError for a bad batch, with a message that says what happened and what to try. */
  private divergence(
    c: Compiled,
    d: DivergenceDetails,
    run: { epochs: number; steps: number; initialEpoch: number; allowNonFinite: boolean },
    history: History,
  ): DivergenceError {
    const what =
      d.quantity === 'loss'
        ? `the loss became ${d.value}`
        : d.quantity === 'gradient'
          ? `the gradient of '${d.variable}' holds ${d.value}`
          : `the update would make '${d.variable}' hold ${d.value}`;
    const at = `at epoch ${d.epoch + 1}/${run.epochs}, batch ${d.batch + 1}/${run.steps}`;
    const kept =
      d.quantity === 'weights'
        ? 'Training stopped and the update was undone: the model keeps its weights, layer state and optimiser state from before that batch.'
        : "Training stopped before applying that batch's update: the model keeps its weights from before it.";
    let lr = '';
    try {
      lr = ` (the optimiser's is ${c.optimizer.getLearningRate()})`;
    } catch {
      /* a schedule that fails is reported by the next update */
    }
    const first = d.epoch === run.initialEpoch && d.batch === 0 && d.quantity !== 'weights';
    const cause = first
      ? 'This is the first batch, before any update: the initial weights, the data or the loss give a non-finite value.'
      : `The training diverged: try a smaller learning rate${lr}, or clip the gradients (clipNorm).`;
    const data = run.allowNonFinite ? ' The data may hold NaN or ±Inf (allowNonFinite is true).' : '';
    return new DivergenceError(`fit: ${what} ${at}. ${kept} ${cause}${data}`, d, history);
  }

  private metricLogs(c: Compiled, prefix: string): Logs {
    return Object.fromEntries(c.metrics.map((m) => [prefix + m.name, m.result()]));
  }

  /**
   * The loss (with regularisation) and metrics over x, y in inference mode,
   * by name: { loss, accuracy, ... }. The loss is averaged over examples.
   * x and y holding NaN or ±Inf are rejected with the position of the first
   * one unless `allowNonFinite`; batchSize must be a positive integer.
   */
  evaluate(x: TensorLike, y: TensorLike, args: InferenceArgs = {}): Logs {
    const c = this.requireCompiled('evaluate');
    const o = checkOptions('evaluate', args, INFERENCE_KEYS);
    const batchSize = integerOption('evaluate', o, 'batchSize', 32, 1);
    const [X, Y] = examples('evaluate', x, y);
    if (!booleanOption('evaluate', o, 'allowNonFinite', false)) {
      checkFinite('evaluate', 'x', X);
      checkFinite('evaluate', 'y', Y);
    }
    return this.evaluateChecked(c, X, Y, batchSize);
  }

  private evaluateChecked(c: Compiled, X: Tensor, Y: Tensor, batchSize: number): Logs {
    const n = X.shape[0]!;
    if (n === 0) throw new ArgumentError('evaluate: x and y hold no examples');
    for (const m of c.metrics) m.reset();
    let total = 0;
    noGrad(() => {
      for (let b = 0; b < n; b += batchSize) {
        const size = Math.min(batchSize, n - b);
        const xb = rows(X, b, size),
          yb = rows(Y, b, size);
        const [pred, lossValue] = this.evaluateStep(c)(xb, yb, this.layers.length);
        total += lossValue.item() * size;
        for (const m of c.metrics) m.update(yb, pred);
      }
    });
    return { loss: total / n, ...this.metricLogs(c, '') };
  }

  /**
   * The model's outputs for x in inference mode, computed batchSize examples
   * at a time. x holding NaN or ±Inf is rejected with the position of the
   * first one unless `allowNonFinite` (its outputs would be NaN, and an
   * argmax of them a made-up class).
   */
  predict(x: TensorLike, args: InferenceArgs = {}): Tensor {
    const o = checkOptions('predict', args, INFERENCE_KEYS);
    const batchSize = integerOption('predict', o, 'batchSize', 32, 1);
    const X = toTensor('predict', 'x', x);
    if (X.rank === 0) throw new ShapeError(`predict: x must have a batch dimension first, got a scalar`);
    if (!booleanOption('predict', o, 'allowNonFinite', false)) checkFinite('predict', 'x', X);
    const n = X.shape[0]!;
    return noGrad(() => {
      const outs: Tensor[] = [];
      if (n === 0) return this.call(X, false); // no examples: an empty result of the right shape
      const call = this.compiled?.jitCompile === false ? (x: Tensor) => this.call(x, false) : this.predictStep();
      for (let b = 0; b < n; b += batchSize) outs.push(call(rows(X, b, Math.min(batchSize, n - b)), this.layers.length));
      return outs.length === 1 ? outs[0]! : concat(outs, 0);
    });
  }

  /** A table of the layers, their output shapes and parameter counts; printed by printFn and returned. */
  summary(printFn: ((line: string) => void) | null = (l) => console.log(l)): string {
    let shape: SymbolicShape | null = this.inputShape ? [null, ...this.inputShape] : null;
    const rowsOut: string[][] = [['Layer (type)', 'Output shape', 'Param #']];
    let total = 0,
      trainable = 0;
    for (const layer of this.layers) {
      shape = shape ? layer.computeOutputShape(shape) : null;
      const count = layer.countParams();
      total += count;
      trainable += layer.trainableParameters().reduce((s, v) => s + v.size, 0);
      rowsOut.push([`${layer.name} (${layer.className})`, shape ? `[${shape.map((d) => d ?? 'null').join(',')}]` : '?', String(count)]);
    }
    const widths = [0, 1, 2].map((i) => Math.max(...rowsOut.map((r) => r[i]!.length)) + 2);
    const rule = '_'.repeat(widths.reduce((a, b) => a + b, 0));
    const line = (r: string[]) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('')
        .trimEnd();
    const text = [
      `Model: "${this.name}"`,
      rule,
      line(rowsOut[0]!),
      '='.repeat(rule.length),
      ...rowsOut.slice(1).map(line),
      '='.repeat(rule.length),
      `Total params: ${total}`,
      `Trainable params: ${trainable}`,
      `Non-trainable params: ${total - trainable}`,
      rule,
    ].join('\n');
    printFn?.(text);
    return text;
  }

  /** The architecture as JSON: each layer's class and configuration. */
  getConfig(): SequentialConfig {
    return {
      name: this.name,
      layers: this.layers.map((l) => ({ className: l.className, config: l.getConfig() })),
      metadata: JSON.parse(JSON.stringify(this.metadata)) as ModelMetadata,
    };
  }

  /** What compile was given, in a serialisable form (for save), or null when not compiled or not serialisable. */
  getCompileConfig(): Record<string, unknown> | null {
    const c = this.compiled;
    if (!c || c.lossName === 'custom') return null;
    return { loss: c.lossName, metrics: c.metrics.map((m) => m.name), optimizer: c.optimizer.getConfig() };
  }

  /**
   * Saves the model (its architecture, weights and compile settings) as one
   * model file to `target`: a file path (Node, written atomically),
   * 'indexeddb://name' or 'downloads://name' (a browser); see nb.io.saveModel.
   * nb.loadModel reads it back; nb.io.encodeModel(model) gives the bytes.
   */
  async save(target: string | { readonly href: string }): Promise<void> {
    await saveModel(this, target);
  }

  /** Rebuilds a model (with fresh weights) from getConfig's output. */
  static fromConfig(config: { name?: string; layers: { className: string; config: Record<string, unknown> }[]; metadata?: ModelMetadata }): Sequential {
    return new Sequential(
      config.layers.map((l) => layerFromConfig(l)),
      { name: config.name, metadata: config.metadata },
    );
  }
}

/** JSON data saved with a model (see Sequential.metadata). */
export interface ModelMetadata {
  /** The name of each output class, in output order. */
  classNames?: string[];
  /** 'classification' (the default) or 'regression'. */
  task?: 'classification' | 'regression';
  [key: string]: unknown;
}

/** Sequential.getConfig's result. */
export interface SequentialConfig {
  name: string;
  layers: { className: string; config: Record<string, unknown> }[];
  metadata: ModelMetadata;
}

/** A Sequential model of the given layers. */
export function sequential(layers?: Layer[], opts?: { name?: string; metadata?: ModelMetadata }): Sequential;
/** TF.js's spelling: sequential({ layers, name }). */
export function sequential(config: { layers?: Layer[]; name?: string; metadata?: ModelMetadata }): Sequential;
export function sequential(
  layers: Layer[] | { layers?: Layer[]; name?: string; metadata?: ModelMetadata } = [],
  opts: { name?: string; metadata?: ModelMetadata } = {},
): Sequential {
  if (layers !== null && typeof layers === 'object' && !Array.isArray(layers) && !(layers instanceof Layer)) {
    const { layers: list, ...rest } = layers;
    for (const k of Object.keys(rest))
      if (k !== 'name' && k !== 'metadata') throw new ArgumentError(`sequential: unknown option '${k}' (sequential takes layers, name, metadata)`);
    return new Sequential(list ?? [], rest);
  }
  return new Sequential(layers as Layer[], opts);
}

/** Puts back the values the variables held (tensors are immutable, so the saved values are intact). */
/** The first tensor holding NaN or ±Inf, as the variable it belongs to and the value; null when all are finite. */
function firstNonFinite(
  ts: readonly Tensor[],
  vars: readonly Variable[],
  quantity: 'gradient' | 'weights',
): { quantity: 'gradient' | 'weights'; value: number; variable: string } | null {
  for (let k = 0; k < ts.length; k++) {
    // Σx is finite only when every x is (a NaN or ±∞ entry makes it NaN or ±∞): one pass in JS (a kernel call per
    // weight cost more on small models); the entries are scanned only when the sum is not finite (which finite
    // values can also cause, by overflow; not float32 ones: the sum is float64)
    if (!ts[k]) continue;
    const s = ts[k]!.storage;
    let total = 0;
    for (let i = 0; i < s.length; i++) total += s[i]!;
    if (Number.isFinite(total)) continue;
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (v - v !== 0) return { quantity, value: v, variable: vars[k]!.name };
    }
  }
  return null;
}

/** A warning for every non-finite value in an epoch's logs (a NaN val_loss, say). */
function nonFiniteLogs(epoch: number, epochs: number, logs: Logs): string[] {
  const loss = logs['loss'];
  return Object.entries(logs)
    .filter(([, v]) => !Number.isFinite(v))
    .map(([k, v]) => {
      const val = k.startsWith('val_');
      const context = val && loss !== undefined && Number.isFinite(loss) ? ` while the training loss is ${loss.toPrecision(4)}` : '';
      const advice = val
        ? 'check the validation data and the model in inference mode (batch-normalisation statistics, say), or try a smaller learning rate'
        : 'check the metric and the data';
      return `epoch ${epoch + 1}/${epochs}: ${k} is ${v}${context}; ${advice}`;
    });
}

// io loads models through a registry and an interface (io never imports train): Sequential registers
// its factory, and its type, so that nb.loadModel is typed as Sequential.
registerModelClass('Sequential', (config) => Sequential.fromConfig(config as Parameters<typeof Sequential.fromConfig>[0]));
declare module '../io/saveable.js' {
  interface ModelClasses {
    Sequential: Sequential;
  }
}
