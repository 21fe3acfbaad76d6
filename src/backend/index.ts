import { ArgumentError } from '../core/errors.js';
import type { Kernels } from './kernels.js';
import { jsKernels } from './js/index.js';
import { defaultThreads, WasmKernels } from './wasm/index.js';
import { createRuntime, loadRuntime, type Runtime } from './wasm/runtime.js';

export type { Kernels } from './kernels.js';

const backends = new Map<string, Kernels>([['js', jsKernels]]);

/** The wasm backend, when this engine has WebAssembly SIMD. */
let wasm: WasmKernels | null = null;
let wasmError: string | null = null;
/** True once the user chose a backend: loading wasm later must not override that choice. */
let chosenByUser = false;

function install(runtime: Runtime | null): void {
  if (!runtime) {
    wasmError = 'this engine lacks WebAssembly SIMD';
    return;
  }
  wasm = new WasmKernels(runtime);
  backends.set('wasm', wasm);
  wasm.setThreads(defaultThreads());
  wasmError = null;
  if (!chosenByUser) active = wasm;
}

let active: Kernels = jsKernels;
try {
  install(createRuntime());
} catch (e) {
  // a browser's main thread refuses a synchronous compile of this size: `ready()` loads it
  wasmError = `not loaded yet (${(e as Error).message}); await nb.ready()`;
}

/**
 * Resolves once the fastest backend is loaded and its worker threads have
 * started. In Node, and in browser workers, the kernels load at import; on a
 * browser's main thread they compile asynchronously, and ops run on the js
 * backend until then. Workers start in the background (ops run meanwhile,
 * on fewer threads); after `await nb.ready()`, `getThreads()` counts only
 * threads that run: a worker that could not start was reported with a
 * console warning and nabla went on with one thread.
 */
export async function ready(): Promise<void> {
  if (!wasm) {
    try {
      install(await loadRuntime());
    } catch (e) {
      wasmError = (e as Error).message;
    }
  }
  await wasm?.threadsSettled();
}

/** The kernels of the active backend. */
export function kernels(): Kernels {
  return active;
}

/**
 * Makes a backend available to `setBackend` under its name. Kernels it leaves
 * out run on the js reference kernels.
 */
export function registerBackend(k: Partial<Kernels> & { name: string }): void {
  const missing = Object.keys(jsKernels).filter((key) => !(key in k)) as (keyof Kernels)[];
  for (const key of missing) (k as Record<string, unknown>)[key] = jsKernels[key];
  backends.set(k.name, k as Kernels);
}

/**
 * Chooses the backend every later op runs on: 'wasm' (SIMD kernels and a
 * thread pool, the default wherever it loads) or 'js' (the plain-TypeScript
 * reference).
 */
export function setBackend(name: string): void {
  const k = backends.get(name);
  if (!k) {
    const why = name === 'wasm' && wasmError ? ` (wasm did not load: ${wasmError})` : '';
    throw new ArgumentError(`setBackend: unknown backend '${name}'; available: ${[...backends.keys()].join(', ')}${why}`);
  }
  active = k;
  chosenByUser = true;
}

/** The name of the active backend. */
export function getBackend(): string {
  return active.name;
}

/** The names of the registered backends. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/**
 * Sets the number of threads the wasm backend's kernels use (the calling
 * thread included), defaulting to the number of cores; returns the number in
 * effect (1 where shared memory or worker threads are unavailable: in a
 * browser, a page that is not cross-origin isolated). New workers start in
 * the background: `await nb.ready()` waits for them.
 */
export function setThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`setThreads: expected a positive integer, got ${n}`);
  return wasm ? wasm.setThreads(n) : 1;
}

/** The number of threads the wasm backend uses. */
export function getThreads(): number {
  return wasm ? wasm.getThreads() : 1;
}

/** Which wasm build is in use: 'relaxed' (fused multiply-add), 'simd', or null when wasm did not load. */
export function wasmBuild(): 'relaxed' | 'simd' | null {
  return wasm ? wasm.runtime.build : null;
}

/** @internal The wasm kernels object, for tests and benchmarks; null when wasm did not load. */
export function wasmKernels(): WasmKernels | null {
  return wasm;
}
