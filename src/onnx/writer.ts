// Program → ONNX graph: names for the program's variables, the graph's
// inputs, outputs and initializers, and the symbolic sizes (the batch m) as
// values computed from the inputs' shapes at run time.
import type { DType } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { factorSymbols, type Program, type ProgramVar } from '../trace/program.js';
import { INT64, ONNX_DTYPE, node, tensorProto, valueInfo, type AttrValue, type NodeProto, type TensorProto } from './proto.js';

/** The exporter's error: what cannot be written as ONNX, naming the op. */
export class OnnxExportError extends ArgumentError {
  override name = 'OnnxExportError';
}

/** The bytes of a typed array (little-endian on every platform nabla runs on). */
function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

/** Collects the nodes, initializers and names of one graph. */
export class GraphWriter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly names = new Map<ProgramVar, string>();
  private readonly used = new Set<string>();
  private readonly symbolSize = new Map<string, string>();
  private readonly consts = new Map<string, string>();
  private counter = 0;

  constructor(readonly program: Program) {}

  /** A fresh, unique value name built from `base`. */
  fresh(base: string): string {
    let name = base.replace(/[^\w./:-]/g, '_') || 'v';
    if (this.used.has(name)) {
      while (this.used.has(`${name}_${this.counter}`)) this.counter++;
      name = `${name}_${this.counter++}`;
    }
    this.used.add(name);
    return name;
  }

  /** Takes `name` for the caller (a graph output's), exactly as given. */
  reserve(name: string): string {
    if (this.used.has(name)) throw new OnnxExportError(`onnx: the name '${name}' is used twice`);
    this.used.add(name);
    return name;
  }

  /** The value name of a program variable. */
  name(v: ProgramVar): string {
    let n = this.names.get(v);
    if (n === undefined) this.names.set(v, (n = this.fresh(v.name)));
    return n;
  }

  /** Gives a variable the name of an existing value (an Identity-free alias). */
  alias(v: ProgramVar, name: string): void {
    this.names.set(v, name);
  }

  /** Adds a node; returns its (first) output's name. */
  add(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    const out = output ?? this.fresh(`${opType.toLowerCase()}_out`);
    this.nodes.push(node(opType, inputs, [out], attrs, this.fresh(`${opType}_${this.nodes.length}`)));
    return out;
  }

  /** An initializer holding a tensor's values. */
  initializer(name: string, t: Tensor): void {
    this.initializers.push(tensorProto(name, ONNX_DTYPE[t.dtype], t.shape, bytesOf(t.storage)));
  }

  /** A constant int64 vector (or a scalar when `scalar`), shared between uses. */
  int64(values: readonly number[], scalar = false): string {
    const key = `i64${scalar ? 's' : ''}:${values.join(',')}`;
    let name = this.consts.get(key);
    if (name === undefined) {
      name = this.fresh(scalar ? `c${values[0]}` : `c[${values.join(',')}]`);
      this.initializers.push(tensorProto(name, INT64, scalar ? [] : [values.length], bytesOf(BigInt64Array.from(values.map((v) => BigInt(v))))));
      this.consts.set(key, name);
    }
    return name;
  }

  /** A constant scalar of a float or int dtype, shared between uses. */
  scalar(value: number, dtype: DType): string {
    const key = `${dtype}:${value}`;
    let name = this.consts.get(key);
    if (name === undefined) {
      name = this.fresh(`c${value}`);
      const data =
        dtype === 'float64'
          ? Float64Array.of(value)
          : dtype === 'int32'
            ? Int32Array.of(value)
            : dtype === 'bool'
              ? Uint8Array.of(value)
              : Float32Array.of(value);
      this.initializers.push(tensorProto(name, ONNX_DTYPE[dtype], [], bytesOf(data)));
      this.consts.set(key, name);
    }
    return name;
  }

  /** Whether a size of the program depends on a symbolic dimension (it is a multiple of a stand-in). */
  isSymbolic(n: number): boolean {
    return factorSymbols(n, this.program.symbols).names.length > 0;
  }

  /** The run-time size of a symbol, as an int64 [1] value read from the shape of an input that has it. */
  private symbol(name: string): string {
    const out = this.symbolSize.get(name);
    if (out !== undefined) return out;
    const standIn = this.program.symbols[name]!;
    for (const v of this.program.inputs) {
      const axis = v.standIn.findIndex((d, i) => d === standIn && v.shape[i] === name);
      if (axis < 0) continue;
      const shape = this.add('Shape', [this.name(v)], { start: axis, end: axis + 1 });
      this.symbolSize.set(name, shape);
      return shape;
    }
    throw new OnnxExportError(`onnx: the symbolic size ${name} is in no input's shape`);
  }

  /** A size of the program as an int64 [1] value: a constant, or computed from the symbols at run time (2m = 2·m). */
  dim(n: number): string {
    const { rest, names } = factorSymbols(n, this.program.symbols);
    if (names.length === 0) return this.int64([n]);
    let out = this.symbol(names[0]!);
    for (const s of names.slice(1)) out = this.add('Mul', [out, this.symbol(s)]);
    return rest === 1 ? out : this.add('Mul', [out, this.int64([rest])]);
  }

  /** Sizes as an int64 vector: a constant when none is symbolic, else the concatenation of dim()s. */
  dims(ns: readonly number[]): string {
    if (!ns.some((n) => this.isSymbolic(n))) return this.int64(ns);
    return this.add(
      'Concat',
      ns.map((n) => this.dim(n)),
      { axis: 0 },
    );
  }

  /** A size as a scalar of dtype (the m a mean divides by). */
  size(n: number, dtype: DType): string {
    const d = this.add('Cast', [this.dim(n)], { to: ONNX_DTYPE[dtype] });
    return this.add('Reshape', [d, this.int64([])]);
  }

  /** The graph input or output description of a variable, symbolic dimensions by name. */
  valueInfo(v: ProgramVar): ReturnType<typeof valueInfo> {
    const plain = new Set(Object.keys(this.program.symbols));
    return valueInfo(
      this.name(v),
      ONNX_DTYPE[v.dtype],
      v.shape.map((d) => (typeof d === 'number' || plain.has(d) ? d : `${d}`)),
    );
  }
}
