// ONNX files are untrusted: tiny hand-built models (written with the
// exporter's own protobuf schema, src/onnx/proto.ts) that ask for huge
// allocations, or whose attributes and values nabla would otherwise misread,
// are refused with one OnnxImportError naming the node, the op and the sizes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { importModel, OnnxImportError } from '../../src/onnx/index.js';
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
});
