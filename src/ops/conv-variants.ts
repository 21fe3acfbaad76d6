import { scoped } from '../autograd/tape.js';
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { checkSize, formatShape } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mul } from './arithmetic.js';
import { type ConvPadding, convolve, dilateInput, explicitPadding, type Pair, pair } from './conv.js';
import { floatTensor, toTensor, type TensorLike } from './convert.js';
import { flip } from './rearrange.js';
import { pad, permute, reshape } from './shape.js';
import { choiceArg, take } from './take.js';

/**
 * convolve for `op` (whose name its errors carry), recorded as a conv2d call
 * (as conv2d itself is), so that a traced program's ONNX export writes it as
 * one Conv (with its group) rather than meeting its im2col.
 */
function convCall(op: string, x: Tensor, k: Tensor, strides: Pair, padding: ConvPadding, dilation: Pair, groups: number, inputDilation: Pair): Tensor {
  return scoped('conv2d', 'op', [x, k], { strides, padding, dilation, groups, inputDilation }, () =>
    convolve(op, x, k, strides, padding, dilation, groups, inputDilation),
  );
}

/** Padding of conv1d: 'valid', 'same', 'causal' (all (k − 1)·d zeros on the left, as Keras's), a number, or [left, right]. */
export type Conv1dPadding = 'valid' | 'same' | 'causal' | number | readonly [number, number];

/**
 * 1-D convolution of x [N, L, Cin] with kernel [k, Cin/groups, Cout] (Keras's
 * layout): out[n, i, o] = Σ_{a,c} x[n, i·s + a·d, c] · kernel[a, c, o] (per
 * group as in conv2d), computed as conv2d over a height of 1.
 */
export function conv1d(x: TensorLike, kernel: TensorLike, stride = 1, padding: Conv1dPadding = 'valid', dilation = 1, groups = 1): Tensor {
  return scoped('conv1d', 'op', [x, kernel], { stride, padding, dilation, groups }, () => {
    const t = floatTensor('conv1d', 'x', x),
      k = floatTensor('conv1d', 'kernel', kernel);
    if (t.rank !== 3) throw new ShapeError(`conv1d: input ${formatShape(t.shape)} must be [batch, length, channels]`);
    if (k.rank !== 3) throw new ShapeError(`conv1d: kernel ${formatShape(k.shape)} must be [width, inChannels / groups, outChannels]`);
    const [s] = pair('conv1d', 'stride', stride),
      [d] = pair('conv1d', 'dilation', dilation);
    let p: ConvPadding;
    if (padding === 'valid' || padding === 'same') p = padding;
    else if (padding === 'causal')
      p = [
        [0, 0],
        [(k.shape[0]! - 1) * d, 0],
      ];
    else if (typeof padding === 'number')
      p = [
        [0, 0],
        [padding, padding],
      ];
    else if (Array.isArray(padding) && padding.length === 2)
      p = [
        [0, 0],
        [padding[0], padding[1]],
      ];
    else throw new ArgumentError(`conv1d: padding must be 'valid', 'same', 'causal', a non-negative integer or [left, right], got ${describe(padding)}`);
    const [N, L, C] = t.shape as [number, number, number];
    const out = convCall('conv1d', reshape(t, [N, 1, L, C]), reshape(k, [1, ...k.shape]), [1, s], p, [1, d], groups, 1);
    return reshape(out, [N, out.shape[2]!, out.shape[3]!]);
  });
}

/**
 * Transposed 2-D convolution (the gradient of conv2d with respect to its
 * input; "deconvolution") of x [N, H, W, Cin] with kernel [kh, kw, Cout, Cin]
 * (Keras's Conv2DTranspose layout): every input entry adds kernel-weighted
 * copies to a stride-spaced output,
 * out[n, i·s + a·d − pt, j·s + b·d − pl, o] += x[n, i, j, c] · kernel[a, b, o, c].
 * Output size per axis: (in − 1)·s + (k − 1)·d + 1 − before − after + outputPadding
 * with explicit padding (PyTorch's `padding`), in·s + outputPadding with
 * 'same' and (in − 1)·s + (k − 1)·d + 1 + outputPadding with 'valid'.
 * Computed as a convolution of the stride-dilated input with the flipped kernel.
 */
