import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

// Creating or broadcasting to a tensor over 2^31 − 1 elements is a ShapeError
// naming the op and the shape, thrown before anything is allocated (issue 11 §6).

const refused = (fn: () => unknown, op: string, shape: string) =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof nb.ShapeError && e.message.startsWith(`${op}: shape ${shape} has `) && /more than the limit of 2\^31 - 1/.test(e.message),
  );

test('creation over the size limit is refused', () => {
  refused(() => nb.zeros([2 ** 31]), 'zeros', '[2147483648]');
  refused(() => nb.ones([2 ** 16, 2 ** 16]), 'ones', '[65536,65536]');
  refused(() => nb.full([2 ** 20, 2 ** 12], 1), 'full', '[1048576,4096]');
  refused(() => nb.arange(2 ** 31), 'arange', '[2147483648]');
  refused(() => nb.arange(0, 1, 1e-12), 'arange', '[1000000000000]');
  refused(() => nb.linspace(0, 1, 2 ** 32), 'linspace', '[4294967296]');
  refused(() => nb.eye(2 ** 16, 2 ** 16), 'eye', '[65536,65536]');
  refused(() => nb.randomNormal([2 ** 31]), 'randomNormal', '[2147483648]');
  refused(() => nb.tensor([1], [2 ** 31]), 'tensor', '[2147483648]');
});

test('op outputs over the size limit are refused before the kernel runs', () => {
  const col = nb.zeros([2 ** 16, 1]),
    row = nb.zeros([1, 2 ** 16]);
  refused(() => nb.add(col, row), 'add', '[65536,65536]');
  refused(() => nb.where(nb.tensor(true), col, row), 'where', '[65536,65536]');
  refused(() => nb.broadcastTo(col, [2 ** 16, 2 ** 16]), 'broadcastTo', '[65536,65536]');
  refused(() => nb.matmul(col, row), 'matmul', '[65536,65536]');
  refused(() => nb.pad(nb.zeros([1]), [[0, 2 ** 31]]), 'pad', '[2147483649]');
  refused(() => nb.oneHot(nb.zeros([2 ** 16], 'int32'), 2 ** 16), 'oneHot', '[65536,65536]');
  refused(() => nb.gather(nb.zeros([2, 2 ** 16]), nb.zeros([2 ** 16], 'int32')), 'gather', '[65536,65536]');
  refused(() => nb.conv2d(nb.zeros([1, 2 ** 10, 2 ** 10, 1]), nb.zeros([2 ** 6, 2 ** 6, 1, 1]), 1, 'same'), 'conv2d', '[1,1024,1024,64,64,1]');
});

test('a layer whose weights would pass the limit is refused when it builds', () => {
  const layer = nb.layers.dense({ units: 2 ** 16 });
  assert.throws(
    () => layer.apply(nb.zeros([1, 2 ** 16])),
    (e: unknown) => e instanceof nb.ShapeError && /^dense_\d+: shape \[65536,65536\] has/.test((e as Error).message),
  );
});
