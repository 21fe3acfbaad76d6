import type { Tensor } from '../../tensor/tensor.js';

// Sequence masks, Keras's `_keras_mask`: a bool tensor [batch, time] that is
// true at the steps that hold data and false at padding. Tensors are
// immutable, so a layer that produces a mask (Embedding with maskZero, a
// recurrent layer with returnSequences fed a mask) records it here against
// its output tensor, and a layer that consumes masks (the recurrent layers)
// looks up the mask of its input. The mask follows a tensor object, so it
// reaches the layer that receives that very output (the next layer of a
// Sequential model); a layer in between that computes a new tensor (Dropout,
// Dense) does not carry it on.

const masks = new WeakMap<Tensor, Tensor>();

/** Records `mask` ([batch, time], bool) as the mask of `output`, and returns `output`. */
export function attachMask(output: Tensor, mask: Tensor): Tensor {
  masks.set(output, mask);
  return output;
}

/** The mask recorded for `x` by the layer that produced it, if any. */
export function maskOf(x: Tensor): Tensor | undefined {
  return masks.get(x);
}
