import type { DType } from '../../core/dtype.js';
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import type { Generator } from '../../core/random.js';
import { full, zeros } from '../../tensor/create.js';
import { type Tensor, isTensor } from '../../tensor/tensor.js';
import { scoped } from '../../autograd/tape.js';
import { Variable } from '../../tensor/variable.js';
import { add, mul, sub } from '../../ops/arithmetic.js';
import { notEqual, where } from '../../ops/compare.js';
import { toTensor, type TensorLike } from '../../ops/convert.js';
import { matmul } from '../../ops/linalg.js';
import { concat, reshape, slice, split, stack } from '../../ops/shape.js';
import { type ActivationSpelling, canonicalActivation, getActivation, type ActivationName } from '../activations.js';
import { serializeInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { Layer, registerLayer, type LayerArgs, type SymbolicShape } from '../layer.js';
import { isSymbolic, SymbolicTensor } from '../symbolic.js';
import { layerOpName, boolOption, intOption, requireArgs } from '../options.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { attachMask, maskOf } from './mask.js';
import { resolveInitializer, type InitializerSpecOrOrthogonal } from './orthogonal.js';

// Recurrent layers: SimpleRNN, LSTM and GRU with Keras's weight layout.
//
// Every layer reads x [batch, time, features] and keeps a state h [batch,
// units] (the LSTM also a cell state c). The input's contribution to every
// gate at every step is computed at once, x reshaped to [batch·time, in]
// times the kernel [in, gates·units] (plus the input bias); only the
// recurrent part, h_{t−1}·U, runs step by step. Training differentiates
// through the loop with the ordinary autodiff (backpropagation through time):
// nothing here has a backward of its own.

/** Options every recurrent layer takes (Keras's names and defaults). */
export interface RecurrentArgs extends LayerArgs {
  /** The size of the state h, and of the output at each step. */
  units: number;
  /** The state's (candidate's) activation; 'tanh' by default. */
  activation?: ActivationSpelling;
  /** Learn a bias. Default true. */
  useBias?: boolean;
  /** Output h at every step, [batch, time, units] (true), or the last h only, [batch, units] (false, the default). */
  returnSequences?: boolean;
  /**
   * Keras's flag, kept in the config for compatibility: `call` (and so a
   * Sequential model) always returns the output alone, and
   * `callWithState(x)` returns `{ output, states }` whatever this flag says.
   */
  returnState?: boolean;
  /** Read the sequence from its last step to its first (the outputs come in that order too). Default false. */
  goBackwards?: boolean;
  /** The input kernel's initializer; 'glorotUniform' by default. */
  kernelInitializer?: InitializerSpecOrOrthogonal;
  /** The recurrent kernel's initializer; 'orthogonal' by default. */
  recurrentInitializer?: InitializerSpecOrOrthogonal;
  /** The bias's initializer; 'zeros' by default. */
  biasInitializer?: InitializerSpecOrOrthogonal;
  kernelRegularizer?: RegularizerSpec;
  recurrentRegularizer?: RegularizerSpec;
  biasRegularizer?: RegularizerSpec;
}

/** Options of SimpleRNN. */
export type SimpleRNNArgs = RecurrentArgs;

/** Options of LSTM. */
export interface LSTMArgs extends RecurrentArgs {
  /** The activation of the input, forget and output gates; 'sigmoid' by default. */
  recurrentActivation?: ActivationName | string;
  /** Initialise the forget gate's bias to 1 (Keras's default, true), so that the cell remembers at first. */
  unitForgetBias?: boolean;
}

/** Options of GRU. */
export interface GRUArgs extends RecurrentArgs {
  /** The activation of the update and reset gates; 'sigmoid' by default. */
  recurrentActivation?: ActivationName | string;
  /**
   * Apply the reset gate after the recurrent matrix product (true, Keras's
   * default and the form of PyTorch's and cuDNN's GRU, with separate input
   * and recurrent biases) or before it (false, the original GRU).
   */
  resetAfter?: boolean;
}

/** What `callWithState` returns: the layer's output and the states after the last step ([h], or [h, c] for an LSTM). */
export interface RecurrentResult {
  output: Tensor;
  states: Tensor[];
}

/** Options of `callWithState` beyond the initial state. */
export interface RecurrentCallOptions {
  /**
   * A mask [batch, time] (bool, or numbers where non-zero means true): at a
   * step where it is false the states (and the output) carry over unchanged.
   * By default the mask an Embedding with maskZero (or a recurrent layer
   * with returnSequences) attached to x, if any.
   */
  mask?: TensorLike;
}

/** The weights a step reads, prepared once per call (slices of the variables, traced like any op). */
interface StepWeights {
  recurrentKernel: Tensor;
  [part: string]: Tensor;
}

/**
 * The shared machinery of the recurrent layers: weights, shape checks, the
 * loop over time, masks, initial states and configuration. A subclass gives
 * the number of gates, the number of states and one step.
 */
export abstract class RecurrentLayer extends Layer {
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  protected readonly kernelInit: Initializer;
  protected readonly recurrentInit: Initializer;
  protected readonly biasInit: Initializer;
  private readonly kernelReg: Regularizer | undefined;
  private readonly recurrentReg: Regularizer | undefined;
  private readonly biasReg: Regularizer | undefined;
  /** The input kernel [in, gates·units]. */
  kernel: Variable | undefined;
  /** The recurrent kernel [units, gates·units]. */
  recurrentKernel: Variable | undefined;
  /** The bias [gates·units] (a GRU with resetAfter: [2, 3·units], input and recurrent). */
  bias: Variable | undefined;

  /** The number of gate blocks in the kernels: 1 (SimpleRNN), 4 (LSTM), 3 (GRU). */
  protected abstract readonly gates: number;
  /** The number of state tensors: 1, or 2 for the LSTM (h and c). */
  protected abstract readonly stateCount: number;

  constructor(className: string, args: RecurrentArgs) {
    const op = layerOpName(className);
    super(className, requireArgs(op, args));
    this.units = intOption(op, 'units', args.units);
    this.activation = canonicalActivation(args.activation ?? 'tanh', op);
    this.useBias = boolOption(op, 'useBias', args.useBias ?? true);
    this.returnSequences = boolOption(op, 'returnSequences', args.returnSequences ?? false);
    this.returnState = boolOption(op, 'returnState', args.returnState ?? false);
    this.goBackwards = boolOption(op, 'goBackwards', args.goBackwards ?? false);
    this.kernelInit = resolveInitializer(args.kernelInitializer ?? 'glorotUniform', op);
    this.recurrentInit = resolveInitializer(args.recurrentInitializer ?? 'orthogonal', op);
    this.biasInit = resolveInitializer(args.biasInitializer ?? 'zeros', op);
    this.kernelReg = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer, op) : undefined;
    this.recurrentReg = args.recurrentRegularizer ? getRegularizer(args.recurrentRegularizer, op) : undefined;
    this.biasReg = args.biasRegularizer ? getRegularizer(args.biasRegularizer, op) : undefined;
  }

  /** The shape of the bias; [gates·units] unless a subclass says otherwise. */
  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  /** The bias's initializer; the configured one unless a subclass adapts it. */
  protected biasInitializer(): InitializerSpec {
    return this.biasInit;
  }

  override build(inputShape: SymbolicShape): void {
    if (inputShape.length !== 3) {
      throw new ShapeError(`${this.name}: cannot build from input shape ${JSON.stringify(inputShape)}: expects rank 3, [batch, time, features]`);
    }
    const inDim = inputShape[2];
    if (typeof inDim !== 'number')
      throw new ShapeError(`${this.name}: cannot build from input shape ${JSON.stringify(inputShape)}: the feature dimension must be known`);
    const width = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [inDim, width], this.kernelInit, { regularizer: this.kernelReg });
    this.recurrentKernel = this.addWeight('recurrentKernel', [this.units, width], this.recurrentInit, { regularizer: this.recurrentReg });
    if (this.useBias) this.bias = this.addWeight('bias', this.biasShape(), this.biasInitializer(), { regularizer: this.biasReg });
    this.built = true;
  }

  /** The bias added to the input projection x·W, if any; by default the whole bias. */
  protected inputBias(): Tensor | undefined {
    return this.bias?.value;
  }

  /** The weights one step reads; subclasses add slices they need at every step. */
  protected prepare(): StepWeights {
    return { recurrentKernel: this.recurrentKernel!.value };
  }

  /**
   * One step: from the input projection of this step, xₜ·W + b [batch,
   * gates·units], and the previous states, the new states (h first).
   */
  protected abstract step(xt: Tensor, states: Tensor[], w: StepWeights): Tensor[];

  /** Runs the layer on x [batch, time, features] (building it first if needed); the input's rank is checked before the build. */
  override apply(x: SymbolicTensor | SymbolicTensor[], opts?: { training?: boolean }): SymbolicTensor;
  override apply(x: TensorLike | Tensor[], opts?: { training?: boolean }): Tensor;
  override apply(x: TensorLike | Tensor[] | SymbolicTensor | SymbolicTensor[], opts: { training?: boolean } = {}): Tensor | SymbolicTensor {
    if (x instanceof SymbolicTensor) {
      this.checkRank(x.shape.map((d) => d ?? 'null'));
      return super.apply(x, opts);
    }
    if (isSymbolic(x)) return super.apply(x, opts);
    const t = toTensor(this.name, 'x', x as TensorLike);
    this.checkRank(t.shape);
    return super.apply(t, opts);
  }

  private checkRank(shape: readonly (number | string)[]): void {
    if (shape.length !== 3) throw new ShapeError(`${this.name}: expects an input of rank 3, [batch, time, features], got shape [${shape.join(',')}]`);
  }

  /** The output: the last h [batch, units], or every h [batch, time, units] with returnSequences. */
  call(x: Tensor): Tensor {
    return this.callWithState(x).output;
  }

  /**
   * Runs the layer and returns its output together with the final states
   * ([h], or [h, c] for an LSTM, each [batch, units]). `initialState` (a
   * tensor, or an array of `stateCount` tensors [batch, units]) replaces the
   * zero initial state; gradients flow into it like into any input.
   */
  callWithState(x: TensorLike, initialState?: TensorLike | readonly TensorLike[], opts: RecurrentCallOptions = {}): RecurrentResult {
    const t = toTensor(`${this.name}.callWithState`, 'x', x);
    this.checkRank(t.shape);
    if (!this.built) this.build([null, ...t.shape.slice(1)]);
    this.checkInput(t, this.kernel!.shape[0]!, `its kernel ${formatShape(this.kernel!.shape)}`);
    const [batch, time, features] = t.shape as [number, number, number];
    if (time < 1) throw new ShapeError(`${this.name}: input shape ${formatShape(t.shape)} has no time steps`);
    const mask = this.resolveMask(t, opts.mask);

    // the input's part of every gate at every step, in one matrix product
    const width = this.gates * this.units;
    let projected = reshape(matmul(reshape(t, [batch * time, features]), this.kernel!), [batch, time, width]);
    const b = this.inputBias();
    if (b) projected = add(projected, b);

    let states = this.initialStates(batch, projected.dtype, initialState);
    const w = this.prepare();
    const steps = unstackSteps(projected);
    const outputs: Tensor[] = [];
    for (let k = 0; k < time; k++) {
      const at = this.goBackwards ? time - 1 - k : k;
      const xt = steps[at]!;
      const before = states;
      let next = scoped(`${this.name}.step`, 'step', [xt, ...before], { t: k + 1, time }, () => this.step(xt, before, w));
      if (mask) {
        const keep = reshape(slice(mask, [0, at], [batch, 1]), [batch, 1]);
        next = next.map((s, i) => where(keep, s, states[i]!));
      }
      states = next;
      if (this.returnSequences) outputs.push(states[0]!);
    }
    if (!this.returnSequences) return { output: states[0]!, states };
    const output = stack(outputs, 1);
    // the next recurrent layer reads the mask in the order of these outputs
    if (mask)
      attachMask(
        output,
        this.goBackwards
          ? concat(
              Array.from({ length: time }, (_, k) => slice(mask, [0, time - 1 - k], [batch, 1])),
              1,
            )
          : mask,
      );
    return { output, states };
  }

  private resolveMask(x: Tensor, given: TensorLike | undefined): Tensor | undefined {
    const m = given === undefined ? maskOf(x) : toTensor(this.name, 'mask', given);
    if (!m) return undefined;
    const [batch, time] = x.shape;
    if (m.rank !== 2 || m.shape[0] !== batch || m.shape[1] !== time) {
      throw new ShapeError(`${this.name}: mask shape ${formatShape(m.shape)} does not fit input shape ${formatShape(x.shape)}: expected [${batch},${time}]`);
    }
    return m.dtype === 'bool' ? m : notEqual(m, 0);
  }

  private initialStates(batch: number, dtype: DType, given: TensorLike | readonly TensorLike[] | undefined): Tensor[] {
    const d = dtype === 'float64' ? 'float64' : 'float32';
    if (given === undefined) return Array.from({ length: this.stateCount }, () => zeros([batch, this.units], d));
    const states = (isStateList(given) ? (given as readonly TensorLike[]) : [given as TensorLike]).map((s, i) =>
      toTensor(this.name, `initialState[${i}]`, s, d),
    );
    if (states.length !== this.stateCount) {
      throw new ArgumentError(`${this.name}: expects ${this.stateCount} initial state${this.stateCount > 1 ? 's ([h, c])' : ''}, got ${states.length}`);
    }
    states.forEach((s, i) => {
      if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== this.units) {
        throw new ShapeError(`${this.name}: initial state ${i} has shape ${formatShape(s.shape)}, expected [${batch},${this.units}] ([batch, units])`);
      }
    });
    return states;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      kernelInitializer: serializeInitializer(this.kernelInit),
      recurrentInitializer: serializeInitializer(this.recurrentInit),
      biasInitializer: serializeInitializer(this.biasInit),
      ...(this.kernelReg ? { kernelRegularizer: { className: 'L1L2', config: this.kernelReg.config } } : {}),
      ...(this.recurrentReg ? { recurrentRegularizer: { className: 'L1L2', config: this.recurrentReg.config } } : {}),
      ...(this.biasReg ? { biasRegularizer: { className: 'L1L2', config: this.biasReg.config } } : {}),
    };
  }
}

