import { kernels } from '../../backend/index.js';
import type { ScanOp } from '../../backend/kernels.js';
import { isFloat } from '../../core/dtype.js';
import { DTypeError, ShapeError } from '../../core/errors.js';
import { formatShape, reducedShape } from '../../core/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { mul } from '../arithmetic.js';
import type { Aval, PrimDef, ReduceAttrs } from '../prim.js';
import { broadcastTo, reshape } from '../shape.js';
import { cumulativeBackward, productOfOthers } from '../scan.js';
import { noGradient } from './common.js';

/** A scan's attributes: the op, the axis (normalised) and the direction (from the end when `reverse`). */
export interface ScanAttrs {
  op: ScanOp;
  axis: number;
  reverse: boolean;
}

/** The scan, product and sorting primitives of issue 18 and their attributes. */
export interface ScanPrimAttrs {
  scan: ScanAttrs;
  prod: ReduceAttrs;
  argsort: { axis: number; descending: boolean };
}

function checkAxis(op: string, shape: readonly number[], axis: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new ShapeError(`${op}: axis ${axis} is not an axis of shape ${formatShape(shape)}`);
  }
}

/** The public name of a scan, for errors. */
export const SCAN_NAMES: Record<ScanOp, string> = {
  sum: 'cumsum',
  prod: 'cumprod',
  max: 'cummax',
  min: 'cummin',
  logSumExp: 'logCumSumExp',
  argmax: 'cumArgmax',
  argmin: 'cumArgmin',
};

/**
 * The scan (cumulative) primitive: y[..., k, ...] = op over x[..., 0..k, ...] along `axis`
 * (over k..n−1 when `reverse`). Backward rules: cumsum's is the reverse cumsum of g; cumprod's
 * and logCumSumExp's are in ../scan.ts (cumulativeBackward); cummax's routes g[k] to the
 * index of the running maximum at k.
 */
export const scanPrims: { [P in keyof ScanPrimAttrs]: PrimDef<P> } = {
  scan: {
    shape: ([x], { op, axis }) => {
      const name = SCAN_NAMES[op];
      checkAxis(name, x!.shape, axis);
      if (x!.dtype === 'bool') throw new DTypeError(`${name}: not defined for bool tensors (shape ${formatShape(x!.shape)}); cast to int32 first`);
      if (op === 'logSumExp' && !isFloat(x!.dtype)) throw new DTypeError(`${name}: x must be a float tensor, got ${x!.dtype}`);
      return { shape: x!.shape, dtype: op === 'argmax' || op === 'argmin' ? 'int32' : x!.dtype };
    },
    forward: ([x], { op, axis, reverse }) => new Tensor(kernels().scan(op, x!.storage, x!.shape, axis, reverse), x!.shape),
    backward: (g, [x], y, attrs) => (attrs.op === 'argmax' || attrs.op === 'argmin' ? [null] : [cumulativeBackward(g, x!, y, attrs)]),
  },
  // ∂/∂xᵢ Π x = Π_{j≠i} xⱼ, computed without division (exact with zeros)
  prod: {
    shape: ([x]: readonly Aval[], { axes, keepDims }) => {
      if (axes.some((a) => !Number.isInteger(a) || a < 0 || a >= x!.shape.length) || new Set(axes).size !== axes.length) {
        throw new ShapeError(`prod: axes [${axes.join(',')}] are not distinct axes of shape ${formatShape(x!.shape)}`);
      }
      if (x!.dtype === 'bool') throw new DTypeError(`prod: not defined for bool tensors (shape ${formatShape(x!.shape)}); cast to int32 first`);
      return { shape: reducedShape(x!.shape, axes, keepDims), dtype: x!.dtype };
    },
    forward: ([x], { axes }, { shape }) => new Tensor(kernels().prod(x!.storage, x!.shape, axes), shape),
    backward: (g, [x], _o, { axes }) => [mul(broadcastTo(reshape(g, reducedShape(x!.shape, axes, true)), x!.shape), productOfOthers(x!, axes))],
  },
  argsort: {
    shape: ([x], { axis }) => {
      checkAxis('argsort', x!.shape, axis);
      if (x!.dtype === 'bool') throw new DTypeError(`argsort: not defined for bool tensors (shape ${formatShape(x!.shape)}); cast to int32 first`);
      return { shape: x!.shape, dtype: 'int32' };
    },
    forward: ([x], { axis, descending }) => new Tensor(kernels().argsort(x!.storage, x!.shape, axis, descending), x!.shape),
    backward: noGradient,
  },
};
