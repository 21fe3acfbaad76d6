/** The base class of every error nabla throws on purpose. */
export class NablaError extends Error {
  override name = 'NablaError';
}

/** A shape does not fit an op: the message names the op, the shapes and what was expected. */
export class ShapeError extends NablaError {
  override name = 'ShapeError';
}

/** A dtype does not fit an op. */
export class DTypeError extends NablaError {
  override name = 'DTypeError';
}

/** An argument other than a shape or dtype is invalid (an axis out of range, a bad option). */
export class ArgumentError extends NablaError {
  override name = 'ArgumentError';
}

/**
 * A traced function tried to read a value (nb.trace runs it on placeholders
 * that hold no data): data-dependent control flow cannot be traced.
 */
export class TraceError extends NablaError {
  override name = 'TraceError';
}
