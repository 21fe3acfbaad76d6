import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

// Issue 18 (part B): what the PyTorch fixtures (ops18b.json, run by ops.test.ts) cannot show —
// bad input raising nabla's errors that name the op, the argument and the shapes, and the
// conventions chosen where libraries differ.

const z = (...shape: number[]) => nb.zeros(shape);
const i32 = (values: number[], shape?: number[]) => nb.tensor(values, shape, 'int32');

const errors: [string, () => unknown, typeof nb.NablaError, RegExp][] = [
  ['takeAlongAxis rank', () => nb.takeAlongAxis(z(2, 3), i32([0]), 1), nb.ShapeError, /^takeAlongAxis: indices \[1\] must have the rank of x \[2,3\]$/],
  [
    'takeAlongAxis extent',
    () => nb.takeAlongAxis(z(2, 3), i32([0, 0, 0, 0, 0, 0], [3, 2]), 1),
    nb.ShapeError,
    /^takeAlongAxis: indices \[3,2\] are larger than x \[2,3\] on axis 0/,
  ],
  [
    'takeAlongAxis range',
    () => nb.takeAlongAxis(z(2, 3), i32([3], [1, 1]), 1),
    nb.ArgumentError,
    /^takeAlongAxis: index 3 is out of range for axis 1 of size 3 \(shape \[2,3\]\)$/,
  ],
  [
    'takeAlongAxis fractional',
    () => nb.takeAlongAxis(z(2, 3), [[0.5]], 1),
    nb.ArgumentError,
    /^takeAlongAxis: indices holds 0.5, which is not an int32 integer$/,
  ],
  [
    'gatherND K',
    () => nb.gatherND(z(2, 3), i32([0, 0, 0], [1, 3])),
    nb.ShapeError,
    /^gatherND: indices \[1,3\] must have rank >= 1 and a last dimension K <= 2, the rank of x \[2,3\]$/,
  ],
  ['gatherND range', () => nb.gatherND(z(2, 3), i32([1, 3], [1, 2])), nb.ArgumentError, /^gatherND: index 3 is out of range for axis 1 of size 3/],
  [
    'scatter updates',
    () => nb.scatter(z(2, 3), i32([0, 1], [1, 2]), z(3), 1),
    nb.ShapeError,
    /^scatter: updates \[3\] must have \(or broadcast to\) the shape of indices \[1,2\]$/,
  ],
  [
    'scatterReduce reduce',
    () => nb.scatterReduce(z(2, 3), i32([0], [1, 1]), 1, 1, 'amax' as never),
    nb.ArgumentError,
    /^scatterReduce: argument reduce must be 'sum', 'prod', 'mean', 'max', 'min'; got the string "amax"$/,
  ],
  [
    'scatterReduce includeSelf',
    () => nb.scatterReduce(z(2, 3), i32([0], [1, 1]), 1, 1, 'sum', 1 as never),
    nb.ArgumentError,
    /^scatterReduce: argument includeSelf must be a boolean, got 1$/,
  ],
  ['stridedSlice step 0', () => nb.stridedSlice(z(4), '::0'), nb.ArgumentError, /^stridedSlice: step on axis 0 must not be 0$/],
  ['stridedSlice rank', () => nb.stridedSlice(z(4), '1:, 2:'), nb.ShapeError, /^stridedSlice: 2 ranges for shape \[4\] of rank 1$/],
  ['stridedSlice text', () => nb.stridedSlice(z(4), '1:a'), nb.ArgumentError, /^stridedSlice: cannot read 'a' in the slice '1:a' as an integer$/],
  ['flip axis', () => nb.flip(z(2, 3), 2), nb.ArgumentError, /^flip: axis 2 is out of range for a tensor of rank 2$/],
  ['roll counts', () => nb.roll(z(2, 3), [1, 2], 0), nb.ArgumentError, /^roll: 2 shifts for 1 axes$/],
  ['tile reps', () => nb.tile(z(2), [-1]), nb.ArgumentError, /^tile: argument reps\[0\] must be an integer >= 0, got -1$/],
  ['repeat counts', () => nb.repeat(z(2, 3), [1, 2], 1), nb.ArgumentError, /^repeat: 2 repeats for axis 1 of size 3/],
  ['tril rank', () => nb.tril(z(3)), nb.ShapeError, /^tril: x \[3\] must have rank >= 2/],
  ['diag rank', () => nb.diag(z(2, 2, 2)), nb.ShapeError, /^diag: x \[2,2,2\] must be a vector or a matrix$/],
  ['diagonal axes', () => nb.diagonal(z(2, 2), 0, 1, -1), nb.ArgumentError, /^diagonal: axis1 and axis2 must differ, both are 1$/],
  ['meshgrid rank', () => nb.meshgrid([z(2), z(2, 2)]), nb.ShapeError, /^meshgrid: tensors\[1\] \[2,2\] must be 1-D$/],
  ['meshgrid indexing', () => nb.meshgrid([z(2)], 'yx' as never), nb.ArgumentError, /^meshgrid: argument indexing must be 'xy', 'ij'/],
  ['unfold size', () => nb.unfold(z(2, 3), 1, 4, 1), nb.ShapeError, /^unfold: window size 4 exceeds the size 3 of axis 1 of shape \[2,3\]$/],
  ['unfold step', () => nb.unfold(z(2, 3), 1, 2, 0), nb.ArgumentError, /^unfold: argument step must be an integer >= 1, got 0$/],
  ['einsum operands', () => nb.einsum('ij,jk->ik', z(2, 3)), nb.ArgumentError, /^einsum: 'ij,jk->ik' names 2 operands, got 1$/],
  [
    'einsum sizes',
    () => nb.einsum('ij,jk->ik', z(2, 3), z(4, 5)),
    nb.ShapeError,
    /^einsum: 'ij,jk->ik': subscript 'j' has sizes 3 and 4 in operands of shapes \[2,3\], \[4,5\]$/,
  ],
  ['einsum rank', () => nb.einsum('ijk', z(2, 3)), nb.ShapeError, /^einsum: 'ijk': subscripts 'ijk' name 3 axes of an operand of rank 2$/],
  ['einsum output', () => nb.einsum('ij->k', z(2, 3)), nb.ArgumentError, /^einsum: 'ij->k': output subscript 'k' appears in no operand$/],
  ['einsum letter', () => nb.einsum('i1', z(2, 3)), nb.ArgumentError, /^einsum: 'i1': '1' is not a subscript/],
  ['einsum diagonal', () => nb.einsum('ii', z(2, 3)), nb.ShapeError, /^einsum: 'ii': subscript 'i' has sizes 2 and 3 in operands of shapes \[2,3\]$/],
  ['pad mode', () => nb.pad(z(2), [[1, 1]], { mode: 'edge' as never }), nb.ArgumentError, /^pad: argument mode must be 'constant', 'reflect'/],
  [
    'pad crop',
    () =>
      nb.pad(z(2, 3), [
        [0, 0],
        [-2, -2],
      ]),
    nb.ArgumentError,
    /^pad: negative paddings \[\[0,0\],\[-2,-2\]\] crop more than shape \[2,3\] holds$/,
  ],
  [
    'pad empty reflect',
    () =>
      nb.pad(
        z(0, 3),
        [
          [1, 0],
          [0, 0],
        ],
        { mode: 'reflect' },
      ),
    nb.ArgumentError,
    /^pad: mode 'reflect' cannot pad axis 0 of size 0/,
  ],
  [
    'pad value with mode',
    () => nb.pad(z(2), [[1, 1]], { mode: 'reflect', value: 1 }),
    nb.ArgumentError,
    /^pad: a value goes with mode 'constant', not 'reflect'$/,
  ],
  ['clip no bound', () => nb.clip(z(2)), nb.ArgumentError, /^clip: give min, max or both$/],
  ['clip bound shape', () => nb.clip(z(2, 3), z(4)), nb.ShapeError, /^clip: shapes \[2,3\] and \[4\] cannot be broadcast/],
  [
    'conv2d groups',
    () => nb.conv2d(z(1, 3, 3, 4), z(2, 2, 2, 3), 1, 'valid', 1, 2),
    nb.ShapeError,
    /^conv2d: kernel \[2,2,2,3\]: 3 out-channels do not split into 2 groups$/,
  ],
  [
    'conv2d group channels',
    () => nb.conv2d(z(1, 3, 3, 4), z(2, 2, 3, 4), 1, 'valid', 1, 2),
    nb.ShapeError,
    /^conv2d: input \[1,3,3,4\] and kernel \[2,2,3,4\]: the input must be \[batch, height, width, 6\] to match the kernel's in-channels times 2 groups$/,
  ],
  [
    'conv2d padding',
    () =>
      nb.conv2d(z(1, 3, 3, 1), z(2, 2, 1, 1), 1, [
        [1, -1],
        [0, 0],
      ]),
    nb.ArgumentError,
    /^conv2d: padding must be 'valid', 'same', a non-negative integer or \[\[top, bottom\], \[left, right\]\], got \[\[1,-1\],\[0,0\]\]$/,
  ],
  [
    'conv2d window',
    () => nb.conv2d(z(1, 2, 2, 1), z(3, 3, 1, 1)),
    nb.ShapeError,
    /^conv2d: input \[1,2,2,1\] is smaller than the 3x3 window with 'valid' padding$/,
  ],
  ['conv1d rank', () => nb.conv1d(z(2, 3), z(2, 3, 1)), nb.ShapeError, /^conv1d: input \[2,3\] must be \[batch, length, channels\]$/],
  ['conv1d padding', () => nb.conv1d(z(1, 3, 1), z(2, 1, 1), 1, 'full' as never), nb.ArgumentError, /^conv1d: padding must be 'valid', 'same', 'causal'/],
  [
    'conv2dTranspose channels',
    () => nb.conv2dTranspose(z(1, 2, 2, 3), z(2, 2, 3, 2)),
    nb.ShapeError,
    /^conv2dTranspose: input \[1,2,2,3\] and kernel \[2,2,3,2\]: the input must be \[batch, height, width, 2\]/,
  ],
  [
    'conv2dTranspose outputPadding',
    () => nb.conv2dTranspose(z(1, 2, 2, 1), z(2, 2, 1, 1), 2, 'valid', 2),
    nb.ArgumentError,
    /^conv2dTranspose: outputPadding \[2,2\] must be smaller than the strides or the dilation \[2,2\], \[1,1\]$/,
  ],
  [
    'depthwiseConv2d channels',
    () => nb.depthwiseConv2d(z(1, 3, 3, 2), z(2, 2, 3, 1)),
    nb.ShapeError,
    /^depthwiseConv2d: input \[1,3,3,2\] and depthwise kernel \[2,2,3,1\] must be/,
  ],
  [
    'separableConv2d pointwise',
    () => nb.separableConv2d(z(1, 3, 3, 2), z(2, 2, 2, 2), z(1, 1, 2, 3)),
    nb.ShapeError,
    /^separableConv2d: pointwise kernel \[1,1,2,3\] must be \[1, 1, 4, outChannels\]$/,
  ],
  ['maxPool2d ceilMode', () => nb.maxPool2d(z(1, 3, 3, 1), 2, 2, 'valid', 1, 1 as never), nb.ArgumentError, /^maxPool2d: ceilMode must be a boolean, got 1$/],
  ['resize method', () => nb.resize(z(1, 2, 2, 1), 3, 'bicubic' as never), nb.ArgumentError, /^resize: argument method must be 'nearest', 'bilinear'/],
  [
    'resize both modes',
    () => nb.resize(z(1, 2, 2, 1), 3, 'bilinear', { alignCorners: true, halfPixelCenters: true }),
    nb.ArgumentError,
    /^resize: alignCorners and halfPixelCenters exclude each other$/,
  ],
  ['resize rank', () => nb.resize(z(2, 2), 3), nb.ShapeError, /^resize: input \[2,2\] must be \[batch, height, width, channels\]$/],
];

