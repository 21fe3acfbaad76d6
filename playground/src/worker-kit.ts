// What every lab's training worker needs: nabla ready on one thread, the
// engine report, and a macrotask to yield between training slices.
import * as nb from 'nabla';
import type { EngineInfo } from './lab.js';

/**
 * Waits for nabla's backend and sets one thread: the playground's networks are
 * small, so one thread is fastest (and a bundled worker cannot yet start
 * nabla's nested pool workers). Returns what the status line shows.
 */
export async function startEngine(): Promise<EngineInfo> {
  await nb.ready();
  nb.setThreads(1);
  return { backend: nb.getBackend(), threads: nb.getThreads(), isolated: self.crossOriginIsolated };
}

const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

/** Resolves on the next macrotask (a MessageChannel message: not clamped like nested setTimeout), so commands from the page get in between training slices. */
export const nextTask = () =>
  new Promise<void>((ok) => {
    waiting.push(ok);
    channel.port2.postMessage(null);
  });
