// GFLOP/s of the WebAssembly GEMM kernels (kernels/matmul.ts), baseline SIMD
// build next to the relaxed-SIMD (FMA) build, single thread.
//
//   node scripts/build-kernels.mjs && node bench/wasm-gemm.mjs [--quick] [--f64] [--packed] [--only=512,1024] [prefix]
//
// --packed adds, for float32, the route the thread pool takes for larger products: op(B)
// packed once (sgemmPackB), then sgemmPacked over it (both timed, on one thread here).
//
// Loads build/kernels/nabla-simd.wasm and nabla-relaxed.wasm (or <prefix>-simd.wasm
// and <prefix>-relaxed.wasm when a prefix is given). Each figure is the best of
// several timed runs after a warm-up; each run repeats the product for >= ~40 ms.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import v8 from 'node:v8';
import { bestGflops } from './best-gflops.mjs';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const withF64 = args.includes('--f64');
const withPacked = args.includes('--packed');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const positional = args.filter((a) => !a.startsWith('--'));
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const prefix = positional[0] ?? join(root, 'build', 'kernels', 'nabla');

const builds = {};
for (const name of ['simd', 'relaxed']) {
  const file = `${prefix}-${name}.wasm`;
  if (!existsSync(file)) {
    console.error(`${file} not found: run \`node scripts/build-kernels.mjs\` first.`);
    process.exit(1);
  }
  const bytes = readFileSync(file);
  if (!WebAssembly.validate(bytes)) {
    console.log(`${name}: this engine refuses the module, skipped`);
    continue;
  }
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 32768, shared: true });
  const { instance } = await WebAssembly.instantiate(bytes, {
    env: {
      memory,
      abort: () => {
        throw new Error('abort called');
      },
    },
  });
  builds[name] = { ex: instance.exports, memory };
}

/** Lays A, B, C and the scratch out in the build's memory (16-byte aligned), filled with random values. */
function setup(build, M, N, K, transA, transB, elem, packed = false) {
  const { ex, memory } = build;
  const align = (x) => (x + 63) & ~63;
  const a = align(ex.heapBase());
  const b = align(a + M * K * elem);
  const c = align(b + K * N * elem);
  const scratchBytes = elem === 4 ? ex.sgemmScratchBytes(M, N, K) : ex.dgemmScratchBytes(M, N, K);
  const s = align(c + M * N * elem);
  const end = s + scratchBytes;
  const need = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
  if (need > 0) memory.grow(need);
  const T = elem === 4 ? Float32Array : Float64Array;
  const fa = new T(memory.buffer, a, M * K),
    fb = new T(memory.buffer, b, K * N);
  for (let i = 0; i < fa.length; i++) fa[i] = Math.random() * 2 - 1;
  for (let i = 0; i < fb.length; i++) fb[i] = Math.random() * 2 - 1;
  const lda = transA ? M : K,
    ldb = transB ? K : N;
  if (packed) {
    const bp = align(end),
      ps = align(bp + ex.sgemmPackedBBytes(N, K));
    const top = ps + ex.sgemmPackedScratchBytes(M, K);
    const more = Math.ceil(top / 65536) - memory.buffer.byteLength / 65536;
    if (more > 0) memory.grow(more);
    return () => {
      ex.sgemmPackB(K, N, b, ldb, transB, bp, 0, N, 0, K);
      ex.sgemmPacked(M, N, K, a, lda, transA, bp, c, N, ps, 0, N);
    };
  }
  const fn = elem === 4 ? ex.sgemm : ex.dgemm;
  return () => fn(M, N, K, a, lda, b, ldb, c, N, transA, transB, s);
}

function measure(call, flops) {
  return bestGflops(call, flops, quick ? { runs: 3, warmupMs: 30, runMs: 15 } : { runs: 7, warmupMs: 100, runMs: 40 });
}

// [label, M, K, N, transA, transB]
const shapes = [
  ['64', 64, 64, 64, 0, 0],
  ['128', 128, 128, 128, 0, 0],
  ['256', 256, 256, 256, 0, 0],
  ['512', 512, 512, 512, 0, 0],
  ['1024', 1024, 1024, 1024, 0, 0],
  ['128x784x256', 128, 784, 256, 0, 0],
  ['32x64x64', 32, 64, 64, 0, 0],
  ['512 transA', 512, 512, 512, 1, 0],
  ['512 transB', 512, 512, 512, 0, 1],
  ['512 transA+B', 512, 512, 512, 1, 1],
  ['64x512x512 (row block)', 64, 512, 512, 0, 0],
  ['32x512x512 (row block)', 32, 512, 512, 0, 0],
  ['1x784x256 (vector)', 1, 784, 256, 0, 0],
  ['1x784x256 transB', 1, 784, 256, 0, 1],
];

const names = Object.keys(builds);
const columns = names.map((n) => ({ label: n, build: n, packed: false }));
if (withPacked) {
  for (const n of names) if (builds[n].ex.sgemmPacked) columns.push({ label: `${n}/pk`, build: n, packed: true });
}
const pad = (s, n) => String(s).padStart(n);
const header = (elem) => {
  console.log(`${elem === 4 ? 'sgemm (float32)' : 'dgemm (float64)'}, GFLOP/s, single thread, best of ${quick ? 3 : 7}`);
  const cols = elem === 4 ? columns : columns.filter((c) => !c.packed);
  console.log(`${'M×K×N'.padEnd(24)}${cols.map((c) => pad(c.label, 12)).join('')}`);
};
for (const elem of withF64 ? [4, 8] : [4]) {
  if (elem === 8 && !names.every((n) => builds[n].ex.dgemm)) {
    console.log('dgemm not exported');
    continue;
  }
  header(elem);
  for (const [label, M, K, N, tA, tB] of shapes) {
    if (only && !only.includes(label.split(' ')[0])) continue;
    const cols = (elem === 4 ? columns : columns.filter((c) => !c.packed)).map((c) =>
      measure(setup(builds[c.build], M, N, K, tA, tB, elem, c.packed), 2 * M * N * K),
    );
    console.log(`${label.padEnd(24)}${cols.map((g) => pad(g.toFixed(1), 12)).join('')}`);
  }
  console.log();
}
