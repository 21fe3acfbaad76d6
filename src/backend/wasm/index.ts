import type { DType, FloatArray, TypedArray } from '../../core/dtype.js';
import { aroundAxes, sameShape, sizeOf, type Shape } from '../../core/shape.js';
import { jsKernels } from '../js/index.js';
import { broadcastStrides, forEachRow } from '../js/strided.js';
import type { AdamStep, BinaryOp, CompareOp, FusedActivation, Kernels, ReduceOp, UnaryOp, Window2D } from '../kernels.js';
import { Arena, Heap, WasmMemoryFull } from './arena.js';
import { SGEMM_PACK_B, SGEMM_PACKED, SGEMM_ROWS } from './control.js';
// the op codes of the kernels, generated with them from kernels/opcodes.json by scripts/build-kernels.mjs
import { ACTIVATION, BINARY, COMPARE, REDUCE, UNARY } from './opcodes.generated.js';
import { defaultThreads, ThreadPool } from './pool.js';
import type { Runtime } from './runtime.js';

/** Below this many elements an elementwise op stays in JS: the copy in and out would cost more. */
const DEFAULT_MIN_ELEMENTS = 64;
/**
 * @internal How matrix products are split among threads (benchmarks and tests adjust it).
 * - parallelMinMacs: below this many multiply-adds a product runs on the calling thread alone;
 * - wakeMinMacs: below this, it is split only while the workers are still spinning after the
 *   previous task (waking a sleeping worker costs ~50 µs);
 * - chunksPerThread: chunks per participant (dynamic balancing when a core is busy), but no
 *   chunk of fewer than minChunkMacs multiply-adds;
 * - directRows: the row chunk (at most) below which threads read B in place instead of
 *   sharing one packed copy (0: always pack); minRows: the smallest row chunk;
 * - packedMinRows, packedRowStep: the row chunks over the shared packed B.
 */
export const gemmTuning = {
  parallelMinMacs: 400_000,
  wakeMinMacs: 1 << 21,
  chunksPerThread: 4,
  minChunkMacs: 1 << 17,
  directRows: 64,
  minRows: 16,
  packedMinRows: 32,
  packedRowStep: 32,
};

/**
 * A zeroed Float32Array of n elements with its memory touched: fresh pages are faulted in
 * (about 1.5 µs a page here), so that the copy into it later runs at memory speed.
 */
function freshF32(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 1024) out[i] = 0;
  return out;
}

/**
 * What the calling thread does around a product while the workers compute: copying the
 * operands in (sgemm was given their addresses only), and allocating the result (`out`,
 * left null on one thread, where the result is copied out in one pass instead).
 */
interface Io {
  a: Float32Array | null;
  b: Float32Array | null;
  out: Float32Array | null;
  wantOut: boolean;
}

/**
 * A broadcast of two operands as a 3-D pattern: outer × rows × cols, with each
 * operand's outer, row and column strides (in elements); the result is contiguous.
 */
interface Pattern3D {
  outer: number;
  rows: number;
  cols: number;
  aos: number;
  ars: number;
  acs: number;
  bos: number;
  brs: number;
  bcs: number;
}

/**
 * Collapses the broadcast of a and b to outShape into at most three dimensions
 * (dropping those of size 1 and merging neighbours that are contiguous in both
 * operands; fewer are padded in front with size 1 and strides 0), or null when
 * the pattern needs more or its inner strides are not 0 or 1 (those cases run
 * on the js kernels).
 */
export function pattern3d(aShape: Shape, bShape: Shape, outShape: Shape): Pattern3D | null {
  const sa = broadcastStrides(aShape, outShape),
    sb = broadcastStrides(bShape, outShape);
  const dims: { n: number; a: number; b: number }[] = [];
  for (let i = 0; i < outShape.length; i++) {
    const n = outShape[i]!;
    if (n === 1) continue;
    const last = dims[dims.length - 1];
    if (last && last.a === sa[i]! * n && last.b === sb[i]! * n) {
      last.n *= n;
      last.a = sa[i]!;
      last.b = sb[i]!;
    } else dims.push({ n, a: sa[i]!, b: sb[i]! });
  }
  if (dims.length > 3) return null;
  while (dims.length < 3) dims.unshift({ n: 1, a: 0, b: 0 });
  const o = dims[0]!,
    r = dims[1]!,
    c = dims[2]!;
  if (c.a > 1 || c.b > 1) return null;
  return { outer: o.n, rows: r.n, cols: c.n, aos: o.a, ars: r.a, acs: c.a, bos: o.b, brs: r.b, bcs: c.b };
}

