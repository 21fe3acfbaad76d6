// ONNX import: models exported by PyTorch (torch.onnx, fixtures from
// test/fixtures/make_onnx_fixtures.py) predict in nabla as they did in
// PyTorch; nabla's own exports read back; bad files give one clear error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import { exportModel, importModel, OnnxImportError, toSequential } from '../../src/onnx/index.js';
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

for (const name of ['mlp', 'cnn']) {
  test(`a PyTorch ${name} exported by torch.onnx predicts in nabla as in PyTorch`, () => {
    const model = importModel(onnxFile(name), { source: `${name}.onnx` });
    const c = torch[name]!;
    assert.deepEqual(
      model.inputs.map((i) => i.name),
      ['x'],
    );
    assert.equal(model.inputs[0]!.shape[0], 'batch');
    close(model.predict(nb.tensor(c.x, c.xShape)), c.y, c.yShape, name);
    // one example alone: the batch is symbolic
    const one = nb.slice(nb.tensor(c.x, c.xShape), 0, 1);
    close(model.predict(one), c.y.slice(0, c.y.length / c.yShape[0]!), [1, ...c.yShape.slice(1)], `${name}, batch 1`);
  });
}

test('an imported model is differentiable: its input gradient gives the directional derivative of finite differences', () => {
  const model = importModel(onnxFile('cnn'));
  nb.seed(3);
  const x = nb.randomNormal([1, 2, 10, 10]),
    v = nb.randomNormal([1, 2, 10, 10]);
  const f = (t: nb.Tensor) => nb.sum(nb.mul(model.predict(t), nb.tensor([1, -2, 0.5])));
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

test("toSequential: PyTorch's MLP (Gemm, activations) becomes Dense layers predicting as PyTorch; a CNN is refused by node", () => {
  const seq = toSequential(importModel(onnxFile('mlp')));
  assert.deepEqual(
    seq.layers.map((l) => [l.className, (l as unknown as { activation: string }).activation]),
    [
      ['Dense', 'relu'],
      ['Dense', 'tanh'],
      ['Dense', 'softmax'],
    ],
  );
  const c = torch['mlp']!;
  close(seq.predict(nb.tensor(c.x, c.xShape)), c.y, c.yShape, 'mlp as a Sequential');
  assert.throws(
    () => toSequential(importModel(onnxFile('cnn'))),
    (e: unknown) => e instanceof OnnxImportError && /import the graph as a function with importModel/.test((e as Error).message),
  );
});
