// Reading an ONNX file into plain, validated data: the graph's inputs and
// outputs, its initializers as nabla tensors, and its nodes with attributes.
// The file is untrusted: every size is checked against the bytes present
// before anything is allocated, and every problem is one OnnxImportError.
import { NablaError } from '../core/errors.js';
import type { DType } from '../core/dtype.js';
import { MAX_ELEMENTS } from '../core/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { onnx } from './proto.js';

/** A corrupt, truncated or foreign ONNX file, or one using what nabla does not have. */
export class OnnxImportError extends NablaError {
  override name = 'OnnxImportError';
}

/** Limits far above real models and low enough that a forged file cannot hang the reader. */
export const ONNX_LIMITS = Object.freeze({ nodes: 200_000, rank: 8, initializers: 100_000 });

type Int = number | { toNumber(): number } | { toString(): string } | null | undefined;
/** An int64 field (a number, or a Long where protobufjs found the long package). */
export function int(v: Int): number {
  if (typeof v === 'number') return v;
  if (v && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return Number(String(v ?? 0));
}

/** An attribute's value, decoded. */
export type Attr = number | number[] | string | string[] | Tensor | null;

export interface OnnxNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, Attr>;
}
export interface OnnxValue {
  name: string;
  shape: (number | string | null)[];
  dtype: DType | null;
}
export interface OnnxGraph {
  opset: number;
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  initializers: Map<string, Tensor>;
  nodes: OnnxNode[];
}

const D = onnx.TensorProto.DataType;
const DTYPE_OF: Partial<Record<number, DType>> = {
  [D.FLOAT]: 'float32',
  [D.DOUBLE]: 'float64',
  [D.INT32]: 'int32',
  [D.INT64]: 'int32',
  [D.BOOL]: 'bool',
  [D.UINT8]: 'int32',
  [D.INT8]: 'int32',
};
const BYTES: Partial<Record<number, number>> = { [D.FLOAT]: 4, [D.DOUBLE]: 8, [D.INT32]: 4, [D.INT64]: 8, [D.BOOL]: 1, [D.UINT8]: 1, [D.INT8]: 1 };
const NAME_OF = Object.fromEntries(Object.entries(D).map(([k, v]) => [v, k]));

type TensorProto = import('onnx-proto').onnx.ITensorProto;

/**
 * A TensorProto as a nabla tensor; int64 and small ints become int32. Values
 * outside int32's range are refused, naming the tensor, unless `toTheEnd`
 * (the tensor is only a Slice's starts or ends, where ONNX writes INT64_MAX
 * and INT64_MIN for "to the end": those saturate).
 */
export function tensorOf(t: TensorProto, fail: (why: string) => OnnxImportError, toTheEnd = false, name = t.name ?? ''): Tensor {
  const what = `tensor '${name}'`;
  const type = t.dataType ?? 0,
    dtype = DTYPE_OF[type];
  if (!dtype) throw fail(`${what} has element type ${NAME_OF[type] ?? type}, which nabla does not have (float32, float64, int32, int64, bool)`);
  if (t.externalData?.length || t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)
    throw fail(`${what} keeps its data in an external file, which nabla does not read`);
  const dims = (t.dims ?? []).map(int);
  if (dims.length > ONNX_LIMITS.rank || dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw fail(`${what} has invalid dimensions [${dims.join(',')}]`);
  const n = dims.reduce((a, b) => a * b, 1);
  if (n > MAX_ELEMENTS) throw fail(`${what} has ${n} elements, more than nabla's limit per tensor`);
  const raw = t.rawData?.length ? t.rawData : null;
  let values: ArrayLike<number | Int>;
  if (raw) {
    if (raw.length !== n * BYTES[type]!) throw fail(`${what} holds ${raw.length} bytes of data, its type and dimensions need ${n * BYTES[type]!}`);
    const buf = new Uint8Array(raw).buffer; // an aligned copy (in Node, protobufjs's bytes are Buffer views, whose slice() does not copy)
    values =
      type === D.FLOAT
        ? new Float32Array(buf)
        : type === D.DOUBLE
          ? new Float64Array(buf)
          : type === D.INT32
            ? new Int32Array(buf)
            : type === D.INT64
              ? Array.from(new BigInt64Array(buf), Number)
              : type === D.INT8
                ? new Int8Array(buf)
                : new Uint8Array(buf);
  } else {
    const field = type === D.FLOAT ? t.floatData : type === D.DOUBLE ? t.doubleData : type === D.INT64 ? t.int64Data : t.int32Data;
    values = (field ?? []) as ArrayLike<number | Int>;
    if (values.length !== n) throw fail(`${what} holds ${values.length} values, its dimensions need ${n}`);
  }
  const out = dtype === 'float32' ? new Float32Array(n) : dtype === 'float64' ? new Float64Array(n) : dtype === 'bool' ? new Uint8Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = typeof values[i] === 'number' ? (values[i] as number) : int(values[i] as Int);
    // int64 beyond int32 is, in a Slice's starts or ends, ONNX's "to the end" (INT64_MAX): saturated; anywhere else an error
    if (type === D.INT64 && toTheEnd && (v > 2147483647 || v < -2147483648)) out[i] = v > 0 ? 2147483647 : -2147483648;
    else if (dtype === 'int32' && (v > 2147483647 || v < -2147483648))
      throw fail(
        `${what} holds ${type === D.INT64 && raw ? String(new BigInt64Array(new Uint8Array(raw).buffer)[i]) : v}, outside nabla's int32 range (only a Slice's starts and ends may be, meaning "to the end")`,
      );
    else out[i] = dtype === 'bool' ? (v ? 1 : 0) : v;
  }
  return new Tensor(out, dims);
}

