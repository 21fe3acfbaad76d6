// The tracer nb.trace installs: it turns primitive applications on
// placeholders into the equations of a Program and owns model variables'
// values while the function runs.
import type { DType } from '../core/dtype.js';
import { TraceError } from '../core/errors.js';
import type { Scope, Tracer } from '../autograd/tape.js';
import type { MultiPrim, MultiPrimAttrs, Prim, PrimAttrs } from '../ops/prim.js';
import { Tensor } from '../tensor/tensor.js';
import { scalar } from '../tensor/create.js';
import type { Variable } from '../tensor/variable.js';
import type { Equation, ProgramCall, ProgramConstant, ProgramParam, ProgramVar, VarKind } from './program.js';
import { symbolicDim } from './program.js';
import { formatType } from './print.js';

/** Thrown inside a trace when a concrete size is a multiple of a symbol's stand-in: trace again with another. */
export class StandInCollision extends Error {}

/** Names a, b, ..., z, ba, bb, ... as jaxprs do. */
function letters(i: number): string {
  let s = '';
  do {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26);
  } while (i > 0);
  return s;
}

export class ProgramBuilder implements Tracer {
  readonly equations: Equation[] = [];
  readonly inputs: ProgramVar[] = [];
  readonly params: ProgramParam[] = [];
  readonly constants: ProgramConstant[] = [];
  readonly calls: ProgramCall[] = [];
  private readonly open: { scope: Scope; inputs: (ProgramVar | number | null)[]; start: number }[] = [];
  private readonly vars = new Map<number, ProgramVar>();
  private readonly constantOf = new Map<Tensor, ProgramVar>();
  private readonly paramOf = new Map<Variable, Tensor>();
  /** Each variable's value in the function: its named input until assigned. */
  readonly valueOf = new Map<Variable, Tensor>();
  private nextId = 0;
  private nextLetter = 0;
  private readonly usedNames = new Set<string>();
  private readonly primes: number[];

  constructor(readonly symbols: Readonly<Record<string, number>>) {
    this.primes = Object.values(symbols);
    for (const name of Object.keys(symbols)) this.usedNames.add(name); // no variable is called m
  }

  private uniqueName(base: string): string {
    let name = base,
      k = 1;
    while (this.usedNames.has(name)) name = `${base}_${k++}`;
    this.usedNames.add(name);
    return name;
  }

  private freshVar(shape: readonly number[], dtype: DType, kind: VarKind, name?: string): ProgramVar {
    let n = name;
    if (kind === 'constant' && shape.length === 0 && n === undefined)
      n = `_${this.nextId}`; // a literal: printed as its value
    else if (n === undefined) {
      do n = letters(this.nextLetter++);
      while (this.usedNames.has(n));
      this.usedNames.add(n);
    } else if (!n.startsWith('_')) n = this.uniqueName(n);
    const v: ProgramVar = { id: this.nextId++, name: n, shape: shape.map((d) => symbolicDim(d, this.symbols)), standIn: [...shape], dtype, kind };
    this.vars.set(v.id, v);
    return v;
  }

  /** A placeholder for a new variable of the program. */
  placeholder(shape: readonly number[], dtype: DType, kind: VarKind, name?: string, origin = 'an input'): Tensor {
    const v = this.freshVar(shape, dtype, kind, name);
    const describe = () => `${v.name}: ${formatType(v.shape, v.dtype)}, ${origin}`;
    if (kind === 'input') this.inputs.push(v);
    return new Tensor(null, shape, dtype, { owner: this, id: v.id, describe });
  }

  isSymbolic(shape: readonly number[]): boolean {
    for (const d of shape) for (const p of this.primes) if (d !== 0 && d % p === 0) return true;
    return false;
  }

  involves(inputs: readonly Tensor[], shape: readonly number[]): boolean {
    for (const t of inputs) if (t.placeholder !== null || this.isSymbolicSize(t)) return true;
    return this.isSymbolic(shape);
  }

  /** A scalar holding a size computed from a symbolic shape (the m a mean divides by): arithmetic on it stays symbolic. */
  private isSymbolicSize(t: Tensor): boolean {
    if (t.rank !== 0) return false;
    const x = t.storage[0]!;
    return Number.isInteger(x) && x > 0 && this.primes.some((p) => x % p === 0);
  }

  /** The program variable a tensor stands for: its own, or a constant for a concrete value. */
  private varOf(t: Tensor): ProgramVar {
    if (t.placeholder !== null) {
      if (t.placeholder.owner !== this)
        throw new TraceError('trace: a placeholder of another trace reached this one (a traced value escaped the function that nb.trace ran)');
      return this.vars.get(t.placeholder.id)!;
    }
    let v = this.constantOf.get(t);
    if (!v) {
      if (this.isSymbolic(t.shape)) throw new StandInCollision();
      v = this.freshVar(t.shape, t.dtype, 'constant', t.rank === 0 ? undefined : `c${this.constants.length}`);
      this.constants.push({ var: v, value: t });
      this.constantOf.set(t, v);
    }
    return v;
  }