/** The wasm backend: SIMD kernels for float32, the js kernels for everything else. */
export class WasmKernels implements Kernels {
  readonly name = 'wasm';
  /** @internal Elementwise ops on fewer elements run on the js kernels (tests set 1 to exercise wasm on small inputs). */
  minElements = DEFAULT_MIN_ELEMENTS;
  /** @internal Linear memory: resident tensor storage and scratch. */
  readonly heap: Heap;
  private readonly arena: Arena;
  private readonly pool: ThreadPool;

  constructor(readonly runtime: Runtime) {
    this.heap = new Heap(runtime.memory, runtime.exports.heapBase(), runtime.shared);
    this.arena = new Arena(runtime.memory, this.heap);
    this.pool = new ThreadPool(runtime);
  }

  /** Sets the number of threads (the main thread included). */
  setThreads(n: number): number {
    return this.pool.resize(n);
  }

  getThreads(): number {
    return this.pool.size;
  }

  /** @internal Workers that have started and take chunks (tests wait for them). */
  get workersReady(): number {
    return this.pool.ready;
  }

  /** @internal Chunks of matrix products the workers (not the calling thread) have run. */
  get workerChunks(): number {
    return this.pool.workerChunks;
  }

  /** Resolves when the workers asked for have started, or failed and the pool fell back to one thread. */
  threadsSettled(): Promise<void> {
    return this.pool.settled();
  }

  /**
   * Runs one kernel call: a collection first when one is due (before any
   * address is taken), then `fn` with a fresh arena mark, releasing its
   * scratch afterwards; when linear memory is full, the js kernel instead.
   */
  private call<T>(fn: () => T, fallback: () => T): T {
    this.heap.beforeCall();
    const mark = this.arena.mark();
    try {
      return fn();
    } catch (e) {
      if (e instanceof WasmMemoryFull) return fallback(); // the js kernel takes no scratch
      throw e;
    } finally {
      this.arena.release(mark);
    }
  }

  unary(op: UnaryOp, x: TypedArray): TypedArray {
    const code = UNARY[op];
    const js = () => jsKernels.unary(op, x);
    if (code === undefined || !(x instanceof Float32Array) || x.length < this.minElements) return js();
    return this.call(() => {
      const px = this.arena.addr(x);
      return this.arena.result(Float32Array, x.length, (po) => this.runtime.exports.unaryF32(code, px, po, x.length));
    }, js);
  }

  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray {
    const code = BINARY[op];
    const n = sizeOf(outShape);
    const js = () => jsKernels.binary(op, a, aShape, b, bShape, outShape);
    const p = code !== undefined && a instanceof Float32Array && n >= this.minElements ? pattern3d(aShape, bShape, outShape) : null;
    if (!p) return js();
    return this.call(() => {
      const pa = this.arena.addr(a),
        pb = this.arena.addr(b);
      return this.arena.result(Float32Array, n, (po) =>
        this.runtime.exports.binaryF32(code!, pa, p.aos, p.ars, p.acs, pb, p.bos, p.brs, p.bcs, po, p.outer, p.rows, p.cols),
      );
    }, js);
  }

  compare(op: CompareOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): Uint8Array {
    const n = sizeOf(outShape);
    const js = () => jsKernels.compare(op, a, aShape, b, bShape, outShape);
    const p = a instanceof Float32Array && n >= this.minElements ? pattern3d(aShape, bShape, outShape) : null;
    if (!p) return js();
    return this.call(() => {
      const pa = this.arena.addr(a),
        pb = this.arena.addr(b);
      return this.arena.result(Uint8Array, n, (po) =>
        this.runtime.exports.compareF32(COMPARE[op], pa, p.aos, p.ars, p.acs, pb, p.bos, p.brs, p.bcs, po, p.outer, p.rows, p.cols),
      );
    }, js);
  }

  where(cond: Uint8Array, cShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape): TypedArray {
    const n = sizeOf(outShape);
    const fits = (s: Shape, len: number) => len === 1 || sameShape(s, outShape);
    const js = () => jsKernels.where(cond, cShape, a, aShape, b, bShape, outShape);
    if (!(a instanceof Float32Array) || n < this.minElements || !sameShape(cShape, outShape) || !fits(aShape, a.length) || !fits(bShape, b.length)) {
      return js();
    }
    return this.call(() => {
      const pc = this.arena.addr(cond),
        pa = this.arena.addr(a),
        pb = this.arena.addr(b);
      return this.arena.result(Float32Array, n, (po) => this.runtime.exports.whereF32(pc, pa, a.length === 1 ? 0 : 1, pb, b.length === 1 ? 0 : 1, po, n));
    }, js);
  }

