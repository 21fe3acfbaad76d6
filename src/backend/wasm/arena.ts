import { arrayType, dtypeOf, type TypedArray } from '../../core/dtype.js';
import { nodeBuiltin } from '../../core/platform.js';
import { maximumPages } from './kernels.generated.js';

const PAGE = 65536;
const GROW_STEP = 256; // pages: grow in steps of at least 16 MiB (each grow costs ~85 µs)
/** Resident bytes allocated between two forced collections at first; the threshold then adapts (see `Heap.adapt`). */
export const START_COLLECT_BYTES = 4 * 1024 * 1024;
/** The largest collection threshold the heap adapts to. */
export const MAX_COLLECT_BYTES = 64 * 1024 * 1024;
/** Fresh memory is touched (faulted in) a page at a time: one write per this many bytes. */
const OS_PAGE = 4096;
/** Between two forced collections, at least this many times the last one's duration passes. */
const COLLECT_INTERVAL = 10;
const now = () => performance.now();

/** A typed-array constructor (Float32Array, Uint8Array, ...). */
export type ArrayCtor<T extends TypedArray> = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };

/** Raised when linear memory cannot hold a block: the caller runs the js kernel instead, and the next call collects. */
export class WasmMemoryFull extends Error {}

/**
 * The block size that serves a request of `bytes`: a multiple of 64 bytes, and
 * above 256 bytes one of four steps per power of two (so a freed block is
 * reused by any request within 25% of its size, and at most 25% is wasted).
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 64) return 64;
  const p = 2 ** Math.floor(Math.log2(bytes - 1)); // the largest power of two below bytes
  const step = Math.max(64, p / 4);
  return Math.ceil(bytes / step) * step;
}

// tokens pack a block's address in 25 bits of 64-byte units: memory must stay within 2 GiB
if (maximumPages * 65536 > 2 ** 31) throw new Error(`wasm heap: ${maximumPages} pages exceed the 2 GiB the block tokens can address`);

/** Block address and size class packed in one number (both multiples of 64, below 2^31). */
const encode = (ptr: number, cls: number) => (cls / 64) * 2 ** 25 + ptr / 64;
const decodePtr = (token: number) => (token % 2 ** 25) * 64;
const decodeClass = (token: number) => Math.floor(token / 2 ** 25) * 64;

/** Blocks of linear memory an owner holds (a compiled plan's), given back when the owner is garbage-collected. */
export type OwnedBlocks = { ptr: number; cls: number }[];

interface Collector {
  registry: FinalizationRegistry<number>;
  /** The same for owners of several blocks (see Heap.freeWithOwner). */
  owners: FinalizationRegistry<OwnedBlocks>;
  /** A full garbage collection, then the registries' callbacks for what it found, synchronously; null where the engine has no such thing. */
  collect: (() => void) | null;
}

/**
 * A finalization registry. In Node it comes from a fresh V8 context with
 * `gc` exposed and `FinalizationRegistry.prototype.cleanupSome`, so that a
 * synchronous loop (which never yields to the task that runs finalizers) can
 * still reclaim the storage of tensors it dropped. Elsewhere finalizers run
 * when the engine gets to them.
 */
function makeCollector(onFree: (token: number) => void, onFreeOwned: (blocks: OwnedBlocks) => void): Collector {
  const v8 = nodeBuiltin<{ setFlagsFromString(f: string): void }>('node:v8');
  const vm = nodeBuiltin<{ createContext(o: object): object; runInContext(code: string, ctx: object): unknown }>('node:vm');
  if (v8 && vm) {
    try {
      v8.setFlagsFromString('--expose-gc');
      v8.setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
      const ctx = vm.createContext({});
      const gc = vm.runInContext('gc', ctx) as (() => void) | undefined;
      const FR = vm.runInContext('FinalizationRegistry', ctx) as typeof FinalizationRegistry;
      type Sweepable<T> = FinalizationRegistry<T> & { cleanupSome?: () => void };
      const registry = new FR<number>(onFree) as Sweepable<number>;
      const owners = new FR<OwnedBlocks>(onFreeOwned) as Sweepable<OwnedBlocks>;
      if (typeof gc === 'function' && typeof registry.cleanupSome === 'function') {
        return {
          registry,
          owners,
          collect: () => {
            gc();
            registry.cleanupSome!();
            owners.cleanupSome!();
          },
        };
      }
    } catch {
      // an engine without these flags: finalizers run on their own schedule
    }
  }
  return { registry: new FinalizationRegistry<number>(onFree), owners: new FinalizationRegistry<OwnedBlocks>(onFreeOwned), collect: null };
}

