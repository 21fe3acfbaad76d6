// ONNX import: models exported by PyTorch (torch.onnx, fixtures from
// test/fixtures/make_onnx_fixtures.py) predict in nabla as they did in
// PyTorch; nabla's own exports read back; bad files give one clear error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import { exportModel, exportProgram, importModel, OnnxImportError, toSequential } from '../../src/onnx/index.js';
import { onnx } from '../../src/onnx/proto.js';
import { loadFixture } from '../helpers.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures');
const onnxFile = (name: string) => new Uint8Array(readFileSync(join(dir, 'onnx', `${name}.onnx`)));
interface Case {
  x: number[];
  xShape: number[];
  y: number[];
  yShape: number[];
}
const torch = loadFixture<Record<string, Case>>('onnx_torch.json');

function close(got: nb.Tensor, want: number[], shape: number[], what: string, tol = 1e-5): void {
  assert.deepEqual(got.shape, shape, `${what}: shape`);
  want.forEach((w, i) =>
    assert.ok(Math.abs(got.storage[i]! - w) <= tol * Math.max(1, Math.abs(w)), `${what}: entry ${i} is ${got.storage[i]}, PyTorch says ${w}`),
  );
}

// the batch axis of each fixture's input (gru is time-major: [time, batch, features])
const BATCH_AXIS: Record<string, number> = { gru: 1 };
for (const name of ['mlp', 'cnn', 'cnn_seq', 'cnn_gap', 'lstm', 'gru', 'bigru', 'birnn', 'rnn']) {
  test(`a PyTorch ${name} exported by torch.onnx predicts in nabla as in PyTorch`, () => {
    const model = importModel(onnxFile(name), { source: `${name}.onnx` });
    const c = torch[name]!;
    assert.deepEqual(
      model.inputs.map((i) => i.name),
      ['x'],
    );
    const axis = BATCH_AXIS[name] ?? 0;
    assert.equal(model.inputs[0]!.shape[axis], 'batch');
    close(model.predict(nb.tensor(c.x, c.xShape)), c.y, c.yShape, name);
    // one example alone: the batch is symbolic
    const one = axis === 0 ? nb.slice(nb.tensor(c.x, c.xShape), 0, 1) : nb.slice(nb.tensor(c.x, c.xShape), [0, 0], [-1, 1]);
    close(model.predict(one), c.y.slice(0, c.y.length / c.yShape[0]!), [1, ...c.yShape.slice(1)], `${name}, batch 1`);
  });
}

test('an imported model is differentiable: its input gradient gives the directional derivative of finite differences', () => {
  const model = importModel(onnxFile('cnn'));
  nb.seed(3);
  const x = nb.randomNormal([1, 2, 10, 10]),
    v = nb.randomNormal([1, 2, 10, 10]);
  const f = (t: nb.Tensor) => nb.sum(nb.mul(model.predict(t), nb.tensor([3, -2, 0.5])));
  const g = nb.grad(f)(x);
  assert.deepEqual(g.shape, x.shape);
  const h = 1e-2;
  const numeric = (f(nb.add(x, nb.mul(v, h))).item() - f(nb.sub(x, nb.mul(v, h))).item()) / (2 * h);
  const analytic = nb.sum(nb.mul(g, v)).item();
  assert.ok(
    Math.abs(numeric - analytic) <= 2e-2 * Math.max(1, Math.abs(analytic)),
    `directional derivative: autodiff ${analytic}, finite differences ${numeric}`,
  );
  assert.ok(Math.abs(analytic) > 1e-3, 'the derivative is not trivially zero');
});

test("nabla's own ONNX export reads back and predicts the same", () => {
  nb.seed(7);
  const m = nb.sequential([
    nb.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 1] }),
    nb.layers.maxPooling2d({ poolSize: 2 }),
    nb.layers.flatten(),
    nb.layers.dense({ units: 4, activation: 'softmax' }),
  ]);
  const x = nb.randomNormal([2, 6, 6, 1]);
  const back = importModel(exportModel(m));
  const got = back.predict(x).storage,
    want = m.predict(x).storage;
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-5, `entry ${i}`));
});

