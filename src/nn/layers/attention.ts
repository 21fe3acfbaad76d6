import { scoped } from '../../autograd/tape.js';
import { describe } from '../../core/describe.js';
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { globalGenerator } from '../../core/random.js';
import { formatShape } from '../../core/shape.js';
import { randomUniform, tensor } from '../../tensor/create.js';
import { isTensor, type Tensor } from '../../tensor/tensor.js';
import type { Variable } from '../../tensor/variable.js';
import { add, div, mul } from '../../ops/arithmetic.js';
import { greaterEqual, notEqual, where } from '../../ops/compare.js';
import { cast, toTensor, type TensorLike } from '../../ops/convert.js';
import { logicalAnd } from '../../ops/elementwise.js';
import { matmul } from '../../ops/linalg.js';
import { softmax } from '../../ops/activations.js';
import { permute, reshape } from '../../ops/shape.js';
import { serializeInitializer, type Initializer } from '../initializers.js';
import { Layer, registerLayer, type LayerArgs, type SymbolicShape } from '../layer.js';
import { boolOption, intOption, rangeOption, requireArgs } from '../options.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { attachMask, maskOf } from './mask.js';
import { isSymbolic, type SymbolicTensor } from '../symbolic.js';
import { resolveInitializer, type InitializerSpecOrOrthogonal } from './orthogonal.js';

const OP = 'multiHeadAttention';

/**
 * The score a masked position gets before the softmax (Keras's
 * `_large_negative_number` for float32 and float64): exp(−1e9 − max) is 0,
 * and a row with every position masked gets equal scores, hence the uniform
 * average of the values rather than 0/0.
 */
export const MASKED_SCORE = -1e9;

/** Options of a MultiHeadAttention layer (Keras's names and defaults). */
export interface MultiHeadAttentionArgs extends LayerArgs {
  /** The number of attention heads H. */
  numHeads: number;
  /** The size K of each head's queries and keys. */
  keyDim: number;
  /** The size V of each head's values; keyDim by default. */
  valueDim?: number;
  /** The dropout rate on the attention probabilities (training only); 0 by default. */
  dropout?: number;
  /** Whether the four projections have biases; true by default. */
  useBias?: boolean;
  /** The size of the output's last axis; the query's last dimension by default. */
  outputShape?: number | [number];
  /**
   * The axes attention runs over. nabla supports the sequence axis of
   * [batch, time, features] inputs: null (Keras's default), [1] or [-2].
   */
  attentionAxes?: number | number[] | null;
  /** Each query attends only to keys at or before its position (Keras 3's `use_causal_mask`, here also a default for every call). */
  useCausalMask?: boolean;
  kernelInitializer?: InitializerSpecOrOrthogonal;
  biasInitializer?: InitializerSpecOrOrthogonal;
  kernelRegularizer?: RegularizerSpec;
  biasRegularizer?: RegularizerSpec;
}

/** The inputs of a MultiHeadAttention call: one tensor (self-attention) or [query, value] or [query, value, key]. */
export type AttentionInputs = TensorLike | readonly TensorLike[];

/** Options of `MultiHeadAttention.apply` (Keras's call arguments). */
export interface AttentionApplyOptions {
  /** Dropout on the attention probabilities when true; false by default. */
  training?: boolean;
  /**
   * Which keys each query may attend to: [batch, Tq, Tk] (or [Tq, Tk] for
   * every example), true or non-zero = attend. Combined (and) with the
   * padding masks and the causal mask.
   */
  attentionMask?: TensorLike;
  /** Overrides the layer's `useCausalMask` for this call. */
  useCausalMask?: boolean;
  /** Return `[output, scores]`, the scores being the attention probabilities [batch, H, Tq, Tk] (before dropout). */
  returnAttentionScores?: boolean;
  /** A padding mask of the query [batch, Tq]; by default the mask attached to the query (an Embedding with maskZero). */
  queryMask?: TensorLike;
  /** A padding mask of the value [batch, Tk]; by default the mask attached to the value. */
  valueMask?: TensorLike;
  /** A padding mask of the key [batch, Tk]; by default the mask attached to the key. */
  keyMask?: TensorLike;
}

/** What one attention computes: the output [batch, Tq, outputDim] and the probabilities [batch, H, Tq, Tk]. */
interface Attended {
  output: Tensor;
  scores: Tensor;
}

