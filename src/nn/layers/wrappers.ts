import { describe } from '../../core/describe.js';
import { ArgumentError, NablaError, ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { add, mul } from '../../ops/arithmetic.js';
import { flip } from '../../ops/rearrange.js';
import { concat, reshape } from '../../ops/shape.js';
import { Layer, layerFromConfig, registerLayer, type LayerArgs, type SymbolicShape } from '../layer.js';
import { choiceOption, requireArgs } from '../options.js';
import { attachMask, maskOf } from './mask.js';
import { RecurrentLayer, type GRU, type LSTM, type SimpleRNN } from './recurrent.js';

// Keras's wrappers: TimeDistributed (a layer applied to every time step) and
// Bidirectional (a recurrent layer run forwards and backwards, its two
// outputs merged). Both hold their inner layer's { className, config } in
// their own config, so a saved model rebuilds them.

/** A layer, or its saved form { className, config } (what getConfig holds). */
export type LayerOrSpec = Layer | { className: string; config: Record<string, unknown> };

/**
 * Runs fn, putting `who: ` before the message of a nabla error it throws (an
 * error of the wrapped layer then names the wrapper too), of the same class.
 */
function naming<T>(who: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof NablaError) || e.message.startsWith(`${who}:`)) throw e;
    const Same = e.constructor as new (message: string) => NablaError;
    throw new Same(`${who}: ${e.message}`);
  }
}

/** How deep wrappers being rebuilt from configs are nested now (a saved model's header is untrusted: its nesting is bounded). */
let nesting = 0;
const MAX_NESTING = 16;

/** The inner layer of a wrapper from a layer or a { className, config } spec. */
function innerLayer(op: string, v: unknown): Layer {
  if (v instanceof Layer) return v;
  if (v !== null && typeof v === 'object' && typeof (v as { className?: unknown }).className === 'string') {
    if (nesting >= MAX_NESTING) throw new ArgumentError(`${op}: wrappers nested more than ${MAX_NESTING} deep`);
    nesting++;
    try {
      return naming(`${op}: layer`, () => layerFromConfig(v as { className: string; config: Record<string, unknown> }));
    } finally {
      nesting--;
    }
  }
  throw new ArgumentError(`${op}: layer must be a layer (such as nb.layers.dense({ units: 4 })) or its { className, config }, got ${describe(v)}`);
}

/** A layer's config for a wrapper's own: without inputShape (the wrapper takes it over). */
function innerConfig(layer: Layer): Record<string, unknown> {
  const c = { ...layer.getConfig() };
  delete c['inputShape'];
  return c;
}

/** Options of TimeDistributed. */
export interface TimeDistributedArgs extends LayerArgs {
  /** The layer applied to every time step (its weights are shared across the steps). */
  layer: LayerOrSpec;
}

/**
 * Applies `layer` to every time step of x [batch, time, ...]: with f the
 * inner layer, y[b, t] = f(x[b, t]), computed at once by folding time into
 * the batch — x reshaped to [batch·time, ...], f applied, the result
 * reshaped to [batch, time, ...f's output]. The weights are the inner
 * layer's (the same variables, under their own names, as in Keras:
 * 'time_distributed_1/kernel').
 */
export class TimeDistributed extends Layer {
  /** The wrapped layer. */
  readonly layer: Layer;

  constructor(args: TimeDistributedArgs) {
    const op = 'timeDistributed';
    requireArgs(op, args);
    const layer = innerLayer(op, args.layer);
    // the wrapper's dtype is its layer's unless given
    super('TimeDistributed', { name: args.name, inputShape: args.inputShape, seed: args.seed, dtype: args.dtype ?? layer.dtype });
    this.layer = layer;
    if (this.inputShape) this.build([null, ...this.inputShape]);
    else if (layer.built) this.adoptWeights();
  }

  override build(s: SymbolicShape): void {
    if (s.length < 3) throw new ShapeError(`${this.name}: cannot build from input shape ${JSON.stringify(s)}: expects rank 3 or more, [batch, time, ...]`);
    if (!this.layer.built) naming(this.name, () => this.layer.build([null, ...s.slice(2)]));
    this.adoptWeights();
    this.built = true;
  }

  /** Registers the inner layer's weights as this layer's own, under their names (once). */
  private adoptWeights(): void {
    if (this.parameters().length > 0) return;
    for (const [name, v] of this.layer.namedParameters()) this.registerParameter(name, v);
  }

  call(x: Tensor, training: boolean): Tensor {
    if (x.rank < 3) throw new ShapeError(`${this.name}: input shape ${formatShape(x.shape)} must be [batch, time, ...] (rank 3 or more)`);
    const [batch, time, ...rest] = x.shape as number[];
    const y = naming(this.name, () => this.layer.apply(reshape(x, [batch! * time!, ...rest]), { training }));
    if (y.rank < 1 || y.shape[0] !== batch! * time!)
      throw new ShapeError(
        `${this.name}: the inner layer '${this.layer.name}' returned shape ${formatShape(y.shape)}, not one row per step (${batch! * time!})`,
      );
    const out = reshape(y, [batch!, time!, ...y.shape.slice(1)]);
    // the steps stay where they were: a mask on the input (padding) holds for the output too
    const mask = maskOf(x);
    return mask ? attachMask(out, mask) : out;
  }

  override regularizationLosses(): Tensor[] {
    return this.layer.regularizationLosses();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: { className: this.layer.className, config: innerConfig(this.layer) } };
  }
}

