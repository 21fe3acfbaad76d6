// Loading a PyTorch state_dict (from a safetensors file) into a nabla model.
//
// PyTorch modules with weights are matched, in order, to the model's layers
// with weights, and each weight is converted to Keras's layout:
//
//   nn.Linear          weight [out, in]          → Dense kernel [in, out] (transposed); bias as is.
//                      After a Flatten of [H, W, C] images, PyTorch flattened (C, H, W): the
//                      kernel's rows are reordered to nabla's (H, W, C).
//   nn.Conv2d          weight [out, in, kh, kw]  → Conv2D kernel [kh, kw, in, out]; bias as is.
//   nn.BatchNorm*      weight, bias, running_mean, running_var → gamma, beta, movingMean,
//                      movingVariance (num_batches_tracked is dropped). PyTorch's ε is 1e-5,
//                      nabla's default 1e-3, and ε is not in a state dict: a normalization
//                      layer whose ε is not the modules' (opts.epsilon, default 1e-5) is
//                      refused, as it would predict otherwise (opts.epsilon 'keep' loads anyway).
//   nn.LayerNorm       weight, bias [normalized_shape] → gamma, beta (the trailing axes: nabla's axis
//                      [-k, ..., -1]; PyTorch's ε is 1e-5).
//   nn.GroupNorm       weight, bias [C]          → gamma, beta (channels last in nabla; ε 1e-5).
//   nn.Embedding       weight [n, d]             → embeddings [n, d].
//   nn.RNN / LSTM / GRU (one layer, batch_first)  weight_ih_l0 [g·u, in], weight_hh_l0 [g·u, u],
//                      bias_ih_l0, bias_hh_l0    → kernel = weight_ihᵀ, recurrentKernel = weight_hhᵀ,
//                      bias = bias_ih + bias_hh (RNN, LSTM: same gate order i, f, g, o), or for a
//                      GRU (resetAfter: true) gate blocks reordered from PyTorch's (r, z, n) to
//                      Keras's (z, r, h) and bias = [bias_ih; bias_hh] as [2, 3u].
import { ArgumentError, ShapeError } from '../core/errors.js';
import { add } from '../ops/arithmetic.js';
import { transpose } from '../ops/linalg.js';
import { concat, permute, reshape, slice, stack } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** The nabla layers a PyTorch module's weights load into (docs/INTEROP.md's table is checked against this list). */
export const TORCH_LAYERS = [
  'Dense',
  'Conv2D',
  'BatchNormalization',
  'LayerNormalization',
  'GroupNormalization',
  'Embedding',
  'SimpleRNN',
  'LSTM',
  'GRU',
] as const;

/** The model side: a Sequential (its layers, their weights, and its input shape). */
interface TorchLoadable {
  readonly layers: readonly LayerLike[];
  readonly inputShape: readonly number[] | undefined;
}
interface LayerLike {
  readonly name: string;
  readonly className: string;
  getWeights(): Tensor[];
  setWeights(w: readonly Tensor[]): void;
  computeOutputShape(s: (number | null)[]): (number | null)[];
}
const option = (layer: LayerLike, key: string): unknown => (layer as unknown as Record<string, unknown>)[key];

/** Options of loadTorchStateDict. */
export interface TorchLoadOptions {
  /**
   * The module prefixes in the order of the model's layers with weights
   * (['rnn', 'head']). By default each layer takes the first unused module,
   * in natural order of the prefixes ('2' before '10'), whose weights fit it.
   */
  modules?: readonly string[];
  /**
   * The ε the PyTorch normalization modules (BatchNorm, LayerNorm, GroupNorm)
   * were built with (default 1e-5, PyTorch's; a state dict does not hold it).
   * A normalization layer of the model with another ε would predict otherwise
   * than PyTorch: it is refused, naming the layer, unless this is 'keep'.
   */
  epsilon?: number | 'keep';
}

