import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { withoutRecording } from '../autograd/tape.js';
import { toTensor, type TensorLike } from './convert.js';

/** The same values with no gradient: derivatives treat it as a constant. */
export function stopGradient(x: TensorLike): Tensor {
  const t = toTensor('stopGradient', 'x', x);
  return t.alias();
}

/**
 * Runs `fn` without recording anything for autodiff (for inference and
 * optimiser updates); what it returns carries no gradient.
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ArgumentError(`noGrad: argument fn must be a function, got ${describe(fn)}`);
  return withoutRecording(fn);
}
