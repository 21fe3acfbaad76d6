// The one training worker script of the playground. Vite bundles a worker
// with everything it imports, so a script per lab would carry a copy of
// nabla each (~300 KB apiece); this entry carries nabla once and imports the
// lab's own worker module (a small chunk) when the page names the lab in its
// first message (lab-worker.ts sends it).
//
// A lab's module sets `self.onmessage` when it is evaluated, as a standalone
// worker script would. Messages that arrive before then are kept and handed
// to that handler the moment it is set, in order, before any later message.
type Handler = (e: MessageEvent) => void;

const LAB_WORKERS: Record<string, () => Promise<unknown>> = {
  points: () => import('./points/worker.js'),
  digits: () => import('./digits/worker.js'),
  equations: () => import('./equations/worker.js'),
  calculus: () => import('./calculus/worker.js'),
  curvature: () => import('./curvature/worker.js'),
};

let handler: Handler | null = null;
const early: MessageEvent[] = [];
let chosen = false;

Object.defineProperty(self, 'onmessage', {
  configurable: true,
  get: () => handler,
  set(fn: Handler | null) {
    handler = fn;
    if (fn) for (const e of early.splice(0)) fn(e);
  },
});

addEventListener('message', (e: MessageEvent) => {
  if (!chosen) {
    chosen = true;
    const lab = (e.data as { lab?: unknown } | null)?.lab;
    const load = typeof lab === 'string' ? LAB_WORKERS[lab] : undefined;
    if (!load) postMessage({ type: 'error', message: `the playground's worker has no lab ${JSON.stringify(lab)}` });
    else load().catch((err: Error) => postMessage({ type: 'error', message: `the ${lab} lab's worker failed to load: ${err.message}` }));
    return;
  }
  if (handler) handler(e);
  else early.push(e);
});
