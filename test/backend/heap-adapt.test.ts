// The wasm heap's collection threshold adapts (issue 16 §3): a loop reuses a few MiB of recently
// freed, already mapped blocks unless collections cost more than the fresh memory they save.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { wasmKernels } from '../../src/backend/index.js';
import { MAX_COLLECT_BYTES, START_COLLECT_BYTES } from '../../src/backend/wasm/arena.js';

const MiB = 1024 * 1024;
const heap = () => wasmKernels()!.heap;
const skip = !wasmKernels()?.heap.canCollect;

/** Runs f with the heap's cost figures set to `costs`, restoring every field after. */
function withCosts(
  costs: { collectMs: number; collections: number; faultMs: number; faultBytes: number; allocatedBytes: number; collectAt?: number },
  f: () => void,
) {
  const h = heap();
  const saved = {
    collectMs: h.collectMs,
    collections: h.collections,
    faultMs: h.faultMs,
    faultBytes: h.faultBytes,
    allocatedBytes: h.allocatedBytes,
    collectAt: h.collectAt,
  };
  Object.assign(h, { collectAt: START_COLLECT_BYTES, ...costs });
  try {
    f();
  } finally {
    Object.assign(h, saved);
  }
}

/** The rule of Heap.adapt, written out: doubles T while A·c/(2T) > T·f. */
function expected(A: number, c: number, f: number, T = START_COLLECT_BYTES): number {
  while (T < MAX_COLLECT_BYTES && (A * c) / (2 * T) > T * f) T *= 2;
  return Math.min(T, MAX_COLLECT_BYTES);
}

test('the collection threshold doubles only while the collections it saves cost more than the fresh memory it takes', { skip }, () => {
  const cases = [
    // [allocated so far, ms per collection, ms per fresh MiB]
    [10 * MiB, 2, 4], // a short run, costly fresh memory: stays small
    [750 * MiB, 3, 4], // digits-like: grows part way
    [750 * MiB, 30, 4], // a large JS heap (costly collections): grows further
    [100 * MiB, 2, 0], // fresh memory free: straight to the largest threshold
    [1e12, 2, 4], // a very long run: capped
  ] as const;
  for (const [A, c, fPerMiB] of cases) {
    withCosts({ collectMs: 10 * c, collections: 10, faultMs: fPerMiB * 8, faultBytes: 8 * MiB, allocatedBytes: A }, () => {
      heap().adapt();
      assert.equal(heap().collectAt, expected(A, c, fPerMiB / MiB), `A=${A}, c=${c}, f=${fPerMiB} ms/MiB`);
    });
  }
  withCosts({ collectMs: 20, collections: 10, faultMs: 32, faultBytes: 8 * MiB, allocatedBytes: 10 * MiB }, () => {
    heap().adapt();
    assert.equal(heap().collectAt, START_COLLECT_BYTES, 'a short run keeps the starting threshold');
  });
  withCosts({ collectMs: 20, collections: 10, faultMs: 0, faultBytes: 8 * MiB, allocatedBytes: 1e12 }, () => {
    heap().adapt();
    assert.equal(heap().collectAt, MAX_COLLECT_BYTES, 'never beyond the largest threshold');
  });
});

test('fresh memory is touched (mapped) as the heap first hands it out, and the cost is measured', { skip }, () => {
  nb.setBackend('wasm');
  const h = heap();
  const before = { touched: h.touched, bytes: h.faultBytes };
  const big = nb.zeros([4 * MiB]); // 16 MiB: beyond whatever was touched before
  const x = nb.add(big, 1);
  assert.equal(x.data()[4 * MiB - 1], 1);
  assert.ok(h.touched >= before.touched + 16 * MiB, `touched moved from ${before.touched} to ${h.touched}`);
  assert.ok(h.faultBytes >= before.bytes + 16 * MiB);
  assert.ok(h.faultMs > 0);
});

test('a product loop reuses a few MiB of recently freed blocks when fresh memory costs more than collections', { skip }, () => {
  nb.setBackend('wasm');
  nb.setThreads(1);
  const g = new nb.Generator(3);
  const a = nb.randomNormal([128, 128], 0, 1, { generator: g }),
    b = nb.randomNormal([128, 128], 0, 1, { generator: g });
  const ref = (nb.matmul(a, b).data() as Float32Array).slice();
  const h = heap();
  h.collect();
  // fresh memory priced far above collections: the threshold stays at its start
  withCosts({ collectMs: h.collectMs, collections: h.collections, faultMs: 1e9, faultBytes: MiB, allocatedBytes: h.allocatedBytes }, () => {
    const touched = h.touched,
      collections = h.collections;
    let last: Float32Array = ref;
    for (let i = 0; i < 400; i++) last = nb.matmul(a, b).data() as Float32Array; // 400 × 64 KiB = 25 MiB of results
    assert.deepEqual(Array.from(last), Array.from(ref));
    assert.equal(h.collectAt, START_COLLECT_BYTES);
    assert.ok(h.collections >= collections + 3, `collections: ${h.collections - collections}`);
    // at most live storage + 2 × the threshold (collections are paced) of new memory, far below the 25 MiB allocated
    assert.ok(h.touched - touched <= 2 * START_COLLECT_BYTES + 2 * MiB, `${(h.touched - touched) / MiB} MiB of fresh memory`);
  });
});
