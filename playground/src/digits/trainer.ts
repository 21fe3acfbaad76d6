// The Digits lab's training, run in the worker (and importable in Node): the
// UCI 8x8 digits shipped with nabla, split once into training and test
// images, and one network, or two racing from the same initial weights on the
// same batches, trained with nb.makeTrainStep. The seed fixes the initial
// weights and the batch order, so a config always trains the same way.
import * as nb from 'nabla';
import { optimizerOf } from '../optimizers.js';
import { runners, type DigitsConfig, type RunnerSpec } from './config.js';
import type { DigitsSnapshot, EpochPoint } from './protocol.js';

/** The share of the digits held out as the test set (the split is fixed: the same test images for every seed). */
export const TEST_FRACTION = 0.2;
const SPLIT_SEED = 20260;

interface Split {
  x: nb.Tensor;
  y: nb.Tensor;
  labels: Uint8Array;
}

/** One network with its loss, optimiser and training state. */
class Runner {
  readonly model: nb.Sequential;
  readonly loss: nb.losses.LossFunction;
  private readonly step: nb.Trainer;
  private params: nb.NamedTensors;
  private optState: ReturnType<nb.Trainer['initOptState']>;
  history: EpochPoint[] = [];
  last: EpochPoint | null = null;

  constructor(
    readonly spec: RunnerSpec,
    config: DigitsConfig,
  ) {
    nb.seed(config.seed); // the initial weights: the same for every runner of a config
    const hidden = config.layers.map((units, i) => nb.layers.dense({ units, activation: config.activation, ...(i === 0 ? { inputShape: [64] } : {}) }));
    const out = nb.layers.dense({ units: 10, activation: 'softmax', ...(config.layers.length === 0 ? { inputShape: [64] } : {}) });
    this.model = nb.sequential([...hidden, out]);
    this.loss = nb.losses.getLoss(spec.loss === 'mse' ? 'meanSquaredError' : 'categoricalCrossentropy');
    this.step = nb.makeTrainStep(this.model, { loss: this.loss, optimizer: optimizerOf(spec.optimizer, spec.learningRate) });
    this.params = this.step.params();
    this.optState = this.step.initOptState();
  }

  train(x: nb.Tensor, y: nb.Tensor): void {
    const r = this.step(this.params, this.optState, { x, y });
    this.params = r.params;
    this.optState = r.optState;
  }

  /** Writes the trained parameters into the model's layers (for model.call). */
  sync(): void {
    this.step.write(this.params);
  }
}

export class DigitsTrainer {
  readonly runners: Runner[];
  readonly train: Split;
  readonly test: Split;
  /** The test images as 0..16 intensities, for the page. */
  readonly testImages: Uint8Array;
  private readonly order: Int32Array;
  private readonly shuffler: nb.Generator;
  private cursor = 0;
  epoch = 0;
  steps = 0;
  diverged = false;
  /** The first runner's test predictions at the last evaluation. */
  private predicted: Uint8Array = new Uint8Array(0);

  constructor(
    readonly config: DigitsConfig,
    digits: nb.data.Digits,
  ) {
    const n = digits.labels.shape[0]!;
    const order = Array.from({ length: n }, (_, i) => i);
    new nb.Generator(SPLIT_SEED).shuffle(order);
    const nTest = Math.round(n * TEST_FRACTION);
    const pixels = digits.x.data() as Float32Array,
      labels = digits.labels.data() as Int32Array;
    const split = (idx: number[]): Split => {
      const x = new Float32Array(idx.length * 64);
      idx.forEach((j, i) => x.set(pixels.subarray(j * 64, j * 64 + 64), i * 64));
      const lab = Int32Array.from(idx, (j) => labels[j]!);
      return { x: nb.tensor(x, [idx.length, 64]), y: nb.oneHot(nb.tensor(lab, [idx.length]), 10), labels: Uint8Array.from(lab) };
    };
    this.test = split(order.slice(0, nTest));
    this.train = split(order.slice(nTest));
    this.testImages = Uint8Array.from(this.test.x.data() as Float32Array, (v) => Math.round(v * 16));
    const nTrain = n - nTest;
    this.order = Int32Array.from({ length: nTrain }, (_, i) => i);
    this.shuffler = new nb.Generator(config.seed + 1);
    this.shuffler.shuffle(this.order);
    this.runners = runners(config).map((spec) => new Runner(spec, config));
    this.evaluate();
  }

