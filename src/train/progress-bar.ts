/**
 * The live progress bar behind `ProgressLogger`, kept out of the library's
 * static import graph: a browser bundle of nabla never sees cli-progress or
 * node: modules. A bar comes from the factory installed with
 * `setProgressBarFactory` (the CLI or an application may install its own);
 * when none is installed and the process is Node with a terminal, the
 * Node bar (src/train/progress-node.ts, cli-progress) is loaded lazily,
 * through an import specifier that bundlers do not follow.
 */

/** A live bar: started per epoch, updated per batch, stopped at the end. */
export interface ProgressBar {
  start(total: number, value: number, payload: object): void;
  update(value: number, payload: object): void;
  stop(): void;
}

/** Makes the bar of one epoch; `format` may contain {bar}, {value}, {total}, {eta_formatted} and {metrics}. */
export type ProgressBarFactory = (format: string) => ProgressBar;

let installed: ProgressBarFactory | null = null;

/** Installs the factory of live bars (null: back to the default, the lazily loaded Node bar). */
export function setProgressBarFactory(factory: ProgressBarFactory | null): void {
  installed = factory;
}

/** True in Node (where the lazily loaded bar can run). */
function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}

/**
 * The bar factory: the installed one; else, when `terminal` (stdout is a
 * TTY) and in Node, the cli-progress bar (loaded on first use); else null.
 */
export async function progressBarFactory(terminal: boolean): Promise<ProgressBarFactory | null> {
  if (installed) return installed;
  if (!terminal || !isNode()) return null;
  // a specifier in a variable: bundlers leave this import alone, so the Node-only module stays out of browser bundles
  const specifier = './progress-node.js';
  const mod = (await import(specifier)) as { createProgressBar: ProgressBarFactory };
  return mod.createProgressBar;
}
