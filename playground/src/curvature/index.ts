// The Curvature lab: the sharpness λ_max (the largest eigenvalue of the
// loss's Hessian, from nabla in the worker) during full-batch training,
// against the stability limit 2/η: the edge of stability.
import { startLabWorker, TrainingControls } from '../lab-worker.js';
import '../nets/labs.css';
import { el } from '../dom.js';
import type { Lab, LabFactory, LabHost } from '../lab.js';
import { drawChart } from '../nets/chart.js';
import { numberInput, select, slider } from '../points/controls.js';
import {
  CURV_LOSSES,
  CURV_LOSS_LABELS,
  CURV_OPTIMIZERS,
  CURV_OPTIMIZER_LABELS,
  CURV_RATES,
  EVERY,
  MODELS,
  MODEL_LABELS,
  decodeCurv,
  encodeCurv,
  threshold,
  type CurvConfig,
} from './config.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** The slider's rates, with a URL's own rate among them. */
const ratesWith = (v: number): number[] => (CURV_RATES.includes(v as never) ? [...CURV_RATES] : [...CURV_RATES, v].sort((a, b) => a - b));

const EXPLAIN = {
  gd: 'Gradient descent with step η multiplies the error along the Hessian’s top eigenvector by (1 − ηλ_max) each step: it is stable only while λ_max < 2/η. Watch the sharpness rise during training (progressive sharpening) until it reaches 2/η and hovers there, while the loss keeps falling, though no longer monotonically: the edge of stability (Cohen et al., 2021). Raise η and the line comes down.',
  momentum:
    'Heavy-ball momentum (v ← μv − ηg, θ ← θ + v) is stable along an eigenvector while λ < (2 + 2μ)/η, which with μ = 0.9 is 3.8/η: the line drawn. The sharpness rises to that line rather than to 2/η.',
  adam: 'Plotted for Adam: the preconditioned sharpness λ_max(P⁻¹H), P = diag(√v̂ + ε), not λ_max of H itself. Adam divides each coordinate’s step by √v̂ + ε, so the curvature it feels is P⁻¹H; with its momentum β₁ = 0.9 it is stable while λ_max(P⁻¹H) < (2 + 2β₁)/((1 − β₁)η) = 38/η, and it too rises to that line and hovers there (Cohen et al., 2022). Measured from the first step on (before it, Adam has no v̂).',
} as const;

