// The Digits lab on the page: the settings (left); the race, the training
// curves and the confusion matrix (middle); the drawing pad, the first
// layer's weights and the misclassified digits (right). It owns no training:
// it sends configs and drawn digits to the worker and draws what comes back,
// once per animation frame.
import { el } from '../dom.js';
import { numberInput, radios, select } from '../points/controls.js';
import { LineChart, type Series } from './charts.js';
import {
  ACTIVATIONS,
  ACTIVATION_LABELS,
  BATCH_SIZES,
  LEARNING_RATES,
  LOSSES,
  LOSS_LABELS,
  MAX_LAYERS,
  MAX_UNITS,
  OPTIMIZERS,
  OPTIMIZER_LABELS,
  RACES,
  RACE_LABELS,
  parseLayers,
  type DigitsConfig,
} from './config.js';
import { DrawPad } from './pad.js';
import type { DigitsData, DigitsSnapshot, EpochPoint } from './protocol.js';
import { ConfusionView, MistakesView, ProbabilityBars, WeightsView } from './views.js';
import './style.css';

/** The options with `v` among them (a shared URL may hold a value the list lacks). */
const withValue = (options: readonly number[], v: number): number[] => (options.includes(v) ? [...options] : [...options, v].sort((a, b) => a - b));
const fmtLoss = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const fmtPct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');

/** The test accuracy the race's result line reports reaching. */
export const RACE_TARGET = 0.9;
const BLUE = '#0877bd',
  ORANGE = '#e8710a',
  DARK = '#3c4650';

const panel = (title: string, id: string, ...children: (Node | string)[]) =>
  el('section', { className: 'panel', id, ariaLabel: title }, el('h2', { textContent: title }), ...children);

export class DigitsLab {
  readonly root: HTMLElement;
  private readonly controls = el('div', { className: 'controls' });
  private readonly summary = el('p', { className: 'summary' });
  private readonly stats = {
    trainLoss: el('output', { id: 'digits-train-loss', ariaLabel: 'Training loss' }),
    testLoss: el('output', { id: 'digits-test-loss', ariaLabel: 'Test loss' }),
    trainAcc: el('output', { id: 'digits-train-accuracy', ariaLabel: 'Training accuracy' }),
    testAcc: el('output', { id: 'digits-test-accuracy', ariaLabel: 'Test accuracy' }),
  };
  private readonly lossChart = new LineChart({ title: 'Training and test loss by epoch', yLabel: 'loss', formatY: (v) => v.toPrecision(2) });
  private readonly accChart = new LineChart({
    title: 'Training and test accuracy by epoch',
    yLabel: 'accuracy',
    yRange: [0, 1],
    formatY: (v) => `${Math.round(100 * v)}%`,
  });
  private readonly raceAcc = new LineChart({
    title: 'The race: test accuracy by epoch',
    yLabel: 'test accuracy',
    yRange: [0, 1],
    formatY: (v) => `${Math.round(100 * v)}%`,
  });
  private readonly raceLoss = new LineChart({ title: 'The race: training loss by epoch', yLabel: 'training loss', formatY: (v) => v.toPrecision(2) });
  private readonly raceResult = el('p', { className: 'race-result', id: 'digits-race-result', role: 'status' });
  private readonly raceIntro = el('p', { className: 'note' });
  private readonly racePanel: HTMLElement;
  private readonly confusion = new ConfusionView();
  private readonly weights = new WeightsView();
  private readonly mistakes = new MistakesView();
  readonly bars = new ProbabilityBars();
  readonly pad: DrawPad;
  /** Where the pad's digit came from, when it is a test digit. */
  private readonly padSource = el('p', { className: 'pad-source', id: 'digits-pad-source', role: 'status' });
  private data: DigitsData | null = null;
  private snapshot: DigitsSnapshot | null = null;
  private history: EpochPoint[][] = [];
  private dirty = false;
  /** The run and epoch whose confusion matrix and mistakes are shown. */
  private evaluated = '';
  /** The test digit the "Next test digit" button shows next (in order, so a screenshot is the same every time). */
  private sampleIndex = 0;

