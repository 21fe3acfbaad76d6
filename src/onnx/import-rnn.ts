// ONNX's recurrent operators (LSTM, GRU, RNN) computed with nabla's ops, so
// that an imported sequence model predicts and differentiates like any nabla
// function. ONNX keeps each direction's weights as W [dirs, gates·H, in],
// R [dirs, gates·H, H] and B [dirs, 2·gates·H] (Wb then Rb), gates in the
// order i, o, f, c (LSTM), z, r, h (GRU) and i (RNN); X is [T, N, in]
// (layout 0) or [N, T, in] (layout 1), Y is [T, dirs, N, H] (or [N, T, dirs, H]).
import * as ops from '../index.js';
import type { Tensor } from '../tensor/tensor.js';
import { OnnxImportError, type OnnxNode } from './import-graph.js';

type Cell = 'LSTM' | 'GRU' | 'RNN';
const GATES: Record<Cell, number> = { LSTM: 4, GRU: 3, RNN: 1 };
const ACT: Record<string, (t: Tensor) => Tensor> = { Sigmoid: ops.sigmoid, Tanh: ops.tanh, Relu: ops.relu };
const DEFAULT_ACTS: Record<Cell, string[]> = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'], RNN: ['Tanh'] };

const fail = (n: OnnxNode, why: string) => new OnnxImportError(`onnx: node '${n.name}' (${n.opType}) ${why}`);

/** The attributes of a recurrent node nabla computes, checked: direction, layout, hidden size, activations. */
export function rnnAttributes(n: OnnxNode): { dirs: 1 | 2; reverse: boolean; layout: 0 | 1; hidden: number; acts: string[]; linearBeforeReset: boolean } {
  const cell = n.opType as Cell;
  const direction = n.attrs.get('direction') ?? 'forward';
  if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional') throw fail(n, `has direction '${String(direction)}'`);
  const layout = n.attrs.get('layout') ?? 0;
  if (layout !== 0 && layout !== 1) throw fail(n, `has layout ${String(layout)}`);
  const hidden = n.attrs.get('hidden_size');
  if (typeof hidden !== 'number' || !Number.isSafeInteger(hidden) || hidden < 1)
    throw fail(n, `has hidden_size ${String(hidden)}; it must be a positive integer`);
  if (n.attrs.has('clip')) throw fail(n, "clips its cell (attribute 'clip'), which nabla does not have");
  if ((n.attrs.get('input_forget') ?? 0) !== 0) throw fail(n, "couples its input and forget gates ('input_forget'), which nabla does not have");
  if (n.attrs.has('activation_alpha') || n.attrs.has('activation_beta')) throw fail(n, 'has activation parameters, which nabla does not read');
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const given = n.attrs.get('activations');
  const perDir = DEFAULT_ACTS[cell].length;
  const acts = Array.isArray(given) || typeof given === 'string' ? [given].flat().map(String) : [];
  const names = acts.length ? acts : Array.from({ length: dirs }, () => DEFAULT_ACTS[cell]).flat();
  if (names.length !== perDir * dirs || names.some((a) => !(a in ACT)))
    throw fail(n, `has activations [${names.join(', ')}]; nabla reads ${perDir * dirs} of Sigmoid, Tanh, Relu`);
  return { dirs, reverse: direction === 'reverse', layout, hidden, acts: names, linearBeforeReset: (n.attrs.get('linear_before_reset') ?? 0) !== 0 };
}

/** The weights of a recurrent node, checked against its attributes and input: W, R and B per direction. */
export function rnnWeights(
  n: OnnxNode,
  x: Tensor,
  w: Tensor,
  r: Tensor,
  b: Tensor | undefined,
  hidden: number,
  dirs: number,
): { W: Tensor; R: Tensor; B: Tensor } {
  const g = GATES[n.opType as Cell] * hidden;
  if (x.rank !== 3) throw fail(n, `reads a rank-${x.rank} input; a sequence is [time, batch, features]`);
  const features = x.shape[2]!;
  const shapeIs = (t: Tensor, s: number[]) => t.rank === s.length && t.shape.every((d, i) => d === s[i]);
  if (!shapeIs(w, [dirs, g, features])) throw fail(n, `has W of shape [${w.shape.join(',')}], its input and hidden_size need [${dirs},${g},${features}]`);
  if (!shapeIs(r, [dirs, g, hidden])) throw fail(n, `has R of shape [${r.shape.join(',')}], hidden_size needs [${dirs},${g},${hidden}]`);
  if (b && !shapeIs(b, [dirs, 2 * g])) throw fail(n, `has B of shape [${b.shape.join(',')}], hidden_size needs [${dirs},${2 * g}]`);
  return { W: w, R: r, B: b ?? ops.zeros([dirs, 2 * g], w.dtype === 'float64' ? 'float64' : 'float32') };
}

/** Row d of a [dirs, ...] tensor. */
const dir = (t: Tensor, d: number) => ops.squeeze(ops.slice(t, [d, ...t.shape.slice(1).map(() => 0)], [1, ...t.shape.slice(1).map(() => -1)]), [0]);

/**
 * Runs one direction over X [T, N, in] from states h (and c): returns every
 * step's h [T, N, H] in the input's time order and the final states. The
 * input part of every gate at every step is one matrix product; only the
 * recurrent part runs step by step.
 */