for (const [name, f, cls, pattern] of errors) {
  test(`bad input: ${name}`, () => assert.throws(f, (e: unknown) => e instanceof cls && pattern.test((e as Error).message), `expected ${cls.name} ${pattern}`));
}

test('scatter: with repeated indices the last update wins, and only it gets a gradient', () => {
  const x = nb.tensor([1, 2, 3], undefined, 'float64');
  const idx = i32([2, 0, 2]);
  assert.deepEqual(nb.scatter(x, idx, nb.tensor([10, 20, 30], undefined, 'float64'), 0).toArray(), [20, 2, 30]);
  const g = nb.grad((u: nb.Tensor) => nb.sum(nb.mul(nb.scatter(x, idx, u, 0), nb.tensor([1, 2, 3], undefined, 'float64'))))(
    nb.tensor([10, 20, 30], undefined, 'float64'),
  );
  assert.deepEqual(g.toArray(), [0, 1, 3]);
  // a number as updates, as PyTorch's scatter(value=)
  assert.deepEqual(nb.scatter(x, idx, 0, 0).toArray(), [0, 2, 0]);
});

test('stridedSlice: a string and a list of ranges mean the same, as NumPy slicing does', () => {
  const x = nb.reshape(nb.arange(0, 20), [4, 5]);
  const a = nb.stridedSlice(x, '::-2, 1:4');
  const b = nb.stridedSlice(x, [{ step: -2 }, { start: 1, stop: 4 }]);
  assert.deepEqual(a.toArray(), [
    [16, 17, 18],
    [6, 7, 8],
  ]);
  assert.deepEqual(b.toArray(), a.toArray());
  assert.deepEqual([...nb.stridedSlice(x, '3:1').shape], [0, 5]); // an empty range
  assert.deepEqual(nb.stridedSlice(x, '-1, -1').toArray(), [[19]]); // an integer keeps its axis
});

