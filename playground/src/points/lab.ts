// The Points lab on the page: the controls (left), the network (middle) and
// the output (right). It owns no training: it sends configs to the worker and
// draws the snapshots it gets back, once per animation frame.
import {
  MAX_BATCH,
  ACTIVATIONS,
  ACTIVATION_LABELS,
  DATASETS,
  DATASET_LABELS,
  LEARNING_RATES,
  LOSSES,
  LOSS_LABELS,
  OPTIMIZERS,
  OPTIMIZER_LABELS,
  REGULARIZERS,
  REGULARIZER_LABELS,
  REG_RATES,
  classCount,
  type PointsConfig,
} from './config.js';
import { numberInput, radios, select, slider } from './controls.js';
import { NetworkView } from './network.js';
import { drawLossChart, drawOutput, drawPoints } from './plots.js';
import { el } from '../dom.js';
import { CLASS_COLORS, css } from './colors.js';
import type { PointsData, PointsSnapshot } from './protocol.js';

/** The options with `v` among them (a shared URL may hold a value the list lacks). */
const withValue = (options: readonly number[], v: number): number[] => (options.includes(v) ? [...options] : [...options, v].sort((a, b) => a - b));

const fmtLoss = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const fmtPct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');

export class PointsLab {
  readonly controls = el('div', { className: 'controls' });
  readonly network: NetworkView;
  readonly output = el('section', { className: 'output', ariaLabel: 'Output' });
  private readonly map = el('canvas', { width: 600, height: 600, className: 'map', role: 'img' });
  private readonly dots = el('canvas', { width: 600, height: 600, className: 'dots', role: 'img', ariaLabel: 'The data points, coloured by class' });
  private readonly chart = el('canvas', { width: 560, height: 160, className: 'chart', role: 'img', ariaLabel: 'Training and test loss by epoch' });
  private readonly trainLoss = el('output', { id: 'train-loss', ariaLabel: 'Training loss' });
  private readonly testLoss = el('output', { id: 'test-loss', ariaLabel: 'Test loss' });
  private readonly trainAcc = el('output', { id: 'train-accuracy', ariaLabel: 'Training accuracy' });
  private readonly testAcc = el('output', { id: 'test-accuracy', ariaLabel: 'Test accuracy' });
  private readonly showTest = el('input', { type: 'checkbox', id: 'show-test' });
  private readonly discrete = el('input', { type: 'checkbox', id: 'discretize' });
  private readonly legend = el('div', { className: 'legend' });
  private readonly summary = el('p', { className: 'summary' });
  private data: PointsData | null = null;
  private snapshot: PointsSnapshot | null = null;
  private history: PointsSnapshot['history'] = [];
  private dirty = false;
  private dotsDirty = false;

  constructor(
    private config: PointsConfig,
    private readonly onConfig: (c: PointsConfig) => void,
  ) {
    this.network = new NetworkView((c) => this.setConfig(c));
    this.showTest.onchange = () => {
      this.dotsDirty = true;
    };
    this.discrete.onchange = () => {
      this.dirty = true;
    };
    this.output.append(
      el('h2', { textContent: 'Output' }),
      el(
        'dl',
        { className: 'losses' },
        el('dt', { textContent: 'Test loss' }),
        el('dd', {}, this.testLoss),
        el('dt', { textContent: 'Training loss' }),
        el('dd', {}, this.trainLoss),
        el('dt', { textContent: 'Test accuracy' }),
        el('dd', {}, this.testAcc),
        el('dt', { textContent: 'Training accuracy' }),
        el('dd', {}, this.trainAcc),
      ),
      el(
        'div',
        { className: 'chart-wrap' },
        this.chart,
        el(
          'div',
          { className: 'chart-key', ariaHidden: 'true' },
          el('span', { className: 'k-test', textContent: 'test' }),
          el('span', { className: 'k-train', textContent: 'training' }),
        ),
      ),
      el('div', { className: 'map-wrap' }, this.map, this.dots),
      this.legend,
      el(
        'div',
        { className: 'checks' },
        el('label', { htmlFor: 'show-test' }, this.showTest, ' Show test data'),
        el('label', { htmlFor: 'discretize' }, this.discrete, ' Discretize output'),
      ),
    );
    this.render();
  }

  private setConfig(c: PointsConfig): void {
    this.config = c;
    this.render();
    this.onConfig(c);
  }

  /** Shows a config (from the URL) without reporting it back. */
  show(c: PointsConfig): void {
    this.config = c;
    this.render();
  }

