import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';
import { crc32 } from '../../src/io/crc32.js';
import { MODEL_FILE_LIMITS } from '../../src/io/model-header.js';

const dir = mkdtempSync(join(tmpdir(), 'nabla-io-'));

function trainedModel() {
  nb.seed(7);
  const model = nb.sequential([
    nb.layers.dense({ units: 8, activation: 'relu', inputShape: [4], kernelRegularizer: nb.regularizers.l2(0.001) }),
    nb.layers.batchNormalization(),
    nb.layers.dropout({ rate: 0.2 }),
    nb.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

// --- crafting files the way a forger would: any header, any weights, a valid checksum ---

interface Parts {
  header: Record<string, any>;
  weights: Uint8Array;
}

/** The header and weight block of a version-2 file. */
function split(bytes: Uint8Array): Parts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(12, true);
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + h))), weights: bytes.slice(20 + h) };
}

/** A version-2 file of this header and weights, with a correct CRC-32. */
function craft({ header, weights }: Parts): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(20 + json.length + weights.length);
  out.set(new TextEncoder().encode('NABLAMDL'));
  const view = new DataView(out.buffer);
  view.setUint32(8, 2, true);
  view.setUint32(12, json.length, true);
  out.set(json, 20);
  out.set(weights, 20 + json.length);
  view.setUint32(16, crc32(out.subarray(20), crc32(out.subarray(0, 16))), true);
  return out;
}

