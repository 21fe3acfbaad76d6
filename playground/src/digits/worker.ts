// The Digits lab's training worker: nabla's wasm backend trains in slices of
// about 25 ms, posts a snapshot at most every 33 ms, answers the drawn digit
// with the first network's probabilities, and reads the page's commands
// between slices.
import * as nb from 'nabla';
import { PlayLoop, serveCommands, startEngine } from '../worker-kit.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { DigitsTrainer } from './trainer.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

const digits = nb.data.loadDigitsAsync();
let trainer: DigitsTrainer | null = null;
let id = 0;
/** The last drawn digit (re-classified after each snapshot, so its prediction follows the training). */
let drawn: Float32Array | null = null;

function predict(): void {
  if (!trainer || !drawn) return;
  const probabilities = trainer.predict(drawn);
  post({ type: 'prediction', id, probabilities }, [probabilities.buffer]);
}

const play = new PlayLoop(
  () => {
    if (!trainer) return false;
    trainer.trainBatch();
    return !trainer.diverged;
  },
  () => {
    if (!trainer) return;
    const s = { ...trainer.snapshot(play.running), id };
    post(s, [s.confusion.buffer, s.wrong.index.buffer, s.wrong.predicted.buffer, s.firstLayer.kernel.buffer]);
    predict();
  },
);

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'reset': {
      id = m.id;
      const t = new DigitsTrainer(m.config, await digits);
      trainer = t;
      post({
        type: 'data',
        id,
        trainCount: t.train.labels.length,
        testImages: t.testImages,
        testLabels: t.test.labels,
        runners: t.runners.map((r) => r.spec.name),
      });
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
      trainer?.trainEpoch();
      play.post();
      break;
    case 'predict':
      drawn = m.pixels;
      predict();
      break;
  }
}

const engine = startEngine();
/** Commands run one at a time, in order, once nabla is ready (a reset also waits for the digits to load). */
serveCommands(
  handle,
  (err) => {
    play.running = false;
    post({ type: 'error', message: err.message });
  },
  engine,
);

post({ type: 'ready', ...(await engine) });