export const createCurvatureLab: LabFactory = (host: LabHost, params: URLSearchParams): Lab => {
  const worker = startLabWorker('curvature');
  const send = (m: ToWorker) => worker.postMessage(m);
  let config: CurvConfig = decodeCurv(params);
  let resetId = 0;
  let losses: { x: number; y: number }[] = [];
  let sharp: { x: number; y: number }[] = [];
  let dirty = true;

  const controls = el('section', { id: 'cv-controls', className: 'panel controls', ariaLabel: 'Settings' });
  const lossOut = el('output', { id: 'cv-loss', ariaLabel: 'Training loss' });
  const sharpLabel = el('span', { textContent: 'Sharpness λ_max' });
  const sharpOut = el('output', { id: 'cv-sharpness', ariaLabel: 'Sharpness, the largest eigenvalue of the Hessian' });
  const limitOut = el('output', { id: 'cv-limit', ariaLabel: 'Stability limit' });
  const lossChart = el('canvas', {
    className: 'cv-chart',
    id: 'cv-loss-chart',
    role: 'img',
    ariaLabel: 'Training loss (full batch) by step, logarithmic scale',
  });
  const sharpChart = el('canvas', { className: 'cv-chart cv-sharp', id: 'cv-sharp-chart', role: 'img' });
  const explain = el('p', { className: 'cv-explain' });
  const readout = el(
    'div',
    { className: 'cv-readout' },
    el('div', {}, el('span', { textContent: 'Training loss' }), lossOut),
    el('div', {}, sharpLabel, sharpOut),
    el('div', {}, el('span', { id: 'cv-limit-label', textContent: 'Stability limit' }), limitOut),
  );
  const output = el(
    'section',
    { id: 'cv-output', className: 'panel', ariaLabel: 'Loss and sharpness' },
    el('h2', { textContent: 'Sharpness against the edge of stability' }),
    readout,
    sharpChart,
    lossChart,
    explain,
  );
  const root = el('div', { className: 'lab curvature-lab' }, controls, output);

  const setConfig = (c: CurvConfig) => {
    config = c;
    render();
    host.stateChanged();
    training.changed();
  };

  function render(): void {
    const c = config;
    const set =
      <K extends keyof CurvConfig>(k: K) =>
      (v: CurvConfig[K]) =>
        setConfig({ ...config, [k]: v });
    const rates = ratesWith(c.learningRate);
    const focused = controls.contains(document.activeElement) ? document.activeElement!.id : '';
    controls.replaceChildren(
      el('h2', { textContent: 'Model' }),
      select('Network and data', 'cv-model', MODELS, c.model, (m) => MODEL_LABELS[m], set('model')),
      select('Loss', 'cv-loss-fn', CURV_LOSSES, c.loss, (l) => CURV_LOSS_LABELS[l], set('loss')),
      numberInput('Seed', 'cv-seed', c.seed, 0, 2 ** 31, set('seed')),
      el('h2', { textContent: 'Training' }),
      select('Optimizer', 'cv-optimizer', CURV_OPTIMIZERS, c.optimizer, (o) => CURV_OPTIMIZER_LABELS[o], set('optimizer')),
      slider(
        'Learning rate η',
        'cv-lr',
        0,
        rates.length - 1,
        1,
        rates.indexOf(c.learningRate),
        (i) => `${rates[i]}; ${threshold({ ...c, learningRate: rates[i]! }).label}`,
        (i) => setConfig({ ...config, learningRate: rates[i]! }),
      ),
      select(
        'Measure the sharpness every',
        'cv-every',
        EVERY.includes(c.every as never) ? [...EVERY] : [...EVERY, c.every].sort((a, b) => a - b),
        c.every,
        (n) => `${n} step${n === 1 ? '' : 's'}`,
        set('every'),
      ),
      el(
        'p',
        { className: 'cv-note eq-muted' },
        'Full-batch training on 200 points (or 300 digits), tanh units. Each measurement runs Lanczos iteration on Hessian-vector products of the loss (nb.sharpness; for Adam, nb.linalg.hessianEigs of the rescaled loss): about 20 extra backward passes.',
      ),
    );
    if (focused) document.getElementById(focused)?.focus(); // the keyboard stays where it was
    const t = threshold(c);
    limitOut.textContent = t.label;
    sharpChart.ariaLabel = `${c.optimizer === 'adam' ? 'Preconditioned sharpness λ_max(P⁻¹H)' : 'Sharpness λ_max'} by step, with the stability limit ${t.label}`;
    sharpChart.dataset.threshold = String(t.value);
    sharpLabel.textContent = c.optimizer === 'adam' ? 'Preconditioned sharpness λ_max(P⁻¹H)' : 'Sharpness λ_max';
    explain.textContent = EXPLAIN[c.optimizer];
    dirty = true;
  }

  const reset = (play: boolean) => {
    host.message('');
    losses = [];
    sharp = [];
    dirty = true;
    send({ type: 'reset', id: ++resetId, config, play });
  };
  const training = new TrainingControls(host, worker, reset);

  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.type === 'snapshot' && m.id !== resetId) return;
    switch (m.type) {
      case 'ready':
        host.setEngine(m);
        break;
      case 'snapshot':
        for (const p of m.losses) losses.push({ x: p.step, y: p.loss });
        for (const p of m.sharpness) sharp.push({ x: p.step, y: p.value });
        dirty = true;
        host.setCounter(m.steps);
        if (m.diverged) {
          training.stopped('The loss diverged: the sharpness went past the stability limit. Lower η, then reset.');
        }
        break;
      case 'error':
        training.failed(m.message);
        break;
    }
  };
  render();
  reset(false);

  function frame(): void {
    if (!dirty) return;
    dirty = false;
    const t = threshold(config);
    const lastLoss = losses[losses.length - 1],
      lastSharp = sharp[sharp.length - 1];
    lossOut.textContent = lastLoss && Number.isFinite(lastLoss.y) ? lastLoss.y.toPrecision(4) : '—';
    lossOut.dataset.value = String(lastLoss?.y ?? NaN);
    lossOut.dataset.first = String(losses[0]?.y ?? NaN);
    sharpOut.textContent = lastSharp ? lastSharp.y.toPrecision(4) : '—';
    sharpOut.dataset.value = String(lastSharp?.y ?? NaN);
    sharpOut.dataset.count = String(sharp.length);
    const adam = config.optimizer === 'adam';
    drawChart(sharpChart, {
      series: [
        {
          label: adam ? 'preconditioned sharpness λ_max(P⁻¹H), P = diag(√v̂ + ε)' : 'sharpness λ_max (the Hessian’s largest eigenvalue)',
          color: '#0877bd',
          points: sharp,
        },
      ],
      hlines: [{ y: t.value, label: t.label, color: '#d9480f' }],
      xLabel: 'step',
      yLabel: adam ? 'λ_max(P⁻¹H)' : 'λ_max',
      yMin: 0,
      yMax: t.value * 1.25,
    });
    drawChart(lossChart, {
      series: [{ label: 'training loss (full batch)', color: '#1f2933', points: losses }],
      xLabel: 'step',
      yLabel: 'loss (log scale)',
      logY: true,
    });
  }

  return {
    root,
    counter: 'Step',
    stepLabel: 'Train one step (full batch)',
    state: () => encodeCurv(config),
    load(p) {
      config = decodeCurv(p);
      render();
      training.changed();
    },
    play: training.play,
    pause: training.pause,
    step: training.step,
    reset: training.reset,
    frame,
    close: training.pause,
  };
};
