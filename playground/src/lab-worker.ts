// Starts a lab's training worker: the playground's one worker script
// (worker.ts), told which lab's module to load.

/** A Web Worker running lab `id`'s worker module (its own folder's worker.ts). */
export function startLabWorker(id: string): Worker {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.postMessage({ lab: id });
  return worker;
}
