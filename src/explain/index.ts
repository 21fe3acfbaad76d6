// nb.explain and model.explain: the forward and backward pass of a traced
// function or model as equations with shapes, in the textbooks' notation (the README's sources).
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { optionsObject } from '../core/options.js';
import { canonicalLossName, getLoss, type LossFunction } from '../losses/index.js';
import { categoricalCrossentropy } from '../losses/crossentropy.js';
import { cast, toTensor, type TensorLike } from '../ops/convert.js';
import { oneHot } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import type { ProgramCall, ProgramVar } from '../trace/program.js';
import { spec, trace } from '../trace/trace.js';
import { buildForward, type Naming } from './build.js';
import { buildBackward } from './backward.js';
import { Explanation, type ExplainFormat, type Layout } from './explanation.js';

export { Explanation } from './explanation.js';
export type { Layout, ExplainFormat } from './explanation.js';
export type { Line } from './build.js';

/** Options of nb.explain and model.explain. */
export interface ExplainOptions {
  /** 'columns' (textbooks: one example per column, Z = W·X + b) or 'rows' (Keras and nabla's storage: Z = X·W + b). Models default to 'columns', functions to 'rows' (as written). */
  layout?: Layout;
  /** What toString() prints: 'text' (default), 'markdown' or 'latex'. */
  format?: ExplainFormat;
  /** A batch whose numbers to show on each line (a few entries and the norm). */
  values?: { x: TensorLike; y: TensorLike };
  /** The loss (or its name); a model defaults to the loss it was compiled with. */
  loss?: string | LossFunction;
  /** nb.explain: the inputs to differentiate with respect to, by name (default: the inputs without the batch dimension, and the model variables read). */
  wrt?: string[];
  /** nb.explain: the program's name. */
  name?: string;
  /** Print every time step of a recurrent layer (H1⟨1⟩ … H1⟨T⟩) instead of step t and the sums over t. Default false. */
  unroll?: boolean;
}

const LAYOUTS = ['rows', 'columns'];
const FORMATS = ['text', 'markdown', 'latex'];
const KNOWN = ['layout', 'format', 'values', 'loss', 'wrt', 'name', 'unroll'];

function checkOptions(op: string, opts: unknown): ExplainOptions {
  const o = optionsObject(op, opts ?? {}, 'options { layout?, format?, values?, loss? }') as ExplainOptions;
  for (const k of Object.keys(o)) if (!KNOWN.includes(k)) throw new ArgumentError(`${op}: unknown option '${k}' (options: ${KNOWN.join(', ')})`);
  if (o.layout !== undefined && !LAYOUTS.includes(o.layout)) throw new ArgumentError(`${op}: layout must be 'rows' or 'columns', got ${describe(o.layout)}`);
  if (o.format !== undefined && !FORMATS.includes(o.format))
    throw new ArgumentError(`${op}: format must be 'text', 'markdown' or 'latex', got ${describe(o.format)}`);
  if (o.values !== undefined && (o.values === null || typeof o.values !== 'object' || !('x' in o.values) || !('y' in o.values)))
    throw new ArgumentError(`${op}: values must be { x, y }, got ${describe(o.values)}`);
  if (o.unroll !== undefined && typeof o.unroll !== 'boolean') throw new ArgumentError(`${op}: unroll must be true or false, got ${describe(o.unroll)}`);
  return o;
}