test('repeat is NumPy repeat (PyTorch repeat_interleave); tile is NumPy tile (PyTorch Tensor.repeat)', () => {
  assert.deepEqual(nb.repeat([1, 2], 2).toArray(), [1, 1, 2, 2]);
  assert.deepEqual(nb.tile([1, 2], 2).toArray(), [1, 2, 1, 2]);
  assert.deepEqual(nb.repeat(nb.tensor([[1, 2]], undefined, 'int32'), [2, 1], 1).toArray(), [[1, 1, 2]]);
});

test("meshgrid defaults to 'xy' (NumPy's default): the first two output axes are swapped", () => {
  const [X, Y] = nb.meshgrid([nb.tensor([1, 2, 3]), nb.tensor([4, 5])]);
  assert.deepEqual([...X!.shape], [2, 3]);
  assert.deepEqual(Y!.toArray(), [
    [4, 4, 4],
    [5, 5, 5],
  ]);
  const [I] = nb.meshgrid([nb.tensor([1, 2, 3]), nb.tensor([4, 5])], 'ij');
  assert.deepEqual([...I!.shape], [3, 2]);
});

test('einsum contracts pairs with matmul, pairing first the two whose result is smallest', () => {
  // (a·b)·c makes a [2,3] intermediate, a·(b·c) a [100,2] one
  const a = nb.randomNormal([2, 100], 0, 1, { dtype: 'float64', generator: new nb.Generator(1) });
  const b = nb.randomNormal([100, 3], 0, 1, { dtype: 'float64', generator: new nb.Generator(2) });
  const c = nb.randomNormal([3, 2], 0, 1, { dtype: 'float64', generator: new nb.Generator(3) });
  const program = nb.trace((x: nb.Tensor, y: nb.Tensor, w: nb.Tensor) => nb.einsum('ij,jk,kl->il', x, y, w))(
    nb.spec([2, 100], 'float64'),
    nb.spec([100, 3], 'float64'),
    nb.spec([3, 2], 'float64'),
  );
  const text = program.toString();
  assert.equal((text.match(/= matmul /g) ?? []).length, 2, text);
  assert.match(text, /= matmul \w+:f64\[1,2,100\] \w+:f64\[1,100,3\]/); // a·b first: a [2,3] intermediate
  assert.doesNotMatch(text, /f64\[100,2\]|f64\[1,100,2\]/); // never b·c
  const direct = nb.matmul(nb.matmul(a, b), c);
  const viaEinsum = nb.einsum('ij,jk,kl->il', a, b, c);
  const d = nb.max(nb.abs(nb.sub(direct, viaEinsum))).item();
  assert.ok(d < 1e-12, `einsum differs from the matrix products by ${d}`);
  // integer operands compute in float32
  assert.equal(nb.einsum('i,i', nb.tensor([1, 2], undefined, 'int32'), nb.tensor([3, 4], undefined, 'int32')).dtype, 'float32');
});