const NORMALIZATIONS = new Set(['BatchNormalization', 'LayerNormalization', 'GroupNormalization']);

/** One module → layer assignment, as applied. */
export interface TorchMappingStep {
  /** The PyTorch module's prefix in the state dict ('0', 'features.3'). */
  module: string;
  /** The nabla layer's name. */
  layer: string;
  /** What was done: 'Linear → Dense (kernel = weightᵀ)', ... */
  how: string;
}

const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The state dict grouped by module prefix, in the modules' order. */
function modules(state: Readonly<Record<string, Tensor>>): { prefix: string; w: Record<string, Tensor> }[] {
  const groups = new Map<string, Record<string, Tensor>>();
  for (const key of Object.keys(state)) {
    const dot = key.lastIndexOf('.');
    const prefix = dot < 0 ? '' : key.slice(0, dot),
      leaf = key.slice(dot + 1);
    if (leaf === 'num_batches_tracked') continue;
    if (!groups.has(prefix)) groups.set(prefix, {});
    groups.get(prefix)![leaf] = state[key]!;
  }
  return [...groups.keys()].sort(natural).map((prefix) => ({ prefix, w: groups.get(prefix)! }));
}

/** Column blocks of [rows, 3u] reordered from PyTorch's GRU gates (r, z, n) to Keras's (z, r, h). */
function gruColumns(t: Tensor, u: number): Tensor {
  const block = (i: number) => slice(t, [0, i * u], [-1, u]);
  return concat([block(1), block(0), block(2)], 1);
}
const gruVector = (t: Tensor, u: number) => reshape(gruColumns(reshape(t, [1, 3 * u]), u), [3 * u]);

/**
 * Loads a PyTorch state dict (name → tensor, e.g. `decodeSafetensors(bytes).tensors`)
 * into a built Sequential, converting each weight to nabla's layout (see the
 * table at the top of this file and the README's Interop section). Each layer
 * with weights takes a module whose weights fit it (`opts.modules` fixes the
 * order); a mismatch in count, kind or shape is an error naming both, and
 * nothing is changed unless every layer fits. Returns the assignments made.
 */
