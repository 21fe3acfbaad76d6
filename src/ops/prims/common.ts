import { kernels } from '../../backend/index.js';
import type { BinaryOp, UnaryOp } from '../../backend/kernels.js';
import { ArgumentError, DTypeError } from '../../core/errors.js';
import { broadcastShapes, formatShape } from '../../core/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Aval, PrimDef } from '../prim.js';

/** Shared pieces of the issue-18 primitive definitions (the op table's own helpers are private to primitives.ts). */

/** A backward rule for a primitive with a zero derivative almost everywhere. */
export const noGradient = (_g: Tensor, inputs: readonly Tensor[]) => inputs.map(() => null);

/** The shape rule of an op whose output has its (first) input's shape and dtype. */
export const sameAval = ([x]: readonly Aval[]): Aval => ({ shape: x!.shape, dtype: x!.dtype });

/** A unary elementwise primitive on the `unary` kernel, with its derivative rule g ↦ dx. */
export function unaryPrim<P extends UnaryOp>(op: P, rule: ((g: Tensor, x: Tensor, out: Tensor) => Tensor) | null): PrimDef<P> {
  return {
    shape: sameAval,
    forward: ([x]) => new Tensor(kernels().unary(op, x!.storage), x!.shape),
    backward: rule === null ? noGradient : (g, [x], out) => [rule(g, x!, out)],
  };
}

/** The shape rule of a broadcast binary op that refuses bool operands: the broadcast shape, a's dtype. */
export function binaryShape(op: string) {
  return ([a, b]: readonly Aval[]): Aval => {
    const shape = broadcastShapes(op, a!.shape, b!.shape);
    if (a!.dtype === 'bool' || b!.dtype === 'bool') {
      throw new DTypeError(`${op}: not defined for bool tensors (shapes ${formatShape(a!.shape)} and ${formatShape(b!.shape)}); cast them first`);
    }
    if (a!.dtype !== b!.dtype) throw new DTypeError(`${op}: operands of different dtypes ${a!.dtype} and ${b!.dtype}`);
    return { shape, dtype: a!.dtype };
  };
}

/**
 * The forward of a broadcast binary op on the `binary` kernel. With `intDivision`, an int32
 * divisor holding 0 is refused (a check of values: integer division by zero has no value).
 */
export function binaryForward(op: BinaryOp, intDivision = false) {
  return ([a, b]: readonly Tensor[], _attrs: unknown, { shape }: Aval): Tensor => {
    if (intDivision && b!.dtype === 'int32' && b!.storage.includes(0)) {
      throw new ArgumentError(`${op}: integer division by zero (b ${formatShape(b!.shape)} holds 0); cast to a float dtype for ±Infinity or NaN`);
    }
    return new Tensor(kernels().binary(op, a!.storage, a!.shape, b!.storage, b!.shape, shape), shape);
  };
}
