import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

// fit, evaluate and predict check their options before doing any work and
// reject bad ones with an ArgumentError naming the function, the option and
// the value. predict(x, { batchSize: 0 }) used to loop forever.

function model(): nb.Sequential {
  const m = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3], seed: 1 })]);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
}
const x = nb.ones([6, 3]),
  y = nb.zeros([6, 2]);
const isArgumentError = (re: RegExp) => (e: Error) => e instanceof nb.ArgumentError && re.test(e.message);

for (const bad of [0, -1, 1.5, NaN, Infinity, '32']) {
  test(`batchSize ${typeof bad === 'string' ? JSON.stringify(bad) : String(bad)} is rejected by fit, evaluate and predict`, { timeout: 20_000 }, async () => {
    const m = model();
    const re = new RegExp(`batchSize must be a positive integer, got ${bad === '32' ? '"32"' : String(bad)}`);
    await assert.rejects(m.fit(x, y, { batchSize: bad as number, verbose: 0 }), isArgumentError(new RegExp(`^fit: ${re.source}`)));
    assert.throws(() => m.evaluate(x, y, { batchSize: bad as number }), isArgumentError(new RegExp(`^evaluate: ${re.source}`)));
    assert.throws(() => m.predict(x, { batchSize: bad as number }), isArgumentError(new RegExp(`^predict: ${re.source}`)));
  });
}

test('validationSplit outside [0, 1) or not a number is rejected; 0 holds nothing out', async () => {
  const m = model();
  for (const bad of [-0.1, 1, 1.5, NaN, '0.2']) {
    await assert.rejects(
      m.fit(x, y, { validationSplit: bad as number, verbose: 0 }),
      isArgumentError(/^fit: validationSplit must be in \[0, 1\)/),
      String(bad),
    );
  }
  const h = await m.fit(x, y, { validationSplit: 0, verbose: 0 });
  assert.deepEqual(Object.keys(h.history), ['loss']);
});

test('epochs, initialEpoch, verbose, shuffle, callbacks, validationData and unknown options are checked', async () => {
  const m = model();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ epochs: -1 }, /^fit: epochs must be an integer >= 0, got -1/],
    [{ epochs: 2.5 }, /^fit: epochs must be an integer >= 0, got 2.5/],
    [{ epochs: NaN }, /^fit: epochs must be an integer >= 0, got NaN/],
    [{ initialEpoch: -1 }, /^fit: initialEpoch must be an integer >= 0, got -1/],
    [{ initialEpoch: 0.5 }, /^fit: initialEpoch must be an integer >= 0/],
    [{ epochs: 2, initialEpoch: 3 }, /^fit: initialEpoch 3 is after the last epoch \(epochs 2\)/],
    [{ verbose: 2 }, /^fit: verbose must be 0 \(silent\) or 1 \(progress\), got 2/],
    [{ verbose: true }, /^fit: verbose must be 0 \(silent\) or 1 \(progress\), got true/],
    [{ shuffle: 'yes' }, /^fit: shuffle must be true or false, got "yes"/],
    [{ allowNonFinite: 1 }, /^fit: allowNonFinite must be true or false, got 1/],
    [{ callbacks: 5 }, /^fit: callbacks must be an array of callback objects/],
    [{ callbacks: [null] }, /^fit: callbacks must be an array of callback objects/],
    [{ validationData: [x] }, /^fit: validationData must be a pair \[x, y\]/],
    [{ batchsize: 8 }, /^fit: unknown option 'batchsize' \(expected one of epochs, batchSize/],
  ];
  for (const [args, re] of cases) await assert.rejects(m.fit(x, y, args as nb.FitArgs), isArgumentError(re), JSON.stringify(args));
  assert.throws(
    () => m.predict(x, { verbose: 0 } as never),
    isArgumentError(/^predict: unknown option 'verbose' \(expected one of batchSize, allowNonFinite\)/),
  );
  assert.throws(() => m.evaluate(x, y, { allowNonFinite: 'no' } as never), isArgumentError(/^evaluate: allowNonFinite must be true or false/));
  // nothing was trained by the rejected calls
  assert.deepEqual(
    m.getWeights().map((w) => w.toArray()),
    model()
      .getWeights()
      .map((w) => w.toArray()),
  );
  // a resumed run with initialEpoch = epochs trains nothing
  const h = await m.fit(x, y, { epochs: 2, initialEpoch: 2, verbose: 0 });
  assert.deepEqual(h.epoch, []);
});
