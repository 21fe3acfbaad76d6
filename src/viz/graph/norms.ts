// The numbers a graph can show on its nodes: the norm of each variable's
// value (the program run on data by nb.runProgram) and the norm of the
// gradient of the program's scalar output with respect to it (nb.grad of the
// run program, never a hand-written backward pass).
import { grad } from '../../autograd/transforms.js';
import { isFloat } from '../../core/dtype.js';
import { describe } from '../../core/describe.js';
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { zeros } from '../../tensor/create.js';
import { type Tensor, isTensor } from '../../tensor/tensor.js';
import { Program, type ProgramConstant, type ProgramVar } from '../../trace/program.js';
import { runProgram } from '../../trace/run.js';
import type { Norm } from './labels.js';

const op = 'viz.graph';

/** ‖x‖ = √(Σ x²), the Frobenius norm of every entry. */
export function frobenius(x: Tensor): number {
  let s = 0;
  const d = x.data() as ArrayLike<number | boolean>;
  for (let i = 0; i < d.length; i++) s += Number(d[i]) * Number(d[i]);
  return Math.sqrt(s);
}

/** Every variable of the program: inputs, parameters, constants, then the equations' outputs. */
function allVars(p: Program): ProgramVar[] {
  return [...p.inputs, ...p.params.map((q) => q.var), ...p.constants.map((c) => c.var), ...p.equations.flatMap((e) => e.outputs)];
}

/**
 * The value of every variable of `p` for these inputs and parameters
 * (runProgram of p with every input, parameter and equation output an
 * output); a constant's is its own, unless it is a size computed from a
 * symbolic shape (the m a mean divides by), which has none.
 */
export function allValues(p: Program, inputs: readonly Tensor[], params: Readonly<Record<string, Tensor>>): Map<ProgramVar, Tensor> {
  const vars = [...p.inputs, ...p.params.map((q) => q.var), ...p.equations.flatMap((e) => e.outputs)];
  const everything = new Program({ ...p, outputs: vars, outputTree: vars.map((_, i) => ({ output: i })), updates: [] });
  const values = runProgram(everything, inputs, params).outputs as Tensor[];
  const out = new Map(vars.map((v, i) => [v, values[i]!]));
  for (const c of p.constants) if (p.symbolicConstant(c) === null) out.set(c.var, c.value);
  return out;
}

/**
 * ∂y/∂v for every float variable v of a program whose one output y is a
 * scalar: nb.grad of the program run with a zero added to each equation's
 * output (the gradient with respect to the zero is the gradient with
 * respect to the output), and with respect to the inputs and parameters.
 */
export function allGradients(
  p: Program,
  inputs: readonly Tensor[],
  params: Readonly<Record<string, Tensor>>,
  values: ReadonlyMap<ProgramVar, Tensor>,
): Map<ProgramVar, Tensor> {
  const out = p.outputs[0];
  if (p.outputs.length !== 1 || !out || out.shape.length !== 0 || !isFloat(out.dtype)) {
    throw new ShapeError(
      `${op}: gradient norms need a program with one float scalar output (a loss); this one returns ${p.outputs.map((v) => `${v.name}:[${v.shape.join(',')}] ${v.dtype}`).join(', ')}`,
    );
  }
  const floatInputs = p.inputs.flatMap((v, i) => (isFloat(v.dtype) ? [i] : []));
  const floatParams = p.params.filter((q) => isFloat(q.var.dtype));
  // each float output o of an equation becomes o_raw, and o = o_raw + δ_o with δ_o a constant zero
  const shifted = p.equations.flatMap((e) => e.outputs.filter((o) => isFloat(o.dtype)));
  let nextId = Math.max(0, ...allVars(p).map((v) => v.id)) + 1;
  const raw = new Map<ProgramVar, ProgramVar>(shifted.map((o) => [o, { ...o, id: nextId++, name: `${o.name}₀`, kind: 'intermediate' }]));
  const delta = new Map<ProgramVar, ProgramVar>(shifted.map((o) => [o, { ...o, id: nextId++, name: `δ${o.name}`, kind: 'constant' }]));
  const equations = p.equations.flatMap((e) => {
    const outs = e.outputs.map((o) => raw.get(o) ?? o);
    return [
      { ...e, outputs: outs },
      ...e.outputs.filter((o) => raw.has(o)).map((o) => ({ prim: 'add' as const, inputs: [raw.get(o)!, delta.get(o)!], outputs: [o], attrs: {} })),
    ];
  });
  interface Diff {
    x: Tensor[];
    p: Record<string, Tensor>;
    d: Tensor[];
  }
  const f = (diff: Diff): Tensor => {
    const constants: ProgramConstant[] = [...p.constants, ...shifted.map((o, i) => ({ var: delta.get(o)!, value: diff.d[i]! }))];
    const perturbed = new Program({ ...p, constants, equations, outputTree: { output: 0 }, updates: [] });
    const xs = inputs.map((t, i) => (floatInputs.includes(i) ? diff.x[floatInputs.indexOf(i)]! : t));
    return runProgram(perturbed, xs, { ...params, ...diff.p }).outputs as Tensor;
  };
  const at: Diff = {
    x: floatInputs.map((i) => inputs[i]!),
    p: Object.fromEntries(floatParams.map((q) => [q.variable, params[q.variable]!])),
    d: shifted.map((o) => zeros(values.get(o)!.shape, o.dtype)),
  };
  const g = grad(f)(at) as Diff;
  const grads = new Map<ProgramVar, Tensor>();
  floatInputs.forEach((i, k) => grads.set(p.inputs[i]!, g.x[k]!));
  for (const q of floatParams) grads.set(q.var, g.p[q.variable]!);
  shifted.forEach((o, i) => grads.set(o, g.d[i]!));
  return grads;
}

