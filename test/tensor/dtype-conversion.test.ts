import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

// dtype conversions are exact or refused: creating an int32 or bool tensor
// from values it cannot hold throws a DTypeError naming the value and its
// position; nb.cast follows PyTorch where that is defined; int32 arithmetic
// never goes through float32 and refuses results outside the int32 range.

const dtypeError = (pattern: RegExp) => (e: unknown) => e instanceof nb.DTypeError && pattern.test((e as Error).message);

test('tensor refuses values that int32 or bool cannot hold, naming the value and its position', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => nb.tensor([0.5], undefined, 'bool'), /^tensor: argument values: value 0\.5 at \[0\] is not 0 or 1/],
    [
      () =>
        nb.tensor(
          [
            [1, 0],
            [2, 1],
          ],
          undefined,
          'bool',
        ),
      /^tensor: argument values: value 2 at \[1,0\] is not 0 or 1/,
    ],
    [() => nb.tensor([1, 2 ** 40], undefined, 'int32'), /^tensor: argument values: value 1099511627776 at \[1\] is outside the int32 range/],
    [() => nb.tensor([[0], [NaN]], undefined, 'int32'), /^tensor: argument values: value NaN at \[1,0\] is not an integer/],
    [() => nb.tensor([Infinity], undefined, 'int32'), /^tensor: argument values: value Infinity at \[0\] is not an integer/],
    [() => nb.tensor([3, 2.5], undefined, 'int32'), /^tensor: argument values: value 2\.5 at \[1\] is not an integer/],
    [() => nb.tensor(new Float32Array([1, 2.5]), undefined, 'int32'), /^tensor: argument values: value 2\.5 at \[1\]/],
    [() => nb.tensor(new Uint8Array([0, 1, 7])), /^tensor: argument values: value 7 at \[2\] is not 0 or 1/],
    [() => nb.tensor(new Uint32Array([1, 2 ** 32 - 1])), /^tensor: argument values: value 4294967295 at \[1\] is outside the int32 range/],
    [
      () =>
        nb.tensor(
          nb.tensor([
            [1, 2],
            [3, 0.25],
          ]),
          undefined,
          'int32',
        ),
      /^tensor: argument values: value 0\.25 at \[1,1\] is not an integer/,
    ],
    [() => nb.full([2], 0.5, 'int32'), /^full: value 0\.5 is not an integer/],
    [() => nb.full([2], 2, 'bool'), /^full: value 2 is not 0 or 1/],
    [() => nb.arange(0, 1, 0.25, 'int32'), /^arange: value 0\.25 at \[1\] is not an integer/],
    [() => nb.linspace(0, 1, 3, 'int32'), /^linspace: value 0\.5 at \[1\] is not an integer/],
  ];
  for (const [f, pattern] of cases) assert.throws(f, dtypeError(pattern), String(pattern));
});

test('tensor keeps every value int32 and bool can hold, exactly', () => {
  const ints = [-(2 ** 31), -(2 ** 24) - 1, -1, 0, 2 ** 24 + 1, 2 ** 31 - 1];
  assert.deepEqual(nb.tensor(ints, undefined, 'int32').toArray(), ints);
  assert.deepEqual(nb.tensor(new Float64Array(ints), undefined, 'int32').toArray(), ints);
  assert.deepEqual(nb.tensor([0, 1, true, false], undefined, 'bool').toArray(), [false, true, true, false]);
  assert.deepEqual(nb.arange(0, 4, 1, 'int32').toArray(), [0, 1, 2, 3]);
});

test('cast follows PyTorch: float to int32 truncates toward zero, nonzero (NaN too) is true', () => {
  const xs = [2.7, -2.7, 0.5, -0.5, -0, 1e9, -(2 ** 31), -(2 ** 31) + 0.5];
  for (const dtype of ['float32', 'float64'] as const) {
    const x = nb.tensor(xs, undefined, dtype);
    const stored = [...x.storage];
    assert.deepEqual(
      nb.cast(x, 'int32').toArray(),
      stored.map((v) => Math.trunc(v) + 0),
      dtype,
    );
  }
  const ys = [NaN, 0.5, -0, 0, Infinity, -3];
  assert.deepEqual(
    nb.cast(nb.tensor(ys), 'bool').toArray(),
    ys.map((v) => v !== 0),
  );
  assert.deepEqual(nb.cast(nb.tensor([0, 5, -1], undefined, 'int32'), 'bool').toArray(), [false, true, true]);
});

