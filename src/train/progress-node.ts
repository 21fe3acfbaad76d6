/**
 * The terminal progress bar (cli-progress), for Node only. Never imported
 * statically by the library: `progressBarFactory` (progress-bar.ts) loads it
 * lazily when fit is verbose in a terminal.
 */
import progress from 'cli-progress';
import type { ProgressBar } from './progress-bar.js';

/** A cli-progress bar with nabla's format and style. */
export function createProgressBar(format: string): ProgressBar {
  return new progress.SingleBar({
    format, barCompleteChar: '=', barIncompleteChar: '.', hideCursor: true, clearOnComplete: false, etaBuffer: 20,
  }) as unknown as ProgressBar;
}
