import { explainModel, type Explanation, type ExplainOptions } from '../explain/index.js';
import { optionsObject } from '../core/options.js';
import { describe } from '../core/describe.js';
import { sumIsFinite } from '../core/dtype.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { nextTask } from '../core/platform.js';
import { globalGenerator } from '../core/random.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { add } from '../ops/arithmetic.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import { noGrad } from '../ops/stop.js';
import type { Layer } from '../nn/layer.js';
import { Module } from '../nn/module.js';
import { getLoss, type LossFn, type LossSpelling } from '../losses/index.js';
import { firstBadClassIndex } from '../losses/crossentropy.js';
import { canonicalLossName } from '../losses/registry.js';
import { getMetric, type Metric, type MetricName } from '../metrics/index.js';
import { getOptimizer, type Optimizer, type OptimizerName } from '../optim/index.js';
import { checkOptions } from '../optim/validate.js';
import { fire, type Callback, type Logs } from './callbacks.js';
import {
  booleanOption,
  callbacksOption,
  EVALUATE_KEYS,
  FIT_KEYS,
  INFERENCE_KEYS,
  integerOption,
  validationDataOption,
  validationSplitOption,
  verboseOption,
} from './args.js';
import { examples, pickRows, rows } from './data.js';
import { checkFiniteData, concatBatches, count, type Data, inferenceBatchSize, part, pickRowsOf, rowsOf } from './model-data.js';
import { compileOutputs, type MetricSlot } from './multi-output.js';
import { classWeightsToSampleWeights, sampleWeightTensor, weightedLoss } from './sample-weight.js';
import { DivergenceError, type DivergenceDetails } from './errors.js';
import { History } from './history.js';
import { ProgressLogger } from './progress.js';
import { makeTrainStep, type TrainBatch, type Trainer } from './step.js';
import { compiledInference, compiledTrainStep, metricsInStep, type CompiledTrainStep } from '../compile/train.js';
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

/** compile's arguments for a functional Model, which may have several outputs. */
export interface FunctionalCompileArgs extends Omit<CompileArgs, 'loss' | 'metrics'> {
  /**
   * A loss name or function; with several outputs, one loss for all, an
   * array (one per output) or an object keyed by output name.
   */
  loss: LossSpelling | LossFn | (LossSpelling | LossFn)[] | Record<string, LossSpelling | LossFn>;
  /**
   * Metric names or Metric objects; with several outputs each is computed on
   * every output (logged as '<output>_accuracy'), or give an array of lists
   * (one per output) or an object of lists keyed by output name.
   */
  metrics?: (MetricName | Metric)[] | (MetricName | Metric)[][] | Record<string, (MetricName | Metric)[]>;
  /** With several outputs: the weight λₖ of each output's loss in the total Σₖ λₖ·Lₖ (an array or an object by output name). Default 1 each. */
  lossWeights?: number[] | Record<string, number>;
}

/** fit's arguments. */
export interface FitArgs {
  /** The epoch to stop before (a non-negative integer); with initialEpoch 0, the number of passes over the data. Default 1. */
  epochs?: number;
  /** Examples per gradient step, a positive integer. Default 32. */
  batchSize?: number;
  /** The fraction of examples in [0, 1), taken from the end before shuffling, held out for validation. Default 0. */
  validationSplit?: number;
  /** Explicit validation data [x, y], or [x, y, sampleWeight]; takes precedence over validationSplit. */
  validationData?: [ModelData, ModelData] | [ModelData, ModelData, TensorLike];
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
  /**
   * One weight per example (shape [n]), multiplying its loss (Keras's
   * sample_weight): the loss of a batch is Σᵢ wᵢ·ℓᵢ / N (see weightedLoss).
   * Metrics are not weighted.
   */
  sampleWeight?: TensorLike;
  /**
   * A weight per class, { classIndex: weight } (Keras's class_weight): each
   * example's loss is multiplied by the weight of its class (its label, or
   * the argmax of a one-hot row); classes left out weigh 1. For a model of
   * one output; not together with sampleWeight.
   */
  classWeight?: Record<number, number>;
}

/** x or y of fit and evaluate: one tensor, or for a model of several inputs (outputs) an array in order or an object keyed by name. */
export type ModelData = TensorLike | TensorLike[] | Record<string, TensorLike>;