  bind<P extends Prim>(prim: P, inputs: readonly Tensor[], attrs: PrimAttrs[P], out: { shape: readonly number[]; dtype: DType }): Tensor {
    const ins = inputs.map((t) => this.varOf(t));
    const y = this.placeholder(out.shape, out.dtype, 'intermediate', undefined, `the output of ${prim}`);
    this.equations.push({ prim, inputs: ins, outputs: [this.vars.get(y.placeholder!.id)!], attrs } as Equation);
    return y;
  }

  bindMulti<P extends MultiPrim>(
    prim: P,
    inputs: readonly Tensor[],
    attrs: MultiPrimAttrs[P],
    outs: readonly { shape: readonly number[]; dtype: DType }[],
  ): Tensor[] {
    const ins = inputs.map((t) => this.varOf(t));
    const ys = outs.map((o, i) => this.placeholder(o.shape, o.dtype, 'intermediate', undefined, `output ${i} of ${prim}`));
    this.equations.push({ prim, inputs: ins, outputs: ys.map((y) => this.vars.get(y.placeholder!.id)!), attrs } as unknown as Equation);
    return ys;
  }

  fill(value: number, shape: readonly number[], dtype: DType): Tensor {
    return this.bind('broadcastTo', [scalar(value, dtype)], { shape: [...shape] }, { shape, dtype });
  }

  read(v: Variable): Tensor {
    let t = this.valueOf.get(v);
    if (!t) {
      const c = v.concrete;
      if (this.isSymbolic(c.shape)) throw new StandInCollision();
      t = this.placeholder(c.shape, c.dtype, 'param', v.name.replace(/\//g, '.'), `the value of variable '${v.name}'`);
      this.params.push({ variable: v.name, var: this.vars.get(t.placeholder!.id)! });
      this.paramOf.set(v, t);
      this.valueOf.set(v, t);
    }
    return t;
  }

  write(v: Variable, value: Tensor): void {
    this.valueOf.set(v, value);
  }

  /**
   * The variables whose value at the end is not the one they started with
   * (their named input, or the value outside the trace), with that value's
   * program variable: the function's state updates.
   */
  updates(): { variable: string; value: ProgramVar }[] {
    const out: { variable: string; value: ProgramVar }[] = [];
    for (const [v, t] of this.valueOf) {
      const start = this.paramOf.get(v);
      const same =
        start !== undefined ? t.placeholder !== null && t.placeholder.id === start.placeholder!.id : t.placeholder === null && t.storage === v.concrete.storage;
      if (!same) out.push({ variable: v.name, value: this.output(t) });
    }
    return out;
  }

  /** The named inputs something in the program uses (a function that saves and restores a variable reads it without using it). */
  usedParams(outputs: readonly ProgramVar[], updates: readonly { value: ProgramVar }[]): ProgramParam[] {
    const used = new Set<ProgramVar>([...outputs, ...updates.map((u) => u.value)]);
    for (const e of this.equations) for (const v of e.inputs) used.add(v);
    return this.params.filter((q) => used.has(q.var));
  }

  enter(scope: Scope): void {
    const inputs = scope.inputs.map((x) => {
      if (typeof x === 'number') return x;
      // a model variable given to an op (conv2d(x, this.kernel)) is the variable's value: its named input
      const t = x !== null && typeof x === 'object' && 'concrete' in x && 'trainable' in x ? this.read(x as Variable) : x;
      return t instanceof Tensor && (t.placeholder?.owner === this || this.constantOf.has(t)) ? this.varOf(t) : null;
    });
    this.open.push({ scope, inputs, start: this.equations.length });
  }

  exit(outputs: readonly Tensor[] | null): void {
    const o = this.open.pop()!;
    if (outputs === null) return;
    // a call that computed nothing from the traced values (all concrete) is not part of the program
    if (!outputs.every((t) => t.placeholder?.owner === this)) return;
    const { op, kind, attrs } = o.scope;
    this.calls.push({
      op,
      kind,
      attrs,
      inputs: o.inputs,
      outputs: outputs.map((t) => this.varOf(t)),
      start: o.start,
      end: this.equations.length,
      depth: this.open.length,
    });
  }

  /** The calls by start, outer before inner. */
  sortedCalls(): ProgramCall[] {
    return [...this.calls].sort((a, b) => a.start - b.start || a.depth - b.depth);
  }

  /** An output tensor's program variable. */
  output(t: Tensor): ProgramVar {
    return this.varOf(t);
  }
}
