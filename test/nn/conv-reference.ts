import type { Layer } from '../../src/nn/layer.js';
import { activate, nd, type Nd, type Reference } from './reference.js';

// The formulas of Conv1D, grouped Conv2D, Conv2DTranspose, DepthwiseConv2D,
// SeparableConv2D, UpSampling2D, ZeroPadding2D and Cropping2D with plain
// loops over float64 arrays (no nabla op), for the conformance check
// (conformance.ts) in conv-layers.test.ts.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fields = any;
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const zeros = (shape: number[]): Nd => ({ shape, data: new Float64Array(sizeOf(shape)) });
const weight = (layer: Layer, name: string): Nd | null => {
  const v = (layer as Fields)[name];
  return v ? nd(v.value) : null;
};

/** TensorFlow's padding of one axis: [before, after] for 'valid' or 'same'. */
function tfPads(n: number, k: number, s: number, d: number, padding: string): [number, number] {
  if (padding === 'valid') return [0, 0];
  const eff = (k - 1) * d + 1,
    out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + eff - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * y[b, i, j, o] = Σ x[b, i·s + a·d − t, j·s + e·d − l, g·cg + c]·K[a, e, c, o] + bias[o]
 * over the window inside the image, for the group g = ⌊o / (cout / G)⌋ of o; K [kh, kw, cg, cout].
 */
export function convGeneral(
  x: Nd,
  K: Nd,
  bias: Nd | null,
  s: [number, number],
  d: [number, number],
  pads: [[number, number], [number, number]],
  groups: number,
): Nd {
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const [kh, kw, cg, cout] = K.shape as [number, number, number, number];
  const oh = Math.floor((H + pads[0][0] + pads[0][1] - (kh - 1) * d[0] - 1) / s[0]) + 1;
  const ow = Math.floor((W + pads[1][0] + pads[1][1] - (kw - 1) * d[1] - 1) / s[1]) + 1;
  const y = zeros([N, oh, ow, cout]);
  const per = cout / groups;
  for (let b = 0; b < N; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < cout; o++) {
          const g = Math.floor(o / per);
          let acc = bias ? bias.data[o]! : 0;
          for (let a = 0; a < kh; a++)
            for (let e = 0; e < kw; e++) {
              const iy = i * s[0] + a * d[0] - pads[0][0],
                ix = j * s[1] + e * d[1] - pads[1][0];
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              for (let c = 0; c < cg; c++) acc += x.data[((b * H + iy) * W + ix) * C + g * cg + c]! * K.data[((a * kw + e) * cg + c) * cout + o]!;
            }
          y.data[((b * oh + i) * ow + j) * cout + o] = acc;
        }
  return y;
}

function conv1d(l: Fields, x: Nd): Nd {
  const [N, L, C] = x.shape as [number, number, number];
  const K = weight(l, 'kernel')!;
  const pads: [number, number] =
    l.padding === 'causal' ? [(l.kernelSize - 1) * l.dilationRate, 0] : tfPads(L, l.kernelSize, l.strides, l.dilationRate, l.padding);
  const y = convGeneral(
    { shape: [N, 1, L, C], data: x.data },
    { shape: [1, ...K.shape], data: K.data },
    weight(l, 'bias'),
    [1, l.strides],
    [1, l.dilationRate],
    [[0, 0], pads],
    l.groups,
  );
  return activate(l.activation, { shape: [N, y.shape[2]!, y.shape[3]!], data: y.data });
}

function conv2d(l: Fields, x: Nd): Nd {
  const K = weight(l, 'kernel')!;
  const [, H, W] = x.shape as [number, number, number, number];
  const pads: [[number, number], [number, number]] = [
    tfPads(H, l.kernelSize[0], l.strides[0], l.dilationRate[0], l.padding),
    tfPads(W, l.kernelSize[1], l.strides[1], l.dilationRate[1], l.padding),
  ];
  return activate(l.activation, convGeneral(x, K, weight(l, 'bias'), l.strides, l.dilationRate, pads, l.groups));
}

function depthwise(l: Fields, x: Nd, kernel: Nd): Nd {
  const [, H, W, C] = x.shape as [number, number, number, number];
  const [kh, kw, , m] = kernel.shape as [number, number, number, number];
  const pads: [[number, number], [number, number]] = [
    tfPads(H, kh, l.strides[0], l.dilationRate[0], l.padding),
    tfPads(W, kw, l.strides[1], l.dilationRate[1], l.padding),
  ];
  // [kh, kw, C, m] read as [kh, kw, 1, C·m]: output channel c·m + q is kernel[..., c, q], group c
  return convGeneral(x, { shape: [kh, kw, 1, C * m], data: kernel.data }, null, l.strides, l.dilationRate, pads, C);
}

const addBias = (y: Nd, bias: Nd | null): Nd => {
  if (!bias) return y;
  const n = bias.data.length;
  return { shape: y.shape, data: y.data.map((v, i) => v + bias.data[i % n]!) };
};

/** Keras's conv_utils.deconv_output_length. */
function deconvLength(n: number, k: number, s: number, d: number, padding: string, op: number | null): number {
  const eff = (k - 1) * d + 1;
  if (op === null) return padding === 'same' ? n * s : n * s + Math.max(eff - s, 0);
  return padding === 'same' ? (n - 1) * s + eff - 2 * Math.floor(eff / 2) + op : (n - 1) * s + eff + op;
}

/**
 * Every input pixel scatters x[b, i, j, c]·K[a, e, o, c] to (i·s + a·d, j·s + e·d) of
 * the full output; Keras's output is its window starting ⌊T/2⌋ in (T the surplus), zeros past its end.
 */
function conv2dTranspose(l: Fields, x: Nd): Nd {
  const K = weight(l, 'kernel')!;
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const [kh, kw, F] = K.shape as [number, number, number, number];
  const [s0, s1] = l.strides as [number, number],
    [d0, d1] = l.dilationRate as [number, number];
  const fullH = (H - 1) * s0 + (kh - 1) * d0 + 1,
    fullW = (W - 1) * s1 + (kw - 1) * d1 + 1;
  const full = zeros([N, fullH, fullW, F]);
  for (let b = 0; b < N; b++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let c = 0; c < C; c++) {
          const v = x.data[((b * H + i) * W + j) * C + c]!;
          for (let a = 0; a < kh; a++)
            for (let e = 0; e < kw; e++)
              for (let o = 0; o < F; o++)
                full.data[((b * fullH + i * s0 + a * d0) * fullW + j * s1 + e * d1) * F + o]! += v * K.data[((a * kw + e) * F + o) * C + c]!;
        }
  const op = l.outputPadding as [number, number] | null;
  const oh = deconvLength(H, kh, s0, d0, l.padding, op ? op[0] : null),
    ow = deconvLength(W, kw, s1, d1, l.padding, op ? op[1] : null);
  const top = Math.floor(Math.max(fullH - oh, 0) / 2),
    left = Math.floor(Math.max(fullW - ow, 0) / 2);
  const y = zeros([N, oh, ow, F]);
  for (let b = 0; b < N; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < F; o++) {
          const fi = i + top,
            fj = j + left;
          y.data[((b * oh + i) * ow + j) * F + o] =
            (fi < fullH && fj < fullW ? full.data[((b * fullH + fi) * fullW + fj) * F + o]! : 0) + (l.bias ? weight(l, 'bias')!.data[o]! : 0);
        }
  return activate(l.activation, y);
}

function upSampling(l: Fields, x: Nd): Nd {
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const [sh, sw] = l.size as [number, number];
  const y = zeros([N, H * sh, W * sw, C]);
  // the source coordinate (half-pixel centres), its two neighbours and weight
  const src = (i: number, s: number, n: number) => {
    const p = Math.min(Math.max((i + 0.5) / s - 0.5, 0), n - 1);
    const f = Math.floor(p);
    return [f, Math.min(f + 1, n - 1), p - f] as const;
  };
  const at = (b: number, i: number, j: number, c: number) => x.data[((b * H + i) * W + j) * C + c]!;
  for (let b = 0; b < N; b++)
    for (let i = 0; i < H * sh; i++)
      for (let j = 0; j < W * sw; j++)
        for (let c = 0; c < C; c++) {
          let v: number;
          if (l.interpolation === 'nearest') v = at(b, Math.floor(i / sh), Math.floor(j / sw), c);
          else {
            const [i0, i1, wi] = src(i, sh, H),
              [j0, j1, wj] = src(j, sw, W);
            v = (1 - wi) * ((1 - wj) * at(b, i0, j0, c) + wj * at(b, i0, j1, c)) + wi * ((1 - wj) * at(b, i1, j0, c) + wj * at(b, i1, j1, c));
          }
          y.data[((b * H * sh + i) * W * sw + j) * C + c] = v;
        }
  return y;
}

/** y = x shifted by (top, left) into a [N, H + t + b, W + l + r, C] image (negative sides crop). */
function shift(x: Nd, [[t, b], [l, r]]: [[number, number], [number, number]]): Nd {
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const oh = H + t + b,
    ow = W + l + r;
  const y = zeros([N, oh, ow, C]);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let c = 0; c < C; c++) {
          const si = i - t,
            sj = j - l;
          if (si >= 0 && si < H && sj >= 0 && sj < W) y.data[((n * oh + i) * ow + j) * C + c] = x.data[((n * H + si) * W + sj) * C + c]!;
        }
  return y;
}

