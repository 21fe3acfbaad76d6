/**
 * nabla.linalg: dense linear algebra on tensors, in the spirit of
 * numpy.linalg. Every function accepts a matrix or a batch of matrices
 * (leading dimensions), computes in float64 whatever the input (so float32
 * data gets float64 accuracy) and returns tensors of the input's float dtype
 * (int32 and bool inputs give float32).
 *
 * These are tools for data (PCA, statistics, least squares, checking a
 * Hessian), not layers: svd, eigh, qr, cholesky, solve, inv, det and
 * slogdet have no gradient and throw when called on a tensor that grad is
 * tracing (use stopGradient to treat the input as a constant). `norm` is
 * differentiable for the norms made of sums and maxima.
 *
 * Numerical failures (a singular matrix in solve or inv, a matrix that is not
 * positive definite or not symmetric) throw a LinAlgError (an ArgumentError).
 */
export { svd, svdvals } from './svd.js';
export type { SVDOptions, SVDResult } from './svd.js';
export { eigh, eigvalsh } from './eigh.js';
export type { EighOptions, EighResult } from './eigh.js';
export { qr } from './qr.js';
export type { QROptions, QRResult } from './qr.js';
export { cholesky } from './cholesky.js';
export type { CholeskyOptions } from './cholesky.js';
export { solve, inv, det, slogdet } from './lu.js';
export { norm } from './norm.js';
export type { NormOrder } from './norm.js';
export { LinAlgError } from './matrices.js';
export { hessianEigs } from './lanczos.js';
export type { HessianEigsOptions, HessianEigsResult } from './lanczos.js';
