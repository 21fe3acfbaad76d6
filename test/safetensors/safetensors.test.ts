// safetensors: files written by an independent writer (numpy, from the
// format's specification: test/fixtures/make_safetensors_fixtures.py) read
// into the values PyTorch had; PyTorch state dicts loaded into nabla models
// predict as the PyTorch models did; nabla's own files round-trip; forged
// and truncated files give one clear SafetensorsError.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import { loadFixture } from '../helpers.js';
import { torchCnn } from './torch-models.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'safetensors');
const file = (name: string) => new Uint8Array(readFileSync(join(dir, `${name}.safetensors`)));
interface Case {
  x: number[];
  xShape: number[];
  y: number[];
  yShape: number[];
}
const torch = loadFixture<Record<string, Case> & { dtypes: { half: (number | string)[]; ints: number[] } }>('safetensors_torch.json');

const L = nb.layers;
const MODELS: Record<string, () => nb.Sequential> = {
  mlp: () => nb.sequential([L.dense({ units: 5, activation: 'relu', inputShape: [6] }), L.dense({ units: 3 })]),
  cnn: () => torchCnn(1e-5),
  rnn: () => nb.sequential([L.simpleRNN({ units: 4, inputShape: [5, 3] }), L.dense({ units: 2 })]),
  lstm: () => nb.sequential([L.lstm({ units: 4, inputShape: [5, 3] }), L.dense({ units: 2 })]),
  gru: () => nb.sequential([L.gru({ units: 4, inputShape: [5, 3] }), L.dense({ units: 2 })]),
  // token ids [batch, 5]: nn.Embedding(10, 4), nn.Flatten(), nn.Linear(20, 3)
  embedding: () => nb.sequential([L.embedding({ inputDim: 10, outputDim: 4, inputShape: [5] }), L.flatten(), L.dense({ units: 3 })]),
};
// the embedding reads token ids
const inputOf = (name: string, c: Case) => nb.tensor(c.x, c.xShape, name === 'embedding' ? 'int32' : 'float32');

for (const name of Object.keys(MODELS)) {
  test(`a PyTorch ${name}'s state dict (safetensors) loaded into the nabla model predicts as PyTorch did`, () => {
    const { tensors, metadata } = nb.safetensors.decode(file(name), `${name}.safetensors`);
    assert.deepEqual(metadata, { format: 'pt', model: name });
    const model = MODELS[name]!();
    const steps = nb.safetensors.loadTorchStateDict(model, tensors);
    assert.equal(steps.length, model.layers.filter((l) => l.getWeights().length).length);
    const c = torch[name]!;
    const y = model.predict(inputOf(name, c));
    assert.deepEqual(y.shape, c.yShape);
    c.y.forEach((w, i) =>
      assert.ok(Math.abs(y.storage[i]! - w) < 1e-5 * Math.max(1, Math.abs(w)), `${name}: entry ${i} is ${y.storage[i]}, PyTorch says ${w}`),
    );
  });
}

test("nn.Embedding's weight is the Embedding's embeddings, as is: the ids pick PyTorch's rows", () => {
  const { tensors } = nb.safetensors.decode(file('embedding'));
  const model = MODELS.embedding!();
  const steps = nb.safetensors.loadTorchStateDict(model, tensors);
  assert.deepEqual(
    steps.map((s) => [s.module, s.how]),
    [
      ['0', 'Embedding → Embedding (same layout)'],
      ['2', 'Linear → Dense (kernel = weightᵀ)'],
    ],
  );
  assert.deepEqual(Array.from(model.layers[0]!.getWeights()[0]!.storage), Array.from(tensors['0.weight']!.storage));
  // an embedding table of another size is refused, naming both
  assert.throws(
    () =>
      nb.safetensors.loadTorchStateDict(
        nb.sequential([L.embedding({ inputDim: 12, outputDim: 4, inputShape: [5] }), L.flatten(), L.dense({ units: 3 })]),
        tensors,
      ),
    /module '0' \(Embedding → Embedding \(same layout\)\) gives \[10,4\] for weight 0 of layer '.*', which is \[12,4\]/,
  );
});

