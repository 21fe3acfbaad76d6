import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NablaError } from '../../src/core/errors.js';
import * as generated from '../../src/backend/wasm/kernels.generated.js';
import { createRuntime, instantiate, kernelBytes, memoryFlagsOffset, ordinaryMemoryBuild, type KernelExports } from '../../src/backend/wasm/runtime.js';

// The package embeds one wasm build per SIMD level, over shared memory; the build over
// ordinary memory (a page without cross-origin isolation) is derived at load time by
// clearing the shared bit of the memory import. These tests check that the derived bytes
// are exactly what AssemblyScript compiles for ordinary memory (build-kernels.mjs leaves
// those builds in build/kernels/), and that both kinds instantiate and compute.

function repoFile(...parts: string[]): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, ...parts);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${parts.join('/')} not found (run npm run build:kernels)`);
    dir = parent;
  }
}

// createRuntime sets Node 20's relaxed-SIMD flag before its first compile; the tests below validate after it
const nodeRuntime = createRuntime();
const builds = (['simd', 'relaxed'] as const).filter((b) => WebAssembly.validate(kernelBytes(b, true)));

/** C = A·B for a 5×7 A and a 7×3 B by the kernels' sgemm in `memory`, and by plain loops. */
function product(k: KernelExports, memory: WebAssembly.Memory): { got: Float32Array; want: Float32Array } {
  const M = 5,
    K = 7,
    N = 3;
  const base = (k.heapBase() + 63) & ~63;
  const A = base,
    B = A + 4 * M * K,
    C = B + 4 * K * N,
    scratch = (C + 4 * M * N + 63) & ~63;
  const a = Float32Array.from({ length: M * K }, (_, i) => Math.fround(Math.sin(i + 1)));
  const b = Float32Array.from({ length: K * N }, (_, i) => Math.fround(Math.cos(2 * i)));
  new Float32Array(memory.buffer, A, M * K).set(a);
  new Float32Array(memory.buffer, B, K * N).set(b);
  assert.ok(scratch + k.sgemmScratchBytes(M, N, K) <= memory.buffer.byteLength);
  k.sgemm(M, N, K, A, K, B, N, C, N, 0, 0, scratch);
  const got = new Float32Array(memory.buffer, C, M * N).slice();
  const want = new Float32Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0; p < K; p++) s += a[i * K + p]! * b[p * N + j]!;
      want[i * N + j] = s;
    }
  return { got, want };
}

function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-5 * (1 + Math.abs(want[i]!)), `${what}[${i}]: ${got[i]} against ${want[i]}`);
  }
}

test('one build per SIMD level is embedded: the generated module carries two wasm strings, not four', () => {
  const strings = Object.entries(generated)
    .filter(([, v]) => typeof v === 'string')
    .map(([k]) => k)
    .sort();
  assert.deepEqual(strings, ['relaxedWasm', 'simdWasm']);
});

test('the derived ordinary-memory build is byte for byte what AssemblyScript compiles for ordinary memory', () => {
  for (const build of ['simd', 'relaxed'] as const) {
    const compiled = new Uint8Array(readFileSync(repoFile('build', 'kernels', `nabla-${build}Single.wasm`)));
    const derived = kernelBytes(build, false);
    assert.equal(derived.length, compiled.length, build);
    assert.ok(
      derived.every((b, i) => b === compiled[i]),
      `${build}: derived and compiled ordinary builds differ`,
    );
    const shared = kernelBytes(build, true);
    const at = memoryFlagsOffset(shared);
    assert.deepEqual([shared[at], derived[at]], [3, 1], `${build}: the limits flags byte`);
    assert.equal(shared.filter((b, i) => b !== derived[i]).length, 1, `${build}: exactly one byte differs`);
  }
});

test('both memory kinds instantiate and compute a matrix product, and each needs its own kind of memory', () => {
  assert.ok(builds.includes('simd'), 'Node 20 has WebAssembly SIMD');
  for (const build of builds) {
    for (const shared of [true, false]) {
      const module = new WebAssembly.Module(kernelBytes(build, shared));
      const memory = new WebAssembly.Memory({ initial: 64, maximum: generated.maximumPages, shared });
      assert.equal(memory.buffer instanceof SharedArrayBuffer, shared);
      const { got, want } = product(instantiate(module, memory), memory);
      assertClose(got, want, `${build} over ${shared ? 'shared' : 'ordinary'} memory`);
      // the import's shared flag must match the memory given: the derivation is what makes ordinary memory work
      const other = new WebAssembly.Memory({ initial: 64, maximum: generated.maximumPages, shared: !shared });
      assert.throws(() => instantiate(module, other), WebAssembly.LinkError, `${build}: shared=${shared} module on shared=${!shared} memory`);
    }
  }
});

test('a page without cross-origin isolation gets the ordinary-memory runtime, and it computes', () => {
  assert.equal(nodeRuntime?.shared, true, 'Node has shared memory');
  const g = globalThis as { crossOriginIsolated?: boolean };
  g.crossOriginIsolated = false;
  try {
    const runtime = createRuntime();
    assert.ok(runtime);
    assert.equal(runtime.shared, false);
    assert.equal(runtime.memory.buffer instanceof SharedArrayBuffer, false);
    assert.equal(runtime.build, nodeRuntime!.build);
    const { got, want } = product(runtime.exports, runtime.memory);
    assertClose(got, want, 'ordinary runtime');
  } finally {
    delete g.crossOriginIsolated;
  }
});

test('the derivation refuses bytes that are not the expected module', () => {
  const shared = kernelBytes('simd', true);
  assert.throws(
    () => ordinaryMemoryBuild(kernelBytes('simd', false)),
    (e: unknown) => e instanceof NablaError && /flags at byte \d+ are 1, expected 3/.test(e.message),
  );
  assert.throws(
    () => ordinaryMemoryBuild(new Uint8Array([1, 2, 3])),
    (e: unknown) => e instanceof NablaError && /no WebAssembly header/.test(e.message),
  );
  assert.throws(
    () => ordinaryMemoryBuild(shared.subarray(0, 20)),
    (e: unknown) => e instanceof NablaError && /runs past the end/.test(e.message),
  );
  // a module with no import section: just the header
  assert.throws(
    () => ordinaryMemoryBuild(shared.subarray(0, 8)),
    (e: unknown) => e instanceof NablaError && /no import section/.test(e.message),
  );
  // the memory import renamed (env.memory → env.memorx): refused, not flipped somewhere else
  const renamed = new Uint8Array(shared);
  const at = memoryFlagsOffset(shared);
  assert.equal(String.fromCharCode(...renamed.subarray(at - 7, at - 1)), 'memory');
  renamed[at - 2] = 'x'.charCodeAt(0);
  assert.throws(
    () => ordinaryMemoryBuild(renamed),
    (e: unknown) => e instanceof NablaError && /unexpected memory import env\.memorx/.test(e.message),
  );
});
