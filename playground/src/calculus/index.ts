// The Calculus lab: three parts on one page, picked by the pills at the top.
// - The tangent: a curve, the point with its tangent (slope by nb.grad), and
//   gradient descent steps drawn on the curve.
// - The cost surface: four balls (gradient descent, momentum, RMSprop, Adam,
//   nabla's optimisers) rolling on a 3-D surface from the same start.
// - The model's landscape: the Points network trained here, and its loss
//   around the trained weights (nb.landscape) with its training path.
// The worker computes every number; the page draws. The toolbar's play,
// step and reset act on the part on show.
import { startLabWorker } from '../lab-worker.js';
import { el } from '../dom.js';
import type { Lab, LabFactory, LabHost } from '../lab.js';
import { DEFAULT_POINTS, decodePoints, type PointsConfig } from '../points/config.js';
import { numberInput, radios, select, slider } from '../points/controls.js';
import {
  type CalculusConfig,
  DIRECTIONS,
  decodeCalculus,
  encodeCalculus,
  followsPoints,
  landscapeEpochs,
  MAX_EPOCHS,
  MIN_EPOCHS,
  PART_LABELS,
  PARTS,
  type PartName,
  RATES,
} from './config.js';
import { CURVE_INFO, CURVES, type CurveName, OPTIMIZER_INFO, OPTIMIZERS, SURFACE_INFO, SURFACES, type SurfaceName } from './functions.js';
import type { BallsSnapshot, FromWorker, LandscapeSnapshot, TangentResult, ToWorker } from './protocol.js';
import { MAX_BALL_STEPS } from './protocol.js';
import { LossChart } from './losschart.js';
import { SurfaceView } from './surface3d.js';
import { fmt, TangentPlot } from './tangent.js';
import './calculus.css';

/** The curve's descent advances one step this often while playing (ms): slow enough to follow. */
const TANGENT_TICK_MS = 450;
const TANGENT_MAX_STEPS = 60;

/** The slider position of the rate nearest to `lr`. */
const rateIndex = (lr: number) => RATES.reduce((best, r, i) => (Math.abs(Math.log(r / lr)) < Math.abs(Math.log(RATES[best]! / lr)) ? i : best), 0);

function describeNet(c: PointsConfig): string {
  const out = c.dataset === 'spiral3' ? 3 : 1;
  return `${c.dataset} data · ${[c.features.length, ...c.layers, out].join(' → ')} units · ${c.activation} · ${c.loss === 'mse' ? 'squared error' : 'cross-entropy'} · ${c.optimizer} η = ${c.learningRate} · batch ${c.batchSize} · seed ${c.seed}`;
}