  biasActivation(z: FloatArray, b: FloatArray, act: FusedActivation): FloatArray {
    const js = () => jsKernels.biasActivation(z, b, act);
    if (!(z instanceof Float32Array) || !(b instanceof Float32Array) || z.length < this.minElements || b.length === 0) return js();
    const rows = z.length / b.length,
      cols = b.length;
    return this.call(() => {
      const pz = this.arena.addr(z),
        pb = this.arena.addr(b);
      return this.arena.result(Float32Array, z.length, (po) => this.runtime.exports.biasActF32(ACTIVATION[act], pz, pb, po, rows, cols));
    }, js);
  }

  adam(value: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, s: AdamStep): [FloatArray, FloatArray, FloatArray] {
    const js = () => jsKernels.adam(value, g, m, v, s);
    const n = value.length;
    if (!(value instanceof Float32Array) || n < this.minElements) return js();
    return this.call(() => {
      const a = this.arena;
      const pv = a.addr(value),
        pg = a.addr(g),
        pm = a.addr(m),
        pw = a.addr(v);
      let m2: Float32Array | null = null,
        v2: Float32Array | null = null;
      const out = a.result(Float32Array, n, (po) => {
        m2 = a.result(Float32Array, n, (pm2) => {
          v2 = a.result(Float32Array, n, (pv2) => {
            this.runtime.exports.adamF32(pv, pg, pm, pw, po, pm2, pv2, n, s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.stepSize, s.root2, s.epsilon);
          });
        });
      });
      return [out, m2!, v2!];
    }, js);
  }

  softmax(x: FloatArray, shape: Shape, axis: number, log: boolean): FloatArray {
    const js = () => jsKernels.softmax(x, shape, axis, log);
    const around = aroundAxes(shape, [axis]);
    if (!(x instanceof Float32Array) || !around || x.length < this.minElements) return js();
    const { outer, r, inner } = around;
    return this.call(() => {
      const px = this.arena.addr(x);
      return this.arena.result(Float32Array, x.length, (po) => this.runtime.exports.softmaxF32(px, po, outer, r, inner, log ? 1 : 0));
    }, js);
  }

  extremumGrad(g: FloatArray, x: FloatArray, m: FloatArray, shape: Shape, axes: readonly number[]): FloatArray {
    const js = () => jsKernels.extremumGrad(g, x, m, shape, axes);
    const around = aroundAxes(shape, axes);
    if (!(x instanceof Float32Array) || !(g instanceof Float32Array) || !(m instanceof Float32Array) || !around || x.length < this.minElements) return js();
    const { outer, r, inner } = around;
    return this.call(() => {
      const px = this.arena.addr(x),
        pm = this.arena.addr(m),
        pg = this.arena.addr(g);
      return this.arena.result(Float32Array, x.length, (po) => this.runtime.exports.extremumGradF32(px, pm, pg, outer, r, inner, po));
    }, js);
  }

  reduce(op: ReduceOp, x: TypedArray, shape: Shape, axes: readonly number[]): TypedArray {
    const js = () => jsKernels.reduce(op, x, shape, axes);
    const around = aroundAxes(shape, axes);
    if (!(x instanceof Float32Array) || !around || x.length < this.minElements) return js();
    const { outer, r, inner } = around;
    return this.call(() => {
      const px = this.arena.addr(x);
      return this.arena.result(Float32Array, outer * inner, (po) => this.runtime.exports.reduceF32(REDUCE[op], px, outer, r, inner, po));
    }, js);
  }

