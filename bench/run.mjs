// Side-by-side benchmark: nabla against TensorFlow.js 4.x and PyTorch, in one run.
//
//   npm run bench                      (= npm run build && node bench/run.mjs)
//   node bench/run.mjs [--quick] [--only sgemm|digits|predict|fashion|recurrent|contention[,...]] [--out file.json]
//
//   --quick   only the products with N <= 256 (square 64/128/256 and 128x784x256), a fast smoke run
//   --only    run some sections (comma-separated): sgemm (the GFLOP/s table), digits (the digits MLP), predict (the digits
//             MLP's predict on 1 and 1024 samples), fashion (Fashion-MNIST MLP and CNN), recurrent (an
//             LSTM step), contention (nabla's digits run on 1 and 2 threads while another process spins)
//   --out     where the JSON goes (default bench/results/latest.json)
//
// With the relaxed-SIMD (FMA) build in use, the SGEMM section then measures the baseline SIMD build
// too, in a child process started with NABLA_WASM_BUILD=simd.
//
// Columns: nabla wasm 1 thread, nabla wasm 2 threads, nabla js, tfjs-wasm, tfjs-cpu. A configuration
// whose API is not there (nabla's wasm backend not registered, nb.setThreads missing, tfjs not
// installed, tfjs-wasm failing to initialise) is reported as n/a with the reason, never a crash.
//
// Method (SGEMM rows): the same float32 operands (seeded) for every configuration; one warm-up
// product (JIT, memory growth, tfjs-wasm's packed-weight cache), then timed samples of one or more
// products (a sample lasts >= ~10 ms) until >= 0.8 s have elapsed and at least 3 samples were taken;
// a configuration whose single product takes > 0.15 s gets one timed product only. Each figure is
// the BEST sample (minimum time per product) as GFLOP/s = 2*M*N*K / seconds; the median is kept in
// the JSON too. Neither library reads the result back: nabla is timed as nb.matmul(a, b) (its
// result stays in the kernels' memory), tfjs as tf.tidy(() => { tf.matMul(a, b); }) (its cpu and
// wasm backends compute synchronously; tidy releases the result).
// Every configuration's product is checked against a float64 reference before it is timed.
//
// PyTorch (bench/torch_bench.py, run through /usr/bin/python3 when it imports torch and numpy; n/a
// with the reason otherwise) trains and predicts on the same data, split, initial weights, batch
// sizes and epochs as nabla's rows, at its default thread count and at 1 and 2 threads. Speed
// ratios are printed as "x PyTorch's speed" = PyTorch's best time / nabla's time (> 1: nabla faster).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { bestTorch, exported, runTorch, TORCH_THREADS, torchInfo, torchLabel } from './torch.mjs';
import { digitsSplit as splitDigits } from './digits.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

// ---------------------------------------------------------------------------------------------
// arguments

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
function option(name) {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const a = argv[i];
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}
const quick = flag('--quick');
// internal: the child run that measures nabla's baseline (no FMA) SIMD build, NABLA_WASM_BUILD=simd
const baselineChild = flag('--baseline-child');
const only = option('--only');
const SECTIONS = ['sgemm', 'digits', 'predict', 'fashion', 'recurrent', 'contention'];
const onlyList = only?.split(',');
if (onlyList?.some((s) => !SECTIONS.includes(s))) {
  console.error(`--only: expected one or more of ${SECTIONS.join(', ')} (comma-separated), got '${only}'`);
  process.exit(2);
}
const runs = (section) => onlyList === undefined || onlyList.includes(section);
const outFile = resolve(option('--out') ?? join(here, 'results', 'latest.json'));

// ---------------------------------------------------------------------------------------------
// nabla

const nablaEntry = join(root, 'dist', 'index.js');
if (!existsSync(nablaEntry)) {
  console.error(`${nablaEntry} not found: run \`npm run build\` first (or \`npm run bench\`).`);
  process.exit(1);
}
const nb = await import('../dist/index.js');
const nablaVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const nbBackends = typeof nb.listBackends === 'function' ? nb.listBackends() : ['js'];
const nbHasWasm = nbBackends.includes('wasm');
const nbHasThreads = typeof nb.setThreads === 'function';
const nbInitialBackend = typeof nb.getBackend === 'function' ? nb.getBackend() : 'js';
const nbInitialThreads = nbHasWasm && typeof nb.getThreads === 'function' ? safe(() => nb.getThreads()) : undefined;

function safe(f) {
  try {
    return f();
  } catch {
    return undefined;
  }
}
const errText = (e) => String(e?.message ?? e).split('\n')[0];
/** A reason short enough for the table's footnotes (the JSON keeps the whole text). */
const short = (s) => {
  const t = String(s).split(/\n| \| /)[0];
  return t.length > 160 ? `${t.slice(0, 157)}...` : t;
};

// ---------------------------------------------------------------------------------------------
// TensorFlow.js (cpu and wasm backends)

let tf = null;
const tfInfo = { version: null, cpu: { ok: false, reason: null }, wasm: { ok: false, reason: null } };
try {
  if (baselineChild) throw new Error('not loaded in the baseline child run');
  tf = await import('@tensorflow/tfjs');
  tfInfo.version = tf.version?.tfjs ?? tf.version_core ?? null;
} catch (e) {
  tfInfo.cpu.reason = tfInfo.wasm.reason = `@tensorflow/tfjs not installed (${errText(e)})`;
}

/** tf.setBackend returns false (and logs through console.warn) when a backend fails to initialise: keep the log. */
async function tfInit(name) {
  const logged = [];
  const warn = console.warn;
  console.warn = (...m) => logged.push(m.map((x) => (x instanceof Error ? (x.stack ?? x.message) : String(x))).join(' '));
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok || tf.getBackend() !== name) throw new Error(logged.join(' | ') || `tf.setBackend('${name}') returned false`);
  } finally {
    console.warn = warn;
  }
}

if (tf) {
  // wasm first: in Node the Emscripten loader reads the .wasm files with fs; point it explicitly at
  // the package's dist/ folder (a file-system path prefix with a trailing slash).
  try {
    const wasmMod = await import('@tensorflow/tfjs-backend-wasm');
    const distDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    wasmMod.setWasmPaths(`${distDir}/`);
    await tfInit('wasm');
    tfInfo.wasm = {
      ok: true,
      reason: null,
      wasmPaths: `${distDir}/`,
      simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
      multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
      threads: safe(() => wasmMod.getThreadsCount()),
    };
  } catch (e) {
    tfInfo.wasm = { ok: false, reason: `tfjs-backend-wasm failed to initialise: ${e?.message ?? e}` };
  }
  try {
    await tfInit('cpu');
    tfInfo.cpu = { ok: true, reason: null };
  } catch (e) {
    tfInfo.cpu = { ok: false, reason: `tfjs cpu backend failed to initialise: ${e?.message ?? e}` };
  }
  // Production mode: skips tfjs's debug assertions and silences its "install tfjs-node" banner.
  tf.enableProdMode();
}

