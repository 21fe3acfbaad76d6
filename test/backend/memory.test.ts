import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { wasmKernels } from '../../src/backend/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc(); gc();
  return v8.getHeapStatistics().used_heap_size;
}

test('training for many epochs keeps memory flat: nothing to dispose, nothing leaks', () => {
  nb.setBackend('wasm');
  const g = new nb.Generator(5);
  const X = nb.randomNormal([256, 32], 0, 1, { generator: g });
  const y = nb.oneHot(nb.argmax(nb.matmul(X, nb.randomNormal([32, 4], 0, 1, { generator: g })), 1), 4);
  let params = {
    w1: nb.randomNormal([32, 64], 0, 0.2, { generator: g }), b1: nb.zeros([64]),
    w2: nb.randomNormal([64, 4], 0, 0.2, { generator: g }), b2: nb.zeros([4]),
  };
  type P = typeof params;
  const loss = (p: P, xb: Tensor, yb: Tensor) => {
    const h = nb.relu(nb.add(nb.matmul(xb, p.w1), p.b1));
    const logits = nb.add(nb.matmul(h, p.w2), p.b2);
    return nb.neg(nb.mean(nb.sum(nb.mul(yb, nb.logSoftmax(logits, -1)), -1)));
  };
  const step = nb.valueAndGrad(loss);
  const epoch = () => {
    let last = 0;
    for (let i = 0; i < 256; i += 32) {
      const xb = nb.slice(X, [i, 0], [32, -1]), yb = nb.slice(y, [i, 0], [32, -1]);
      const [l, grads] = step(params, xb, yb);
      params = nb.noGrad(() => ({
        w1: nb.sub(params.w1, nb.mul(grads.w1, 0.1)), b1: nb.sub(params.b1, nb.mul(grads.b1, 0.1)),
        w2: nb.sub(params.w2, nb.mul(grads.w2, 0.1)), b2: nb.sub(params.b2, nb.mul(grads.b2, 0.1)),
      }));
      last = l.item();
    }
    return last;
  };
  const first = epoch();
  // warm up: JIT, and the heap's high-water mark: dropped tensors' storage is reclaimed by the
  // collections the heap forces as resident storage accumulates (this loop never yields)
  const heapOf = wasmKernels()!.heap;
  const collections = heapOf.collections;
  for (let e = 0; e < 20 || heapOf.collections < collections + 2; e++) epoch();
  const wasmBytes = wasmKernels()!.runtime.memory.buffer.byteLength;
  const collectionsBefore = heapOf.collections;
  const heap = heapAfterGc();
  let final = 0;
  for (let e = 0; e < 200; e++) final = epoch();
  const heapGrowth = heapAfterGc() - heap;
  assert.ok(final < first * 0.5, `the loss fell from ${first} to ${final}`);
  assert.equal(wasmKernels()!.runtime.memory.buffer.byteLength, wasmBytes, 'the wasm heap did not grow');
  assert.ok(heapOf.collections > collectionsBefore, 'storage was reclaimed along the way');
  // 200 epochs allocate gigabytes of tensors in total; what stays must be noise
  assert.ok(heapGrowth < 2 * 1024 * 1024, `the JS heap grew by ${heapGrowth} bytes over 200 epochs`);
});
