/** The Jacobian of one layer of a model with respect to its input, at one example. */
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import { reshape } from '../ops/shape.js';
import { noGrad } from '../ops/stop.js';
import { jacobian } from '../autograd/transforms.js';
import type { Tensor } from '../tensor/tensor.js';

/** What layerJacobian needs of a model: its layers in order (a Sequential). */
interface LayeredModel {
  readonly layers: readonly { name: string; built: boolean; apply(x: TensorLike, opts?: { training?: boolean }): Tensor }[];
  readonly inputShape?: readonly number[];
}

/**
 * The Jacobian of layer `layerIndex`'s output with respect to its input, at
 * one example `x` of the model's input (shape inputShape, or [1, ...inputShape]):
 * x is run through the layers before it (in inference mode), then
 *
 *   J[i..., j...] = ∂ out[i...] / ∂ in[j...],   shape [...outShape, ...inShape]
 *
 * (no batch axes), by nb.jacobian. For a dense layer with activation σ,
 * out = σ(z), z = in·W + b, this is diag(σ'(z))·Wᵀ: [units, inputs]. Draw it
 * with `nb.viz.heatmap(J)` (reshape a higher-rank one to [outSize, inSize]).
 */
export function layerJacobian(model: LayeredModel, layerIndex: number, x: TensorLike): Tensor {
  const op = 'layerJacobian';
  if (model === null || typeof model !== 'object' || !Array.isArray((model as LayeredModel).layers)) {
    throw new ArgumentError(`${op}: model must be a Sequential model (with layers), got ${describe(model)}`);
  }
  const layers = model.layers;
  if (!Number.isInteger(layerIndex) || layerIndex < 0 || layerIndex >= layers.length) {
    throw new ArgumentError(
      `${op}: layerIndex must be an integer in [0, ${layers.length - 1}] (the model has ${layers.length} layer(s)), got ${describe(layerIndex)}`,
    );
  }
  const unbuilt = layers.find((l) => !l.built);
  if (unbuilt)
    throw new ArgumentError(`${op}: layer '${unbuilt.name}' is not built yet: give the first layer an inputShape, or call the model once on an example`);
  let t = toTensor(op, 'x', x);
  const example = model.inputShape;
  if (example) {
    const ok = t.shape.join() === example.join() || (t.shape[0] === 1 && t.shape.slice(1).join() === example.join());
    if (!ok) throw new ShapeError(`${op}: x must be one example of shape [${example.join(',')}] (or [1,${example.join(',')}]), got ${formatShape(t.shape)}`);
    if (t.rank === example.length) t = reshape(t, [1, ...t.shape]);
  } else if (t.shape[0] !== 1) {
    t = reshape(t, [1, ...t.shape]);
  }
  const input = noGrad(() => {
    let h = t;
    for (let i = 0; i < layerIndex; i++) h = layers[i]!.apply(h, { training: false });
    return h;
  });
  const layer = layers[layerIndex]!;
  const inShape = input.shape.slice(1);
  const f = (h: Tensor) => {
    const out = layer.apply(reshape(h, [1, ...inShape]), { training: false });
    return reshape(out, out.shape.slice(1));
  };
  return jacobian(f)(reshape(input, inShape)) as Tensor;
}
