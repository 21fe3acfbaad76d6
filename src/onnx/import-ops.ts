// ONNX operators computed with nabla's ops (so an imported model is
// differentiable and traceable like any nabla function). ONNX images are
// NCHW; nabla's convolutions are NHWC with [kh, kw, in, out] kernels: Conv and
// the poolings transpose in and out. int64 values (shapes, indices) are int32.
import * as ops from '../index.js';
import { MAX_ELEMENTS } from '../core/shape.js';
import { scalar } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { OnnxImportError, type OnnxNode } from './import-graph.js';
import { recurrent } from './import-rnn.js';

type Impl = (x: (Tensor | undefined)[], node: OnnxNode, opset: number) => Tensor | Tensor[];

const attr = <T>(n: OnnxNode, name: string, dflt: T): T => (n.attrs.has(name) ? (n.attrs.get(name) as T) : dflt);
const fail = (n: OnnxNode, why: string) => new OnnxImportError(`onnx: node '${n.name}' (${n.opType}) ${why}`);
const need = (n: OnnxNode, x: (Tensor | undefined)[], i: number): Tensor => {
  const t = x[i];
  if (!t) throw fail(n, `needs input ${i + 1}`);
  return t;
};
/** The values of an int tensor (a shape, axes, pads) — read eagerly, as ONNX computes shapes at run time. */
const ints = (t: Tensor): number[] => Array.from(t.storage as ArrayLike<number>);
const axisOf = (a: number, rank: number) => (a < 0 ? a + rank : a);
const NCHW = [0, 3, 1, 2],
  NHWC = [0, 2, 3, 1];

const unary =
  (f: (t: Tensor) => Tensor): Impl =>
  (x, n) =>
    f(need(n, x, 0));
const binary =
  (f: (a: Tensor, b: Tensor) => Tensor): Impl =>
  (x, n) =>
    f(need(n, x, 0), need(n, x, 1));

/** Explicit ONNX pads [top, left, bottom, right] on an NHWC tensor, then a 'valid' window; `value` fills the padding. */
function padded(n: OnnxNode, t: Tensor, pads: number[], value: number): Tensor {
  if (pads.length !== 4 && pads.length !== 0) throw fail(n, `has pads [${pads.join(',')}]; nabla reads 2-D windows (4 pads)`);
  if (attr<string>(n, 'auto_pad', 'NOTSET') !== 'NOTSET' && attr<string>(n, 'auto_pad', 'NOTSET') !== 'VALID')
    throw fail(n, `has auto_pad ${attr(n, 'auto_pad', '')}; export with explicit pads`);
  const [t0, l0, b0, r0] = pads.length ? pads : [0, 0, 0, 0];
  return t0 || l0 || b0 || r0
    ? ops.pad(
        t,
        [
          [0, 0],
          [t0!, b0!],
          [l0!, r0!],
          [0, 0],
        ],
        value,
      )
    : t;
}

function window(n: OnnxNode, name: string, dflt: number): [number, number] {
  const v = attr<number[]>(n, name, [dflt, dflt]);
  if (v.length !== 2) throw fail(n, `has ${name} [${v.join(',')}]; nabla reads 2-D windows`);
  return [v[0]!, v[1]!];
}

