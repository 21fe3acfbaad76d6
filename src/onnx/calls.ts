// Composite ops written as one ONNX operator: nabla computes a convolution as
// im2col + a matrix product and a pooling as im2col + a reduction, which ONNX
// has no operator for; the program's named calls (Program.calls) say where
// they are, and they are written as Conv, MaxPool and AveragePool. nabla is
// NHWC with kernels [kh, kw, in, out]; ONNX is NCHW with [out, in, kh, kw]:
// Transposes around each (ONNX Runtime folds those of constant kernels).
import { window2d, type Pair, type Padding } from '../ops/conv.js';
import type { ProgramCall, ProgramVar } from '../trace/program.js';
import { OnnxExportError, type GraphWriter } from './writer.js';

/** The ops written whole. */
export const WHOLE_CALLS = new Set(['conv2d', 'maxPool2d', 'avgPool2d']);

const NCHW = [0, 3, 1, 2],
  NHWC = [0, 2, 3, 1];
const pairOf = (p: Pair | undefined, dflt: Pair): [number, number] => {
  const v = p ?? dflt;
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
};

/** ONNX pads [top, left, bottom, right] for TensorFlow's 'same'/'valid' window on an input of spatial size H×W. */
function pads(shape: readonly number[], size: [number, number], strides: [number, number], padding: Padding, dilation: [number, number]): number[] {
  const win = window2d('onnx', shape, size, strides, padding, dilation);
  const [, H, W] = shape as [number, number, number];
  const bottom = Math.max((win.outH - 1) * strides[0] + (size[0] - 1) * dilation[0] + 1 - H, 0) - win.padTop;
  const right = Math.max((win.outW - 1) * strides[1] + (size[1] - 1) * dilation[1] + 1 - W, 0) - win.padLeft;
  return [win.padTop, win.padLeft, Math.max(bottom, 0), Math.max(right, 0)];
}

/** Writes a conv2d/maxPool2d/avgPool2d call; returns the name of its output. */
export function emitCall(w: GraphWriter, call: ProgramCall): string {
  const x = call.inputs[0];
  if (!isVar(x)) throw new OnnxExportError(`onnx: ${call.op}'s input is not a tensor of the program`);
  const a = call.attrs as { strides?: Pair; padding?: Padding; dilation?: Pair; poolSize?: Pair; groups?: number; inputDilation?: Pair };
  if (pairOf(a.inputDilation, 1).some((d) => d !== 1)) throw new OnnxExportError(`onnx: ${call.op} with inputDilation has no ONNX Conv equivalent`);
  const padding = a.padding ?? 'valid';
  const xt = w.add('Transpose', [w.name(x)], { perm: NCHW });
  let y: string;
  if (call.op === 'conv2d') {
    const k = call.inputs[1];
    if (!isVar(k)) throw new OnnxExportError("onnx: conv2d's kernel is not a tensor of the program");
    const [kh, kw] = k.standIn as [number, number];
    const strides = pairOf(a.strides, 1),
      dilation = pairOf(a.dilation, 1);
    const kt = w.add('Transpose', [w.name(k)], { perm: [3, 2, 0, 1] });
    // ONNX's group splits the channels into the same contiguous blocks as nabla's groups; its weight [out, in / group, kh, kw] is the kernel's transpose
    const group = a.groups ?? 1;
    y = w.add('Conv', [xt, kt], {
      kernel_shape: [kh, kw],
      strides,
      dilations: dilation,
      pads: pads(x.standIn, [kh, kw], strides, padding, dilation),
      ...(group > 1 ? { group } : {}),
    });
  } else {
    const size = pairOf(a.poolSize, 1),
      strides = pairOf(a.strides, size);
    const p = pads(x.standIn, size, strides, padding, [1, 1]);
    // Keras's 'same' average counts only the real entries of a window
    y =
      call.op === 'maxPool2d'
        ? w.add('MaxPool', [xt], { kernel_shape: size, strides, pads: p })
        : w.add('AveragePool', [xt], { kernel_shape: size, strides, pads: p, count_include_pad: 0 });
  }
  return w.add('Transpose', [y], { perm: NHWC });
}

function isVar(v: unknown): v is ProgramVar {
  return v !== null && typeof v === 'object' && 'standIn' in v;
}
