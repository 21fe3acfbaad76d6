import { ArgumentError } from './errors.js';

/**
 * Reproducible randomness.
 *
 * Every random stream in nabla comes from a {@link Generator}: xoshiro128** (Blackman & Vigna), a
 * 128-bit-state generator built only from 32-bit operations (`Math.imul`, shifts, `>>> 0`), so it is
 * fast in any JavaScript engine and needs no BigInt. Its period is 2^128 − 1; its authors recommend it
 * as a general-purpose 32-bit generator (no known failures of the BigCrush or PractRand test suites).
 *
 * Code that is given no explicit generator uses the library-wide one ({@link globalGenerator}),
 * which starts from the fixed {@link DEFAULT_SEED}: a program that never calls {@link seed} is
 * still reproducible run to run, and `seed(n)` makes it reproducible for the chosen `n`.
 *
 * This module imports nothing from the rest of the library.
 */

const TWO_POW_26 = 67108864; // 2^26
const TWO_POW_32 = 4294967296; // 2^32
const TWO_POW_53 = 9007199254740992; // 2^53
const TWO_POW_M53 = 1 / TWO_POW_53; // 2^-53

/** The seed of the library-wide generator until {@link seed} is called: the 32-bit golden ratio 0x9e3779b9. */
export const DEFAULT_SEED = 0x9e3779b9;

/** A snapshot of a {@link Generator}: its four 32-bit state words and its cached spare normal (or null). */
export interface GeneratorState {
  /** The xoshiro128** state words s0..s3, each an unsigned 32-bit integer; not all zero. */
  readonly words: readonly [number, number, number, number];
  /** The second value of the last Marsaglia polar pair, returned by the next `normal()`; null if none. */
  readonly spareNormal: number | null;
}

/** 32-bit left rotation: (x << k) | (x >>> (32 − k)), as a signed 32-bit integer. */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A bijective 32-bit integer hash (Wellons' "lowbias32", a splitmix32/murmur3-style finalizer):
 * x ^= x>>>16; x *= 0x7feb352d; x ^= x>>>15; x *= 0x846ca68b; x ^= x>>>16 (mod 2^32).
 * Every input bit affects every output bit with probability close to 1/2.
 */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x | 0;
}

// Round keys of the seeding Feistel network (hex digits of π), and a domain key for seeds that
// are not integers of magnitude ≤ 2^53 (these are hashed from their IEEE-754 bits instead).
const FEISTEL_KEYS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const;
const FLOAT_DOMAIN_KEY = 0x5be0cd19;
const seedView = new DataView(new ArrayBuffer(8));

/**
 * Turns a seed into four well-mixed xoshiro128** state words.
 *
 * The seed becomes a 64-bit value (lo, hi): an integer n with |n| ≤ 2^53 as its 64-bit two's
 * complement (so 0, 1, 2, …, 2^53 and −1, −2, … are all different), any other number (fractions,
 * larger magnitudes, ±Infinity, NaN) as its IEEE-754 bit pattern. A 4-round Feistel network whose
 * round function is `mix32` — a bijection of 64-bit values — gives (s0, s1), so distinct integer
 * seeds always give distinct states; s2 and s3 are further hashes of both halves.
 */
function seedWords(seedValue: number): [number, number, number, number] {
  if (typeof seedValue !== 'number') {
    throw new ArgumentError(`Generator seed must be a number, got ${typeof seedValue}`);
  }
  let lo: number;
  let hi: number;
  let domain = 0;
  if (Number.isInteger(seedValue) && Math.abs(seedValue) <= TWO_POW_53) {
    lo = seedValue >>> 0; // ToUint32 is exact modular reduction: the low word of two's complement
    hi = Math.floor(seedValue / TWO_POW_32) >>> 0; // -0 and 0 are the same seed
  } else {
    seedView.setFloat64(0, Number.isNaN(seedValue) ? NaN : seedValue);
    hi = seedView.getUint32(0);
    lo = seedView.getUint32(4);
    domain = FLOAT_DOMAIN_KEY;
  }
  let l = lo | 0;
  let r = hi | 0;
  for (const key of FEISTEL_KEYS) {
    const t = l ^ mix32((r + key) ^ domain);
    l = r;
    r = t;
  }
  const s0 = l;
  const s1 = r;
  const s2 = mix32((s0 + mix32(s1 ^ 0x6a09e667)) | 0);
  let s3 = mix32((s1 + mix32(s0 ^ 0xbb67ae85)) | 0);
  if ((s0 | s1 | s2 | s3) === 0) s3 = 1; // xoshiro's one forbidden state
  return [s0, s1, s2, s3];
}

