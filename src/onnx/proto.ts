// The ONNX schema, as compiled for protobufjs by the onnx-proto package, and
// small builders for the messages the exporter writes.
import onnxProto from 'onnx-proto';
import type { DType } from '../core/dtype.js';

export const onnx = onnxProto.onnx;
export type NodeProto = InstanceType<typeof onnx.NodeProto>;
export type TensorProto = InstanceType<typeof onnx.TensorProto>;
export type ValueInfoProto = InstanceType<typeof onnx.ValueInfoProto>;

/** The ONNX element type of each nabla dtype. */
export const ONNX_DTYPE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};
export const INT64 = onnx.TensorProto.DataType.INT64;

/** An attribute value: a number (an int when integral and `float` is not asked), numbers, a string. */
export type AttrValue = number | readonly number[] | string | { float: number } | { floats: readonly number[] };

/** An AttributeProto from a plain value. */
export function attribute(name: string, v: AttrValue): InstanceType<typeof onnx.AttributeProto> {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(v) });
  if (typeof v === 'number') return onnx.AttributeProto.create({ name, type: T.INT, i: v });
  if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...(v as number[])] });
  if ('float' in (v as object)) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: (v as { float: number }).float });
  return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...(v as { floats: number[] }).floats] });
}

/** A NodeProto: `outputs = opType[attrs](inputs)`. */
export function node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, AttrValue> = {}, name?: string): NodeProto {
  return onnx.NodeProto.create({
    opType,
    input: [...inputs],
    output: [...outputs],
    name: name ?? outputs[0],
    attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
  });
}

/** A TensorProto holding `bytes` (little-endian raw data) of the given element type and dims. */
export function tensorProto(name: string, dataType: number, dims: readonly number[], bytes: Uint8Array): TensorProto {
  return onnx.TensorProto.create({ name, dataType, dims: [...dims], rawData: bytes });
}

/** A ValueInfoProto: a graph input or output with its element type and shape (a string is a symbolic dimension). */
export function valueInfo(name: string, dataType: number, shape: readonly (number | string)[]): ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: dataType, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
}
