// GFLOP/s of the reference backend's gemm (src/backend/js/matmul.ts) against a naive i-k-j loop.
//
//   npm run build && node bench/matmul-js.mjs [path/to/matmul.js]
//
// Imports ../dist/backend/js/matmul.js unless another compiled matmul.js is given.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { bestGflops } from './best-gflops.mjs';

const target = process.argv[2] ? resolve(process.argv[2]) : fileURLToPath(new URL('../dist/backend/js/matmul.js', import.meta.url));
if (!existsSync(target)) {
  console.error(`${target} not found: run \`npm run build\` first (or pass the path of a compiled matmul.js).`);
  process.exit(1);
}
const { gemm } = await import(pathToFileURL(target).href);

/** Naive i-k-j product (op(A) = A, op(B) = B), the usual "good" triple loop. */
function naive(a, aOff, b, bOff, c, cOff, M, N, K) {
  c.fill(0, cOff, cOff + M * N);
  for (let i = 0; i < M; i++) {
    const ci = cOff + i * N;
    for (let k = 0; k < K; k++) {
      const av = a[aOff + i * K + k],
        bk = bOff + k * N;
      for (let j = 0; j < N; j++) c[ci + j] += av * b[bk + j];
    }
  }
}

function random(T, n) {
  const x = new T(n);
  for (let i = 0; i < n; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

/** Best-of-`runs` GFLOP/s of the product (see bestGflops). */
function measure(fn, T, M, N, K, runs = 7) {
  const a = random(T, M * K),
    b = random(T, K * N),
    c = new T(M * N);
  const call = () => fn(a, 0, b, 0, c, 0, M, N, K, false, false);
  return bestGflops(call, 2 * M * N * K, { runs, warmupMs: 20, runMs: 50 });
}

const shapes = [
  [64, 64, 64],
  [128, 128, 128],
  [256, 256, 256],
  [512, 512, 512],
  [128, 256, 784],
  [1, 256, 784],
];
const pad = (s, n) => String(s).padStart(n);
console.log(`gemm: ${target}`);
console.log(`${'dtype'.padEnd(8)}${pad('M x N x K', 16)}${pad('gemm GFLOP/s', 14)}${pad('naive GFLOP/s', 15)}${pad('speed-up', 10)}`);
for (const [name, T] of [
  ['float32', Float32Array],
  ['float64', Float64Array],
]) {
  for (const [M, N, K] of shapes) {
    const g = measure(gemm, T, M, N, K);
    const n = measure(naive, T, M, N, K, 3);
    console.log(`${name.padEnd(8)}${pad(`${M}x${N}x${K}`, 16)}${pad(g.toFixed(2), 14)}${pad(n.toFixed(2), 15)}${pad(`${(g / n).toFixed(1)}x`, 10)}`);
  }
}