  private render(): void {
    const c = this.config;
    const set =
      <K extends keyof PointsConfig>(k: K) =>
      (v: PointsConfig[K]) =>
        this.setConfig({ ...this.config, [k]: v });
    this.controls.replaceChildren(
      el('h2', { textContent: 'Data' }),
      radios('Data set', 'dataset', DATASETS, c.dataset, (d) => DATASET_LABELS[d], set('dataset')),
      slider('Training data', 'train-percent', 10, 90, 10, c.trainPercent, (v) => `${v}%`, set('trainPercent')),
      slider('Noise', 'noise', 0, 50, 5, c.noise, (v) => String(v), set('noise')),
      slider('Batch size', 'batch-size', 1, MAX_BATCH, 1, c.batchSize, (v) => String(v), set('batchSize')),
      numberInput('Seed', 'seed', c.seed, 0, 2 ** 31, set('seed')),
      el('h2', { textContent: 'Training' }),
      select('Learning rate', 'learning-rate', withValue(LEARNING_RATES, c.learningRate), c.learningRate, String, (v) =>
        this.setConfig({ ...this.config, learningRate: v }),
      ),
      select('Activation', 'activation', ACTIVATIONS, c.activation, (a) => ACTIVATION_LABELS[a], set('activation')),
      select('Loss', 'loss', LOSSES, c.loss, (l) => LOSS_LABELS[l], set('loss')),
      select('Optimizer', 'optimizer', OPTIMIZERS, c.optimizer, (o) => OPTIMIZER_LABELS[o], set('optimizer')),
      select('Regularization', 'regularization', REGULARIZERS, c.regularization, (r) => REGULARIZER_LABELS[r], set('regularization')),
      select('Regularization rate', 'reg-rate', withValue(REG_RATES, c.regRate), c.regRate, String, (v) => this.setConfig({ ...this.config, regRate: v })),
    );
    const classes = classCount(c.dataset);
    this.network.render(c, classes);
    this.summary.replaceChildren(...summarize(c, classes));
    this.network.root.append(this.summary);
    this.map.ariaLabel = `Decision regions of the network on the ${DATASET_LABELS[c.dataset]} data set`;
  }

  setData(d: PointsData): void {
    this.data = d;
    this.history = [];
    this.legend.replaceChildren(
      ...(d.classes === 2
        ? [el('span', { textContent: 'orange' }), el('i', { ariaHidden: 'true' }), el('span', { textContent: 'blue' })]
        : CLASS_COLORS.slice(0, d.classes).map((c, k) => el('span', { className: 'swatch' }, el('b', { style: `background:${css(c)}` }), ` class ${k + 1}`))),
    );
    this.dotsDirty = true;
  }

  setSnapshot(s: PointsSnapshot): void {
    this.snapshot = s;
    this.history.push(...s.history);
    this.dirty = true;
  }

  /** Draws what changed since the last frame. */
  frame(): void {
    const s = this.snapshot,
      d = this.data;
    if (this.dotsDirty && d) {
      this.dotsDirty = false;
      this.dots.getContext('2d')!.clearRect(0, 0, this.dots.width, this.dots.height);
      drawPoints(this.dots, d.train.xy, d.train.label, false);
      if (this.showTest.checked) drawPoints(this.dots, d.test.xy, d.test.label, true);
    }
    if (!this.dirty || !s || !d) return;
    this.dirty = false;
    drawOutput(this.map, s.output.res, s.output.values, d.classes, this.discrete.checked);
    this.network.update(s);
    drawLossChart(this.chart, this.history);
    this.trainLoss.textContent = fmtLoss(s.trainLoss);
    this.testLoss.textContent = fmtLoss(s.testLoss);
    this.trainAcc.textContent = fmtPct(s.trainAccuracy);
    this.testAcc.textContent = fmtPct(s.testAccuracy);
    this.trainLoss.dataset.value = String(s.trainLoss);
    this.testLoss.dataset.value = String(s.testLoss);
    // the epoch the shown figures belong to (the epoch counter updates on arrival, the figures when drawn)
    this.trainLoss.dataset.epoch = String(s.epoch);
  }
}

const LOSS_FORMULAS = {
  binary: ['binary cross-entropy', 'L = −mean[y log p + (1 − y) log(1 − p)]'],
  categorical: ['categorical cross-entropy', 'L = −mean Σₖ yₖ log pₖ'],
  mse: ['squared error', 'L = mean (y − p)²'],
} as const;

/** The network and its training in words: layer sizes, activations, the loss with its formula, the optimiser. */
function summarize(c: PointsConfig, classes: number): (Node | string)[] {
  const outputs = classes === 2 ? 1 : classes;
  const sizes = [c.features.length, ...c.layers, outputs].join(' → ');
  const [lossName, formula] = LOSS_FORMULAS[c.loss === 'mse' ? 'mse' : classes === 2 ? 'binary' : 'categorical'];
  const out = classes === 2 ? 'sigmoid output p = P(blue)' : 'softmax output pₖ = P(class k)';
  const hidden = c.layers.length > 0 ? `${ACTIVATION_LABELS[c.activation]} hidden units, ` : '';
  const reg = c.regularization === 'none' ? '' : `, ${c.regularization === 'l1' ? 'L1 penalty λΣ|w|' : 'L2 penalty λΣw²'} with λ = ${c.regRate}`;
  return [
    el('strong', { textContent: sizes }),
    ` units: ${hidden}${out}.`,
    el('br'),
    `Loss: ${lossName}, `,
    el('code', { textContent: formula }),
    `${reg}.`,
    el('br'),
    `${OPTIMIZER_LABELS[c.optimizer]} with learning rate η = ${c.learningRate}, ${c.batchSize} points a step.`,
  ];
}
