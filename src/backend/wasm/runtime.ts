import { NablaError } from '../../core/errors.js';
import { nodeBuiltin } from '../../core/platform.js';
import { maximumPages, relaxedWasm, simdWasm } from './kernels.generated.js';

/** The kernels' exports (pointers are byte addresses into the shared memory). */
export interface KernelExports {
  heapBase(): number;
  sgemmScratchBytes(M: number, N: number, K: number): number;
  dgemmScratchBytes(M: number, N: number, K: number): number;
  dgemm(
    M: number,
    N: number,
    K: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    transA: number,
    transB: number,
    scratch: number,
  ): void;
  sgemm(
    M: number,
    N: number,
    K: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    transA: number,
    transB: number,
    scratch: number,
  ): void;
  sgemmPackedBBytes(N: number, K: number): number;
  sgemmPackedScratchBytes(M: number, K: number): number;
  sgemmDepthBlock(): number;
  sgemmPackB(K: number, N: number, b: number, ldb: number, transB: number, d: number, j0: number, j1: number, k0: number, k1: number): void;
  sgemmPacked(
    M: number,
    N: number,
    K: number,
    a: number,
    lda: number,
    transA: number,
    bp: number,
    c: number,
    ldc: number,
    scratch: number,
    j0: number,
    j1: number,
  ): void;
  unaryF32(op: number, x: number, out: number, n: number): void;
  biasActF32(op: number, z: number, b: number, out: number, rows: number, cols: number): void;
  softmaxF32(x: number, out: number, outer: number, n: number, inner: number, log: number): void;
  adamF32(
    value: number,
    g: number,
    m: number,
    v: number,
    outValue: number,
    outM: number,
    outV: number,
    n: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    stepSize: number,
    root2: number,
    eps: number,
  ): void;
  binaryF32(
    op: number,
    a: number,
    aos: number,
    ars: number,
    acs: number,
    b: number,
    bos: number,
    brs: number,
    bcs: number,
    out: number,
    outer: number,
    rows: number,
    cols: number,
  ): void;
  compareF32(
    op: number,
    a: number,
    aos: number,
    ars: number,
    acs: number,
    b: number,
    bos: number,
    brs: number,
    bcs: number,
    out: number,
    outer: number,
    rows: number,
    cols: number,
  ): void;
  whereF32(cond: number, a: number, as: number, b: number, bs: number, out: number, n: number): void;
  reduceF32(op: number, x: number, outer: number, r: number, inner: number, out: number): void;
  extremumGradF32(x: number, m: number, g: number, outer: number, r: number, inner: number, out: number): void;
  argReduceF32(op: number, x: number, outer: number, n: number, inner: number, out: number): void;
  gatherRows(src: number, rowBytes: number, idx: number, n: number, out: number): void;
  extractPatchesF32(
    x: number,
    N: number,
    H: number,
    W: number,
    C: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    pt: number,
    pl: number,
    OH: number,
    OW: number,
    padValue: number,
    out: number,
  ): void;
  addPatchesF32(
    patches: number,
    N: number,
    H: number,
    W: number,
    C: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    pt: number,
    pl: number,
    OH: number,
    OW: number,
    out: number,
  ): void;
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

/** The flags byte of a memory's limits: a maximum is given (bit 0), the memory is shared (bit 1). */
const LIMITS_HAS_MAX = 0x01,
  LIMITS_SHARED = 0x02;

/** Reads the unsigned LEB128 number at `at`: its value and the position after it. */
function readU32(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let shift = 0, i = at; shift < 35; shift += 7, i++) {
    const b = bytes[i];
    if (b === undefined) break;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  throw new NablaError(`nabla wasm kernels: malformed number at byte ${at}`);
}

/**
 * The position of the flags byte of the kernels' one memory import
 * (`env.memory`) in a WebAssembly module: the module's header, its sections
 * and its import section are walked, and any other layout (no import
 * section, another memory import, a truncated module) throws a NablaError.
 */
export function memoryFlagsOffset(bytes: Uint8Array): number {
  const fail = (what: string): never => {
    throw new NablaError(`nabla wasm kernels: ${what}; the embedded module is not the one build-kernels.mjs writes`);
  };
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // \0asm, version 1
  if (bytes.length < 8 || header.some((b, i) => bytes[i] !== b)) fail('no WebAssembly header');
  const name = (at: number): [string, number] => {
    const [n, start] = readU32(bytes, at);
    if (start + n > bytes.length) fail(`a name runs past the end at byte ${at}`);
    return [String.fromCharCode(...bytes.subarray(start, start + n)), start + n];
  };
  const skipLimits = (at: number): number => {
    const flags = bytes[at] ?? fail(`the module ends at byte ${at}`);
    let p = readU32(bytes, at + 1)[1];
    if (flags & LIMITS_HAS_MAX) p = readU32(bytes, p)[1];
    return p;
  };
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos]!;
    const [size, start] = readU32(bytes, pos + 1);
    const end = start + size;
    if (end > bytes.length) fail(`section ${id} at byte ${pos} runs past the end`);
    if (id !== 2) {
      pos = end;
      continue;
    }
    let [count, p] = readU32(bytes, start);
    let found: number | null = null;
    for (; count > 0; count--) {
      let module: string, field: string;
      [module, p] = name(p);
      [field, p] = name(p);
      const kind = bytes[p++];
      if (kind === 0)
        p = readU32(bytes, p)[1]; // function: type index
      else if (kind === 1)
        p = skipLimits(p + 1); // table: element type, limits
      else if (kind === 2) {
        // memory: limits
        if (found !== null || module !== 'env' || field !== 'memory') fail(`unexpected memory import ${module}.${field}`);
        found = p;
        p = skipLimits(p);
      } else if (kind === 3)
        p += 2; // global: value type, mutability
      else if (kind === 4)
        p = readU32(bytes, p + 1)[1]; // tag: attribute, type index
      else fail(`unknown import kind ${kind} at byte ${p - 1}`);
      if (p > end) fail('the import section runs past its end');
    }
    return found ?? fail('no memory import');
  }
  return fail('no import section');
}

