import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { wasmKernels } from '../../src/backend/index.js';
import { heapAfterGc } from '../gc.js';

test('training for many epochs keeps memory flat: nothing to dispose, nothing leaks', () => {
  nb.setBackend('wasm');
  const g = new nb.Generator(5);
  const X = nb.randomNormal([512, 32], 0, 1, { generator: g });
  const y = nb.oneHot(nb.argmax(nb.matmul(X, nb.randomNormal([32, 4], 0, 1, { generator: g })), 1), 4);
  let params = {
    w1: nb.randomNormal([32, 256], 0, 0.2, { generator: g }),
    b1: nb.zeros([256]),
    w2: nb.randomNormal([256, 4], 0, 0.2, { generator: g }),
    b2: nb.zeros([4]),
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
    for (let i = 0; i < 512; i += 64) {
      const xb = nb.slice(X, [i, 0], [64, -1]),
        yb = nb.slice(y, [i, 0], [64, -1]);
      const [l, grads] = step(params, xb, yb);
      params = nb.noGrad(() => ({
        w1: nb.sub(params.w1, nb.mul(grads.w1, 0.1)),
        b1: nb.sub(params.b1, nb.mul(grads.b1, 0.1)),
        w2: nb.sub(params.w2, nb.mul(grads.w2, 0.1)),
        b2: nb.sub(params.b2, nb.mul(grads.b2, 0.1)),
      }));
      last = l.item();
    }
    return last;
  };
  const first = epoch();
  for (let e = 0; e < 20; e++) epoch(); // warm up: JIT
  const heapOf = wasmKernels()!.heap;
  const heap = heapAfterGc();
  const allocated = heapOf.allocatedBytes,
    collections = heapOf.collections;
  let final = 0,
    most = 0;
  for (let e = 0; e < 200; e++) {
    final = epoch();
    most = Math.max(most, heapOf.memoryBytes);
  }
  const heapGrowth = heapAfterGc() - heap;
  assert.ok(final < first * 0.5, `the loss fell from ${first} to ${final}`);
  // dropped tensors' storage is reclaimed by the collections the heap forces (this loop never
  // yields to the event loop): linear memory stays within live storage + 2 × 64 MiB between
  // collections + growth steps and scratch, whatever the number of epochs
  const runAllocated = heapOf.allocatedBytes - allocated;
  assert.ok(heapOf.collections > collections, 'storage was reclaimed along the way');
  assert.ok(most <= 192 * 1024 * 1024, `linear memory reached ${most} bytes`);
  assert.ok(runAllocated > 2 * most, `${runAllocated} bytes of resident storage allocated in ${most} bytes of memory`);
  // 200 epochs allocate gigabytes of tensors in total; what stays must be noise
  assert.ok(heapGrowth < 2 * 1024 * 1024, `the JS heap grew by ${heapGrowth} bytes over 200 epochs`);
});
