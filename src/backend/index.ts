import { ArgumentError } from '../core/errors.js';
import type { Kernels } from './kernels.js';
import { jsKernels } from './js/index.js';
import { defaultThreads, WasmKernels } from './wasm/index.js';
import { createRuntime } from './wasm/runtime.js';

export type { Kernels } from './kernels.js';

const backends = new Map<string, Kernels>([['js', jsKernels]]);

/** The wasm backend, when this engine has WebAssembly SIMD and shared memory. */
let wasm: WasmKernels | null = null;
let wasmError: string | null = null;
try {
  const runtime = createRuntime();
  if (runtime) {
    wasm = new WasmKernels(runtime);
    backends.set('wasm', wasm);
    wasm.setThreads(defaultThreads());
  } else wasmError = 'this engine lacks WebAssembly SIMD or shared memory';
} catch (e) {
  wasmError = (e as Error).message;
}

let active: Kernels = wasm ?? jsKernels;

/** The kernels of the active backend. */
export function kernels(): Kernels {
  return active;
}

/** Makes a backend available to `setBackend` under its name. */
export function registerBackend(k: Kernels): void {
  backends.set(k.name, k);
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
 * effect (1 where shared memory or worker threads are unavailable).
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
