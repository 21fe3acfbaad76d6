// The digits data the benchmarks train on (bench/run.mjs, bench/jit-digits.mjs).

/**
 * A fixed 80/20 split of the UCI digits shipped with nabla (the order
 * shuffled by Generator(0)): training images and one-hot labels, test images
 * and integer labels. `nb` is the nabla module the caller benchmarks.
 */
export function digitsSplit(nb) {
  const { x, labels } = nb.data.loadDigits();
  const n = x.shape[0];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  new nb.Generator(0).shuffle(order);
  const nTrain = Math.floor(n * 0.8);
  const pick = (t, idx) => nb.gather(t, nb.tensor(idx, [idx.length], 'int32'), 0);
  const xTrain = pick(x, order.subarray(0, nTrain)),
    xTest = pick(x, order.subarray(nTrain));
  const yTrain = pick(nb.oneHot(labels, 10), order.subarray(0, nTrain));
  const testLabels = pick(labels, order.subarray(nTrain));
  return { x, n, nTrain, xTrain, yTrain, xTest, testLabels };
}
