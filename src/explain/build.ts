// From a traced program to the forward equations of an explanation: the
// program's equations and named calls (relu, mean, a loss, a layer) become
// lines `name = expression`, with the quantities textbooks name
// (Z1, A1, J) on lines of their own and everything else written inline.
import { normalizeAxes } from '../core/shape.js';
import { apply, type Prim, type PrimAttrs } from '../ops/prim.js';
import type { Equation, Program, ProgramCall, ProgramVar } from '../trace/program.js';
import * as E from './expr.js';
import type { Expr, FnName, Opaque, Shape } from './expr.js';
import { lossFormula } from './loss.js';

/** A line of an explanation: `name = expr`. */
export interface Line {
  readonly name: string;
  readonly expr: Expr;
  readonly shape: Shape;
  /** 'forward' (a layer's quantity), 'cost' (J), 'backward' (a cotangent dZ), 'gradient' (dW, the result). */
  readonly role: 'forward' | 'cost' | 'backward' | 'gradient';
  /** The layer (1-based) the line belongs to, when the program came from a model. */
  readonly layer: number | null;
  /** For a gradient line: the differentiated quantity's name (W1). */
  readonly of?: string;
  /** For a gradient line of a model variable: the variable's name ('dense_1/kernel'). */
  readonly variable?: string;
  /** What to say under the line. */
  readonly note?: string;
  /** For the cost: how the loss pairs with the last activation (σ or softmax with cross-entropy). */
  readonly pairsWith?: 'sigmoid' | 'softmax' | null;
  /** For the cost: the prediction's and the labels' names. */
  readonly lossArgs?: { readonly prediction: string; readonly labels: string };
}

/** The names the caller chose for the program's inputs and named inputs (model variables). */
export interface Naming {
  /** Display name of an input, by program input index. */
  readonly input: (v: ProgramVar, index: number) => string;
  /** Display name of a model variable (by its own name, 'dense_1/kernel'), and its layer. */
  readonly param: (variable: string) => { name: string; layer: number | null };
  /** The names a layer's quantities take: A1 for layer 1; null when the program is not a model's. */
  readonly layerNumber: ((call: ProgramCall, order: number) => number) | null;
}

export interface Forward {
  readonly lines: Line[];
  /** Named inputs and parameters: display name → what it is. */
  readonly leaves: Map<string, { var: ProgramVar; kind: 'input' | 'param' | 'constant'; variable?: string }>;
}