/** evaluate's arguments. */
export interface EvaluateArgs extends InferenceArgs {
  /** One weight per example (shape [n]): the loss is Σᵢ wᵢ·ℓᵢ / n (Keras's sample_weight; metrics are not weighted). */
  sampleWeight?: TensorLike;
}

/** evaluate's and predict's arguments. */
export interface InferenceArgs {
  /**
   * Examples per forward pass, a positive integer. Default: 32 (Keras's), or
   * more for small models, up to 1024 examples and 2^19 values (the inputs
   * and every layer's outputs) a pass (inferenceBatchSize: the digits MLP
   * 1024, a 784-256-128-10 MLP 256, a CNN 32); the results do not depend on
   * it beyond the last bit of a sum.
   */
  batchSize?: number;
  /** Accept x (and y) holding NaN or ±Inf instead of rejecting them. Default false. */
  allowNonFinite?: boolean;
}

interface Compiled {
  optimizer: Optimizer;
  loss: LossFn;
  lossName: string;
  metrics: MetricSlot[];
  /** 'auto' (the default: compiled where the model traces, silently eager elsewhere), true or false. */
  jitCompile: boolean | 'auto';
  /** The compiled forward pass and loss of evaluate, made on first use (and with sample weights). */
  evaluateStep?: (x: Data, y: Data, layers: number) => [Data, Tensor];
  evaluateWeighted?: (x: Data, y: Data, layers: number, w: Tensor) => [Data, Tensor];
  /** What save writes (a model of several outputs: the per-output losses and their weights). */
  saved?: Record<string, unknown> | null;
  /** fit's compiled step, kept for the next fit of this compile (see LayersModel.trainStepFor). */
  trainStep?: KeptStep;
}

/** A compiled training step kept between fits, with what it was made for. */
interface KeptStep {
  step: CompiledTrainStep | null;
  trainable: readonly Variable[];
  labelsChecked: boolean;
  /** A fit is running it (a fit started meanwhile, say from a callback, makes its own). */
  busy: boolean;
}

/**
 * What Sequential and the functional Model share: compile, fit, evaluate,
 * predict and their compiled steps, over the model's `call` and `layers`.
 */
export abstract class LayersModel<Out extends Tensor | Tensor[] = Tensor> extends Module {
  /** The layers, in the order their weights are listed. */
  abstract readonly layers: Layer[];
  abstract readonly name: string;
  /** The shape of one example the model takes, once known. */
  abstract get inputShape(): number[] | undefined;
  /** The forward pass; `training` enables dropout and batch statistics. */
  abstract call(x: TensorLike | Tensor[], training?: boolean): Out;
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
  /** The architecture as JSON. */
  abstract getConfig(): object;

  /**
   * The values one example makes pass through the model: the sum of the sizes of its layers'
   * outputs (batch axis excluded), or null when a shape is not known yet (a dimension of
   * variable size, a layer that cannot tell). Sizes predict's and evaluate's default passes.
   */
  abstract exampleValues(): number | null;

  /** Set by a callback to end fit after the current epoch (or batch). */
  stopTraining = false;
  private compiled: Compiled | null = null;
  private predictPlan: ((x: Data, layers: number) => Out) | null = null;

  /** The names of the outputs when there are several (a functional model's), or null for one output. */
  protected outputNames(): string[] | null {
    return null;
  }

  /** x and y of fit and evaluate as tensors with the same number of examples: one each here, one per input and output in a functional model. */
  protected examplesOf(op: string, x: ModelData, y: ModelData): [Data, Data] {
    return examples(op, x as TensorLike, y as TensorLike);
  }

