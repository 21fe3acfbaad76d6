// The playground's shell: the lab tabs, the toolbar (reset, play/pause,
// step, the counter), the URL hash (`#lab=digits&...`: the open lab and its
// whole set-up, so a teacher can share it) and the animation frame. Each lab
// (lab.ts is the contract, labs.ts the list) owns its worker and its drawing.
import './style.css';
import type { Lab, LabHost } from './lab.js';
import { LABS, type LabEntry } from './labs.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const playButton = $<HTMLButtonElement>('play');
const stepButton = $<HTMLButtonElement>('step');
const counterLabel = $<HTMLLabelElement>('counter-label');
const counter = $<HTMLOutputElement>('epoch');
const status = $<HTMLElement>('status');
const message = $<HTMLElement>('message');
const main = $<HTMLElement>('lab');
const nav = $<HTMLElement>('labs');

let playing = false;
/** The open lab, and every lab opened so far (kept, so going back resumes it). */
let current: { entry: LabEntry; lab: Lab } | null = null;
const opened = new Map<string, Lab>();
/** Each lab's last counter value, shown again when its tab is opened again. */
const counters = new Map<string, number>();
/** Each lab's last state, for labState(). */
const states = new Map<string, URLSearchParams>();
/** Counts navigations, so that a slow lab import finishing late does not open over a later one. */
let navigation = 0;

function setPlaying(p: boolean): void {
  playing = p;
  playButton.setAttribute('aria-pressed', String(p));
  playButton.ariaLabel = p ? 'Pause training' : 'Start training';
  playButton.title = playButton.ariaLabel;
  playButton.classList.toggle('playing', p);
}

function setCounter(n: number): void {
  counter.textContent = n.toLocaleString('en-US', { minimumIntegerDigits: 6 });
  counter.dataset.value = String(n);
}

/** The hash for the open lab's state: lab first, then the lab's own parameters. */
function writeHash(): void {
  if (!current) return;
  const state = current.lab.state();
  states.set(current.entry.id, state);
  history.replaceState(null, '', `#lab=${current.entry.id}${state.size > 0 ? `&${state}` : ''}`);
}

const hostFor = (id: string): LabHost => {
  const mine = () => current?.entry.id === id;
  return {
    message: (text) => {
      if (mine()) message.textContent = text;
    },
    setCounter: (n) => {
      counters.set(id, n);
      if (mine()) setCounter(n);
    },
    setPlaying: (p) => {
      if (mine()) setPlaying(p);
    },
    stateChanged: () => {
      if (mine()) writeHash();
    },
    setEngine: (m) => {
      status.textContent =
        `nabla ${m.backend} backend · ${m.threads} thread${m.threads === 1 ? '' : 's'}` +
        (m.isolated ? ' · cross-origin isolated' : ' · not cross-origin isolated (one thread)');
    },
    labState: (other) => states.get(other) ?? null,
    labCounter: (other) => counters.get(other) ?? null,
  };
};

/** Opens the lab the hash names (Points when none or an unknown one), with the hash's parameters. */
async function route(): Promise<void> {
  const params = new URLSearchParams(location.hash.slice(1));
  const entry = LABS.find((l) => l.id === params.get('lab')) ?? LABS[0]!;
  params.delete('lab');
  const nav0 = ++navigation;
  if (current?.entry.id === entry.id) {
    current.lab.load(params);
    writeHash();
    return;
  }
  if (current) {
    current.lab.close();
    states.set(current.entry.id, current.lab.state());
  }
  setPlaying(false);
  message.textContent = '';
  let lab = opened.get(entry.id);
  if (lab) {
    if (params.toString() !== states.get(entry.id)?.toString()) lab.load(params); // else: back to the tab as it was left
  } else {
    const create = await entry.load();
    if (nav0 !== navigation) return;
    lab = create(hostFor(entry.id), params);
    opened.set(entry.id, lab);
  }
  current = { entry, lab };
  main.replaceChildren(lab.root);
  main.dataset.lab = entry.id;
  counterLabel.textContent = lab.counter;
  stepButton.ariaLabel = lab.stepLabel;
  stepButton.title = lab.stepLabel;
  setCounter(counters.get(entry.id) ?? 0);
  for (const a of nav.querySelectorAll('a')) {
    const on = a.dataset.lab === entry.id;
    a.classList.toggle('current', on);
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${entry.title} · nabla playground`;
  writeHash();
}

for (const l of LABS) {
  const a = document.createElement('a');
  a.href = `#lab=${l.id}${states.has(l.id) ? `&${states.get(l.id)}` : ''}`;
  a.textContent = l.title;
  a.dataset.lab = l.id;
  // open a lab with the set-up it had when last left, not its defaults
  a.onclick = (e) => {
    e.preventDefault();
    const s = states.get(l.id);
    location.hash = `lab=${l.id}${s && s.size > 0 ? `&${s}` : ''}`;
  };
  nav.append(a);
}

addEventListener('hashchange', () => void route()); // a link followed or a hash typed (our own writes use replaceState, which fires no hashchange)

playButton.onclick = () => {
  if (!current) return;
  setPlaying(!playing);
  if (playing) current.lab.play();
  else current.lab.pause();
};
stepButton.onclick = () => {
  setPlaying(false);
  current?.lab.step();
};
$<HTMLButtonElement>('reset').onclick = () => {
  setPlaying(false);
  message.textContent = '';
  current?.lab.reset();
};

setPlaying(false);
void route();

const frame = () => {
  current?.lab.frame();
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
