// The Points lab's training, run in the worker: builds the data set and the
// network from a config with nabla (layers, losses, optimisers,
// regularizers) and trains it batch by batch with nb.makeTrainStep.
// Everything random comes from the config's seed, so a config always trains
// the same way.
import * as nb from 'nabla';
import { optimizerOf } from '../optimizers.js';
import { classCount, type PointsConfig } from './config.js';
import { makePoints, type Points } from './datasets.js';
import { featurize, gridPoints } from './features.js';
import { EXTENT, OUTPUT_RES, UNIT_RES, type PointsData, type PointsSnapshot } from './protocol.js';

const SAMPLES = 500;

interface Split {
  x: nb.Tensor;
  y: nb.Tensor;
  points: Points;
}

export class PointsTrainer {
  readonly classes: number;
  private readonly model: nb.Sequential;
  private readonly step: nb.Trainer;
  private readonly loss: nb.losses.LossFunction;
  private params: nb.NamedTensors;
  private optState: ReturnType<nb.Trainer['initOptState']>;
  private readonly train: Split;
  private readonly test: Split;
  private readonly order: Int32Array;
  private readonly shuffler: nb.Generator;
  private readonly outputGrid: nb.Tensor;
  private readonly unitGrid: nb.Tensor;
  private cursor = 0;
  epoch = 0;
  steps = 0;
  diverged = false;
  private history: PointsSnapshot['history'] = [];
  private last = { train: NaN, test: NaN, trainAccuracy: NaN, testAccuracy: NaN };

  constructor(readonly config: PointsConfig) {
    const c = config;
    this.classes = classCount(c.dataset);
    const all = makePoints(c.dataset, SAMPLES, c.noise / 100, new nb.Generator(c.seed));
    const order = Array.from({ length: SAMPLES }, (_, i) => i);
    new nb.Generator(c.seed + 1).shuffle(order);
    const nTrain = Math.round((SAMPLES * c.trainPercent) / 100);
    this.train = this.split(all, order.slice(0, nTrain));
    this.test = this.split(all, order.slice(nTrain));
    this.order = Int32Array.from({ length: nTrain }, (_, i) => i);
    this.shuffler = new nb.Generator(c.seed + 2);
    this.shuffler.shuffle(this.order);

    nb.seed(c.seed); // the initial weights
    const reg =
      c.regularization === 'none' ? undefined : c.regularization === 'l1' ? nb.regularizers.l1l2({ l1: c.regRate }) : nb.regularizers.l1l2({ l2: c.regRate });
    const binary = this.classes === 2;
    const hidden = c.layers.map((units, i) =>
      nb.layers.dense({
        units,
        activation: c.activation,
        kernelRegularizer: reg,
        ...(i === 0 ? { inputShape: [c.features.length] } : {}),
      }),
    );
    const out = nb.layers.dense({
      units: binary ? 1 : this.classes,
      activation: binary ? 'sigmoid' : 'softmax',
      kernelRegularizer: reg,
      ...(c.layers.length === 0 ? { inputShape: [c.features.length] } : {}),
    });
    this.model = nb.sequential([...hidden, out]);
    const lossName = c.loss === 'mse' ? 'meanSquaredError' : binary ? 'binaryCrossentropy' : 'categoricalCrossentropy';
    this.loss = nb.losses.getLoss(lossName);
    this.step = nb.makeTrainStep(this.model, { loss: this.loss, optimizer: optimizerOf(c.optimizer, c.learningRate) });
    this.params = this.step.params();
    this.optState = this.step.initOptState();
    this.outputGrid = featurize(nb.tensor(gridPoints(OUTPUT_RES, EXTENT), [OUTPUT_RES * OUTPUT_RES, 2]), c.features);
    this.unitGrid = featurize(nb.tensor(gridPoints(UNIT_RES, EXTENT), [UNIT_RES * UNIT_RES, 2]), c.features);
    this.evaluate();
  }

