import { ArgumentError } from '../core/errors.js';
import type { Kernels } from './kernels.js';
import { jsKernels } from './js/index.js';

export type { Kernels } from './kernels.js';

const backends = new Map<string, Kernels>([['js', jsKernels]]);
let active: Kernels = jsKernels;

/** The kernels of the active backend. */
export function kernels(): Kernels {
  return active;
}

/** Makes a backend available to `setBackend` under its name. */
export function registerBackend(k: Kernels): void {
  backends.set(k.name, k);
}

/** Chooses the backend every later op runs on: 'js' (the reference) or any registered one. */
export function setBackend(name: string): void {
  const k = backends.get(name);
  if (!k) throw new ArgumentError(`setBackend: unknown backend '${name}'; available: ${[...backends.keys()].join(', ')}`);
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
