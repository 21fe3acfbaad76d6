// The training worker: nabla's wasm backend trains the Points network in
// slices of about 25 ms, posting a snapshot at most every 33 ms, and reads
// the page's commands between slices.
import { PlayLoop, serveCommands, startEngine } from '../worker-kit.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { PointsTrainer } from './trainer.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

let trainer: PointsTrainer | null = null;
let id = 0;

const play = new PlayLoop(
  () => {
    if (!trainer) return false;
    trainer.trainBatch();
    return !trainer.diverged;
  },
  () => {
    if (!trainer) return;
    const s = { ...trainer.snapshot(play.running), id };
    const transfer: Transferable[] = [
      s.output.values.buffer,
      ...s.maps.layers.map((l) => l.values.buffer),
      ...s.weights.flatMap((w) => [w.kernel.buffer, w.bias.buffer]),
    ];
    post(s, transfer);
  },
);

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'reset': {
      id = m.id;
      trainer = new PointsTrainer(m.config);
      post({ ...trainer.data(), id });
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
  }
}

serveCommands(handle, (err) => {
  play.running = false;
  post({ type: 'error', message: err.message });
});

post({ type: 'ready', ...(await startEngine()) });