/**
 * One allocator over the kernels' linear memory, for two kinds of block:
 *
 * - **resident tensor storage**: the typed array a kernel returns is a view of
 *   a block of linear memory, so the next kernel reads it in place instead of
 *   copying it in. The block returns to the heap when the view is garbage
 *   collected (a FinalizationRegistry): users dispose nothing. A tensor shares
 *   its storage only by sharing the view itself (reshape), never a subarray,
 *   so the view is alive exactly as long as the storage is used;
 * - **scratch** (operand copies, packing buffers), taken and given back around
 *   each kernel call by an Arena.
 *
 * Blocks come in size classes with a free list each, carved from the top of
 * memory when a list is empty. Resident storage is bounded (`residentLimit`);
 * once enough resident storage was allocated since the last collection (see
 * `beforeCall`), the next kernel call begins with a full collection that
 * reclaims dropped tensors where the engine allows it synchronously (Node). Beyond the
 * limit, results go back to ordinary copied-out arrays: slower, never wrong.
 * Resident storage needs shared memory (growth detaches views of ordinary
 * memory), so without it everything is copied, as before.
 */
export class Heap {
  private top: number;
  private readonly free = new Map<number, number[]>();
  /** Every buffer object the memory has had: a typed array over one of them is resident. */
  private readonly buffers = new Set<ArrayBufferLike>();
  private readonly collector: Collector | null;
  /** Owners of blocks (plans nobody disposed): see freeWithOwner. */
  private readonly owners: FinalizationRegistry<OwnedBlocks>;
  /** Bytes of resident storage alive (or dropped but not yet collected). */
  residentBytes = 0;
  private sinceCollect = 0;
  /** @internal Resident bytes allocated between two collections (adapts between START_COLLECT_BYTES and MAX_COLLECT_BYTES; tests read it). */
  collectAt = START_COLLECT_BYTES;
  /** @internal Memory below this address has been written at least once (its pages are mapped). */
  touched = 0;
  /** @internal Milliseconds spent touching fresh pages, and how many bytes (the cost of fresh memory, per byte). */
  faultMs = 0;
  faultBytes = 0;
  /** @internal Milliseconds spent in forced collections, in all. */
  collectMs = 0;
  /** @internal Results smaller than this stay in ordinary arrays (tests lower it). */
  residentMin = 1024;
  /**
   * @internal The most resident storage at once, in bytes: 1 GiB where the
   * heap can collect synchronously (Node), 256 MiB where it waits for the
   * engine's finalizers (browsers), which may come late.
   */
  residentLimit = 256 * 1024 * 1024;
  /** True where a synchronous collection is available (Node): a loop that never yields still reclaims. */
  get canCollect(): boolean {
    return this.collector?.collect != null;
  }

  /** @internal Resident bytes allocated so far, in all (tests read it). */
  allocatedBytes = 0;
  /** @internal Forced collections so far (tests read it). */
  collections = 0;
  /** Memory ran short since the last collection. */
  private pressure = false;
  /** The class of the block the last allocClass returned. */
  givenClass = 0;
  /** When the last collection ended, and how long it took (ms). */
  private lastCollectEnd = 0;
  private lastCollectMs = 0;