test("nabla's export of a traced function (broadcasts, slices, argmax, reductions, comparisons) reads back through importModel", () => {
  const f = (x: nb.Tensor, w: nb.Tensor) => {
    const z = nb.add(nb.matmul(x, w), nb.tensor([0.5, -1, 2]));
    const top = nb.slice(x, [0, 1], [-1, 2]);
    return {
      centred: nb.sub(z, nb.mean(z, 0, true)),
      picked: nb.where(nb.greater(top, 0), top, nb.mul(top, 0.1)),
      arg: nb.argmax(z, 1),
      wide: nb.broadcastTo(nb.sum(x, 1, true), [x.shape[0]!, 3]),
    };
  };
  const program = nb.trace(f)(nb.spec([null, 4], 'float32', 'x'), nb.spec([4, 3], 'float32', 'w'));
  const back = importModel(exportProgram(program, { outputNames: ['centred', 'picked', 'arg', 'wide'] }));
  nb.seed(12);
  const x = nb.randomNormal([5, 4]),
    w = nb.randomNormal([4, 3]);
  const got = back.run({ x, w }),
    want = f(x, w) as unknown as Record<string, nb.Tensor>;
  for (const k of Object.keys(want)) close(got[k]!, Array.from(want[k]!.storage), [...want[k]!.shape], k);
});

test('bad ONNX files give one clear OnnxImportError: foreign bytes, truncation, operators nabla lacks, inconsistent tensors', () => {
  const good = onnxFile('mlp');
  const isImportError = (re: RegExp) => (e: unknown) => e instanceof OnnxImportError && re.test((e as Error).message) && !(e as Error).message.includes('\n');
  assert.throws(() => importModel(new TextEncoder().encode('{"not": "onnx"}'), { source: 'x.json' }), isImportError(/x\.json is not an ONNX model/));
  assert.throws(() => importModel(good.subarray(0, good.length - 100)), isImportError(/is not an ONNX model/));
  // an operator nabla lacks, and a tensor whose data does not fill its dimensions
  const model = onnx.ModelProto.decode(good);
  model.graph!.node![0]!.opType = 'FancyOp';
  assert.throws(() => importModel(onnx.ModelProto.encode(model).finish()), isImportError(/operators nabla does not have: FancyOp/));
  const m2 = onnx.ModelProto.decode(good);
  m2.graph!.initializer![0]!.dims = [1000, 1000];
  assert.throws(() => importModel(onnx.ModelProto.encode(m2).finish()), isImportError(/holds \d+ bytes of data, its type and dimensions need 4000000/));
  const m3 = onnx.ModelProto.decode(good);
  m3.graph!.initializer![0]!.dataType = onnx.TensorProto.DataType.COMPLEX64;
  assert.throws(() => importModel(onnx.ModelProto.encode(m3).finish()), isImportError(/element type COMPLEX64, which nabla does not have/));
  assert.throws(() => importModel(good).run({ x: nb.zeros([2, 63]) }), /input 'x' must have shape \[batch,64\], got \[2,63\]/);
  assert.throws(() => importModel('nope' as unknown as Uint8Array), /must be a Uint8Array or ArrayBuffer/);
});

const seqInput = (name: string) => {
  const c = torch[name]!;
  const x = nb.tensor(c.x, c.xShape);
  // the Sequential reads nabla's layouts: images NHWC, sequences [batch, time, features]
  return c.xShape.length === 4 ? nb.permute(x, [0, 2, 3, 1]) : BATCH_AXIS[name] === 1 ? nb.permute(x, [1, 0, 2]) : x;
};
const describeLayers = (seq: nb.Sequential) =>
  seq.layers.map((l) => {
    const o = l as unknown as { activation?: string; returnSequences?: boolean; resetAfter?: boolean; padding?: string };
    return [l.className, o.activation ?? o.padding ?? '', o.returnSequences ?? o.resetAfter ?? ''].filter((v) => v !== '').join(' ');
  });

