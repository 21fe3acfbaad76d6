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
import { pad, permute, reshape, slice } from './shape.js';
import { ones } from '../tensor/create.js';

/** 'valid' (no padding: windows stay inside) or 'same' (zero padding so that out = ceil(in / stride), as in TensorFlow). */
export type Padding = 'valid' | 'same';

/**
 * Padding of a convolution or pooling op: 'valid' or 'same' (see Padding),
 * one number p (p rows and columns on every side, PyTorch's `padding=p`), or
 * explicit [[top, bottom], [left, right]].
 */
export type ConvPadding = Padding | number | readonly [readonly [number, number], readonly [number, number]];

/** A size or stride given once for both spatial axes, or as [rows, columns]. */
export type Pair = number | readonly [number, number];

/** A Pair argument as [rows, columns] of integers ≥ `min` (1 by default). */
export function pair(op: string, name: string, v: Pair, min = 1): [number, number] {
  const p = (typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : null) as [number, number] | null;
  if (p === null || !p.every((d) => Number.isSafeInteger(d) && d >= min)) {
    throw new ArgumentError(
      `${op}: ${name} must be ${min === 1 ? 'a positive integer' : `an integer >= ${min}`} or a pair of them, got ${Array.isArray(v) ? `[${v.map(describe).join(',')}]` : describe(v)}`,
    );
  }
  return p;
}

/** Explicit padding [[top, bottom], [left, right]] from a number or the nested pairs; null for 'valid' and 'same'. */
export function explicitPadding(op: string, padding: ConvPadding): [[number, number], [number, number]] | null {
  if (padding === 'valid' || padding === 'same') return null;
  const ok = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (ok(padding)) {
    const p = padding as number;
    return [
      [p, p],
      [p, p],
    ];
  }
  if (Array.isArray(padding) && padding.length === 2 && padding.every((q) => Array.isArray(q) && q.length === 2 && q.every(ok))) {
    const [[t, b], [l, r]] = padding as [[number, number], [number, number]];
    return [
      [t, b],
      [l, r],
    ];
  }
  const shown = Array.isArray(padding)
    ? `[${padding.map((q) => (Array.isArray(q) ? `[${q.map(describe).join(',')}]` : describe(q))).join(',')}]`
    : describe(padding);
  throw new ArgumentError(`${op}: padding must be 'valid', 'same', a non-negative integer or [[top, bottom], [left, right]], got ${shown}`);
}

/**
 * The window geometry of a sliding-window op over an NHWC input: TensorFlow's
 * 'valid' and 'same', or explicit padding (PyTorch's), where
 * out = ⌊(in + before + after − ((k − 1)·d + 1)) / s⌋ + 1, or with `ceilMode`
 * ⌈…⌉ + 1 less a last window that would start past the input and its
 * leading padding (PyTorch's ceil_mode).
 */