export function loadTorchStateDict(model: TorchLoadable, state: Readonly<Record<string, Tensor>>, opts: TorchLoadOptions = {}): TorchMappingStep[] {
  if (model === null || typeof model !== 'object' || !Array.isArray(model.layers))
    throw new ArgumentError('loadTorchStateDict: argument model must be a Sequential');
  if (!model.inputShape) throw new ArgumentError('loadTorchStateDict: the model is not built: give its first layer an inputShape');
  const eps = opts.epsilon ?? 1e-5;
  if (eps !== 'keep' && !(typeof eps === 'number' && eps > 0 && Number.isFinite(eps)))
    throw new ArgumentError(`loadTorchStateDict: opts.epsilon must be a positive number (the PyTorch modules' eps) or 'keep', got ${JSON.stringify(eps)}`);
  // ε changes what a normalization predicts, and the state dict does not say it: the layer's must be the modules'
  if (eps !== 'keep')
    for (const layer of model.layers) {
      const own = option(layer, 'epsilon');
      if (NORMALIZATIONS.has(layer.className) && typeof own === 'number' && Math.abs(own - eps) > 1e-9 * eps)
        throw new ArgumentError(
          `loadTorchStateDict: layer '${layer.name}' (${layer.className}) has ε ${own}, the PyTorch modules' is ${eps}, and would predict otherwise: build it with epsilon: ${eps} (opts.epsilon gives the modules' eps if not PyTorch's default; 'keep' loads anyway)`,
        );
    }
  const mods = modules(state);
  // each layer's input shape, to reorder a Linear that reads flattened images
  let shape: (number | null)[] = [null, ...model.inputShape];
  const layers: { layer: LayerLike; input: (number | null)[]; afterFlattenOf: (number | null)[] | null }[] = [];
  let flattened: (number | null)[] | null = null;
  for (const layer of model.layers) {
    const input = shape;
    shape = layer.computeOutputShape(shape);
    if (layer.getWeights().length) layers.push({ layer, input, afterFlattenOf: flattened });
    flattened = layer.className === 'Flatten' && input.length === 4 ? input : layer.getWeights().length || layer.className !== 'Dropout' ? null : flattened;
  }
  if (mods.length !== layers.length) {
    throw new ArgumentError(
      `loadTorchStateDict: the state dict has ${mods.length} module(s) with weights (${mods.map((m) => m.prefix).join(', ')}), the model ${layers.length} layer(s) with weights (${layers.map((l) => l.layer.name).join(', ')})`,
    );
  }
  const order = opts.modules;
  if (order !== undefined && (!Array.isArray(order) || order.length !== layers.length || !order.every((p) => mods.some((m) => m.prefix === p)))) {
    throw new ArgumentError(
      `loadTorchStateDict: opts.modules must list the ${layers.length} module prefixes (${mods.map((m) => m.prefix).join(', ')}) in the model's layer order`,
    );
  }
  // each layer takes the given module, or the first unused one (in natural order) that converts to its weights' shapes
  const unused = [...mods];
  const plan = layers.map(({ layer, afterFlattenOf }, i) => {
    const want = layer.getWeights();
    const candidates = order ? [mods.find((m) => m.prefix === order[i])!] : unused;
    let firstError: unknown = null;
    for (const m of candidates) {
      try {
        const { weights, how } = convert(layer, m.w, afterFlattenOf, m.prefix);
        if (weights.length !== want.length)
          throw new ArgumentError(`loadTorchStateDict: module '${m.prefix}' gives ${weights.length} weights, layer '${layer.name}' has ${want.length}`);
        weights.forEach((t, k) => {
          if (t.shape.join() !== want[k]!.shape.join())
            throw new ShapeError(
              `loadTorchStateDict: module '${m.prefix}' (${how}) gives [${t.shape.join(',')}] for weight ${k} of layer '${layer.name}', which is [${want[k]!.shape.join(',')}]`,
            );
        });
        unused.splice(unused.indexOf(m), 1);
        return { layer, weights, step: { module: m.prefix, layer: layer.name, how } };
      } catch (e) {
        firstError ??= e;
      }
    }
    throw firstError ?? new ArgumentError(`loadTorchStateDict: no module of the state dict is left for layer '${layer.name}'`);
  });
  // all checked: only now are the model's weights replaced
  for (const { layer, weights } of plan) layer.setWeights(weights);
  return plan.map((p) => p.step);
}

function need(w: Record<string, Tensor>, key: string, prefix: string, cls: string): Tensor {
  const t = w[key];
  if (!t) throw new ArgumentError(`loadTorchStateDict: module '${prefix}' has no '${key}', which a ${cls} layer needs (it has ${Object.keys(w).join(', ')})`);
  return t;
}

/** A normalization's ε when it is not PyTorch's default (kept with opts.epsilon 'keep', or the modules' own). */
const note = (layer: LayerLike) => (option(layer, 'epsilon') !== 1e-5 ? `; ε ${option(layer, 'epsilon')}, PyTorch's default is 1e-5` : '');