test("toSequential: PyTorch's MLP, CNNs, LSTM and GRU become Sequentials of nabla layers predicting as PyTorch", () => {
  const want: Record<string, string[]> = {
    mlp: ['Dense relu', 'Dense tanh', 'Dense softmax'],
    // ReLU before batch norm (not folded by torch.onnx), a dilated 'valid' convolution, a (C, H, W) flattening into a Dense
    cnn_seq: [
      'Conv2D relu',
      'BatchNormalization',
      'MaxPooling2D valid',
      'Conv2D tanh',
      'AveragePooling2D valid',
      'Flatten',
      'Dense relu',
      'BatchNormalization',
      'Dense softmax',
    ],
    // x.view(x.size(0), -1) after a global pooling: Shape, Gather, Unsqueeze, Concat and Reshape
    cnn_gap: ['Conv2D relu', 'Conv2D sigmoid', 'GlobalAveragePooling2D', 'Dense linear'],
    // y[:, -1] and h_n: the last step, returnSequences false; PyTorch's GRU is resetAfter
    lstm: ['LSTM tanh false', 'Dense linear'],
    gru: ['GRU tanh false', 'Dense linear'],
    // nn.RNN's whole output sequence, flattened into the head
    rnn: ['SimpleRNN tanh true', 'Flatten', 'Dense linear'],
  };
  for (const [name, layers] of Object.entries(want)) {
    const seq = toSequential(importModel(onnxFile(name)), { name });
    assert.deepEqual(describeLayers(seq), layers, name);
    const c = torch[name]!;
    close(seq.predict(seqInput(name)), c.y, c.yShape, `${name} as a Sequential`);
  }
  const gru = toSequential(importModel(onnxFile('gru'))).layers[0] as unknown as { resetAfter: boolean };
  assert.equal(gru.resetAfter, true);
  // the CNN's Dense reads a (C, H, W) flattening: its kernel's rows are permuted, not copied
  const seq = toSequential(importModel(onnxFile('cnn_seq')));
  const dense = seq.layers.find((l) => l.className === 'Dense')!;
  const w = importModel(onnxFile('cnn_seq')).initializers.get('9.weight')!;
  assert.notDeepEqual(Array.from(dense.getWeights()[0]!.storage), Array.from(nb.transpose(w).storage));
});

test('toSequential refuses graphs a Sequential cannot be, naming the node, in one line', () => {
  const refuses = (bytes: Uint8Array, re: RegExp) =>
    assert.throws(
      () => toSequential(importModel(bytes)),
      (e: unknown) =>
        e instanceof OnnxImportError && re.test((e as Error).message) && /importModel/.test((e as Error).message) && !(e as Error).message.includes('\n'),
    );
  // PyTorch's padding (1, 0) with stride 2 is neither 'valid' nor TensorFlow's 'same'
  refuses(onnxFile('cnn'), /node '\/4\/Conv' \(Conv\) has pads \[1,0,1,0\], which are neither 'valid' nor 'same' on a 5×5 input/);
  refuses(onnxFile('bigru'), /node '\/rnn\/GRU' \(GRU\) runs in both directions/);
  refuses(onnxFile('birnn'), /\(RNN\) runs in both directions/);
  // a Dense weight that does not fit the features, an LSTM that starts from a given state
  const m = onnx.ModelProto.decode(onnxFile('cnn_seq'));
  const w = m.graph!.initializer!.find((t) => t.name === '9.weight')!;
  w.dims = [12, 30];
  refuses(onnx.ModelProto.encode(m).finish(), /node '\/9\/Gemm' \(Gemm\): matmul: shapes \[2,36\] and \[12,30\]/);
  const l = onnx.ModelProto.decode(onnxFile('lstm'));
  const node = l.graph!.node!.find((n) => n.opType === 'LSTM')!;
  node.attribute!.push(
    onnx.AttributeProto.create({ name: 'direction', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('reverse') }),
  );
  refuses(onnx.ModelProto.encode(l).finish(), /\(LSTM\) runs in reverse/);
});