export const createCalculusLab: LabFactory = (host: LabHost, params: URLSearchParams): Lab => {
  const worker = startLabWorker('calculus');
  const send = (m: ToWorker) => worker.postMessage(m);
  /** How far the Points lab has trained its network in this page (its epoch), or null when it has not. */
  const pointsEpoch = () => {
    const n = host.labCounter('points');
    return host.labState('points') !== null && n !== null && n > 0 ? n : null;
  };
  /** The Points lab's epoch the landscape's network and epochs were taken from, or null (its own set-up, or a link's). */
  let followed: number | null = null;
  const decode = (p: URLSearchParams): CalculusConfig => {
    const c = decodeCalculus(p, host.labState('points'), pointsEpoch());
    followed = followsPoints(p) ? pointsEpoch() : null;
    return c;
  };
  let config: CalculusConfig = decode(params);
  let playing = false;
  let resetId = 0;
  /** The parts whose worker state matches `config` (a part is started when first shown). */
  const started = new Set<PartName>();

  // ---- the tangent ----
  let tangentSteps = 0;
  let tangentTimer: ReturnType<typeof setInterval> | null = null;
  let tangent: TangentResult | null = null;
  const plot = new TangentPlot((x) => {
    config.x = x;
    tangentSteps = 0;
    syncTangentControls();
    host.stateChanged();
    requestTangent();
  });
  const slopeOut = el('output', { id: 'slope', className: 'big' });
  const slopeText = el('p', { id: 'slope-sentence', className: 'sentence' });
  const pointOut = el('p', { id: 'point', className: 'readout-line' });
  const nextOut = el('p', { id: 'next-step', className: 'readout-line' });
  const tangentControls = el('div', { className: 'calc-controls' });
  let tangentId = 0;
  const requestTangent = () => send({ type: 'tangent', id: ++tangentId, curve: config.curve, x0: config.x, lr: config.curveLr, n: tangentSteps });
  const stopTangent = () => {
    if (tangentTimer !== null) clearInterval(tangentTimer);
    tangentTimer = null;
  };
  const tangentStep = () => {
    const pts = tangent?.points;
    const stuck = pts !== undefined && pts.length < tangentSteps + 1; // the descent left the plot
    const settled = pts !== undefined && pts.length >= 2 && Math.abs(pts[pts.length - 1]!.x - pts[pts.length - 2]!.x) < 1e-4;
    if (tangentSteps >= TANGENT_MAX_STEPS || stuck || settled) return false;
    tangentSteps++;
    requestTangent();
    return true;
  };
  function syncTangentControls(): void {
    const [lo, hi] = CURVE_INFO[config.curve].domain;
    tangentControls.replaceChildren(
      select(
        'Curve',
        'curve',
        CURVES,
        config.curve,
        (c) => CURVE_INFO[c].label,
        (c: CurveName) => {
          config.curve = c;
          config.x = CURVE_INFO[c].x0;
          config.curveLr = CURVE_INFO[c].lr;
          tangentSteps = 0;
          syncTangentControls();
          changed();
        },
      ),
      slider(
        'Start x₀',
        'x0',
        lo,
        hi,
        0.01,
        config.x,
        (v) => fmt(v),
        (v) => {
          config.x = v;
          tangentSteps = 0;
          changed();
        },
      ),
      slider(
        'Learning rate η',
        'curve-lr',
        0,
        RATES.length - 1,
        1,
        rateIndex(config.curveLr),
        (i) => String(RATES[i]),
        (i) => {
          config.curveLr = RATES[i]!;
          tangentSteps = 0;
          changed();
        },
      ),
      el('p', { className: 'hint' }, 'Drag on the plot, or focus it and press ← →, to move x₀. Play takes gradient-descent steps x ← x − η·f′(x).'),
    );
    // the x₀ slider also moves continuously while dragged
    const x0 = tangentControls.querySelector<HTMLInputElement>('#x0')!;
    x0.addEventListener('input', () => {
      config.x = Number(x0.value);
      tangentSteps = 0;
      requestTangent();
    });
  }
  function showTangent(t: TangentResult): void {
    tangent = t;
    plot.show(config.curve, config.curveLr, t);
    const p = t.points[t.points.length - 1]!;
    const k = t.points.length - 1;
    slopeOut.textContent = `f′(x${sub(k)}) = ${fmt(p.slope)}`;
    slopeOut.dataset.value = String(p.slope);
    slopeOut.dataset.x = String(p.x);
    const way =
      Math.abs(p.slope) < 1e-6
        ? 'flat here: a stationary point, gradient descent stops'
        : p.slope < 0
          ? 'stepping right goes down, so gradient descent steps right'
          : 'stepping right goes up, so gradient descent steps left';
    slopeText.textContent = `slope ${fmt(p.slope)}: ${way}`;
    slopeText.className = `sentence ${p.slope < 0 ? 'down' : 'up'}`;
    pointOut.textContent = `x${sub(k)} = ${fmt(p.x, 4)},  f(x${sub(k)}) = ${fmt(p.y, 4)}`;
    const next = p.x - config.curveLr * p.slope;
    nextOut.textContent = `next: x${sub(k + 1)} = x${sub(k)} − η·f′(x${sub(k)}) = ${fmt(p.x, 4)} − ${config.curveLr} × (${fmt(p.slope)}) = ${fmt(next, 4)}`;
    if (config.part === 'tangent') host.setCounter(k);
    if (tangentSteps > k && playing && config.part === 'tangent') {
      pause();
      host.message('The descent left the plot: the learning rate is too large for this curve. Lower it, then reset.');
    }
  }
  const tangentPart = el(
    'section',
    { className: 'calc-part', ariaLabel: PART_LABELS.tangent },
    el('div', { className: 'panel calc-side' }, el('h2', {}, 'The tangent'), tangentControls),
    el(
      'div',
      { className: 'panel calc-main' },
      plot.canvas,
      el('div', { className: 'readout' }, el('label', { htmlFor: 'slope' }, 'Slope at the point (nb.grad)'), slopeOut, slopeText, pointOut, nextOut),
    ),
  );

  // ---- the cost surface ----
  const surfaceView = new SurfaceView(
    'A cost surface J(w₁, w₂) in 3-D, coloured by height, with contour lines, and four balls rolling down it with their trails',
  );
  const surfaceControls = el('div', { className: 'calc-controls' });
  const legendRows = new Map<string, { loss: HTMLOutputElement; status: HTMLElement }>();
  const legend = el('table', { className: 'ball-legend' });
  {
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Ball'), el('th', { scope: 'col' }, 'J now'), el('th', { scope: 'col' }, 'Status'));
    legend.append(el('caption', {}, 'The balls: same start, same η'), head);
    for (const o of OPTIMIZERS) {
      const info = OPTIMIZER_INFO[o];
      const loss = el('output', { id: `loss-${o}`, ariaLabel: `J now, ${info.label}` });
      const status = el('span', { id: `status-${o}` });
      legend.append(
        el(
          'tr',
          {},
          el(
            'td',
            {},
            el('span', { className: 'swatch', style: `background: ${info.color}` }),
            info.label,
            el('br'),
            el('span', { className: 'rule' }, info.rule),
          ),
          el('td', {}, loss),
          el('td', {}, status),
        ),
      );
      legendRows.set(o, { loss, status });
    }
  }
  const lossChart = new LossChart();
  let surfaceGridId = -1;
  /** The surface the camera was last set for: a new surface gets its own view, a new η keeps the user's. */
  let viewOf: SurfaceName | null = null;
  function syncSurfaceControls(): void {
    const info = SURFACE_INFO[config.surface];
    surfaceControls.replaceChildren(
      select(
        'Surface',
        'surface',
        SURFACES,
        config.surface,
        (s) => SURFACE_INFO[s].label,
        (s: SurfaceName) => {
          config.surface = s;
          config.lr = SURFACE_INFO[s].lr;
          config.start = [...SURFACE_INFO[s].start];
          syncSurfaceControls();
          changed();
        },
      ),
      el('p', { className: 'formula' }, info.formula),
      slider(
        'Learning rate η',
        'surface-lr',
        0,
        RATES.length - 1,
        1,
        rateIndex(config.lr),
        (i) => String(RATES[i]),
        (i) => {
          config.lr = RATES[i]!;
          changed();
        },
      ),
      el(
        'p',
        { className: 'hint', id: 'surface-start' },
        `All balls start at (w₁, w₂) = (${config.start.join(', ')}). Raise η until a ball flies off: it diverged.`,
      ),
      el('p', { className: 'hint' }, 'Drag the surface to turn it; or focus it and press the arrow keys, + and −.'),
    );
  }
  function showBalls(s: BallsSnapshot): void {
    surfaceView.setPaths(
      s.balls.map((b) => ({ color: OPTIMIZER_INFO[b.name].color, name: OPTIMIZER_INFO[b.name].short, points: b.trail, ball: true, diverged: b.diverged >= 0 })),
    );
    lossChart.show(
      s.balls.map((b) => ({
        color: OPTIMIZER_INFO[b.name].color,
        values: Array.from({ length: b.trail.length / 3 }, (_, t) => b.trail[3 * t + 2]!),
        diverged: b.diverged >= 0,
      })),
    );
    for (const b of s.balls) {
      const row = legendRows.get(b.name)!;
      const n = b.trail.length / 3;
      const j = b.trail[b.trail.length - 1]!;
      row.loss.textContent = fmt(j, 4);
      row.loss.dataset.value = String(j);
      row.loss.dataset.first = String(b.trail[2]);
      const [lo, hi, lo2, hi2] = SURFACE_INFO[config.surface].domain;
      const u = b.trail[3 * (n - 1)]!,
        v = b.trail[3 * (n - 1) + 1]!;
      const off = !(u >= lo && u <= hi && v >= lo2 && v <= hi2);
      row.status.textContent =
        b.diverged >= 0 ? `✕ diverged at step ${b.diverged}` : off ? 'off the drawn surface' : s.step >= MAX_BALL_STEPS ? 'stopped' : 'rolling';
      row.status.className = b.diverged >= 0 ? 'diverged' : '';
      row.status.dataset.diverged = String(b.diverged >= 0);
    }
    if (config.part === 'surface') {
      host.setCounter(s.step);
      if (!s.running && playing) {
        playing = false;
        host.setPlaying(false);
      }
      const gone = s.balls.filter((b) => b.diverged >= 0).length;
      host.message(gone > 0 ? `${gone} of 4 balls diverged at η = ${config.lr}: the steps overshoot and grow. Lower η, then reset.` : '');
    }
  }
  const surfacePart = el(
    'section',
    { className: 'calc-part', ariaLabel: PART_LABELS.surface },
    el('div', { className: 'panel calc-side' }, el('h2', {}, 'The cost surface'), surfaceControls, legend, lossChart.canvas),
    el('div', { className: 'panel calc-main' }, surfaceView.root),
  );

  // ---- the model's landscape ----
  const landscapeView = new SurfaceView(
    'The loss landscape of the Points network around its trained weights, with the training path from the first weights to the trained ones',
  );
  const landscapeControls = el('div', { className: 'calc-controls' });
  const netText = el('p', { id: 'net', className: 'hint' });
  /** Which model the landscape shows: the Points lab's as far as it has trained, or this lab's own epochs. */
  const modelText = el('p', { id: 'landscape-model', className: 'hint' });
  const epochOut = el('output', { id: 'landscape-epoch' });
  const lossOut = el('output', { id: 'landscape-loss' });
  const planeOut = el('p', { id: 'landscape-plane', className: 'hint' });
  /** Says which model the landscape shows and for how many epochs. */
  function describeModel(): void {
    const now = pointsEpoch();
    const n = config.epochs;
    modelText.dataset.follows = String(followed !== null);
    if (followed !== null)
      modelText.textContent =
        `The model: the Points lab's network, which it had trained for ${followed} epoch${followed === 1 ? '' : 's'}; play trains it here for ${n} epoch${n === 1 ? '' : 's'}` +
        (n === followed
          ? ' from the same seed, so through the same weights.'
          : ` (the landscape trains ${MIN_EPOCHS} to ${MAX_EPOCHS} epochs) from the same seed.`) +
        (now !== null && now !== followed ? ` The Points lab is now at epoch ${now}: use its set-up to follow it.` : '');
    else
      modelText.textContent =
        `The model: this network trained here for ${n} epoch${n === 1 ? '' : 's'}; ` +
        (now === null ? 'the Points lab has not been trained in this page.' : `the Points lab is at epoch ${now}: use its set-up to follow it.`);
  }
  function syncLandscapeControls(): void {
    netText.textContent = `The Points lab's network: ${describeNet(config.net)}.`;
    describeModel();
    const usePoints = el('button', { type: 'button', id: 'use-points', className: 'text-button' }, "Use the Points lab's set-up");
    usePoints.onclick = () => {
      const s = host.labState('points');
      config.net = s ? decodePoints(s) : { ...DEFAULT_POINTS };
      followed = s ? pointsEpoch() : null;
      if (followed !== null) config.epochs = landscapeEpochs(followed);
      syncLandscapeControls();
      changed();
    };
    landscapeControls.replaceChildren(
      netText,
      modelText,
      usePoints,
      numberInput('Epochs to train', 'epochs', config.epochs, MIN_EPOCHS, MAX_EPOCHS, (v) => {
        config.epochs = v;
        followed = null;
        describeModel();
        changed();
      }),
      select(
        'Directions of the plane',
        'directions',
        DIRECTIONS,
        config.directions,
        (d) => (d === 'pca' ? 'PCA of the training path' : 'Random (filter-normalised)'),
        (d) => {
          config.directions = d;
          changed();
        },
      ),
      el('p', { className: 'hint' }, 'Play trains the network here (one step is one epoch) and redraws the landscape every 10 epochs and at the end.'),
    );
  }
  function showLandscape(l: LandscapeSnapshot): void {
    landscapeView.setGrid({ us: l.alphas, vs: l.betas, z: l.loss, logHeight: false, labels: [l.labels[0], l.labels[1], 'loss J'] });
    const pts: number[] = [];
    l.path.alphas.forEach((a, t) => pts.push(a, l.path.betas[t]!, l.path.loss[t]!));
    landscapeView.setPaths([{ color: '#e8590c', points: pts, ball: true, diverged: false, marks: ['θ₀', 'θ*'] }]);
    const off = l.path.residual[0] ?? 0;
    planeOut.textContent =
      `Drawn at epoch ${l.epoch}: J(θ*) = ${fmt(l.center, 4)} at the centre; the path (orange, θ₀ → θ*) has ${l.path.alphas.length} points` +
      (l.kind === 'pca' && l.explained ? `; the plane holds ${fmt(100 * (l.explained[0] + l.explained[1]), 3)} % of the path's variance` : '') +
      `; θ₀ lies ${fmt(100 * off, 2)} % of its distance from θ* off the plane.`;
    planeOut.dataset.points = String(l.path.alphas.length);
    planeOut.dataset.epoch = String(l.epoch);
  }
  const landscapePart = el(
    'section',
    { className: 'calc-part', ariaLabel: PART_LABELS.landscape },
    el(
      'div',
      { className: 'panel calc-side' },
      el('h2', {}, "The model's loss landscape"),
      landscapeControls,
      el(
        'div',
        { className: 'readout' },
        el('label', { htmlFor: 'landscape-epoch' }, 'Epoch'),
        ' ',
        epochOut,
        el('br'),
        el('label', { htmlFor: 'landscape-loss' }, 'Training loss'),
        ' ',
        lossOut,
      ),
      planeOut,
    ),
    el('div', { className: 'panel calc-main' }, landscapeView.root),
  );

  // ---- the parts, the worker, the toolbar ----
  const parts: Record<PartName, HTMLElement> = { tangent: tangentPart, surface: surfacePart, landscape: landscapePart };
  const picker = radios(
    'Part',
    'part',
    PARTS,
    config.part,
    (p) => PART_LABELS[p],
    (p) => {
      pause();
      host.setPlaying(false);
      config.part = p;
      showPart();
      host.stateChanged();
    },
  );
  picker.classList.add('part-picker');
  const root = el('div', { className: 'lab calculus-lab' }, picker, tangentPart, surfacePart, landscapePart);

  /** Starts the part on show from the config (new balls, a new network, the curve's point). */
  function start(play: boolean): void {
    host.message('');
    const id = ++resetId;
    switch (config.part) {
      case 'tangent':
        tangentSteps = 0;
        requestTangent();
        if (play) playTangent();
        break;
      case 'surface':
        send({ type: 'surface', id, surface: config.surface, start: config.start, lr: config.lr, play });
        break;
      case 'landscape':
        epochOut.textContent = '0';
        lossOut.textContent = '';
        delete planeOut.dataset.epoch; // no landscape drawn for this network yet
        planeOut.textContent =
          config.directions === 'pca' ? 'The landscape is drawn on the plane of the training path: train a few epochs (play or step).' : '';
        send({ type: 'landscape', id, points: config.net, epochs: config.epochs, directions: config.directions, play });
        break;
    }
    started.add(config.part);
  }
  function showPart(): void {
    for (const p of PARTS) parts[p].hidden = p !== config.part;
    root.dataset.part = config.part;
    if (!started.has(config.part)) start(false);
    else host.setCounter(config.part === 'tangent' ? tangentSteps : config.part === 'surface' ? ballSteps : epochs);
  }
  let ballSteps = 0,
    epochs = 0;
  /** A control moved: the URL follows and the part starts again (playing on if it was). */
  function changed(): void {
    host.stateChanged();
    started.clear();
    stopTangent();
    start(playing);
  }
  function playTangent(): void {
    stopTangent();
    tangentTimer = setInterval(() => {
      if (!tangentStep()) {
        stopTangent();
        playing = false;
        host.setPlaying(false);
      }
    }, TANGENT_TICK_MS);
  }
  function pause(): void {
    playing = false;
    stopTangent();
    send({ type: 'pause' });
  }

  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    switch (m.type) {
      case 'ready':
        host.setEngine(m);
        break;
      case 'tangent':
        if (m.id === tangentId) showTangent(m);
        break;
      case 'grid':
        if (m.id !== resetId) return;
        surfaceGridId = m.id;
        {
          const [a0, a1, b0, b1] = SURFACE_INFO[config.surface].domain;
          const axis = (lo: number, hi: number) => Array.from({ length: m.res }, (_, i) => lo + ((hi - lo) * i) / (m.res - 1));
          if (viewOf !== config.surface) surfaceView.setView(SURFACE_INFO[config.surface].azimuth, 0.8);
          viewOf = config.surface;
          const info = SURFACE_INFO[config.surface];
          surfaceView.setGrid({
            us: axis(a0, a1),
            vs: axis(b0, b1),
            z: m.z,
            logHeight: info.logHeight,
            labels: ['w₁', 'w₂', info.logHeight ? 'J (log scale)' : 'J'],
          });
          surfaceView.setMarks(info.minima.map((p, k) => ({ u: p.at[0], v: p.at[1], z: m.minima[k]!, text: p.label })));
        }
        document.body.dataset.resets = String(Number(document.body.dataset.resets ?? 0) + 1);
        break;
      case 'balls':
        if (m.id !== surfaceGridId) return;
        ballSteps = m.step;
        showBalls(m);
        break;
      case 'progress':
        if (m.id !== resetId) return;
        epochs = m.epoch;
        epochOut.textContent = String(m.epoch);
        epochOut.dataset.value = String(m.epoch);
        lossOut.textContent = fmt(m.trainLoss, 4);
        lossOut.dataset.value = String(m.trainLoss);
        if (config.part === 'landscape') {
          host.setCounter(m.epoch);
          if (m.diverged) host.message('The network diverged (NaN or infinite loss): lower its learning rate in the Points lab.');
          if (!m.running && playing) {
            playing = false;
            host.setPlaying(false);
          }
        }
        break;
      case 'landscape':
        if (m.id === resetId) showLandscape(m);
        break;
      case 'error':
        playing = false;
        host.setPlaying(false);
        host.message(`Error: ${m.message}`);
        console.error(m.message);
        break;
    }
  };
  worker.onerror = (e) => host.message(`The calculus worker failed: ${e.message}`);

  syncTangentControls();
  syncSurfaceControls();
  syncLandscapeControls();
  showPart();

  return {
    root,
    counter: 'Step',
    stepLabel: 'Take one step',
    state: () => encodeCalculus(config),
    load(p) {
      pause();
      host.setPlaying(false);
      config = decode(p);
      (root.querySelector(`#part-${config.part}`) as HTMLInputElement).checked = true;
      syncTangentControls();
      syncSurfaceControls();
      syncLandscapeControls();
      started.clear();
      showPart();
    },
    play() {
      playing = true;
      if (config.part === 'tangent') playTangent();
      else send({ type: 'play' });
    },
    pause,
    step() {
      pause();
      if (config.part === 'tangent') tangentStep();
      else send({ type: 'step' });
    },
    reset() {
      pause();
      start(false);
    },
    frame() {
      if (config.part === 'tangent') plot.frame();
      else if (config.part === 'surface') {
        surfaceView.frame();
        lossChart.frame();
      } else landscapeView.frame();
    },
    close: pause,
  };
};

/** k as subscript digits: 12 → ₁₂. */
const sub = (k: number) => String(k).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]!);
