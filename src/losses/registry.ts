import { ArgumentError } from '../core/errors.js';
import type { LossFunction } from './common.js';
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from './crossentropy.js';
import { meanAbsoluteError, meanSquaredError } from './regression.js';
import { cosineSimilarity, huber, kullbackLeiblerDivergence, poisson } from './more.js';

/** The canonical (TF.js-spelled) names of the built-in losses. */
export type LossName =
  | 'meanSquaredError'
  | 'meanAbsoluteError'
  | 'binaryCrossentropy'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'huber'
  | 'kullbackLeiblerDivergence'
  | 'poisson'
  | 'cosineSimilarity';

const builtins: Record<LossName, LossFunction> = {
  meanSquaredError,
  meanAbsoluteError,
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  huber,
  kullbackLeiblerDivergence,
  poisson,
  cosineSimilarity,
};

// every accepted spelling → its canonical name (Keras's short and snake_case aliases)
const aliases = {
  meanSquaredError: 'meanSquaredError',
  mse: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
  meanAbsoluteError: 'meanAbsoluteError',
  mae: 'meanAbsoluteError',
  mean_absolute_error: 'meanAbsoluteError',
  binaryCrossentropy: 'binaryCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  huber: 'huber',
  huber_loss: 'huber',
  kullbackLeiblerDivergence: 'kullbackLeiblerDivergence',
  kullback_leibler_divergence: 'kullbackLeiblerDivergence',
  kld: 'kullbackLeiblerDivergence',
  KLD: 'kullbackLeiblerDivergence',
  kl_divergence: 'kullbackLeiblerDivergence',
  poisson: 'poisson',
  cosineSimilarity: 'cosineSimilarity',
  cosine_similarity: 'cosineSimilarity',
} as const satisfies Record<string, LossName>;

/** Every spelling of a built-in loss: the TF.js names and Keras's short and snake_case aliases ('mse', 'categorical_crossentropy'). */
export type LossSpelling = keyof typeof aliases;

/** Every name getLoss accepts. */
export const lossNames: readonly string[] = Object.freeze(Object.keys(aliases));

/**
 * The canonical name of a built-in loss from any accepted spelling ('mse',
 * 'categorical_crossentropy', ...) or from the loss function itself;
 * undefined for anything else (a custom loss).
 */
export function canonicalLossName(loss: string | LossFunction | undefined): LossName | undefined {
  if (loss === undefined) return undefined;
  if (typeof loss === 'function') {
    return (Object.keys(builtins) as LossName[]).find((n) => builtins[n] === loss);
  }
  return Object.hasOwn(aliases, loss) ? aliases[loss as LossSpelling] : undefined;
}

/**
 * A loss function by name, or the function itself when one is given (a
 * custom loss `(yTrue, yPred) => Tensor`). Names: 'meanSquaredError' ('mse',
 * 'mean_squared_error'), 'meanAbsoluteError' ('mae', 'mean_absolute_error'),
 * 'binaryCrossentropy', 'categoricalCrossentropy',
 * 'sparseCategoricalCrossentropy', 'huber' ('huber_loss'),
 * 'kullbackLeiblerDivergence' ('kld', 'KLD', 'kl_divergence'), 'poisson',
 * 'cosineSimilarity' (and their snake_case spellings).
 * An unknown name throws an ArgumentError listing the known ones.
 */
export function getLoss(loss: string | LossFunction): LossFunction {
  if (typeof loss === 'function') return loss;
  const name = typeof loss === 'string' ? canonicalLossName(loss) : undefined;
  if (name === undefined) {
    throw new ArgumentError(`getLoss: unknown loss ${JSON.stringify(loss)}; known losses: ${lossNames.join(', ')}`);
  }
  return builtins[name];
}
