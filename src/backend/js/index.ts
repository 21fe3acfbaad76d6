import { allocate, dtypeOf, type FloatArray } from '../../core/dtype.js';
import { sizeOf, type Shape } from '../../core/shape.js';
import type { Kernels } from '../kernels.js';
import { binary, compare, unary, where } from './elementwise.js';
import { broadcastTo, cast, concat, gather, pad, permute, scatterAdd, slice } from './layout.js';
import { gemm } from './matmul.js';
import { broadcastStrides, forEachRow } from './strided.js';
import { argReduce, extremumGrad, reduce } from './reduce.js';
import { argsort, prod, scan } from './scan.js';
import { addPatches, extractPatches } from './window.js';
import { adam, biasActivation, softmax } from './fused.js';

/** Batched matmul over broadcast batch dimensions, one register-tiled GEMM per batch. */
function matmul(a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, transA: boolean, transB: boolean, outShape: Shape): FloatArray {
  const r = outShape.length;
  const M = outShape[r - 2]!,
    N = outShape[r - 1]!;
  const K = transA ? aShape[aShape.length - 2]! : aShape[aShape.length - 1]!;
  const out = allocate(dtypeOf(a), sizeOf(outShape)) as FloatArray;
  const batchShape = outShape.slice(0, -2);
  const aMat = aShape[aShape.length - 2]! * aShape[aShape.length - 1]!;
  const bMat = bShape[bShape.length - 2]! * bShape[bShape.length - 1]!;
  // batch strides in whole matrices, 0 on broadcast batch dimensions
  const sa = broadcastStrides(aShape.slice(0, -2), batchShape);
  const sb = broadcastStrides(bShape.slice(0, -2), batchShape);
  // walk the batch as rows of length 1 by appending a unit dimension
  forEachRow(
    [...batchShape, 1],
    [
      [...sa, 0],
      [...sb, 0],
    ],
    (off, batch) => {
      gemm(a, off[0]! * aMat, b, off[1]! * bMat, out, batch * M * N, M, N, K, transA, transB);
    },
  );
  return out;
}

/** The plain-TypeScript reference backend: simple, always available, the oracle for faster ones. */
export const jsKernels: Kernels = {
  name: 'js',
  unary,
  binary,
  compare,
  where,
  reduce,
  argReduce,
  extremumGrad,
  scan,
  prod,
  argsort,
  matmul,
  biasActivation,
  softmax,
  adam,
  permute,
  broadcastTo,
  slice,
  pad,
  concat,
  gather,
  scatterAdd,
  cast,
  extractPatches,
  addPatches,
};
