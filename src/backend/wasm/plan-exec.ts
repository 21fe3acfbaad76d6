// What nb.jit's plans need from the wasm backend: blocks of linear memory
// held for a plan's lifetime (its intermediates, reused by lifetime), and the
// hot float32 kernels run on addresses, writing into a given block instead
// of a fresh result. Each kernel is used exactly where WasmKernels uses it
// (same size thresholds and layouts), so a plan computes the same bits as
// eager execution; everything else stays with the ordinary kernels.
import type { TypedArray } from '../../core/dtype.js';
import { aroundAxes, sizeOf } from '../../core/shape.js';
import type { AdamStep, BinaryOp, CompareOp, FusedActivation, UnaryOp, Window2D } from '../kernels.js';
import { kernels, wasmKernels } from '../index.js';
import { sizeClass, type Arena, type ArrayCtor } from './arena.js';
import { gemmTuning, pattern3d, type WasmKernels } from './index.js';
import { ACTIVATION, BINARY, COMPARE, REDUCE, UNARY } from './opcodes.generated.js';

/**
 * An argument of a kernel call on addresses: a number, the address of an
 * input or an output (by position), or a numeric attribute read at each call.
 */
export type Arg = number | { readonly in: number } | { readonly out: number } | { readonly attr: Record<string, number>; readonly key: string };

/** A kernel on addresses, as data (a plan lays its calls out as straight-line code): the function and its arguments. */
export interface KernelCall {
  readonly fn: (...args: number[]) => unknown;
  readonly args: readonly Arg[];
}

const IN0: Arg = { in: 0 },
  IN1: Arg = { in: 1 },
  OUT0: Arg = { out: 0 };
const call = (fn: (...args: number[]) => unknown, ...args: Arg[]): KernelCall => ({ fn, args });

/** What the planner knows of a value: its shape and dtype. */
interface Aval {
  readonly shape: readonly number[];
  readonly dtype: string;
}

type Sgemm = (M: number, N: number, K: number, pa: number, lda: number, pb: number, ldb: number, pc: number, ldc: number, tA: number, tB: number) => void;

/** Where a plan copies an operand that is not in linear memory: a block made on first use, and the list of the plan's blocks to add it to. */
export interface Stage {
  block: Block | null;
  readonly held: Block[];
}

/** A block of linear memory a plan holds: its address, size class and a view of it. */
export interface Block {
  readonly ptr: number;
  readonly cls: number;
  readonly view: TypedArray;
}

/**
 * The wasm side of a plan, or null when the active backend is not wasm with
 * shared memory (there results are copied out anyway: plans use the ordinary kernels).
 */
export function planMemory(): PlanMemory | null {
  const wk = wasmKernels();
  if (wk === null || kernels() !== wk || !wk.runtime.shared) return null;
  return new PlanMemory(wk);
}

/**
 * An array of n elements of `like`'s type in the kernels' linear memory
 * when the active backend has it (a plan then reads it in place), else an
 * ordinary one. Released when dropped, as tensor storage is.
 */
export function kernelArray<T extends TypedArray>(like: T, n: number): T {
  const C = like.constructor as ArrayCtor<T> & (new (n: number) => T);
  const wk = wasmKernels();
  if (wk !== null && kernels() === wk && wk.runtime.shared) {
    const r = wk.heap.resident(C, n);
    if (r !== null) return r;
  }
  return new C(n);
}

/** WasmKernels' arena (its scratch, and the resident shadows of ordinary arrays). */
function arenaOf(wk: WasmKernels): Arena {
  return (wk as unknown as { arena: Arena }).arena;
}

/** Data up to this size gets a resident shadow so that gatherRows can copy its rows within linear memory. */
const GATHER_SHADOW_MAX = 16 * 1024 * 1024;

/**
 * Copies the rows of `src` (rows of `row` elements) picked by `indices` into
 * `out` within the kernels' linear memory (one wasm call moving each row,
 * no array object), when `out` is resident there and `src` is or can be (a
 * dataset up to 16 MiB gets a resident shadow, copied in once); false, with
 * nothing copied, otherwise.
 */
export function gatherRows(out: TypedArray, src: TypedArray, row: number, indices: Int32Array): boolean {
  const wk = wasmKernels();
  if (wk === null || kernels() !== wk || !wk.runtime.shared || out.constructor !== src.constructor) return false;
  const arena = arenaOf(wk);
  const to = arena.known(out);
  if (to < 0) return false;
  const from = src.byteLength <= GATHER_SHADOW_MAX ? arena.find(src) : arena.known(src);
  if (from < 0) return false;
  // the row numbers into scratch, then one wasm call: memory.copy per row (a shared buffer's copyWithin is slow)
  const mark = arena.mark();
  try {
    wk.runtime.exports.gatherRows(from, row * src.BYTES_PER_ELEMENT, arena.put(indices), indices.length, to);
  } finally {
    arena.release(mark);
  }
  return true;
}

