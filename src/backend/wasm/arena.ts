import type { TypedArray } from '../../core/dtype.js';

const PAGE = 65536;
const GROW_STEP = 256; // pages: grow in steps of at least 16 MiB (each grow costs ~85 µs)

/**
 * The wasm backend's scratch area in linear memory. Tensors live in ordinary
 * garbage-collected typed arrays; a kernel call copies its operands in,
 * computes, and copies its result out into a fresh typed array, then releases
 * everything it took (`mark`/`release`). So the arena never grows beyond the
 * largest single kernel call, and users dispose nothing.
 */
export class Arena {
  private top: number;
  private readonly base: number;

  constructor(private readonly memory: WebAssembly.Memory, heapBase: number) {
    this.base = (heapBase + 63) & ~63;
    this.top = this.base;
  }

  /** The current top, to release back to after a kernel call. */
  mark(): number {
    return this.top;
  }

  /** Frees everything allocated since `mark`. */
  release(mark: number): void {
    this.top = mark;
  }

  /** Reserves `bytes` (64-byte aligned), growing the memory when needed. */
  alloc(bytes: number): number {
    const ptr = this.top;
    const end = ptr + ((bytes + 63) & ~63);
    const size = this.memory.buffer.byteLength;
    if (end > size) {
      const pages = Math.max(GROW_STEP, Math.ceil((end - size) / PAGE));
      this.memory.grow(pages); // throws a RangeError past the maximum: the caller falls back to js
    }
    this.top = end;
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

  /** A float32 view. */
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** A byte view. */
  u8(ptr: number, n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, n);
  }

  /** The bytes of linear memory in use by the arena's high-water mark (for the memory tests). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }
}
