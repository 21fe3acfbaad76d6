import type { Tensor } from '../../src/index.js';
import type { Layer } from '../../src/nn/layer.js';

// Every layer's output computed from its formula with plain loops over
// float64 arrays: no nabla op is used, so a layer that drops its bias,
// normalises over the wrong axis or mixes up its gates disagrees with these.
// The shared conformance check (conformance.ts) compares each layer with
// `referenceOf(layer)`. A new layer class needs an entry in REFERENCES.

/** A plain n-d array: row-major data and its shape. */
export interface Nd {
  shape: number[];
  data: Float64Array;
}

/** The layer's output for x, by its formula; null when the mode is random (dropout in training). */
export type Reference = (layer: Layer, x: Nd, training: boolean) => Nd | null;

export const nd = (t: Tensor): Nd => ({ shape: [...t.shape], data: Float64Array.from(t.storage as ArrayLike<number>) });
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const zeros = (shape: number[]): Nd => ({ shape, data: new Float64Array(sizeOf(shape)) });
// the layers' own fields, read without nabla's types
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fields = any;
const weight = (layer: Layer, name: string): Nd | null => {
  const v = (layer as Fields)[name];
  return v ? nd(v.value) : null;
};

// ---- activations --------------------------------------------------------------

/** erf by its Maclaurin series for |x| < 2.5, else 1 − erfc by its continued fraction; ~1e-15. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = a,
      total = a;
    for (let n = 1; n < 80; n++) {
      term *= (-a * a) / n;
      total += term / (2 * n + 1);
    }
    return (Math.sign(x) * total * 2) / Math.sqrt(Math.PI);
  }
  // erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...))))), evaluated bottom up
  let f = a;
  for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
  return Math.sign(x) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f);
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const ELEMENTWISE: Record<string, (v: number) => number> = {
  linear: (v) => v,
  sigmoid,
  tanh: Math.tanh,
  relu: (v) => Math.max(v, 0),
  leakyRelu: (v) => (v > 0 ? v : 0.2 * v),
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  swish: (v) => v * sigmoid(v),
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  softplus: (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))),
  // issue 18 (Keras's and PyTorch's definitions)
  selu: (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v)),
  celu: (v) => (v > 0 ? v : Math.expm1(v)),
  softsign: (v) => v / (1 + Math.abs(v)),
  logSigmoid: (v) => -(Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v)))),
  hardSigmoid: (v) => Math.min(Math.max(v / 6 + 0.5, 0), 1),
  hardSigmoidKeras2: (v) => Math.min(Math.max(0.2 * v + 0.5, 0), 1), // Keras 2's and TF.js's
  relu6: (v) => Math.min(Math.max(v, 0), 6),
  hardSwish: (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6,
  mish: (v) => v * Math.tanh(Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))),
};

/** An activation by name applied to a copy of a (softmax over the last axis). */
export function activate(name: string, a: Nd): Nd {
  const out = Float64Array.from(a.data);
  if (name === 'softmin') return activate('softmax', { shape: a.shape, data: a.data.map((v) => -v) });
  if (name === 'softmax') {
    const n = a.shape[a.shape.length - 1]!;
    for (let r = 0; r < out.length; r += n) {
      let m = -Infinity,
        s = 0;
      for (let j = 0; j < n; j++) m = Math.max(m, out[r + j]!);
      for (let j = 0; j < n; j++) s += Math.exp(out[r + j]! - m);
      for (let j = 0; j < n; j++) out[r + j] = Math.exp(out[r + j]! - m) / s;
    }
    return { shape: [...a.shape], data: out };
  }
  const f = ELEMENTWISE[name];
  if (!f) throw new Error(`reference: no formula for activation '${name}'`);
  return { shape: [...a.shape], data: out.map(f) };
}

// ---- dense, convolution, pooling -----------------------------------------------

/** y[..., j] = act(Σᵢ x[..., i]·W[i, j] + b[j]). */
export function dense(x: Nd, W: Nd, b: Nd | null, act: string): Nd {
  const [nIn, units] = W.shape as [number, number];
  const rows = x.data.length / nIn;
  const y = zeros([...x.shape.slice(0, -1), units]);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < units; j++) {
      let s = b ? b.data[j]! : 0;
      for (let i = 0; i < nIn; i++) s += x.data[r * nIn + i]! * W.data[i * units + j]!;
      y.data[r * units + j] = s;
    }
  }
  return activate(act, y);
}