function pool(kind: 'max' | 'avg'): Impl {
  return (x, n) => {
    const t = need(n, x, 0);
    if (t.rank !== 4) throw fail(n, `pools a rank-${t.rank} input; nabla pools 2-D images [N, C, H, W]`);
    if (attr(n, 'ceil_mode', 0)) throw fail(n, 'uses ceil_mode, which nabla does not have');
    if (n.outputs[1]) throw fail(n, "computes the max's indices (output 2), which nabla does not");
    if (attr<number[]>(n, 'dilations', [1, 1]).some((d) => d !== 1)) throw fail(n, "has dilations, which nabla's pooling does not have");
    const size = window(n, 'kernel_shape', 1),
      strides = window(n, 'strides', 1);
    const pads = attr<number[]>(n, 'pads', []);
    const h = ops.permute(t, NHWC);
    if (kind === 'max') return ops.permute(ops.maxPool2d(padded(n, h, pads, -Infinity), size, strides), NCHW);
    const count = attr(n, 'count_include_pad', 0);
    const p = padded(n, h, pads, 0);
    if (count || !pads.some((q) => q > 0)) return ops.permute(ops.avgPool2d(p, size, strides), NCHW);
    // an average of the real entries only: the sum over the window divided by how many are real
    const total = ops.mul(ops.avgPool2d(p, size, strides), size[0] * size[1]);
    const real = ops.mul(ops.avgPool2d(padded(n, ops.onesLike(ops.slice(h, [0, 0, 0, 0], [1, -1, -1, 1])), pads, 0), size, strides), size[0] * size[1]);
    return ops.permute(ops.div(total, real), NCHW);
  };
}

const WINDOW = ['auto_pad', 'dilations', 'kernel_shape', 'pads', 'strides'];
const RECURRENT = ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size', 'layout'];
/**
 * The attributes each operator may have that nabla reads or knows to change
 * nothing it computes (ratio and seed of an inference Dropout, momentum of an
 * inference BatchNormalization, storage_order of a MaxPool's indices, saturate of
 * a Cast to types nabla has). Any other attribute could change what the node
 * computes: importModel refuses it by name rather than ignore it.
 */
export const ATTRIBUTES: Record<string, readonly string[]> = {
  Dropout: ['ratio', 'seed'],
  LeakyRelu: ['alpha'],
  Elu: ['alpha'],
  Gemm: ['alpha', 'beta', 'transA', 'transB'],
  Softmax: ['axis'],
  LogSoftmax: ['axis'],
  Flatten: ['axis'],
  Reshape: ['allowzero'],
  Transpose: ['perm'],
  Shape: ['start', 'end'],
  Gather: ['axis'],
  Slice: ['starts', 'ends', 'axes'],
  ArgMax: ['axis', 'keepdims', 'select_last_index'],
  ArgMin: ['axis', 'keepdims', 'select_last_index'],
  Pad: ['mode', 'pads', 'value'],
  Unsqueeze: ['axes'],
  Squeeze: ['axes'],
  Concat: ['axis'],
  Cast: ['to', 'saturate'],
  Constant: ['value', 'value_float', 'value_floats', 'value_int', 'value_ints', 'value_string', 'value_strings', 'sparse_value'],
  ReduceSum: ['axes', 'keepdims', 'noop_with_empty_axes'],
  ReduceMean: ['axes', 'keepdims', 'noop_with_empty_axes'],
  ReduceMax: ['axes', 'keepdims', 'noop_with_empty_axes'],
  ReduceMin: ['axes', 'keepdims', 'noop_with_empty_axes'],
  Conv: [...WINDOW, 'group'],
  MaxPool: [...WINDOW, 'ceil_mode', 'storage_order'],
  AveragePool: [...WINDOW, 'ceil_mode', 'count_include_pad'],
  BatchNormalization: ['epsilon', 'momentum', 'spatial', 'training_mode'],
  LSTM: [...RECURRENT, 'input_forget'],
  GRU: [...RECURRENT, 'linear_before_reset'],
  RNN: RECURRENT,
  ConstantOfShape: ['value'],
  Clip: ['min', 'max'],
};

