// nb.onnx.exportProgram / exportModel: a traced program (or a model, traced
// for inference) as an ONNX model (opset 18, IR version 8), whose symbolic
// dimensions (the batch m) stay symbolic.
import { ArgumentError } from '../core/errors.js';
import { describe } from '../core/describe.js';
import { isTensor, type Tensor } from '../tensor/tensor.js';
import { Program, type ProgramCall } from '../trace/program.js';
import { spec, trace } from '../trace/trace.js';
import { emitCall, WHOLE_CALLS } from './calls.js';
import { emitEquation } from './ops.js';
import { onnx } from './proto.js';
import { GraphWriter, OnnxExportError } from './writer.js';

/** The ONNX operator set version the exporter writes (the default domain's opset). */
export const OPSET = 18;
const IR_VERSION = 8;

/** Options of exportProgram and exportModel. */
export interface OnnxExportOptions {
  /** The graph's name (default: the program's). */
  name?: string;
  /** Values of the model variables the program reads, by variable name (exportModel gives the model's own). */
  params?: Readonly<Record<string, Tensor>>;
  /** A description stored in the model (doc_string). */
  docString?: string;
  /** The graph's output names (default: 'output' for one output, else output0, output1, ...; a model's is 'Y'). */
  outputNames?: readonly string[];
}

/** The calls written as one ONNX operator: conv2d and the poolings, outermost first, none inside another. */
function wholeCalls(program: Program): Map<number, ProgramCall> {
  const out = new Map<number, ProgramCall>();
  let end = -1;
  for (const c of program.calls) {
    if (!WHOLE_CALLS.has(c.op) || c.start < end || c.outputs.length !== 1) continue;
    out.set(c.start, c);
    end = c.end;
  }
  return out;
}

/**
 * The ONNX model (bytes of a ModelProto) that computes `program`: its inputs
 * are the program's inputs (symbolic dimensions by name: the batch is 'm'),
 * the model variables it reads are initializers (values from `opts.params`),
 * its constants are initializers, and each equation becomes ONNX operators
 * (conv2d and poolings become Conv, MaxPool, AveragePool). Programs that
 * update variables (a training step) or use primitives without an ONNX
 * operator are refused with an OnnxExportError naming the primitive.
 */
export function exportProgram(program: Program, opts: OnnxExportOptions = {}): Uint8Array {
  if (!(program instanceof Program))
    throw new ArgumentError(`onnx.exportProgram: argument program must be a Program (nb.trace(f)(...specs)), got ${describe(program)}`);
  if (program.updates.length)
    throw new OnnxExportError(
      `onnx.exportProgram: the program assigns variables (${program.updates
        .map((u) => u.variable)
        .slice(0, 3)
        .join(', ')}): export its inference function instead (trace the model with training false)`,
    );
  const w = new GraphWriter(program);
  const names = opts.outputNames ?? (program.outputs.length === 1 ? ['output'] : program.outputs.map((_, i) => `output${i}`));
  if (
    !Array.isArray(names) ||
    names.length !== program.outputs.length ||
    new Set(names).size !== names.length ||
    !names.every((n) => typeof n === 'string' && n !== '')
  ) {
    throw new ArgumentError(`onnx.exportProgram: opts.outputNames must give ${program.outputs.length} distinct name(s), got ${describe(names)}`);
  }
  const outNames = names.map((n) => w.reserve(n));
  const inputs = program.inputs.map((v) => w.valueInfo(v));
  for (const p of program.params) {
    const t = opts.params?.[p.variable];
    if (!isTensor(t)) throw new ArgumentError(`onnx.exportProgram: give the value of variable '${p.variable}' in opts.params`);
    if (t.shape.join() !== p.var.standIn.join() || t.dtype !== p.var.dtype) {
      throw new ArgumentError(
        `onnx.exportProgram: variable '${p.variable}' is ${p.var.dtype}[${p.var.standIn.join(',')}] in the program, the value given is ${t.dtype}[${t.shape.join(',')}]`,
      );
    }
    w.initializer(w.name(p.var), t);
  }
  for (const c of program.constants) {
    const sym = program.symbolicConstant(c);
    if (sym !== null) w.alias(c.var, w.size(c.value.item(), c.value.dtype));
    else w.initializer(w.name(c.var), c.value);
  }
  const calls = wholeCalls(program);
  for (let i = 0; i < program.equations.length; i++) {
    const call = calls.get(i);
    if (call) {
      w.alias(call.outputs[0]!, emitCall(w, call));
      i = call.end - 1;
      continue;
    }
    const e = program.equations[i]!;
    if (e.outputs.length !== 1) throw new OnnxExportError(`onnx: the primitive '${e.prim}' has no ONNX translation (a training step)`);
    w.alias(e.outputs[0]!, emitEquation(w, e));
  }
  // each graph output is an Identity of its value under the output's own (reserved) name: an output may be an input, a constant or another output
  const outputs = program.outputs.map((v, i) => {
    w.alias(v, w.add('Identity', [w.name(v)], {}, outNames[i]!));
    return w.valueInfo(v);
  });
  const graph = onnx.GraphProto.create({ name: opts.name ?? program.name, node: w.nodes, initializer: w.initializers, input: inputs, output: outputs });
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'nabla',
    producerVersion: '0.1.0',
    graph,
    docString: opts.docString ?? '',
  });
  return onnx.ModelProto.encode(model).finish();
}

/** A model nabla can export: a built Sequential (anything with inputShape, call and namedParameters). */
interface ExportableModel {
  readonly name: string;
  readonly inputShape: readonly number[] | undefined;
  call(x: Tensor, training?: boolean): Tensor | Tensor[];
  namedParameters(): [string, { name: string; value: Tensor }][];
}

/**
 * The ONNX model of a built model's inference (`model.predict`): input 'X'
 * of shape [m, ...inputShape] with a symbolic batch m, output its prediction;
 * weights as initializers, batch-normalisation with its moving statistics,
 * dropout as the identity.
 */
export function exportModel(model: ExportableModel, opts: Omit<OnnxExportOptions, 'params'> = {}): Uint8Array {
  if (model === null || typeof model !== 'object' || typeof (model as ExportableModel).call !== 'function') {
    throw new ArgumentError(`onnx.exportModel: argument model must be a model (nb.sequential), got ${describe(model)}`);
  }
  const io = model as { inputs?: readonly unknown[]; outputs?: readonly unknown[] };
  if ((io.inputs?.length ?? 1) > 1 || (io.outputs?.length ?? 1) > 1)
    throw new ArgumentError(
      `onnx.exportModel: '${model.name}' has ${io.inputs?.length} inputs and ${io.outputs?.length} outputs; the exporter writes models of one input and one output`,
    );
  if (!model.inputShape) throw new ArgumentError('onnx.exportModel: the model is not built: give its first layer an inputShape, or call it once on an example');
  const program = trace((x: Tensor) => model.call(x, false) as Tensor, { name: model.name })(spec([null, ...model.inputShape], 'float32', 'X'));
  const params = Object.fromEntries(model.namedParameters().map(([, v]) => [v.name, v.value]));
  return exportProgram(program, { outputNames: ['Y'], ...opts, params, name: opts.name ?? model.name });
}

export { OnnxExportError };
