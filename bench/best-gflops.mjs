// The timing loop the kernel benchmarks share (bench/matmul-js.mjs, bench/wasm-gemm.mjs).

/**
 * Best-of-`runs` GFLOP/s of `call`, which does `flops` floating-point operations: a warm-up of
 * `warmupMs` (JIT tier-up), a repetition count doubled until one run lasts over `runMs`, then
 * `runs` timed runs of that many calls.
 */
export function bestGflops(call, flops, { runs = 7, warmupMs = 20, runMs = 50 } = {}) {
  for (let t0 = performance.now(); performance.now() - t0 < warmupMs; ) call();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) call();
    if (performance.now() - t0 > runMs) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) call();
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  return flops / (best * 1e6);
}