/**
 * Multi-head attention (Keras's MultiHeadAttention, "Attention Is All You
 * Need"). For a query Q [batch, Tq, dq], a value V [batch, Tk, dv] and a key
 * K [batch, Tk, dk] (the value by default; in self-attention all three are
 * one tensor), every head h projects
 *
 *   qₕ = Q·Wq[:, h, :] + bq[h]   (K values a step),  kₕ = K·Wk[:, h, :] + bk[h],
 *   vₕ = V·Wv[:, h, :] + bv[h]   (valueDim values a step),
 *
 * attends, aₕ = softmax(qₕ·kₕᵀ/√keyDim) over the keys, with masked scores
 * set to −1e9 first, and the heads are joined by the output projection
 *
 *   out = Σₕ (aₕ·vₕ)·Wo[h] + bo.
 *
 * Keras's weight layouts: query/key/value kernels [d, numHeads, keyDim]
 * (valueDim for the value), their biases [numHeads, keyDim], the output
 * kernel [numHeads, valueDim, outputDim] and its bias [outputDim]; weights
 * in Keras's order (query, key, value, output; kernel before bias).
 *
 * Masks, all combined with "and": the causal mask (query i sees keys
 * j ≤ i), an explicit attentionMask [batch, Tq, Tk], and padding masks of
 * query, value and key ([batch, T], e.g. from an Embedding with maskZero);
 * a padded query row attends nowhere, so it gets the uniform average of the
 * values, as in Keras, and the output carries the query's padding mask on.
 */
export class MultiHeadAttention extends Layer {
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly outputDim: number | undefined;
  readonly useCausalMask: boolean;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;
  private readonly kernelReg: Regularizer | undefined;
  private readonly biasReg: Regularizer | undefined;
  /** [dq, numHeads, keyDim] */
  queryKernel: Variable | undefined;
  /** [numHeads, keyDim] */
  queryBias: Variable | undefined;
  /** [dk, numHeads, keyDim] */
  keyKernel: Variable | undefined;
  /** [numHeads, keyDim] */
  keyBias: Variable | undefined;
  /** [dv, numHeads, valueDim] */
  valueKernel: Variable | undefined;
  /** [numHeads, valueDim] */
  valueBias: Variable | undefined;
  /** [numHeads, valueDim, outputDim] */
  outputKernel: Variable | undefined;
  /** [outputDim] */
  outputBias: Variable | undefined;