/**
 * The steps of p [batch, time, width] as `time` tensors [batch, width]. The
 * gradient of a slice is padded back to the size of the tensor it was cut
 * from, so cutting every step from p directly would make the backward pass
 * quadratic in time; cutting blocks of about √time steps first, then steps
 * from the blocks, keeps it at time^1.5 with a small constant.
 */
function unstackSteps(p: Tensor): Tensor[] {
  const [batch, time, width] = p.shape as [number, number, number];
  const block = Math.max(1, Math.round(Math.sqrt(time)));
  const steps: Tensor[] = [];
  for (let start = 0; start < time; start += block) {
    const n = Math.min(block, time - start);
    const chunk = n === time ? p : slice(p, [0, start, 0], [batch, n, width]);
    for (let k = 0; k < n; k++) steps.push(reshape(slice(chunk, [0, k, 0], [batch, 1, width]), [batch, width]));
  }
  return steps;
}

/** Whether an initial-state argument is a list of state tensors rather than one state (a tensor or a nested array). */
function isStateList(given: TensorLike | readonly TensorLike[]): boolean {
  // a list of states holds tensors, variables or rank-2 nested arrays; one state as a nested array holds rows of numbers
  const isState = (s: unknown) => isTensor(s) || s instanceof Variable || (Array.isArray(s) && Array.isArray(s[0]));
  return Array.isArray(given) && given.length > 0 && given.every(isState);
}