function runDirection(
  cell: Cell,
  X: Tensor,
  W: Tensor,
  R: Tensor,
  B: Tensor,
  h0: Tensor,
  c0: Tensor | undefined,
  acts: ((t: Tensor) => Tensor)[],
  reverse: boolean,
  linearBeforeReset: boolean,
): { Y: Tensor; h: Tensor; c: Tensor | undefined } {
  const [T, N, F] = X.shape as [number, number, number];
  const H = h0.shape[1]!,
    G = R.shape[0]!;
  const Wb = ops.slice(B, [0], [G]),
    Rb = ops.slice(B, [G], [G]);
  const xw = ops.reshape(ops.add(ops.matmul(ops.reshape(X, [T * N, F]), W, false, true), Wb), [T, N, G]);
  const block = (t: Tensor, i: number) => ops.slice(t, [0, i * H], [-1, H]);
  const f = acts[0]!,
    g = acts[1] ?? acts[0]!,
    hAct = acts[2] ?? g;
  let h = h0,
    c = c0;
  const out: Tensor[] = new Array(T);
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const xt = ops.reshape(ops.slice(xw, [t, 0, 0], [1, -1, -1]), [N, G]);
    const hr = ops.add(ops.matmul(h, R, false, true), Rb);
    if (cell === 'RNN') h = f(ops.add(xt, hr));
    else if (cell === 'LSTM') {
      const z = ops.add(xt, hr);
      const [i, o, fg, cc] = [0, 1, 2, 3].map((q) => block(z, q)) as [Tensor, Tensor, Tensor, Tensor];
      c = ops.add(ops.mul(f(fg), c!), ops.mul(f(i), g(cc)));
      h = ops.mul(f(o), hAct(c));
    } else {
      const z = f(ops.add(block(xt, 0), block(hr, 0)));
      const rg = f(ops.add(block(xt, 1), block(hr, 1)));
      const cand = linearBeforeReset
        ? g(ops.add(block(xt, 2), ops.mul(rg, block(hr, 2))))
        : g(ops.add(ops.add(block(xt, 2), ops.matmul(ops.mul(rg, h), ops.slice(R, [2 * H, 0], [H, -1]), false, true)), ops.slice(Rb, [2 * H], [H])));
      h = ops.add(ops.mul(z, h), ops.mul(ops.sub(1, z), cand));
    }
    out[t] = h;
  }
  return { Y: ops.stack(out, 0), h, c };
}

/** ONNX LSTM, GRU or RNN: outputs Y, Y_h (and Y_c for the LSTM). */
export function recurrent(x: (Tensor | undefined)[], n: OnnxNode): Tensor[] {
  const cell = n.opType as Cell;
  const { dirs, reverse, layout, hidden, acts, linearBeforeReset } = rnnAttributes(n);
  const need = (i: number) => {
    const t = x[i];
    if (!t) throw fail(n, `needs input ${i + 1}`);
    return t;
  };
  if (x[4]) throw fail(n, 'has sequence_lens (sequences of different lengths), which nabla does not read: export with sequences of one length');
  if (cell === 'LSTM' && x[7]) throw fail(n, 'has peephole weights (input P), which nabla does not have');
  let X = need(0);
  if (layout === 1 && X.rank === 3) X = ops.permute(X, [1, 0, 2]);
  const { W, R, B } = rnnWeights(n, X, need(1), need(2), x[3], hidden, dirs);
  const N = X.shape[1]!;
  const state = (i: number, what: string) => {
    const t = x[i];
    if (!t) return ops.zeros([dirs, N, hidden], X.dtype === 'float64' ? 'float64' : 'float32');
    const s = layout === 1 && t.rank === 3 ? ops.permute(t, [1, 0, 2]) : t;
    if (s.rank !== 3 || s.shape[0] !== dirs || s.shape[1] !== N || s.shape[2] !== hidden)
      throw fail(n, `has ${what} of shape [${t.shape.join(',')}], expected [${dirs},${N},${hidden}]`);
    return s;
  };
  const h0 = state(5, 'initial_h'),
    c0 = cell === 'LSTM' ? state(6, 'initial_c') : undefined;
  const per = acts.length / dirs;
  const runs = Array.from({ length: dirs }, (_, d) =>
    runDirection(
      cell,
      X,
      dir(W, d),
      dir(R, d),
      dir(B, d),
      dir(h0, d),
      c0 && dir(c0, d),
      acts.slice(d * per, (d + 1) * per).map((a) => ACT[a]!),
      d === 1 || reverse,
      linearBeforeReset,
    ),
  );
  let Y = ops.stack(
    runs.map((r) => r.Y),
    1,
  ); // [T, dirs, N, H]
  let Yh = ops.stack(
    runs.map((r) => r.h),
    0,
  );
  let Yc =
    cell === 'LSTM'
      ? ops.stack(
          runs.map((r) => r.c!),
          0,
        )
      : undefined;
  if (layout === 1) {
    Y = ops.permute(Y, [2, 0, 1, 3]);
    Yh = ops.permute(Yh, [1, 0, 2]);
    if (Yc) Yc = ops.permute(Yc, [1, 0, 2]);
  }
  return Yc ? [Y, Yh, Yc] : [Y, Yh];
}
