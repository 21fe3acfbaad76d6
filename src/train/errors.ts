import { NablaError } from '../core/errors.js';
import type { History } from './history.js';

/** Where and how a training run diverged (see DivergenceError). */
export interface DivergenceDetails {
  /** The epoch (from 0, as in History.epoch) of the bad batch. */
  epoch: number;
  /** The batch within the epoch (from 0, as in onBatchEnd). */
  batch: number;
  /** What was not finite: the batch loss, a gradient, or a weight after the update. */
  quantity: 'loss' | 'gradient' | 'weights';
  /** The non-finite value found (NaN, Infinity or −Infinity). */
  value: number;
  /** The variable whose gradient or new value was not finite. */
  variable?: string;
}

/**
 * fit stopped because a batch's loss, a gradient or an updated weight was
 * NaN or ±Inf. The update of that batch was not applied: the model holds
 * the weights (and batch-norm statistics) from before it, and the
 * optimiser's state is as before it too, except for `quantity: 'weights'`
 * (finite gradients whose update overflowed), where the optimiser has taken
 * the step. `history` holds the epochs completed before the bad batch.
 */
export class DivergenceError extends NablaError {
  override name = 'DivergenceError';
  constructor(
    message: string,
    readonly details: DivergenceDetails,
    readonly history: History,
  ) {
    super(message);
  }
}
