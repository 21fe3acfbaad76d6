import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

// A bad argument is reported by the op it was given to, naming the argument
// (issue 11 §7), never as `tensor: element at [] is …` or a raw TypeError.

const x = nb.tensor([
  [1, 2],
  [3, 4],
]);
const throwsWith = (fn: () => unknown, cls: new (...a: never[]) => Error, message: string | RegExp) =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof cls && (typeof message === 'string' ? (e as Error).message === message : message.test((e as Error).message)),
    `expected ${cls.name}: ${String(message)}`,
  );

test('a non-tensor operand names the op and the argument', () => {
  throwsWith(() => nb.add(1, {} as never), nb.ArgumentError, 'add: argument b must be a tensor, number, boolean or nested array of them; got an object');
  throwsWith(() => nb.mul('2' as never, x), nb.ArgumentError, 'mul: argument a must be a tensor, number, boolean or nested array of them; got the string "2"');
  throwsWith(() => nb.exp(undefined as never), nb.ArgumentError, /^exp: argument x must be .* got undefined$/);
  throwsWith(() => nb.where(Symbol('c') as never, 1, 2), nb.ArgumentError, /^where: argument condition must be .* got a symbol$/);
  throwsWith(() => nb.concat([x, (() => 1) as never]), nb.ArgumentError, /^concat: argument tensors\[1\] must be .* got a function$/);
  throwsWith(() => nb.losses.meanSquaredError(null as never, x), nb.ArgumentError, /^meanSquaredError: argument yTrue must be .* got null$/);
  throwsWith(() => nb.matmul(x, new Map() as never), nb.ArgumentError, /^matmul: argument b must be/);
  throwsWith(() => nb.outer([1], {} as never), nb.ArgumentError, /^outer: argument v must be/);
});

test('bad elements and ragged arrays name the op, the argument and the position', () => {
  throwsWith(() => nb.sub([1, 'a'] as never, 1), nb.ArgumentError, 'sub: argument a: element at [1] is the string "a", not a number or boolean');
  throwsWith(() => nb.mul([[1, 2], [3]], 1), nb.ShapeError, /^mul: argument a is a ragged nested array: expected 2 elements at \[1\]/);
  const loop: unknown[] = [];
  loop.push(loop);
  throwsWith(() => nb.tensor(loop as never), nb.ShapeError, /^tensor: argument values is nested more than 64 levels deep$/);
});

test('axes, shapes, dtypes and flags are checked at the boundary', () => {
  throwsWith(() => nb.sum(x, '1' as never), nb.ArgumentError, /^sum: axis must be an integer, an array of integers or undefined, got the string "1"$/);
  throwsWith(() => nb.sum(x, [0, '1'] as never), nb.ArgumentError, /^sum: axis must be an integer, got the string "1"$/);
  throwsWith(() => nb.mean(x, 1.5), nb.ArgumentError, /^mean: axis must be an integer, got 1.5$/);
  throwsWith(() => nb.max(x, [0, 0]), nb.ArgumentError, /^max: repeated axis/);
  throwsWith(() => nb.sum(x, 0, 'yes' as never), nb.ArgumentError, /^sum: argument keepDims must be true or false/);
  throwsWith(() => nb.cast(x, 'float16' as never), nb.DTypeError, 'cast: unknown dtype "float16"; expected one of float32, float64, int32, bool');
  throwsWith(() => nb.zeros(3 as never), nb.ShapeError, 'zeros: argument shape must be an array of non-negative integers, got 3');
  throwsWith(() => nb.ones([2, -1]), nb.ShapeError, /^ones: invalid shape \[2,-1\]/);
  throwsWith(() => nb.reshape(x, 4 as never), nb.ArgumentError, /^reshape: argument shape must be an array of integers, got 4$/);
  throwsWith(() => nb.permute(x, {} as never), nb.ArgumentError, /^permute: argument perm must be an array of integers/);
  throwsWith(() => nb.pad(x, [[1, 1], null] as never), nb.ShapeError, /^pad: paddings \[\[1,1\],null\] must give/);
  throwsWith(() => nb.split(x, {} as never), nb.ArgumentError, /^split: argument sections must be an array of integers/);
  throwsWith(() => nb.gather(x, [0.5]), nb.ArgumentError, 'gather: index 0.5 is not an integer');
  throwsWith(() => nb.clip(x, '0' as never, 1), nb.ArgumentError, /^clip: argument min must be a number/);
  throwsWith(() => nb.noGrad(1 as never), nb.ArgumentError, /^noGrad: argument fn must be a function/);
  throwsWith(
    () => nb.maxPool2d(nb.zeros([1, 4, 4, 1]), { 0: 2 } as never),
    nb.ArgumentError,
    /^maxPool2d: kernel size must be a positive integer or a pair of them, got an object$/,
  );
  throwsWith(() => nb.arange(0, NaN), nb.ArgumentError, /^arange: stop must be a finite number, got NaN$/);
  throwsWith(() => nb.randomUniform([2], 0, Infinity), nb.ArgumentError, /^randomUniform: high must be a finite number/);
  throwsWith(() => nb.variable([1, 2] as never), nb.ArgumentError, /^variable: argument initial must be a Tensor/);
});