/** Output size and leading padding of one spatial axis (TensorFlow's 'valid' and 'same'). */
function axisWindow(n: number, k: number, stride: number, dilation: number, padding: string): { out: number; pad: number } {
  const span = (k - 1) * dilation + 1;
  if (padding === 'valid') return { out: Math.floor((n - span) / stride) + 1, pad: 0 };
  const out = Math.ceil(n / stride);
  return { out, pad: Math.floor(Math.max((out - 1) * stride + span - n, 0) / 2) };
}

/**
 * Each position of each output channel of NHWC images, visiting the input
 * entries of its window that lie inside the image: visit(b, iy, ix, ky, kx).
 */
function windows(
  x: Nd,
  k: [number, number],
  strides: [number, number],
  dilation: [number, number],
  padding: string,
  channels: number,
  each: (out: number[], visit: (f: (b: number, iy: number, ix: number, ky: number, kx: number) => void) => void) => number,
) {
  const [N, H, W] = x.shape as [number, number, number, number];
  const wh = axisWindow(H, k[0], strides[0], dilation[0], padding),
    ww = axisWindow(W, k[1], strides[1], dilation[1], padding);
  const y = zeros([N, wh.out, ww.out, channels]);
  for (let b = 0; b < N; b++) {
    for (let oy = 0; oy < wh.out; oy++) {
      for (let ox = 0; ox < ww.out; ox++) {
        const visit = (f: (b: number, iy: number, ix: number, ky: number, kx: number) => void) => {
          for (let ky = 0; ky < k[0]; ky++) {
            for (let kx = 0; kx < k[1]; kx++) {
              const iy = oy * strides[0] + ky * dilation[0] - wh.pad,
                ix = ox * strides[1] + kx * dilation[1] - ww.pad;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W) f(b, iy, ix, ky, kx);
            }
          }
        };
        for (let c = 0; c < channels; c++) y.data[((b * wh.out + oy) * ww.out + ox) * channels + c] = each([b, oy, ox, c], visit);
      }
    }
  }
  return y;
}

/** y[b, oy, ox, f] = act(Σ x[b, iy, ix, c]·K[ky, kx, c, f] + bias[f]) over the window (zero padding). */
export function conv2d(x: Nd, K: Nd, bias: Nd | null, strides: [number, number], padding: string, dilation: [number, number], act: string): Nd {
  const [kh, kw, cin, filters] = K.shape as [number, number, number, number];
  const [, H, W] = x.shape as [number, number, number, number];
  const y = windows(x, [kh, kw], strides, dilation, padding, filters, ([, , , f], visit) => {
    let s = bias ? bias.data[f!]! : 0;
    visit((b, iy, ix, ky, kx) => {
      for (let c = 0; c < cin; c++) s += x.data[((b * H + iy) * W + ix) * cin + c]! * K.data[((ky * kw + kx) * cin + c) * filters + f!]!;
    });
    return s;
  });
  return activate(act, y);
}

/** Max or mean of each window, per channel, over the entries inside the image. */
export function pool2d(x: Nd, kind: 'max' | 'avg', size: [number, number], strides: [number, number], padding: string): Nd {
  const [, H, W, C] = x.shape as [number, number, number, number];
  return windows(x, size, strides, [1, 1], padding, C, ([, , , c], visit) => {
    let m = -Infinity,
      s = 0,
      n = 0;
    visit((b, iy, ix) => {
      const v = x.data[((b * H + iy) * W + ix) * C + c!]!;
      m = Math.max(m, v);
      s += v;
      n++;
    });
    return kind === 'max' ? m : s / n;
  });
}

/** Max or mean over height and width: [N, H, W, C] → [N, C]. */
export function globalPool2d(x: Nd, kind: 'max' | 'avg'): Nd {
  const [N, H, W, C] = x.shape as [number, number, number, number];
  return { shape: [N, C], data: pool2d(x, kind, [H, W], [1, 1], 'valid').data };
}

// ---- normalisation ---------------------------------------------------------------

/**
 * y = γ·(x − μ)/√(σ² + ε) + β per channel along `axis`: in training μ, σ²
 * are the channel's mean and biased variance over every other axis, in
 * inference the moving statistics.
 */
