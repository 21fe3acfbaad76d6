import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { jsKernels } from '../../src/backend/js/index.js';
import type { BinaryOp, CompareOp, FusedActivation, ReduceOp, UnaryOp } from '../../src/backend/kernels.js';
import * as codes from '../../src/backend/wasm/opcodes.generated.js';
import { createRuntime, type KernelExports } from '../../src/backend/wasm/runtime.js';

// The op codes between src/backend/wasm and the AssemblyScript kernels come from one list,
// kernels/opcodes.json. These tests call the kernels' raw exports, on a runtime of their
// own: each named code computes its op, and any other code traps.

function repoFile(...parts: string[]): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, ...parts);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${parts.join('/')} not found`);
    dir = parent;
  }
}

interface Group {
  kernel: string;
  type: string;
  complete: boolean;
  ops: string[];
}
const list = JSON.parse(readFileSync(repoFile('kernels', 'opcodes.json'), 'utf8')) as { groups: Record<string, Group> };

const runtime = createRuntime();
const skip = runtime ? false : 'no WebAssembly SIMD in this engine';
const k = (runtime?.exports ?? null) as KernelExports;
const memory = runtime?.memory ?? null;

/** Scratch addresses in the runtime's own memory: four regions of 1 KiB after the kernels' data. */
const base = runtime ? (k.heapBase() + 63) & ~63 : 0;
const X = base,
  Y = base + 1024,
  OUT = base + 2048;
const N = 19; // four-wide vectors and a scalar tail
const f32 = (addr: number, n: number) => new Float32Array(memory!.buffer, addr, n);
const put = (addr: number, v: Float32Array) => f32(addr, v.length).set(v);
const SENTINEL = 12345;
const clearOut = () => f32(OUT, 256).fill(SENTINEL);

const xs = Float32Array.from({ length: N }, (_, i) => 0.25 + 0.37 * i); // positive: sqrt, log
const ys = Float32Array.from({ length: N }, (_, i) => 3.1 - 0.29 * i); // crosses xs: comparisons
ys[5] = xs[5]!; // and one tie

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!,
      w = want[i]!;
    if (!(Math.abs(g - w) <= 1e-6 + 2e-6 * Math.abs(w))) assert.fail(`${what}[${i}]: wasm ${g}, js ${w}`);
  }
}

/** The raw call of each group's kernel with op code `code` on the inputs above (n values). */
const calls: Record<string, (code: number, n?: number) => void> = {
  unary: (code, n = N) => k.unaryF32(code, X, OUT, n),
  binary: (code, n = N) => k.binaryF32(code, X, 0, 0, 1, Y, 0, 0, 1, OUT, 1, 1, n),
  compare: (code, n = N) => k.compareF32(code, X, 0, 0, 1, Y, 0, 0, 1, OUT, 1, 1, n),
  reduce: (code, n = N) => k.reduceF32(code, X, 1, n, 1, OUT),
  activation: (code, n = N) => k.biasActF32(code, X, Y, OUT, 1, n),
};

test("the backend tables are the list in kernels/opcodes.json: an op's code is its position", () => {
  const tables: Record<string, Readonly<Record<string, number>>> = {
    unary: codes.UNARY,
    binary: codes.BINARY,
    compare: codes.COMPARE,
    reduce: codes.REDUCE,
    activation: codes.ACTIVATION,
  };
  const counts: Record<string, number> = {
    unary: codes.UNARY_COUNT,
    binary: codes.BINARY_COUNT,
    compare: codes.COMPARE_COUNT,
    reduce: codes.REDUCE_COUNT,
    activation: codes.ACTIVATION_COUNT,
  };
  assert.deepEqual(Object.keys(tables).sort(), Object.keys(list.groups).sort());
  assert.deepEqual(Object.keys(calls).sort(), Object.keys(list.groups).sort(), 'every group has a raw call in this test');
  for (const [name, g] of Object.entries(list.groups)) {
    assert.deepEqual(tables[name], Object.fromEntries(g.ops.map((op, i) => [op, i])), name);
    assert.equal(counts[name], g.ops.length, `${name} count`);
  }
});

test('each unary code computes its op', { skip }, () => {
  put(X, xs);
  for (const [op, code] of Object.entries(codes.UNARY)) {
    clearOut();
    k.unaryF32(code!, X, OUT, N);
    assertClose(f32(OUT, N), jsKernels.unary(op as UnaryOp, xs) as Float32Array, `unary ${op}`);
  }
});

test('each binary and comparison code computes its op', { skip }, () => {
  put(X, xs);
  put(Y, ys);
  for (const [op, code] of Object.entries(codes.BINARY)) {
    clearOut();
    calls.binary!(code!);
    assertClose(f32(OUT, N), jsKernels.binary(op as BinaryOp, xs, [N], ys, [N], [N]) as Float32Array, `binary ${op}`);
  }
  for (const [op, code] of Object.entries(codes.COMPARE)) {
    clearOut();
    calls.compare!(code);
    assert.deepEqual([...new Uint8Array(memory!.buffer, OUT, N)], [...jsKernels.compare(op as CompareOp, xs, [N], ys, [N], [N])], `compare ${op}`);
  }
});

test('each reduction code computes its op, along a contiguous and a strided axis', { skip }, () => {
  put(X, xs);
  for (const [op, code] of Object.entries(codes.REDUCE)) {
    clearOut();
    k.reduceF32(code, X, 1, N, 1, OUT);
    assertClose(f32(OUT, 1), jsKernels.reduce(op as ReduceOp, xs, [N], [0]) as Float32Array, `reduce ${op} contiguous`);
    const x = xs.subarray(0, 18);
    k.reduceF32(code, X, 1, 3, 6, OUT);
    assertClose(f32(OUT, 6), jsKernels.reduce(op as ReduceOp, x, [3, 6], [0]) as Float32Array, `reduce ${op} strided`);
  }
});

test('each activation code computes its activation after the bias', { skip }, () => {
  put(X, xs);
  put(Y, ys);
  for (const [act, code] of Object.entries(codes.ACTIVATION)) {
    clearOut();
    k.biasActF32(code, X, Y, OUT, 1, N);
    assertClose(f32(OUT, N), jsKernels.biasActivation(xs, ys, act as FusedActivation) as Float32Array, `activation ${act}`);
  }
});

test('a code outside the list traps (WebAssembly.RuntimeError) and writes nothing, even with nothing to compute', { skip }, () => {
  put(X, xs);
  put(Y, ys);
  for (const [name, g] of Object.entries(list.groups)) {
    for (const code of [g.ops.length, g.ops.length + 7, -1, 0x7fffffff, -0x80000000]) {
      for (const n of [N, 0]) {
        clearOut();
        assert.throws(
          () => calls[name]!(code, n),
          (e: unknown) => e instanceof WebAssembly.RuntimeError,
          `${g.kernel} with op code ${code} on ${n} values`,
        );
        assert.ok(
          f32(OUT, 64).every((v) => v === SENTINEL),
          `${g.kernel} with op code ${code} wrote to its output`,
        );
      }
    }
  }
  // softmax's log flag is 0 or 1
  clearOut();
  assert.throws(
    () => k.softmaxF32(X, OUT, 1, N, 1, 2),
    (e: unknown) => e instanceof WebAssembly.RuntimeError,
  );
  assert.ok(f32(OUT, 64).every((v) => v === SENTINEL));
  // the last code of each list is a valid one (the traps above are not off by one)
  for (const [name, g] of Object.entries(list.groups)) assert.doesNotThrow(() => calls[name]!(g.ops.length - 1), name);
});