// ---------------------------------------------------------------------------------------------
// configurations

/**
 * Each configuration: { id, label, na (reason or null), activate(), prepare(M, K, N, A, B) ->
 * { run(), result(), dispose() } }. run() does one product to completion; result() gives its values.
 */
function nablaConfig(id, label, backend, threads) {
  let na = null;
  let note = null;
  if (backend === 'wasm') {
    if (!nbHasWasm) na = `nabla's wasm backend is not registered (nb.listBackends() = [${nbBackends.join(', ')}])`;
    else if (!nbHasThreads && threads !== 1) na = 'nb.setThreads is not available yet';
    else if (!nbHasThreads) note = "nb.setThreads is not available: ran with the wasm backend's default thread count";
  }
  return {
    id,
    label,
    na,
    note,
    threads: null,
    async activate() {
      await nb.setBackend(backend);
      if (backend === 'wasm' && nbHasThreads) {
        await nb.setThreads(threads);
        if (typeof nb.getThreads === 'function') {
          const got = await nb.getThreads();
          if (got !== threads) throw new Error(`nb.setThreads(${threads}) left nb.getThreads() = ${got}`);
        }
      }
      this.threads = backend === 'js' ? 1 : typeof nb.getThreads === 'function' ? (safe(() => nb.getThreads()) ?? null) : null;
    },
    prepare(M, K, N, A, B) {
      const a = nb.tensor(A, [M, K]);
      const b = nb.tensor(B, [K, N]);
      return {
        run: () => nb.matmul(a, b),
        result: () => nb.matmul(a, b).data(),
        dispose() {},
      };
    },
  };
}

function tfjsConfig(id, label, backend) {
  const info = tfInfo[backend];
  return {
    id,
    label,
    na: info.ok ? null : short(info.reason),
    note: null,
    threads: backend === 'wasm' ? (info.threads ?? null) : 1,
    async activate() {
      await tf.setBackend(backend);
    },
    prepare(M, K, N, A, B) {
      const a = tf.tensor2d(A, [M, K]);
      const b = tf.tensor2d(B, [K, N]);
      return {
        run: () =>
          tf.tidy(() => {
            tf.matMul(a, b);
          }),
        result: () => {
          const c = tf.matMul(a, b);
          const v = c.dataSync().slice();
          c.dispose();
          return v;
        },
        dispose() {
          a.dispose();
          b.dispose();
        },
      };
    },
  };
}

const configs = [
  nablaConfig('nabla-wasm-1t', 'nabla wasm 1t', 'wasm', 1),
  nablaConfig('nabla-wasm-2t', 'nabla wasm 2t', 'wasm', 2),
  nablaConfig('nabla-js', 'nabla js', 'js', 1),
  tfjsConfig('tfjs-wasm', 'tfjs-wasm', 'wasm'),
  tfjsConfig('tfjs-cpu', 'tfjs-cpu', 'cpu'),
].filter((c) => !baselineChild || c.id.startsWith('nabla-wasm'));
const RATIOS = baselineChild
  ? []
  : [
      { id: 'nabla-wasm-1t/tfjs-wasm', label: 'w1t/tf-w', num: 'nabla-wasm-1t', den: 'tfjs-wasm' },
      { id: 'nabla-wasm-2t/tfjs-wasm', label: 'w2t/tf-w', num: 'nabla-wasm-2t', den: 'tfjs-wasm' },
      { id: 'nabla-js/tfjs-cpu', label: 'js/tf-cpu', num: 'nabla-js', den: 'tfjs-cpu' },
    ];

// ---------------------------------------------------------------------------------------------
// measurement

const BUDGET_MS = 800; // timed samples per (row, configuration) until this much has elapsed (this machine is noisy: more samples find its quiet moments)
const SAMPLE_MS = 10; // a sample repeats the product until it lasts about this long
const SLOW_MS = 150; // a product slower than this is timed once (after the warm-up)
const MAX_SAMPLES = 400;

function measure(run) {
  let t0 = performance.now();
  run(); // warm-up
  let est = performance.now() - t0;
  if (est < 50) {
    // the first call is inflated by compilation and allocation: estimate again
    t0 = performance.now();
    run();
    est = performance.now() - t0;
  }
  const perSample = est >= SAMPLE_MS ? 1 : Math.min(10000, Math.ceil(SAMPLE_MS / Math.max(est, 1e-3)));
  const minSamples = est > SLOW_MS ? 1 : 3;
  const samples = [];
  let total = 0;
  while (samples.length < minSamples || (total < BUDGET_MS && samples.length < MAX_SAMPLES)) {
    t0 = performance.now();
    for (let r = 0; r < perSample; r++) run();
    const dt = performance.now() - t0;
    samples.push(dt / perSample);
    total += dt;
  }
  const sorted = [...samples].sort((x, y) => x - y);
  return { bestMs: sorted[0], medianMs: sorted[sorted.length >> 1], samples: samples.length, productsPerSample: perSample };
}

/** A small seeded generator (mulberry32), so every configuration and every run sees the same operands. */
function filled(n, seed) {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    x[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return x;
}

/** C = A·B in float64 (i-k-j loop): the reference every configuration is checked against. */
function reference(A, B, M, K, N) {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    const ci = i * N;
    for (let k = 0; k < K; k++) {
      const av = A[i * K + k],
        bk = k * N;
      for (let j = 0; j < N; j++) C[ci + j] += av * B[bk + j];
    }
  }
  return C;
}