export class PlanMemory {
  /** The scratch block of the products the plan calls directly (see kernel), the largest asked for so far. */
  private scratch: Block | null = null;
  private readonly sgemm: Sgemm;
  private readonly arena: Arena;
  constructor(readonly wk: WasmKernels) {
    // WasmKernels' own product (its threads and packing) and its arena's resident shadows
    const k = wk as unknown as { sgemm: Sgemm };
    this.sgemm = k.sgemm.bind(wk);
    this.arena = arenaOf(wk);
  }

  /** A block of `n` elements of float32 (int32: argmax's indices; bool: bytes), held until `free`. */
  alloc(n: number, dtype: string): Block {
    const bytes = Math.max(1, n * (dtype === 'bool' ? 1 : 4));
    const heap = this.wk.heap;
    const ptr = heap.allocClass(sizeClass(bytes));
    const cls = heap.givenClass;
    heap.countTowardsCollection(cls);
    const buffer = this.wk.runtime.memory.buffer;
    const view = dtype === 'bool' ? new Uint8Array(buffer, ptr, n) : dtype === 'int32' ? new Int32Array(buffer, ptr, n) : new Float32Array(buffer, ptr, n);
    return { ptr, cls, view };
  }

  /** Gives blocks back to the heap. */
  free(blocks: readonly Block[]): void {
    for (const b of blocks) this.wk.heap.freeClass(b.ptr, b.cls);
  }

  /** Gives `held` (and what is pushed onto it later) back when `owner` is garbage-collected (see Heap.freeWithOwner). */
  freeWithOwner(owner: object, held: Block[]): void {
    this.wk.heap.freeWithOwner(owner, held);
  }

  /** Cancels freeWithOwner(owner, …): the owner gives its blocks back itself. */
  forgetOwner(owner: object): void {
    this.wk.heap.forgetOwner(owner);
  }

  /**
   * The address of `a`: where it is when resident, or its resident shadow
   * (the copy WasmKernels keeps for an ordinary array as long as it lives: a
   * model's weights are copied in once); else (a small array) a copy in
   * `stage`, a block of its size.
   */
  addr(a: TypedArray, stage: Stage): number {
    const at = this.arena.find(a);
    if (at >= 0) return at;
    return this.stage(a, stage);
  }

  /**
   * The address of an array a plan is called with (a batch, a weight), once
   * per run: where it is when resident or shadowed; else a copy in `stage`
   * the first time the plan sees it (a batch, new every call, never gets a
   * shadow: that would be a block and a finalizer per call), and its shadow
   * from the second time on (a weight, read call after call, is copied in once).
   */
  entryAddr(a: TypedArray, stage: Stage): number {
    if (this.seen.has(a)) return this.addr(a, stage);
    const at = this.arena.known(a);
    if (at >= 0) return at;
    this.seen.add(a);
    return this.stage(a, stage);
  }

  /** The address of an ordinary kernel's result inside a run (new every run: a shadow would be wasted): where it is when resident, else a copy in `stage`. */
  freshAddr(a: TypedArray, stage: Stage): number {
    const at = this.arena.known(a);
    return at >= 0 ? at : this.stage(a, stage);
  }

  /**
   * Σ a for a float32 array resident in linear memory, summed by the wasm
   * reduction into `out` (a block of at least one float); null when `a` is
   * not resident (the caller sums it itself).
   */
  sum(a: TypedArray, out: Block): number | null {
    const at = a instanceof Float32Array ? this.arena.known(a) : -1;
    if (at < 0) return null;
    this.wk.runtime.exports.reduceF32(REDUCE.sum, at, 1, a.length, 1, out.ptr);
    return out.view[0]!;
  }

  /** Arrays entryAddr has staged once (see there). */
  private readonly seen = new WeakSet<TypedArray>();

  /** Copies `a` into `stage`'s block (made on first use) and returns its address. */
  private stage(a: TypedArray, stage: Stage): number {
    if (stage.block === null) {
      stage.block = this.alloc(a.length, a instanceof Uint8Array ? 'bool' : 'float32');
      stage.held.push(stage.block);
    }
    (stage.block.view as Float32Array).set(a as Float32Array);
    return stage.block.ptr;
  }