  private split(all: Points, idx: number[]): Split {
    const xy = new Float32Array(2 * idx.length),
      label = new Uint8Array(idx.length);
    idx.forEach((j, i) => {
      xy[2 * i] = all.xy[2 * j]!;
      xy[2 * i + 1] = all.xy[2 * j + 1]!;
      label[i] = all.label[j]!;
    });
    const x = featurize(nb.tensor(xy, [idx.length, 2]), this.config.features);
    const labels = nb.tensor(Int32Array.from(label), [idx.length]);
    const y = this.classes === 2 ? nb.reshape(nb.cast(labels, 'float32'), [idx.length, 1]) : nb.oneHot(labels, this.classes);
    return { x, y, points: { xy, label } };
  }

  /** The points, for the page to draw. */
  data(): Omit<PointsData, 'id'> {
    return { type: 'data', classes: this.classes, train: this.train.points, test: this.test.points };
  }

  /** One gradient step on the next batch; at the end of an epoch the losses are recorded. */
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
    const r = this.step(this.params, this.optState, { x: nb.gather(this.train.x, idx), y: nb.gather(this.train.y, idx) });
    this.params = r.params;
    this.optState = r.optState;
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
    this.step.write(this.params);
    const score = (s: Split) =>
      nb.noGrad(() => {
        const p = this.model.call(s.x, false);
        const correct = this.classes === 2 ? nb.equal(nb.greater(p, 0.5), nb.greater(s.y, 0.5)) : nb.equal(nb.argmax(p, 1), nb.argmax(s.y, 1));
        return [this.loss(s.y, p).item(), nb.mean(nb.cast(correct, 'float32')).item()] as const;
      });
    const [train, trainAccuracy] = score(this.train);
    const [test, testAccuracy] = this.test.points.label.length > 0 ? score(this.test) : [NaN, NaN];
    this.last = { train, test, trainAccuracy, testAccuracy };
    if (!Number.isFinite(train)) this.diverged = true;
    this.history.push({ epoch: this.epoch, train, test });
  }

  /** The network with its current weights written into it, those weights by name, the training set and the loss: what a loss landscape needs (the Calculus lab). */
  current(): { model: nb.Sequential; params: nb.NamedTensors; x: nb.Tensor; y: nb.Tensor; loss: nb.losses.LossFunction; trainLoss: number } {
    this.step.write(this.params);
    return { model: this.model, params: this.params, x: this.train.x, y: this.train.y, loss: this.loss, trainLoss: this.last.train };
  }

  /** The current state for the page; the loss history since the previous snapshot. */
  snapshot(running: boolean): Omit<PointsSnapshot, 'id'> {
    this.step.write(this.params);
    return nb.noGrad(() => {
      const output = this.model.call(this.outputGrid, false);
      // P(class 1) per cell, or the class probabilities class-major
      const values = (this.classes === 2 ? output : nb.transpose(output)).data() as Float32Array;
      const layers = [{ units: this.config.features.length, values: nb.transpose(this.unitGrid).data() as Float32Array }];
      let h = this.unitGrid;
      for (const layer of this.model.layers) {
        h = layer.call(h, false);
        layers.push({ units: h.shape[1]!, values: nb.transpose(h).data() as Float32Array });
      }
      const weights = this.model.layers.map((l) => {
        const d = l as nb.layers.Dense;
        return { kernel: d.kernel!.value.data() as Float32Array, bias: d.bias!.value.data() as Float32Array, inputs: d.kernel!.shape[0]!, units: d.units };
      });
      const history = this.history;
      this.history = [];
      return {
        type: 'snapshot',
        epoch: this.epoch,
        steps: this.steps,
        running,
        history,
        trainLoss: this.last.train,
        testLoss: this.last.test,
        trainAccuracy: this.last.trainAccuracy,
        testAccuracy: this.last.testAccuracy,
        output: { res: OUTPUT_RES, values },
        maps: { res: UNIT_RES, layers },
        weights,
        diverged: this.diverged,
      } satisfies Omit<PointsSnapshot, 'id'>;
    });
  }
}
