// The Equations lab as the shell sees it: nabla's explain of the Points or
// Digits network, typeset, trained live in its worker.
import { startLabWorker, TrainingControls } from '../lab-worker.js';
import '../nets/labs.css';
import { el } from '../dom.js';
import type { Lab, LabFactory, LabHost } from '../lab.js';
import { SOURCES, encodeSpec, specOf, type Source } from '../nets/spec.js';
import { LAYOUTS, type FromWorker, type Layout, type ToWorker } from './protocol.js';
import { EquationsView, type EqState, type Selection } from './view.js';

/** The lab's state from the URL: `model` (points or digits), `layout`, `layer`, and that lab's own parameters; without `model`, the network of the lab the user came from. */
function decode(p: URLSearchParams, host: LabHost): EqState {
  const given = p.get('model');
  let source: Source;
  let params: URLSearchParams | null;
  if (given !== null && (SOURCES as readonly string[]).includes(given)) {
    source = given as Source;
    params = p;
  } else {
    source = host.labState('digits') && !host.labState('points') ? 'digits' : 'points';
    params = host.labState(source);
  }
  const layout = (LAYOUTS as readonly string[]).includes(p.get('layout') ?? '') ? (p.get('layout') as Layout) : 'columns';
  const l = p.get('layer');
  const layer: Selection = l === 'J' ? 'J' : Number.isInteger(Number(l)) && Number(l) >= 1 && Number(l) <= 8 ? Number(l) : 1;
  return { spec: specOf(source, params), layout, layer };
}

function encode(s: EqState): URLSearchParams {
  const p = new URLSearchParams({ model: s.spec.source, layout: s.layout, layer: String(s.layer) });
  for (const [k, v] of encodeSpec(s.spec)) p.set(k, v);
  return p;
}

export const createEquationsLab: LabFactory = (host: LabHost, params: URLSearchParams): Lab => {
  const worker = startLabWorker('equations');
  const send = (m: ToWorker) => worker.postMessage(m);
  let state = decode(params, host);
  let resetId = 0;
  let closed = false;
  /** The source lab's parameters this lab last took its network from. */
  let taken = encodeSpec(state.spec).toString();
  const reset = (play: boolean) => {
    host.message('');
    view.clear();
    send({ type: 'reset', id: ++resetId, spec: state.spec, layout: state.layout, play });
  };
  const training = new TrainingControls(host, worker, reset);
  const view = new EquationsView(
    state,
    (s, what) => {
      state = s;
      host.stateChanged();
      if (what === 'layout') send({ type: 'layout', layout: s.layout });
    },
    (source) => {
      state = { ...state, spec: specOf(source, host.labState(source)), layer: 1 };
      taken = encodeSpec(state.spec).toString();
      view.show(state);
      host.stateChanged();
      training.changed();
    },
  );
  const root = el('div', { className: 'lab equations-lab' }, view.controls, view.middle, view.detail);

  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if ((m.type === 'explain' || m.type === 'snapshot') && m.id !== resetId) return;
    switch (m.type) {
      case 'ready':
        host.setEngine(m);
        break;
      case 'explain':
        view.setExplain(m);
        break;
      case 'snapshot':
        view.setSnapshot(m);
        host.setCounter(m.steps);
        if (m.diverged) {
          training.stopped('The loss diverged (NaN or infinite): lower the learning rate in the network’s lab, then reset.');
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
    counter: 'Step',
    stepLabel: 'Train one step (one batch)',
    state: () => encode(state),
    load(p) {
      state = decode(p, host);
      taken = encodeSpec(state.spec).toString();
      view.show(state);
      training.changed();
    },
    play: training.play,
    pause: training.pause,
    step: training.step,
    reset: training.reset,
    frame() {
      if (closed) {
        // opened again: follow the network's lab if it changed meanwhile
        closed = false;
        const now = host.labState(state.spec.source);
        if (now && specOf(state.spec.source, now) && encodeSpec(specOf(state.spec.source, now)).toString() !== taken) {
          state = { ...state, spec: specOf(state.spec.source, now) };
          taken = encodeSpec(state.spec).toString();
          view.show(state);
          host.stateChanged();
          reset(false);
        }
      }
      view.frame();
    },
    close() {
      closed = true;
      training.pause();
    },
  };
};