/**
 * A fully connected recurrent layer, Elman's network:
 *
 *     hₜ = activation(xₜ·W + hₜ₋₁·U + b)
 *
 * with the kernel W [in, units], the recurrent kernel U [units, units] and
 * b [units], as in Keras. Input [batch, time, in]; output the last h
 * [batch, units], or every h [batch, time, units] with returnSequences.
 */
export class SimpleRNN extends RecurrentLayer {
  protected readonly gates = 1;
  protected readonly stateCount = 1;

  constructor(args: SimpleRNNArgs) {
    super('SimpleRNN', args);
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  protected step(xt: Tensor, [h]: Tensor[], w: StepWeights): Tensor[] {
    return [getActivation(this.activation)(add(xt, matmul(h!, w.recurrentKernel)))];
  }
}

/**
 * Long short-term memory (Hochreiter and Schmidhuber, 1997), in Keras's
 * layout: the kernel W [in, 4u], the recurrent kernel U [u, 4u] and the bias
 * b [4u] hold four gate blocks in the order i, f, c, o. With σ the recurrent
 * activation (sigmoid) and act the activation (tanh):
 *
 *     i = σ(xₜ·Wᵢ + hₜ₋₁·Uᵢ + bᵢ)         input gate
 *     f = σ(xₜ·W_f + hₜ₋₁·U_f + b_f)      forget gate
 *     c̃ = act(xₜ·W_c + hₜ₋₁·U_c + b_c)    candidate cell
 *     o = σ(xₜ·W_o + hₜ₋₁·U_o + b_o)      output gate
 *     cₜ = f ⊙ cₜ₋₁ + i ⊙ c̃
 *     hₜ = o ⊙ act(cₜ)
 *
 * PyTorch's nn.LSTM has the same gate order (i, f, g, o) with weight_ih = Wᵀ.
 * The states are [h, c]; the output is h. unitForgetBias (the default)
 * starts b_f at 1.
 */
export class LSTM extends RecurrentLayer {
  protected readonly gates = 4;
  protected readonly stateCount = 2;
  readonly recurrentActivation: ActivationName;
  readonly unitForgetBias: boolean;

