// The playground page: starts the training worker, keeps the lab's config in
// the URL hash, forwards play/pause/step/reset, and draws at display rate.
import './style.css';
import { decodePoints, encodePoints, type PointsConfig } from './points/config.js';
import { PointsLab } from './points/lab.js';
import type { FromWorker, ToWorker } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);
let resetId = 0;
/** Starts a new network from the current config. */
const reset = (play: boolean) => {
  message.textContent = '';
  send({ type: 'reset', id: ++resetId, config, play });
};

let config: PointsConfig = decodePoints(new URLSearchParams(location.hash.slice(1)));
let playing = false;

const playButton = $<HTMLButtonElement>('play');
const epochOut = $<HTMLOutputElement>('epoch');
const status = $<HTMLElement>('status');
const message = $<HTMLElement>('message');

function setPlaying(p: boolean): void {
  playing = p;
  playButton.setAttribute('aria-pressed', String(p));
  playButton.ariaLabel = p ? 'Pause training' : 'Start training';
  playButton.title = playButton.ariaLabel;
  playButton.classList.toggle('playing', p);
}

const writeHash = () => history.replaceState(null, '', `#${encodePoints(config)}`);

const lab = new PointsLab(config, (c) => {
  config = c;
  writeHash();
  reset(playing);
});
$('controls').append(lab.controls);
$('network').append(lab.network.root);
$('output').replaceWith(lab.output);
lab.output.id = 'output';

addEventListener('hashchange', () => {
  // a link followed or a hash typed: start again from its config (our own writes use replaceState, which fires no hashchange)
  config = decodePoints(new URLSearchParams(location.hash.slice(1)));
  lab.show(config);
  reset(playing);
});

playButton.onclick = () => {
  setPlaying(!playing);
  send({ type: playing ? 'play' : 'pause' });
};
$<HTMLButtonElement>('step').onclick = () => {
  setPlaying(false);
  send({ type: 'step' });
};
$<HTMLButtonElement>('reset').onclick = () => {
  setPlaying(false);
  reset(false);
};

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if ((m.type === 'data' || m.type === 'snapshot') && m.id !== resetId) return; // from a network already replaced
  switch (m.type) {
    case 'ready':
      status.textContent =
        `nabla ${m.backend} backend · ${m.threads} thread${m.threads === 1 ? '' : 's'}` +
        (m.isolated ? ' · cross-origin isolated' : ' · not cross-origin isolated (one thread)');
      break;
    case 'data':
      lab.setData(m);
      document.body.dataset.resets = String(Number(document.body.dataset.resets ?? 0) + 1);
      break;
    case 'snapshot':
      lab.setSnapshot(m);
      epochOut.textContent = m.epoch.toLocaleString('en-US', { minimumIntegerDigits: 6 });
      epochOut.dataset.value = String(m.epoch);
      if (m.diverged) {
        setPlaying(false);
        message.textContent = 'The loss diverged (NaN or infinite): lower the learning rate, then reset.';
      } else if (!m.running && playing && m.epoch > 0) setPlaying(false);
      break;
    case 'error':
      setPlaying(false);
      message.textContent = `Error: ${m.message}`;
      console.error(m.message);
      break;
  }
};
worker.onerror = (e) => {
  message.textContent = `The training worker failed: ${e.message}`;
};

writeHash();
setPlaying(false);
reset(false);

const frame = () => {
  lab.frame();
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