export const IMPORTS: Record<string, Impl> = {
  Identity: unary((t) => t),
  Dropout: (x, n, opset) => {
    // inference: the identity; a model exported in training mode drops at random, which an import does not
    if (opset >= 12 && x[2] && x[2].size === 1 && x[2].item())
      throw fail(n, 'is in training mode (its input training_mode is true); export the model for inference (model.eval())');
    const t = need(n, x, 0);
    return n.outputs[1] ? [t, ops.full(t.shape, true)] : t;
  },
  Neg: unary(ops.neg),
  Exp: unary(ops.exp),
  Log: unary(ops.log),
  Sqrt: unary(ops.sqrt),
  Abs: unary(ops.abs),
  Sign: unary(ops.sign),
  Sin: unary(ops.sin),
  Cos: unary(ops.cos),
  Tanh: unary(ops.tanh),
  Erf: unary(ops.erf),
  Sigmoid: unary(ops.sigmoid),
  Relu: unary(ops.relu),
  Softplus: unary(ops.softplus),
  Reciprocal: unary(ops.reciprocal),
  LeakyRelu: (x, n) => ops.leakyRelu(need(n, x, 0), attr(n, 'alpha', 0.01)),
  Elu: (x, n) => ops.elu(need(n, x, 0), attr(n, 'alpha', 1)),
  Add: binary(ops.add),
  Sub: binary(ops.sub),
  Mul: binary(ops.mul),
  Div: binary(ops.div),
  Pow: binary(ops.pow),
  Max: (x, n) => x.slice(1).reduce<Tensor>((a, _b, i) => ops.maximum(a, need(n, x, i + 1)), need(n, x, 0)),
  Min: (x, n) => x.slice(1).reduce<Tensor>((a, _b, i) => ops.minimum(a, need(n, x, i + 1)), need(n, x, 0)),
  Equal: binary(ops.equal),
  Greater: binary(ops.greater),
  Less: binary(ops.less),
  GreaterOrEqual: binary(ops.greaterEqual),
  LessOrEqual: binary(ops.lessEqual),
  Not: unary((t) => ops.equal(t, scalar(0, t.dtype))),
  Where: (x, n) => ops.where(need(n, x, 0), need(n, x, 1), need(n, x, 2)),
  MatMul: binary((a, b) => ops.matmul(a, b)),
  Gemm: (x, n) => {
    const a = need(n, x, 0),
      b = need(n, x, 1),
      c = x[2];
    let y = ops.matmul(a, b, attr<number>(n, 'transA', 0) === 1, attr<number>(n, 'transB', 0) === 1);
    const alpha = attr(n, 'alpha', 1),
      beta = attr(n, 'beta', 1);
    if (alpha !== 1) y = ops.mul(y, alpha);
    return c ? ops.add(y, beta === 1 ? c : ops.mul(c, beta)) : y;
  },
  Softmax: (x, n, opset) => softmaxLike(n, need(n, x, 0), opset, ops.softmax),
  LogSoftmax: (x, n, opset) => softmaxLike(n, need(n, x, 0), opset, ops.logSoftmax),
  Flatten: (x, n) => {
    const t = need(n, x, 0),
      axis = axisOf(attr(n, 'axis', 1), t.rank);
    const rows = t.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    return ops.reshape(t, [rows, t.size / Math.max(rows, 1)]);
  },
  Reshape: (x, n) => {
    const t = need(n, x, 0),
      shape = ints(need(n, x, 1));
    const allowZero = attr<number>(n, 'allowzero', 0) === 1;
    return ops.reshape(
      t,
      shape.map((d, i) => (d === 0 && !allowZero ? t.shape[i]! : d)),
    );
  },
  Transpose: (x, n) => {
    const t = need(n, x, 0);
    return ops.permute(t, attr(n, 'perm', [...Array(t.rank).keys()].reverse()));
  },
  Shape: (x, n) => {
    const t = need(n, x, 0),
      r = t.rank;
    const start = axisOf(attr(n, 'start', 0), r),
      end = axisOf(attr(n, 'end', r), r);
    return ops.tensor(t.shape.slice(start, end), [Math.max(0, end - start)], 'int32');
  },
  Gather: (x, n) => {
    const t = need(n, x, 0),
      axis = axisOf(attr(n, 'axis', 0), t.rank),
      idx = need(n, x, 1);
    // ONNX counts negative indices from the end (PyTorch's y[:, -1])
    const size = t.shape[axis] ?? 0;
    const values = ints(idx);
    return ops.gather(
      t,
      values.some((v) => v < 0)
        ? ops.tensor(
            values.map((v) => (v < 0 ? v + size : v)),
            [...idx.shape],
            'int32',
          )
        : idx,
      axis,
    );
  },
  Expand: (x, n) => {
    // ONNX broadcasts both ways: the output is the broadcast of the input's shape and the given one
    const t = need(n, x, 0),
      shape = ints(need(n, x, 1));
    const rank = Math.max(t.rank, shape.length);
    const a = [...Array(rank - t.rank).fill(1), ...t.shape],
      b = [...Array(rank - shape.length).fill(1), ...shape];
    const out = a.map((d, i) => {
      const e = b[i]!;
      if (d !== e && d !== 1 && e !== 1) throw fail(n, `expands [${t.shape.join(',')}] to [${shape.join(',')}], which do not broadcast`);
      return d === 1 ? e : d;
    });
    return ops.broadcastTo(t, out);
  },
  Slice: (x, n, opset) => {
    const t = need(n, x, 0);
    const starts = opset >= 10 ? ints(need(n, x, 1)) : attr<number[]>(n, 'starts', []);
    const ends = opset >= 10 ? ints(need(n, x, 2)) : attr<number[]>(n, 'ends', []);
    const axes = (opset >= 10 ? (x[3] ? ints(x[3]) : undefined) : attr<number[] | undefined>(n, 'axes', undefined)) ?? starts.map((_, i) => i);
    const steps = opset >= 10 && x[4] ? ints(x[4]) : starts.map(() => 1);
    if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length)
      throw fail(n, 'has starts, ends, axes and steps of different lengths');
    if (steps.some((q) => q !== 1)) throw fail(n, `has steps [${steps.join(',')}]; nabla slices with step 1`);
    const begin = t.shape.map(() => 0),
      size = t.shape.map((d) => d);
    axes.forEach((a0, i) => {
      const a = axisOf(a0, t.rank),
        d = t.shape[a];
      if (d === undefined) throw fail(n, `slices axis ${a0} of a rank-${t.rank} input`);
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
      const b = clamp(starts[i]!),
        e = clamp(ends[i]!);
      begin[a] = b;
      size[a] = Math.max(e - b, 0);
    });
    return ops.slice(t, begin, size);
  },
  ArgMax: (x, n) => argLike(n, need(n, x, 0), ops.argmax),
  ArgMin: (x, n) => argLike(n, need(n, x, 0), ops.argmin),
  Pad: (x, n, opset) => {
    const t = need(n, x, 0);
    const mode = attr(n, 'mode', 'constant');
    if (mode !== 'constant') throw fail(n, `pads in mode '${mode}'; nabla pads with a constant`);
    const p = opset >= 11 ? ints(need(n, x, 1)) : attr<number[]>(n, 'pads', []);
    const value = opset >= 11 ? (x[2] ? x[2].item() : 0) : attr(n, 'value', 0);
    const axes = opset >= 18 && x[3] ? ints(x[3]).map((a) => axisOf(a, t.rank)) : [...Array(t.rank).keys()];
    if (p.length !== 2 * axes.length || p.some((q) => q < 0))
      throw fail(n, `has pads [${p.join(',')}] for ${axes.length} axes; nabla pads by non-negative amounts`);
    const widths: [number, number][] = t.shape.map(() => [0, 0]);
    axes.forEach((a, i) => {
      widths[a] = [p[i]!, p[i + axes.length]!];
    });
    return p.some((q) => q > 0) ? ops.pad(t, widths, value) : t;
  },
  Unsqueeze: (x, n, opset) => {
    const t = need(n, x, 0),
      axes = opset >= 13 ? ints(need(n, x, 1)) : attr<number[]>(n, 'axes', []);
    const rank = t.rank + axes.length;
    const sorted = axes.map((a) => axisOf(a, rank)).sort((a, b) => a - b);
    return sorted.reduce((acc, a) => ops.expandDims(acc, a), t);
  },
  Squeeze: (x, n, opset) => {
    const t = need(n, x, 0),
      axes = opset >= 13 ? (x[1] ? ints(x[1]) : undefined) : attr<number[] | undefined>(n, 'axes', undefined);
    return ops.squeeze(
      t,
      axes?.map((a) => axisOf(a, t.rank)),
    );
  },
  Concat: (x, n) =>
    ops.concat(
      x.map((_, i) => need(n, x, i)),
      axisOf(attr(n, 'axis', 0), need(n, x, 0).rank),
    ),
  Cast: (x, n) => {
    const to = attr(n, 'to', 1);
    const dtype = to === 1 ? 'float32' : to === 11 ? 'float64' : to === 6 || to === 7 ? 'int32' : to === 9 ? 'bool' : null;
    if (!dtype) throw fail(n, `casts to ONNX element type ${to}, which nabla does not have`);
    return ops.cast(need(n, x, 0), dtype);
  },
  Constant: (_x, n) => {
    const v = n.attrs.get('value');
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
    const f = n.attrs.get('value_float'),
      i = n.attrs.get('value_int'),
      fs = n.attrs.get('value_floats'),
      is = n.attrs.get('value_ints');
    if (typeof f === 'number') return scalar(f, 'float32');
    if (typeof i === 'number') return scalar(i, 'int32');
    const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((e) => typeof e === 'number');
    if (numbers(fs)) return ops.tensor(fs, [fs.length], 'float32');
    if (numbers(is)) return ops.tensor(is, [is.length], 'int32');
    throw fail(n, 'has no value nabla reads (value, value_float(s), value_int(s))');
  },
  ReduceSum: (x, n, opset) => reduceLike(n, x, opset >= 13, ops.sum),
  ReduceMean: (x, n, opset) => reduceLike(n, x, opset >= 18, ops.mean),
  ReduceMax: (x, n, opset) => reduceLike(n, x, opset >= 18, ops.max),
  ReduceMin: (x, n, opset) => reduceLike(n, x, opset >= 18, ops.min),
  Conv: (x, n) => {
    const t = need(n, x, 0),
      k = need(n, x, 1),
      b = x[2];
    if (t.rank !== 4 || k.rank !== 4) throw fail(n, `convolves rank-${t.rank} input with a rank-${k.rank} kernel; nabla convolves 2-D images [N, C, H, W]`);
    if (attr(n, 'group', 1) !== 1) throw fail(n, `has group ${attr(n, 'group', 1)}; nabla's conv2d has no groups yet`);
    const ks = attr<number[] | undefined>(n, 'kernel_shape', undefined);
    if (ks && ks.join() !== k.shape.slice(2).join()) throw fail(n, `has kernel_shape [${ks.join(',')}], its kernel is [${k.shape.slice(2).join(',')}]`);
    const h = padded(n, ops.permute(t, NHWC), attr<number[]>(n, 'pads', []), 0);
    let y = ops.conv2d(h, ops.permute(k, [2, 3, 1, 0]), window(n, 'strides', 1), 'valid', window(n, 'dilations', 1));
    if (b) y = ops.add(y, b);
    return ops.permute(y, NCHW);
  },
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: (x, n) => ops.mean(need(n, x, 0), [2, 3], true),
  GlobalMaxPool: (x, n) => ops.max(need(n, x, 0), [2, 3], true),
  BatchNormalization: (x, n) => {
    const [t, scale, bias, mean, variance] = [0, 1, 2, 3, 4].map((i) => need(n, x, i)) as [Tensor, Tensor, Tensor, Tensor, Tensor];
    if (attr(n, 'training_mode', 0)) throw fail(n, 'is in training mode; export the model for inference (model.eval())');
    // opsets before 9: spatial = 0 normalizes per feature (C·H·W statistics), not per channel
    if (attr<number>(n, 'spatial', 1) === 0)
      throw fail(n, 'has spatial = 0 (statistics per C·H·W feature), which nabla does not read: export it with opset 9 or later');
    if (n.outputs.slice(1).some((o) => o)) throw fail(n, 'computes its running statistics (outputs 2 and later), which an inference import does not');
    // per channel (axis 1): reshape the statistics to [C, 1, 1, ...]
    const shape = [t.shape[1]!, ...Array(Math.max(0, t.rank - 2)).fill(1)];
    const r = (v: Tensor) => ops.reshape(v, shape);
    const inv = ops.div(r(scale), ops.sqrt(ops.add(r(variance), attr(n, 'epsilon', 1e-5))));
    return ops.add(ops.mul(ops.sub(t, r(mean)), inv), r(bias));
  },
  LSTM: (x, n) => recurrent(x, n),
  GRU: (x, n) => recurrent(x, n),
  RNN: (x, n) => recurrent(x, n),
  ConstantOfShape: (x, n) => {
    const shape = ints(need(n, x, 0));
    if (shape.some((d) => !Number.isSafeInteger(d) || d < 0) || shape.reduce((a, b) => a * b, 1) > MAX_ELEMENTS)
      throw fail(n, `makes a tensor of shape [${shape.join(',')}]`);
    const v = n.attrs.get('value');
    const fill = v && typeof v === 'object' && !Array.isArray(v) ? v : scalar(0, 'float32');
    if (fill.size !== 1) throw fail(n, 'has a value that is not one element');
    return ops.full(shape, fill.item(), fill.dtype);
  },
  Clip: (x, n, opset) => {
    const t = need(n, x, 0);
    const lo = opset >= 11 ? (x[1] ? x[1].item() : -Infinity) : attr(n, 'min', -Infinity);
    const hi = opset >= 11 ? (x[2] ? x[2].item() : Infinity) : attr(n, 'max', Infinity);
    return ops.clip(t, lo, hi);
  },
};