  constructor(args: LSTMArgs) {
    super('LSTM', args);
    this.recurrentActivation = canonicalActivation(args.recurrentActivation ?? 'sigmoid', 'lstm');
    this.unitForgetBias = boolOption('lstm', 'unitForgetBias', args.unitForgetBias ?? true);
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  protected override biasInitializer(): InitializerSpec {
    if (!this.unitForgetBias) return this.biasInit;
    const base = this.biasInit,
      u = this.units;
    // [b_i, b_f, b_c, b_o] = [init(u), 1, init(2u)], as Keras draws it
    const init = (_shape: readonly number[], dtype: 'float32' | 'float64', g?: Generator) =>
      concat([base([u], dtype, g), full([u], 1, dtype), base([2 * u], dtype, g)], 0);
    return Object.assign(init, { className: 'UnitForgetBias', config: {} });
  }

  protected step(xt: Tensor, [h, c]: Tensor[], w: StepWeights): Tensor[] {
    const sigma = getActivation(this.recurrentActivation),
      act = getActivation(this.activation);
    const [zi, zf, zc, zo] = split(add(xt, matmul(h!, w.recurrentKernel)), 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const cNew = add(mul(sigma(zf), c!), mul(sigma(zi), act(zc)));
    const hNew = mul(sigma(zo), act(cNew));
    return [hNew, cNew];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), recurrentActivation: this.recurrentActivation, unitForgetBias: this.unitForgetBias };
  }
}

/**
 * Gated recurrent unit (Cho et al., 2014), in Keras's layout: the kernel W
 * [in, 3u] and the recurrent kernel U [u, 3u] hold three gate blocks in the
 * order z (update), r (reset), h (candidate). With σ the recurrent
 * activation (sigmoid) and act the activation (tanh), and resetAfter true
 * (the default; the bias is [2, 3u]: an input bias b and a recurrent bias b'):
 *
 *     z = σ(xₜ·W_z + b_z + hₜ₋₁·U_z + b'_z)
 *     r = σ(xₜ·W_r + b_r + hₜ₋₁·U_r + b'_r)
 *     h̃ = act(xₜ·W_h + b_h + r ⊙ (hₜ₋₁·U_h + b'_h))
 *     hₜ = z ⊙ hₜ₋₁ + (1 − z) ⊙ h̃
 *
 * z weighs the old state, as in Keras and PyTorch (whose nn.GRU is this
 * form, with its gates in the order r, z, n). With resetAfter false the bias
 * is [3u] and the reset gate applies before the recurrent product:
 *
 *     h̃ = act(xₜ·W_h + (r ⊙ hₜ₋₁)·U_h + b_h)
 */
export class GRU extends RecurrentLayer {
  protected readonly gates = 3;
  protected readonly stateCount = 1;
  readonly recurrentActivation: ActivationName;
  readonly resetAfter: boolean;

