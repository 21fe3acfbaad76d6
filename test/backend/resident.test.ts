import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { wasmKernels } from '../../src/backend/index.js';
import { Heap, sizeClass, WasmMemoryFull } from '../../src/backend/wasm/arena.js';

// Results of the wasm kernels live in the kernels' linear memory ("resident"),
// so the next kernel reads them in place; their blocks return to the heap when
// the tensors are garbage collected. These tests check that the storage is
// where it should be, that chains of resident ops compute what the js backend
// computes, that a synchronous loop which drops its results stays within a
// bounded amount of memory, and that reclaimed blocks never belong to a tensor
// still in use.

const kernels = wasmKernels()!;
const heap = kernels.heap;
const g = new nb.Generator(77);

test('size classes: multiples of 64, four per power of two, never smaller than asked', () => {
  for (const [bytes, cls] of [
    [1, 64],
    [64, 64],
    [65, 128],
    [256, 256],
    [257, 320],
    [1024, 1024],
    [1025, 1280],
    [1 << 20, 1 << 20],
    [(1 << 20) + 1, 1310720],
  ] as const) {
    assert.equal(sizeClass(bytes), cls, `sizeClass(${bytes})`);
  }
  for (let b = 1; b < 5_000_000; b = Math.ceil(b * 1.37) + 3) {
    const c = sizeClass(b);
    assert.ok(c >= b && c % 64 === 0 && (b <= 256 || c <= b * 1.25 + 64), `sizeClass(${b}) = ${c}`);
  }
});

test('wasm results are resident and chains of them match the js backend', () => {
  nb.setBackend('wasm');
  assert.ok(heap.shared, 'Node gives the kernels shared memory');
  const x = nb.randomNormal([64, 96], 0, 1, { generator: g });
  const w = nb.randomNormal([96, 48], 0, 0.3, { generator: g });
  const b = nb.randomNormal([48], 0, 1, { generator: g });
  const f = (x: Tensor, w: Tensor, b: Tensor) => nb.sum(nb.tanh(nb.add(nb.matmul(x, w), b)), 0);
  const h = nb.matmul(x, w);
  assert.ok(heap.isResident(h.storage), 'a product is resident');
  assert.ok(!heap.isResident(x.storage), 'a tensor made from JS values is not');
  assert.ok(heap.isResident(nb.exp(h).storage) && heap.isResident(nb.greater(h, 0).storage), 'elementwise results (float and bool) are resident');
  const wasmOut = f(x, w, b);
  nb.setBackend('js');
  const jsOut = f(x, w, b);
  nb.setBackend('wasm');
  assert.ok(!heap.isResident(jsOut.storage));
  const a = wasmOut.storage,
    r = jsOut.storage;
  for (let i = 0; i < r.length; i++) assert.ok(Math.abs(a[i]! - r[i]!) <= 1e-4 * (1 + Math.abs(r[i]!)), `[${i}]: wasm ${a[i]}, js ${r[i]}`);
  // data() hands out an ordinary copy, never a view of linear memory
  const d = h.data();
  assert.ok(!heap.isResident(d) && !(d.buffer instanceof SharedArrayBuffer));
  assert.deepEqual(d, h.storage.slice());
});

test('a synchronous loop that drops its results stays within bounded memory', () => {
  nb.setBackend('wasm');
  const a = nb.randomNormal([512, 512], 0, 1, { generator: g }),
    b = nb.randomNormal([512, 512], 0, 1, { generator: g });
  const before = heap.collections;
  let last: Tensor | null = null;
  // 400 products of 1 MiB each, never yielding to the event loop (where finalizers would run)
  for (let i = 0; i < 400; i++) last = nb.matmul(a, b);
  assert.ok(heap.isResident(last!.storage));
  assert.ok(heap.collections >= before + 4, `collections: ${heap.collections - before}`);
  assert.ok(heap.residentBytes < 200 * 1024 * 1024, `resident bytes ${heap.residentBytes}`);
  assert.ok(heap.memoryBytes < 400 * 1024 * 1024, `linear memory ${heap.memoryBytes} bytes`);
});

