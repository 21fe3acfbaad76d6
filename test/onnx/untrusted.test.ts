// ONNX files are untrusted: tiny hand-built models (written with the
// exporter's own protobuf schema, src/onnx/proto.ts) that ask for huge
// allocations, or whose attributes and values nabla would otherwise misread,
// are refused with one OnnxImportError naming the node, the op and the sizes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import { importModel, OnnxImportError } from '../../src/onnx/index.js';
import { ATTRIBUTES, IMPORTS } from '../../src/onnx/import-ops.js';
import { INT64, ONNX_DTYPE, node, onnx, tensorProto, valueInfo, type AttrValue, type NodeProto, type TensorProto } from '../../src/onnx/proto.js';

const i64 = (name: string, values: (number | bigint)[], dims: number[] = [values.length]) =>
  tensorProto(name, INT64, dims, new Uint8Array(BigInt64Array.from(values.map((v) => BigInt(v))).buffer));
const f32 = (name: string, values: number[], dims: number[] = [values.length]) =>
  tensorProto(name, ONNX_DTYPE.float32, dims, new Uint8Array(Float32Array.from(values).buffer));
const bool = (name: string, v: boolean) => tensorProto(name, onnx.TensorProto.DataType.BOOL, [], Uint8Array.of(v ? 1 : 0));

/** A one-graph model: its nodes, initializers, inputs ([name, shape], float32) and output names. */
function model(nodes: NodeProto[], initializer: TensorProto[], inputs: [string, (number | string)[]][], outputs: string[], opset = 18): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: 'g',
        node: nodes,
        initializer,
        input: inputs.map(([n, s]) => valueInfo(n, ONNX_DTYPE.float32, s)),
        output: outputs.map((n) => valueInfo(n, ONNX_DTYPE.float32, [])),
      },
    }),
  ).finish();
}
const one = (opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}) => node(opType, inputs, ['y'], attrs, 'n');
const refused = (re: RegExp) => (e: unknown) => e instanceof OnnxImportError && re.test((e as Error).message) && !(e as Error).message.includes('\n');

