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
export const ARGS = 8;
export const CONTROL_INTS = 32;
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

import type { KernelExports } from './runtime.js';

/**
 * Claims and runs chunks of the current task until none is left; returns the
 * number of chunks this participant ran. `id` selects the participant's
 * scratch area.
 */
export function runChunks(ctrl: Int32Array, exports: KernelExports, id: number, generation: number): number {
  let done = 0;
  if (id >= Atomics.load(ctrl, ACTIVE)) return done; // parked
  for (;;) {
    const c = Atomics.load(ctrl, COUNTER);
    if (c >>> CHUNK_BITS !== generation) return done;
    const chunk = c & CHUNK_MASK;
    if (chunk >= Atomics.load(ctrl, TOTAL)) return done;
    if (Atomics.compareExchange(ctrl, COUNTER, c, c + 1) !== c) continue;
    runChunk(ctrl, exports, id, chunk);
    done++;
    if (Atomics.add(ctrl, FINISHED, 1) + 1 === Atomics.load(ctrl, TOTAL)) Atomics.notify(ctrl, FINISHED);
  }
}

function runChunk(ctrl: Int32Array, k: KernelExports, id: number, chunk: number): void {
  const a = (i: number) => ctrl[ARGS + i]!;
  switch (ctrl[KIND]) {
    case SGEMM_ROWS: {
      // args: M N K a lda b ldb c ldc transA transB scratch scratchStride rowsPerChunk colsPerChunk colChunks
      const M = a(0), N = a(1), rowsPer = a(13), colsPer = a(14), colChunks = a(15);
      const ri = (chunk / colChunks) | 0, ci = chunk - ri * colChunks;
      const r0 = ri * rowsPer, rows = Math.min(rowsPer, M - r0);
      const j0 = ci * colsPer, cols = Math.min(colsPer, N - j0);
      const transA = a(9), transB = a(10), lda = a(4), ldb = a(6), ldc = a(8);
      while (Atomics.load(ctrl, GATE) < r0 + rows); // spin: the main thread is copying these rows of A in
      const aPtr = a(3) + 4 * (transA ? r0 : r0 * lda);
      const bPtr = a(5) + 4 * (transB ? j0 * ldb : j0);
      const cPtr = a(7) + 4 * (r0 * ldc + j0);
      k.sgemm(rows, cols, a(2), aPtr, lda, bPtr, ldb, cPtr, ldc, transA, transB, a(11) + id * a(12));
      break;
    }
    case SGEMM_PACK_B: {
      // args: K N b ldb transB d colsPerChunk colChunks depthPerChunk; chunks in depth order
      const colChunks = a(7), depth = a(8);
      const di = (chunk / colChunks) | 0, ci = chunk - di * colChunks;
      const j0 = ci * a(6), k0 = di * depth, k1 = Math.min(k0 + depth, a(0));
      while (Atomics.load(ctrl, GATE) < k1); // spin: the main thread is copying these rows of B in
      k.sgemmPackB(a(0), a(1), a(2), a(3), a(4), a(5), j0, j0 + a(6), k0, k1);
      break;
    }
    case SGEMM_PACKED: {
      // args: M N K a lda transA bp c ldc scratch scratchStride rowsPerChunk colsPerChunk colChunks
      const M = a(0), rowsPer = a(11), colsPer = a(12), colChunks = a(13);
      const ri = (chunk / colChunks) | 0, ci = chunk - ri * colChunks;
      const r0 = ri * rowsPer, rows = Math.min(rowsPer, M - r0), j0 = ci * colsPer;
      const transA = a(5), lda = a(4), ldc = a(8);
      while (Atomics.load(ctrl, GATE) < r0 + rows); // spin: the main thread is copying these rows of A in
      const aPtr = a(3) + 4 * (transA ? r0 : r0 * lda);
      k.sgemmPacked(rows, a(1), a(2), aPtr, lda, transA, a(6), a(7) + 4 * r0 * ldc, ldc, a(9) + id * a(10), j0, j0 + colsPer);
      break;
    }
    default:
      throw new Error(`nabla thread pool: unknown task kind ${ctrl[KIND]}`);
  }
}
