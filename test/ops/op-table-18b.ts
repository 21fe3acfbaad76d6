import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { randn } from '../helpers.js';
import type { OpRow } from './op-table.js';

// Issue 18's indexing, shape, padding, clipping, convolution and pooling ops: rows of the op
// test table (spread into opTable), with PyTorch fixtures in test/fixtures/ops18b.json
// (made by make_ops18b_fixtures.py) and gradient samples for the checks at orders 1 and 2.

let seed = 1800;
const r = (...shape: number[]) => randn(shape, seed++);
const int = (values: number[], shape: number[]) => nb.tensor(values, shape, 'int32');
/** Values kept at least 0.2 from zero. */
const away = (...shape: number[]) => {
  const x = r(...shape);
  return nb.add(x, nb.mul(nb.sign(x), 0.2));
};

export const opTable18b: Record<string, OpRow> = {
  // indexing
  takeAlongAxis: {
    call: ([x, i], a) => nb.takeAlongAxis(x!, i!, a.axis),
    sample: () => ({ inputs: [r(3, 4), int([0, 3, 3, 1, 2, 0], [3, 2])], attrs: { axis: 1 }, fixed: [1] }),
  },
  gatherND: {
    call: ([x, i]) => nb.gatherND(x!, i!),
    sample: () => ({ inputs: [r(3, 2, 2), int([2, 1, 0, 0, 2, 1], [3, 2])], fixed: [1] }),
  },
  scatter: {
    call: ([x, i, u], a) => nb.scatter(x!, i!, u!, a.axis),
    sample: () => ({ inputs: [r(3, 4), int([1, 3, 0, 2, 2, 1], [3, 2]), r(3, 2)], attrs: { axis: 1 }, fixed: [1] }),
  },
  scatterReduce: {
    call: ([x, i, u], a) => nb.scatterReduce(x!, i!, u!, a.axis, a.reduce, a.includeSelf),
    sample: () => ({
      inputs: [away(2, 3), int([0, 0, 2, 1, 1, 1, 0, 2], [2, 4]), away(2, 4)],
      attrs: { axis: 1, reduce: 'prod', includeSelf: true },
      fixed: [1],
    }),
  },
  stridedSlice: {
    call: ([x], a) => nb.stridedSlice(x!, a.ranges),
    sample: () => ({
      inputs: [r(5, 4)],
      attrs: {
        ranges: [
          { start: -1, step: -2 },
          { start: 1, stop: 3 },
        ],
      },
    }),
  },
  // shape
  flip: { call: ([x], a) => nb.flip(x!, a.axis), sample: () => ({ inputs: [r(2, 3)], attrs: { axis: -1 } }) },
  roll: { call: ([x], a) => nb.roll(x!, a.shifts, a.axis), sample: () => ({ inputs: [r(3, 4)], attrs: { shifts: -5, axis: 1 } }) },
  tile: { call: ([x], a) => nb.tile(x!, a.reps), sample: () => ({ inputs: [r(2, 2)], attrs: { reps: [2, 3] } }) },
  repeat: { call: ([x], a) => nb.repeat(x!, a.repeats, a.axis), sample: () => ({ inputs: [r(3, 2)], attrs: { repeats: 2, axis: 0 } }) },
  tril: { call: ([x], a) => nb.tril(x!, a.k), sample: () => ({ inputs: [r(3, 3)], attrs: { k: 1 } }) },
  triu: { call: ([x], a) => nb.triu(x!, a.k), sample: () => ({ inputs: [r(2, 3, 3)], attrs: { k: -1 } }) },
  diag: { call: ([x], a) => nb.diag(x!, a.k), sample: () => ({ inputs: [r(3)], attrs: { k: -2 } }) },
  diagonal: {
    call: ([x], a) => nb.diagonal(x!, a.offset, a.axis1, a.axis2),
    sample: () => ({ inputs: [r(2, 3, 3)], attrs: { offset: 0, axis1: 1, axis2: 2 } }),
  },
  meshgridPart: {
    call: (xs, a) => nb.meshgrid(xs, a.indexing)[a.part]!,
    sample: () => ({ inputs: [r(2), r(3)], attrs: { indexing: 'xy', part: 0 } }),
  },
  unfold: { call: ([x], a) => nb.unfold(x!, a.axis, a.size, a.step), sample: () => ({ inputs: [r(5, 2)], attrs: { axis: 0, size: 2, step: 2 } }) },
  einsum: {
    call: (xs, a) => nb.einsum(a.equation, ...xs),
    sample: () => ({ inputs: [r(2, 3), r(3, 3, 2), r(2)], attrs: { equation: 'ij,jjk,k->i' } }),
  },
  // padding and clipping
  pad: {
    call: ([x], a) => nb.pad(x!, a.paddings, a.mode === undefined ? a.value : { mode: a.mode }),
    sample: () => ({
      inputs: [r(2, 3)],
      attrs: {
        paddings: [
          [0, 1],
          [2, 0],
        ],
        value: 0,
      },
    }),
  },
  clipTensor: {
    call: ([x, lo, hi]) => nb.clip(x!, lo!, hi!),
    sample: () => ({
      inputs: [nb.tensor([-2, -0.9, -0.3, 0.1, 0.4, 1.5], [2, 3], 'float64'), nb.tensor([-0.5, 0.2, -1], [3], 'float64'), nb.tensor([0.7], [1], 'float64')],
    }),
  },
  // convolution and pooling (NHWC)
  conv2d: {
    call: ([x, k], a) => nb.conv2d(x!, k!, a.strides, a.padding, a.dilation, a.groups, a.inputDilation),
    sample: () => ({
      inputs: [r(1, 4, 3, 4), r(2, 2, 2, 4)],
      attrs: {
        strides: 1,
        padding: [
          [0, 1],
          [1, 0],
        ],
        dilation: 1,
        groups: 2,
      },
    }),
  },
  conv1d: {
    call: ([x, k], a) => nb.conv1d(x!, k!, a.stride, a.padding, a.dilation, a.groups),
    sample: () => ({ inputs: [r(2, 5, 2), r(2, 2, 3)], attrs: { stride: 2, padding: 'causal', dilation: 1 } }),
  },
  conv2dTranspose: {
    call: ([x, k], a) => nb.conv2dTranspose(x!, k!, a.strides, a.padding, a.outputPadding, a.dilation),
    sample: () => ({ inputs: [r(1, 2, 3, 2), r(2, 3, 3, 2)], attrs: { strides: [2, 1], padding: 'same', outputPadding: [1, 0] } }),
  },
  depthwiseConv2d: {
    call: ([x, k], a) => nb.depthwiseConv2d(x!, k!, a.strides, a.padding, a.dilation),
    sample: () => ({ inputs: [r(1, 4, 4, 2), r(2, 2, 2, 2)], attrs: { strides: 1, padding: 'same' } }),
  },
  separableConv2d: {
    call: ([x, d, p], a) => nb.separableConv2d(x!, d!, p!, a.strides, a.padding, a.dilation),
    sample: () => ({ inputs: [r(1, 4, 3, 2), r(2, 2, 2, 1), r(1, 1, 2, 2)], attrs: { strides: 1, padding: 'same' } }),
  },
  maxPool2d: {
    call: ([x], a) => nb.maxPool2d(x!, a.poolSize, a.strides, a.padding, a.dilation, a.ceilMode),
    sample: () => ({ inputs: [r(2, 4, 5, 2)], attrs: { poolSize: 2, strides: 1, padding: 'same' } }),
  },
  avgPool2d: {
    call: ([x], a) => nb.avgPool2d(x!, a.poolSize, a.strides, a.padding, a.dilation, a.ceilMode),
    sample: () => ({ inputs: [r(2, 5, 5, 2)], attrs: { poolSize: [3, 2], strides: 2, padding: 'same' } }),
  },
  resize: {
    call: ([x], a) => nb.resize(x!, a.size, a.method, a.options),
    sample: () => ({ inputs: [r(1, 3, 4, 2)], attrs: { size: [5, 3], method: 'bilinear', options: {} } }),
  },
};