  constructor(
    private readonly memory: WebAssembly.Memory,
    heapBase: number,
    readonly shared: boolean,
  ) {
    this.top = (heapBase + 63) & ~63;
    this.touched = this.top;
    this.buffers.add(memory.buffer);
    const freeOwned = (blocks: OwnedBlocks) => {
      for (const b of blocks) this.freeClass(b.ptr, b.cls);
      blocks.length = 0;
    };
    this.collector = shared ? makeCollector((token) => this.release(token), freeOwned) : null;
    this.owners = this.collector?.owners ?? new FinalizationRegistry<OwnedBlocks>(freeOwned);
    if (this.canCollect) this.residentLimit = 1024 * 1024 * 1024;
  }

  /**
   * A block of class `cls`, or, when memory cannot grow, the smallest free
   * block of a larger class; `givenClass` tells which class the block has.
   */
  allocClass(cls: number): number {
    this.givenClass = cls;
    const list = this.free.get(cls);
    if (list !== undefined && list.length > 0) return list.pop()!;
    const ptr = this.top,
      end = ptr + cls;
    const size = this.memory.buffer.byteLength;
    if (end > size) {
      try {
        this.memory.grow(Math.max(GROW_STEP, Math.ceil((end - size) / PAGE)));
      } catch {
        this.pressure = true; // the next kernel call collects first (when its pacing allows)
        return this.allocLarger(cls, size);
      }
      this.buffers.add(this.memory.buffer);
    }
    this.top = end;
    if (end > this.touched && this.collector !== null) this.touch(end);
    return ptr;
  }

  /**
   * Writes one byte per OS page of never-used memory up to `end`, timing it:
   * the first write to a page faults it in, which on some machines (virtual
   * ones) costs more than a small kernel's arithmetic. The kernels would pay
   * the same faults; touching here measures them (faultMs / faultBytes), the
   * price `adapt` weighs against collecting more often.
   */
  private touch(end: number): void {
    const from = this.touched;
    const bytes = new Uint8Array(this.memory.buffer);
    const t0 = now();
    for (let a = Math.ceil(from / OS_PAGE) * OS_PAGE; a < end; a += OS_PAGE) bytes[a] = 0;
    this.faultMs += now() - t0;
    this.faultBytes += end - from;
    this.touched = end;
  }

  /** The smallest free block of a class above `cls` (blocks are never split or merged), or WasmMemoryFull. */
  private allocLarger(cls: number, size: number): number {
    let best = Infinity;
    for (const [c, list] of this.free) if (c > cls && c < best && list.length > 0) best = c;
    if (best === Infinity) throw new WasmMemoryFull(`the wasm heap is full (${size} bytes)`);
    this.givenClass = best;
    return this.free.get(best)!.pop()!;
  }

  /** Returns a block of class `cls` to its free list. */
  freeClass(ptr: number, cls: number): void {
    let list = this.free.get(cls);
    if (list === undefined) this.free.set(cls, (list = []));
    list.push(ptr);
  }

  /**
   * Gives `blocks` back to the free lists when `owner` is garbage-collected
   * (a compiled plan nobody disposed: a dropped model's or jitted function's):
   * at the latest at the next forced collection where the engine allows it
   * synchronously (Node), else when its finalizers run. The list is read
   * then, so blocks pushed onto it later go back too. forgetOwner cancels it
   * (the owner gave its blocks back itself).
   */
  freeWithOwner(owner: object, blocks: OwnedBlocks): void {
    this.owners.register(owner, blocks, owner);
  }

  /** Cancels freeWithOwner(owner, …). */
  forgetOwner(owner: object): void {
    this.owners.unregister(owner);
  }

  /**
   * Counts `bytes` of blocks an owner took towards the next forced collection,
   * as resident storage counts: building plans of models that are dropped
   * without ever yielding (a search over models in one loop) then collects,
   * and their blocks come back, before memory runs out.
   */
  countTowardsCollection(bytes: number): void {
    this.sinceCollect += bytes;
  }

  private release(token: number): void {
    const cls = decodeClass(token);
    this.residentBytes -= cls;
    this.freeClass(decodePtr(token), cls);
  }

