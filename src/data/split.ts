import { ArgumentError, ShapeError } from '../core/errors.js';
import { Generator, globalGenerator } from '../core/random.js';
import { formatShape } from '../core/shape.js';
import type { TensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, takeRows } from './rows.js';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /**
   * The size of the test set: a fraction in (0, 1) of the examples (rounded
   * up, as scikit-learn does) or a whole number of examples (≥ 1). Default 0.25.
   * Both sets must end up non-empty.
   */
  testSize?: number;
  /** Seeds a fresh Generator for the shuffle, so the split is reproducible. */
  seed?: number;
  /** The generator to shuffle with (when no seed is given); default the library-wide one (`nb.seed`). */
  generator?: Generator;
  /** Shuffle before splitting (default true). false: the last examples form the test set. */
  shuffle?: boolean;
  /**
   * Class labels, one per example ([n], or [n, k] such as one-hot rows): the
   * split then keeps each class's proportion in both sets. Needs shuffle.
   */
  stratify?: TensorLike;
}

/** The two halves of a split, as {@link trainTestSplit} returns them. */
export interface TrainTestSplit {
  /** [nTrain, ...x.shape[1:]] */
  xTrain: Tensor;
  /** [nTest, ...x.shape[1:]] */
  xTest: Tensor;
  /** [nTrain, ...y.shape[1:]] */
  yTrain: Tensor;
  /** [nTest, ...y.shape[1:]] */
  yTest: Tensor;
}

/** The number of test examples for `testSize` out of `n`. */
function testCount(testSize: number, n: number): number {
  let nTest: number;
  if (typeof testSize !== 'number' || !Number.isFinite(testSize) || testSize <= 0) {
    throw new ArgumentError(`trainTestSplit: testSize must be a fraction in (0, 1) or a whole number ≥ 1, got ${testSize}`);
  }
  if (testSize < 1) nTest = Math.ceil(testSize * n);
  else if (Number.isInteger(testSize)) nTest = testSize;
  else throw new ArgumentError(`trainTestSplit: testSize must be a fraction in (0, 1) or a whole number ≥ 1, got ${testSize}`);
  if (nTest >= n) {
    throw new ArgumentError(`trainTestSplit: testSize ${testSize} leaves no training examples out of ${n} (test set of ${nTest})`);
  }
  return nTest;
}

/**
 * @internal Per-class test counts by largest-remainder rounding: class k of c_k
 * examples gets floor(nTest·c_k/n) test examples, and the examples still
 * missing go to the classes with the largest remainders (nTest·c_k mod n,
 * exact in integers; ties to the larger class, then the class seen first).
 */
export function stratifiedCounts(classCounts: readonly number[], nTest: number): number[] {
  const n = classCounts.reduce((a, b) => a + b, 0);
  const take = classCounts.map((c) => Math.floor((nTest * c) / n));
  let missing = nTest - take.reduce((a, b) => a + b, 0);
  const order = classCounts
    .map((_, k) => k)
    .sort((a, b) => {
      const ra = (nTest * classCounts[a]!) % n,
        rb = (nTest * classCounts[b]!) % n;
      return rb - ra || classCounts[b]! - classCounts[a]! || a - b;
    });
  for (const k of order) {
    if (missing === 0) break;
    take[k]!++;
    missing--;
  }
  return take;
}

/**
 * Splits examples (the first axis of x and y) into a training set and a test
 * set: { xTrain, xTest, yTrain, yTest }, with x [n, ...] and y [n, ...].
 * By default a quarter of the examples, shuffled, go to the test set; `seed`
 * makes the shuffle reproducible. With `stratify` (class labels, usually y
 * itself) each class keeps its proportion in both sets, the test count of
 * each class rounded by largest remainders. The two sets never share an
 * example and together hold every example once.
 *
 *     const { xTrain, xTest, yTrain, yTest } = nb.data.trainTestSplit(x, labels, { testSize: 0.2, seed: 0, stratify: labels });
 */
export function trainTestSplit(x: TensorLike, y: TensorLike, opts: TrainTestSplitOptions = {}): TrainTestSplit {
  const xs = asTensor('trainTestSplit', 'x', x),
    ys = asTensor('trainTestSplit', 'y', y);
  if (xs.rank === 0 || ys.rank === 0) {
    throw new ShapeError(`trainTestSplit: x and y need a first (example) axis, got shapes ${formatShape(xs.shape)} and ${formatShape(ys.shape)}`);
  }
  const n = xs.shape[0]!;
  if (ys.shape[0] !== n) {
    throw new ShapeError(`trainTestSplit: x has ${n} examples (shape ${formatShape(xs.shape)}) but y has ${ys.shape[0]} (shape ${formatShape(ys.shape)})`);
  }
  if (n < 2) throw new ArgumentError(`trainTestSplit: need at least 2 examples to split, got ${n}`);
  const nTest = testCount(opts.testSize ?? 0.25, n);
  const shuffle = opts.shuffle ?? true;
  if (opts.seed !== undefined && opts.generator !== undefined) throw new ArgumentError('trainTestSplit: give seed or generator, not both');
  const gen = opts.seed !== undefined ? new Generator(opts.seed) : (opts.generator ?? globalGenerator());

  let train: Int32Array, test: Int32Array;
  if (opts.stratify !== undefined && opts.stratify !== null) {
    if (!shuffle) throw new ArgumentError('trainTestSplit: stratify needs shuffle: true');
    const s = asTensor('trainTestSplit', 'stratify', opts.stratify);
    if (s.rank === 0 || s.shape[0] !== n) {
      throw new ShapeError(`trainTestSplit: stratify has shape ${formatShape(s.shape)}; expected one label per example (${n})`);
    }
    const rowSize = s.size / n;
    const groups = new Map<number | string, number[]>();
    for (let i = 0; i < n; i++) {
      const key = rowSize === 1 ? s.storage[i]! : Array.from(s.storage.subarray(i * rowSize, (i + 1) * rowSize)).join(',');
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(i);
    }
    const members = [...groups.values()];
    const take = stratifiedCounts(
      members.map((g) => g.length),
      nTest,
    );
    train = new Int32Array(n - nTest);
    test = new Int32Array(nTest);
    let at = 0,
      bt = 0;
    members.forEach((g, k) => {
      gen.shuffle(g);
      for (let j = 0; j < g.length; j++) {
        if (j < take[k]!) test[bt++] = g[j]!;
        else train[at++] = g[j]!;
      }
    });
    gen.shuffle(train);
    gen.shuffle(test);
  } else {
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    if (shuffle) {
      gen.shuffle(perm);
      test = perm.slice(0, nTest);
      train = perm.slice(nTest);
    } else {
      train = perm.slice(0, n - nTest);
      test = perm.slice(n - nTest);
    }
  }
  return { xTrain: takeRows(xs, train), xTest: takeRows(xs, test), yTrain: takeRows(ys, train), yTest: takeRows(ys, test) };
}