/**
 * The same kernels over ordinary memory: build-kernels.mjs embeds only the
 * build over shared memory, because the two differ in one byte, the shared
 * bit of the memory import's limits (the build script checks that they differ
 * nowhere else). The bytes there must be a shared memory with a maximum
 * (flags 0x03); the copy returned has 0x01. Throws a NablaError otherwise.
 */
export function ordinaryMemoryBuild(shared: Uint8Array): Uint8Array<ArrayBuffer> {
  const at = memoryFlagsOffset(shared);
  const flags = shared[at];
  if (flags !== (LIMITS_HAS_MAX | LIMITS_SHARED)) {
    throw new NablaError(`nabla wasm kernels: the memory import's limits flags at byte ${at} are ${flags}, expected 3 (shared, with a maximum)`);
  }
  const out = new Uint8Array(shared);
  out[at] = LIMITS_HAS_MAX;
  return out;
}

/** The embedded kernels of one build ('relaxed' or 'simd') for shared or ordinary memory (ordinary: derived by ordinaryMemoryBuild). */
export function kernelBytes(build: 'relaxed' | 'simd', shared: boolean): Uint8Array<ArrayBuffer> {
  const bytes = decode(build === 'relaxed' ? relaxedWasm : simdWasm);
  return shared ? bytes : ordinaryMemoryBuild(bytes);
}

/**
 * The bytes of the fastest build this engine accepts for the kind of memory,
 * or null without WebAssembly SIMD. In Node, the environment variable
 * NABLA_WASM_BUILD=simd forces the baseline build (benchmarks measure both).
 */
export function chooseBuild(shared: boolean): { bytes: Uint8Array<ArrayBuffer>; build: 'relaxed' | 'simd' } | null {
  if (typeof WebAssembly === 'undefined') return null;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const relaxed = kernelBytes('relaxed', shared);
  if (env?.NABLA_WASM_BUILD !== 'simd' && WebAssembly.validate(relaxed)) return { bytes: relaxed, build: 'relaxed' };
  const simd = kernelBytes('simd', shared);
  if (WebAssembly.validate(simd)) return { bytes: simd, build: 'simd' };
  return null;
}

/** Instantiates the kernels on this thread over `memory`. */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => {
        throw new Error('nabla wasm kernel aborted');
      },
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