test('opts.modules fixes which module goes to which layer', () => {
  const tensors = nb.safetensors.decode(file('lstm')).tensors;
  assert.deepEqual(
    nb.safetensors.loadTorchStateDict(MODELS.lstm!(), tensors, { modules: ['rnn', 'head'] }).map((s) => s.module),
    ['rnn', 'head'],
  );
  assert.throws(() => nb.safetensors.loadTorchStateDict(MODELS.lstm!(), tensors, { modules: ['head', 'rnn'] }), /module 'head' has no 'weight_ih_l0'/);
  assert.throws(
    () => nb.safetensors.loadTorchStateDict(MODELS.lstm!(), tensors, { modules: ['rnn'] }),
    /opts.modules must list the 2 module prefixes \(head, rnn\)/,
  );
});

test('the flattened-image reordering is what makes the CNN agree (a plain transpose does not)', () => {
  const steps = nb.safetensors.loadTorchStateDict(MODELS.cnn!(), nb.safetensors.decode(file('cnn')).tensors);
  assert.match(steps.at(-1)!.how, /rows reordered from PyTorch's \(C, H, W\) flattening to \(H, W, C\)/);
  assert.match(steps[1]!.how, /BatchNorm → BatchNormalization/);
});

test("a normalization layer whose ε is not PyTorch's is refused by name (it would predict otherwise); opts.epsilon states the modules' or keeps it", () => {
  const tensors = nb.safetensors.decode(file('cnn')).tensors;
  // nabla's default ε is 1e-3: refused, and nothing is loaded
  const model = torchCnn();
  const before = Array.from(model.layers[0]!.getWeights()[0]!.storage);
  assert.throws(
    () => nb.safetensors.loadTorchStateDict(model, tensors),
    (e: unknown) =>
      e instanceof nb.ArgumentError &&
      /layer 'bn' \(BatchNormalization\) has ε 0\.001, the PyTorch modules' is 0\.00001, and would predict otherwise: build it with epsilon: 0\.00001/.test(
        (e as Error).message,
      ),
  );
  assert.deepEqual(Array.from(model.layers[0]!.getWeights()[0]!.storage), before);
  // 'keep' loads anyway, and the predictions then differ from PyTorch's: why it is refused by default
  const steps = nb.safetensors.loadTorchStateDict(model, tensors, { epsilon: 'keep' });
  assert.match(steps[1]!.how, /ε 0\.001, PyTorch's default is 1e-5/);
  const c = torch['cnn']!;
  const y = model.predict(nb.tensor(c.x, c.xShape));
  const worst = Math.max(...c.y.map((w, i) => Math.abs(y.storage[i]! - w)));
  assert.ok(worst > 1e-4, `ε 1e-3 against PyTorch's 1e-5 moves a prediction by ${worst}`);
  // modules built with eps=1e-3 in PyTorch: opts.epsilon says so and the layer fits
  assert.equal(nb.safetensors.loadTorchStateDict(torchCnn(1e-3), tensors, { epsilon: 1e-3 }).length, 3);
  assert.throws(
    () => nb.safetensors.loadTorchStateDict(torchCnn(1e-5), tensors, { epsilon: 1e-3 }),
    /layer 'bn' \(BatchNormalization\) has ε 0\.00001, the PyTorch modules' is 0\.001/,
  );
  assert.throws(() => nb.safetensors.loadTorchStateDict(torchCnn(1e-5), tensors, { epsilon: -1 }), /opts\.epsilon must be a positive number/);
});

test('F16 widens to float32 exactly and I64 narrows to int32; metadata and names survive', () => {
  const { tensors } = nb.safetensors.decode(file('dtypes'));
  const want = torch.dtypes.half.map((v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number)));
  assert.deepEqual(Array.from(tensors['half']!.storage), want);
  assert.ok(Object.is(tensors['half']!.storage[1], -0), '-0 keeps its sign');
  assert.equal(tensors['ints']!.dtype, 'int32');
  assert.deepEqual(tensors['ints']!.shape, [2, 2]);
  assert.deepEqual(Array.from(tensors['ints']!.storage), torch.dtypes.ints);
});

