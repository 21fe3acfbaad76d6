// The Digits lab as the shell sees it: the view (lab.ts) and its training
// worker (worker.ts), wired to the toolbar and the URL hash.
import { startLabWorker, TrainingControls } from '../lab-worker.js';
import type { Lab, LabFactory, LabHost } from '../lab.js';
import { decodeDigits, encodeDigits, type DigitsConfig } from './config.js';
import { DigitsLab } from './lab.js';
import type { FromWorker, ToWorker } from './protocol.js';

export const createDigitsLab: LabFactory = (host: LabHost, params: URLSearchParams): Lab => {
  const worker = startLabWorker('digits');
  const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
  let config: DigitsConfig = decodeDigits(params);
  let resetId = 0;
  /** Starts new networks from the current config (the drawn digit, if any, is classified again by the new network). */
  const reset = (play: boolean) => {
    host.message('');
    send({ type: 'reset', id: ++resetId, config, play });
    if (view.pad.pixels.some((v) => v > 0)) send({ type: 'predict', pixels: Float32Array.from(view.pad.pixels) });
  };
  const training = new TrainingControls(host, worker, reset);

  const view = new DigitsLab(
    config,
    (c) => {
      config = c;
      host.stateChanged();
      training.changed();
    },
    (pixels) => send({ type: 'predict', pixels }, pixels ? [pixels.buffer] : []),
  );

  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if ((m.type === 'data' || m.type === 'snapshot' || m.type === 'prediction') && m.id !== resetId) return; // from networks already replaced
    switch (m.type) {
      case 'ready':
        host.setEngine(m);
        break;
      case 'data':
        view.setData(m);
        document.body.dataset.resets = String(Number(document.body.dataset.resets ?? 0) + 1);
        break;
      case 'snapshot':
        view.setSnapshot(m);
        host.setCounter(m.epoch);
        if (m.diverged) {
          training.stopped('The loss diverged (NaN or infinite): lower the learning rate, then reset.');
        } else if (!m.running && training.playing && m.epoch > 0) {
          training.stopped();
        }
        break;
      case 'prediction':
        view.setPrediction(m.probabilities);
        break;
      case 'error':
        training.failed(m.message);
        break;
    }
  };
  reset(false);

  return {
    root: view.root,
    counter: 'Epoch',
    stepLabel: 'Train one epoch',
    state: () => encodeDigits(config),
    load(p) {
      config = decodeDigits(p);
      view.show(config);
      training.changed();
    },
    play: training.play,
    pause: training.pause,
    step: training.step,
    reset: training.reset,
    frame: () => view.frame(),
    close: training.pause,
  };
};