function convert(layer: LayerLike, w: Record<string, Tensor>, afterFlattenOf: (number | null)[] | null, prefix: string): { weights: Tensor[]; how: string } {
  const cls = layer.className;
  const bias = w['bias'] ? [w['bias']] : [];
  switch (cls) {
    case 'Dense': {
      const W = need(w, 'weight', prefix, cls);
      if (afterFlattenOf && W.rank === 2) {
        const [, H, Wd, C] = afterFlattenOf as [null, number, number, number];
        const out = W.shape[0]!;
        if (W.shape[1] === H * Wd * C) {
          const k = reshape(permute(reshape(W, [out, C, H, Wd]), [2, 3, 1, 0]), [H * Wd * C, out]);
          return { weights: [k, ...bias], how: "Linear → Dense (kernel = weightᵀ, rows reordered from PyTorch's (C, H, W) flattening to (H, W, C))" };
        }
      }
      return { weights: [transpose(W), ...bias], how: 'Linear → Dense (kernel = weightᵀ)' };
    }
    case 'Conv2D':
      return {
        weights: [permute(need(w, 'weight', prefix, cls), [2, 3, 1, 0]), ...bias],
        how: 'Conv2d → Conv2D (kernel [kh, kw, in, out] = weight permuted from [out, in, kh, kw])',
      };
    case 'BatchNormalization': {
      const ws: Tensor[] = [];
      if (option(layer, 'scale') !== false) ws.push(need(w, 'weight', prefix, cls));
      if (option(layer, 'center') !== false) ws.push(need(w, 'bias', prefix, cls));
      ws.push(need(w, 'running_mean', prefix, cls), need(w, 'running_var', prefix, cls));
      return {
        weights: ws,
        how: `BatchNorm → BatchNormalization (γ, β, moving mean and variance${note(layer)})`,
      };
    }
    case 'LayerNormalization':
    case 'GroupNormalization': {
      const torchName = cls === 'LayerNormalization' ? 'LayerNorm' : 'GroupNorm';
      if (w['running_mean'])
        throw new ArgumentError(
          `loadTorchStateDict: module '${prefix}' is a BatchNorm (it has running statistics), which does not fit ${cls} layer '${layer.name}'`,
        );
      const ws: Tensor[] = [];
      if (option(layer, 'scale') !== false) ws.push(need(w, 'weight', prefix, cls));
      if (option(layer, 'center') !== false) ws.push(need(w, 'bias', prefix, cls));
      return { weights: ws, how: `${torchName} → ${cls} (γ, β${note(layer)})` };
    }
    case 'Embedding':
      return { weights: [need(w, 'weight', prefix, cls)], how: 'Embedding → Embedding (same layout)' };
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU': {
      const wih = need(w, 'weight_ih_l0', prefix, cls),
        whh = need(w, 'weight_hh_l0', prefix, cls);
      if (Object.keys(w).some((k) => /_l[1-9]|_reverse/.test(k)))
        throw new ArgumentError(
          `loadTorchStateDict: module '${prefix}' is a stacked or bidirectional PyTorch RNN; nabla maps one layer, one direction: split it into layers`,
        );
      const bih = w['bias_ih_l0'],
        bhh = w['bias_hh_l0'];
      if (cls !== 'GRU') {
        const b = bih && bhh ? [add(bih, bhh)] : [];
        return {
          weights: [transpose(wih), transpose(whh), ...b],
          how: `${cls === 'LSTM' ? 'LSTM' : 'RNN'} → ${cls} (kernels = weightsᵀ, bias = bias_ih + bias_hh)`,
        };
      }
      if (option(layer, 'resetAfter') === false)
        throw new ArgumentError(
          `loadTorchStateDict: layer '${layer.name}' is a GRU with resetAfter false; PyTorch's GRU applies the reset gate after the recurrent product: build it with resetAfter: true`,
        );
      const u = whh.shape[1]!;
      const b = bih && bhh ? [stack([gruVector(bih, u), gruVector(bhh, u)])] : [];
      return {
        weights: [gruColumns(transpose(wih), u), gruColumns(transpose(whh), u), ...b],
        how: 'GRU → GRU (kernels = weightsᵀ with gates reordered from (r, z, n) to (z, r, h); bias = [bias_ih; bias_hh])',
      };
    }
    default:
      throw new ArgumentError(`loadTorchStateDict: layer '${layer.name}' (${cls}) has weights but no PyTorch mapping (${TORCH_LAYERS.join(', ')})`);
  }
}
