/**
 * The layout of the thread pool's control block (an Int32Array over a
 * SharedArrayBuffer), shared by the main thread and the workers.
 *
 * A task is split into `total` chunks. COUNTER packs the task's generation
 * (high bits) with the next unclaimed chunk (low 12 bits), so a participant
 * claims a chunk with one compare-exchange and can never claim a chunk of a
 * task other than the one whose arguments it read.
 */
export const COUNTER = 0;
export const FINISHED = 1;
export const READY = 2;
export const TOTAL = 3;
export const KIND = 4;
/**
 * Rows of an operand in place: a chunk of a gated task waits until GATE reaches the last
 * row it reads (of A for SGEMM_ROWS and SGEMM_PACKED, of B for SGEMM_PACK_B), so the main
 * thread copies an operand in while the workers start on its first rows.
 */
export const GATE = 5;
export const GATE_OPEN = 0x7fffffff;
/** Participants in use: workers with an id at least this are parked and take no chunks. */
export const ACTIVE = 6;
/** Chunks run by the workers (not the main thread) since the pool started: tests and diagnostics ask whether the workers work. */
export const WORKER_CHUNKS = 7;
export const ARGS = 8;
/** READY_FLAGS + id is 1 once worker `id` has started (its kernels instantiated). */
export const READY_FLAGS = 32;
/** The most workers a pool starts (threads beyond 64 do not pay for these products). */
export const MAX_WORKERS = 63;
export const CONTROL_INTS = READY_FLAGS + MAX_WORKERS + 1;
export const CHUNK_BITS = 12;
export const MAX_CHUNKS = 1 << CHUNK_BITS;
export const CHUNK_MASK = MAX_CHUNKS - 1;

/** Task kinds. Blocks of C (row block × column block), each a whole sgemm call that packs what it needs. */
export const SGEMM_ROWS = 1;
/** Packs column ranges of op(B) into the shared packed layout (sgemmPackB). */
export const SGEMM_PACK_B = 2;
/** Blocks of C (row block × column block) against the shared packed op(B) (sgemmPacked). */
export const SGEMM_PACKED = 3;

/** How long an idle worker spins before it sleeps (a spinning worker answers in ~0.3 µs, a sleeping one in ~47 µs). */
export const SPIN_MS = 0.2;

/**
 * The layout and task kinds as one object. The workers run `runChunks` from its source text
 * (see worker.ts), where this module's names do not exist, so it reads every constant from here.
 */
export const LAYOUT = {
  COUNTER,
  FINISHED,
  READY,
  TOTAL,
  KIND,
  GATE,
  ACTIVE,
  WORKER_CHUNKS,
  ARGS,
  READY_FLAGS,
  CHUNK_BITS,
  CHUNK_MASK,
  SGEMM_ROWS,
  SGEMM_PACK_B,
  SGEMM_PACKED,
  SPIN_MS,
};
export type Layout = typeof LAYOUT;

import type { KernelExports } from './runtime.js';

/**
 * Claims and runs chunks of the current task until none is left; returns the
 * number of chunks this participant ran. `id` selects the participant's
 * scratch area (0 is the main thread).
 *
 * The workers run this function from its source text (`String(runChunks)`), so it is
 * self-contained: it reads constants from `L`, refers to no name outside itself but
 * built-ins, and declares no nested function (a bundler's keep-names option would wrap
 * one in a helper call that does not exist in the worker).
 */