/** max |c - ref| / max |ref|. */
function relError(c, ref) {
  let err = 0,
    scale = 0;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs(c[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return c.length === ref.length ? err / (scale || 1) : Infinity;
}
const CHECK_TOLERANCE = 1e-4;

// ---------------------------------------------------------------------------------------------
// output helpers

const W0 = 15,
  W = 15,
  WR = 11;
const padL = (s, n) => String(s).padStart(n);
const padR = (s, n) => String(s).padEnd(n);
const fmtG = (g) => (g >= 100 ? g.toFixed(0) : g >= 10 ? g.toFixed(1) : g.toFixed(2));
function cell(r) {
  if (!r) return '-';
  if (r.na) return 'n/a';
  if (r.error) return 'error';
  if (r.wrong) return 'WRONG';
  return fmtG(r.gflops);
}

// ---------------------------------------------------------------------------------------------
// SGEMM

const machine = {
  node: process.version,
  platform: `${process.platform} ${os.release()} ${process.arch}`,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  availableParallelism: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
  date: new Date().toISOString(),
};

console.log('nabla vs TensorFlow.js and PyTorch');
console.log(`  node ${machine.node}, ${machine.platform}, ${machine.cpu}, ${machine.cores} cores, ${machine.date}`);
console.log(`  nabla ${nablaVersion}: backends [${nbBackends.join(', ')}], setThreads ${nbHasThreads ? 'available' : 'not available'}`);
if (tf) {
  const w = tfInfo.wasm;
  console.log(
    `  tfjs ${tfInfo.version}: cpu ${tfInfo.cpu.ok ? 'ok' : 'unavailable'}, wasm ${w.ok ? `ok (SIMD ${w.simd ? 'yes' : 'no'}, multithread ${w.multithread ? 'yes' : 'no'}, ${w.threads ?? '?'} thread${w.threads === 1 ? '' : 's'})` : 'unavailable'}`,
  );
} else {
  console.log('  tfjs: not installed');
}
const torch = baselineChild ? { ok: false, reason: 'not run in the baseline child run' } : torchInfo();
console.log(
  torch.ok
    ? `  PyTorch ${torch.version} through ${torch.python} (default ${torch.defaultThreads} thread${torch.defaultThreads === 1 ? '' : 's'}; rows at default, ${TORCH_THREADS.filter((t) => t > 0).join(' and ')} threads)`
    : `  PyTorch: n/a (${torch.reason})`,
);
if (torch.ok) {
  console.log(`  PyTorch's BLAS: ${torch.blas.length ? torch.blas.join(', ') : 'not seen in /proc/self/maps'}`);
  if (torch.referenceBlas) {
    console.log(
      "  WARNING: PyTorch runs on the reference BLAS (Debian's libblas3), about 10x slower on products than\n" +
        '  OpenBLAS: its rows below understate it. `apt-get install libopenblas0-pthread` before comparing.',
    );
  }
}
console.log(`  mode: ${quick ? 'quick' : 'full'}${only ? `, only ${only}` : ''}`);
console.log('');

const shapes = [
  [64, 64, 64],
  [128, 128, 128],
  [256, 256, 256],
  [512, 512, 512],
  [1024, 1024, 1024],
  [128, 784, 256],
].filter(([M, K, N]) => !quick || Math.max(M, K, N) <= 256 || (M === 128 && K === 784 && N === 256));

const rows = [];
let sgemmBaseline = null;
let sgemmTorch = null;
const configNotes = {};
const failedChecks = [];
if (runs('sgemm')) {
  // the baseline child starts while the parent's background threads (compilation, concurrent GC)
  // may still be busy, which on this machine slows a single thread: let them settle first
  if (baselineChild) await new Promise((resolve) => setTimeout(resolve, 1500));
  const t0 = performance.now();
  console.log(`SGEMM float32, GFLOP/s (2*M*N*K / best time per product; higher is better); ratios = nabla / tfjs`);
  console.log(padR('M x K x N', W0) + configs.map((c) => padL(c.label, W)).join('') + RATIOS.map((r) => padL(r.label, WR)).join(''));
  for (const [M, K, N] of shapes) {
    const name = M === K && K === N ? `${N}` : `${M}x${K}x${N}`;
    const A = filled(M * K, 1234 + M + 7 * K),
      B = filled(K * N, 4321 + 3 * K + N);
    const ref = reference(A, B, M, K, N);
    const flops = 2 * M * N * K;
    const results = {};
    for (const c of configs) {
      if (c.na) {
        results[c.id] = { na: c.na };
        continue;
      }
      let prepared = null;
      try {
        await c.activate();
        prepared = c.prepare(M, K, N, A, B);
        const err = relError(prepared.result(), ref);
        if (!(err <= CHECK_TOLERANCE)) {
          results[c.id] = { wrong: true, relError: err };
          failedChecks.push(`${c.label} at ${name}: max relative error ${err.toExponential(2)} against the float64 reference`);
          continue;
        }
        const m = measure(prepared.run);
        results[c.id] = { gflops: flops / (m.bestMs * 1e6), medianGflops: flops / (m.medianMs * 1e6), ...m, relError: err, threads: c.threads };
        if (c.note) configNotes[c.id] = c.note;
      } catch (e) {
        results[c.id] = { error: errText(e) };
        configNotes[c.id] = `error: ${errText(e)}`;
      } finally {
        try {
          prepared?.dispose();
        } catch {
          /* ignore */
        }
      }
    }
    const ratios = {};
    for (const r of RATIOS) {
      const a = results[r.num],
        b = results[r.den];
      ratios[r.id] = a?.gflops && b?.gflops ? a.gflops / b.gflops : null;
    }
    rows.push({ name, M, K, N, flops, results, ratios });
    console.log(
      padR(`${M}x${K}x${N}`, W0) +
        configs.map((c) => padL(cell(results[c.id]), W)).join('') +
        RATIOS.map((r) => padL(ratios[r.id] == null ? 'n/a' : `${ratios[r.id].toFixed(2)}x`, WR)).join(''),
    );
  }
  console.log('');
  console.log(`  ${RATIOS.map((r) => `${r.label} = ${r.num} / ${r.den}`).join(', ')} (> 1: nabla faster)`);
  for (const c of configs) if (c.na) console.log(`  ${c.label}: n/a, ${c.na}`);
  for (const [id, note] of Object.entries(configNotes)) console.log(`  ${configs.find((c) => c.id === id).label}: ${note}`);
  if (failedChecks.length) for (const f of failedChecks) console.log(`  WRONG: ${f}`);
  else console.log(`  every timed product agreed with a float64 reference to ${CHECK_TOLERANCE} (max relative error)`);
  if (tfInfo.wasm.ok && tfInfo.wasm.threads === 1) console.log('  tfjs-wasm runs single-threaded (SIMD) in Node: tfjs disables its multithreaded build there');
  console.log(
    `  best of >= 3 samples / >= ${BUDGET_MS / 1000} s per cell (1 timed product when one takes > ${SLOW_MS / 1000} s); SGEMM took ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log('');
  if (!baselineChild) sgemmTorch = runSgemmTorch();
  if (!baselineChild && nbHasWasm && nb.wasmBuild?.() === 'relaxed') sgemmBaseline = runBaseline();
}

/** PyTorch's float32 product (torch.mm into a preallocated result) at N=128 and 512, beside nabla's and tfjs-wasm's GFLOP/s of this run. */
function runSgemmTorch() {
  const sizes = [128, 512].filter((n) => rows.some((r) => r.M === n && r.K === n && r.N === n));
  if (!torch.ok) {
    console.log(`SGEMM PyTorch: n/a (${torch.reason})\n`);
    return { na: torch.reason };
  }
  const out = runTorch({ matmul: { sizes } });
  const res = out.matmul?.results;
  if (!res) {
    const why = out.error ?? out.matmul?.error;
    console.log(`SGEMM PyTorch: failed (${why})\n`);
    return { error: why };
  }
  console.log('SGEMM float32 beside PyTorch (torch.mm), GFLOP/s; ratios = nabla / PyTorch at the same thread count, nabla / tfjs-wasm');
  const head = ['torch def', 'torch 1t', 'torch 2t', 'nabla 1t', 'nabla 2t', 'w1t/pt1t', 'w2t/pt-best', 'w1t/tf-w'];
  console.log(padR('N', W0) + head.map((h) => padL(h, WR + 1)).join(''));
  const table = [];
  for (const n of sizes) {
    const row = rows.find((r) => r.M === n && r.K === n && r.N === n);
    const g = (id) => row?.results[id]?.gflops ?? null;
    const t = (req) => res.find((r) => r.requested === req)?.[String(n)] ?? null;
    const best = Math.max(...res.map((r) => r[String(n)] ?? 0));
    const ratio = (a, b) => (a && b ? a / b : null);
    const entry = {
      N: n,
      torch: Object.fromEntries(res.map((r) => [r.requested === 0 ? 'default' : `${r.threads}t`, r[String(n)]])),
      nabla1t: g('nabla-wasm-1t'),
      nabla2t: g('nabla-wasm-2t'),
      ratio1t: ratio(g('nabla-wasm-1t'), t(1)),
      ratio2tBest: ratio(g('nabla-wasm-2t'), best),
      ratioTfjsWasm1t: ratio(g('nabla-wasm-1t'), g('tfjs-wasm')),
    };
    table.push(entry);
    const cells = [t(0), t(1), t(2), entry.nabla1t, entry.nabla2t].map((x) => (x ? fmtG(x) : 'n/a'));
    const ratios = [entry.ratio1t, entry.ratio2tBest, entry.ratioTfjsWasm1t].map((x) => (x == null ? 'n/a' : `${x.toFixed(2)}x`));
    console.log(padR(`${n}`, W0) + [...cells, ...ratios].map((c) => padL(c, WR + 1)).join(''));
  }
  console.log(`  PyTorch ${out.torch}, ${out.parallel}; default = ${out.defaultThreads} thread(s)\n`);
  return { torch: out.torch, rows: table };
}

/**
 * nabla's baseline SIMD build (mul + add, no FMA: what engines without relaxed SIMD run), measured
 * the same way in a child process started with NABLA_WASM_BUILD=simd; ratios against this run's
 * tfjs-wasm column.
 */
function runBaseline() {
  const tmp = join(os.tmpdir(), `nabla-bench-baseline-${process.pid}.json`);
  try {
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--only', 'sgemm', '--baseline-child', '--out', tmp, ...(quick ? ['--quick'] : [])], {
      env: { ...process.env, NABLA_WASM_BUILD: 'simd' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const child = JSON.parse(readFileSync(tmp, 'utf8'));
    console.log('SGEMM float32 with the baseline SIMD build (mul + add, no FMA), GFLOP/s; ratios = nabla / tfjs-wasm');
    console.log(padR('M x K x N', W0) + [' simd 1t', ' simd 2t'].map((l) => padL(l, W)).join('') + ['s1t/tf-w', 's2t/tf-w'].map((l) => padL(l, WR)).join(''));
    const out = [];
    for (const r of child.sgemm) {
      const tfw = rows.find((x) => x.name === r.name)?.results['tfjs-wasm']?.gflops;
      const g1 = r.results['nabla-wasm-1t']?.gflops,
        g2 = r.results['nabla-wasm-2t']?.gflops;
      const ratio = (g) => (g && tfw ? g / tfw : null);
      out.push({ name: r.name, M: r.M, K: r.K, N: r.N, simd1t: g1 ?? null, simd2t: g2 ?? null, ratio1t: ratio(g1), ratio2t: ratio(g2) });
      console.log(
        padR(`${r.M}x${r.K}x${r.N}`, W0) +
          [g1, g2].map((g) => padL(g ? fmtG(g) : 'n/a', W)).join('') +
          [ratio(g1), ratio(g2)].map((x) => padL(x == null ? 'n/a' : `${x.toFixed(2)}x`, WR)).join(''),
      );
    }
    console.log('');
    return { build: child.nabla?.wasmBuild ?? null, rows: out };
  } catch (e) {
    console.log(`SGEMM with the baseline SIMD build: failed (${errText(e)})\n`);
    return { error: errText(e) };
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* ignore */
    }
  }
}

// restore nabla's state
try {
  if (nbHasWasm && nbHasThreads && nbInitialThreads !== undefined) await nb.setThreads(nbInitialThreads);
  await nb.setBackend(nbInitialBackend);
} catch {
  /* ignore */
}

// ---------------------------------------------------------------------------------------------
// digits MLP (64-64-64-10 relu, softmax, categorical cross-entropy, Adam 1e-3, batch 32, 50 epochs,
// fixed 80/20 split)

/**
 * The benchmark models as layer lists written once: nabla and tfjs spell their layers alike, so
 * `L` is either `nb.layers` or `tf.layers`. The Fashion-MNIST models are issue 16's: MLP
 * 784-256-128-10 (batch 128) and CNN conv16-pool-conv32-pool-dense10 (batch 64).
 */
const MODELS = {
  digits: (L) => [
    L.dense({ units: 64, activation: 'relu', inputShape: [64] }),
    L.dense({ units: 64, activation: 'relu' }),
    L.dense({ units: 64, activation: 'relu' }),
    L.dense({ units: 10, activation: 'softmax' }),
  ],
  mlp: (L) => [
    L.dense({ units: 256, activation: 'relu', inputShape: [784] }),
    L.dense({ units: 128, activation: 'relu' }),
    L.dense({ units: 10, activation: 'softmax' }),
  ],
  cnn: (L) => [
    L.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    L.maxPooling2d({ poolSize: 2 }),
    L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
    L.maxPooling2d({ poolSize: 2 }),
    L.flatten(),
    L.dense({ units: 10, activation: 'softmax' }),
  ],
};
/** The same models described for bench/torch_bench.py (which reads Keras-layout weights). */
const TORCH_MODELS = {
  digits: { model: 'dense', activations: ['relu', 'relu', 'relu', 'softmax'] },
  mlp: { model: 'dense', activations: ['relu', 'relu', 'softmax'] },
  cnn: {
    model: 'cnn',
    layers: [{ kind: 'conv' }, { kind: 'pool', size: 2 }, { kind: 'conv' }, { kind: 'pool', size: 2 }, { kind: 'flatten' }, { kind: 'dense' }],
  },
};
const FASHION_BATCH = { mlp: 128, cnn: 64 };
const nablaModel = (name) => nb.sequential(MODELS[name](nb.layers));
const tfjsModel = (name) => tf.sequential({ layers: MODELS[name](tf.layers) });
const fashionInputs = { mlp: [784], cnn: [28, 28, 1] };

/** The digits data every library trains on: a fixed 80/20 split of the UCI digits shipped with nabla, and initial weights (seed 1). */
function digitsSplit() {
  const split = splitDigits(nb);
  nb.seed(1);
  return { ...split, initial: nablaModel('digits').getWeights() };
}

/** Trains nabla's digits MLP once on the wasm backend with `threads` threads (or the js backend): { seconds, accuracy }. */
async function nablaDigitsRun(split, backend, threads, epochs) {
  nb.setBackend(backend);
  if (backend === 'wasm' && nbHasThreads) nb.setThreads(threads);
  const model = nablaModel('digits');
  model.setWeights(split.initial);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  nb.seed(2); // the same shuffles for every nabla configuration
  const t0 = performance.now();
  await model.fit(split.xTrain, split.yTrain, { epochs, batchSize: 32, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const pred = nb.argmax(model.predict(split.xTest), 1).data();
  const labels = split.testLabels.data();
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) ok++;
  return { seconds, accuracy: ok / labels.length };
}

/** ' (runs 0.61, 0.45)' for a row of several runs, else ''. */
function runsOf(r) {
  return r.runs && r.runs.length > 1 ? ` (runs ${r.runs.map((t) => t.toFixed(2)).join(', ')})` : '';
}

/** Restores the backend and thread count the bench started with. */
function restoreNabla() {
  nb.setBackend(nbInitialBackend);
  if (nbHasThreads && nbInitialThreads !== undefined) nb.setThreads(nbInitialThreads);
}

/** Prints PyTorch's rows of a section (or why there are none); `value(r)` formats one row. */
function printTorchRows(out, name, value) {
  if (!torch.ok) console.log(`  ${'PyTorch'.padEnd(14)} n/a (${torch.reason})`);
  else if (!out[name]?.results) console.log(`  ${'PyTorch'.padEnd(14)} n/a (${out.error ?? out[name]?.error})`);
  else for (const r of out[name].results) console.log(`  ${torchLabel(r).padEnd(14)} ${value(r)}`);
}

/**
 * The digits MLP: 64-64-64-10 relu + softmax, categorical cross-entropy, Adam(1e-3), batch 32,
 * 50 epochs, on a fixed 80/20 split of the UCI digits shipped with nabla. Every library starts
 * from the same initial weights; the table reports the wall time of fit and the test accuracy.
 */
async function benchDigitsMlp() {
  const EPOCHS = quick ? 5 : 50;
  // every library (tfjs-cpu aside: one run of ~20 s) trains RUNS times, and the best run is compared
  const RUNS = quick ? 1 : 2;
  const split = digitsSplit();
  const { n, nTrain, xTrain, yTrain, xTest, initial } = split;
  const testLabels = split.testLabels.data();
  const accuracyOf = (pred) => {
    let ok = 0;
    pred.forEach((p, i) => {
      if (p === testLabels[i]) ok++;
    });
    return ok / testLabels.length;
  };
  const results = [];
  for (const [label, backend, threads] of [
    ['nabla wasm 1t', 'wasm', 1],
    ['nabla wasm 2t', 'wasm', 2],
    ['nabla js', 'js', 1],
  ]) {
    if (backend === 'wasm' && !nbHasWasm) {
      results.push({ label, na: 'no wasm backend' });
      continue;
    }
    // the best of RUNS runs (the first in a process includes the JS engine's warm-up), every run kept
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await nablaDigitsRun(split, backend, threads, EPOCHS));
    const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    results.push({ label, ...best, runs: runs.map((r) => r.seconds) });
  }
  restoreNabla();
  for (const backend of ['wasm', 'cpu']) {
    const label = `tfjs-${backend}`;
    if (!tfInfo[backend].ok) {
      results.push({ label, na: short(tfInfo[backend].reason) });
      continue;
    }
    await tf.setBackend(backend);
    const runs = [];
    for (let i = 0; i < (backend === 'cpu' ? 1 : RUNS); i++) {
      const model = tfjsModel('digits');
      model.setWeights(initial.map((w) => tf.tensor(w.data(), [...w.shape])));
      model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const xs = tf.tensor(xTrain.data(), [...xTrain.shape]),
        ys = tf.tensor(yTrain.data(), [...yTrain.shape]);
      const t0 = performance.now();
      await model.fit(xs, ys, { epochs: EPOCHS, batchSize: 32, shuffle: true, verbose: 0 });
      const seconds = (performance.now() - t0) / 1000;
      const pred = tf.tidy(() =>
        model
          .predict(tf.tensor(xTest.data(), [...xTest.shape]))
          .argMax(1)
          .dataSync(),
      );
      runs.push({ seconds, accuracy: accuracyOf(Array.from(pred)) });
      tf.dispose([xs, ys]);
    }
    const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    results.push({ label, ...best, runs: runs.map((r) => r.seconds) });
  }
  const pt = runTorch({
    digits: {
      ...TORCH_MODELS.digits,
      batchSize: 32,
      epochs: EPOCHS,
      xTrain: exported(xTrain),
      yTrain: exported(yTrain),
      xTest: exported(xTest),
      testLabels: exported(split.testLabels),
      weights: initial.map(exported),
      runs: RUNS,
    },
  });
  const ptBest = bestTorch(pt.digits?.results, 'seconds');
  const tfw = results.find((r) => r.label === 'tfjs-wasm' && r.seconds);
  console.log(
    `\ndigits MLP 64-64-64-10, Adam 1e-3, batch 32, ${EPOCHS} epochs, ${nTrain}/${n - nTrain} split (wall time of fit, best of ${RUNS} runs but tfjs-cpu's one; test accuracy)`,
  );
  for (const r of results) {
    const speed = r.seconds
      ? [tfw && `${(tfw.seconds / r.seconds).toFixed(2)}x tfjs-wasm's speed`, ptBest && `${(ptBest.seconds / r.seconds).toFixed(2)}x PyTorch's (best)`]
          .filter(Boolean)
          .join(', ')
      : '';
    console.log(
      `  ${r.label.padEnd(14)} ${r.na ? `n/a (${r.na})` : `${r.seconds.toFixed(2)} s${runsOf(r)}  accuracy ${(100 * r.accuracy).toFixed(1)}%${speed ? `  ${speed}` : ''}`}`,
    );
  }
  printTorchRows(pt, 'digits', (r) => `${r.seconds.toFixed(2)} s${runsOf(r)}  accuracy ${(100 * r.accuracy).toFixed(1)}%`);
  const w1 = results.find((r) => r.label === 'nabla wasm 1t' && r.seconds),
    w2 = results.find((r) => r.label === 'nabla wasm 2t' && r.seconds);
  const ratios = {
    'nabla-1t/pytorch-best': w1 && ptBest ? w1.seconds / ptBest.seconds : null,
    'nabla-2t/pytorch-best': w2 && ptBest ? w2.seconds / ptBest.seconds : null,
    'nabla-1t/tfjs-wasm': w1 && tfw ? w1.seconds / tfw.seconds : null,
  };
  console.log(
    `  time ratios (< 1: nabla faster): ${Object.entries(ratios)
      .map(([k, v]) => `${k} ${v == null ? 'n/a' : v.toFixed(2)}`)
      .join(', ')}`,
  );
  return {
    status: 'done',
    epochs: EPOCHS,
    trainExamples: nTrain,
    testExamples: n - nTrain,
    results,
    pytorch: pt.digits ?? { error: pt.error },
    timeRatios: ratios,
  };
}

let digits = null;
if (runs('digits')) {
  if (typeof nb.sequential === 'function') {
    digits = await benchDigitsMlp();
  } else {
    digits = { status: 'skipped', reason: "nabla's training API is not built yet" };
    console.log("digits MLP: skipped (nabla's training API is not built yet)");
  }
}

// ---------------------------------------------------------------------------------------------
// predict: the digits MLP on 1 sample and on a batch of 1024

/** Best microseconds per call of f: a warm-up, then samples of >= 5 ms until 0.5 s passed (at least 5). */
function bestMicros(f) {
  f();
  let t0 = performance.now();
  f();
  const reps = Math.max(1, Math.floor(5 / Math.max(performance.now() - t0, 1e-4)));
  let best = Infinity,
    spent = 0,
    samples = 0;
  while (samples < 5 || spent < 500) {
    t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    const dt = performance.now() - t0;
    best = Math.min(best, dt / reps);
    spent += dt;
    samples++;
  }
  return best * 1000;
}

/**
 * The digits MLP's predict on 1 sample and on 1024 samples (the same weights everywhere; the
 * result is computed, not read back): nabla model.predict, tfjs tf.tidy(() => model.predict(x)),
 * PyTorch model(x) under torch.inference_mode().
 */
async function benchPredict() {
  const COUNTS = [1, 1024];
  const split = digitsSplit();
  const results = [];
  for (const [label, backend, threads] of [
    ['nabla wasm 1t', 'wasm', 1],
    ['nabla wasm 2t', 'wasm', 2],
  ]) {
    if (!nbHasWasm) {
      results.push({ label, na: 'no wasm backend' });
      continue;
    }
    nb.setBackend(backend);
    if (nbHasThreads) nb.setThreads(threads);
    const model = nablaModel('digits');
    model.setWeights(split.initial);
    const row = { label };
    for (const c of COUNTS) {
      const xb = nb.slice(split.x, [0, 0], [c, -1]);
      row[c] = bestMicros(() => model.predict(xb));
    }
    results.push(row);
  }
  restoreNabla();
  if (tfInfo.wasm.ok) {
    await tf.setBackend('wasm');
    const model = tfjsModel('digits');
    model.setWeights(split.initial.map((w) => tf.tensor(w.data(), [...w.shape])));
    const row = { label: 'tfjs-wasm' };
    for (const c of COUNTS) {
      const xb = tf.tensor(split.x.data().subarray(0, c * 64), [c, 64]);
      row[c] = bestMicros(() => tf.tidy(() => model.predict(xb)));
      xb.dispose();
    }
    results.push(row);
  } else results.push({ label: 'tfjs-wasm', na: short(tfInfo.wasm.reason) });
  const pt = runTorch({
    predict: { ...TORCH_MODELS.digits, counts: COUNTS, x: exported(nb.slice(split.x, [0, 0], [1024, -1])), weights: split.initial.map(exported) },
  });
  const fmt = (r) => COUNTS.map((c) => `${String(c).padStart(4)}: ${r[c].toFixed(1).padStart(7)} µs`).join('   ');
  console.log('\ndigits MLP predict (64-64-64-10), best microseconds per call (lower is better)');
  for (const r of results) console.log(`  ${r.label.padEnd(14)} ${r.na ? `n/a (${r.na})` : fmt(r)}`);
  printTorchRows(pt, 'predict', fmt);
  const ratios = {};
  const w1 = results.find((r) => r.label === 'nabla wasm 1t' && r[1]);
  const tfw = results.find((r) => r.label === 'tfjs-wasm' && r[1]);
  for (const c of COUNTS) {
    const best = bestTorch(pt.predict?.results, String(c));
    ratios[`nabla-1t/pytorch-best@${c}`] = w1 && best ? w1[c] / best[String(c)] : null;
    ratios[`nabla-1t/tfjs-wasm@${c}`] = w1 && tfw ? w1[c] / tfw[c] : null;
  }
  console.log(
    `  time ratios (< 1: nabla faster): ${Object.entries(ratios)
      .map(([k, v]) => `${k} ${v == null ? 'n/a' : v.toFixed(2)}`)
      .join(', ')}`,
  );
  return { status: 'done', counts: COUNTS, results, pytorch: pt.predict ?? { error: pt.error }, timeRatios: ratios };
}

let predict = null;
if (runs('predict')) predict = await benchPredict();

// ---------------------------------------------------------------------------------------------
// contention: nabla's digits run on 1 and 2 threads while another process spins

/**
 * Threads under contention: with a separate Node process spinning on a busy loop (the other core
 * taken), nabla's wasm backend on 1 and on 2 threads, alternately, best of 2 runs each, on
 * - the digits MLP as in the digits section (20 epochs; its 32x64x64 products are never split),
 * - a Fashion-sized MLP 784-256-128-10, Adam, batch 128, 24 steps on seeded random data (its
 *   products are split among threads when the pool finds that it pays).
 * Reports 2 threads / 1 thread for each (the aim: <= 1.10).
 */
async function benchContention() {
  if (!nbHasWasm || !nbHasThreads) {
    console.log('\ncontention: n/a (needs the wasm backend and nb.setThreads)');
    return { status: 'n/a' };
  }
  const { spawn } = await import('node:child_process');
  const EPOCHS = quick ? 5 : 20;
  const split = digitsSplit();
  const g = new nb.Generator(9);
  const mx = nb.randomUniform([24 * 128, 784], 0, 1, { generator: g });
  const my = nb.oneHot(nb.argmax(nb.randomUniform([24 * 128, 10], 0, 1, { generator: g }), 1), 10);
  nb.seed(3);
  const mlpInitial = nablaModel('mlp').getWeights();
  const mlpRun = async (threads) => {
    nb.setBackend('wasm');
    nb.setThreads(threads);
    const model = nablaModel('mlp');
    model.setWeights(mlpInitial);
    model.compile({ optimizer: nb.optimizers.adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
    const t0 = performance.now();
    await model.fit(mx, my, { epochs: 1, batchSize: 128, verbose: 0 });
    return (performance.now() - t0) / 1000;
  };
  const workloads = {
    digits: { label: `digits MLP, ${EPOCHS} epochs`, run: async (t) => (await nablaDigitsRun(split, 'wasm', t, EPOCHS)).seconds },
    mlp: { label: 'MLP 784-256-128-10, batch 128, 24 steps', run: mlpRun },
  };
  const spinner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  const out = {};
  try {
    await new Promise((r) => setTimeout(r, 200)); // let the spinner start
    for (const [name, w] of Object.entries(workloads)) {
      const times = { 1: [], 2: [] };
      for (let round = 0; round < 2; round++) for (const t of [1, 2]) times[t].push(await w.run(t));
      out[name] = { label: w.label, seconds1t: times[1], seconds2t: times[2], ratio: Math.min(...times[2]) / Math.min(...times[1]) };
    }
  } finally {
    spinner.kill();
  }
  restoreNabla();
  console.log('\ncontention: nabla wasm on 1 and 2 threads while another process spins (best of 2 runs each)');
  for (const r of Object.values(out)) {
    const f = (x) => x.map((s) => s.toFixed(2)).join(', ');
    console.log(
      `  ${r.label.padEnd(40)} 1t ${Math.min(...r.seconds1t).toFixed(2)} s (${f(r.seconds1t)}), 2t ${Math.min(...r.seconds2t).toFixed(2)} s (${f(r.seconds2t)}): 2t/1t ${r.ratio.toFixed(2)} (aim <= 1.10)`,
    );
  }
  return { status: 'done', ...out };
}

// ---------------------------------------------------------------------------------------------
// Fashion-MNIST MLP / CNN epoch time

const FASHION = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';

/**
 * Training speed on Fashion-MNIST: one epoch of Adam over the first N training images (MLP batch
 * 128, CNN batch 64), reported as seconds per 1000 images (and the implied seconds per 60000-image
 * epoch), for nabla (wasm 1t/2t, js), tfjs (wasm, cpu) and PyTorch on the same images and weights.
 */
async function benchFashion() {
  const data = nb.data.loadFashionMnist({ kind: 'train' });
  const out = {};
  for (const kind of ['mlp', 'cnn']) {
    const count = quick ? 512 : kind === 'mlp' ? 6000 : 2000;
    const x = nb.reshape(nb.slice(data.x, [0, 0], [count, -1]), [count, ...fashionInputs[kind]]);
    const y = nb.oneHot(nb.slice(data.labels, [0], [count]), 10);
    nb.seed(3);
    const initial = nablaModel(kind).getWeights();
    const rowsOut = [];
    for (const [label, backend, threads] of [
      ['nabla wasm 1t', 'wasm', 1],
      ['nabla wasm 2t', 'wasm', 2],
      ['nabla js', 'js', 1],
    ]) {
      if (backend === 'wasm' && !nbHasWasm) {
        rowsOut.push({ label, na: 'no wasm backend' });
        continue;
      }
      nb.setBackend(backend);
      if (backend === 'wasm') nb.setThreads(threads);
      const model = nablaModel(kind);
      model.setWeights(initial);
      model.compile({ optimizer: nb.optimizers.adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
      const t0 = performance.now();
      await model.fit(x, y, { epochs: 1, batchSize: FASHION_BATCH[kind], verbose: 0 });
      rowsOut.push({ label, secondsPer1000: (performance.now() - t0) / count });
    }
    nb.setBackend(nbInitialBackend);
    if (nbHasThreads && nbInitialThreads !== undefined) nb.setThreads(nbInitialThreads);
    for (const backend of ['wasm', 'cpu']) {
      const label = `tfjs-${backend}`;
      if (!tfInfo[backend].ok) {
        rowsOut.push({ label, na: short(tfInfo[backend].reason) });
        continue;
      }
      try {
        await tf.setBackend(backend);
        const model = tfjsModel(kind);
        model.setWeights(initial.map((w) => tf.tensor(w.data(), [...w.shape])));
        model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
        // tfjs-cpu trains convolutions at about 0.1 s an image: time it on fewer images
        const c = backend === 'cpu' && kind === 'cnn' ? Math.min(count, 128) : count;
        const xs = tf.tensor(x.data().subarray(0, c * (x.size / count)), [c, ...x.shape.slice(1)]);
        const ys = tf.tensor(y.data().subarray(0, c * 10), [c, 10]);
        const t0 = performance.now();
        await model.fit(xs, ys, { epochs: 1, batchSize: FASHION_BATCH[kind], verbose: 0 });
        rowsOut.push({ label, secondsPer1000: (performance.now() - t0) / c, images: c });
        tf.dispose([xs, ys]);
      } catch (e) {
        rowsOut.push({ label, na: `fails: ${short(e?.message ?? String(e))}` });
      }
    }
    const pt = runTorch({
      [kind]: { kind: 'fashion', ...TORCH_MODELS[kind], batchSize: FASHION_BATCH[kind], x: exported(x), y: exported(y), weights: initial.map(exported) },
    });
    const ptBest = bestTorch(pt[kind]?.results, 'secondsPer1000');
    out[kind] = { images: count, batchSize: FASHION_BATCH[kind], results: rowsOut, pytorch: pt[kind] ?? { error: pt.error } };
    console.log(
      `\nFashion-MNIST ${kind.toUpperCase()} training (1 epoch over ${count} images, Adam, batch ${FASHION_BATCH[kind]}): seconds per 1000 images (lower is better)`,
    );
    const tfw = rowsOut.find((r) => r.label === 'tfjs-wasm' && r.secondsPer1000);
    const tfc = rowsOut.find((r) => r.label === 'tfjs-cpu' && r.secondsPer1000);
    for (const r of rowsOut) {
      const vs = r.secondsPer1000
        ? [tfw && `${(tfw.secondsPer1000 / r.secondsPer1000).toFixed(2)}x tfjs-wasm`, tfc && `${(tfc.secondsPer1000 / r.secondsPer1000).toFixed(2)}x tfjs-cpu`]
            .filter(Boolean)
            .join(', ')
        : '';
      const pts = r.secondsPer1000 && ptBest ? `, ${(ptBest.secondsPer1000 / r.secondsPer1000).toFixed(2)}x PyTorch's (best)` : '';
      console.log(
        `  ${r.label.padEnd(14)} ${r.na ? `n/a (${r.na})` : `${r.secondsPer1000.toFixed(3)} s (${(r.secondsPer1000 * 60).toFixed(2)} s/epoch)${vs || pts ? `  (${vs}${pts})` : ''}`}`,
      );
    }
    printTorchRows(pt, kind, (r) => `${r.secondsPer1000.toFixed(3)} s (${(r.secondsPer1000 * 60).toFixed(2)} s/epoch)`);
  }
  return { status: 'done', ...out };
}

/** One recurrent step: an LSTM(64) over [32, 50, 32], forward and backward, per time step. */
async function benchRecurrentStep() {
  const [batch, time, features, units] = [32, 50, 32, 64];
  const x = nb.randomNormal([batch, time, features], 0, 1, { generator: new nb.Generator(5) });
  const target = nb.randomNormal([batch, units], 0, 1, { generator: new nb.Generator(6) });
  const results = [];
  const timeIt = async (f) => {
    await f();
    let best = Infinity;
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const t0 = performance.now();
      await f();
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  for (const [label, backend] of [
    ['nabla wasm', 'wasm'],
    ['nabla js', 'js'],
  ]) {
    if (backend === 'wasm' && !nbHasWasm) continue;
    nb.setBackend(backend);
    const layer = nb.layers.lstm({ units, seed: 1 });
    layer.apply(x);
    const vars = layer.trainableParameters();
    const fwd = await timeIt(() => layer.apply(x));
    const both = await timeIt(() => nb.valueAndGrad(() => nb.mean(nb.square(nb.sub(layer.apply(x, { training: true }), target))))(vars));
    results.push({ label, forwardMsPerStep: fwd / time, trainMsPerStep: both / time });
  }
  nb.setBackend(nbInitialBackend);
  for (const backend of ['wasm', 'cpu']) {
    const label = `tfjs-${backend}`;
    if (!tfInfo[backend].ok) continue;
    try {
      await tf.setBackend(backend);
      const layer = tf.layers.lstm({ units });
      const xs = tf.tensor(x.data(), [batch, time, features]),
        ts = tf.tensor(target.data(), [batch, units]);
      tf.tidy(() => layer.apply(xs));
      const fwd = await timeIt(() =>
        tf.tidy(() => {
          layer.apply(xs).dataSync();
        }),
      );
      const opt = tf.train.sgd(0);
      const both = await timeIt(() =>
        tf.tidy(() => {
          opt.minimize(() => tf.mean(tf.square(tf.sub(layer.apply(xs), ts))));
        }),
      );
      results.push({ label, forwardMsPerStep: fwd / time, trainMsPerStep: both / time });
      tf.dispose([xs, ts]);
    } catch (e) {
      results.push({ label, na: `fails: ${short(e?.message ?? String(e))}` });
    }
  }
  console.log(`\nLSTM(${units}) on [${batch}, ${time}, ${features}]: milliseconds per time step (lower is better)`);
  for (const r of results)
    console.log(
      `  ${r.label.padEnd(12)} ${r.na ? `n/a (${r.na})` : `forward ${r.forwardMsPerStep.toFixed(3)} ms, forward+backward ${r.trainMsPerStep.toFixed(3)} ms`}`,
    );
  return { status: 'done', batch, time, features, units, results };
}

let fashion = null;
if (runs('fashion')) {
  if (!existsSync(FASHION)) {
    fashion = { status: 'skipped', reason: "install Debian's dataset-fashion-mnist", path: FASHION };
    console.log("\nFashion-MNIST: skipped (install Debian's dataset-fashion-mnist)");
  } else {
    fashion = await benchFashion();
  }
}
let recurrent = null;
if (runs('recurrent')) recurrent = await benchRecurrentStep();
let contention = null;
if (runs('contention')) contention = await benchContention();

// ---------------------------------------------------------------------------------------------
// JSON

const json = {
  machine,
  mode: quick ? 'quick' : 'full',
  only: only ?? null,
  method: {
    statistic: 'best',
    description: `GFLOP/s = 2*M*N*K / best (minimum) time per product; a warm-up product, then samples of >= ${SAMPLE_MS} ms until >= ${BUDGET_MS} ms and >= 3 samples (1 timed product when one takes > ${SLOW_MS} ms); medianGflops is the median sample. tfjs: tf.tidy(() => { tf.matMul(a, b); }); nabla: nb.matmul(a, b); neither reads the result back.`,
    checkTolerance: CHECK_TOLERANCE,
  },
  nabla: { version: nablaVersion, backends: nbBackends, setThreads: nbHasThreads, wasmBuild: nb.wasmBuild?.() ?? null },
  tfjs: tfInfo,
  configs: configs.map((c) => ({ id: c.id, label: c.label, na: c.na, note: configNotes[c.id] ?? c.note ?? null })),
  sgemm: rows,
  sgemmBaseline,
  sgemmTorch,
  torch,
  digits,
  predict,
  contention,
  fashion,
  recurrent,
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(json, null, 2)}\n`);
console.log(`\nresults: ${outFile}`);
// nabla's wasm thread pool (workers) must not keep the process alive
process.exit(0);
