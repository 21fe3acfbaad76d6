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
export const ARGS = 8;
export const CONTROL_INTS = 32;
export const CHUNK_BITS = 12;
export const MAX_CHUNKS = 1 << CHUNK_BITS;
export const CHUNK_MASK = MAX_CHUNKS - 1;

/** Task kinds. */
export const SGEMM_ROWS = 1;

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
      // args: M N K a lda b ldb c ldc transA transB scratch scratchStride chunkRows
      const M = a(0), chunkRows = a(13);
      const r0 = chunk * chunkRows, rows = Math.min(chunkRows, M - r0);
      const transA = a(9), lda = a(4), ldc = a(8);
      const aPtr = a(3) + 4 * (transA ? r0 : r0 * lda);
      const cPtr = a(7) + 4 * r0 * ldc;
      k.sgemm(rows, a(1), a(2), aPtr, lda, a(5), a(6), cPtr, ldc, transA, a(10), a(11) + id * a(12));
      break;
    }
    default:
      throw new Error(`nabla thread pool: unknown task kind ${ctrl[KIND]}`);
  }
}
