import { nodeBuiltin } from '../../core/platform.js';
import { maximumPages, relaxedSingleWasm, relaxedWasm, simdSingleWasm, simdWasm } from './kernels.generated.js';

/** The kernels' exports (pointers are byte addresses into the shared memory). */
export interface KernelExports {
  heapBase(): number;
  sgemmScratchBytes(M: number, N: number, K: number): number;
  dgemmScratchBytes(M: number, N: number, K: number): number;
  dgemm(M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, transA: number, transB: number, scratch: number): void;
  sgemm(M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, transA: number, transB: number, scratch: number): void;
  sgemmPackedBBytes(N: number, K: number): number;
  sgemmPackedScratchBytes(M: number, K: number): number;
  sgemmDepthBlock(): number;
  sgemmPackB(K: number, N: number, b: number, ldb: number, transB: number, d: number, j0: number, j1: number, k0: number, k1: number): void;
  sgemmPacked(M: number, N: number, K: number, a: number, lda: number, transA: number, bp: number, c: number, ldc: number, scratch: number, j0: number, j1: number): void;
  unaryF32(op: number, x: number, out: number, n: number): void;
  biasActF32(op: number, z: number, b: number, out: number, rows: number, cols: number): void;
  softmaxF32(x: number, out: number, outer: number, n: number, inner: number, log: number): void;
  adamF32(value: number, g: number, m: number, v: number, outValue: number, outM: number, outV: number, n: number,
    b1: number, c1: number, b2: number, c2: number, stepSize: number, root2: number, eps: number): void;
  binaryF32(op: number, a: number, aos: number, ars: number, acs: number, b: number, bos: number, brs: number, bcs: number, out: number,
    outer: number, rows: number, cols: number): void;
  compareF32(op: number, a: number, aos: number, ars: number, acs: number, b: number, bos: number, brs: number, bcs: number, out: number,
    outer: number, rows: number, cols: number): void;
  whereF32(cond: number, a: number, as: number, b: number, bs: number, out: number, n: number): void;
  reduceF32(op: number, x: number, outer: number, r: number, inner: number, out: number): void;
  extractPatchesF32(x: number, N: number, H: number, W: number, C: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number,
    pt: number, pl: number, OH: number, OW: number, padValue: number, out: number): void;
  addPatchesF32(patches: number, N: number, H: number, W: number, C: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number,
    pt: number, pl: number, OH: number, OW: number, out: number): void;
}

/** A compiled kernel module, the memory it runs in and its instance on this thread. */
export interface Runtime {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  exports: KernelExports;
  /** 'relaxed' (fused multiply-add) or 'simd' (baseline). */
  build: 'relaxed' | 'simd';
  shared: boolean;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const B = (globalThis as { Buffer?: { from(s: string, e: string): Uint8Array } }).Buffer;
  if (B) return new Uint8Array(B.from(base64, 'base64'));
  const s = atob(base64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Node 20 accepts relaxed SIMD only behind a V8 flag; setting it before the
 * first compile is enough. Elsewhere (Node >= 22, Chromium) it is on already,
 * and WebAssembly.validate decides in any case.
 */
function enableRelaxedSimd(): void {
  const v8 = nodeBuiltin<{ setFlagsFromString(f: string): void }>('node:v8');
  try {
    v8?.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // the flag is gone in this engine: validation below tells what it accepts
  }
}

/** Shared memory for the thread pool where the engine allows it (Node; cross-origin-isolated pages), ordinary memory otherwise. */
function createMemory(): { memory: WebAssembly.Memory; shared: boolean } {
  // a page without cross-origin isolation may create shared memory but cannot hand it to workers
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
  if (typeof SharedArrayBuffer === 'undefined' || !isolated) {
    return { memory: new WebAssembly.Memory({ initial: 64, maximum: maximumPages }), shared: false };
  }
  try {
    return { memory: new WebAssembly.Memory({ initial: 64, maximum: maximumPages, shared: true }), shared: true };
  } catch {
    return { memory: new WebAssembly.Memory({ initial: 64, maximum: maximumPages }), shared: false };
  }
}

/**
 * The bytes of the fastest build this engine accepts for the kind of memory,
 * or null without WebAssembly SIMD. In Node, the environment variable
 * NABLA_WASM_BUILD=simd forces the baseline build (benchmarks measure both).
 */
export function chooseBuild(shared: boolean): { bytes: Uint8Array<ArrayBuffer>; build: 'relaxed' | 'simd' } | null {
  if (typeof WebAssembly === 'undefined') return null;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const relaxed = decode(shared ? relaxedWasm : relaxedSingleWasm);
  if (env?.NABLA_WASM_BUILD !== 'simd' && WebAssembly.validate(relaxed)) return { bytes: relaxed, build: 'relaxed' };
  const simd = decode(shared ? simdWasm : simdSingleWasm);
  if (WebAssembly.validate(simd)) return { bytes: simd, build: 'simd' };
  return null;
}

/** Instantiates the kernels on this thread over `memory`. */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => { throw new Error('nabla wasm kernel aborted'); },
    },
  });
  return instance.exports as unknown as KernelExports;
}

/**
 * Loads the kernels synchronously: relaxed SIMD where the engine takes it,
 * baseline SIMD otherwise; null without WebAssembly SIMD. Browsers refuse a
 * synchronous compile of this size on their main thread (it throws): use
 * `loadRuntime` there.
 */
export function createRuntime(): Runtime | null {
  const p = prepare();
  return p && finish(p, new WebAssembly.Module(p.chosen.bytes));
}

/** Loads the kernels with an asynchronous compile (allowed on every thread of every engine). */
export async function loadRuntime(): Promise<Runtime | null> {
  const p = prepare();
  return p && finish(p, await WebAssembly.compile(p.chosen.bytes));
}

/** The memory and the build to compile, or null without WebAssembly SIMD. */
function prepare() {
  enableRelaxedSimd();
  const { memory, shared } = createMemory();
  const chosen = chooseBuild(shared);
  return chosen ? { memory, shared, chosen } : null;
}

function finish(p: NonNullable<ReturnType<typeof prepare>>, module: WebAssembly.Module): Runtime {
  return { module, memory: p.memory, exports: instantiate(module, p.memory), build: p.chosen.build, shared: p.shared };
}
