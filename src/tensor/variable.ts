import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError, DTypeError } from '../core/errors.js';
import { formatShape, sameShape } from '../core/shape.js';
import { tapeState } from '../autograd/tape.js';
import { type Tensor, isTensor } from './tensor.js';

let counter = 0;

/**
 * @internal Newer values than the variables hold, kept elsewhere: a compiled
 * fit keeps the trained weights and the optimiser's slots in its plan's
 * memory between steps instead of copying them out after every step. Any
 * read or write of a variable's value (and of an optimiser's state) first
 * calls `settleResident`, which writes them back: nobody sees a stale value,
 * and a value assigned from outside is never overwritten later.
 */
export const resident: { owner: { settle(): void } | null } = { owner: null };

/**
 * @internal Writes the values held elsewhere (see `resident`) back into their
 * variables, if any are. This is bookkeeping, not computation: when a trace
 * is running (the first read of a variable inside nb.jit's trace of
 * evaluate's step, say), its writes must not become the traced program's
 * assignments, or every replay would put back the values held at trace time.
 */
export function settleResident(): void {
  const o = resident.owner;
  if (o !== null) {
    resident.owner = null;
    const tracer = tapeState.tracer;
    tapeState.tracer = null;
    try {
      o.settle();
    } finally {
      tapeState.tracer = tracer;
    }
  }
}

/**
 * A named, mutable slot holding a tensor: the trainable weights of a model.
 * Tensors themselves are immutable; training replaces a variable's value with
 * `assign`. Every op accepts a Variable where it accepts a tensor (it reads
 * the current value), and `grad` and friends differentiate with respect to
 * variables given as arguments: while the function runs, the variables
 * hold the traced values, so code that reads them (a model's layers, say)
 * is differentiated too. A value assigned while the function runs (a
 * batch-norm layer's moving statistics) is kept afterwards.
 *
 * While nb.trace runs a function, the tracer owns every variable's value:
 * reading one gives a named input of the program, assigning one gives an
 * output (a state update), and the variable itself is left as it was.
 */
export class Variable {
  private current: Tensor;
  /** A name unique within the process unless given (layers use 'dense_1/kernel' and the like). */
  readonly name: string;
  /** Whether optimisers update it (model.trainableWeights lists only trainable variables). */
  trainable: boolean;

  constructor(initial: Tensor, opts: { name?: string; trainable?: boolean } = {}) {
    this.current = initial.alias();
    this.name = opts.name ?? `variable_${++counter}`;
    this.trainable = opts.trainable ?? true;
  }

  /** The current value. */
  get value(): Tensor {
    settleResident();
    const tracer = tapeState.tracer;
    return tracer ? tracer.read(this) : this.current;
  }

  get shape(): readonly number[] {
    return this.current.shape;
  }

  get dtype() {
    return this.current.dtype;
  }

  get size(): number {
    return this.current.size;
  }

  /** Replaces the value; the shape and dtype must stay the same. The new value carries no gradient history. */
  assign(value: Tensor): void {
    if (!isTensor(value)) throw new ArgumentError(`assign: variable '${this.name}' takes a Tensor, got ${describe(value)}`);
    if (!sameShape(value.shape, this.current.shape)) {
      throw new ShapeError(`assign: variable '${this.name}' has shape ${formatShape(this.current.shape)}, got a value of shape ${formatShape(value.shape)}`);
    }
    if (value.dtype !== this.current.dtype) {
      throw new DTypeError(`assign: variable '${this.name}' has dtype ${this.current.dtype}, got ${value.dtype}`);
    }
    settleResident();
    const tracer = tapeState.tracer;
    if (tracer) tracer.write(this, value.alias());
    else this.current = value.alias();
  }

  /** @internal Used by the autodiff transforms to substitute a traced value while a function runs. */
  swap(value: Tensor): Tensor {
    settleResident();
    const tracer = tapeState.tracer;
    if (tracer) {
      const old = tracer.read(this);
      tracer.write(this, value);
      return old;
    }
    const old = this.current;
    this.current = value;
    return old;
  }

  /** @internal The value outside any trace (what nb.trace's named inputs stand for). */
  get concrete(): Tensor {
    settleResident();
    return this.current;
  }

  toString(): string {
    return `Variable '${this.name}' ${this.value.toString()}`;
  }
}

/** A new trainable variable holding `initial`. */
export function variable(initial: Tensor, opts: { name?: string; trainable?: boolean } = {}): Variable {
  if (!isTensor(initial)) throw new ArgumentError(`variable: argument initial must be a Tensor (make one with nb.tensor), got ${describe(initial)}`);
  if (opts === null || typeof opts !== 'object') throw new ArgumentError(`variable: argument opts must be an options object, got ${describe(opts)}`);
  return new Variable(initial, opts);
}
