import type { DType, FloatArray, TypedArray } from '../../core/dtype.js';
import { sameShape, sizeOf, type Shape } from '../../core/shape.js';
import { jsKernels } from '../js/index.js';
import { broadcastStrides, forEachRow } from '../js/strided.js';
import type { BinaryOp, CompareOp, Kernels, ReduceOp, UnaryOp, Window2D } from '../kernels.js';
import { Arena } from './arena.js';
import { SGEMM_ROWS, MAX_CHUNKS } from './control.js';
import { defaultThreads, ThreadPool } from './pool.js';
import type { Runtime } from './runtime.js';

const UNARY: Partial<Record<UnaryOp, number>> = { neg: 0, abs: 1, sqrt: 2, exp: 3, log: 4, tanh: 5 };
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };
const COMPARE: Record<CompareOp, number> = { equal: 0, notEqual: 1, greater: 2, greaterEqual: 3, less: 4, lessEqual: 5 };
const REDUCE: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2 };

/** Below this many elements an elementwise op stays in JS: the copy in and out would cost more. */
const DEFAULT_MIN_ELEMENTS = 64;
/** Below this many multiply-adds a matrix product runs on one thread. */
const PARALLEL_MIN_FLOPS = 1 << 20;

/** A broadcast of two operands as a 2-D pattern: rows × cols with per-operand row and column strides. */
interface Pattern2D { rows: number; cols: number; ars: number; acs: number; brs: number; bcs: number }

/**
 * Collapses the broadcast of a and b to outShape into at most two dimensions
 * (merging neighbours that are contiguous in both operands), or null when the
 * pattern needs more (those cases run on the js kernels).
 */
function pattern2d(aShape: Shape, bShape: Shape, outShape: Shape): Pattern2D | null {
  const sa = broadcastStrides(aShape, outShape), sb = broadcastStrides(bShape, outShape);
  const dims: { n: number; a: number; b: number }[] = [];
  for (let i = 0; i < outShape.length; i++) {
    const n = outShape[i]!;
    if (n === 1) continue;
    const last = dims[dims.length - 1];
    if (last && last.a === sa[i]! * n && last.b === sb[i]! * n) {
      last.n *= n; last.a = sa[i]!; last.b = sb[i]!;
    } else dims.push({ n, a: sa[i]!, b: sb[i]! });
  }
  if (dims.length === 0) return { rows: 1, cols: 1, ars: 0, acs: 0, brs: 0, bcs: 0 };
  if (dims.length > 2) return null;
  const inner = dims[dims.length - 1]!, outer = dims.length === 2 ? dims[0]! : { n: 1, a: 0, b: 0 };
  if (inner.a > 1 || inner.b > 1) return null;
  return { rows: outer.n, cols: inner.n, ars: outer.a, acs: inner.a, brs: outer.b, bcs: inner.b };
}

/** The wasm backend: SIMD kernels for float32, the js kernels for everything else. */
export class WasmKernels implements Kernels {
  readonly name = 'wasm';
  /** @internal Elementwise ops on fewer elements run on the js kernels (tests set 1 to exercise wasm on small inputs). */
  minElements = DEFAULT_MIN_ELEMENTS;
  private readonly arena: Arena;
  private readonly pool: ThreadPool;

  constructor(readonly runtime: Runtime) {
    this.arena = new Arena(runtime.memory, runtime.exports.heapBase());
    this.pool = new ThreadPool(runtime);
  }

  /** Sets the number of threads (the main thread included). */
  setThreads(n: number): number {
    return this.pool.resize(n);
  }

  getThreads(): number {
    return this.pool.size;
  }

  /** Runs `fn` with a fresh arena mark, releasing all scratch afterwards. */
  private scoped<T>(fn: () => T): T {
    const mark = this.arena.mark();
    try {
      return fn();
    } finally {
      this.arena.release(mark);
    }
  }

  unary(op: UnaryOp, x: FloatArray): FloatArray {
    const code = UNARY[op];
    if (code === undefined || !(x instanceof Float32Array) || x.length < this.minElements) return jsKernels.unary(op, x);
    return this.scoped(() => {
      const px = this.arena.put(x), po = this.arena.alloc(x.byteLength);
      this.runtime.exports.unaryF32(code, px, po, x.length);
      return this.arena.f32(po, x.length).slice();
    });
  }

  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray {
    const code = BINARY[op];
    const n = sizeOf(outShape);
    const p = code !== undefined && a instanceof Float32Array && n >= this.minElements ? pattern2d(aShape, bShape, outShape) : null;
    if (!p) return jsKernels.binary(op, a, aShape, b, bShape, outShape);
    return this.scoped(() => {
      const pa = this.arena.put(a), pb = this.arena.put(b), po = this.arena.alloc(n * 4);
      this.runtime.exports.binaryF32(code!, pa, p.ars, p.acs, pb, p.brs, p.bcs, po, p.rows, p.cols);
      return this.arena.f32(po, n).slice();
    });
  }

  compare(op: CompareOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): Uint8Array {
    const n = sizeOf(outShape);
    const p = a instanceof Float32Array && n >= this.minElements ? pattern2d(aShape, bShape, outShape) : null;
    if (!p) return jsKernels.compare(op, a, aShape, b, bShape, outShape);
    return this.scoped(() => {
      const pa = this.arena.put(a), pb = this.arena.put(b), po = this.arena.alloc(n);
      this.runtime.exports.compareF32(COMPARE[op], pa, p.ars, p.acs, pb, p.brs, p.bcs, po, p.rows, p.cols);
      return this.arena.u8(po, n).slice();
    });
  }