const ACTIVATIONS = new Set(['relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'swish', 'gelu', 'softplus', 'softmax']);
const FN_CALLS = new Set<string>(['relu', 'sigmoid', 'leakyRelu', 'elu', 'swish', 'gelu', 'softplus', 'square', 'clip']);
const FN_PRIMS: Partial<Record<Prim, FnName>> = {
  exp: 'exp',
  log: 'log',
  log1p: 'log1p',
  sqrt: 'sqrt',
  abs: 'abs',
  sin: 'sin',
  cos: 'cos',
  tanh: 'tanh',
  erf: 'erf',
};
const BIN_PRIMS: Partial<Record<Prim, '+' | '-' | '*' | '/'>> = { add: '+', sub: '-', mul: '*', div: '/' };

type Step = { kind: 'eq'; eq: Equation; index: number } | { kind: 'call'; call: ProgramCall };

/** The program as a sequence of steps: equations, and named calls taken whole (outermost first). */
function stepsOf(program: Program): Step[] {
  const calls = program.calls.filter((c) => c.kind !== 'layer' && c.kind !== 'step' && c.end > c.start);
  const out: Step[] = [];
  let i = 0;
  while (i < program.equations.length) {
    const c = calls.find((k) => k.start === i);
    if (c) {
      out.push({ kind: 'call', call: c });
      i = c.end;
    } else {
      out.push({ kind: 'eq', eq: program.equations[i]!, index: i });
      i++;
    }
  }
  return out;
}

const stepInputs = (s: Step): ProgramVar[] =>
  s.kind === 'eq' ? [...s.eq.inputs] : s.call.inputs.filter((x): x is ProgramVar => x !== null && typeof x === 'object');
const stepOutputs = (s: Step): readonly ProgramVar[] => (s.kind === 'eq' ? s.eq.outputs : s.call.outputs);
const stepStart = (s: Step): number => (s.kind === 'eq' ? s.index : s.call.start);
const isActivation = (s: Step): boolean =>
  (s.kind === 'call' && ACTIVATIONS.has(s.call.op)) ||
  (s.kind === 'eq' &&
    (s.eq.prim === 'tanh' ||
      s.eq.prim === 'softmax' ||
      (s.eq.prim === 'biasActivation' && (s.eq.attrs as PrimAttrs['biasActivation']).activation !== 'linear')));

/** The forward lines of `program`. */
export function buildForward(program: Program, naming: Naming): Forward {
  const steps = stepsOf(program);
  const lines: Line[] = [];
  const exprOf = new Map<ProgramVar, Expr>();
  const leaves: Forward['leaves'] = new Map();
  const used = new Set<string>();
  const claim = (name: string): string => {
    let n = name,
      k = 2;
    while (used.has(n)) n = `${name}_${k++}`;
    used.add(n);
    return n;
  };

  program.inputs.forEach((v, i) => {
    const name = claim(naming.input(v, i));
    leaves.set(name, { var: v, kind: 'input' });
    exprOf.set(v, E.v(name, v.shape));
  });
  for (const q of program.params) {
    const { name: base } = naming.param(q.variable);
    const name = claim(base);
    leaves.set(name, { var: q.var, kind: 'param', variable: q.variable });
    exprOf.set(q.var, E.v(name, q.var.shape));
  }
  for (const c of program.constants) {
    const sym = program.symbolicConstant(c);
    if (sym === 'm') exprOf.set(c.var, E.scale(1, 1, E.num(1)));
    else if (sym === null && c.value.rank === 0) exprOf.set(c.var, E.num(c.value.item()));
    else {
      const name = claim(c.var.name);
      leaves.set(name, { var: c.var, kind: 'constant' });
      exprOf.set(c.var, E.v(name, c.var.shape));
    }
  }

  // uses of each variable, and which are the inputs and outputs of activations
  const uses = new Map<ProgramVar, number>();
  for (const s of steps) for (const x of stepInputs(s)) uses.set(x, (uses.get(x) ?? 0) + 1);
  for (const o of program.outputs) uses.set(o, (uses.get(o) ?? 0) + 1);
  const activationInput = new Set<ProgramVar>();
  for (const s of steps)
    if (isActivation(s) && !(s.kind === 'eq' && s.eq.prim === 'biasActivation')) {
      const x = stepInputs(s)[0];
      if (x) activationInput.add(x);
    }

  // layers: each equation's layer number, and each layer's output
  const layerOf: (number | null)[] = program.equations.map(() => null);
  const layerOutput = new Map<ProgramVar, number>();
  if (naming.layerNumber) {
    const layerCalls = program.calls.filter((c) => c.kind === 'layer' && c.depth === 0);
    layerCalls.forEach((c, order) => {
      const n = naming.layerNumber!(c, order);
      for (let i = c.start; i < c.end; i++) layerOf[i] = n;
      if (c.outputs[0] && c.end > c.start) layerOutput.set(c.outputs[0], n);
    });
  }
  // the time steps of recurrent layers: each equation's step, and the sequence the steps read their inputs from
  const stepCalls = program.calls.filter((c) => c.kind === 'step');
  const stepOf: (ProgramCall | null)[] = program.equations.map(() => null);
  for (const c of stepCalls) for (let i = c.start; i < c.end; i++) stepOf[i] = c;
  const producer = new Map<ProgramVar, Equation>();
  for (const e of program.equations) for (const o of e.outputs) producer.set(o, e);
  const sequences = new Set<ProgramVar>();
  for (const c of stepCalls) {
    let v = c.inputs[0];
    let source: ProgramVar | null = null;
    while (v !== null && typeof v === 'object') {
      const e = producer.get(v);
      if (!e || (e.prim !== 'slice' && e.prim !== 'reshape')) break;
      v = e.inputs[0]!;
      if (e.prim === 'slice') source = v;
    }
    if (source) sequences.add(source);
  }
  const stepNames = new Map<ProgramCall, Set<string>>();
  /** base⟨t⟩, a name of step t: the same bases in every step (H1⟨2⟩, H1⟨3⟩), so the steps read alike. */
  const inStep = (base: string, c: ProgramCall): string => {
    const used = stepNames.get(c) ?? new Set<string>();
    stepNames.set(c, used);
    let b = base,
      k = 2;
    while (used.has(b)) b = `${base}_${k++}`;
    used.add(b);
    return `${b}⟨${c.attrs.t}⟩`;
  };

  let activations = 0;
  const nameFor = (o: ProgramVar, s: Step, layer: number | null, expr: Expr): string | null => {
    const step = stepOf[stepStart(s)] ?? null;
    if (step) {
      const state = step.outputs.indexOf(o);
      const l = layer ?? '';
      if (state >= 0) return inStep(`${state === 0 ? 'H' : 'C'}${l}`, step);
      if (activationInput.has(o)) return inStep(`Z${l}`, step);
      if (isActivation(s)) return inStep(`A${l}`, step);
      if ((uses.get(o) ?? 0) > 1 && expr.k !== 'slice') return inStep(`G${l}`, step);
      return null;
    }
    if (sequences.has(o)) return `P${layer ?? ''}`;
    if (layer !== null && layerOutput.get(o) === layer) return `A${layer}`;
    if (activationInput.has(o)) return layer !== null ? `Z${layer}` : `Z${activations + 1}`;
    if (isActivation(s)) return layer !== null ? `A${layer}` : `A${++activations}`;
    if ((uses.get(o) ?? 0) > 1 && expr.k !== 'slice') return o.name;
    return null;
  };
  // entering step t: its input P⟨t⟩ and, at the first step, the initial states H⟨0⟩ get names
  const entered = new Set<ProgramCall>();
  const enterStep = (c: ProgramCall, layer: number | null) => {
    if (entered.has(c)) return;
    entered.add(c);
    const t = Number(c.attrs.t);
    c.inputs.forEach((v, j) => {
      if (v === null || typeof v !== 'object') return;
      const e = exprOf.get(v);
      if (!e || e.k === 'var') return;
      const name = j === 0 ? `P${layer ?? ''}⟨${t}⟩` : `${j === 1 ? 'H' : 'C'}${layer ?? ''}⟨${t - 1}⟩`;
      exprOf.set(v, add(name, e, v.shape, layer));
    });
  };

  const add = (name: string, expr: Expr, shape: Shape, layer: number | null, extra: Partial<Line> = {}): Expr => {
    const n = claim(name);
    lines.push({ name: n, expr, shape, role: 'forward', layer, ...extra });
    return E.v(n, shape);
  };

  // layers that compute nothing when predicting (dropout): a line Aₗ = Aₗ₋₁ each, with what they do in training
  const identityLayers = naming.layerNumber ? program.calls.filter((c) => c.kind === 'layer' && c.depth === 0 && c.end === c.start) : [];
  const identities = (at: number) => {
    for (const c of identityLayers) {
      if (c.start !== at || !c.outputs[0]) continue;
      const n = naming.layerNumber!(c, 0);
      const input = exprOf.get(c.outputs[0]);
      if (!input) continue;
      const note =
        c.op === 'Dropout'
          ? 'dropout is the identity when predicting; in training Aₗ = Aₗ₋₁ ⊙ M/(1 − rate), M a random 0/1 mask'
          : `${c.op} computes nothing here`;
      exprOf.set(c.outputs[0], add(`A${n}`, input, c.outputs[0].shape, n, { note }));
    }
  };
  for (const s of steps) {
    identities(stepStart(s));
    const layer = layerOf[stepStart(s)] ?? null;
    const step = stepOf[stepStart(s)];
    if (step) enterStep(step, layer);
    const ins = stepInputs(s).map((x) => exprOf.get(x)!);
    const outs = stepOutputs(s);
    // a loss: the cost J
    if (s.kind === 'call' && s.call.kind === 'loss') {
      const [yv, pv] = s.call.inputs;
      const y0 = typeof yv === 'object' && yv !== null ? exprOf.get(yv) : undefined;
      const p = typeof pv === 'object' && pv !== null ? exprOf.get(pv) : undefined;
      if (y0 && p) {
        const classes = p.shape[p.shape.length - 1];
        const y =
          s.call.op === 'sparseCategoricalCrossentropy' && typeof classes === 'number'
            ? ({ k: 'onehot', a: y0.shape.length === p.shape.length ? E.reshape(y0, p.shape.slice(0, -1)) : y0, classes, shape: p.shape } as Expr)
            : y0;
        const formula = lossFormula(s.call.op, s.call.attrs, y, p);
        if (formula) {
          const note = formula.note && p.k === 'var' ? formula.note.replace(/\bA\b/g, p.name) : formula.note;
          const J = add('J', formula.expr, outs[0]!.shape, null, {
            role: 'cost',
            note: note ?? undefined,
            pairsWith: formula.pairsWith,
            lossArgs: p.k === 'var' && y0.k === 'var' ? { prediction: p.name, labels: y0.name } : undefined,
          });
          exprOf.set(outs[0]!, J);
          continue;
        }
      }
    }
    let expr: Expr;
    if (s.kind === 'eq' && s.eq.prim === 'biasActivation') {
      const z = E.bin('+', ins[0]!, ins[1]!);
      const act = (s.eq.attrs as PrimAttrs['biasActivation']).activation;
      if (act === 'linear') expr = z;
      else {
        const Z = add(layer !== null ? `Z${layer}` : `Z${activations + 1}`, z, outs[0]!.shape, layer);
        expr = act === 'tanh' ? E.fn('tanh', Z) : E.fn(act, Z);
      }
    } else {
      expr = translate(s, ins);
    }
    const out = outs[0]!;
    const name = nameFor(out, s, layer, expr) ?? (program.outputs.includes(out) ? (expr.shape.length === 0 ? 'J' : 'out') : null);
    exprOf.set(out, name !== null ? add(name, expr, out.shape, layer) : expr);
    for (const extra of outs.slice(1)) exprOf.set(extra, E.v(extra.name, extra.shape));
  }
  identities(program.equations.length);
  return { lines, leaves };
}

/** The expression one step computes from its inputs' expressions. */
function translate(s: Step, ins: Expr[]): Expr {
  const out = stepOutputs(s)[0]!;
  if (s.kind === 'call') {
    const c = s.call;
    const x = ins[0]!;
    if (FN_CALLS.has(c.op) && x) {
      const attrs: Record<string, number> = {};
      for (const [k, val] of Object.entries(c.attrs)) if (typeof val === 'number') attrs[k] = val;
      if (c.op === 'gelu' && c.attrs.approximate === true) attrs.approximate = 1;
      if (c.op === 'leakyRelu' && attrs.alpha === undefined) attrs.alpha = 0.2;
      if (c.op === 'elu' && attrs.alpha === undefined) attrs.alpha = 1;
      return E.fn(c.op as FnName, x, false, attrs);
    }
    if (c.op === 'mean' && x) {
      const axes = normalizeAxes('explain', c.attrs.axis as number | number[] | undefined, x.shape.length);
      return E.mean(x, axes, c.attrs.keepDims === true);
    }
    return opaqueCall(c.op, ins, out.shape, (args, rc) => {
      const env = new Map(rc.env);
      let k = 0;
      for (const v of c.inputs) if (v !== null && typeof v === 'object') env.set(v, args[k++]!);
      rc.interpreter.run(c.start, c.end, env);
      return env.get(c.outputs[0]!)!;
    });
  }
  const e = s.eq;
  const op = BIN_PRIMS[e.prim as Prim];
  if (op) return E.bin(op, ins[0]!, ins[1]!);
  const f = FN_PRIMS[e.prim as Prim];
  if (f) return E.fn(f, ins[0]!);
  switch (e.prim) {
    case 'neg':
      return E.neg(ins[0]!);
    case 'identity':
      return ins[0]!;
    case 'cast':
      if ((e.attrs as PrimAttrs['cast']).dtype === e.inputs[0]!.dtype) return ins[0]!;
      break;
    case 'matmul': {
      const { transA, transB } = e.attrs as PrimAttrs['matmul'];
      return E.matmul(transA ? E.transpose(ins[0]!) : ins[0]!, transB ? E.transpose(ins[1]!) : ins[1]!);
    }
    case 'softmax':
    case 'logSoftmax': {
      const axis = (e.attrs as PrimAttrs['softmax']).axis;
      return { k: 'softmax', log: e.prim === 'logSoftmax', a: ins[0]!, axis, shape: out.shape };
    }
    case 'sum': {
      const { axes, keepDims } = e.attrs as PrimAttrs['sum'];
      return E.sum(ins[0]!, axes, keepDims);
    }
    case 'reshape':
      return E.reshape(ins[0]!, out.shape);
    case 'permute': {
      const { perm } = e.attrs as PrimAttrs['permute'];
      const r = perm.length;
      if (r >= 2 && perm.every((p, i) => (i < r - 2 ? p === i : p === (i === r - 2 ? r - 1 : r - 2)))) return E.transpose(ins[0]!);
      break;
    }
    case 'broadcastTo':
      return { k: 'expand', a: ins[0]!, shape: out.shape };
    case 'slice':
      return E.slice(ins[0]!, (e.attrs as PrimAttrs['slice']).begin, out.shape);
  }
  const prim = e.prim as Prim;
  const attrs = e.attrs;
  return opaqueCall(prim, ins, out.shape, (args, rc) => apply(prim, args, rc.interpreter.resizeAttrs(attrs) as PrimAttrs[Prim]));
}

function opaqueCall(op: string, args: Expr[], shape: Shape, run: Opaque['run']): Expr {
  return { k: 'call', fn: { op, run }, args, shape };
}