  /** float64 products (gradient checks, Hessians, linear algebra) on the calling thread, with the f64x2 kernel. */
  private dgemm(a: Float64Array, aShape: Shape, b: Float64Array, bShape: Shape, transA: boolean, transB: boolean, outShape: Shape): Float64Array {
    const r = outShape.length,
      ar = aShape.length,
      br = bShape.length;
    const M = outShape[r - 2]!,
      N = outShape[r - 1]!;
    const K = transA ? aShape[ar - 2]! : aShape[ar - 1]!;
    const lda = aShape[ar - 1]!,
      ldb = bShape[br - 1]!;
    const total = sizeOf(outShape);
    if (total === 0) return new Float64Array(0);
    if (M * N * K < 4096) return jsKernels.matmul(a, aShape, b, bShape, transA, transB, outShape) as Float64Array;
    const k = this.runtime.exports;
    return this.call(
      () => {
        const pa = this.arena.addr(a),
          pb = this.arena.addr(b);
        return this.arena.result(Float64Array, total, (pc) => {
          const scratch = this.arena.alloc(k.dgemmScratchBytes(M, N, K));
          const batchShape = outShape.slice(0, -2);
          const aMat = aShape[ar - 2]! * lda,
            bMat = bShape[br - 2]! * ldb;
          const sa = broadcastStrides(aShape.slice(0, -2), batchShape),
            sb = broadcastStrides(bShape.slice(0, -2), batchShape);
          forEachRow(
            [...batchShape, 1],
            [
              [...sa, 0],
              [...sb, 0],
            ],
            (off, batch) => {
              k.dgemm(M, N, K, pa + 8 * off[0]! * aMat, lda, pb + 8 * off[1]! * bMat, ldb, pc + 8 * batch * M * N, N, transA ? 1 : 0, transB ? 1 : 0, scratch);
            },
          );
        });
      },
      () => jsKernels.matmul(a, aShape, b, bShape, transA, transB, outShape) as Float64Array,
    );
  }

  matmul(a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, transA: boolean, transB: boolean, outShape: Shape): FloatArray {
    if (a instanceof Float64Array && b instanceof Float64Array) return this.dgemm(a, aShape, b, bShape, transA, transB, outShape);
    if (!(a instanceof Float32Array) || !(b instanceof Float32Array)) return jsKernels.matmul(a, aShape, b, bShape, transA, transB, outShape);
    const r = outShape.length,
      ar = aShape.length,
      br = bShape.length;
    const M = outShape[r - 2]!,
      N = outShape[r - 1]!;
    const K = transA ? aShape[ar - 2]! : aShape[ar - 1]!;
    const lda = aShape[ar - 1]!,
      ldb = bShape[br - 1]!;
    const total = r === 2 ? M * N : sizeOf(outShape);
    if (total === 0) return new Float32Array(0);
    const arena = this.arena,
      heap = this.heap;
    return this.call(
      () => {
        const tA = transA ? 1 : 0,
          tB = transB ? 1 : 0;
        if (r === 2) {
          // operands that are not resident are copied in by sgemm (block by block while the
          // workers start); a result that is not resident is allocated while they compute
          const fa = arena.find(a),
            fb = arena.find(b),
            aIn = fa >= 0,
            bIn = fb >= 0;
          const pa = aIn ? fa : arena.alloc(a.byteLength),
            pb = bIn ? fb : arena.alloc(b.byteLength);
          const res = heap.resident(Float32Array, total);
          const pc = res ? res.byteOffset : arena.alloc(total * 4);
          const io: Io = { a: aIn ? null : a, b: bIn ? null : b, out: null, wantOut: res === null };
          this.sgemm(M, N, K, pa, lda, pb, ldb, pc, N, tA, tB, io);
          return res ?? (io.out ? arena.copyInto(io.out, pc) : arena.copyF32(pc, total));
        }
        const pa = arena.addr(a),
          pb = arena.addr(b);
        const batchShape = outShape.slice(0, -2);
        const aMat = aShape[ar - 2]! * lda,
          bMat = bShape[br - 2]! * ldb;
        const sa = broadcastStrides(aShape.slice(0, -2), batchShape),
          sb = broadcastStrides(bShape.slice(0, -2), batchShape);
        return arena.result(Float32Array, total, (pc) => {
          forEachRow(
            [...batchShape, 1],
            [
              [...sa, 0],
              [...sb, 0],
            ],
            (off, batch) => {
              this.sgemm(M, N, K, pa + 4 * off[0]! * aMat, lda, pb + 4 * off[1]! * bMat, ldb, pc + 4 * batch * M * N, N, tA, tB);
            },
          );
        });
      },
      () => jsKernels.matmul(a, aShape, b, bShape, transA, transB, outShape),
    );
  }