/** More gradient samples (attribute combinations the rows' own samples do not reach). */
export const extraSamples18b: { op: string; inputs: () => Tensor[]; attrs: Record<string, any>; fixed?: number[] }[] = [
  ...(['sum', 'mean', 'max', 'min'] as const).map((reduce) => ({
    op: 'scatterReduce',
    inputs: () => [r(2, 3), int([0, 0, 2, 1, 1, 1, 0, 2], [2, 4]), r(2, 4)],
    attrs: { axis: 1, reduce, includeSelf: reduce !== 'max' },
    fixed: [1],
  })),
  ...(['reflect', 'symmetric', 'replicate', 'circular'] as const).map((mode) => ({
    op: 'pad',
    inputs: () => [r(3, 2)],
    attrs: {
      paddings: [
        [2, -1],
        [1, 3],
      ],
      mode,
    },
  })),
  {
    op: 'pad',
    inputs: () => [r(3, 4)],
    attrs: {
      paddings: [
        [-1, 1],
        [1, -2],
      ],
      value: 2,
    },
  },
  { op: 'einsum', inputs: () => [r(2, 1, 2, 3), r(4, 3, 2)], attrs: { equation: '...ij,...jk' } },
  { op: 'stridedSlice', inputs: () => [r(4, 5)], attrs: { ranges: '::-1, 4:0:-3' } },
  { op: 'clip', inputs: () => [away(3, 4)], attrs: { max: 0.1 } },
  { op: 'conv2d', inputs: () => [r(1, 3, 3, 2), r(2, 2, 2, 2)], attrs: { strides: 2, padding: 1, inputDilation: [2, 1] } },
  {
    op: 'avgPool2d',
    inputs: () => [r(1, 5, 4, 1)],
    attrs: {
      poolSize: 2,
      strides: 2,
      padding: [
        [1, 0],
        [0, 1],
      ],
      dilation: 2,
      ceilMode: true,
    },
  },
  { op: 'maxPool2d', inputs: () => [r(1, 5, 4, 1)], attrs: { poolSize: 2, strides: 2, padding: 'valid', dilation: [1, 2], ceilMode: true } },
  {
    op: 'conv2dTranspose',
    inputs: () => [r(1, 2, 2, 1), r(3, 2, 2, 1)],
    attrs: {
      strides: 2,
      padding: [
        [2, 1],
        [0, 0],
      ],
      dilation: 2,
    },
  },
  { op: 'resize', inputs: () => [r(1, 3, 2, 1)], attrs: { size: [4, 5], method: 'bilinear', options: { alignCorners: true } } },
  { op: 'resize', inputs: () => [r(1, 3, 2, 1)], attrs: { size: [4, 1], method: 'bilinear', options: { halfPixelCenters: false } } },
];