export function window2d(
  op: string,
  shape: readonly number[],
  size: Pair,
  strides: Pair,
  padding: ConvPadding,
  dilation: Pair = 1,
  ceilMode = false,
): Window2D {
  if (shape.length !== 4) throw new ShapeError(`${op}: input shape ${formatShape(shape)} must be [batch, height, width, channels]`);
  const [kh, kw] = pair(op, 'kernel size', size),
    [sh, sw] = pair(op, 'strides', strides),
    [dh, dw] = pair(op, 'dilation', dilation);
  const explicit = explicitPadding(op, padding);
  if (typeof ceilMode !== 'boolean') throw new ArgumentError(`${op}: ceilMode must be a boolean, got ${describe(ceilMode)}`);
  const [, H, W] = shape as [number, number, number, number];
  const eh = (kh - 1) * dh + 1,
    ew = (kw - 1) * dw + 1; // the effective (dilated) window
  let outH: number,
    outW: number,
    padTop = 0,
    padLeft = 0;
  if (padding === 'same') {
    outH = Math.ceil(H / sh);
    outW = Math.ceil(W / sw);
    padTop = Math.floor(Math.max((outH - 1) * sh + eh - H, 0) / 2);
    padLeft = Math.floor(Math.max((outW - 1) * sw + ew - W, 0) / 2);
  } else {
    const [[t, b], [l, r]] = explicit ?? [
      [0, 0],
      [0, 0],
    ];
    const count = (n: number, before: number, after: number, e: number, s: number) => {
      const span = n + before + after - e;
      if (span < 0) return 0;
      if (!ceilMode) return Math.floor(span / s) + 1;
      let c = Math.ceil(span / s) + 1;
      if ((c - 1) * s >= n + before) c--; // the last window must start inside the input or its leading padding
      return c;
    };
    outH = count(H, t, b, eh, sh);
    outW = count(W, l, r, ew, sw);
    padTop = t;
    padLeft = l;
  }
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      `${op}: input ${formatShape(shape)} is smaller than the ${eh}x${ew} window with ${typeof padding === 'string' ? `'${padding}'` : 'this'} padding`,
    );
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
 * x [N, H, W, Cin] with kernel [kh, kw, Cin/groups, Cout] (Keras's layout), giving an
 * output [N, outH, outW, Cout] with `out[n,i,j,o] = Σ x[n, i·s + a·d, j·s + b·d, g·Cin/G + c] · k[a,b,c,o]`
 * over the group g = ⌊o·G/Cout⌋ of output channel o (`groups` G divides Cin
 * and Cout; G = Cin is a depthwise convolution). `inputDilation` spreads the
 * input first (d − 1 zeros between neighbours, as XLA's lhs dilation).
 * Computed as im2col + matrix product, so its gradients (and theirs) follow.
 */
export function conv2d(
  x: TensorLike,
  kernel: TensorLike,
  strides: Pair = 1,
  padding: ConvPadding = 'valid',
  dilation: Pair = 1,
  groups = 1,
  inputDilation: Pair = 1,
): Tensor {
  return scoped('conv2d', 'op', [x, kernel], { strides, padding, dilation, groups, inputDilation }, () =>
    convolve('conv2d', x, kernel, strides, padding, dilation, groups, inputDilation),
  );
}

/** conv2d for `op` (conv2d, conv1d, depthwiseConv2d, ...), whose name its errors carry. */
export function convolve(
  op: string,
  x: TensorLike,
  kernel: TensorLike,
  strides: Pair,
  padding: ConvPadding,
  dilation: Pair,
  groups: number,
  inputDilation: Pair,
): Tensor {
  let t = floatTensor(op, 'x', x);
  const k = floatTensor(op, 'kernel', kernel);
  if (k.rank !== 4) throw new ShapeError(`${op}: kernel shape ${formatShape(k.shape)} must be [height, width, inChannels / groups, outChannels]`);
  if (typeof groups !== 'number' || !Number.isSafeInteger(groups) || groups < 1)
    throw new ArgumentError(`${op}: groups must be a positive integer, got ${describe(groups)}`);
  const [kh, kw, cg, cout] = k.shape as [number, number, number, number];
  if (t.rank !== 4 || t.shape[3] !== cg * groups) {
    throw new ShapeError(
      `${op}: input ${formatShape(t.shape)} and kernel ${formatShape(k.shape)}: the input must be [batch, height, width, ${cg * groups}] to match the kernel's in-channels${groups > 1 ? ` times ${groups} groups` : ''}`,
    );
  }
  if (cout % groups !== 0) throw new ShapeError(`${op}: kernel ${formatShape(k.shape)}: ${cout} out-channels do not split into ${groups} groups`);
  const [ih, iw] = pair(op, 'inputDilation', inputDilation);
  if (ih > 1 || iw > 1) t = dilateInput(t, ih, iw);
  const win = window2d(op, t.shape, [kh, kw], strides, padding, dilation);
  const N = t.shape[0]!,
    P = N * win.outH * win.outW;
  const patches = extractPatches(t, win, 0);
  if (groups === 1) return reshape(matmul(reshape(patches, [P, kh * kw * cg]), reshape(k, [kh * kw * cg, cout])), [N, win.outH, win.outW, cout]);
  // one batched product per group: [G, P, kh·kw·cg] · [G, kh·kw·cg, cout/G]
  const G = groups;
  const cols = reshape(permute(reshape(patches, [P, kh * kw, G, cg]), [2, 0, 1, 3]), [G, P, kh * kw * cg]);
  const w = permute(reshape(k, [kh * kw * cg, G, cout / G]), [1, 0, 2]);
  return reshape(permute(matmul(cols, w), [1, 0, 2]), [N, win.outH, win.outW, cout]);
}

/** x [N, H, W, C] with d − 1 zeros between neighbouring rows (columns): [N, (H−1)·dh + 1, (W−1)·dw + 1, C]. */
export function dilateInput(t: Tensor, dh: number, dw: number): Tensor {
  const [N, H, W, C] = t.shape as [number, number, number, number];
  if (H === 0 || W === 0) return t;
  const spread = pad(reshape(t, [N, H, 1, W, 1, C]), [
    [0, 0],
    [0, 0],
    [0, dh - 1],
    [0, 0],
    [0, dw - 1],
    [0, 0],
  ]);
  return slice(reshape(spread, [N, H * dh, W * dw, C]), [0, 0, 0, 0], [N, (H - 1) * dh + 1, (W - 1) * dw + 1, C]);
}

function poolPatches(
  op: string,
  x: TensorLike,
  poolSize: Pair,
  strides: Pair | undefined,
  padding: ConvPadding,
  padValue: number,
  dilation: Pair,
  ceilMode: boolean,
) {
  const t = floatTensor(op, 'x', x);
  const win = window2d(op, t.shape, poolSize, strides ?? poolSize, padding, dilation, ceilMode);
  const C = t.shape[3]!;
  const patches = reshape(extractPatches(t, win, padValue), [t.shape[0]!, win.outH, win.outW, win.kh * win.kw, C]);
  return { t, win, patches };
}

/**
 * Max pooling of x [N, H, W, C] over poolSize windows (strides default to
 * poolSize; `dilation` spaces the window's taps; `ceilMode` keeps a last
 * partial window, as PyTorch's ceil_mode); padding never wins.
 */
export function maxPool2d(x: TensorLike, poolSize: Pair, strides?: Pair, padding: ConvPadding = 'valid', dilation: Pair = 1, ceilMode = false): Tensor {
  return scoped('maxPool2d', 'op', [x], { poolSize, strides, padding, dilation, ceilMode }, () => {
    return max(poolPatches('maxPool2d', x, poolSize, strides, padding, -Infinity, dilation, ceilMode).patches, 3);
  });
}

/**
 * Average pooling of x [N, H, W, C]. With 'same' padding each window
 * averages only its real entries (as Keras does); with explicit padding the
 * padded zeros count but a ceil-mode overhang does not (PyTorch's
 * count_include_pad); `dilation` and `ceilMode` as in maxPool2d.
 */
export function avgPool2d(x: TensorLike, poolSize: Pair, strides?: Pair, padding: ConvPadding = 'valid', dilation: Pair = 1, ceilMode = false): Tensor {
  return scoped('avgPool2d', 'op', [x], { poolSize, strides, padding, dilation, ceilMode }, () => {
    const { t, win, patches } = poolPatches('avgPool2d', x, poolSize, strides, padding, 0, dilation, ceilMode);
    const total = sum(patches, 3);
    const [H, W] = [t.shape[1]!, t.shape[2]!];
    const explicit = explicitPadding('avgPool2d', padding);
    const full = (win.outH - 1) * win.strideH + (win.kh - 1) * win.dilationH + 1 <= H + (explicit ? explicit[0][0] + explicit[0][1] : 0);
    const fullW = (win.outW - 1) * win.strideW + (win.kw - 1) * win.dilationW + 1 <= W + (explicit ? explicit[1][0] + explicit[1][1] : 0);
    if (padding !== 'same' && full && fullW) return div(total, win.kh * win.kw);
    // count the entries each window averages: the real ones ('same'), or those of the padded input (explicit padding)
    const [rh, rw] = explicit ? [H + explicit[0][0] + explicit[0][1], W + explicit[1][0] + explicit[1][1]] : [H, W];
    const unit = { ...win, inShape: [1, rh, rw, 1] as Window2D['inShape'], padTop: explicit ? 0 : win.padTop, padLeft: explicit ? 0 : win.padLeft };
    const count = sum(extractPatches(ones([1, rh, rw, 1], t.dtype), unit, 0), [3, 4]);
    return div(total, reshape(count, [1, win.outH, win.outW, 1]));
  });
}