export function runChunks(L: Layout, ctrl: Int32Array, k: KernelExports, id: number, generation: number): number {
  let done = 0;
  if (id >= Atomics.load(ctrl, L.ACTIVE)) return done; // parked
  for (;;) {
    const c = Atomics.load(ctrl, L.COUNTER);
    if (c >>> L.CHUNK_BITS !== generation) break;
    const chunk = c & L.CHUNK_MASK;
    if (chunk >= Atomics.load(ctrl, L.TOTAL)) break;
    if (Atomics.compareExchange(ctrl, L.COUNTER, c, c + 1) !== c) continue;
    const a = L.ARGS,
      kind = ctrl[L.KIND];
    if (kind === L.SGEMM_ROWS) {
      // args: M N K a lda b ldb c ldc transA transB scratch scratchStride rowsPerChunk colsPerChunk colChunks
      const M = ctrl[a]!,
        N = ctrl[a + 1]!,
        rowsPer = ctrl[a + 13]!,
        colsPer = ctrl[a + 14]!,
        colChunks = ctrl[a + 15]!;
      const ri = (chunk / colChunks) | 0,
        ci = chunk - ri * colChunks;
      const r0 = ri * rowsPer,
        rows = Math.min(rowsPer, M - r0);
      const j0 = ci * colsPer,
        cols = Math.min(colsPer, N - j0);
      const transA = ctrl[a + 9]!,
        transB = ctrl[a + 10]!,
        lda = ctrl[a + 4]!,
        ldb = ctrl[a + 6]!,
        ldc = ctrl[a + 8]!;
      while (Atomics.load(ctrl, L.GATE) < r0 + rows); // spin: the main thread is copying these rows of A in
      const aPtr = ctrl[a + 3]! + 4 * (transA ? r0 : r0 * lda);
      const bPtr = ctrl[a + 5]! + 4 * (transB ? j0 * ldb : j0);
      const cPtr = ctrl[a + 7]! + 4 * (r0 * ldc + j0);
      k.sgemm(rows, cols, ctrl[a + 2]!, aPtr, lda, bPtr, ldb, cPtr, ldc, transA, transB, ctrl[a + 11]! + id * ctrl[a + 12]!);
    } else if (kind === L.SGEMM_PACK_B) {
      // args: K N b ldb transB d colsPerChunk colChunks depthPerChunk; chunks in depth order
      const colChunks = ctrl[a + 7]!,
        depth = ctrl[a + 8]!;
      const di = (chunk / colChunks) | 0,
        ci = chunk - di * colChunks;
      const j0 = ci * ctrl[a + 6]!,
        k0 = di * depth,
        k1 = Math.min(k0 + depth, ctrl[a]!);
      while (Atomics.load(ctrl, L.GATE) < k1); // spin: the main thread is copying these rows of B in
      k.sgemmPackB(ctrl[a]!, ctrl[a + 1]!, ctrl[a + 2]!, ctrl[a + 3]!, ctrl[a + 4]!, ctrl[a + 5]!, j0, j0 + ctrl[a + 6]!, k0, k1);
    } else if (kind === L.SGEMM_PACKED) {
      // args: M N K a lda transA bp c ldc scratch scratchStride rowsPerChunk colsPerChunk colChunks
      const M = ctrl[a]!,
        rowsPer = ctrl[a + 11]!,
        colsPer = ctrl[a + 12]!,
        colChunks = ctrl[a + 13]!;
      const ri = (chunk / colChunks) | 0,
        ci = chunk - ri * colChunks;
      const r0 = ri * rowsPer,
        rows = Math.min(rowsPer, M - r0),
        j0 = ci * colsPer;
      const transA = ctrl[a + 5]!,
        lda = ctrl[a + 4]!,
        ldc = ctrl[a + 8]!;
      while (Atomics.load(ctrl, L.GATE) < r0 + rows); // spin: the main thread is copying these rows of A in
      const aPtr = ctrl[a + 3]! + 4 * (transA ? r0 : r0 * lda);
      k.sgemmPacked(
        rows,
        ctrl[a + 1]!,
        ctrl[a + 2]!,
        aPtr,
        lda,
        transA,
        ctrl[a + 6]!,
        ctrl[a + 7]! + 4 * r0 * ldc,
        ldc,
        ctrl[a + 9]! + id * ctrl[a + 10]!,
        j0,
        j0 + colsPer,
      );
    } else {
      throw new Error(`nabla thread pool: unknown task kind ${kind}`);
    }
    done++;
    if (Atomics.add(ctrl, L.FINISHED, 1) + 1 === Atomics.load(ctrl, L.TOTAL)) Atomics.notify(ctrl, L.FINISHED);
  }
  if (id > 0 && done > 0) Atomics.add(ctrl, L.WORKER_CHUNKS, done);
  return done;
}
