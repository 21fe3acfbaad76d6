import { scoped } from '../autograd/tape.js';
import type { Window2D } from '../backend/kernels.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { describe } from '../core/describe.js';
import { checkSize, formatShape } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { div } from './arithmetic.js';
import { floatTensor, type TensorLike } from './convert.js';
import { matmul } from './linalg.js';
import { apply } from './prim.js';
import { max, sum } from './reduce.js';
import { reshape } from './shape.js';
import { ones } from '../tensor/create.js';

/** 'valid' (no padding: windows stay inside) or 'same' (zero padding so that out = ceil(in / stride), as in TensorFlow). */
export type Padding = 'valid' | 'same';

/** A size or stride given once for both spatial axes, or as [rows, columns]. */
export type Pair = number | readonly [number, number];

function pair(op: string, name: string, v: Pair): [number, number] {
  const p = (typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : null) as [number, number] | null;
  if (p === null || !p.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new ArgumentError(
      `${op}: ${name} must be a positive integer or a pair of them, got ${Array.isArray(v) ? `[${v.map(describe).join(',')}]` : describe(v)}`,
    );
  }
  return p;
}

/** The window geometry of a sliding-window op over an NHWC input, with TensorFlow's padding rules. */
export function window2d(op: string, shape: readonly number[], size: Pair, strides: Pair, padding: Padding, dilation: Pair = 1): Window2D {
  if (shape.length !== 4) throw new ShapeError(`${op}: input shape ${formatShape(shape)} must be [batch, height, width, channels]`);
  const [kh, kw] = pair(op, 'kernel size', size),
    [sh, sw] = pair(op, 'strides', strides),
    [dh, dw] = pair(op, 'dilation', dilation);
  if (padding !== 'valid' && padding !== 'same') throw new ArgumentError(`${op}: padding must be 'valid' or 'same', got ${describe(padding)}`);
  const [, H, W] = shape as [number, number, number, number];
  const eh = (kh - 1) * dh + 1,
    ew = (kw - 1) * dw + 1; // the effective (dilated) window
  let outH: number,
    outW: number,
    padTop = 0,
    padLeft = 0;
  if (padding === 'valid') {
    outH = Math.floor((H - eh) / sh) + 1;
    outW = Math.floor((W - ew) / sw) + 1;
  } else {
    outH = Math.ceil(H / sh);
    outW = Math.ceil(W / sw);
    padTop = Math.floor(Math.max((outH - 1) * sh + eh - H, 0) / 2);
    padLeft = Math.floor(Math.max((outW - 1) * sw + ew - W, 0) / 2);
  }
  if (outH < 1 || outW < 1) {
    throw new ShapeError(`${op}: input ${formatShape(shape)} is smaller than the ${eh}x${ew} window with 'valid' padding`);
  }
  // the patches (im2col) tensor is the largest this op makes: [N, outH, outW, kh, kw, C]
  checkSize(op, [shape[0]!, outH, outW, kh, kw, shape[3]!]);
  return { inShape: shape as Window2D['inShape'], kh, kw, strideH: sh, strideW: sw, dilationH: dh, dilationW: dw, padTop, padLeft, outH, outW };
}

/** im2col: the windows of x as [N, outH, outW, kh, kw, C] (padding positions take padValue). */
export function extractPatches(x: Tensor, win: Window2D, padValue = 0): Tensor {
  return apply('extractPatches', [x], { win, padValue });
}

/** col2im, the adjoint of extractPatches: patch entries summed back to their input positions. */
export function addPatches(patches: Tensor, win: Window2D): Tensor {
  return apply('addPatches', [patches], { win });
}

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) of
 * x [N, H, W, Cin] with kernel [kh, kw, Cin, Cout] (Keras's layout), giving an
 * output [N, outH, outW, Cout] with `out[n,i,j,o] = Σ x[n, i·s + a·d, j·s + b·d, c] · k[a,b,c,o]`.
 * Computed as im2col + matrix product, so its gradients (and theirs) follow.
 */
export function conv2d(x: TensorLike, kernel: TensorLike, strides: Pair = 1, padding: Padding = 'valid', dilation: Pair = 1): Tensor {
  return scoped('conv2d', 'op', [x, kernel], { strides, padding, dilation }, () => {
    const t = floatTensor('conv2d', 'x', x),
      k = floatTensor('conv2d', 'kernel', kernel);
    if (k.rank !== 4) throw new ShapeError(`conv2d: kernel shape ${formatShape(k.shape)} must be [height, width, inChannels, outChannels]`);
    if (t.rank !== 4 || t.shape[3] !== k.shape[2]) {
      throw new ShapeError(
        `conv2d: input ${formatShape(t.shape)} and kernel ${formatShape(k.shape)}: the input must be [batch, height, width, ${k.shape[2]}] to match the kernel's in-channels`,
      );
    }
    const [kh, kw, cin, cout] = k.shape as [number, number, number, number];
    const win = window2d('conv2d', t.shape, [kh, kw], strides, padding, dilation);
    const N = t.shape[0]!;
    const cols = reshape(extractPatches(t, win, 0), [N * win.outH * win.outW, kh * kw * cin]);
    return reshape(matmul(cols, reshape(k, [kh * kw * cin, cout])), [N, win.outH, win.outW, cout]);
  });
}

function poolPatches(op: string, x: TensorLike, poolSize: Pair, strides: Pair | undefined, padding: Padding, padValue: number) {
  const t = floatTensor(op, 'x', x);
  const win = window2d(op, t.shape, poolSize, strides ?? poolSize, padding);
  const C = t.shape[3]!;
  const patches = reshape(extractPatches(t, win, padValue), [t.shape[0]!, win.outH, win.outW, win.kh * win.kw, C]);
  return { t, win, patches };
}

/** Max pooling of x [N, H, W, C] over poolSize windows (strides default to poolSize); padding never wins. */
export function maxPool2d(x: TensorLike, poolSize: Pair, strides?: Pair, padding: Padding = 'valid'): Tensor {
  return scoped('maxPool2d', 'op', [x], { poolSize, strides, padding }, () => {
    return max(poolPatches('maxPool2d', x, poolSize, strides, padding, -Infinity).patches, 3);
  });
}

/** Average pooling of x [N, H, W, C]; with 'same' padding, each window averages only its real entries (as Keras does). */
export function avgPool2d(x: TensorLike, poolSize: Pair, strides?: Pair, padding: Padding = 'valid'): Tensor {
  return scoped('avgPool2d', 'op', [x], { poolSize, strides, padding }, () => {
    const { t, win, patches } = poolPatches('avgPool2d', x, poolSize, strides, padding, 0);
    const total = sum(patches, 3);
    if (padding === 'valid') return div(total, win.kh * win.kw);
    // count the real (unpadded) entries of each window
    const unit = { ...win, inShape: [1, t.shape[1]!, t.shape[2]!, 1] as Window2D['inShape'] };
    const count = sum(extractPatches(ones([1, t.shape[1]!, t.shape[2]!, 1], t.dtype), unit, 0), [3, 4]);
    return div(total, reshape(count, [1, win.outH, win.outW, 1]));
  });
}