export function batchNorm(x: Nd, axis: number, gamma: Nd | null, beta: Nd | null, movingMean: Nd, movingVariance: Nd, epsilon: number, training: boolean): Nd {
  const a = axis < 0 ? axis + x.shape.length : axis;
  const C = x.shape[a]!,
    inner = sizeOf(x.shape.slice(a + 1));
  const channelOf = (i: number) => Math.floor(i / inner) % C;
  let mean = Array.from(movingMean.data),
    variance = Array.from(movingVariance.data);
  if (training) {
    const sum = new Array<number>(C).fill(0),
      sq = new Array<number>(C).fill(0),
      n = new Array<number>(C).fill(0);
    x.data.forEach((v, i) => {
      sum[channelOf(i)]! += v;
      n[channelOf(i)]!++;
    });
    mean = sum.map((s, c) => s / n[c]!);
    x.data.forEach((v, i) => {
      sq[channelOf(i)]! += (v - mean[channelOf(i)]!) ** 2;
    });
    variance = sq.map((s, c) => s / n[c]!);
  }
  const y = zeros([...x.shape]);
  x.data.forEach((v, i) => {
    const c = channelOf(i);
    y.data[i] = ((gamma ? gamma.data[c]! : 1) * (v - mean[c]!)) / Math.sqrt(variance[c]! + epsilon) + (beta ? beta.data[c]! : 0);
  });
  return y;
}

// ---- recurrent layers: a plain loop over time of each layer's equations ------------

/** Row r of x [B, T, F] at time t as an array. */
const stepInput = (x: Nd, b: number, t: number): number[] => {
  const [, T, F] = x.shape as [number, number, number];
  return Array.from(x.data.subarray((b * T + t) * F, (b * T + t + 1) * F));
};
/** v·M[:, from..from+n) for M [rows, cols]. */
const vecMat = (v: number[], M: Nd, from: number, n: number): number[] => {
  const cols = M.shape[1]!;
  return Array.from({ length: n }, (_, j) => v.reduce((s, vi, i) => s + vi * M.data[i * cols + from + j]!, 0));
};
const addv = (...vs: number[][]): number[] => vs[0]!.map((_, j) => vs.reduce((s, v) => s + v[j]!, 0));
const part = (b: Nd | null, from: number, n: number): number[] => (b ? Array.from(b.data.subarray(from, from + n)) : new Array<number>(n).fill(0));
const f1 = (name: string) => (v: number[]) => Array.from(activate(name, { shape: [v.length], data: Float64Array.from(v) }).data);

/**
 * Runs `step` over time from zero states (reversed with goBackwards) and
 * returns the last h [B, u] or every h [B, T, u] in the order of processing.
 */
function loop(layer: Fields, x: Nd, stateCount: number, step: (xt: number[], states: number[][]) => number[][]): Nd {
  const [B, T] = x.shape as [number, number, number];
  const u: number = layer.units;
  const out = zeros(layer.returnSequences ? [B, T, u] : [B, u]);
  for (let b = 0; b < B; b++) {
    let states = Array.from({ length: stateCount }, () => new Array<number>(u).fill(0));
    for (let k = 0; k < T; k++) {
      states = step(stepInput(x, b, layer.goBackwards ? T - 1 - k : k), states);
      if (layer.returnSequences) out.data.set(states[0]!, (b * T + k) * u);
    }
    if (!layer.returnSequences) out.data.set(states[0]!, b * u);
  }
  return out;
}

/** SimpleRNN: h_t = act(x_t·W + h_{t−1}·U + b). */
export function simpleRnn(layer: Layer, x: Nd): Nd {
  const l = layer as Fields,
    u: number = l.units;
  const W = nd(l.kernel.value),
    U = nd(l.recurrentKernel.value),
    b = weight(layer, 'bias');
  const act = f1(l.activation);
  return loop(l, x, 1, (xt, [h]) => [act(addv(vecMat(xt, W, 0, u), vecMat(h!, U, 0, u), part(b, 0, u)))]);
}

/** LSTM, gates i, f, c, o: z = x_t·W + h·U + b; c_t = σ(f)·c + σ(i)·act(c̃); h_t = σ(o)·act(c_t). */
export function lstm(layer: Layer, x: Nd): Nd {
  const l = layer as Fields,
    u: number = l.units;
  const W = nd(l.kernel.value),
    U = nd(l.recurrentKernel.value),
    b = weight(layer, 'bias');
  const act = f1(l.activation),
    sig = f1(l.recurrentActivation);
  return loop(l, x, 2, (xt, [h, c]) => {
    const gate = (g: number) => addv(vecMat(xt, W, g * u, u), vecMat(h!, U, g * u, u), part(b, g * u, u));
    const i = sig(gate(0)),
      f = sig(gate(1)),
      cand = act(gate(2)),
      o = sig(gate(3));
    const cNew = c!.map((cj, j) => f[j]! * cj + i[j]! * cand[j]!);
    const hNew = act(cNew).map((v, j) => o[j]! * v);
    return [hNew, cNew];
  });
}