test("nabla's safetensors round-trip every dtype, and the bytes follow the format's layout", () => {
  const t = {
    w: nb.randomNormal([3, 4]),
    d: nb.tensor([1.5, -2], [2], 'float64'),
    i: nb.tensor([7, -8, 9], [3], 'int32'),
    b: nb.tensor([1, 0], [2], 'bool'),
    s: nb.scalar(3),
  };
  const bytes = nb.safetensors.encode(t, { note: 'hi' });
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  assert.equal(n % 8, 0, 'the header is padded to 8 bytes');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  assert.deepEqual(header.w, { dtype: 'F32', shape: [3, 4], data_offsets: header.w.data_offsets });
  assert.equal(header.s.shape.length, 0);
  assert.deepEqual(header.__metadata__, { note: 'hi' });
  const back = nb.safetensors.decode(bytes);
  for (const [k, v] of Object.entries(t)) {
    assert.equal(back.tensors[k]!.dtype, v.dtype, k);
    assert.deepEqual(back.tensors[k]!.shape, v.shape, k);
    assert.deepEqual(Array.from(back.tensors[k]!.storage), Array.from(v.storage), k);
  }
});

test('forged, truncated and foreign files give one SafetensorsError each', () => {
  const good = file('mlp');
  const is = (re: RegExp) => (e: unknown) => e instanceof nb.safetensors.SafetensorsError && re.test((e as Error).message);
  const withHeader = (h: unknown, data = new Uint8Array(0)) => {
    const json = new TextEncoder().encode(JSON.stringify(h));
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  };
  assert.throws(() => nb.safetensors.decode(new Uint8Array(3), 'x.st'), is(/x\.st is not a safetensors file/));
  assert.throws(() => nb.safetensors.decode(good.subarray(0, good.length - 4)), is(/is truncated: its tensors need \d+ bytes of data/));
  assert.throws(() => nb.safetensors.decode(good.subarray(0, 40)), is(/is truncated: its header needs/));
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 60n, true);
  assert.throws(() => nb.safetensors.decode(huge), is(/more than the limit/));
  assert.throws(
    () => nb.safetensors.decode(withHeader({ a: { dtype: 'F32', shape: [1e6, 1e6], data_offsets: [0, 4] } }, new Uint8Array(4))),
    is(/'a' of 1000000000000 elements, more than nabla's limit/),
  );
  assert.throws(
    () => nb.safetensors.decode(withHeader({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8))),
    is(/dtype C64, which nabla does not read/),
  );
  assert.throws(
    () =>
      nb.safetensors.decode(
        withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [2, 6] } }, new Uint8Array(6)),
      ),
    is(/overlapping|leaves bytes/),
  );
  assert.throws(
    () => nb.safetensors.decode(withHeader({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array([0, 0, 0, 0, 1, 0, 0, 0]))),
    is(/outside nabla's int32 range/),
  );
  assert.throws(() => nb.safetensors.decode(withHeader([1, 2])), is(/corrupt header \(it does not start with {\)/));
  assert.throws(() => nb.safetensors.decode(withHeader({ a: 'x' })), is(/entry 'a' that is not an object/));
  // a state dict that does not fit the model
  assert.throws(
    () => nb.safetensors.loadTorchStateDict(MODELS.lstm!(), nb.safetensors.decode(good).tensors),
    /has no 'weight_ih_l0'|2 module\(s\) with weights/,
  );
  assert.throws(
    () =>
      nb.safetensors.loadTorchStateDict(
        nb.sequential([L.dense({ units: 4, activation: 'relu', inputShape: [6] }), L.dense({ units: 3 })]),
        nb.safetensors.decode(good).tensors,
      ),
    /gives \[5,6\]|\[6,5\] for weight 0 of layer/,
  );
});