  /** x of predict as a tensor (one per input in a functional model). */
  protected inputsOf(op: string, x: ModelData): Data {
    return toTensor(op, 'x', x as TensorLike);
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

  /** Chooses the optimizer, the loss and the metrics that fit and evaluate use. */
  compile(compileArgs: CompileArgs): void {
    const args = optionsObject('compile', compileArgs, 'options { optimizer, loss, metrics? }') as FunctionalCompileArgs;
    if (args.jitCompile !== undefined && typeof args.jitCompile !== 'boolean')
      throw new ArgumentError(`compile: jitCompile must be a boolean, got ${describe(args.jitCompile)}`);
    const outputs = this.outputNames();
    if (outputs) {
      const o = compileOutputs(outputs, args.loss, args.lossWeights, args.metrics);
      const optimizer = getOptimizer(args.optimizer);
      // the metrics are saved when every output has the same ones (compile applies a flat list to every output)
      const per = outputs.map((_, k) => o.metrics.filter((m) => m.output === k).map((m) => m.metric.name));
      const metrics = per.every((p) => p.join() === per[0]!.join()) ? per[0]! : [];
      const saved = o.lossNames ? { loss: o.lossNames, lossWeights: o.lossWeights, metrics, optimizer: optimizer.getConfig() } : null;
      this.compiled = {
        optimizer,
        loss: o.loss,
        lossName: o.lossNames ? 'outputs' : 'custom',
        metrics: o.metrics,
        jitCompile: args.jitCompile ?? 'auto',
        saved,
      };
      return;
    }
    if (args.metrics !== undefined && !Array.isArray(args.metrics))
      throw new ArgumentError(`compile: metrics must be an array of names or Metric objects, got ${describe(args.metrics)}`);
    if (args.lossWeights !== undefined) throw new ArgumentError('compile: lossWeights is for a model of several outputs; this model has one');
    const lossName = typeof args.loss === 'string' ? args.loss : 'custom';
    const loss = getLoss(args.loss as LossSpelling | LossFn);
    this.compiled = {
      optimizer: getOptimizer(args.optimizer),
      loss,
      lossName,
      metrics: (args.metrics ?? []).map((m) => {
        const metric = getMetric(m as MetricName | Metric, args.loss as LossSpelling | LossFn);
        return { metric, output: 0, name: metric.name };
      }),
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
    return explainModel(this as unknown as Parameters<typeof explainModel>[0], opts);
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
  private evaluateStep(c: Compiled): (x: Data, y: Data, layers: number) => [Data, Tensor] {
    const eager = (x: Data, y: Data): [Data, Tensor] => {
      const pred = this.call(x, false);
      return [pred, this.totalLoss(c, y, pred)];
    };
    if (c.jitCompile === false) return eager;
    c.evaluateStep ??= compiledInference(eager, c.jitCompile === 'auto');
    return c.evaluateStep;
  }

  /** evaluateStep with sample weights. */
  private evaluateWeighted(c: Compiled): (x: Data, y: Data, layers: number, w: Tensor) => [Data, Tensor] {
    const eager = (x: Data, y: Data, _layers: number, w: Tensor): [Data, Tensor] => {
      const pred = this.call(x, false);
      return [pred, this.totalLoss(c, y, pred, w)];
    };
    if (c.jitCompile === false) return eager;
    c.evaluateWeighted ??= compiledInference(eager, c.jitCompile === 'auto');
    return c.evaluateWeighted;
  }

  /** predict's forward pass of a batch, compiled (made on first use; `layers` retraces after a layer is added). */
  private predictStep(): (x: Data, layers: number) => Out {
    this.predictPlan ??= compiledInference((x: Data, _layers: number) => this.call(x, false), this.compiled?.jitCompile !== true);
    return this.predictPlan;
  }

  private requireCompiled(op: string): Compiled {
    if (!this.compiled) throw new ArgumentError(`${op}: compile the model first, e.g. model.compile({ optimizer: 'adam', loss: 'meanSquaredError' })`);
    return this.compiled;
  }

  /** The training loss of a batch: the compiled loss plus every layer's regularisation penalty. */
  private totalLoss(c: Compiled, y: Data, pred: Data, w?: Tensor): Tensor {
    let l = w === undefined ? c.loss(y as Tensor, pred as Tensor) : weightedLoss(c.loss, y as Tensor, pred as Tensor, w);
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
  async fit(x: ModelData, y: ModelData, args: FitArgs = {}): Promise<History> {
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
    const validationData = validationDataOption<ModelData>('fit', o);

    let [X, Y] = this.examplesOf('fit', x, y);
    if (!allowNonFinite) {
      checkFiniteData('fit', 'x', X);
      checkFiniteData('fit', 'y', Y);
    }
    let W = this.sampleWeightsOf('fit', o, Y);
    let validation: [Data, Data, Tensor | undefined] | null = null;
    if (validationData) {
      const [vx, vy] = this.examplesOf('fit (validationData)', validationData[0], validationData[1]);
      const vw =
        validationData[2] === undefined ? undefined : sampleWeightTensor('fit', 'validationData sampleWeight', validationData[2] as TensorLike, count(vx));
      validation = [vx, vy, vw];
      if (!allowNonFinite) {
        checkFiniteData('fit', 'validationData x', vx);
        checkFiniteData('fit', 'validationData y', vy);
      }
    } else if (split > 0) {
      const n = count(X),
        nTrain = Math.floor(n * (1 - split));
      if (nTrain < 1 || nTrain >= n) throw new ArgumentError(`fit: validationSplit ${split} of ${n} examples leaves no training or no validation examples`);
      validation = [rowsOf(X, nTrain, n - nTrain), rowsOf(Y, nTrain, n - nTrain), W ? rows(W, nTrain, n - nTrain) : undefined];
      X = rowsOf(X, 0, nTrain);
      Y = rowsOf(Y, 0, nTrain);
      W = W && rows(W, 0, nTrain);
    }
    const n = count(X);
    if (n === 0) throw new ArgumentError('fit: x and y hold no training examples');
    if (validation && count(validation[0]) === 0) throw new ArgumentError('fit: validationData holds no examples');
    // layers without an inputShape build on their first call: build them now, so their weights are trained
    if (this.layers.some((l) => !l.built)) noGrad(() => this.call(rowsOf(X, 0, 1), false));
    const labelsChecked = c.jitCompile !== false && this.checkSparseLabels(c, X, Y);
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
    const kept = c.jitCompile === false ? null : this.trainStepFor(c, trainer, trainable, labelsChecked);
    const compiledStep = kept?.step ?? null;
    const diverged = (d: DivergenceDetails) => this.divergence(c, d, { epochs, steps, initialEpoch, allowNonFinite }, history);

    try {
      await fire(callbacks, 'onTrainBegin', {});
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        this.train(true);
        await fire(callbacks, 'onEpochBegin', epoch, {});
        const order = Int32Array.from({ length: n }, (_, i) => i);
        if (shuffle) globalGenerator().shuffle(order);
        for (const m of c.metrics) m.metric.reset();
        let lossSum = 0,
          done = 0;
        for (let b = 0; b < steps && !this.stopTraining; b++) {
          await fire(callbacks, 'onBatchBegin', b, {});
          const idx = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
          // the batch as fresh tensors (the eager step's, and what a metric computed outside the step gets)
          let fresh: TrainBatch | null = null;
          const batchOf = (): TrainBatch => {
            if (fresh === null) {
              const xb = pickRowsOf(X, idx),
                yb = pickRowsOf(Y, idx);
              fresh = W ? { x: xb, y: yb, sampleWeight: pickRows(W, idx) } : { x: xb, y: yb };
            }
            return fresh;
          };
          // the compiled step on its own reused batch arrays (null when this one runs eagerly), else the eager step on the model's values
          const compiled = compiledStep?.run(compiledStep.batch(X, Y, W, idx)) ?? null;
          const eager = compiled ? null : trainer(trainer.params(), c.optimizer.stateOf(trainable), batchOf());
          const result = compiled ?? eager!;
          const lossValue = result.loss.item();
          if (!Number.isFinite(lossValue)) throw diverged({ epoch, batch: b, quantity: 'loss', value: lossValue });
          // A non-finite gradient makes its weight's update non-finite with every optimiser (NaN or ±∞ times a
          // rate, or divided by its own root mean square), so the new weights are checked first, in one pass,
          // and the gradients only when one is not finite, to say which of the two went wrong.
          const badWeight =
            compiled?.weightsFinite() === true
              ? null
              : firstNonFinite(
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
          if (eager) {
            trainer.write(eager.params, eager.state);
            c.optimizer.setState(trainable, eager.optState);
          } else compiled!.commit();
          lossSum += lossValue;
          done++;
          inStep.update(result.metrics, () => batchOf().y, eager ? () => eager.outputs : compiled!.outputs);
          await fire(callbacks, 'onBatchEnd', b, { batch: b, size: idx.length, loss: lossValue, ...this.metricLogs(c, '') });
          // let the event loop turn now and then: a page repaints, and finalizers release dropped tensors' storage
          if (b % YIELD_EVERY === YIELD_EVERY - 1) await nextTask();
        }
        if (done === 0) break; // stopped before this epoch's first batch
        // an epoch that a callback stopped part way reports the batches it ran
        const logs: Logs = { loss: lossSum / done, ...this.metricLogs(c, '') };
        if (validation) {
          // the validation data was checked once above, not every epoch
          const v = this.evaluateChecked(c, validation[0], validation[1], batchSize, validation[2]);
          for (const [k, val] of Object.entries(v)) logs[`val_${k}`] = val;
        }
        await fire(callbacks, 'onEpochEnd', epoch, logs);
        for (const message of nonFiniteLogs(epoch, epochs, logs)) await fire(callbacks, 'onWarning', message);
      }
    } catch (error) {
      this.releaseStep(c, kept, false); // the last good step's weights and slots back into the variables and the optimiser
      this.train(false);
      try {
        await fire(callbacks, 'onTrainError', error);
      } catch {
        // the error that stopped training is the one to report
      }
      throw error;
    }
    this.releaseStep(c, kept, true);
    this.train(false);
    await fire(callbacks, 'onTrainEnd', {});
    return history;
  }

  /**
   * For sparse categorical cross-entropy on a model of one output: checks
   * that every label of y is an integer class index in [0, K) (K: the
   * model's output width), naming the first that is not, and returns true.
   * The loss checks its labels' values on every batch, which a traced step
   * cannot do; checked here once, the step compiles. False for other losses.
   */
  private checkSparseLabels(c: Compiled, X: Data, Y: Data): boolean {
    if (canonicalLossName(c.loss) !== 'sparseCategoricalCrossentropy' || Array.isArray(Y)) return false;
    const out = noGrad(() => this.call(rowsOf(X, 0, 1), false));
    if (Array.isArray(out) || out.rank < 1) return false;
    const classes = out.shape[out.rank - 1]!;
    const bad = firstBadClassIndex(Y.storage, classes);
    if (bad >= 0) {
      const perExample = Y.size / Y.shape[0]!;
      throw new ArgumentError(
        `fit: y must hold integer class indices in [0, ${classes}) for sparseCategoricalCrossentropy (the model has ${classes} outputs), got ${Y.storage[bad]} for example ${Math.floor(bad / perExample)}`,
      );
    }
    return true;
  }

  /**
   * fit's compiled step: the one the previous fit of this compile made when
   * it trains the same variables (a fit called in a loop, an epoch at a
   * time, traces once), else a new one, kept for the next fit. The
   * optimiser, loss and metrics are the compile's, so the variables and the
   * label check are all that can differ.
   */
  private trainStepFor(c: Compiled, trainer: Trainer, trainable: readonly Variable[], labelsChecked: boolean): KeptStep {
    const k = c.trainStep;
    if (
      k !== undefined &&
      !k.busy &&
      k.labelsChecked === labelsChecked &&
      k.trainable.length === trainable.length &&
      k.trainable.every((v, i) => v === trainable[i])
    ) {
      k.busy = true;
      return k;
    }
    const step = compiledTrainStep(trainer, c.optimizer, trainable, { silent: c.jitCompile === 'auto', labelsChecked });
    const made: KeptStep = { step, trainable: [...trainable], labelsChecked, busy: true };
    if (k === undefined || !k.busy) {
      k?.step?.dispose();
      c.trainStep = made;
    }
    return made;
  }

  /**
   * Ends a fit's use of its compiled step: the held weights and slots go back
   * into the variables and the optimiser. The step stays for the next fit
   * when this one ended well and it is the compile's kept step (its plans'
   * memory is given back when the model or its compile is dropped: see
   * Plan.dispose); otherwise its plans' memory is given back now, and after a
   * failure the next fit starts afresh.
   */
  private releaseStep(c: Compiled, kept: KeptStep | null, ok: boolean): void {
    if (kept === null) return;
    kept.busy = false;
    if (ok && c.trainStep === kept) {
      kept.step?.settle();
      return;
    }
    kept.step?.dispose();
    if (c.trainStep === kept) c.trainStep = undefined;
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
    return Object.fromEntries(c.metrics.map((m) => [prefix + m.name, m.metric.result()]));
  }

  /** The sample weights fit or evaluate was given (sampleWeight, or classWeight turned into them), checked; null for none. */
  private sampleWeightsOf(op: string, o: Record<string, unknown>, Y: Data): Tensor | null {
    const sw = o['sampleWeight'],
      cw = o['classWeight'];
    if (cw !== undefined) {
      if (sw !== undefined) throw new ArgumentError(`${op}: give sampleWeight or classWeight, not both (multiply the class weights into the sample weights)`);
      if (Array.isArray(Y)) throw new ArgumentError(`${op}: classWeight is for a model of one output; give sampleWeight instead`);
      return classWeightsToSampleWeights(op, cw, Y);
    }
    return sw === undefined ? null : sampleWeightTensor(op, 'sampleWeight', sw as TensorLike, count(Y));
  }

  /**
   * The loss (with regularisation) and metrics over x, y in inference mode,
   * by name: { loss, accuracy, ... }. The loss is averaged over examples.
   * x and y holding NaN or ±Inf are rejected with the position of the first
   * one unless `allowNonFinite`; batchSize must be a positive integer.
   */
  evaluate(x: ModelData, y: ModelData, args: EvaluateArgs = {}): Logs {
    const c = this.requireCompiled('evaluate');
    const o = checkOptions('evaluate', args, EVALUATE_KEYS);
    const [X, Y] = this.examplesOf('evaluate', x, y);
    const batchSize = integerOption('evaluate', o, 'batchSize', 0, 1) || inferenceBatchSize(X, this.exampleValues()); // (0: not given)
    if (!booleanOption('evaluate', o, 'allowNonFinite', false)) {
      checkFiniteData('evaluate', 'x', X);
      checkFiniteData('evaluate', 'y', Y);
    }
    const W = this.sampleWeightsOf('evaluate', o, Y);
    return this.evaluateChecked(c, X, Y, batchSize, W ?? undefined);
  }

  private evaluateChecked(c: Compiled, X: Data, Y: Data, batchSize: number, W?: Tensor): Logs {
    const n = count(X);
    if (n === 0) throw new ArgumentError('evaluate: x and y hold no examples');
    for (const m of c.metrics) m.metric.reset();
    let total = 0;
    noGrad(() => {
      for (let b = 0; b < n; b += batchSize) {
        const size = Math.min(batchSize, n - b);
        const xb = rowsOf(X, b, size),
          yb = rowsOf(Y, b, size);
        // with weights, a batch's loss is Σ w·ℓ / size, so total / n is Σ w·ℓ / n over all examples
        const [pred, lossValue] = W ? this.evaluateWeighted(c)(xb, yb, this.layers.length, rows(W, b, size)) : this.evaluateStep(c)(xb, yb, this.layers.length);
        total += lossValue.item() * size;
        for (const m of c.metrics) m.metric.update(part(yb, m.output), part(pred, m.output));
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
  predict(x: ModelData, args: InferenceArgs = {}): Out {
    const o = checkOptions('predict', args, INFERENCE_KEYS);
    const X = this.inputsOf('predict', x);
    const batchSize = integerOption('predict', o, 'batchSize', 0, 1) || inferenceBatchSize(X, this.exampleValues()); // (0: not given)
    if ((Array.isArray(X) ? X : [X]).some((t) => t.rank === 0)) throw new ShapeError(`predict: x must have a batch dimension first, got a scalar`);
    if (!booleanOption('predict', o, 'allowNonFinite', false)) checkFiniteData('predict', 'x', X);
    const n = count(X);
    return noGrad(() => {
      const outs: Data[] = [];
      if (n === 0) return this.call(X, false); // no examples: an empty result of the right shape
      const call = this.compiled?.jitCompile === false ? (x: Data) => this.call(x, false) : this.predictStep();
      for (let b = 0; b < n; b += batchSize) outs.push(call(rowsOf(X, b, Math.min(batchSize, n - b)), this.layers.length));
      return concatBatches(outs) as Out;
    });
  }

  /** What compile was given, in a serialisable form (for save), or null when not compiled or not serialisable. */
  getCompileConfig(): Record<string, unknown> | null {
    const c = this.compiled;
    if (!c || c.lossName === 'custom') return null;
    if (c.saved !== undefined) return c.saved;
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
    if (sumIsFinite(s)) continue;
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