  constructor(args: GRUArgs) {
    super('GRU', args);
    this.recurrentActivation = canonicalActivation(args.recurrentActivation ?? 'sigmoid', 'gru');
    this.resetAfter = boolOption('gru', 'resetAfter', args.resetAfter ?? true);
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected override inputBias(): Tensor | undefined {
    if (!this.bias || !this.resetAfter) return this.bias?.value;
    return reshape(slice(this.bias, [0, 0], [1, 3 * this.units]), [3 * this.units]);
  }

  protected override prepare(): StepWeights {
    const u = this.units,
      U = this.recurrentKernel!.value;
    if (this.resetAfter) {
      const w: StepWeights = { recurrentKernel: U };
      if (this.bias) w['recurrentBias'] = reshape(slice(this.bias, [1, 0], [1, 3 * u]), [3 * u]);
      return w;
    }
    return { recurrentKernel: U, gatesKernel: slice(U, [0, 0], [u, 2 * u]), candidateKernel: slice(U, [0, 2 * u], [u, u]) };
  }

  protected step(xt: Tensor, [h]: Tensor[], w: StepWeights): Tensor[] {
    const sigma = getActivation(this.recurrentActivation),
      act = getActivation(this.activation);
    const [xz, xr, xh] = split(xt, 3, 1) as [Tensor, Tensor, Tensor];
    let z: Tensor, candidate: Tensor;
    if (this.resetAfter) {
      let hu = matmul(h!, w.recurrentKernel);
      if (w['recurrentBias']) hu = add(hu, w['recurrentBias']);
      const [hz, hr, hh] = split(hu, 3, 1) as [Tensor, Tensor, Tensor];
      z = sigma(add(xz, hz));
      const r = sigma(add(xr, hr));
      candidate = act(add(xh, mul(r, hh)));
    } else {
      const [hz, hr] = split(matmul(h!, w['gatesKernel']!), 2, 1) as [Tensor, Tensor];
      z = sigma(add(xz, hz));
      const r = sigma(add(xr, hr));
      candidate = act(add(xh, matmul(mul(r, h!), w['candidateKernel']!)));
    }
    return [add(mul(z, h!), mul(sub(1, z), candidate))];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), recurrentActivation: this.recurrentActivation, resetAfter: this.resetAfter };
  }
}

registerLayer('SimpleRNN', (c) => new SimpleRNN(c as unknown as SimpleRNNArgs));
registerLayer('LSTM', (c) => new LSTM(c as unknown as LSTMArgs));
registerLayer('GRU', (c) => new GRU(c as unknown as GRUArgs));