const f32Box = new Float32Array(1);
const i32OfF32 = new Int32Array(f32Box.buffer);

/** The smallest float32 value strictly greater than the float32 value `f` (f finite or −Infinity). */
function nextUpF32(f: number): number {
  if (f === 0) return 1.401298464324817e-45; // smallest positive subnormal float32
  f32Box[0] = f;
  if (f > 0) i32OfF32[0] = i32OfF32[0]! + 1;
  else i32OfF32[0] = i32OfF32[0]! - 1;
  return f32Box[0]!;
}

/** Checks that [low, high) is a non-empty finite interval, so `low + (high − low)·u` is usable. */
function checkInterval(low: number, high: number, fn: string): number {
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new ArgumentError(`${fn}: need finite low < high, got low=${low}, high=${high}`);
  }
  const span = high - low;
  if (!Number.isFinite(span)) {
    throw new ArgumentError(`${fn}: high − low overflows (low=${low}, high=${high})`);
  }
  return span;
}

/**
 * A seeded pseudo-random generator: an independent, reproducible stream of random numbers.
 *
 * The algorithm is xoshiro128** (period 2^128 − 1): with state words s0..s3, each step outputs
 * rotl(s1·5, 7)·9 mod 2^32 and updates t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
 * s2 ^= t; s3 = rotl(s3, 11). The same seed always gives the same sequence on every platform.
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare = 0;
  private hasSpare = false;

  /**
   * Creates a generator from `seed`, any JS number. Integers of magnitude ≤ 2^53 (including
   * negative ones) each give a distinct state; the seed is hashed, so nearby seeds give unrelated
   * streams. Non-integers, ±Infinity and NaN are accepted too (hashed from their bit pattern).
   */
  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Resets this generator, in place, to exactly the state `new Generator(seed)` would have. */
  reseed(seed: number): void {
    const w = seedWords(seed);
    this.s0 = w[0];
    this.s1 = w[1];
    this.s2 = w[2];
    this.s3 = w[3];
    this.hasSpare = false;
    this.spare = 0;
  }

  /** Returns a snapshot of the full state, to be restored by {@link Generator.fromState} (e.g. for checkpoints). */
  getState(): GeneratorState {
    return {
      words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spareNormal: this.hasSpare ? this.spare : null,
    };
  }

  /** Creates a generator that continues exactly where the generator that produced `state` was. */
  static fromState(state: GeneratorState): Generator {
    const g = new Generator(0);
    const [a, b, c, d] = state.words;
    for (const w of state.words) {
      if (!Number.isInteger(w) || w < 0 || w >= TWO_POW_32) {
        throw new ArgumentError(`Generator.fromState: state words must be uint32, got ${w}`);
      }
    }
    if ((a | b | c | d) === 0) throw new ArgumentError('Generator.fromState: the all-zero state is invalid');
    g.s0 = a | 0;
    g.s1 = b | 0;
    g.s2 = c | 0;
    g.s3 = d | 0;
    g.hasSpare = state.spareNormal !== null;
    g.spare = state.spareNormal ?? 0;
    return g;
  }

  /** A uniform integer in [0, 2^32): the next raw xoshiro128** output. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = rotl(s3, 11);
    return result;
  }

  /**
   * A uniform double in [0, 1) with 53 random bits: (a·2^26 + b) / 2^53, where a and b are the top
   * 27 and 26 bits of two consecutive 32-bit outputs. Every multiple of 2^−53 in [0, 1) is equally likely.
   */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) * TWO_POW_M53;
  }

  /**
   * A standard normal sample, N(0, 1), by Marsaglia's polar method: draw u, v uniform in (−1, 1)
   * until s = u² + v² ∈ (0, 1), then u·√(−2 ln s / s) and v·√(−2 ln s / s) are two independent
   * normals. The second one is cached and returned by the next call.
   */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /**
   * A uniform integer in [0, n), exactly unbiased: raw draws x ∈ [0, 2^k) (k = 32, or 53 when
   * n > 2^32) are rejected when x ≥ 2^k − (2^k mod n), and the result is x mod n.
   * `n` must be an integer in [1, 2^53].
   */
  randint(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_53) {
      throw new ArgumentError(`randint: n must be an integer in [1, 2^53], got ${n}`);
    }
    return n <= TWO_POW_32 ? this.below32(n) : this.below53(n);
  }

  /** Unbiased integer in [0, n) for integer 1 ≤ n ≤ 2^32 (no validation). */
  private below32(n: number): number {
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Unbiased integer in [0, n) for integer 2^32 < n ≤ 2^53 (no validation). */
  private below53(n: number): number {
    const limit = TWO_POW_53 - (TWO_POW_53 % n);
    for (;;) {
      const x = (this.nextUint32() >>> 5) * TWO_POW_26 + (this.nextUint32() >>> 6);
      if (x < limit) return x % n;
    }
  }

  /**
   * A new generator whose stream is statistically independent of this one's, derived
   * deterministically from it: four outputs of this generator, each hashed with a distinct key,
   * become the child's state. This generator advances by four outputs, so successive forks differ.
   */
  fork(): Generator {
    const child = new Generator(0);
    const a = mix32(this.nextUint32() ^ 0x510e527f);
    const b = mix32(this.nextUint32() ^ 0x9b05688c);
    const c = mix32(this.nextUint32() ^ 0x1f83d9ab);
    let d = mix32(this.nextUint32() ^ 0x5be0cd19);
    if ((a | b | c | d) === 0) d = 1;
    child.s0 = a;
    child.s1 = b;
    child.s2 = c;
    child.s3 = d;
    return child;
  }

  /**
   * Fills `out` with samples uniform in [low, high): low + (high − low)·u with u = `uniform()`.
   * Every stored value lies in [low, high) even after rounding to the array's precision: a draw
   * that rounds outside (e.g. onto `high` in a Float32Array) is redrawn. Needs finite low < high,
   * and for a Float32Array at least one float32 value in [low, high); throws RangeError otherwise.
   */
  fillUniform(out: Float32Array | Float64Array, low: number, high: number): void {
    const span = checkInterval(low, high, 'fillUniform');
    const n = out.length;
    if (out instanceof Float32Array) {
      let first = Math.fround(low);
      if (first < low) first = nextUpF32(first);
      if (!(first < high)) {
        throw new ArgumentError(`fillUniform: no float32 value lies in [${low}, ${high})`);
      }
      for (let i = 0; i < n; i++) {
        let v: number;
        do {
          v = Math.fround(low + span * this.uniform());
        } while (v < low || v >= high);
        out[i] = v;
      }
    } else {
      for (let i = 0; i < n; i++) {
        let v: number;
        do {
          v = low + span * this.uniform();
        } while (v >= high);
        out[i] = v;
      }
    }
  }

  /** Fills `out` with normal samples mean + std·z, z ~ N(0, 1) from `normal()`; mean and std must be finite. */
  fillNormal(out: Float32Array | Float64Array, mean: number, std: number): void {
    if (!Number.isFinite(mean) || !Number.isFinite(std)) {
      throw new ArgumentError(`fillNormal: mean and std must be finite, got mean=${mean}, std=${std}`);
    }
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
  }

  /**
   * Shuffles `indices` in place with the Fisher–Yates algorithm: for i = n−1 down to 1, swap
   * element i with element j, j uniform in [0, i]. Each of the n! orders is equally likely.
   */
  shuffle(indices: Int32Array | number[]): void {
    for (let i = indices.length - 1; i > 0; i--) {
      const j = this.below32(i + 1);
      const t = indices[i]!;
      indices[i] = indices[j]!;
      indices[j] = t;
    }
  }
}

const GLOBAL_GENERATOR = new Generator(DEFAULT_SEED);

/**
 * Re-seeds the library-wide generator with `n` (in place, so code that holds it, such as a layer
 * without a `seed` of its own, follows the new seed too): every later random call that uses no explicit
 * generator is reproducible. `seed(n)` then the same calls always give the same results.
 */
export function seed(n: number): void {
  GLOBAL_GENERATOR.reseed(n);
}

/**
 * The library-wide generator used by every random operation given no explicit generator. It starts
 * from the fixed {@link DEFAULT_SEED} (0x9e3779b9), not from the clock or `Math.random`, so
 * programs are reproducible by default; call {@link seed} to pick another stream.
 */
export function globalGenerator(): Generator {
  return GLOBAL_GENERATOR;
}