const neg = (p: [[number, number], [number, number]]): [[number, number], [number, number]] => [
  [-p[0][0], -p[0][1]],
  [-p[1][0], -p[1][1]],
];

/** The reference formulas of this file's layer classes, by class name. */
export const CONV_REFERENCES: Record<string, Reference> = {
  Conv1D: (l, x) => conv1d(l, x),
  Conv2D: (l, x) => conv2d(l, x),
  Conv2DTranspose: (l, x) => conv2dTranspose(l, x),
  DepthwiseConv2D: (l, x) => activate((l as Fields).activation, addBias(depthwise(l, x, weight(l, 'depthwiseKernel')!), weight(l, 'bias'))),
  SeparableConv2D: (l, x) => {
    const y = depthwise(l, x, weight(l, 'depthwiseKernel')!);
    const P = weight(l, 'pointwiseKernel')!;
    return activate(
      (l as Fields).activation,
      convGeneral(
        y,
        P,
        weight(l, 'bias'),
        [1, 1],
        [1, 1],
        [
          [0, 0],
          [0, 0],
        ],
        1,
      ),
    );
  },
  UpSampling2D: (l, x) => upSampling(l, x),
  ZeroPadding2D: (l, x) => shift(x, (l as Fields).padding),
  Cropping2D: (l, x) => shift(x, neg((l as Fields).cropping)),
};
