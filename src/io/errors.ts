import { NablaError } from '../core/errors.js';

/**
 * A model that cannot be saved or loaded: a corrupt, truncated, forged or
 * foreign model file, or a file, URL, IndexedDB entry or download that
 * cannot be read or written. Its message names the source or target.
 */
export class ModelFileError extends NablaError {
  override name = 'ModelFileError';
}
