// The Digits lab as the shell sees it: the view (lab.ts) and its training
// worker (worker.ts), wired to the toolbar and the URL hash.
import { startLabWorker } from '../lab-worker.js';
import type { Lab, LabFactory, LabHost } from '../lab.js';
import { decodeDigits, encodeDigits, type DigitsConfig } from './config.js';
import { DigitsLab } from './lab.js';
import type { FromWorker, ToWorker } from './protocol.js';

export const createDigitsLab: LabFactory = (host: LabHost, params: URLSearchParams): Lab => {
  const worker = startLabWorker('digits');
  const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
  let config: DigitsConfig = decodeDigits(params);
  let playing = false;
  let resetId = 0;
  /** Starts new networks from the current config (the drawn digit, if any, is classified again by the new network). */
  const reset = (play: boolean) => {
    host.message('');
    send({ type: 'reset', id: ++resetId, config, play });
    if (view.pad.pixels.some((v) => v > 0)) send({ type: 'predict', pixels: Float32Array.from(view.pad.pixels) });
  };

  const view = new DigitsLab(
    config,
    (c) => {
      config = c;
      host.stateChanged();
      reset(playing);
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
          playing = false;
          host.setPlaying(false);
          host.message('The loss diverged (NaN or infinite): lower the learning rate, then reset.');
        } else if (!m.running && playing && m.epoch > 0) {
          playing = false;
          host.setPlaying(false);
        }
        break;
      case 'prediction':
        view.setPrediction(m.probabilities);
        break;
      case 'error':
        playing = false;
        host.setPlaying(false);
        host.message(`Error: ${m.message}`);
        console.error(m.message);
        break;
    }
  };
  worker.onerror = (e) => host.message(`The training worker failed: ${e.message}`);
  reset(false);

  return {
    root: view.root,
    counter: 'Epoch',
    stepLabel: 'Train one epoch',
    state: () => encodeDigits(config),
    load(p) {
      config = decodeDigits(p);
      view.show(config);
      reset(playing);
    },
    play() {
      playing = true;
      send({ type: 'play' });
    },
    pause() {
      playing = false;
      send({ type: 'pause' });
    },
    step() {
      playing = false;
      send({ type: 'step' });
    },
    reset() {
      playing = false;
      reset(false);
    },
    frame: () => view.frame(),
    close() {
      playing = false;
      send({ type: 'pause' });
    },
  };
};