test('reclaimed blocks never belong to a tensor still in use', () => {
  nb.setBackend('wasm');
  const base = nb.randomNormal([300], 0, 1, { generator: g }); // 1200 bytes: resident once an op made it
  const kept: [Tensor, number][] = [];
  for (let i = 0; i < 3000; i++) {
    const t = nb.add(nb.mul(base, 0), i); // every element equals i
    if (i % 7 === 0) kept.push([t, i]); // keep some, drop the rest
    if (i % 500 === 0) heap.collect(); // reclaim the dropped ones now, many times over
  }
  heap.collect();
  for (let i = 0; i < 3000; i++) nb.add(nb.mul(base, 0), -1); // reuse every reclaimed block
  for (const [t, v] of kept) {
    assert.ok(heap.isResident(t.storage));
    for (const x of t.storage) if (x !== v) assert.fail(`a kept tensor changed: ${x} where ${v} was`);
  }
});

test('a reshaped tensor shares the view, so its storage lives as long as it does', () => {
  nb.setBackend('wasm');
  const x = nb.exp(nb.randomNormal([40, 50], 0, 1, { generator: g }));
  const expected = x.storage.slice();
  const y = nb.reshape(x, [2000]);
  assert.equal(y.storage, x.storage);
  heap.collect();
  for (let i = 0; i < 200; i++) nb.exp(nb.randomNormal([40, 50], 0, 1, { generator: g }));
  heap.collect();
  assert.deepEqual(y.storage.slice(), expected);
});

test('an ordinary array read by a kernel gets one resident copy, kept while the array lives', () => {
  nb.setBackend('wasm');
  const a = nb.randomNormal([64, 64], 0, 1, { generator: g }),
    b = nb.randomNormal([64, 64], 0, 1, { generator: g });
  assert.ok(!heap.isResident(a.storage));
  heap.collect(); // no collection is due during the next few calls
  const before = heap.residentBytes;
  const c1 = nb.matmul(a, b);
  const afterFirst = heap.residentBytes;
  assert.equal(afterFirst - before, 3 * sizeClass(64 * 64 * 4), "the product and the two operands' copies");
  const c2 = nb.matmul(a, b);
  assert.equal(heap.residentBytes - afterFirst, sizeClass(64 * 64 * 4), 'the second product copies nothing in');
  assert.deepEqual(c1.storage.slice(), c2.storage.slice());
});

test('in Node the heap can collect synchronously (if a Node release drops the flags, this says so)', () => {
  assert.ok(heap.canCollect, 'gc and FinalizationRegistry.prototype.cleanupSome from a fresh context');
});

test('after the resident limit turns results away, the next calls collect and results are resident again', () => {
  nb.setBackend('wasm');
  const limit = heap.residentLimit;
  heap.collect();
  heap.residentLimit = heap.residentBytes + 8 * 1024 * 1024;
  try {
    const x = nb.randomNormal([1 << 20], 0, 1, { generator: g }); // 4 MiB
    let kept: Tensor[] | null = [nb.exp(x), nb.exp(x)]; // the limit reached: the second one or the next is copied out
    const refused = nb.exp(x);
    assert.ok(!heap.isResident(refused.storage) || !heap.isResident(kept[1]!.storage), 'a result was refused at the limit');
    kept = null; // dropped
    const before = heap.collections;
    let last: Tensor | null = null;
    // collections are paced (at most ~10% of the time), so this may take a few calls
    for (const t0 = performance.now(); performance.now() - t0 < 5000 && !(last && heap.isResident(last.storage)); ) last = nb.exp(x);
    assert.ok(heap.collections > before, 'a collection followed');
    assert.ok(heap.isResident(last!.storage), 'results are resident again');
  } finally {
    heap.residentLimit = limit;
  }
});

test('when memory cannot grow, a request takes the smallest larger free block', () => {
  const memory = new WebAssembly.Memory({ initial: 4, maximum: 4, shared: true }); // 256 KiB, fixed
  const small = new Heap(memory, 0, true);
  const blocks: number[] = [];
  for (;;) {
    try {
      blocks.push(small.allocClass(sizeClass(40_000)));
    } catch (e) {
      assert.ok(e instanceof WasmMemoryFull);
      break;
    }
  }
  assert.ok(blocks.length >= 5);
  const cls = sizeClass(40_000);
  for (const b of blocks) small.freeClass(b, cls);
  const p = small.allocClass(sizeClass(20_000)); // no block of that class, no room to grow
  assert.ok(blocks.includes(p));
  assert.equal(small.givenClass, cls);
  assert.throws(() => small.allocClass(sizeClass(100_000)), WasmMemoryFull);
});