  /** Collects now: the storage of every unreachable resident tensor returns to the free lists. */
  collect(): void {
    if (!this.collector?.collect) return;
    const t0 = now();
    this.collector.collect();
    this.lastCollectEnd = now();
    this.lastCollectMs = this.lastCollectEnd - t0;
    this.collections++;
    this.collectMs += this.lastCollectMs;
    this.pressure = false;
    this.sinceCollect = 0;
    this.adapt();
  }

  /**
   * Chooses the collection threshold T (resident bytes between collections).
   * A small T keeps reusing the same few, recently freed (cache-hot, already
   * mapped) blocks, but collects often; a large T collects rarely, but the
   * heap first walks through T bytes of fresh memory. With c the average
   * collection's cost, f the measured cost of a fresh byte and A the resident
   * bytes allocated so far (taken as the forecast of what is still to come),
   * doubling T saves about A·c/(2T) of collection time and costs T·f once:
   *
   *   T ← 2T  while  A·c / (2T) > T·f  and  T < MAX_COLLECT_BYTES
   *
   * A short run stays at a few MiB; a long run, or a machine where fresh
   * memory is cheap, or a large JS heap (costly collections) grows T.
   * @internal (tests call it)
   */
  adapt(): void {
    const c = this.collectMs / this.collections;
    const f = this.faultBytes > 0 ? this.faultMs / this.faultBytes : 0;
    let T = this.collectAt;
    while (T < MAX_COLLECT_BYTES && (this.allocatedBytes * c) / (2 * T) > T * f) T *= 2;
    this.collectAt = Math.min(T, MAX_COLLECT_BYTES);
  }

  /**
   * Called as a kernel call begins, before it takes any address: collects when
   * one is due. Never during a call: an operand the caller no longer
   * references could otherwise lose its block while the kernel reads it.
   *
   * A full collection costs milliseconds (more with a larger JS heap), so it
   * is due once `collectAt` resident bytes were allocated since the last one,
   * or memory ran short (a result refused at the resident limit, or linear
   * memory that could not grow), and then only once at least
   * COLLECT_INTERVAL times the last collection's duration has passed since
   * it (collections take at most ~1/COLLECT_INTERVAL of the time), but at
   * the latest after 2·collectAt: memory stays within live storage plus
   * twice collectAt, however slow the machine.
   */
  beforeCall(): void {
    const s = this.sinceCollect;
    if (s < this.collectAt && !this.pressure) return;
    if (s >= 2 * this.collectAt || now() - this.lastCollectEnd >= COLLECT_INTERVAL * this.lastCollectMs) this.collect();
  }

  /**
   * Resident storage for n elements of type C, released when the returned
   * view is garbage collected; null where results are copied out instead
   * (ordinary memory, a small result, or the resident limit reached).
   */
  resident<T extends TypedArray>(C: ArrayCtor<T>, n: number): T | null {
    const bytes = n * C.BYTES_PER_ELEMENT;
    if (this.collector === null || bytes < this.residentMin) return null;
    let cls = sizeClass(bytes);
    if (this.residentBytes + cls > this.residentLimit) {
      this.pressure = true;
      return null;
    }
    let ptr: number;
    try {
      ptr = this.allocClass(cls);
      cls = this.givenClass;
    } catch (e) {
      if (e instanceof WasmMemoryFull) return null;
      throw e;
    }
    this.residentBytes += cls;
    this.sinceCollect += cls;
    this.allocatedBytes += cls;
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    const view = new C(buffer, ptr, n);
    this.collector.registry.register(view, encode(ptr, cls));
    return view;
  }

  /** True when x is a view of this memory (resident storage, or a subarray of one). */
  isResident(x: TypedArray): boolean {
    return this.buffers.has(x.buffer);
  }