/**
 * GRU, gates z, r, h. resetAfter (bias [2, 3u]: input, recurrent):
 * z = σ(x·Wz + bz + h·Uz + b'z), r likewise, h̃ = act(x·Wh + bh + r·(h·Uh + b'h));
 * otherwise (bias [3u]): h̃ = act(x·Wh + bh + (r·h)·Uh). Then h_t = z·h + (1 − z)·h̃.
 */
export function gru(layer: Layer, x: Nd): Nd {
  const l = layer as Fields,
    u: number = l.units;
  const W = nd(l.kernel.value),
    U = nd(l.recurrentKernel.value),
    b = weight(layer, 'bias');
  const act = f1(l.activation),
    sig = f1(l.recurrentActivation);
  const bIn = (g: number) => part(b, g * u, u);
  const bRec = (g: number) => (l.resetAfter ? part(b, 3 * u + g * u, u) : new Array<number>(u).fill(0));
  return loop(l, x, 1, (xt, [h]) => {
    const xg = (g: number) => addv(vecMat(xt, W, g * u, u), bIn(g));
    const z = sig(addv(xg(0), vecMat(h!, U, 0, u), bRec(0)));
    const r = sig(addv(xg(1), vecMat(h!, U, u, u), bRec(1)));
    const cand = l.resetAfter
      ? act(
          addv(
            xg(2),
            addv(vecMat(h!, U, 2 * u, u), bRec(2)).map((v, j) => r[j]! * v),
          ),
        )
      : act(
          addv(
            xg(2),
            vecMat(
              h!.map((v, j) => r[j]! * v),
              U,
              2 * u,
              u,
            ),
          ),
        );
    return [h!.map((hj, j) => z[j]! * hj + (1 - z[j]!) * cand[j]!)];
  });
}

/** (x − mean)/√variance, the statistics indexed by the kept axes; a zero variance divides by 1. */
function normalization(x: Nd, kept: number[], mean: Nd, variance: Nd): Nd {
  const y = zeros([...x.shape]);
  const strides = x.shape.map((_, i) => sizeOf(x.shape.slice(i + 1)));
  for (let i = 0; i < y.data.length; i++) {
    let s = 0;
    for (const a of kept) s = s * x.shape[a]! + (Math.floor(i / strides[a]!) % x.shape[a]!);
    const v = variance.data[s]!;
    y.data[i] = (x.data[i]! - mean.data[s]!) / Math.sqrt(v > 0 ? v : 1);
  }
  return y;
}

// ---- attention -----------------------------------------------------------------------

/**
 * Multi-head self-attention of x [b, T, d] by its formula, in Keras's layout:
 * qₕ = x·Wq[:, h, :] + bq[h] (likewise k, v), aₕ = softmax(qₕkₕᵀ/√K) with
 * scores of masked (causal) positions dropped, out = Σₕ aₕvₕ·Wo[h] + bo.
 */