  /**
   * One float32 product C (M×N, row stride ldc) = op(A)·op(B) in linear memory, on the
   * calling thread or split among the pool's threads; its scratch is released after. With
   * `io`, the operands in io.a / io.b have their memory reserved at pa / pb but are not
   * copied in yet: this copies them, where it can block by block while the workers start on
   * the first blocks, and allocates io.out while the workers compute.
   */
  private sgemm(
    M: number,
    N: number,
    K: number,
    pa: number,
    lda: number,
    pb: number,
    ldb: number,
    pc: number,
    ldc: number,
    tA: number,
    tB: number,
    io?: Io,
  ): void {
    const k = this.runtime.exports,
      arena = this.arena,
      pool = this.pool,
      t = gemmTuning;
    const mark = arena.mark();
    const a = io?.a ?? null,
      b = io?.b ?? null;
    const copyA = () => {
      if (a) arena.set(a, pa);
    };
    const copyB = () => {
      if (b) arena.set(b, pb);
    };
    /** Copies `rows` rows of `src` (row stride ld) to ptr, opening the gate after each `step` rows. */
    const copyGated = (src: Float32Array, ptr: number, ld: number, rows: number, step: number) => {
      for (let r0 = 0; r0 < rows; r0 += step) {
        const r1 = Math.min(rows, r0 + step);
        arena.set(src.subarray(r0 * ld, r1 * ld), ptr + 4 * r0 * ld);
        pool.open(r1);
      }
    };
    const allocOut = () => {
      if (io?.wantOut) io.out = freshF32(M * N);
    };
    try {
      const macs = M * N * K,
        threads = pool.size;
      if (threads > 1 && macs >= t.parallelMinMacs && (macs >= t.wakeMinMacs || pool.hot()) && !pool.contended()) {
        // several chunks per thread (so that a busy core does not stall the product), none tiny
        const want = Math.max(2, Math.min(threads * t.chunksPerThread, Math.floor(macs / t.minChunkMacs)));
        let rows = Math.max(t.minRows, Math.ceil(M / want / 8) * 8);
        const direct = tB === 0 && this.runtime.build === 'relaxed' && rows <= t.directRows;
        if (M < 2 * t.minRows || direct) {
          // blocks of whole sgemm calls: few rows, or row blocks that read B in place (no
          // packing); with few rows, column blocks too, each packing only its own columns of B
          let cols = N;
          if (M < 2 * t.minRows) {
            rows = M;
            cols = Math.max(64, Math.ceil(N / want / 64) * 64);
          }
          const rowChunks = Math.ceil(M / rows),
            colChunks = Math.ceil(N / cols);
          if (rowChunks * colChunks > 1) {
            const stride = (k.sgemmScratchBytes(rows, cols, K) + 63) & ~63;
            const scratch = arena.alloc(stride * threads);
            const args = [M, N, K, pa, lda, pb, ldb, pc, ldc, tA, tB, scratch, stride, rows, cols, colChunks];
            copyB();
            if (a && tA === 0 && colChunks === 1) {
              // the workers start on the first row blocks while the rest of A is copied in
              pool.run(
                SGEMM_ROWS,
                rowChunks,
                args,
                () => {
                  copyGated(a, pa, lda, M, rows);
                  allocOut();
                },
                true,
              );
            } else {
              copyA();
              pool.run(SGEMM_ROWS, rowChunks * colChunks, args, allocOut);
            }
            return;
          }
        } else {
          // pack op(B) once, the threads splitting it by depth blocks and columns, then row
          // blocks of C over the shared copy; B, then A are copied in while the workers start
          const gateB = b !== null && tB === 0,
            gateA = a !== null && tA === 0;
          const bp = arena.alloc(k.sgemmPackedBBytes(N, K));
          const depth = k.sgemmDepthBlock();
          const packCols = Math.max(64, Math.ceil(N / Math.max(1, want / Math.ceil(K / depth)) / 64) * 64);
          const packColChunks = Math.ceil(N / packCols);
          if (!gateB) copyB();
          pool.run(
            SGEMM_PACK_B,
            packColChunks * Math.ceil(K / depth),
            [K, N, pb, ldb, tB, bp, packCols, packColChunks, depth],
            () => {
              if (gateB) copyGated(b, pb, ldb, K, depth);
              if (!gateA) copyA();
            },
            gateB,
          );
          rows = Math.max(t.packedMinRows, Math.ceil(M / want / t.packedRowStep) * t.packedRowStep);
          const rowChunks = Math.ceil(M / rows);
          let cols = N;
          if (rowChunks < want) cols = Math.max(64, Math.ceil(N / Math.ceil(want / rowChunks) / 64) * 64);
          const colChunks = Math.ceil(N / cols);
          const stride = (k.sgemmPackedScratchBytes(rows, K) + 63) & ~63;
          const scratch = arena.alloc(stride * threads);
          pool.run(
            SGEMM_PACKED,
            rowChunks * colChunks,
            [M, N, K, pa, lda, tA, bp, pc, ldc, scratch, stride, rows, cols, colChunks],
            () => {
              if (gateA) copyGated(a, pa, lda, M, rows);
              allocOut();
            },
            gateA,
          );
          return;
        }
      }
      copyA();
      copyB();
      const scratch = arena.alloc(k.sgemmScratchBytes(M, N, K));
      k.sgemm(M, N, K, pa, lda, pb, ldb, pc, ldc, tA, tB, scratch);
    } finally {
      arena.release(mark);
    }
  }