test('cast refuses NaN, ±Inf and out-of-range values into int32, naming the value and its position', () => {
  assert.throws(
    () =>
      nb.cast(
        nb.tensor([
          [1, 2],
          [NaN, 3],
        ]),
        'int32',
      ),
    dtypeError(/^cast: value NaN at \[1,0\] cannot be converted to int32: NaN has no integer value$/),
  );
  assert.throws(() => nb.cast(nb.tensor([-Infinity]), 'int32'), dtypeError(/^cast: value -Infinity at \[0\] cannot be converted to int32/));
  assert.throws(
    () => nb.cast(nb.tensor([0, 2 ** 40], undefined, 'float64'), 'int32'),
    dtypeError(/^cast: value 1099511627776 at \[1\] .* outside the int32 range/),
  );
  assert.throws(() => nb.cast(nb.tensor([2 ** 31], undefined, 'float64'), 'int32'), dtypeError(/outside the int32 range/));
});

for (const backend of nb.listBackends()) {
  test(`[${backend}] int32 ops are exact above 2^24 and refuse results outside int32`, () => {
    nb.setBackend(backend);
    try {
      const vs = [2 ** 24 + 1, -(2 ** 24) - 3, 2 ** 31 - 1, -(2 ** 31) + 1, 0, 7];
      const x = nb.tensor(vs, undefined, 'int32');
      const check = (t: nb.Tensor, expected: number | number[], what: string) => {
        assert.equal(t.dtype, 'int32', what);
        assert.deepEqual(t.toArray(), expected, what);
      };
      check(
        nb.neg(x),
        vs.map((v) => -v + 0),
        'neg',
      );
      check(nb.abs(x), vs.map(Math.abs), 'abs');
      check(
        nb.sign(x),
        vs.map((v) => Math.sign(v) + 0),
        'sign',
      );
      check(nb.square(nb.tensor([46340, -46340, 4097], undefined, 'int32')), [46340 ** 2, 46340 ** 2, 4097 ** 2], 'square');
      const y = nb.tensor([2 ** 24 + 1, 2 ** 24 + 3], undefined, 'int32');
      check(nb.add(y, y), [2 ** 25 + 2, 2 ** 25 + 6], 'add');
      check(nb.sub(y, nb.tensor([1, 2], undefined, 'int32')), [2 ** 24, 2 ** 24 + 1], 'sub');
      check(nb.mul(y, nb.tensor([3, -5], undefined, 'int32')), [3 * (2 ** 24 + 1), -5 * (2 ** 24 + 3)], 'mul');
      check(nb.sum(y), 2 ** 25 + 4, 'sum');
      check(nb.max(y), 2 ** 24 + 3, 'max');
      check(nb.maximum(y, 2 ** 24 + 2), [2 ** 24 + 2, 2 ** 24 + 3], 'maximum');
      check(
        nb.clip(x, -(2 ** 24) - 1, 2 ** 24 + 1),
        vs.map((v) => Math.min(Math.max(v, -(2 ** 24) - 1), 2 ** 24 + 1)),
        'clip',
      );
      // the mean of integers is computed exactly and rounded once: (2²⁴+1 + 2²⁴+5)/2 = 2²⁴+3 → float32 2²⁴+4
      // (rounding the inputs to float32 first would give 2²⁴ and 2²⁴+4, so 2²⁴+2)
      const m = nb.mean(nb.tensor([2 ** 24 + 1, 2 ** 24 + 5], undefined, 'int32'));
      assert.equal(m.dtype, 'float32');
      assert.equal(m.item(), Math.fround(2 ** 24 + 3));

      const overflow = (f: () => unknown, op: string) =>
        assert.throws(f, dtypeError(new RegExp(`^${op}: the int32 (result|sum) -?\\d+ at \\[\\d*\\] is outside the int32 range`)), op);
      const min = nb.tensor([5, -(2 ** 31)], undefined, 'int32');
      overflow(() => nb.neg(min), 'neg');
      overflow(() => nb.abs(min), 'abs');
      overflow(() => nb.add(nb.tensor([2 ** 31 - 1], undefined, 'int32'), 1), 'add');
      overflow(() => nb.sub(min, 1), 'sub');
      overflow(() => nb.mul(nb.tensor([65536], undefined, 'int32'), nb.tensor([65536], undefined, 'int32')), 'mul');
      overflow(() => nb.sum(nb.tensor([2 ** 30, 2 ** 30], undefined, 'int32')), 'sum');
    } finally {
      nb.setBackend('wasm');
    }
  });
}

test('bool arithmetic: add is logical or, mul logical and, sub is refused (as in PyTorch)', () => {
  const a = nb.tensor([true, true, false, false]),
    b = nb.tensor([true, false, true, false]);
  assert.deepEqual(nb.add(a, b).toArray(), [true, true, true, false]);
  assert.deepEqual(nb.mul(a, b).toArray(), [true, false, false, false]);
  assert.equal(nb.add(a, b).dtype, 'bool');
  assert.throws(() => nb.sub(a, b), dtypeError(/^sub: not defined for two bool tensors/));
  assert.deepEqual(nb.add(a, 1).toArray(), [2, 2, 1, 1]); // a number makes int32
});