test('clip with one bound, or with tensor bounds broadcast against x', () => {
  assert.deepEqual(nb.clip([-2, 0, 2], 0).toArray(), [0, 0, 2]);
  assert.deepEqual(nb.clip([-2, 0, 2], null, 1).toArray(), [-2, 0, 1]);
  assert.deepEqual(nb.clip(nb.tensor([[-2, 0, 2]]), nb.tensor([[-1], [1]]), 1.5).toArray(), [
    [-1, 0, 1.5],
    [1, 1, 1.5],
  ]);
  assert.ok(Number.isNaN(nb.clip([Number.NaN], nb.tensor([0])).toArray()[0] as number));
});

test('conv2dTranspose is the adjoint of conv2d: <conv2d(x, k), y> = <x, conv2dTranspose(y, k)>', () => {
  const g = (seed: number, shape: number[]) => nb.randomNormal(shape, 0, 1, { dtype: 'float64', generator: new nb.Generator(seed) });
  for (const [strides, padding, dilation] of [
    [2, 'same', 1],
    [
      [2, 3],
      [
        [1, 0],
        [2, 1],
      ],
      1,
    ],
    [1, 'valid', 2],
  ] as const) {
    const x = g(1, [2, 8, 8, 3]),
      k = g(2, [3, 2, 3, 4]);
    const y0 = nb.conv2d(x, k, strides, padding, dilation);
    const y = g(3, [...y0.shape]);
    // conv2dTranspose's kernel is [kh, kw, out, in]: conv2d's kernel read the other way round
    const xt = nb.conv2dTranspose(y, k, strides, padding, 0, dilation);
    const extra = x.shape.map((d, i) => d - (xt.shape[i] ?? d)); // rows and columns that no window reads
    const xs = nb.slice(x, [0, 0, 0, 0], xt.shape as number[]);
    const lhs = nb.sum(nb.mul(y0, y)).item(),
      rhs = nb.sum(nb.mul(xs, xt)).item();
    assert.ok(extra.every((e) => e >= 0));
    assert.ok(Math.abs(lhs - rhs) < 1e-9 * (1 + Math.abs(lhs)), `${lhs} vs ${rhs}`);
  }
});