/** How Bidirectional merges its forward and backward outputs. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';
const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];

/** Options of Bidirectional. */
export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer (SimpleRNN, LSTM or GRU) whose config both directions are built from. */
  layer: LayerOrSpec;
  /**
   * 'concat' (the default: [forward, backward] along the last axis), 'sum',
   * 'mul' or 'ave'. Keras's null (the two outputs apart) is refused: a nabla
   * layer returns one tensor.
   */
  mergeMode?: MergeMode | null;
}

/**
 * Runs a recurrent layer over the sequence in both directions and merges
 * the two outputs: a forward copy and a backward copy of `layer` are built
 * from its config (named forward_<name> and backward_<name>, the backward
 * one with goBackwards flipped; neither shares weights with `layer` itself,
 * as in Keras). With f and g their outputs,
 *
 *     y = [f, g] (concat),  f + g (sum),  f ⊙ g (mul),  (f + g)/2 (ave)
 *
 * With returnSequences, g is put back in time order first (the backward
 * layer emits its steps last to first), so y[:, t] merges the two states
 * that have seen x[:, t]. A mask on the input reaches both directions, and
 * stays on the output with returnSequences.
 */
export class Bidirectional extends Layer {
  /** The copy that reads the sequence as the wrapped layer does. */
  readonly forwardLayer: SimpleRNN | LSTM | GRU;
  /** The copy that reads it the other way (goBackwards flipped). */
  readonly backwardLayer: SimpleRNN | LSTM | GRU;
  /** How the two outputs are merged: 'concat', 'sum', 'mul' or 'ave'. */
  readonly mergeMode: MergeMode;
  /** The wrapped layer's class and config, as given (its name unprefixed). */
  private readonly inner: { className: string; config: Record<string, unknown> };

  constructor(args: BidirectionalArgs) {
    const op = 'bidirectional';
    requireArgs(op, args);
    const layer = innerLayer(op, args.layer);
    if (!(layer instanceof RecurrentLayer))
      throw new ArgumentError(`${op}: layer must be a recurrent layer (simpleRNN, lstm or gru), got a ${layer.className} layer '${layer.name}'`);
    const given = layer.getConfig();
    // the inner layer's inputShape (Keras's idiom: bidirectional({ layer: lstm({ units, inputShape }) })) becomes the wrapper's
    super('Bidirectional', {
      name: args.name,
      dtype: args.dtype ?? layer.dtype,
      seed: args.seed,
      inputShape: args.inputShape ?? (given['inputShape'] as number[] | undefined),
    });
    if (args.mergeMode === null)
      throw new ArgumentError(
        `${op}: mergeMode null (the forward and backward outputs apart) is not supported: a layer returns one tensor; use 'concat', 'sum', 'mul' or 'ave'`,
      );
    this.mergeMode = choiceOption(op, 'mergeMode', args.mergeMode ?? 'concat', MERGE_MODES);
    const config = innerConfig(layer);
    this.inner = { className: layer.className, config };
    const name = String(config['name']);
    const seed = config['seed'] as number | undefined;
    this.forwardLayer = layerFromConfig({ className: layer.className, config: { ...config, name: `forward_${name}` } }) as SimpleRNN | LSTM | GRU;
    this.backwardLayer = layerFromConfig({
      className: layer.className,
      // a seeded layer's two copies start from different weights
      config: { ...config, name: `backward_${name}`, goBackwards: !config['goBackwards'], ...(seed === undefined ? {} : { seed: seed + 1 }) },
    }) as SimpleRNN | LSTM | GRU;
    this.registerModule(this.forwardLayer.name, this.forwardLayer);
    this.registerModule(this.backwardLayer.name, this.backwardLayer);
    if (this.inputShape) this.build([null, ...this.inputShape]);
  }

  /** Output h at every step (the inner layer's returnSequences). */
  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  override build(s: SymbolicShape): void {
    naming(this.name, () => {
      if (!this.forwardLayer.built) this.forwardLayer.build(s);
      if (!this.backwardLayer.built) this.backwardLayer.build(s);
    });
    this.built = true;
  }

  call(x: Tensor, training: boolean): Tensor {
    const f = naming(this.name, () => this.forwardLayer.apply(x, { training }));
    let g = naming(this.name, () => this.backwardLayer.apply(x, { training }));
    if (this.returnSequences) g = flip(g, 1);
    let y: Tensor;
    switch (this.mergeMode) {
      case 'concat':
        y = concat([f, g], f.rank - 1);
        break;
      case 'sum':
        y = add(f, g);
        break;
      case 'mul':
        y = mul(f, g);
        break;
      case 'ave':
        y = mul(add(f, g), 0.5);
        break;
    }
    const mask = maskOf(x);
    if (mask && this.returnSequences) attachMask(y, mask);
    return y;
  }

  override regularizationLosses(): Tensor[] {
    return [...this.forwardLayer.regularizationLosses(), ...this.backwardLayer.regularizationLosses()];
  }

  override getConfig(): Record<string, unknown> {
    const c = super.getConfig();
    return { ...c, layer: { className: this.inner.className, config: this.inner.config }, mergeMode: this.mergeMode };
  }
}

registerLayer('TimeDistributed', (c) => new TimeDistributed(c as unknown as TimeDistributedArgs));
registerLayer('Bidirectional', (c) => new Bidirectional(c as unknown as BidirectionalArgs));