  constructor(
    private config: DigitsConfig,
    private readonly onConfig: (c: DigitsConfig) => void,
    onDraw: (pixels: Float32Array | null) => void,
  ) {
    this.pad = new DrawPad((p) => {
      this.padSource.textContent = '';
      if (p.some((v) => v > 0)) onDraw(Float32Array.from(p));
      else {
        onDraw(null);
        this.bars.clear();
      }
    });
    const s = this.stats;
    const training = panel(
      'Training',
      'digits-training',
      el(
        'dl',
        { className: 'digit-stats' },
        el('dt', { textContent: 'Training loss' }),
        el('dd', {}, s.trainLoss),
        el('dt', { textContent: 'Test loss' }),
        el('dd', {}, s.testLoss),
        el('dt', { textContent: 'Training accuracy' }),
        el('dd', {}, s.trainAcc),
        el('dt', { textContent: 'Test accuracy' }),
        el('dd', {}, s.testAcc),
      ),
      this.lossChart.root,
      this.accChart.root,
    );
    this.racePanel = panel('The race', 'digits-race', this.raceIntro, this.raceResult, this.raceAcc.root, this.raceLoss.root);
    const sample = el('button', {
      type: 'button',
      className: 'text-button',
      id: 'digits-sample',
      textContent: 'Next test digit',
      title: 'Show the next digit of the test set on the pad',
    });
    sample.onclick = () => {
      const d = this.data;
      if (!d) return;
      const i = this.sampleIndex++ % d.testLabels.length;
      this.pad.set(d.testImages.subarray(i * 64, i * 64 + 64));
      this.padSource.textContent = `Test digit ${i + 1} of ${d.testLabels.length}, labelled ${d.testLabels[i]}.`;
    };
    const clear = el('button', { type: 'button', className: 'text-button', id: 'digits-clear', textContent: 'Clear' });
    clear.onclick = () => this.pad.clear();
    const draw = panel(
      'Draw a digit',
      'digits-draw',
      el(
        'div',
        { className: 'draw-row' },
        el('div', { className: 'pad-col' }, this.pad.canvas, el('div', { className: 'pad-buttons' }, clear, sample), this.padSource),
        this.bars.root,
      ),
      el('p', { className: 'note', textContent: 'Drag to draw (Shift or right button erases). Keyboard: arrow keys move, Space inks a cell, Delete clears.' }),
    );
    const weights = panel(
      'First-layer weights',
      'digits-weights-panel',
      this.weights.canvas,
      el('div', { className: 'legend' }, el('span', { textContent: 'negative' }), el('i', { ariaHidden: 'true' }), el('span', { textContent: 'positive' })),
      this.weights.note,
    );
    const mistakes = panel(
      'Misclassified test digits',
      'digits-mistakes-panel',
      this.mistakes.count,
      this.mistakes.root,
      el('p', { className: 'note', textContent: 'Each image with its true digit → the prediction.' }),
    );
    const confusion = panel('Confusion matrix', 'digits-confusion-panel', this.confusion.root);
    this.root = el(
      'div',
      { className: 'lab digits-lab' },
      el('section', { className: 'panel', id: 'digits-controls', ariaLabel: 'Settings' }, this.controls),
      el('div', { className: 'digits-main' }, this.racePanel, training, confusion),
      el('div', { className: 'digits-side' }, draw, weights, mistakes),
    );
    this.render();
  }

  private setConfig(c: DigitsConfig): void {
    this.config = c;
    this.render();
    this.onConfig(c);
  }

  /** Shows a config (from the URL) without reporting it back. */
  show(c: DigitsConfig): void {
    this.config = c;
    this.render();
  }