test('a few hundred bytes asking for gigabytes are refused before anything is allocated, naming the node, the op and the shape', () => {
  // ConstantOfShape of [100000, 100000]: 10^10 elements, 40 GB
  const cos = model([one('ConstantOfShape', ['shape'])], [i64('shape', [100000, 100000])], [], ['y']);
  assert.ok(cos.length < 300, `${cos.length} bytes`);
  assert.throws(
    () => importModel(cos).run({}),
    refused(/node 'n' \(ConstantOfShape\) asks for a tensor of shape \[100000,100000\] \(10000000000 elements\), more than the import's limit of 67108864/),
  );
  // within MAX_ELEMENTS (2^31 - 1) but 8 GB: the default budget refuses it
  assert.throws(
    () => importModel(model([one('ConstantOfShape', ['shape'])], [i64('shape', [2, 1 << 30])], [], ['y'])).run({}),
    refused(/shape \[2,1073741824\]/),
  );
  // Expand of one number, and Pad by huge amounts
  assert.throws(
    () => importModel(model([one('Expand', ['x', 'shape'])], [i64('shape', [65536, 65536])], [['x', [1]]], ['y'])).run({ x: [1] }),
    refused(/node 'n' \(Expand\) asks for a tensor of shape \[65536,65536\]/),
  );
  assert.throws(
    () => importModel(model([one('Pad', ['x', 'pads'])], [i64('pads', [0, 1e9])], [['x', [1]]], ['y'])).run({ x: [1] }),
    refused(/node 'n' \(Pad\) asks for a tensor of shape \[1000000001\]/),
  );
  // a broadcast of two small tensors: [40000, 1] + [1, 40000] is 1.6·10^9 elements
  const bcast = model(
    [node('Expand', ['x', 'rows'], ['a'], {}, 'a'), node('Expand', ['x', 'cols'], ['b'], {}, 'b'), node('Add', ['a', 'b'], ['y'], {}, 'sum')],
    [i64('rows', [40000, 1]), i64('cols', [1, 40000])],
    [['x', [1]]],
    ['y'],
  );
  assert.throws(() => importModel(bcast).run({ x: [1] }), refused(/node 'sum' \(Add\) asks for a tensor of shape \[40000,40000\] \(1600000000 elements\)/));
  // a MatMul of [n, 1] by [1, n], and a Gather of many indices from a wide row
  const mm = model(
    [node('Expand', ['x', 'rows'], ['a'], {}, 'a'), node('Expand', ['x', 'cols'], ['b'], {}, 'b'), node('MatMul', ['a', 'b'], ['y'], {}, 'mm')],
    [i64('rows', [40000, 1]), i64('cols', [1, 40000])],
    [['x', [1]]],
    ['y'],
  );
  assert.throws(() => importModel(mm).run({ x: [1] }), refused(/node 'mm' \(MatMul\) asks for a tensor of shape \[40000,40000\]/));
  // the caller sets the budget: lower, or higher up to 2^31 - 1
  const small = model([one('ConstantOfShape', ['shape'])], [i64('shape', [1000, 1000])], [], ['y']);
  assert.deepEqual(importModel(small).run({})['y']!.shape, [1000, 1000]);
  assert.throws(
    () => importModel(small, { maxElements: 1000 }).run({}),
    refused(/shape \[1000,1000\] \(1000000 elements\), more than the import's limit of 1000/),
  );
  assert.throws(() => importModel(small, { maxElements: 2 ** 31 }), /maxElements must be an integer from 1 to 2147483647, got 2147483648/);
  // the caller's own input, or the model's own weight, larger than the budget is no forgery: nodes may copy it
  const relu = importModel(model([one('Relu', ['x'])], [], [['x', [4000]]], ['y']), { maxElements: 1000 });
  assert.deepEqual(relu.run({ x: nb.ones([4000]) })['y']!.shape, [4000]);
  const weight = importModel(model([one('Neg', ['w'])], [f32('w', Array(3000).fill(1))], [], ['y']), { maxElements: 1000 });
  assert.deepEqual(weight.run({})['y']!.shape, [3000]);
  // but not twice it: a Concat of the input with itself
  const twice = importModel(model([one('Concat', ['x', 'x'], { axis: 0 })], [], [['x', [4000]]], ['y']), { maxElements: 1000 });
  assert.throws(
    () => twice.run({ x: nb.ones([4000]) }),
    refused(/node 'n' \(Concat\) asks for a tensor of shape \[8000\] \(8000 elements\), more than the import's limit of 4000/),
  );
});

const close = (got: nb.Tensor, want: nb.Tensor, what: string) => {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  want.storage.forEach((w, i) => assert.ok(Math.abs(got.storage[i]! - w) < 1e-6, `${what}: entry ${i} is ${got.storage[i]}, not ${w}`));
};

test('ReduceX with noop_with_empty_axes = 1 and no axes is the identity, not a reduction of every axis', () => {
  const x = nb.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  for (const op of ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin']) {
    const noop = importModel(model([one(op, ['x'], { noop_with_empty_axes: 1 })], [], [['x', [2, 3]]], ['y']));
    close(noop.run({ x })['y']!, x, `${op}, no axes input`);
    const empty = importModel(model([one(op, ['x', 'axes'], { noop_with_empty_axes: 1 })], [i64('axes', [])], [['x', [2, 3]]], ['y']));
    close(empty.run({ x })['y']!, x, `${op}, empty axes`);
    // without the flag, no axes reduces every axis (keepdims 1 by default)
    assert.deepEqual(importModel(model([one(op, ['x'])], [], [['x', [2, 3]]], ['y'])).run({ x })['y']!.shape, [1, 1]);
  }
  // before opset 13 ReduceSum reads axes from an attribute and has no such flag
  assert.equal(
    importModel(model([one('ReduceSum', ['x'], { keepdims: 0 })], [], [['x', [2, 3]]], ['y'], 11))
      .run({ x })
      ['y']!.item(),
    21,
  );
});

test('Dropout in training mode is refused by name; in inference it is the identity with an all-true mask', () => {
  const x = nb.tensor([1, -2, 3], [3]);
  const dropout = (training: boolean) =>
    importModel(
      model(
        [node('Dropout', ['x', 'ratio', 'training'], ['y', 'mask'], {}, 'drop')],
        [f32('ratio', [0.5], []), bool('training', training)],
        [['x', [3]]],
        ['y'],
      ),
    );
  assert.throws(() => dropout(true).run({ x }), refused(/node 'drop' \(Dropout\) is in training mode \(its input training_mode is true\)/));
  const out = dropout(false).evaluate({ x });
  close(out.get('y')!, x, 'Dropout in inference');
  assert.deepEqual(Array.from(out.get('mask')!.storage), [1, 1, 1]);
  assert.equal(out.get('mask')!.dtype, 'bool');
});

test('BatchNormalization with spatial = 0 (opsets 7 and 8), or asked for its running statistics, is refused by name', () => {
  const stats = ['scale', 'bias', 'mean', 'var'].map((k) => f32(k, [1, 1]));
  const bn = (attrs: Record<string, AttrValue>, outputs = ['y']) =>
    importModel(model([node('BatchNormalization', ['x', 'scale', 'bias', 'mean', 'var'], outputs, attrs, 'bn')], stats, [['x', [1, 2, 2, 2]]], ['y'], 8));
  const x = nb.ones([1, 2, 2, 2]);
  assert.throws(() => bn({ spatial: 0 }).run({ x }), refused(/node 'bn' \(BatchNormalization\) has spatial = 0/));
  assert.throws(() => bn({}, ['y', 'running_mean']).run({ x }), refused(/node 'bn' \(BatchNormalization\) computes its running statistics/));
  assert.deepEqual(bn({ spatial: 1 }).run({ x })['y']!.shape, [1, 2, 2, 2]);
});

test('int64 values beyond int32 are refused naming the tensor, except a Slice\'s "to the end" starts and ends', () => {
  const big = 2n ** 32n + 3n;
  assert.throws(
    () => importModel(model([one('Reshape', ['x', 'shape'])], [i64('shape', [big, -1])], [['x', [4]]], ['y'])),
    refused(/tensor 'shape' holds 4294967299, outside nabla's int32 range/),
  );
  assert.throws(
    () => importModel(model([one('Gather', ['x', 'idx'])], [i64('idx', [-(2n ** 40n)])], [['x', [4]]], ['y'])),
    refused(/tensor 'idx' holds -1099511627776/),
  );
  // the same tensor read by a Slice and by something else: refused
  const shared = model(
    [node('Slice', ['x', 'starts', 'ends'], ['s'], {}, 'slice'), node('Reshape', ['s', 'ends'], ['y'], {}, 'reshape')],
    [i64('starts', [1]), i64('ends', [2n ** 63n - 1n])],
    [['x', [4]]],
    ['y'],
  );
  assert.throws(() => importModel(shared), refused(/tensor 'ends' holds 9223372036854775807/));
  // PyTorch's x[1:]: ends INT64_MAX, as an initializer or a Constant node
  const x = nb.tensor([1, 2, 3, 4], [4]);
  const sliced = importModel(model([one('Slice', ['x', 'starts', 'ends'])], [i64('starts', [1]), i64('ends', [2n ** 63n - 1n])], [['x', [4]]], ['y']));
  assert.deepEqual(Array.from(sliced.run({ x })['y']!.storage), [2, 3, 4]);
  const constant = onnx.NodeProto.create({
    opType: 'Constant',
    name: 'c',
    output: ['ends'],
    attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: i64('', [2n ** 63n - 1n]) }],
  });
  const viaConstant = importModel(model([constant, one('Slice', ['x', 'starts', 'ends'])], [i64('starts', [-2])], [['x', [4]]], ['y']));
  assert.deepEqual(Array.from(viaConstant.run({ x })['y']!.storage), [3, 4]);
  const constantElsewhere = onnx.NodeProto.create({ ...constant, output: ['shape'] });
  assert.throws(
    () => importModel(model([constantElsewhere, one('Reshape', ['x', 'shape'])], [], [['x', [4]]], ['y'])),
    refused(/tensor 'shape' holds 9223372036854775807/),
  );
});

test("attributes nabla does not read are refused by name, not ignored; a kernel_shape that is not the kernel's and MaxPool indices too", () => {
  const conv = (attrs: Record<string, AttrValue>, outputs = ['y'], op = 'Conv') =>
    importModel(
      model([node(op, op === 'Conv' ? ['x', 'w'] : ['x'], outputs, attrs, 'c')], [f32('w', Array(9).fill(1), [1, 1, 3, 3])], [['x', [1, 1, 5, 5]]], ['y']),
      { source: 'm.onnx' },
    );
  assert.throws(() => conv({ fancy: 2 }), refused(/m\.onnx's node 'c' \(Conv\) has attribute 'fancy', which nabla does not read/));
  assert.throws(() => conv({ kernel_shape: [3, 3] }, ['y'], 'Relu'), refused(/node 'c' \(Relu\) has attribute 'kernel_shape'/));
  const x = nb.ones([1, 1, 5, 5]);
  assert.throws(() => conv({ kernel_shape: [2, 2] }).run({ x }), refused(/node 'c' \(Conv\) has kernel_shape \[2,2\], its kernel is \[3,3\]/));
  assert.equal(conv({ kernel_shape: [3, 3] }).run({ x })['y']!.storage[0], 9);
  assert.throws(() => conv({ kernel_shape: [2, 2] }, ['y', 'indices'], 'MaxPool').run({ x }), refused(/node 'c' \(MaxPool\) computes the max's indices/));
});

test('the attribute allowlist is the code: every attribute the importer reads is allowed, every allowed operator is imported', () => {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src', 'onnx');
  const code = ['import-ops.ts', 'import-rnn.ts'].map((f) => readFileSync(join(src, f), 'utf8')).join('\n');
  const read = new Set([...code.matchAll(/(?:attr(?:<[^>]*>)?\(n, |attrs\.(?:get|has)\()'(\w+)'/g)].map((m) => m[1]!));
  const allowed = new Set(Object.values(ATTRIBUTES).flat());
  assert.ok(read.size > 20, `${read.size} attributes found in the code`);
  for (const a of read) assert.ok(allowed.has(a), `the importer reads '${a}', which ATTRIBUTES does not allow`);
  for (const op of Object.keys(ATTRIBUTES)) assert.ok(op in IMPORTS, `ATTRIBUTES lists ${op}, which is not imported`);
});