  // layout kernels are memory copies, as fast in JS as in wasm once the copies in and out are counted
  permute(x: TypedArray, shape: Shape, perm: readonly number[]) {
    return jsKernels.permute(x, shape, perm);
  }
  broadcastTo(x: TypedArray, shape: Shape, outShape: Shape) {
    return jsKernels.broadcastTo(x, shape, outShape);
  }
  slice(x: TypedArray, shape: Shape, begin: readonly number[], size: readonly number[]) {
    return jsKernels.slice(x, shape, begin, size);
  }
  pad(x: TypedArray, shape: Shape, paddings: readonly (readonly [number, number])[], value: number) {
    return jsKernels.pad(x, shape, paddings, value);
  }
  concat(xs: readonly TypedArray[], shapes: readonly Shape[], axis: number) {
    return jsKernels.concat(xs, shapes, axis);
  }
  gather(x: TypedArray, shape: Shape, indices: Int32Array, indicesShape: Shape, axis: number) {
    return jsKernels.gather(x, shape, indices, indicesShape, axis);
  }
  scatterAdd(u: FloatArray, shape: Shape, indices: Int32Array, indicesShape: Shape, axis: number, dimSize: number) {
    return jsKernels.scatterAdd(u, shape, indices, indicesShape, axis, dimSize);
  }
  cast(x: TypedArray, dtype: DType) {
    return jsKernels.cast(x, dtype);
  }
  argReduce(op: 'argmax' | 'argmin', x: TypedArray, shape: Shape, axis: number): Int32Array {
    const js = () => jsKernels.argReduce(op, x, shape, axis);
    const around = aroundAxes(shape, [axis]);
    if (!(x instanceof Float32Array) || !around || x.length < this.minElements) return js();
    const { outer, r, inner } = around;
    return this.call(() => {
      const px = this.arena.addr(x);
      return this.arena.result(Int32Array, outer * inner, (po) => this.runtime.exports.argReduceF32(op === 'argmax' ? 0 : 1, px, outer, r, inner, po));
    }, js);
  }

  // scans, products and sorting (issue 18) run on the js kernels
  scan(...args: Parameters<Kernels['scan']>) {
    return jsKernels.scan(...args);
  }

  prod(...args: Parameters<Kernels['prod']>) {
    return jsKernels.prod(...args);
  }

  argsort(...args: Parameters<Kernels['argsort']>) {
    return jsKernels.argsort(...args);
  }
  extractPatches(x: FloatArray, win: Window2D, padValue: number): FloatArray {
    const js = () => jsKernels.extractPatches(x, win, padValue);
    if (!(x instanceof Float32Array) || x.length < this.minElements) return js();
    const [N, H, W, C] = win.inShape;
    const n = N * win.outH * win.outW * win.kh * win.kw * C;
    return this.call(() => {
      const px = this.arena.addr(x);
      return this.arena.result(Float32Array, n, (po) =>
        this.runtime.exports.extractPatchesF32(
          px,
          N,
          H,
          W,
          C,
          win.kh,
          win.kw,
          win.strideH,
          win.strideW,
          win.dilationH,
          win.dilationW,
          win.padTop,
          win.padLeft,
          win.outH,
          win.outW,
          padValue,
          po,
        ),
      );
    }, js);
  }

  addPatches(p: FloatArray, win: Window2D): FloatArray {
    const js = () => jsKernels.addPatches(p, win);
    if (!(p instanceof Float32Array) || p.length < this.minElements) return js();
    const [N, H, W, C] = win.inShape;
    const n = N * H * W * C;
    return this.call(() => {
      const pp = this.arena.addr(p);
      return this.arena.result(Float32Array, n, (po) =>
        this.runtime.exports.addPatchesF32(
          pp,
          N,
          H,
          W,
          C,
          win.kh,
          win.kw,
          win.strideH,
          win.strideW,
          win.dilationH,
          win.dilationW,
          win.padTop,
          win.padLeft,
          win.outH,
          win.outW,
          po,
        ),
      );
    }, js);
  }
}

export { defaultThreads };