  /** A fresh array holding `view`'s values (resident storage where the heap gives it), for a value that leaves the plan. */
  copyOut(view: TypedArray): TypedArray {
    const C = view.constructor as Float32ArrayConstructor;
    const out = this.wk.heap.resident(C, view.length) ?? new C(view.length);
    out.set(view as Float32Array);
    return out;
  }

  /** Called before a plan's kernels take addresses: a collection, when one is due. */
  beforeRun(): void {
    this.wk.heap.beforeCall();
  }

  /**
   * The kernel of `prim` on addresses, or null where WasmKernels would not
   * run it in wasm on these shapes (the plan then calls the ordinary kernel).
   * Blocks the call needs for itself (scratch) are added to `held`, the
   * plan's blocks.
   */
  kernel(prim: string, ins: readonly Aval[], outs: readonly Aval[], attrs: unknown, held: Block[]): KernelCall | null {
    if (!ins.every((a) => a.dtype === 'float32' || a.dtype === 'bool')) return null;
    const x = this.wk.runtime.exports;
    const min = this.wk.minElements;
    const out = outs[0]!;
    const n = sizeOf(out.shape);
    if (n === 0) return null;
    const f32 = (a: Aval) => a.dtype === 'float32';
    switch (prim) {
      case 'neg': {
        // exact at any size (the JS kernel's float64 negation is the same value): wasm even below minElements
        if (!f32(ins[0]!)) return null;
        return call(x.unaryF32, UNARY.neg!, IN0, OUT0, n);
      }
      case 'exp':
      case 'expm1':
      case 'log':
      case 'log1p':
      case 'sqrt':
      case 'abs':
      case 'sign':
      case 'sin':
      case 'cos':
      case 'tanh':
      case 'erf': {
        const code = UNARY[prim as UnaryOp];
        if (code === undefined || !f32(ins[0]!) || n < min) return null;
        return call(x.unaryF32, code, IN0, OUT0, n);
      }
      case 'add':
      case 'sub':
      case 'mul':
      case 'div':
      case 'pow':
      case 'maximum':
      case 'minimum': {
        const code = BINARY[prim as BinaryOp];
        // +, −, ×, ÷ round once in float32 as the JS kernel's float64 result rounds (float64 has more than
        // 2·24 + 2 bits: double rounding cannot differ), so small operands run in wasm too
        const exact = prim === 'add' || prim === 'sub' || prim === 'mul' || prim === 'div';
        const p = code !== undefined && f32(ins[0]!) && f32(ins[1]!) && (n >= min || exact) ? pattern3d(ins[0]!.shape, ins[1]!.shape, out.shape) : null;
        if (!p) return null;
        const { aos, ars, acs, bos, brs, bcs, outer, rows, cols } = p,
          c = code!;
        return call(x.binaryF32, c, IN0, aos, ars, acs, IN1, bos, brs, bcs, OUT0, outer, rows, cols);
      }
      case 'compare': {
        const code = COMPARE[(attrs as { op: CompareOp }).op];
        // a comparison is exact at any size
        const p = f32(ins[0]!) && f32(ins[1]!) ? pattern3d(ins[0]!.shape, ins[1]!.shape, out.shape) : null;
        if (!p) return null;
        const { aos, ars, acs, bos, brs, bcs, outer, rows, cols } = p;
        return call(x.compareF32, code, IN0, aos, ars, acs, IN1, bos, brs, bcs, OUT0, outer, rows, cols);
      }
      case 'where': {
        const [c, a, b] = ins as [Aval, Aval, Aval];
        const same = (s: readonly number[]) => s.length === out.shape.length && s.every((d, i) => d === out.shape[i]);
        const fits = (s: Aval) => sizeOf(s.shape) === 1 || same(s.shape);
        // a selection is exact at any size
        if (!f32(a) || !f32(b) || !same(c.shape) || !fits(a) || !fits(b)) return null;
        const as = sizeOf(a.shape) === 1 ? 0 : 1,
          bs = sizeOf(b.shape) === 1 ? 0 : 1;
        return call(x.whereF32, IN0, IN1, as, { in: 2 }, bs, OUT0, n);
      }
      case 'biasActivation': {
        const cols = ins[1]!.shape[0]!;
        if (!f32(ins[0]!) || n < min || cols === 0) return null;
        const code = ACTIVATION[(attrs as { activation: FusedActivation }).activation];
        const rows = n / cols;
        return call(x.biasActF32, code, IN0, IN1, OUT0, rows, cols);
      }
      case 'softmax':
      case 'logSoftmax': {
        const around = aroundAxes(ins[0]!.shape, [(attrs as { axis: number }).axis]);
        if (!f32(ins[0]!) || !around || n < min) return null;
        const log = prim === 'logSoftmax' ? 1 : 0;
        return call(x.softmaxF32, IN0, OUT0, around.outer, around.r, around.inner, log);
      }
      case 'sum':
      case 'max':
      case 'min': {
        const s = ins[0]!.shape;
        const around = aroundAxes(s, (attrs as { axes: number[] }).axes);
        if (!f32(ins[0]!) || !around || sizeOf(s) < min) return null;
        const { outer, r, inner } = around;
        const code = REDUCE[prim as 'sum'];
        return call(x.reduceF32, code, IN0, outer, r, inner, OUT0);
      }
      case 'argmax':
      case 'argmin': {
        // an index: exact at any size (see argReduceF32)
        const around = aroundAxes(ins[0]!.shape, [(attrs as { axis: number }).axis]);
        if (!f32(ins[0]!) || out.dtype !== 'int32' || !around) return null;
        return call(x.argReduceF32, prim === 'argmax' ? 0 : 1, IN0, around.outer, around.r, around.inner, OUT0);
      }
      case 'extremumGrad': {
        // the gradient of a max or min: exact at any size (see extremumGradF32)
        const [g, xs, m] = ins as [Aval, Aval, Aval];
        const around = aroundAxes(xs.shape, (attrs as { axes: number[] }).axes);
        if (!f32(g) || !f32(xs) || !f32(m) || !around) return null;
        const { outer, r, inner } = around;
        return call(x.extremumGradF32, IN1, { in: 2 }, IN0, outer, r, inner, OUT0);
      }
      case 'matmul': {
        const [a, b] = ins as [Aval, Aval];
        if (!f32(a) || !f32(b) || a.shape.length !== 2 || b.shape.length !== 2) return null;
        const { transA, transB } = attrs as { transA: boolean; transB: boolean };
        const M = out.shape[0]!,
          N = out.shape[1]!;
        const K = transA ? a.shape[0]! : a.shape[1]!;
        const lda = a.shape[1]!,
          ldb = b.shape[1]!;
        const tA = transA ? 1 : 0,
          tB = transB ? 1 : 0;
        if (M * N * K < gemmTuning.parallelMinMacs) {
          // below the split threshold WasmKernels.sgemm runs the kernel on the calling thread: call it directly,
          // with scratch the plan holds (one block for all its products: they never run at once)
          const bytes = x.sgemmScratchBytes(M, N, K);
          if (this.scratch === null || this.scratch.cls < bytes) held.push((this.scratch = this.alloc(Math.ceil(bytes / 4), 'float32')));
          return call(x.sgemm, M, N, K, IN0, lda, IN1, ldb, OUT0, N, tA, tB, this.scratch.ptr);
        }
        const sgemm = this.sgemm;
        return call(sgemm, M, N, K, IN0, lda, IN1, ldb, OUT0, N, tA, tB);
      }
      case 'extractPatches':
      case 'addPatches': {
        // im2col and its adjoint (convolution, pooling), as WasmKernels runs them (the adjoint zeroes its result first)
        if (!f32(ins[0]!) || sizeOf(ins[0]!.shape) < min) return null;
        const { win, padValue } = attrs as { win: Window2D; padValue?: number };
        const [N, H, W, C] = win.inShape as [number, number, number, number];
        const geometry = [N, H, W, C, win.kh, win.kw, win.strideH, win.strideW, win.dilationH, win.dilationW, win.padTop, win.padLeft, win.outH, win.outW];
        return prim === 'extractPatches' ? call(x.extractPatchesF32, IN0, ...geometry, padValue ?? 0, OUT0) : call(x.addPatchesF32, IN0, ...geometry, OUT0);
      }
      case 'adamUpdate': {
        if (!f32(ins[0]!) || n < min) return null;
        const s = attrs as AdamStep; // read at each call: fit sets the step sizes before each replay
        // β₁, β₂ and ε are the optimiser's (fixed); the step sizes are read at each call
        const { beta1, beta2, epsilon } = s;
        const attr = (key: 'stepSize' | 'root2'): Arg => ({ attr: s as unknown as Record<string, number>, key });
        return call(
          x.adamF32,
          IN0,
          IN1,
          { in: 2 },
          { in: 3 },
          OUT0,
          { out: 1 },
          { out: 2 },
          n,
          beta1,
          1 - beta1,
          beta2,
          1 - beta2,
          attr('stepSize'),
          attr('root2'),
          epsilon,
        );
      }
      default:
        return null;
    }
  }
}