  constructor(args: MultiHeadAttentionArgs) {
    super('MultiHeadAttention', requireArgs(OP, args));
    if (args.numHeads === undefined) throw new ArgumentError(`${OP}: numHeads is required (the number of attention heads)`);
    if (args.keyDim === undefined) throw new ArgumentError(`${OP}: keyDim is required (the size of each head's queries and keys)`);
    this.numHeads = intOption(OP, 'numHeads', args.numHeads);
    this.keyDim = intOption(OP, 'keyDim', args.keyDim);
    this.valueDim = args.valueDim === undefined || args.valueDim === null ? this.keyDim : intOption(OP, 'valueDim', args.valueDim);
    this.dropout = rangeOption(OP, 'dropout', args.dropout ?? 0, 0, 1);
    this.useBias = boolOption(OP, 'useBias', args.useBias ?? true);
    this.outputDim = outputDimOption(args.outputShape);
    checkAttentionAxes(args.attentionAxes);
    this.useCausalMask = boolOption(OP, 'useCausalMask', args.useCausalMask ?? false);
    this.kernelInit = resolveInitializer(args.kernelInitializer ?? 'glorotUniform', OP);
    this.biasInit = resolveInitializer(args.biasInitializer ?? 'zeros', OP);
    this.kernelReg = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer, OP) : undefined;
    this.biasReg = args.biasRegularizer ? getRegularizer(args.biasRegularizer, OP) : undefined;
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  /**
   * Creates the weights from the query's shape (and the value's and key's:
   * a list of shapes [query, value, key?]; one shape is self-attention).
   */
  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    if (shapes.length < 1 || shapes.length > 3)
      throw new ArgumentError(`${this.name}: expects 1 to 3 input shapes ([query, value, key]), got ${shapes.length}`);
    const names = ['query', 'value', 'key'];
    const dims = shapes.map((s, i) => {
      if (s.length !== 3)
        throw new ShapeError(`${this.name}: cannot build from ${names[i]} shape ${JSON.stringify(s)}: expects rank 3, [batch, time, features]`);
      const d = s[2];
      if (typeof d !== 'number' || d < 1)
        throw new ShapeError(`${this.name}: cannot build from ${names[i]} shape ${JSON.stringify(s)}: the feature dimension must be known and positive`);
      return d;
    });
    const dq = dims[0]!,
      dv = dims[1] ?? dq,
      dk = dims[2] ?? dv;
    const H = this.numHeads,
      out = this.outputDim ?? dq;
    const kernel = (name: string, shape: number[]) => this.addWeight(name, shape, this.kernelInit, { regularizer: this.kernelReg });
    const bias = (name: string, shape: number[]) => (this.useBias ? this.addWeight(name, shape, this.biasInit, { regularizer: this.biasReg }) : undefined);
    this.queryKernel = kernel('queryKernel', [dq, H, this.keyDim]);
    this.queryBias = bias('queryBias', [H, this.keyDim]);
    this.keyKernel = kernel('keyKernel', [dk, H, this.keyDim]);
    this.keyBias = bias('keyBias', [H, this.keyDim]);
    this.valueKernel = kernel('valueKernel', [dv, H, this.valueDim]);
    this.valueBias = bias('valueBias', [H, this.valueDim]);
    this.outputKernel = kernel('outputKernel', [H, this.valueDim, out]);
    this.outputBias = bias('outputBias', [out]);
    this.built = true;
  }

  /** Self-attention of x, or attention of [query, value, key?]; masks attached to the inputs and the layer's useCausalMask apply. */
  call(x: Tensor | Tensor[], training: boolean): Tensor {
    const [q, v, k] = this.inputs(Array.isArray(x) ? x : [x]);
    return this.attend(q, v, k, {}, training).output;
  }

  /**
   * Runs the layer (building it first if needed): `apply(x)` is
   * self-attention, `apply([query, value])` or `apply([query, value, key])`
   * cross-attention. With `returnAttentionScores` it returns
   * `[output, scores]`. On symbolic tensors (nb.input) it records a node of
   * a functional model (the constructor's useCausalMask applies there; the
   * call options cannot).
   */
  override apply(x: SymbolicTensor | SymbolicTensor[], opts?: { training?: boolean }): SymbolicTensor;
  override apply(x: AttentionInputs, opts: AttentionApplyOptions & { returnAttentionScores: true }): [Tensor, Tensor];
  override apply(x: AttentionInputs, opts?: AttentionApplyOptions): Tensor;
  override apply(x: AttentionInputs | SymbolicTensor | SymbolicTensor[], opts: AttentionApplyOptions = {}): Tensor | [Tensor, Tensor] | SymbolicTensor {
    if (opts === null || typeof opts !== 'object') throw new ArgumentError(`${this.name}: options must be an object, got ${describe(opts)}`);
    if (isSymbolic(x)) {
      const given = Object.keys(opts).filter((k) => k !== 'training');
      if (given.length > 0)
        throw new ArgumentError(
          `${this.name}: on symbolic tensors (a functional model) apply takes no ${given.join(', ')}: give useCausalMask to the constructor, and padding masks through the inputs (an Embedding with maskZero)`,
        );
      return this.applySymbolic(x);
    }
    const list = isInputList(x) ? x : [x];
    if (list.length < 1 || list.length > 3)
      throw new ArgumentError(`${this.name}: expects a tensor (self-attention) or [query, value] or [query, value, key], got a list of ${list.length}`);
    const names = ['query', 'value', 'key'];
    const ts = list.map((t, i) => toTensor(this.name, names[i]!, t));
    const [q, v, k] = this.inputs(ts);
    if (!this.built) this.build(ts.map((t) => [null, ...t.shape.slice(1)]));
    const training = opts.training === undefined ? false : boolOption(this.name, 'training', opts.training);
    const wantScores = opts.returnAttentionScores === undefined ? false : boolOption(this.name, 'returnAttentionScores', opts.returnAttentionScores);
    const [output, scores] = scoped(this.className, 'layer', ts, { name: this.name }, () => {
      const r = this.attend(q, v, k, opts, training);
      return [r.output, r.scores];
    });
    return wantScores ? [output!, scores!] : output!;
  }

  /** [batch, Tq, outputDim] for a query shape (or [query, value, key?] shapes), checked against the weights. */
  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    if (!this.built) this.build(inputShape);
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    const expected = [this.queryKernel!.shape[0], this.valueKernel!.shape[0], this.keyKernel!.shape[0]];
    const names = ['query', 'value', 'key'];
    shapes.forEach((s, i) => {
      if (s.length !== 3 || s[2] !== expected[i])
        throw new ShapeError(`${this.name}: ${names[i]} shape ${JSON.stringify(s)} does not fit: expected [batch, time, ${expected[i]}]`);
    });
    const q = shapes[0]!;
    return [q[0]!, q[1]!, this.outputKernel!.shape[2]!];
  }

  /** query, value and key from 1 to 3 tensors, checked against each other and the weights (if built). */
  private inputs(ts: Tensor[]): [Tensor, Tensor, Tensor] {
    const q = ts[0]!,
      v = ts[1] ?? q,
      k = ts[2] ?? v;
    const named: [string, Tensor][] = [
      ['query', q],
      ['value', v],
      ['key', k],
    ];
    for (const [n, t] of named) {
      if (t.rank !== 3) throw new ShapeError(`${this.name}: ${n} shape ${formatShape(t.shape)}: expects rank 3, [batch, time, features]`);
      if (t.size === 0) throw new ShapeError(`${this.name}: ${n} shape ${formatShape(t.shape)} is empty: attention needs examples, steps and features`);
    }
    if (v.shape[0] !== q.shape[0] || k.shape[0] !== q.shape[0])
      throw new ShapeError(
        `${this.name}: query, value and key have different batch sizes: ${formatShape(q.shape)}, ${formatShape(v.shape)}, ${formatShape(k.shape)}`,
      );
    if (k.shape[1] !== v.shape[1])
      throw new ShapeError(`${this.name}: key shape ${formatShape(k.shape)} and value shape ${formatShape(v.shape)} have different lengths: one key per value`);
    if (this.built) {
      const kernels: [string, Tensor, Variable][] = [
        ['query', q, this.queryKernel!],
        ['value', v, this.valueKernel!],
        ['key', k, this.keyKernel!],
      ];
      for (const [n, t, w] of kernels) {
        if (t.shape[2] !== w.shape[0])
          throw new ShapeError(
            `${this.name}: ${n} shape ${formatShape(t.shape)} does not fit: its ${n} kernel ${formatShape(w.shape)} expects last dimension ${w.shape[0]}`,
          );
      }
    }
    return [q, v, k];
  }

  /** The attention itself, after the inputs are checked. */
  private attend(q: Tensor, v: Tensor, k: Tensor, opts: AttentionApplyOptions, training: boolean): Attended {
    const H = this.numHeads,
      K = this.keyDim,
      Tq = q.shape[1]!,
      Tk = k.shape[1]!;
    // [batch, T, d]·[d, H·K] → [batch, T, H, K] → [batch, H, T, K]
    const project = (x: Tensor, w: Variable, b: Variable | undefined, size: number) => {
      let y = reshape(matmul(x, reshape(w, [w.shape[0]!, H * size])), [-1, x.shape[1]!, H, size]);
      if (b) y = add(y, b);
      return permute(y, [0, 2, 1, 3]);
    };
    const qh = project(q, this.queryKernel!, this.queryBias, K);
    const kh = project(k, this.keyKernel!, this.keyBias, K);
    const vh = project(v, this.valueKernel!, this.valueBias, this.valueDim);
    // scores [batch, H, Tq, Tk]; Keras scales the query by 1/√K before the product
    let logits = matmul(mul(qh, 1 / Math.sqrt(K)), kh, false, true);
    const mask = this.mask(q, v, k, opts, Tq, Tk);
    if (mask) logits = where(mask, logits, MASKED_SCORE);
    const scores = softmax(logits, -1);
    let probs = scores;
    if (training && this.dropout > 0) {
      const keep = greaterEqual(
        randomUniform(scores.shape, 0, 1, { dtype: scores.dtype === 'float64' ? 'float64' : 'float32', generator: this.generator ?? globalGenerator() }),
        this.dropout,
      );
      probs = div(mul(scores, cast(keep, scores.dtype)), 1 - this.dropout);
    }
    // [batch, H, Tq, V] → [batch, Tq, H·V]·[H·V, out]
    const heads = reshape(permute(matmul(probs, vh), [0, 2, 1, 3]), [-1, Tq, H * this.valueDim]);
    const wo = this.outputKernel!;
    let output = matmul(heads, reshape(wo, [H * this.valueDim, wo.shape[2]!]));
    if (this.outputBias) output = add(output, this.outputBias);
    const queryMask = this.paddingMask('queryMask', opts.queryMask, q, true);
    if (queryMask) attachMask(output, queryMask);
    return { output, scores };
  }

  /** Every mask that applies, combined: bool, broadcastable to [batch, 1, Tq, Tk]; undefined when none does. */
  private mask(q: Tensor, v: Tensor, k: Tensor, opts: AttentionApplyOptions, Tq: number, Tk: number): Tensor | undefined {
    const parts: Tensor[] = [];
    const qm = this.paddingMask('queryMask', opts.queryMask, q, true);
    const vm = this.paddingMask('valueMask', opts.valueMask, v, v !== q);
    const km = k === v ? undefined : this.paddingMask('keyMask', opts.keyMask, k, k !== q);
    if (qm) parts.push(reshape(qm, [-1, 1, Tq, 1]));
    if (vm) parts.push(reshape(vm, [-1, 1, 1, Tk]));
    if (km) parts.push(reshape(km, [-1, 1, 1, Tk]));
    // in self-attention the one padding mask is the query's and the key's
    if (!vm && v === q && qm) parts.push(reshape(qm, [-1, 1, 1, Tk]));
    if (opts.attentionMask !== undefined) {
      const m = toTensor(this.name, 'attentionMask', opts.attentionMask);
      const fits = (m.rank === 3 && (m.shape[0] === q.shape[0] || m.shape[0] === 1)) || m.rank === 2;
      if (!fits || m.shape[m.rank - 2] !== Tq || m.shape[m.rank - 1] !== Tk) {
        throw new ShapeError(
          `${this.name}: attentionMask shape ${formatShape(m.shape)} does not fit query ${formatShape(q.shape)} and key ${formatShape(k.shape)}: expected [${q.shape[0]},${Tq},${Tk}] ([batch, Tq, Tk])`,
        );
      }
      const b = m.dtype === 'bool' ? m : notEqual(m, 0);
      parts.push(m.rank === 3 ? reshape(b, [-1, 1, Tq, Tk]) : b);
    }
    const causal = opts.useCausalMask === undefined ? this.useCausalMask : boolOption(this.name, 'useCausalMask', opts.useCausalMask);
    if (causal) parts.push(causalMask(Tq, Tk));
    if (parts.length === 0) return undefined;
    return parts.reduce((a, b) => logicalAnd(a, b));
  }

  /** A padding mask [batch, T] (bool): the one given, else (when `inherit`) the one attached to x; checked against x. */
  private paddingMask(name: string, given: TensorLike | undefined, x: Tensor, inherit: boolean): Tensor | undefined {
    const m = given !== undefined ? toTensor(this.name, name, given) : inherit ? maskOf(x) : undefined;
    if (m === undefined) return undefined;
    if (m.rank !== 2 || m.shape[0] !== x.shape[0] || m.shape[1] !== x.shape[1]) {
      throw new ShapeError(
        `${this.name}: ${name} shape ${formatShape(m.shape)} does not fit its input ${formatShape(x.shape)}: expected [${x.shape[0]},${x.shape[1]}]`,
      );
    }
    return m.dtype === 'bool' ? m : notEqual(m, 0);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      ...(this.outputDim !== undefined ? { outputShape: this.outputDim } : {}),
      useCausalMask: this.useCausalMask,
      kernelInitializer: serializeInitializer(this.kernelInit),
      biasInitializer: serializeInitializer(this.biasInit),
      ...(this.kernelReg ? { kernelRegularizer: { className: 'L1L2', config: this.kernelReg.config } } : {}),
      ...(this.biasReg ? { biasRegularizer: { className: 'L1L2', config: this.biasReg.config } } : {}),
    };
  }
}

