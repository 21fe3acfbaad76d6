// The Curvature lab's worker: full-batch training with nabla, and every
// `every` steps the sharpness λ_max of the loss's Hessian at the current
// weights (nb.sharpness: Lanczos iteration over Hessian-vector products,
// the Hessian is never formed); for Adam, of the preconditioned Hessian.
// Trains in 25 ms slices; posts at most every 33 ms.
import * as nb from 'nabla';
import { buildNet, type Net } from '../nets/build.js';
import { optimizerOf } from '../optimizers.js';
import { PlayLoop, serveCommands, startEngine } from '../worker-kit.js';
import { EXAMPLES, curvSpec, type CurvConfig } from './config.js';
import type { CurvSnapshot, FromWorker, ToWorker } from './protocol.js';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
/** Lanczos's options for every measurement (the same start vector each time). */
const LANCZOS = { maxIterations: 24, tol: 1e-3, seed: 0 };
/** nabla's Adam defaults, which optimizerOf uses. */
const ADAM_BETA2 = 0.999,
  ADAM_EPSILON = 1e-7;

class CurvTrainer {
  private readonly step: nb.Trainer;
  private params: nb.NamedTensors;
  private optState: ReturnType<nb.Trainer['initOptState']>;
  steps = 0;
  diverged = false;
  losses: CurvSnapshot['losses'] = [];
  sharpness: CurvSnapshot['sharpness'] = [];

  constructor(
    private readonly net: Net,
    private readonly config: CurvConfig,
  ) {
    const name = config.optimizer === 'gd' ? 'sgd' : config.optimizer;
    this.step = nb.makeTrainStep(net.model, { loss: net.loss, optimizer: optimizerOf(name, config.learningRate) });
    this.params = this.step.params();
    this.optState = this.step.initOptState();
    this.measure();
  }

  /** λ_max at the current weights (for Adam, of the preconditioned Hessian P⁻¹H). */
  measure(): void {
    if (this.diverged) return;
    this.step.write(this.params);
    if (this.config.optimizer === 'adam') {
      const r = this.preconditioned();
      if (r) this.sharpness.push({ step: this.steps, ...r });
      return;
    }
    const s = nb.sharpness(this.net.model, this.net.x, this.net.y, { loss: this.net.loss, ...LANCZOS });
    this.sharpness.push({ step: this.steps, value: s.value, converged: s.converged });
  }

  /**
   * Adam's preconditioned sharpness λ_max(P⁻¹H), P = diag(√v̂ + ε) the
   * divisor of its step θ ← θ − η·m̂/(√v̂ + ε): the largest eigenvalue of
   * P^(−½)·H·P^(−½), which is the Hessian of u ↦ J(P^(−½)·u) at u = P^(½)·θ,
   * by Lanczos on nabla's Hessian-vector products (nb.linalg.hessianEigs).
   * Null before the first step (no v̂ yet).
   */
  private preconditioned(): { value: number; converged: boolean } | null {
    const f = nb.modelLoss(this.net.model, { loss: this.net.loss });
    const states = this.optState.parameters;
    if (states.length !== f.names.length || !states.every((p) => p.updates > 0 && p.slots.v)) return null;
    const theta = f.params();
    const scale: nb.NamedTensors = {},
      u0: nb.NamedTensors = {};
    f.names.forEach((name, i) => {
      const st = states[i]!;
      const vhat = nb.div(st.slots.v!, 1 - ADAM_BETA2 ** st.updates);
      const s = nb.div(1, nb.sqrt(nb.add(nb.sqrt(vhat), ADAM_EPSILON))); // P^(−½)
      scale[name] = s;
      u0[name] = nb.div(theta[name]!, s);
    });
    const g = (u: nb.NamedTensors) => f.loss(Object.fromEntries(f.names.map((n) => [n, nb.mul(u[n]!, scale[n]!)])), this.net.x, this.net.y);
    const r = nb.linalg.hessianEigs(g, u0, LANCZOS);
    return { value: r.values[0]!, converged: r.converged };
  }

  /** One full-batch step; the sharpness when due. */
  trainStep(): void {
    if (this.diverged) return;
    const r = this.step(this.params, this.optState, { x: this.net.x, y: this.net.y });
    const loss = r.loss.item();
    this.losses.push({ step: this.steps, loss });
    this.params = r.params;
    this.optState = r.optState;
    this.steps++;
    if (!Number.isFinite(loss) || loss > 1e6) {
      this.diverged = true;
      return;
    }
    if (this.steps % this.config.every === 0) this.measure();
  }

  take(): Pick<CurvSnapshot, 'losses' | 'sharpness'> {
    const out = { losses: this.losses, sharpness: this.sharpness };
    this.losses = [];
    this.sharpness = [];
    return out;
  }
}

let trainer: CurvTrainer | null = null;
let id = 0;
let building = 0;

const play = new PlayLoop(
  () => {
    if (!trainer) return false;
    trainer.trainStep();
    return !trainer.diverged;
  },
  () => {
    if (trainer) post({ type: 'snapshot', id, steps: trainer.steps, running: play.running, diverged: trainer.diverged, ...trainer.take() });
  },
);

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'reset': {
      const mine = ++building;
      trainer = null;
      play.running = false;
      const net = await buildNet(curvSpec(m.config), EXAMPLES[m.config.model]);
      if (mine !== building) return;
      id = m.id;
      trainer = new CurvTrainer(net, m.config);
      play.start(m.play);
      break;
    }
    case 'play':
      play.play();
      break;
    case 'pause':
      play.pause();
      break;
    case 'step':
      play.running = false;
      trainer?.trainStep();
      play.post();
      break;
  }
}

serveCommands(handle, (err) => {
  play.running = false;
  post({ type: 'error', message: err.message });
});

post({ type: 'ready', ...(await startEngine()) });