export function conv2dTranspose(
  x: TensorLike,
  kernel: TensorLike,
  strides: Pair = 1,
  padding: ConvPadding = 'valid',
  outputPadding: Pair = 0,
  dilation: Pair = 1,
): Tensor {
  return scoped('conv2dTranspose', 'op', [x, kernel], { strides, padding, outputPadding, dilation }, () => {
    const op = 'conv2dTranspose';
    const t = floatTensor(op, 'x', x),
      k = floatTensor(op, 'kernel', kernel);
    if (k.rank !== 4) throw new ShapeError(`${op}: kernel shape ${formatShape(k.shape)} must be [height, width, outChannels, inChannels]`);
    if (t.rank !== 4 || t.shape[3] !== k.shape[3]) {
      throw new ShapeError(
        `${op}: input ${formatShape(t.shape)} and kernel ${formatShape(k.shape)}: the input must be [batch, height, width, ${k.shape[3]}] to match the kernel's in-channels`,
      );
    }
    const s = pair(op, 'strides', strides),
      d = pair(op, 'dilation', dilation),
      op2 = pair(op, 'outputPadding', outputPadding, 0);
    for (let i = 0; i < 2; i++) {
      if (op2[i]! >= Math.max(s[i]!, d[i]!))
        throw new ArgumentError(`${op}: outputPadding [${op2.join(',')}] must be smaller than the strides or the dilation [${s.join(',')}], [${d.join(',')}]`);
    }
    const [kh, kw] = k.shape as [number, number];
    const eff = [(kh - 1) * d[0] + 1, (kw - 1) * d[1] + 1];
    const explicit = explicitPadding(op, padding);
    const pads = [0, 1].map((i) => {
      if (explicit) return explicit[i]!;
      if (padding === 'valid') return [0, 0];
      const total = Math.max(eff[i]! - s[i]!, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    }) as [number, number][];
    const [N, H, W] = t.shape as [number, number, number, number];
    const out = [H, W].map((n, i) => (n - 1) * s[i]! + eff[i]! - pads[i]![0] - pads[i]![1] + op2[i]!);
    if (out.some((o) => o < 1) || H === 0 || W === 0)
      throw new ShapeError(`${op}: input ${formatShape(t.shape)} with kernel ${formatShape(k.shape)} and this padding leaves an empty output`);
    checkSize(op, [N, out[0]!, out[1]!, k.shape[2]!]);
    // the stride-dilated input, padded by (k − 1)·d − before and (k − 1)·d − after + outputPadding (negative: cropped)
    const spread = dilateInput(t, s[0], s[1]);
    const padded = pad(spread, [
      [0, 0],
      [eff[0]! - 1 - pads[0]![0], eff[0]! - 1 - pads[0]![1] + op2[0]],
      [eff[1]! - 1 - pads[1]![0], eff[1]! - 1 - pads[1]![1] + op2[1]],
      [0, 0],
    ]);
    const flipped = flip(k, [0, 1]); // [kh, kw, Cout, Cin] read as [kh, kw, in = Cin, out = Cout] after the swap
    return convCall(op, padded, permute(flipped, [0, 1, 3, 2]), 1, 'valid', d, 1, 1);
  });
}

/**
 * Depthwise 2-D convolution: each input channel convolved with its own
 * `multiplier` filters, kernel [kh, kw, C, multiplier] (Keras's layout);
 * out[n, i, j, c·m + q] = Σ_{a,b} x[n, i·s + a·d, j·s + b·d, c] · kernel[a, b, c, q].
 * (conv2d with groups = C.)
 */
export function depthwiseConv2d(x: TensorLike, kernel: TensorLike, strides: Pair = 1, padding: ConvPadding = 'valid', dilation: Pair = 1): Tensor {
  return scoped('depthwiseConv2d', 'op', [x, kernel], { strides, padding, dilation }, () =>
    depthwise('depthwiseConv2d', x, kernel, strides, padding, dilation),
  );
}

function depthwise(op: string, x: TensorLike, kernel: TensorLike, strides: Pair, padding: ConvPadding, dilation: Pair): Tensor {
  const t = floatTensor(op, 'x', x),
    k = floatTensor(op, 'depthwiseKernel', kernel);
  if (k.rank !== 4 || t.rank !== 4 || t.shape[3] !== k.shape[2]) {
    throw new ShapeError(
      `${op}: input ${formatShape(t.shape)} and depthwise kernel ${formatShape(k.shape)} must be [batch, height, width, C] and [height, width, C, multiplier]`,
    );
  }
  const [kh, kw, C, m] = k.shape as [number, number, number, number];
  if (C === 0) throw new ShapeError(`${op}: input ${formatShape(t.shape)} has no channels`);
  return convCall(op, t, reshape(k, [kh, kw, 1, C * m]), strides, padding, dilation, C, 1);
}

/**
 * Separable 2-D convolution (Keras's SeparableConv2D): a depthwise
 * convolution (kernel [kh, kw, C, m]) followed by a 1×1 convolution mixing
 * the C·m channels (pointwiseKernel [1, 1, C·m, Cout]).
 */
export function separableConv2d(
  x: TensorLike,
  depthwiseKernel: TensorLike,
  pointwiseKernel: TensorLike,
  strides: Pair = 1,
  padding: ConvPadding = 'valid',
  dilation: Pair = 1,
): Tensor {
  return scoped('separableConv2d', 'op', [x, depthwiseKernel, pointwiseKernel], { strides, padding, dilation }, () => {
    const y = depthwise('separableConv2d', x, depthwiseKernel, strides, padding, dilation);
    const p = floatTensor('separableConv2d', 'pointwiseKernel', pointwiseKernel);
    if (p.rank !== 4 || p.shape[0] !== 1 || p.shape[1] !== 1 || p.shape[2] !== y.shape[3]) {
      throw new ShapeError(`separableConv2d: pointwise kernel ${formatShape(p.shape)} must be [1, 1, ${y.shape[3]}, outChannels]`);
    }
    return convCall('separableConv2d', y, p, 1, 'valid', 1, 1, 1);
  });
}

/** How `resize` reads between pixels. */
export type ResizeMethod = 'nearest' | 'bilinear';

/**
 * Where output pixel i samples an input axis of n (of m output pixels):
 * `alignCorners`: i·(n − 1)/(m − 1), corners on corners; `halfPixelCenters`
 * (the default, PyTorch's align_corners=False and TF 2's resize): (i + ½)·n/m − ½;
 * neither: i·n/m (TF 1's legacy, PyTorch's 'nearest').
 */
export interface ResizeOptions {
  alignCorners?: boolean;
  halfPixelCenters?: boolean;
}

/**
 * x [N, H, W, C] resized to `size` [outH, outW] (PyTorch's interpolate, TF's
 * image.resize). 'bilinear': out = (1 − w)·x[i₀] + w·x[i₁] along each axis,
 * from the source coordinate (see ResizeOptions, clamped to the input);
 * 'nearest': x[⌊src⌋] (⌊src + ½⌋ … with halfPixelCenters, i.e. ⌊(i + ½)·n/m⌋:
 * PyTorch's 'nearest-exact'; without it ⌊i·n/m⌋: PyTorch's 'nearest'; with
 * alignCorners the rounded coordinate). Differentiable in x (linear in it).
 */
export function resize(x: TensorLike, size: Pair, method: ResizeMethod = 'bilinear', options: ResizeOptions = {}): Tensor {
  return scoped('resize', 'op', [x], { size, method, options }, () => {
    const t = floatTensor('resize', 'x', x);
    if (t.rank !== 4) throw new ShapeError(`resize: input ${formatShape(t.shape)} must be [batch, height, width, channels]`);
    const out = pair('resize', 'size', size);
    const m = choiceArg('resize', 'method', method, ['nearest', 'bilinear'] as const);
    if (options === null || typeof options !== 'object') throw new ArgumentError(`resize: options must be an object, got ${describe(options)}`);
    const align = options.alignCorners ?? false,
      half = options.halfPixelCenters ?? !align;
    if (typeof align !== 'boolean' || typeof half !== 'boolean') throw new ArgumentError('resize: alignCorners and halfPixelCenters must be booleans');
    if (align && half) throw new ArgumentError('resize: alignCorners and halfPixelCenters exclude each other');
    const [, H, W] = t.shape as [number, number, number, number];
    if (H === 0 || W === 0) throw new ShapeError(`resize: input ${formatShape(t.shape)} is empty`);
    checkSize('resize', [t.shape[0]!, out[0], out[1], t.shape[3]!]);
    let y = t;
    [H, W].forEach((n, i) => {
      const axis = i + 1,
        mm = out[i]!;
      const src = (j: number) => (align ? (mm > 1 ? (j * (n - 1)) / (mm - 1) : 0) : half ? ((j + 0.5) * n) / mm - 0.5 : (j * n) / mm);
      if (m === 'nearest') {
        const idx = Array.from({ length: mm }, (_, j) => Math.min(n - 1, Math.max(0, align ? Math.round(src(j)) : Math.floor(half ? src(j) + 0.5 : src(j)))));
        y = take(y, idx, axis);
        return;
      }
      const i0: number[] = [],
        i1: number[] = [],
        w: number[] = [];
      for (let j = 0; j < mm; j++) {
        const s = Math.min(Math.max(src(j), 0), n - 1);
        const f = Math.floor(s);
        i0.push(f);
        i1.push(Math.min(f + 1, n - 1));
        w.push(s - f);
      }
      const shape = [1, 1, 1, 1];
      shape[axis] = mm;
      const wt = toTensor('resize', 'weights', new Float64Array(w), y.dtype);
      const w1 = reshape(wt, shape),
        w0 = reshape(toTensor('resize', 'weights', new Float64Array(w.map((v) => 1 - v)), y.dtype), shape);
      y = add(mul(take(y, i0, axis), w0), mul(take(y, i1, axis), w1));
    });
    return y;
  });
}