  /** One gradient step of every runner on the next batch (the same batch for all); at the end of an epoch all are evaluated. */
  trainBatch(): void {
    if (this.diverged) return;
    const n = this.order.length,
      bs = Math.min(this.config.batchSize, n);
    if (this.cursor + bs > n) {
      this.cursor = 0;
      this.shuffler.shuffle(this.order);
    }
    const idx = nb.tensor(this.order.slice(this.cursor, this.cursor + bs), [bs]);
    this.cursor += bs;
    const x = nb.gather(this.train.x, idx),
      y = nb.gather(this.train.y, idx);
    for (const r of this.runners) r.train(x, y);
    this.steps++;
    if (this.cursor + bs > n) {
      this.epoch++;
      this.evaluate();
    }
  }

  /** Trains until the end of the current epoch. */
  trainEpoch(): void {
    const e = this.epoch;
    while (this.epoch === e && !this.diverged) this.trainBatch();
  }

  private evaluate(): void {
    this.runners.forEach((r, k) => {
      r.sync();
      const score = (s: Split) =>
        nb.noGrad(() => {
          const p = r.model.call(s.x, false);
          const guess = nb.argmax(p, 1);
          const accuracy = nb.mean(nb.cast(nb.equal(guess, nb.argmax(s.y, 1)), 'float32')).item();
          return { loss: r.loss(s.y, p).item(), accuracy, guess: guess.data() as Int32Array };
        });
      const train = score(this.train),
        test = score(this.test);
      if (k === 0) this.predicted = Uint8Array.from(test.guess);
      const point = { epoch: this.epoch, trainLoss: train.loss, testLoss: test.loss, trainAccuracy: train.accuracy, testAccuracy: test.accuracy };
      r.last = point;
      r.history.push(point);
      if (!Number.isFinite(train.loss)) this.diverged = true;
    });
  }

  /** The first runner's class probabilities for a drawn digit (64 intensities 0..16, scaled to 0..1 as the training images are). */
  predict(pixels: Float32Array): Float32Array {
    const r = this.runners[0]!;
    r.sync();
    return nb.noGrad(() => {
      const x = nb.tensor(
        Float32Array.from(pixels, (v) => Math.min(16, Math.max(0, v)) / 16),
        [1, 64],
      );
      return Float32Array.from(r.model.call(x, false).data() as Float32Array);
    });
  }

  /** The current state for the page: each runner's history since the previous snapshot, and the first runner's confusion matrix, mistakes and first-layer weights. */
  snapshot(running: boolean): Omit<DigitsSnapshot, 'id'> {
    const confusion = new Int32Array(100);
    const wrongIndex: number[] = [],
      wrongPredicted: number[] = [];
    this.predicted.forEach((p, i) => {
      const t = this.test.labels[i]!;
      confusion[t * 10 + p]!++;
      if (p !== t) {
        wrongIndex.push(i);
        wrongPredicted.push(p);
      }
    });
    const first = this.runners[0]!;
    first.sync();
    const dense = first.model.layers[0] as nb.layers.Dense;
    const history = this.runners.map((r) => {
      const h = r.history;
      r.history = [];
      return h;
    });
    return {
      type: 'snapshot',
      epoch: this.epoch,
      steps: this.steps,
      running,
      history,
      confusion,
      wrong: { index: Int32Array.from(wrongIndex), predicted: Uint8Array.from(wrongPredicted) },
      firstLayer: { kernel: Float32Array.from(dense.kernel!.value.data() as Float32Array), units: dense.units },
      diverged: this.diverged,
    };
  }
}