/**
 * explain(f)(...args) → Explanation: f traced on `args` (nb.spec placeholders
 * or tensors, as nb.trace takes them), its equations written with named
 * quantities and shapes, and, when f returns a scalar (a cost J), the
 * backward pass: the gradient of J with respect to the inputs without the
 * batch dimension (the parameters) and the model variables f reads.
 *
 *     const cost = (W: nb.Tensor, b: nb.Tensor, X: nb.Tensor, Y: nb.Tensor) => ...
 *     console.log(nb.explain(cost)(nb.spec([1, 64], 'float32', 'W'), ..., nb.spec([64, null], 'float32', 'X'), ...).toString());
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function explain(f: (...args: any[]) => unknown, opts?: ExplainOptions): (...args: unknown[]) => Explanation {
  const o = checkOptions('explain', opts);
  if (typeof f !== 'function') throw new ArgumentError(`explain: argument f must be a function (for a model, use model.explain()), got ${describe(f)}`);
  return (...args: unknown[]) => {
    const program = trace(f, { name: o.name ?? (f.name || 'f') })(...args);
    const naming: Naming = {
      input: (v) => v.name,
      param: (variable) => ({ name: variable.replace(/\//g, '.'), layer: null }),
      layerNumber: null,
    };
    const fwd = buildForward(program, naming);
    const out = fwd.lines[fwd.lines.length - 1];
    const isCost = out !== undefined && out.shape.length === 0 && program.outputs.length === 1;
    const leafNames = [...fwd.leaves].filter(([, l]) => l.kind !== 'constant');
    const wrt =
      o.wrt ??
      leafNames
        .filter(([, l]) => l.kind === 'param' || (!l.var.shape.some((d) => typeof d === 'string') && (l.var.dtype === 'float32' || l.var.dtype === 'float64')))
        .map(([n]) => n);
    for (const n of wrt)
      if (!fwd.leaves.has(n))
        throw new ArgumentError(`explain: wrt names '${n}', which is not an input of the function (inputs: ${leafNames.map(([k]) => k).join(', ')})`);
    const backward = isCost && wrt.length ? buildBackward(fwd, wrt, out!.name) : [];
    const header = [
      `${program.name}: ${isCost ? 'forward and backward pass' : 'forward pass'}${o.layout === 'columns' ? ', printed one example per column' : ''}`,
    ];
    return new Explanation(
      program.name,
      program,
      fwd.lines,
      backward,
      fwd,
      o.layout ?? 'rows',
      o.format ?? 'text',
      header,
      () => ({}),
      null,
      o.unroll ?? false,
    );
  };
}

/** What explainModel needs of a model. */
export interface ExplainableModel {
  readonly name: string;
  readonly layers: readonly { readonly name: string; readonly built: boolean; readonly className: string }[];
  readonly inputShape: number[] | undefined;
  readonly compiledLoss: { loss: LossFunction; name: string } | null;
  call(x: Tensor, training?: boolean): Tensor;
  namedParameters(): [string, Variable][];
}

const PREPROCESSING = ['Rescaling', 'Normalization'];

const WEIGHT_SYMBOLS: Record<string, string> = {
  kernel: 'W',
  bias: 'b',
  gamma: 'γ',
  beta: 'β',
  movingMean: 'μ',
  movingVariance: 'σ²',
  recurrentKernel: 'U',
  embeddings: 'E',
  mean: 'μ',
  variance: 'σ²',
};

