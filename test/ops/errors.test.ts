import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

// Every shape or dtype error names the op, the shapes and what was expected.
const cases: [string, () => unknown, RegExp][] = [
  ['matmul inner', () => nb.matmul(nb.zeros([32, 64]), nb.zeros([10, 64])), /^matmul: shapes \[32,64\] and \[10,64\]: inner dimensions 64 and 10 differ$/],
  [
    'matmul transposed',
    () => nb.matmul(nb.zeros([3, 4]), nb.zeros([4, 3]), false, true),
    /^matmul: shapes \[3,4\] and \[4,3\]ᵀ: inner dimensions 4 and 3 differ$/,
  ],
  [
    'matmul batch',
    () => nb.matmul(nb.zeros([2, 3, 4]), nb.zeros([3, 4, 5])),
    /matmul: shapes \[2,3,4\] and \[3,4,5\]: batch dimensions \[2\] and \[3\] cannot be broadcast/,
  ],
  ['matmul scalar', () => nb.matmul(nb.scalar(1), nb.zeros([2])), /matmul: shapes \[\] and \[2\]: operands must have rank >= 1/],
  [
    'add broadcast',
    () => nb.add(nb.zeros([2, 3]), nb.zeros([4])),
    /^add: shapes \[2,3\] and \[4\] cannot be broadcast: dimension 4 and 3 differ and neither is 1$/,
  ],
  ['where broadcast', () => nb.where(nb.tensor([true, false]), nb.zeros([3]), 0), /where: shapes \[2\] and \[3\] and \[\] cannot be broadcast/],
  ['reshape', () => nb.reshape(nb.zeros([2, 3]), [4, 2]), /reshape: cannot reshape \[2,3\] \(6 elements\) to \[4,2\]/],
  ['reshape -1', () => nb.reshape(nb.zeros([2, 3]), [4, -1]), /reshape: cannot reshape \[2,3\] \(6 elements\) to \[4,-1\]/],
  ['sum axis', () => nb.sum(nb.zeros([2, 3]), 2), /sum: axis 2 is out of range for a tensor of rank 2/],
  ['concat', () => nb.concat([nb.zeros([2, 3]), nb.zeros([3, 3])], 1), /concat: shapes \[2,3\], \[3,3\] must agree on every axis but 1/],
  ['stack', () => nb.stack([nb.zeros([2]), nb.zeros([3])]), /stack: shapes \[2\], \[3\] must all be equal/],
  ['slice', () => nb.slice(nb.zeros([4, 5]), [3, 0], [2, 5]), /slice: begin \[3,0\] size \[2,5\] is out of bounds for shape \[4,5\] on axis 0/],
  ['gather', () => nb.gather(nb.zeros([3, 2]), [0, 3]), /gather: index 3 is out of range for an axis of size 3/],
  ['broadcastTo', () => nb.broadcastTo(nb.zeros([3]), [3, 2]), /broadcastTo: shape \[3\] cannot be broadcast to \[3,2\]/],
  ['squeeze', () => nb.squeeze(nb.zeros([2, 3]), 0), /squeeze: axis 0 of shape \[2,3\] has size 2, not 1/],
  ['split', () => nb.split(nb.zeros([5]), 2), /split: axis 0 of shape \[5\] \(size 5\) cannot be split into 2 equal parts/],
  ['permute', () => nb.permute(nb.zeros([2, 3]), [0, 0]), /permute: \[0,0\] is not a permutation of the 2 axes of shape \[2,3\]/],
  ['pad', () => nb.pad(nb.zeros([2, 3]), [[1, 1]]), /pad: paddings .* for each of the 2 axes of shape \[2,3\]/],
  ['dot', () => nb.dot(nb.zeros([3]), nb.zeros([4])), /dot: shapes \[3\] and \[4\]: vector lengths 3 and 4 differ/],
  ['max empty', () => nb.max(nb.zeros([0, 3]), 0), /max: cannot reduce axis 0 of length 0 \(shape \[0,3\]\)/],
  ['clip', () => nb.clip(nb.zeros([2]), 1, 0), /clip: min \(1\) must not exceed max \(0\)/],
  [
    'biasActivation bias',
    () => nb.biasActivation(nb.zeros([32, 10]), nb.zeros([64])),
    /^biasActivation: z \[32,10\] and bias \[64\]: the bias must be a vector as long as z's last dimension$/,
  ],
  [
    'biasActivation activation',
    () => nb.biasActivation(nb.zeros([2, 3]), nb.zeros([3]), 'swish' as never),
    /biasActivation: unknown activation 'swish'; expected one of linear, relu, sigmoid, tanh/,
  ],
  ['softmax axis', () => nb.softmax(nb.zeros([2, 3]), 2), /softmax: axis 2 is out of range for a tensor of rank 2/],
];

for (const [name, fn, pattern] of cases) {
  test(`error: ${name}`, () => {
    assert.throws(fn, (e: unknown) => e instanceof nb.NablaError && pattern.test((e as Error).message));
  });
}

test('shape errors are ShapeErrors', () => {
  assert.throws(() => nb.add(nb.zeros([2]), nb.zeros([3])), nb.ShapeError);
});
