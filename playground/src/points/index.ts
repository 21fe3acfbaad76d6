// The Points lab as the shell sees it: the view (lab.ts) and its training
// worker (worker.ts), wired to the toolbar and the URL hash.
import { startLabWorker, TrainingControls } from '../lab-worker.js';
import { el } from '../dom.js';
import type { Lab, LabFactory, LabHost } from '../lab.js';
import { decodePoints, encodePoints, type PointsConfig } from './config.js';
import { PointsLab } from './lab.js';
import type { FromWorker, ToWorker } from './protocol.js';

export const createPointsLab: LabFactory = (host: LabHost, params: URLSearchParams): Lab => {
  const worker = startLabWorker('points');
  const send = (m: ToWorker) => worker.postMessage(m);
  let config: PointsConfig = decodePoints(params);
  let resetId = 0;
  /** Starts a new network from the current config. */
  const reset = (play: boolean) => {
    host.message('');
    send({ type: 'reset', id: ++resetId, config, play });
  };
  const training = new TrainingControls(host, worker, reset);

  const view = new PointsLab(config, (c) => {
    config = c;
    host.stateChanged();
    training.changed();
  });
  const controls = el('section', { id: 'controls', className: 'panel', ariaLabel: 'Settings' }, view.controls);
  const network = el('section', { id: 'network', className: 'panel', ariaLabel: 'Network' }, view.network.root);
  view.output.id = 'output';
  view.output.classList.add('panel');
  const root = el('div', { className: 'lab points-lab' }, controls, network, view.output);

  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if ((m.type === 'data' || m.type === 'snapshot') && m.id !== resetId) return; // from a network already replaced
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
      case 'error':
        training.failed(m.message);
        break;
    }
  };
  reset(false);

  return {
    root,
    counter: 'Epoch',
    stepLabel: 'Train one epoch',
    state: () => encodePoints(config),
    load(p) {
      config = decodePoints(p);
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
