// The Equations lab's worker: builds the network, explains it with nabla
// (model.explain: the forward and backward equations with shapes), trains
// it batch by batch in 25 ms slices, and posts the current numbers of every
// quantity (Explanation.evaluate on a fixed batch) at most every 100 ms.
import * as nb from 'nabla';
import { buildNet, type Net } from '../nets/build.js';
import { optimizerOf } from '../optimizers.js';
import { training, type NetSpec } from '../nets/spec.js';
import { PlayLoop, serveCommands, startEngine } from '../worker-kit.js';
import type { EqExplain, EqLine, EqSnapshot, FromWorker, LayerInfo, Layout, Quantity, ToWorker } from './protocol.js';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
const SLICE_MS = 25;
/** The numbers change at most 10 times a second: readable, and the equations' evaluation stays a small part of the time. */
const SNAPSHOT_MS = 100;
/** The examples whose numbers the equations show. */
const BATCH = 8;

class EqTrainer {
  readonly step: nb.Trainer;
  params: nb.NamedTensors;
  optState: ReturnType<nb.Trainer['initOptState']>;
  explanation!: nb.Explanation;
  steps = 0;
  epoch = 0;
  diverged = false;
  history: { step: number; loss: number }[] = [];
  private cursor = 0;
  private readonly order: Int32Array;
  private readonly shuffler: nb.Generator;
  private readonly batch: { x: nb.Tensor; y: nb.Tensor };
  private readonly batchSize: number;

  constructor(
    readonly net: Net,
    spec: NetSpec,
    public layout: Layout,
  ) {
    const t = training(spec);
    this.step = nb.makeTrainStep(net.model, { loss: net.loss, optimizer: optimizerOf(t.optimizer, t.learningRate) });
    this.params = this.step.params();
    this.optState = this.step.initOptState();
    const n = net.x.shape[0]!;
    this.batchSize = Math.min(t.batchSize, n);
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    this.shuffler = new nb.Generator(t.seed + 2);
    this.shuffler.shuffle(this.order);
    const first = nb.tensor(
      Int32Array.from({ length: Math.min(BATCH, n) }, (_, i) => i),
      [Math.min(BATCH, n)],
    );
    this.batch = { x: nb.gather(net.x, first), y: nb.gather(net.y, first) };
    this.explain();
  }

  explain(): void {
    this.explanation = this.net.model.explain({ loss: this.net.lossName, layout: this.layout });
  }

  /** One optimiser step on the next batch of the shuffled training set. */
  trainBatch(): void {
    if (this.diverged) return;
    const n = this.order.length,
      bs = this.batchSize;
    if (this.cursor + bs > n) {
      this.cursor = 0;
      this.epoch++;
      this.shuffler.shuffle(this.order);
    }
    const idx = nb.tensor(this.order.slice(this.cursor, this.cursor + bs), [bs]);
    this.cursor += bs;
    const r = this.step(this.params, this.optState, { x: nb.gather(this.net.x, idx), y: nb.gather(this.net.y, idx) });
    this.params = r.params;
    this.optState = r.optState;
    this.steps++;
  }

  /** The loss on the whole training set. */
  loss(): number {
    this.step.write(this.params);
    const v = nb.noGrad(() => this.net.loss(this.net.y, this.net.model.call(this.net.x, false)).item());
    if (!Number.isFinite(v)) this.diverged = true;
    return v;
  }

  /** The equations, their shapes and the layers, for the page. */
  describe(): Omit<EqExplain, 'id'> {
    const e = this.explanation;
    const md = e.markdown().split('\n');
    const rows = md.filter((l) => l.startsWith('| $'));
    const shapes: Record<string, string[]> = {};
    const lines: EqLine[] = e.lines.map((l, i) => {
      const m = /^\| \$(.*)\$ \| (.*) \|$/.exec(rows[i] ?? '');
      const cells = (m?.[2] ?? '').replace(/<br>.*$/, '');
      for (const s of cells.matchAll(/(\S+) (?:\(([^)]*)\)|scalar)/g)) shapes[s[1]!] ??= s[2] ? s[2].split(', ') : [];
      return { name: l.name, latex: m?.[1] ?? l.name, role: l.role, layer: l.layer, note: l.note ?? null };
    });
    const where = e
      .text()
      .split('\n')
      .find((l) => l.startsWith('where '));
    const layers: LayerInfo[] = this.net.model.layers.map((layer, i) => {
      const d = layer as nb.layers.Dense;
      return { index: i + 1, inputs: d.kernel!.shape[0]!, units: d.units, activation: d.activation };
    });
    return {
      type: 'explain',
      header: [...e.header],
      lines,
      shapes,
      derivatives: where ? where.slice(6).split('; ') : [],
      layers,
      layout: this.layout,
      lossName: this.net.lossName,
      batch: this.batch.x.shape[0]!,
    };
  }

  /** The numbers of every quantity on the batch, now. */
  values(): Record<string, Quantity> {
    this.step.write(this.params);
    const env = this.explanation.evaluate([this.batch.x, this.batch.y], { layout: this.layout });
    const out: Record<string, Quantity> = {};
    for (const [name, t] of env) {
      const shape = [...t.shape];
      const m2 = t.rank === 0 ? nb.reshape(t, [1, 1]) : t.rank === 1 ? nb.reshape(t, [1, t.shape[0]!]) : t;
      const r = Math.min(3, m2.shape[0]!),
        c = Math.min(3, m2.shape[1]!);
      const block = nb.slice(m2, [0, 0], [r, c]).toArray() as number[][];
      out[name] = { shape, rows: block, norm: nb.linalg.norm(t).item() };
    }
    return out;
  }
}

let trainer: EqTrainer | null = null;
let id = 0;
/** Resets arrive while an earlier one is still loading data: only the newest is built. */
let building = 0;

const play = new PlayLoop(
  () => {
    if (!trainer) return false;
    trainer.trainBatch();
    return !trainer.diverged;
  },
  () => {
    if (!trainer) return;
    const loss = trainer.loss();
    trainer.history.push({ step: trainer.steps, loss });
    const s: EqSnapshot = {
      type: 'snapshot',
      id,
      steps: trainer.steps,
      epoch: trainer.epoch,
      running: play.running,
      loss,
      history: trainer.history,
      values: trainer.values(),
      diverged: trainer.diverged,
    };
    trainer.history = [];
    post(s);
  },
  SLICE_MS,
  SNAPSHOT_MS,
);

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'reset': {
      const mine = ++building;
      trainer = null;
      play.running = false;
      const net = await buildNet(m.spec);
      if (mine !== building) return;
      id = m.id;
      trainer = new EqTrainer(net, m.spec, m.layout);
      post({ ...trainer.describe(), id });
      play.start(m.play);
      break;
    }
    case 'layout':
      if (!trainer) return;
      trainer.layout = m.layout;
      trainer.explain();
      post({ ...trainer.describe(), id });
      play.post();
      break;
    case 'play':
      play.play();
      break;
    case 'pause':
      play.pause();
      break;
    case 'step':
      play.running = false;
      trainer?.trainBatch();
      play.post();
      break;
  }
}

/** Commands run one after another (a reset may wait for the digits to load). */
serveCommands(handle, (err) => {
  play.running = false;
  post({ type: 'error', message: err.message });
});

post({ type: 'ready', ...(await startEngine()) });