/** The inputs and parameters given to viz.graph, checked against the program's. */
export function checkRunArgs(p: Program, inputs: unknown, params: unknown): { inputs: Tensor[]; params: Record<string, Tensor> } {
  if (!Array.isArray(inputs) || inputs.length !== p.inputs.length || !inputs.every(isTensor)) {
    throw new ArgumentError(
      `${op}: inputs must be an array of ${p.inputs.length} tensor(s), one for each of the program's inputs (${p.inputs.map((v) => v.name).join(', ')}), got ${describe(inputs)}`,
    );
  }
  const ps = (params ?? {}) as Record<string, unknown>;
  if (typeof ps !== 'object' || Array.isArray(ps))
    throw new ArgumentError(`${op}: params must be an object of tensors by variable name, got ${describe(params)}`);
  const missing = p.params.filter((q) => !isTensor(ps[q.variable]) && !isTensor(ps[q.var.name]));
  if (missing.length)
    throw new ArgumentError(
      `${op}: params must give the value of every variable the program reads; missing ${missing.map((q) => `'${q.variable}'`).join(', ')}`,
    );
  const byVariable: Record<string, Tensor> = {};
  for (const q of p.params) byVariable[q.variable] = (isTensor(ps[q.variable]) ? ps[q.variable] : ps[q.var.name]) as Tensor;
  return { inputs: inputs as Tensor[], params: byVariable };
}

/**
 * The norms to print, by variable: from running the program (when `run`
 * is given: values, and gradients when asked), then from the `values` and
 * `grads` maps by variable name, which take precedence.
 */
export function collectNorms(
  p: Program,
  run: { inputs: Tensor[]; params: Record<string, Tensor>; gradients: boolean } | null,
  values: Readonly<Record<string, Tensor>> | undefined,
  grads: Readonly<Record<string, Tensor>> | undefined,
): Map<ProgramVar, Norm> {
  const norms = new Map<ProgramVar, Norm>();
  const set = (v: ProgramVar, k: keyof Norm, t: Tensor) => norms.set(v, { ...norms.get(v), [k]: frobenius(t) });
  if (run) {
    const vals = allValues(p, run.inputs, run.params);
    for (const [v, t] of vals) if (isFloat(v.dtype)) set(v, 'value', t);
    if (run.gradients) for (const [v, t] of allGradients(p, run.inputs, run.params, vals)) set(v, 'grad', t);
  }
  const byName = new Map<string, ProgramVar>();
  for (const v of allVars(p)) byName.set(v.name, v);
  for (const q of p.params) byName.set(q.variable, q.var);
  for (const [k, map] of [
    ['value', values],
    ['grads', grads],
  ] as const) {
    if (map === undefined) continue;
    if (map === null || typeof map !== 'object' || Array.isArray(map))
      throw new ArgumentError(`${op}: ${k === 'value' ? 'values' : 'grads'} must be an object of tensors by variable name, got ${describe(map)}`);
    for (const [name, t] of Object.entries(map)) {
      const v = byName.get(name);
      if (v === undefined) throw new ArgumentError(`${op}: ${k === 'value' ? 'values' : 'grads'} names '${name}', which is no variable of program ${p.name}`);
      if (!isTensor(t)) throw new ArgumentError(`${op}: ${k === 'value' ? 'values' : 'grads'}['${name}'] must be a Tensor, got ${describe(t)}`);
      set(v, k === 'value' ? 'value' : 'grad', t);
    }
  }
  return norms;
}
