/** The model summary table as data, from a model's layers (what model.summary() prints). */
import { ArgumentError } from '../../core/errors.js';
import type { ModelTable } from './types.js';

type Shape = (number | null)[];

/** What modelTable needs of a model: a Sequential has it. */
export interface TabulatedModel {
  readonly name: string;
  /** The shape of one example, when known. */
  readonly inputShape: readonly number[] | undefined;
  readonly layers: readonly {
    readonly name: string;
    readonly className: string;
    computeOutputShape(inputShape: Shape): Shape;
    countParams(): number;
    trainableParameters(): readonly { readonly size: number }[];
  }[];
}

/**
 * The model's layers as rows of [name, type, output shape, parameters], with
 * the total and trainable parameter counts, the same numbers model.summary()
 * prints. The output shapes are "?" when the model's input shape is unknown.
 */
export function modelTable(model: TabulatedModel): ModelTable {
  if (!model || typeof model !== 'object' || !Array.isArray(model.layers)) {
    throw new ArgumentError('modelTable: expected a model with layers (a Sequential)');
  }
  let shape: Shape | null = model.inputShape ? [null, ...model.inputShape] : null;
  let total = 0,
    trainable = 0;
  const layers = model.layers.map((layer) => {
    shape = shape ? layer.computeOutputShape(shape) : null;
    const params = layer.countParams();
    total += params;
    trainable += layer.trainableParameters().reduce((s: number, v: { readonly size: number }) => s + v.size, 0);
    return { name: layer.name, type: layer.className, outputShape: shape ? `[${shape.map((d) => d ?? 'null').join(',')}]` : '?', params };
  });
  return { name: model.name, layers, totalParams: total, trainableParams: trainable };
}