export function selfAttention(layer: Layer, x: Nd): Nd {
  const f = layer as Fields;
  const [b, T, d] = x.shape as [number, number, number];
  const H: number = f.numHeads,
    K: number = f.keyDim,
    V: number = f.valueDim;
  const w = (n: string) => weight(layer, n);
  const Wo = w('outputKernel')!,
    out = Wo.shape[2]!;
  const proj = (W: Nd, bias: Nd | null, size: number) => {
    // [b, T, H, size]
    const y = new Float64Array(b * T * H * size);
    for (let n = 0; n < b * T; n++)
      for (let j = 0; j < H * size; j++) {
        let s = bias ? bias.data[j]! : 0;
        for (let i = 0; i < d; i++) s += x.data[n * d + i]! * W.data[i * H * size + j]!;
        y[n * H * size + j] = s;
      }
    return y;
  };
  const q = proj(w('queryKernel')!, w('queryBias'), K),
    k = proj(w('keyKernel')!, w('keyBias'), K),
    v = proj(w('valueKernel')!, w('valueBias'), V);
  const y = zeros([b, T, out]);
  for (let n = 0; n < b; n++)
    for (let h = 0; h < H; h++)
      for (let i = 0; i < T; i++) {
        const last = f.useCausalMask ? i : T - 1;
        const logits: number[] = [];
        for (let j = 0; j <= last; j++) {
          let s = 0;
          for (let c = 0; c < K; c++) s += q[((n * T + i) * H + h) * K + c]! * k[((n * T + j) * H + h) * K + c]!;
          logits.push(s / Math.sqrt(K));
        }
        const top = Math.max(...logits);
        const e = logits.map((s) => Math.exp(s - top));
        const total = e.reduce((a, c) => a + c, 0);
        for (let c = 0; c < V; c++) {
          let hv = 0;
          for (let j = 0; j <= last; j++) hv += (e[j]! / total) * v[((n * T + j) * H + h) * V + c]!;
          for (let o = 0; o < out; o++) y.data[(n * T + i) * out + o] = y.data[(n * T + i) * out + o]! + hv * Wo.data[(h * V + c) * out + o]!;
        }
      }
  const bo = w('outputBias');
  if (bo) for (let r = 0; r < b * T; r++) for (let o = 0; o < out; o++) y.data[r * out + o] = y.data[r * out + o]! + bo.data[o]!;
  return y;
}

// ---- the table -------------------------------------------------------------------

const same = (x: Nd, shape: number[]): Nd => ({ shape, data: Float64Array.from(x.data) });

/** The reference formula of every layer class, by class name. */
export const REFERENCES: Record<string, Reference> = {
  Dense: (l, x) => dense(x, weight(l, 'kernel')!, weight(l, 'bias'), (l as Fields).activation),
  Activation: (l, x) => activate((l as Fields).activation, x),
  Dropout: (l, x, training) => (training && (l as Fields).rate > 0 ? null : same(x, x.shape)),
  Flatten: (_l, x) => same(x, [x.shape[0]!, sizeOf(x.shape.slice(1))]),
  Reshape: (l, x) => {
    const target: number[] = (l as Fields).targetShape;
    const known = sizeOf(target.filter((d) => d !== -1));
    return same(x, [x.shape[0]!, ...target.map((d) => (d === -1 ? sizeOf(x.shape.slice(1)) / known : d))]);
  },
  BatchNormalization: (l, x, training) => {
    const f = l as Fields;
    return batchNorm(x, f.axis, weight(l, 'gamma'), weight(l, 'beta'), weight(l, 'movingMean')!, weight(l, 'movingVariance')!, f.epsilon, training);
  },
  Conv2D: (l, x) => {
    const f = l as Fields;
    return conv2d(x, weight(l, 'kernel')!, weight(l, 'bias'), f.strides, f.padding, f.dilationRate, f.activation);
  },
  MaxPooling2D: (l, x) => pool2d(x, 'max', (l as Fields).poolSize, (l as Fields).strides, (l as Fields).padding),
  AveragePooling2D: (l, x) => pool2d(x, 'avg', (l as Fields).poolSize, (l as Fields).strides, (l as Fields).padding),
  GlobalMaxPooling2D: (_l, x) => globalPool2d(x, 'max'),
  GlobalAveragePooling2D: (_l, x) => globalPool2d(x, 'avg'),
  Embedding: (l, x) => {
    // row x[...] of the table, for every index (x holds whole numbers)
    const E = weight(l, 'embeddings')!,
      d = E.shape[1]!;
    const y = zeros([...x.shape, d]);
    x.data.forEach((k, i) => y.data.set(E.data.subarray(k * d, (k + 1) * d), i * d));
    return y;
  },
  Rescaling: (l, x) => ({ shape: [...x.shape], data: x.data.map((v) => v * (l as Fields).scale + (l as Fields).offset) }),
  Normalization: (l, x) => normalization(x, (l as Fields).kept, weight(l, 'mean')!, weight(l, 'variance')!),
  SimpleRNN: (l, x) => simpleRnn(l, x),
  LSTM: (l, x) => lstm(l, x),
  GRU: (l, x) => gru(l, x),
  MultiHeadAttention: (l, x) => selfAttention(l, x),
};

/** The reference formula of a layer; an error for a class without one. */
export function referenceOf(layer: Layer): Reference {
  const r = REFERENCES[layer.className];
  if (!r) throw new Error(`no reference formula for layer class ${layer.className}: add one to test/nn/reference.ts`);
  return r;
}