function softmaxLike(n: OnnxNode, t: Tensor, opset: number, f: (t: Tensor, axis: number) => Tensor): Tensor {
  const axis = axisOf(attr(n, 'axis', opset >= 13 ? -1 : 1), t.rank);
  // before opset 13 the softmax is over the flattened axes from `axis` on
  if (opset < 13 && axis !== t.rank - 1) {
    const rows = t.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    return ops.reshape(f(ops.reshape(t, [rows, t.size / Math.max(rows, 1)]), 1), t.shape);
  }
  return f(t, axis);
}

function reduceLike(n: OnnxNode, x: (Tensor | undefined)[], axesInput: boolean, f: (t: Tensor, axis: number[] | undefined, keep: boolean) => Tensor): Tensor {
  const t = need(n, x, 0);
  const axes = axesInput ? (x[1] ? ints(x[1]) : undefined) : attr<number[] | undefined>(n, 'axes', undefined);
  // with noop_with_empty_axes, no axes (an omitted input or an empty one) is the identity, not a reduction of every axis
  if (axesInput && !axes?.length && attr(n, 'noop_with_empty_axes', 0)) return t;
  return f(t, axes?.length ? axes.map((a) => axisOf(a, t.rank)) : undefined, attr(n, 'keepdims', 1) === 1);
}

function argLike(n: OnnxNode, t: Tensor, f: (t: Tensor, axis: number) => Tensor): Tensor {
  if (attr(n, 'select_last_index', 0)) throw fail(n, 'selects the last index of ties, which nabla does not');
  const axis = axisOf(attr(n, 'axis', 0), t.rank);
  const y = f(t, axis);
  return attr(n, 'keepdims', 1) ? ops.expandDims(y, axis) : y;
}