/** A version-1 file (the format before checksummed headers): header at 16, FNV-1a of the weights in the header. */
function craftV1({ header, weights }: Parts): Uint8Array {
  let h = 0x811c9dc5;
  for (const b of weights) h = Math.imul(h ^ b, 0x01000193);
  const json = new TextEncoder().encode(JSON.stringify({ ...header, version: 1, checksum: h >>> 0 }));
  const out = new Uint8Array(16 + json.length + weights.length);
  out.set(new TextEncoder().encode('NABLAMDL'));
  const view = new DataView(out.buffer);
  view.setUint32(8, 1, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(weights, 16 + json.length);
  return out;
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

function builtModel() {
  const model = trainedModel();
  model.predict(nb.ones([1, 4]));
  return model;
}

const sameWeights = (a: nb.Sequential, b: nb.Sequential) =>
  assert.deepEqual(
    a.getWeights().map((w) => [w.dtype, w.shape, Array.from(w.storage)]),
    b.getWeights().map((w) => [w.dtype, w.shape, Array.from(w.storage)]),
  );

// --- round trips ---

test('save and loadModel restore an identical model: the same predictions bit for bit', async () => {
  const model = trainedModel();
  const x = nb.randomNormal([20, 4]);
  const y = nb.oneHot(nb.argmax(nb.slice(x, [0, 0], [-1, 3]), 1), 3);
  await model.fit(x, y, { epochs: 3, verbose: 0 });
  model.metadata = { classNames: ['a', 'b', 'c'], task: 'classification', note: { nested: [1, 2] } };
  const path = join(dir, 'model.nabla');
  await model.save(path);
  const again = await nb.loadModel(path);
  assert.deepEqual(again.predict(x).data(), model.predict(x).data());
  assert.equal(again.summary(null), model.summary(null));
  sameWeights(again, model);
  assert.deepEqual(again.metadata, model.metadata);
  // it comes back compiled, so it can be evaluated and trained further
  assert.deepEqual(again.evaluate(x, y), model.evaluate(x, y));
  await again.fit(x, y, { epochs: 1, verbose: 0 });
});

test('a round trip through a tensor whose length is not a multiple of 8 bytes before the last layer keeps every weight in place', () => {
  // dense bias of 3 float32 = 12 bytes, then a float64 layer: a reader off by a few bytes reads the later weights shifted
  nb.seed(11);
  const model = nb.sequential([
    nb.layers.dense({ units: 3, inputShape: [5], biasInitializer: 'randomNormal' }),
    nb.layers.dense({ units: 1, biasInitializer: 'randomNormal' }),
    nb.layers.dense({ units: 7, biasInitializer: 'randomNormal' }),
  ]);
  const byteLengths = model.getWeights().map((w) => w.storage.byteLength);
  assert.ok(
    byteLengths.slice(0, -1).some((n) => n % 8 !== 0),
    `odd-length weights before the last: ${byteLengths}`,
  );
  const again = decodeModel(encodeModel(model));
  sameWeights(again, model);
  const x = nb.randomNormal([4, 5]);
  assert.deepEqual(again.predict(x).data(), model.predict(x).data());
});

test('version-1 files are still read, with their bounds checked', () => {
  const model = builtModel();
  const parts = split(encodeModel(model));
  sameWeights(decodeModel(craftV1(parts)), model);
  const bad = clone(parts.header);
  bad.weights[1].offset = -bad.weights[1].byteLength;
  assert.throws(
    () => decodeModel(craftV1({ header: bad, weights: parts.weights })),
    (e: Error) => e instanceof nb.ModelFileError && /offset must be an integer in \[0/.test(e.message),
  );
  const flipped = craftV1(parts);
  flipped[flipped.length - 3] = flipped[flipped.length - 3]! ^ 0xff;
  assert.throws(() => decodeModel(flipped), /is corrupt: the weights do not match their checksum/);
});

// --- damaged and foreign files ---

test('a corrupt, truncated or foreign file gives a clear error', async () => {
  const model = builtModel();
  const path = join(dir, 'good.nabla');
  await model.save(path);
  const bytes = readFileSync(path);
  const write = (name: string, data: Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  await assert.rejects(nb.loadModel(write('truncated.nabla', bytes.subarray(0, bytes.length - 10))), /is truncated: expected \d+ bytes of weights, found \d+/);
  await assert.rejects(nb.loadModel(write('short.nabla', bytes.subarray(0, 40))), /is truncated: its header needs/);
  const flipped = Uint8Array.from(bytes);
  flipped[flipped.length - 3] = flipped[flipped.length - 3]! ^ 0xff;
  await assert.rejects(nb.loadModel(write('flipped.nabla', flipped)), /is corrupt: its CRC-32 checksum does not match/);
  await assert.rejects(nb.loadModel(write('foreign.nabla', new TextEncoder().encode('{"hello": "world"}'))), /is not a nabla model file/);
  await assert.rejects(nb.loadModel(join(dir, 'missing.nabla')), /cannot read .*missing.nabla/);
  await assert.rejects(nb.loadModel(dir), (e: Error) => e instanceof nb.ModelFileError && /is a directory/.test(e.message));
  if (existsSync('/dev/zero')) await assert.rejects(nb.loadModel('/dev/zero'), /not a regular file/);
  // an edited header fails the checksum, which covers the header too
  const header = Uint8Array.from(bytes);
  header[30] = header[30]! ^ 0x01;
  await assert.rejects(nb.loadModel(write('header.nabla', header)), /is corrupt: its CRC-32/);
  // a valid checksum over a header that is not JSON
  const parts = split(bytes);
  const junk = craft(parts);
  junk[20] = 0x78;
  new DataView(junk.buffer).setUint32(16, crc32(junk.subarray(20), crc32(junk.subarray(0, 16))), true);
  await assert.rejects(nb.loadModel(write('junk.nabla', junk)), /has a corrupt header/);
});

// --- forged headers with a valid checksum: every bound is checked before allocating ---

/** decodeModel(craft(parts)) must throw a one-line ModelFileError matching `re`. */
function rejects(parts: Parts, re: RegExp): void {
  assert.throws(
    () => decodeModel(craft(parts)),
    (e: Error) => {
      assert.ok(e instanceof nb.ModelFileError, `${e.name}: ${e.message}`);
      assert.match(e.message, re);
      assert.ok(!e.message.includes('\n'), 'one line');
      return true;
    },
  );
}

test('the untouched crafted file loads (the forgeries below differ from it only where they say)', () => {
  const model = builtModel();
  sameWeights(decodeModel(craft(split(encodeModel(model)))), model);
});

test('a weight entry at a negative, unaligned, fractional or outside offset is refused', () => {
  const parts = split(encodeModel(builtModel()));
  for (const [offset, re] of [
    [-32, /offset must be an integer in \[0/],
    [4, /offset must be a multiple of 8/],
    [8.5, /offset must be an integer/],
    ['0', /offset must be an integer/],
    [parts.weights.length, /lies outside the weight block/],
  ] as const) {
    const h = clone(parts.header);
    h.weights[1].offset = offset === -32 ? -h.weights[1].byteLength : offset;
    rejects({ header: h, weights: parts.weights }, re);
  }
});

test('aliased weight entries (two or 4,096 pointing at the same bytes) are refused', () => {
  const parts = split(encodeModel(builtModel()));
  const h = clone(parts.header);
  h.weights[2].offset = h.weights[1].offset;
  rejects({ header: h, weights: parts.weights }, /overlaps weight/);
  const many = clone(parts.header);
  const first = many.weights[0];
  many.weights = Array.from({ length: 4096 }, (_, i) => ({ ...first, name: `w${i}` }));
  rejects({ header: many, weights: parts.weights }, /overlaps weight/);
  const dup = clone(parts.header);
  dup.weights[1].name = dup.weights[0].name;
  rejects({ header: dup, weights: parts.weights }, /name the weight .* twice/);
});

test('a byteLength that does not match shape × dtype, or a dtype or shape other than the layer makes, is refused', () => {
  const parts = split(encodeModel(builtModel()));
  const a = clone(parts.header);
  a.weights[0].byteLength -= 4;
  rejects({ header: a, weights: parts.weights }, /byteLength is \d+, but a float32 weight of shape \[4,8\] has 128 bytes/);
  const b = clone(parts.header);
  b.weights[0].dtype = 'int32';
  rejects({ header: b, weights: parts.weights }, /as int32 \[4,8\], but its layer makes it float32 \[4,8\]/);
  const c = clone(parts.header);
  c.weights[0].shape = [8, 4];
  rejects({ header: c, weights: parts.weights }, /as float32 \[8,4\], but its layer makes it float32 \[4,8\]/);
});

test('weights missing, extra, or not filling the block are refused', () => {
  const parts = split(encodeModel(builtModel()));
  const last = parts.header.weights.length - 1;
  const missing = clone(parts.header);
  const gone = missing.weights.pop();
  missing.weightBytes -= Math.ceil(gone.byteLength / 8) * 8;
  // the layers' parameters do not fit in what is left: refused while building, before allocating
  rejects(
    { header: missing, weights: parts.weights.subarray(0, missing.weightBytes) },
    /declares more weights than it holds: dense_\d+\/bias of shape \[3\] needs 12 bytes, more than the 0 bytes/,
  );
  // the bytes are all there but an entry is renamed
  const renamed = clone(parts.header);
  renamed.weights[last].name = 'layers.other.bias';
  rejects({ header: renamed, weights: parts.weights }, /lacks weights its layers need: dense_\d+\.bias/);
  const extra = clone(parts.header);
  extra.weights.push({ name: 'layers.9.kernel', shape: [2], dtype: 'float32', offset: parts.weights.length, byteLength: 8 });
  extra.weightBytes += 8;
  const more = new Uint8Array(parts.weights.length + 8);
  more.set(parts.weights);
  rejects({ header: extra, weights: more }, /holds weights no layer has: layers.9.kernel/);
  const slack = clone(parts.header);
  slack.weightBytes += 8;
  rejects({ header: slack, weights: more }, /weights take \d+ bytes but the weight block has \d+/);
  assert.ok(last > 0);
});

test('a small header declaring a huge layer (units 65536 on inputShape [16384]) is refused before allocating', () => {
  const header = {
    format: 'nabla-model',
    version: 2,
    weightBytes: 0,
    weights: [],
    compile: null,
    model: { className: 'Sequential', config: { name: 'big', layers: [{ className: 'Dense', config: { name: 'd', units: 65536, inputShape: [16384] } }] } },
  };
  assert.ok(JSON.stringify(header).length < 3500);
  rejects({ header, weights: new Uint8Array(0) }, /declares more weights than it holds: d\/kernel of shape \[16384,65536\] needs 4294967296 bytes/);
  // entries that claim those 4 GiB but are not in the file
  const claimed = clone(header);
  (claimed as any).weights = [{ name: 'layers.d.kernel', shape: [16384, 65536], dtype: 'float32', offset: 0, byteLength: 2 ** 32 }];
  rejects({ header: claimed, weights: new Uint8Array(0) }, /lies outside the weight block/);
  // a parameter-free layer cannot hide the size either: the budget is the file's weight bytes
  const flat = clone(header);
  flat.model.config.layers = [
    { className: 'Flatten', config: { name: 'f', inputShape: [65536, 65536] } },
    { className: 'Dense', config: { name: 'd', units: 1 } },
  ] as any;
  rejects({ header: flat, weights: new Uint8Array(0) }, /declares more weights than it holds/);
});

test('counts over the limits (100,000 layers, dims, ranks, header size) are refused quickly', () => {
  const base = split(encodeModel(builtModel()));
  const many = clone(base.header);
  many.model.config.layers = Array.from({ length: 100_000 }, (_, i) => ({ className: 'Dropout', config: { name: `x${i}`, rate: 0.1 } }));
  rejects({ header: many, weights: base.weights }, new RegExp(`layers has 100000 elements, more than the limit of ${MODEL_FILE_LIMITS.layers}`));
  const units = clone(base.header);
  units.model.config.layers[0].config.units = 2 ** 40;
  rejects({ header: units, weights: base.weights }, /units must be an integer in \[1, 2147483647\]/);
  const rank = clone(base.header);
  rank.model.config.layers[0].config.inputShape = [1, 1, 1, 1, 1, 1, 1, 1, 4];
  rejects({ header: rank, weights: base.weights }, /inputShape has 9 elements/);
  const inf = clone(base.header);
  const text = JSON.stringify(inf).replace('"rate":0.2', '"rate":1e999');
  const forged = craft({ header: {}, weights: base.weights });
  const json = new TextEncoder().encode(text);
  const file = new Uint8Array(20 + json.length + base.weights.length);
  file.set(forged.subarray(0, 20));
  new DataView(file.buffer).setUint32(12, json.length, true);
  file.set(json, 20);
  file.set(base.weights, 20 + json.length);
  new DataView(file.buffer).setUint32(16, crc32(file.subarray(20), crc32(file.subarray(0, 16))), true);
  assert.throws(() => decodeModel(file), /holds a number that is not finite/);
  const huge = craft(base);
  new DataView(huge.buffer).setUint32(12, MODEL_FILE_LIMITS.headerBytes + 1, true);
  assert.throws(() => decodeModel(huge), /declares a header of \d+ bytes, more than the limit/);
});

test('the header structure is checked: field types, metadata a plain object, compile settings', () => {
  const parts = split(encodeModel(builtModel()));
  const edits: [(h: any) => void, RegExp][] = [
    [
      (h) => {
        h.model.config.metadata = [1, 2];
      },
      /metadata must be an object, got an array/,
    ],
    [
      (h) => {
        h.model.config.metadata = 'x';
      },
      /metadata must be an object/,
    ],
    [
      (h) => {
        h.model.config.metadata = { classNames: [1] };
      },
      /classNames\[0\] must be a string/,
    ],
    [
      (h) => {
        h.model.config.layers = { length: 3 };
      },
      /layers must be an array/,
    ],
    [
      (h) => {
        h.model.config.layers[0] = null;
      },
      /layers\[0\] must be an object, got null/,
    ],
    [
      (h) => {
        h.model.config.layers[0].className = 7;
      },
      /className must be a string/,
    ],
    [
      (h) => {
        h.model.config.layers[0].className = 'NoSuchLayer';
      },
      /unknown layer class 'NoSuchLayer'/,
    ],
    [
      (h) => {
        h.model.config.layers[0].config.dtype = 'int32';
      },
      /dtype must be 'float32' or 'float64'/,
    ],
    [
      (h) => {
        h.model.className = 'Functional';
      },
      /model.className must be "Sequential"/,
    ],
    [
      (h) => {
        h.weights = 'all';
      },
      /weights must be an array/,
    ],
    [
      (h) => {
        h.weights[0].shape = [4, -8];
      },
      /shape\[1\] must be an integer/,
    ],
    [
      (h) => {
        h.weights[0].dtype = 'float16';
      },
      /dtype must be one of/,
    ],
    [
      (h) => {
        h.compile.metrics = 'accuracy';
      },
      /compile.metrics must be an array/,
    ],
    [
      (h) => {
        h.compile.optimizer = { className: 'Nope' };
      },
      /unknown className/,
    ],
    [
      (h) => {
        h.format = 'other';
      },
      /format must be "nabla-model"/,
    ],
    [
      (h) => {
        h.version = 1;
      },
      /version is 1 but the file's preamble says 2/,
    ],
  ];
  for (const [edit, re] of edits) {
    const h = clone(parts.header);
    edit(h);
    rejects({ header: h, weights: parts.weights }, re);
  }
});

// --- fuzzing: every variant loads identically or is a ModelFileError ---

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

test('fuzz: random byte flips anywhere in a real model file load identically or fail with ModelFileError', () => {
  const model = builtModel();
  const bytes = encodeModel(model);
  const random = rng(1);
  for (let i = 0; i < 300; i++) {
    const v = Uint8Array.from(bytes);
    const flips = 1 + Math.floor(random() * 3);
    for (let f = 0; f < flips; f++) v[Math.floor(random() * v.length)] = Math.floor(random() * 256);
    let loaded: nb.Sequential | undefined;
    try {
      loaded = decodeModel(v);
    } catch (e) {
      assert.ok(e instanceof nb.ModelFileError, `variant ${i}: ${(e as Error).name}: ${(e as Error).message}`);
      continue;
    }
    sameWeights(loaded, model); // only a no-op flip can load
  }
});

test('fuzz: random edits of the header JSON (re-checksummed) build a model or fail with ModelFileError', () => {
  const parts = split(encodeModel(builtModel()));
  const random = rng(2);
  const values = [
    null,
    true,
    -1,
    0,
    0.5,
    3,
    1e12,
    -1e300,
    2 ** 31,
    '',
    'x',
    'toString',
    '__proto__',
    'constructor',
    'float64',
    [],
    [1, 2],
    [-1],
    {},
    { a: 1 },
    'relu',
  ];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  let loaded = 0,
    refused = 0;
  for (let i = 0; i < 400; i++) {
    const h = clone(parts.header);
    const edits = 1 + Math.floor(random() * 2);
    for (let e = 0; e < edits; e++) {
      // walk to a random node and replace or delete one of its fields
      let node: any = h;
      for (let depth = 0; depth < 6; depth++) {
        const keys = Object.keys(node);
        if (!keys.length) break;
        const k = pick(keys);
        if (node[k] === null || typeof node[k] !== 'object' || random() < 0.3) {
          if (random() < 0.15) delete node[k];
          else node[k] = pick(values);
          break;
        }
        node = node[k];
      }
    }
    try {
      const m = decodeModel(craft({ header: h, weights: parts.weights }));
      m.predict(nb.ones([1, ...(m.inputShape ?? [4])]));
      loaded++;
    } catch (e) {
      // a model that loads may still refuse an input of the wrong shape: that is a nabla error too
      assert.ok(
        e instanceof nb.ModelFileError || e instanceof nb.NablaError,
        `variant ${i}: ${(e as Error).name}: ${(e as Error).message}\n${JSON.stringify(h)}`,
      );
      refused++;
    }
  }
  assert.ok(refused > 0 && loaded + refused === 400);
});

// --- saves ---

test('concurrent saves to one path all complete and the file holds one of the models whole', async () => {
  const models = [1, 2, 3, 4].map((s) => {
    nb.seed(s);
    const m = nb.sequential([nb.layers.dense({ units: 16, inputShape: [32] }), nb.layers.dense({ units: 2 })]);
    return m;
  });
  const path = join(dir, 'race.nabla');
  for (let round = 0; round < 3; round++) {
    await Promise.all(models.map((m) => m.save(path)));
    const loaded = await nb.loadModel(path);
    const w = Array.from(loaded.getWeights()[0]!.storage);
    assert.ok(models.some((m) => Array.from(m.getWeights()[0]!.storage).every((v, i) => v === w[i])));
  }
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
  );
});

test('a failing save never destroys the previous file nor leaves a temporary file', async () => {
  const model = builtModel();
  const path = join(dir, 'keep.nabla');
  await model.save(path);
  const before = readFileSync(path);
  // a missing folder
  await assert.rejects(
    model.save(join(dir, 'nope', 'm.nabla')),
    (e: Error) => e instanceof nb.ModelFileError && /save: could not write .*nope/.test(e.message),
  );
  // the path is a non-empty directory: the rename fails after the temporary file was written
  const asDir = join(dir, 'adir.nabla');
  mkdirSync(asDir);
  writeFileSync(join(asDir, 'x'), 'x');
  await assert.rejects(model.save(asDir), /save: could not write/);
  // a folder where no file can be created (read-only for everyone, root included)
  if (existsSync('/proc/self')) await assert.rejects(model.save('/proc/self/m.nabla'), /save: could not write/);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
  );
  assert.deepEqual(readFileSync(path), before);
});