test("recurrent nodes with ONNX's batch-first layout (layout = 1) compute what layout 0 computes on the transposed input", () => {
  const lstm = importModel(onnxFile('lstm'));
  const node = lstm.graph.nodes.find((n) => n.opType === 'LSTM')!;
  const T = onnx.TensorProto.DataType.FLOAT;
  const init = (name: string) => {
    const t = lstm.initializers.get(node.inputs[['', 'W', 'R', 'B'].indexOf(name)]!)!;
    return onnx.TensorProto.create({ name, dataType: T, dims: [...t.shape], floatData: Array.from(t.storage) });
  };
  const value = (name: string, dims: (number | string)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: T, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
    });
  const graph = (layout: number) =>
    importModel(
      onnx.ModelProto.encode(
        onnx.ModelProto.create({
          irVersion: 8,
          opsetImport: [{ domain: '', version: 17 }],
          graph: {
            name: 'g',
            node: [
              {
                opType: 'LSTM',
                name: 'lstm',
                input: ['x', 'W', 'R', 'B'],
                output: ['Y', 'Y_h'],
                attribute: [
                  { name: 'hidden_size', type: onnx.AttributeProto.AttributeType.INT, i: 5 },
                  { name: 'layout', type: onnx.AttributeProto.AttributeType.INT, i: layout },
                ],
              },
            ],
            initializer: ['W', 'R', 'B'].map(init),
            input: [value('x', layout ? ['batch', 6, 3] : [6, 'batch', 3])],
            output: [value('Y', []), value('Y_h', [])],
          },
        }),
      ).finish(),
    );
  nb.seed(5);
  const x = nb.randomNormal([4, 6, 3]); // [batch, time, features]
  const first = graph(1).run({ x }),
    zero = graph(0).run({ x: nb.permute(x, [1, 0, 2]) });
  assert.deepEqual(first['Y']!.shape, [4, 6, 1, 5]);
  close(first['Y']!, Array.from(nb.permute(zero['Y']!, [2, 0, 1, 3]).storage), [4, 6, 1, 5], 'Y, layout 1');
  close(first['Y_h']!, Array.from(nb.permute(zero['Y_h']!, [1, 0, 2]).storage), [4, 1, 5], 'Y_h, layout 1');
});

test('recurrent nodes: bad attributes and weights are one OnnxImportError naming the node; an imported LSTM is differentiable', () => {
  const isImportError = (re: RegExp) => (e: unknown) => e instanceof OnnxImportError && re.test((e as Error).message) && !(e as Error).message.includes('\n');
  const c = torch['lstm']!;
  const x = nb.tensor(c.x, c.xShape);
  const edit = (f: (n: import('onnx-proto').onnx.INodeProto, g: import('onnx-proto').onnx.IGraphProto) => void) => {
    const m = onnx.ModelProto.decode(onnxFile('lstm'));
    f(m.graph!.node!.find((n) => n.opType === 'LSTM')!, m.graph!);
    return importModel(onnx.ModelProto.encode(m).finish());
  };
  const T = onnx.AttributeProto.AttributeType;
  assert.throws(
    () => edit((n) => n.attribute!.push(onnx.AttributeProto.create({ name: 'clip', type: T.FLOAT, f: 3 }))).predict(x),
    isImportError(/node '\/rnn\/LSTM' \(LSTM\) clips its cell/),
  );
  assert.throws(
    () =>
      edit((n) => {
        n.attribute!.find((a) => a.name === 'hidden_size')!.i = 4;
      }).predict(x),
    isImportError(/\(LSTM\) has W of shape \[1,20,3\], its input and hidden_size need \[1,16,3\]/),
  );
  assert.throws(
    () =>
      edit((n) =>
        n.attribute!.push(
          onnx.AttributeProto.create({
            name: 'activations',
            type: T.STRINGS,
            strings: ['Sigmoid', 'Tanh', 'HardSigmoid'].map((a) => new TextEncoder().encode(a)),
          }),
        ),
      ).predict(x),
    isImportError(/has activations \[Sigmoid, Tanh, HardSigmoid\]/),
  );
  // the gradient of an imported LSTM with respect to its input, against finite differences
  const model = importModel(onnxFile('lstm'));
  nb.seed(4);
  const v = nb.randomNormal(x.shape);
  const f = (t: nb.Tensor) => nb.sum(nb.mul(model.predict(t), nb.tensor([1, -0.5])));
  const analytic = nb.sum(nb.mul(nb.grad(f)(x), v)).item();
  const h = 1e-2;
  const numeric = (f(nb.add(x, nb.mul(v, h))).item() - f(nb.sub(x, nb.mul(v, h))).item()) / (2 * h);
  assert.ok(Math.abs(numeric - analytic) <= 2e-2 * Math.max(1, Math.abs(analytic)), `autodiff ${analytic}, finite differences ${numeric}`);
  assert.ok(Math.abs(analytic) > 1e-3);
});