  private render(): void {
    const c = this.config;
    const set =
      <K extends keyof DigitsConfig>(k: K) =>
      (v: DigitsConfig[K]) =>
        this.setConfig({ ...this.config, [k]: v });
    const layersInput = el('input', { type: 'text', id: 'digits-layers', value: c.layers.join(','), spellcheck: false, autocomplete: 'off' });
    const layersHint = el('span', {
      className: 'hint',
      id: 'digits-layers-hint',
      textContent: `Units per hidden layer, e.g. 64,32 (up to ${MAX_LAYERS} layers of ${MAX_UNITS}; empty for none)`,
    });
    layersInput.setAttribute('aria-describedby', layersHint.id);
    layersInput.onchange = () => {
      const sizes = parseLayers(layersInput.value);
      layersInput.setAttribute('aria-invalid', String(sizes === null));
      if (sizes) set('layers')(sizes);
    };
    const race = c.race;
    this.controls.replaceChildren(
      el('h2', { textContent: 'Network' }),
      el('div', { className: 'field' }, el('label', { htmlFor: 'digits-layers', textContent: 'Hidden layers' }), layersInput, layersHint),
      select('Activation', 'digits-activation', ACTIVATIONS, c.activation, (a) => ACTIVATION_LABELS[a], set('activation')),
      el('h2', { textContent: 'Training' }),
      select('Loss', 'digits-loss', LOSSES, c.loss, (l) => LOSS_LABELS[l], set('loss')),
      select('Optimizer', 'digits-optimizer', OPTIMIZERS, c.optimizer, (o) => OPTIMIZER_LABELS[o], set('optimizer')),
      select('Learning rate η', 'digits-learning-rate', withValue(LEARNING_RATES, c.learningRate), c.learningRate, String, set('learningRate')),
      select('Batch size', 'digits-batch-size', withValue(BATCH_SIZES, c.batchSize), c.batchSize, String, set('batchSize')),
      numberInput('Seed', 'digits-seed', c.seed, 0, 2 ** 31, set('seed')),
      el('h2', { textContent: 'Race' }),
      radios('Race two networks from the same start', 'digits-race', RACES, race, (r) => RACE_LABELS[r], set('race')),
      ...(race === 'optimizer'
        ? [
            select('Against optimizer', 'digits-vs-optimizer', OPTIMIZERS, c.vsOptimizer, (o) => OPTIMIZER_LABELS[o], set('vsOptimizer')),
            select(
              'Its learning rate',
              'digits-vs-learning-rate',
              withValue(LEARNING_RATES, c.vsLearningRate),
              c.vsLearningRate,
              String,
              set('vsLearningRate'),
            ),
          ]
        : []),
      this.summary,
    );
    this.summary.replaceChildren(...summarize(c));
    this.racePanel.hidden = race === 'off';
    this.raceIntro.textContent =
      race === 'loss'
        ? `The same network from the same initial weights, on the same batches, trained with ${LOSS_LABELS[c.loss].toLowerCase()} and with ${LOSS_LABELS[c.loss === 'mse' ? 'crossentropy' : 'mse'].toLowerCase()}. The two losses have different scales, so each is shown divided by its value at epoch 0.`
        : `The same network from the same initial weights, on the same batches, trained with ${OPTIMIZER_LABELS[c.optimizer]} (η = ${c.learningRate}) and with ${OPTIMIZER_LABELS[c.vsOptimizer]} (η = ${c.vsLearningRate}).`;
  }

  setData(d: DigitsData): void {
    this.data = d;
    this.history = d.runners.map(() => []);
    this.bars.clear();
  }

  setSnapshot(s: DigitsSnapshot): void {
    this.snapshot = s;
    s.history.forEach((h, k) => this.history[k]?.push(...h));
    this.dirty = true;
  }

  /** Draws what changed since the last frame. */
  frame(): void {
    const s = this.snapshot,
      d = this.data;
    if (!this.dirty || !s || !d) return;
    this.dirty = false;
    const own = this.history[0] ?? [];
    const last = own[own.length - 1];
    if (last) {
      const st = this.stats;
      st.trainLoss.textContent = fmtLoss(last.trainLoss);
      st.testLoss.textContent = fmtLoss(last.testLoss);
      st.trainAcc.textContent = fmtPct(last.trainAccuracy);
      st.testAcc.textContent = fmtPct(last.testAccuracy);
      st.trainLoss.dataset.value = String(last.trainLoss);
      st.testLoss.dataset.value = String(last.testLoss);
      st.trainAcc.dataset.value = String(last.trainAccuracy);
      st.testAcc.dataset.value = String(last.testAccuracy);
      st.trainLoss.dataset.epoch = String(last.epoch);
    }
    const curve = (h: EpochPoint[], key: keyof EpochPoint) => h.map((p) => ({ x: p.epoch, y: p[key] }));
    this.lossChart.update([
      { key: 'train-loss', label: 'training loss', color: DARK, points: curve(own, 'trainLoss') },
      { key: 'test-loss', label: 'test loss', color: BLUE, dashed: true, points: curve(own, 'testLoss') },
    ]);
    this.accChart.update([
      { key: 'train-accuracy', label: 'training accuracy', color: DARK, points: curve(own, 'trainAccuracy') },
      { key: 'test-accuracy', label: 'test accuracy', color: BLUE, dashed: true, points: curve(own, 'testAccuracy') },
    ]);
    if (this.config.race !== 'off' && this.history.length === 2) this.drawRace(d.runners);
    this.weights.update(s.firstLayer.kernel, s.firstLayer.units);
    // the test predictions change only at the end of an epoch
    const evaluated = `${s.id}:${s.epoch}`;
    if (evaluated !== this.evaluated) {
      this.evaluated = evaluated;
      this.confusion.update(s.confusion);
      this.mistakes.update(d.testImages, d.testLabels, s.wrong.index, s.wrong.predicted);
    }
  }

