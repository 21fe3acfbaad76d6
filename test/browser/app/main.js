// The app of test/browser/bundlers.test.ts, bundled by esbuild, Vite and webpack as a user's app
// would be: `nabla` resolves to the package (its `exports`). It loads the wasm backend, asks for two
// threads, trains a small model a few steps and leaves its report in `window.report` (the test
// reads it). `nabla-internals` is an alias the test's bundler configs map to the backend module,
// only to ask how many matrix-product chunks the pool's workers ran.
import * as nb from 'nabla';
import { wasmKernels } from 'nabla-internals';

async function run() {
  await nb.ready();
  const r = { isolated: globalThis.crossOriginIsolated === true, backend: nb.getBackend(), build: nb.wasmBuild() };
  r.requested = nb.setThreads(2);
  await nb.ready(); // the workers have started (or failed, and nabla fell back to one thread)
  r.threads = nb.getThreads();
  nb.seed(1);
  const x = nb.randomNormal([256, 64]);
  const y = nb.oneHot(nb.argmax(nb.matmul(x, nb.randomNormal([64, 4])), 1), 4);
  const model = nb.sequential([nb.layers.dense({ units: 256, activation: 'relu', inputShape: [64] }), nb.layers.dense({ units: 4, activation: 'softmax' })]);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const before = wasmKernels().workerChunks;
  const history = await model.fit(x, y, { epochs: 4, batchSize: 256, verbose: 0 });
  // a product large enough to be split among the threads whatever the tuning (a few times: on a busy
  // machine the pool runs products alone for a while after it saw the other core taken)
  const a = nb.randomNormal([512, 256]),
    b = nb.randomNormal([256, 512]);
  for (let i = 0; i < (r.threads > 1 ? 200 : 1) && wasmKernels().workerChunks === before; i++) {
    nb.matmul(a, b);
    if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  r.workerChunks = wasmKernels().workerChunks - before;
  r.losses = history.history.loss;
  r.threadsAfter = nb.getThreads();
  return r;
}

function show(r) {
  globalThis.report = r;
  const out = document.getElementById('report');
  if (out) out.textContent = JSON.stringify(r, null, 2);
}

run().then(show, (e) => show({ error: String(e?.stack || e) }));
