// The training worker: nabla's wasm backend trains the Points network in
// slices of about 25 ms, posting a snapshot at most every 33 ms, and reads
// the page's commands between slices.
import { nextTask, startEngine } from '../worker-kit.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { PointsTrainer } from './trainer.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

const SLICE_MS = 25;
const SNAPSHOT_MS = 33;

let trainer: PointsTrainer | null = null;
let id = 0;
let running = false;
let looping = false;
let lastPost = 0;

function sendSnapshot(): void {
  if (!trainer) return;
  const s = { ...trainer.snapshot(running), id };
  const transfer: Transferable[] = [
    s.output.values.buffer,
    ...s.maps.layers.map((l) => l.values.buffer),
    ...s.weights.flatMap((w) => [w.kernel.buffer, w.bias.buffer]),
  ];
  post(s, transfer);
  lastPost = performance.now();
}

async function loop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    while (running && trainer) {
      const t0 = performance.now();
      do trainer.trainBatch();
      while (performance.now() - t0 < SLICE_MS && !trainer.diverged);
      if (trainer.diverged) running = false;
      if (performance.now() - lastPost >= SNAPSHOT_MS || !running) sendSnapshot();
      await nextTask();
    }
  } finally {
    looping = false;
  }
}

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'reset': {
      id = m.id;
      trainer = new PointsTrainer(m.config);
      running = m.play;
      post({ ...trainer.data(), id });
      sendSnapshot();
      if (running) void loop();
      break;
    }
    case 'play':
      running = true;
      void loop();
      break;
    case 'pause':
      running = false;
      sendSnapshot();
      break;
    case 'step':
      running = false;
      trainer?.trainEpoch();
      sendSnapshot();
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