  private drawRace(names: string[]): void {
    const colors = [BLUE, ORANGE];
    const relative = this.config.race === 'loss';
    const acc: Series[] = [],
      loss: Series[] = [];
    this.history.forEach((h, k) => {
      const l0 = h[0]?.trainLoss ?? 1;
      acc.push({ key: `race-accuracy-${k}`, label: names[k]!, color: colors[k]!, points: h.map((p) => ({ x: p.epoch, y: p.testAccuracy })) });
      loss.push({
        key: `race-loss-${k}`,
        label: names[k]!,
        color: colors[k]!,
        points: h.map((p) => ({ x: p.epoch, y: relative ? p.trainLoss / l0 : p.trainLoss })),
      });
    });
    this.raceAcc.update(acc);
    this.raceLoss.update(loss, relative ? 'loss ÷ its epoch-0 value' : 'training loss');
    this.raceResult.textContent = raceResult(names, this.history);
  }

  /** Draws a prediction for the drawn digit (if the pad still holds one). */
  setPrediction(p: Float32Array): void {
    if (this.pad.pixels.some((v) => v > 0)) this.bars.update(p);
  }
}

/** "cross-entropy reached 90% test accuracy at epoch 4, squared error at epoch 19", or how far each got. */
export function raceResult(names: string[], history: EpochPoint[][]): string {
  const pct = `${Math.round(100 * RACE_TARGET)}%`;
  const epochs = history.map((h) => h.length - 1);
  if (epochs.every((e) => e <= 0)) return `Train to see which reaches ${pct} test accuracy first.`;
  const reached = history.map((h) => h.find((p) => p.testAccuracy >= RACE_TARGET)?.epoch);
  const best = (k: number) => Math.max(...history[k]!.map((p) => p.testAccuracy));
  const part = (k: number) =>
    reached[k] !== undefined ? `${names[k]} at epoch ${reached[k]}` : `${names[k]} not yet (best ${(100 * best(k)).toFixed(1)}% after ${epochs[k]} epochs)`;
  if (reached[0] === undefined && reached[1] === undefined) return `Neither has reached ${pct} test accuracy yet: ${part(0)}, ${part(1)}.`;
  const first = reached[1] === undefined || (reached[0] !== undefined && reached[0] <= reached[1]) ? 0 : 1;
  const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  return `${cap(names[first]!)} reached ${pct} test accuracy at epoch ${reached[first]}, ${part(1 - first)}.`;
}

const LOSS_FORMULAS = {
  crossentropy: 'L = −mean Σₖ yₖ log pₖ',
  mse: 'L = mean over k of (yₖ − pₖ)²',
} as const;

/** The network and its training in words: layer sizes, activations, the loss with its formula, the optimiser. */
function summarize(c: DigitsConfig): (Node | string)[] {
  const sizes = [64, ...c.layers, 10].join(' → ');
  const hidden = c.layers.length > 0 ? `${ACTIVATION_LABELS[c.activation]} hidden units, ` : '';
  return [
    el('strong', { textContent: sizes }),
    ` units: 8×8 pixels in, ${hidden}softmax output pₖ = P(digit k).`,
    el('br'),
    `Loss: ${LOSS_LABELS[c.loss].toLowerCase()}, `,
    el('code', { textContent: LOSS_FORMULAS[c.loss] }),
    '.',
    el('br'),
    `${OPTIMIZER_LABELS[c.optimizer]} with η = ${c.learningRate}, ${c.batchSize} images a step.`,
  ];
}
