// The Digits lab's training worker: nabla's wasm backend trains in slices of
// about 25 ms, posts a snapshot at most every 33 ms, answers the drawn digit
// with the first network's probabilities, and reads the page's commands
// between slices.
import * as nb from 'nabla';
import { nextTask, startEngine } from '../worker-kit.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { DigitsTrainer } from './trainer.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

const SLICE_MS = 25;
const SNAPSHOT_MS = 33;

const digits = nb.data.loadDigitsAsync();
let trainer: DigitsTrainer | null = null;
let id = 0;
let running = false;
let looping = false;
let lastPost = 0;
/** The last drawn digit (re-classified after each snapshot, so its prediction follows the training). */
let drawn: Float32Array | null = null;

function predict(): void {
  if (!trainer || !drawn) return;
  const probabilities = trainer.predict(drawn);
  post({ type: 'prediction', id, probabilities }, [probabilities.buffer]);
}

function sendSnapshot(): void {
  if (!trainer) return;
  const s = { ...trainer.snapshot(running), id };
  post(s, [s.confusion.buffer, s.wrong.index.buffer, s.wrong.predicted.buffer, s.firstLayer.kernel.buffer]);
  predict();
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

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'reset': {
      id = m.id;
      const t = new DigitsTrainer(m.config, await digits);
      trainer = t;
      running = m.play;
      post({
        type: 'data',
        id,
        trainCount: t.train.labels.length,
        testImages: t.testImages,
        testLabels: t.test.labels,
        runners: t.runners.map((r) => r.spec.name),
      });
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
    case 'predict':
      drawn = m.pixels;
      predict();
      break;
  }
}

const engine = startEngine();
/** Commands run one at a time, in order, once nabla is ready (a reset also waits for the digits to load). */
let queue: Promise<unknown> = engine;
self.onmessage = (e: MessageEvent<ToWorker>) => {
  queue = queue.then(() =>
    handle(e.data).catch((err: unknown) => {
      running = false;
      post({ type: 'error', message: (err as Error).message });
    }),
  );
};

post({ type: 'ready', ...(await engine) });