function valueOf(v: import('onnx-proto').onnx.IValueInfoProto): OnnxValue {
  const tt = v.type?.tensorType;
  const dims = tt?.shape?.dim ?? [];
  return {
    name: v.name ?? '',
    shape: dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null && int(d.dimValue) > 0 ? int(d.dimValue) : null)),
    dtype: DTYPE_OF[tt?.elemType ?? 0] ?? null,
  };
}

/** Decodes and validates an ONNX model's main graph. */
export function readGraph(bytes: Uint8Array, source: string): OnnxGraph {
  const fail = (why: string) => new OnnxImportError(`onnx.importModel: ${source} ${why}`.replace(/\s+/g, ' '));
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw fail(`is not an ONNX model (${(e as Error)?.message ?? e})`);
  }
  const g = model.graph;
  if (!g?.node) throw fail('is not an ONNX model (it has no graph)');
  const opset = Math.max(0, ...(model.opsetImport ?? []).filter((o) => !o.domain || o.domain === 'ai.onnx').map((o) => int(o.version)));
  if (opset < 7) throw fail(`uses ONNX opset ${opset || 'none'}; nabla reads opsets 7 and later`);
  if ((g.node?.length ?? 0) > ONNX_LIMITS.nodes || (g.initializer?.length ?? 0) > ONNX_LIMITS.initializers)
    throw fail('has more nodes or initializers than nabla reads');
  // the values read only as a Slice's starts or ends (opset 10 on), where int64's extremes mean "to the end"
  const outputs = new Set((g.output ?? []).map((o) => o.name ?? ''));
  const uses = new Map<string, boolean>();
  for (const n of g.node)
    (n.input ?? []).forEach((name, k) => {
      uses.set(name, (uses.get(name) ?? true) && n.opType === 'Slice' && opset >= 10 && (k === 1 || k === 2));
    });
  const sliceBound = (name: string) => uses.get(name) === true && !outputs.has(name);
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer ?? []) initializers.set(t.name ?? '', tensorOf(t, fail, sliceBound(t.name ?? '')));
  const nodes: OnnxNode[] = g.node.map((n, i) => {
    const attrs = new Map<string, Attr>();
    const constant = n.opType === 'Constant' && n.output?.length === 1 ? n.output[0]! : null;
    for (const a of n.attribute ?? []) attrs.set(a.name ?? '', attrValue(a, fail, constant !== null && sliceBound(constant), constant ?? undefined));
    return { opType: n.opType ?? '', domain: n.domain ?? '', name: n.name || `node ${i}`, inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attrs };
  });
  return { opset, inputs: (g.input ?? []).map(valueOf).filter((v) => !initializers.has(v.name)), outputs: (g.output ?? []).map(valueOf), initializers, nodes };
}

function attrValue(a: import('onnx-proto').onnx.IAttributeProto, fail: (why: string) => OnnxImportError, toTheEnd: boolean, name?: string): Attr {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT:
      return int(a.i as Int);
    case T.FLOAT:
      return a.f ?? 0;
    case T.INTS:
      return (a.ints ?? []).map((v) => int(v as Int));
    case T.FLOATS:
      return [...(a.floats ?? [])];
    case T.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case T.STRINGS:
      return (a.strings ?? []).map((v) => new TextDecoder().decode(v));
    case T.TENSOR:
      return a.t ? tensorOf(a.t, fail, toTheEnd, name ?? a.t.name ?? a.name ?? '') : null;
    default:
      return null; // graphs and other kinds: the op that needs one says so
  }
}
