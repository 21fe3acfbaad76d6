// A Sequential's state dict is keyed by structure ('layers.0.kernel'), not by layer names, which count
// the layers built before in the process ('dense_3'): a model of the same architecture built later loads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';

const build = (seed: number) =>
  nb.sequential([
    nb.layers.dense({ units: 5, activation: 'relu', inputShape: [3], seed }),
    nb.layers.batchNormalization({}),
    nb.layers.dense({ units: 2, seed: seed + 1 }),
  ]);
const x = nb.randomNormal([4, 3], 0, 1, { generator: new nb.Generator(9) });

test('an identical model built later, after other layers, loads the state dict: the same predictions', () => {
  const a = build(1);
  a.predict(x); // built
  const state = a.stateDict();
  assert.deepEqual(Object.keys(state), [
    'layers.0.kernel',
    'layers.0.bias',
    'layers.1.gamma',
    'layers.1.beta',
    'layers.1.movingMean',
    'layers.1.movingVariance',
    'layers.2.kernel',
    'layers.2.bias',
  ]);
  for (let i = 0; i < 3; i++) nb.layers.dense({ units: 1 }); // the global name counter moves on
  const b = build(7);
  assert.notDeepEqual(
    b.layers.map((l) => l.name),
    a.layers.map((l) => l.name),
    'the display names differ',
  );
  assert.notDeepEqual(b.predict(x).toArray(), a.predict(x).toArray());
  b.loadStateDict(state);
  assert.deepEqual(b.predict(x).toArray(), a.predict(x).toArray());
  assert.deepEqual(Object.keys(b.stateDict()), Object.keys(state));
});

test("a state dict keyed by the model's own parameter names (namedParameters, as model files hold them) still loads; wrong keys are named", () => {
  const a = build(1),
    b = build(3);
  const values = a.getWeights();
  const byName = Object.fromEntries(b.namedParameters().map(([k], i) => [k, values[i]!]));
  assert.match(Object.keys(byName)[0]!, /^dense_\d+\.kernel$/);
  b.loadStateDict(byName);
  assert.deepEqual(b.predict(x).toArray(), a.predict(x).toArray());
  const { 'layers.2.bias': _, ...missing } = a.stateDict();
  assert.throws(() => b.loadStateDict(missing), /loadStateDict: missing keys: layers\.2\.bias/);
  assert.throws(() => b.loadStateDict({ ...a.stateDict(), 'layers.3.kernel': nb.zeros([1]) }), /unexpected keys: layers\.3\.kernel/);
  assert.throws(
    () => b.loadStateDict({ ...a.stateDict(), 'layers.0.bias': nb.zeros([4]) }),
    /'layers\.0\.bias' has shape \[5\] in the model but \[4\] in the state dict/,
  );
  assert.throws(() => b.loadStateDict(null as never), /loadStateDict: expected a state dict/);
});

test('model files (format 2, weights named by layer) load as before, and take and give structural state dicts', () => {
  const a = build(1);
  a.predict(x);
  const bytes = encodeModel(a);
  const header = new TextDecoder().decode(bytes.subarray(20, 20 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true)));
  assert.match(header, /"name":"dense_\d+\.kernel"/, 'the file names weights by layer, as files always have');
  for (let i = 0; i < 3; i++) nb.layers.dense({ units: 1 });
  const loaded = decodeModel(bytes);
  assert.deepEqual(loaded.predict(x).toArray(), a.predict(x).toArray());
  const fresh = build(5);
  fresh.loadStateDict(loaded.stateDict());
  assert.deepEqual(fresh.predict(x).toArray(), a.predict(x).toArray());
  loaded.loadStateDict(build(11).stateDict());
  assert.notDeepEqual(loaded.predict(x).toArray(), a.predict(x).toArray());
});
