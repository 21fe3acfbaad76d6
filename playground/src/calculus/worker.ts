// The Calculus lab's worker: nabla computes every number the page draws —
// a curve's derivative by nb.grad, the balls' steps by nabla's optimisers,
// and the Points network trained with its loss landscape (nb.landscape on
// the plane of its training path, nb.projectPath for the path on it).
import * as nb from 'nabla';
import { nextTask, startEngine } from '../worker-kit.js';
import type { PointsConfig } from '../points/config.js';
import { PointsTrainer } from '../points/trainer.js';
import { SURFACE_INFO, type SurfaceName } from './functions.js';
import { type Ball, curveDescent, curveSamples, makeBalls, stepBalls, surfaceAt, surfaceGrid } from './math.js';
import { type FromWorker, LANDSCAPE_RES, type LandscapeDirections, MAX_BALL_STEPS, SURFACE_RES, type ToWorker } from './protocol.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

/** The balls roll at about 25 steps a second: slow enough to watch. */
const BALL_TICK_MS = 40;
/** While training, the landscape is computed again every this many epochs. */
const LANDSCAPE_EVERY = 10;

let mode: 'surface' | 'landscape' | null = null;
let id = 0;
let running = false;
let looping = false;

// the cost surface
let surface: SurfaceName = 'bowl';
let balls: Ball[] = [];
let ballStep = 0;

// the model landscape
let trainer: PointsTrainer | null = null;
let path: nb.callbacks.ParameterPath | null = null;
let epochs = 0;
let target = 0;
let directions: LandscapeDirections = 'pca';
let drawnAt = -1;
let landscapeTimer: ReturnType<typeof setTimeout> | undefined;
/** After a step, the landscape is drawn when no other step has come for this long. */
const STEP_LANDSCAPE_MS = 150;

function postBalls(): void {
  const snapshot = balls.map((b) => ({ name: b.name, trail: Float64Array.from(b.trail), diverged: b.diverged }));
  post(
    { type: 'balls', id, step: ballStep, running, balls: snapshot },
    snapshot.map((b) => b.trail.buffer),
  );
}

function ballsStep(): void {
  stepBalls(surface, balls, ++ballStep);
  if (ballStep >= MAX_BALL_STEPS || balls.every((b) => b.diverged >= 0)) running = false;
}

function epochStep(): void {
  if (!trainer || !path) return;
  trainer.trainEpoch();
  epochs = trainer.epoch;
  path.record(trainer.current().params, epochs);
  if (trainer.diverged || epochs >= target) running = false;
}

function postProgress(): void {
  if (!trainer) return;
  post({ type: 'progress', id, epoch: epochs, running, trainLoss: trainer.current().trainLoss, diverged: trainer.diverged });
}

/** nb.landscape around the current weights (on the plane of the path with 'pca', which needs 3 points), and nb.projectPath of the path onto it. */
function postLandscape(): void {
  if (!trainer || !path || trainer.diverged) return;
  if (directions === 'pca' && path.length < 3) return;
  const { model, x, y, loss } = trainer.current();
  const l = nb.landscape(model, x, y, {
    directions,
    path,
    loss,
    resolution: LANDSCAPE_RES,
    seed: trainer.config.seed,
    ...(directions === 'random' ? { range: 1 } : {}),
  });
  const p = nb.projectPath(path, l);
  drawnAt = epochs;
  const flat = Float64Array.from(l.loss.flat());
  post(
    {
      type: 'landscape',
      id,
      epoch: epochs,
      kind: directions,
      alphas: l.alphas,
      betas: l.betas,
      loss: flat,
      center: l.center,
      labels: l.labels,
      explained: l.explained,
      path: { alphas: p.alphas, betas: p.betas, loss: p.loss, residual: p.relativeResidual, epochs: p.epochs },
    },
    [flat.buffer],
  );
}

async function loop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    while (running) {
      const t0 = performance.now();
      if (mode === 'surface') {
        ballsStep();
        postBalls();
        const wait = BALL_TICK_MS - (performance.now() - t0);
        if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
        else await nextTask();
      } else if (mode === 'landscape') {
        epochStep();
        postProgress();
        if (epochs - drawnAt >= LANDSCAPE_EVERY || !running) postLandscape();
        await nextTask();
      } else running = false;
    }
  } finally {
    looping = false;
  }
}

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'tangent': {
      const { xs, ys } = curveSamples(m.curve, 401);
      post({ type: 'tangent', id: m.id, xs, ys, points: curveDescent(m.curve, m.x0, m.lr, m.n) }, [xs.buffer, ys.buffer]);
      break;
    }
    case 'surface': {
      mode = 'surface';
      id = m.id;
      surface = m.surface;
      balls = makeBalls(m.surface, m.start, m.lr);
      ballStep = 0;
      const z = surfaceGrid(m.surface, SURFACE_RES);
      const minima = SURFACE_INFO[m.surface].minima.map((p) => surfaceAt(m.surface, p.at));
      post({ type: 'grid', id, res: SURFACE_RES, z, minima }, [z.buffer]);
      running = m.play;
      postBalls();
      if (running) void loop();
      break;
    }
    case 'landscape': {
      mode = 'landscape';
      id = m.id;
      trainer = new PointsTrainer(m.points as PointsConfig);
      path = nb.callbacks.parameterPath();
      epochs = 0;
      target = m.epochs;
      directions = m.directions;
      drawnAt = -1;
      path.record(trainer.current().params, 0);
      running = m.play;
      postProgress();
      if (directions === 'random') postLandscape();
      if (running) void loop();
      break;
    }
    case 'play':
      if (mode === 'surface' && ballStep >= MAX_BALL_STEPS) break;
      if (mode === 'landscape' && epochs >= target) target = epochs + 50; // play again after the end: 50 more epochs
      running = true;
      void loop();
      break;
    case 'pause':
      running = false;
      if (mode === 'surface') postBalls();
      else if (mode === 'landscape') {
        postProgress();
        if (drawnAt !== epochs) postLandscape();
      }
      break;
    case 'step':
      running = false;
      if (mode === 'surface') {
        if (ballStep < MAX_BALL_STEPS) ballsStep();
        postBalls();
      } else if (mode === 'landscape') {
        if (epochs >= target) target = epochs + 1;
        epochStep();
        running = false;
        postProgress();
        // the landscape once the steps stop coming (each costs resolution² forward passes)
        if (landscapeTimer !== undefined) clearTimeout(landscapeTimer);
        landscapeTimer = setTimeout(() => {
          landscapeTimer = undefined;
          if (mode === 'landscape' && !running && drawnAt !== epochs) postLandscape();
        }, STEP_LANDSCAPE_MS);
      }
      break;
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  try {
    handle(e.data);
  } catch (err) {
    running = false;
    post({ type: 'error', message: (err as Error).message });
  }
};

post({ type: 'ready', ...(await startEngine()) });