/** The causal mask [Tq, Tk]: query i attends to key j when j ≤ i (Keras counts from the first position of both). */
export function causalMask(Tq: number, Tk: number): Tensor {
  const data = new Uint8Array(Tq * Tk);
  for (let i = 0; i < Tq; i++) for (let j = 0; j <= Math.min(i, Tk - 1); j++) data[i * Tk + j] = 1;
  return tensor(data, [Tq, Tk], 'bool');
}

function isShapeList(s: SymbolicShape | SymbolicShape[]): s is SymbolicShape[] {
  return s.length > 0 && s.every((d) => Array.isArray(d));
}

function isInputList(x: AttentionInputs): x is readonly TensorLike[] {
  return Array.isArray(x) && x.length > 0 && x.every((t) => isTensor(t));
}

function outputDimOption(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.length === 1) return intOption(OP, 'outputShape[0]', v[0]);
  if (typeof v === 'number') return intOption(OP, 'outputShape', v);
  throw new ArgumentError(`${OP}: outputShape must be a positive integer (the size of the output's last axis), got ${describe(v)}`);
}

function checkAttentionAxes(v: unknown): void {
  if (v === undefined || v === null) return;
  const axes = typeof v === 'number' ? [v] : v;
  if (Array.isArray(axes) && axes.length === 1 && (axes[0] === 1 || axes[0] === -2)) return;
  throw new ArgumentError(
    `${OP}: attentionAxes ${Array.isArray(v) ? JSON.stringify(v) : describe(v)} is not supported: nabla's multiHeadAttention attends over the sequence axis of [batch, time, features] inputs (null, [1] or [-2])`,
  );
}

registerLayer('MultiHeadAttention', (c) => new MultiHeadAttention(c as unknown as MultiHeadAttentionArgs));