/** model.explain(opts): see Sequential.explain. */
export function explainModel(model: ExplainableModel, opts?: ExplainOptions): Explanation {
  const op = `${model.name}.explain`;
  const o = checkOptions(op, opts);
  if (o.wrt !== undefined || o.name !== undefined)
    throw new ArgumentError(
      `${op}: options wrt and name are for nb.explain(f); a model explains the gradient of its loss with respect to its trainable weights`,
    );
  const unbuilt = model.layers.find((l) => !l.built);
  if (model.layers.length === 0) throw new ArgumentError(`${op}: the model has no layers`);
  if (unbuilt || !model.inputShape)
    throw new ArgumentError(
      `${op}: the model is not built${unbuilt ? ` (layer '${unbuilt.name}' has no weights yet)` : ''}: give the first layer an inputShape, or call the model once on an example`,
    );
  const lossSpec = o.loss ?? model.compiledLoss?.loss;
  let lossFn = lossSpec === undefined ? null : getLoss(lossSpec);
  const lossName = lossSpec === undefined ? null : (canonicalLossName(lossSpec) ?? 'custom');
  const sparse = lossName === 'sparseCategoricalCrossentropy';
  // integer labels cannot be checked on placeholders: the sparse loss is explained as cross-entropy on onehot(y)
  if (sparse) lossFn = categoricalCrossentropy;
  const x = spec([null, ...model.inputShape], 'float32', 'X');
  const outShape = trace((t: Tensor) => model.call(t, false))(x).outputs[0]!.shape;
  const yShape = outShape.map((d) => (typeof d === 'string' ? null : d));
  const program = lossFn
    ? trace((t: Tensor, y: Tensor) => lossFn!(y, model.call(t, false)), { name: model.name })(x, spec(yShape, 'float32', 'Y'))
    : trace((t: Tensor) => model.call(t, false), { name: model.name })(x);
  // layers count from 1, as the articles count them; preprocessing at the start (rescaling, normalization) is layer 0: A0 = (1/16) X
  const pre = model.layers.findIndex((l) => !PREPROCESSING.includes(l.className));
  const skip = pre < 0 ? 0 : pre;
  const index = new Map(model.layers.map((l, i) => [l.name, Math.max(0, i + 1 - skip)]));
  const naming: Naming = {
    input: (_v: ProgramVar, i: number) => (i === 0 ? 'X' : 'Y'),
    param: (variable) => {
      const slash = variable.lastIndexOf('/');
      const layer = index.get(variable.slice(0, slash)) ?? null;
      const weight = variable.slice(slash + 1);
      const sym = WEIGHT_SYMBOLS[weight] ?? weight;
      return { name: layer === null ? variable.replace(/\//g, '.') : `${sym}${layer}`, layer };
    },
    layerNumber: (c: ProgramCall) => index.get(String(c.attrs.name)) ?? 0,
  };
  const fwd = buildForward(program, naming);
  const trainable = new Set(
    model
      .namedParameters()
      .filter(([, v]) => v.trainable)
      .map(([, v]) => v.name),
  );
  const wrt = [...fwd.leaves].filter(([, l]) => l.kind === 'param' && trainable.has(l.variable!)).map(([n]) => n);
  const cost = fwd.lines.find((l) => l.role === 'cost') ?? fwd.lines.find((l) => l.name === 'J');
  const backward = cost ? buildBackward(fwd, wrt, cost.name) : [];
  const layout = o.layout ?? 'columns';
  const header = [
    `${model.name}: the forward and backward pass of a batch of m examples${lossName ? `, with the ${lossName === 'custom' ? 'custom loss' : lossName} cost J` : ' (compile the model or pass options.loss to see the cost and the backward pass)'}`,
    layout === 'columns'
      ? "layout: one example per column, as textbooks write it (X is (features, m); W = kernelᵀ: nabla stores a Dense kernel as (in, out), one example per row, as Keras does; layout: 'rows' prints that)"
      : 'layout: one example per row, as nabla and Keras store them (Z = X·W + b with the kernel (in, out))',
  ];
  if (sparse) header.push('sparse labels: Y = onehot(y), one row per example');
  const params = () => Object.fromEntries(model.namedParameters().map(([, v]) => [v.name, v.value]));
  let e = new Explanation(model.name, program, fwd.lines, backward, fwd, layout, o.format ?? 'text', header, params, null, o.unroll ?? false);
  if (o.values) {
    const xv = toTensor(op, 'values.x', o.values.x);
    let yv = toTensor(op, 'values.y', o.values.y);
    if (sparse) yv = oneHot(yv.dtype === 'int32' ? yv : cast(yv, 'int32'), Number(outShape[outShape.length - 1]));
    const inputs = lossFn ? [xv, yv] : [xv];
    let env: Map<string, Tensor>;
    try {
      env = e.evaluate(inputs, { layout });
    } catch {
      env = e.evaluate(inputs);
    }
    e = e.withValues(env);
  }
  return e;
}