  /** Bytes of linear memory (for the memory tests). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }
}

/**
 * Scratch for one kernel call: blocks taken from the heap since `mark` go
 * back at `release(mark)`. The same sizes come back call after call, so the
 * free lists serve them without growing memory.
 */
export class Arena {
  /** Blocks taken: address, size class, address, size class, ... */
  private readonly taken: number[] = [];
  /** Resident copies of ordinary arrays that kernels read, alive while the array is. */
  private readonly shadows = new WeakMap<TypedArray, TypedArray>();

  constructor(
    private readonly memory: WebAssembly.Memory,
    readonly heap: Heap,
  ) {}

  /** The current position, to release back to after a kernel call. */
  mark(): number {
    return this.taken.length;
  }

  /** Gives back everything taken since `mark`. */
  release(mark: number): void {
    const t = this.taken;
    while (t.length > mark) {
      const cls = t.pop()!,
        ptr = t.pop()!;
      this.heap.freeClass(ptr, cls);
    }
  }

  /** Reserves `bytes` (64-byte aligned). */
  alloc(bytes: number): number {
    const ptr = this.heap.allocClass(sizeClass(bytes));
    this.taken.push(ptr, this.heap.givenClass);
    return ptr;
  }

  /** Copies float32 `data` to ptr (reserved already). */
  set(data: Float32Array, ptr: number): void {
    new Float32Array(this.memory.buffer, ptr, data.length).set(data);
  }

  /** Copies `data` in and returns its address. */
  put(data: TypedArray): number {
    const ptr = this.alloc(data.byteLength);
    this.view(data, ptr, data.length).set(data);
    return ptr;
  }

  /**
   * The address of `data` in linear memory without a scratch copy: where it
   * is when resident; else, for an array large enough to be resident, its
   * resident shadow, copied in on first use and kept as long as the array
   * lives (tensor storage is never mutated); else -1.
   */
  find(data: TypedArray): number {
    if (this.heap.isResident(data)) return data.byteOffset;
    if (data.byteLength < this.heap.residentMin) return -1;
    let s = this.shadows.get(data);
    if (s === undefined) {
      // the dtype's own array type: a subclass such as Node's Buffer is read as a Uint8Array
      const r = this.heap.resident(arrayType(dtypeOf(data)) as ArrayCtor<TypedArray>, data.length);
      if (r === null) return -1;
      r.set(data);
      this.shadows.set(data, (s = r));
    }
    return s.byteOffset;
  }

  /** Where `data` is in linear memory when it is resident or already has a shadow (see `find`, which makes one), else -1. */
  known(data: TypedArray): number {
    if (this.heap.isResident(data)) return data.byteOffset;
    const s = this.shadows.get(data);
    return s === undefined ? -1 : s.byteOffset;
  }

  /** The address of `data` in linear memory: resident (see `find`), or a scratch copy. */
  addr(data: TypedArray): number {
    const at = this.find(data);
    return at >= 0 ? at : this.put(data);
  }

  /** A view of n elements at ptr with the element type of `like` (renewed per call: growth replaces the buffer). */
  view<T extends TypedArray>(like: T, ptr: number, n: number): T {
    const C = like.constructor as new (b: ArrayBufferLike, o: number, n: number) => T;
    return new C(this.memory.buffer, ptr, n);
  }

  /** A fresh float32 copy of n elements at ptr (the result of a kernel). */
  copyF32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n).slice();
  }

  /** Copies out.length float32 elements at ptr into `out`, and returns it. */
  copyInto(out: Float32Array, ptr: number): Float32Array {
    out.set(new Float32Array(this.memory.buffer, ptr, out.length));
    return out;
  }

  /**
   * A kernel's result of n elements of type C: `compute` writes it at the
   * address it is given, resident storage when the heap has it, else scratch
   * copied out into an ordinary array.
   */
  result<T extends TypedArray>(C: ArrayCtor<T>, n: number, compute: (ptr: number) => void): T {
    const r = this.heap.resident(C, n);
    if (r !== null) {
      compute(r.byteOffset);
      return r;
    }
    const ptr = this.alloc(n * C.BYTES_PER_ELEMENT);
    compute(ptr);
    return new C(this.memory.buffer, ptr, n).slice() as T;
  }
}