  where(cond: Uint8Array, cShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray {
    const n = sizeOf(outShape);
    const fits = (s: Shape, len: number) => len === 1 || sameShape(s, outShape);
    if (!(a instanceof Float32Array) || n < this.minElements || !sameShape(cShape, outShape) || !fits(aShape, a.length) || !fits(bShape, b.length)) {
      return jsKernels.where(cond, cShape, a, aShape, b, bShape, outShape);
    }
    return this.scoped(() => {
      const pc = this.arena.put(cond), pa = this.arena.put(a), pb = this.arena.put(b), po = this.arena.alloc(n * 4);
      this.runtime.exports.whereF32(pc, pa, a.length === 1 ? 0 : 1, pb, b.length === 1 ? 0 : 1, po, n);
      return this.arena.f32(po, n).slice();
    });
  }

  reduce(op: ReduceOp, x: TypedArray, shape: Shape, axes: readonly number[]): TypedArray {
    const contiguous = axes.length > 0 && axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
    if (!(x instanceof Float32Array) || !contiguous || x.length < this.minElements) return jsKernels.reduce(op, x, shape, axes);
    const first = axes[0]!, last = axes[axes.length - 1]!;
    const outer = sizeOf(shape.slice(0, first)), r = sizeOf(shape.slice(first, last + 1)), inner = sizeOf(shape.slice(last + 1));
    if (r === 0) return jsKernels.reduce(op, x, shape, axes);
    return this.scoped(() => {
      const px = this.arena.put(x), po = this.arena.alloc(outer * inner * 4);
      this.runtime.exports.reduceF32(REDUCE[op], px, outer, r, inner, po);
      return this.arena.f32(po, outer * inner).slice();
    });
  }

  matmul(a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, transA: boolean, transB: boolean, outShape: Shape): FloatArray {
    if (!(a instanceof Float32Array) || !(b instanceof Float32Array)) return jsKernels.matmul(a, aShape, b, bShape, transA, transB, outShape);
    const r = outShape.length;
    const M = outShape[r - 2]!, N = outShape[r - 1]!;
    const K = transA ? aShape[aShape.length - 2]! : aShape[aShape.length - 1]!;
    const lda = aShape[aShape.length - 1]!, ldb = bShape[bShape.length - 1]!;
    const total = sizeOf(outShape);
    if (total === 0) return new Float32Array(0);
    const k = this.runtime.exports;
    return this.scoped(() => {
      const pa = this.arena.put(a), pb = this.arena.put(b), pc = this.arena.alloc(total * 4);
      const threads = M * N * K >= PARALLEL_MIN_FLOPS ? this.pool.size : 1;
      // one scratch area per participant, aligned
      const chunkRows = threads > 1 ? Math.max(8, Math.ceil(Math.ceil(M / (threads * 4)) / 4) * 4) : M;
      const scratchStride = (k.sgemmScratchBytes(chunkRows, N, K) + 63) & ~63;
      const scratch = this.arena.alloc(scratchStride * threads);
      const batchShape = outShape.slice(0, -2);
      const aMat = aShape[aShape.length - 2]! * lda, bMat = bShape[bShape.length - 2]! * ldb;
      const sa = broadcastStrides(aShape.slice(0, -2), batchShape), sb = broadcastStrides(bShape.slice(0, -2), batchShape);
      forEachRow([...batchShape, 1], [[...sa, 0], [...sb, 0]], (off, batch) => {
        const ap = pa + 4 * off[0]! * aMat, bp = pb + 4 * off[1]! * bMat, cp = pc + 4 * batch * M * N;
        const chunks = Math.ceil(M / chunkRows);
        if (threads > 1 && chunks > 1 && chunks <= MAX_CHUNKS) {
          this.pool.run(SGEMM_ROWS, chunks, [M, N, K, ap, lda, bp, ldb, cp, N, transA ? 1 : 0, transB ? 1 : 0, scratch, scratchStride, chunkRows]);
        } else {
          k.sgemm(M, N, K, ap, lda, bp, ldb, cp, N, transA ? 1 : 0, transB ? 1 : 0, scratch);
        }
      });
      return this.arena.f32(pc, total).slice();
    });
  }

  // layout kernels are memory copies, as fast in JS as in wasm once the copies in and out are counted
  permute(x: TypedArray, shape: Shape, perm: readonly number[]) { return jsKernels.permute(x, shape, perm); }
  broadcastTo(x: TypedArray, shape: Shape, outShape: Shape) { return jsKernels.broadcastTo(x, shape, outShape); }
  slice(x: TypedArray, shape: Shape, begin: readonly number[], size: readonly number[]) { return jsKernels.slice(x, shape, begin, size); }
  pad(x: TypedArray, shape: Shape, paddings: readonly (readonly [number, number])[], value: number) { return jsKernels.pad(x, shape, paddings, value); }
  concat(xs: readonly TypedArray[], shapes: readonly Shape[], axis: number) { return jsKernels.concat(xs, shapes, axis); }
  gather(x: TypedArray, shape: Shape, indices: Int32Array, indicesShape: Shape, axis: number) { return jsKernels.gather(x, shape, indices, indicesShape, axis); }
  scatterAdd(u: FloatArray, shape: Shape, indices: Int32Array, indicesShape: Shape, axis: number, dimSize: number) { return jsKernels.scatterAdd(u, shape, indices, indicesShape, axis, dimSize); }
  cast(x: TypedArray, dtype: DType) { return jsKernels.cast(x, dtype); }
  argReduce(op: 'argmax' | 'argmin', x: TypedArray, shape: Shape, axis: number) { return jsKernels.argReduce(op, x, shape, axis); }
  extractPatches(x: FloatArray, win: Window2D, padValue: number) { return jsKernels.extractPatches(x, win, padValue); }
  addPatches(p: FloatArray, win: Window2D) { return jsKernels.addPatches(p, win); }
}

export { defaultThreads };
