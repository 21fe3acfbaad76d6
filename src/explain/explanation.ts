// An explanation: the forward and backward equations of a traced function or
// model, with shapes, printable as text, Markdown or LaTeX, and evaluable.
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { transpose } from '../ops/linalg.js';
import { reshape } from '../ops/shape.js';
import { norm } from '../linalg/norm.js';
import type { Tensor } from '../tensor/tensor.js';
import { isTensor } from '../tensor/tensor.js';
import type { Program, ProgramVar } from '../trace/program.js';
import { Interpreter } from '../trace/run.js';
import type { Forward, Line } from './build.js';
import { evaluate } from './evaluate.js';
import { batched, children, varsOf, type Expr, type Shape } from './expr.js';
import { Printer } from './format.js';
import { columnShape, toColumns } from './layout.js';
import { compactSteps, stepCount } from './time.js';

/** 'columns': one example per column, Z = W·X + b (textbooks); 'rows': one per row, Z = X·W + b (Keras, and how nabla stores a Dense kernel). */
export type Layout = 'rows' | 'columns';
/** How an explanation prints: plain text, Markdown (equations in `$...$`), or LaTeX. */
export type ExplainFormat = 'text' | 'markdown' | 'latex';

const DERIVATIVES: Record<string, string> = {
  relu: 'relu′(z) = 1 for z > 0, else 0',
  sigmoid: 'σ′(z) = σ(z)(1 − σ(z))',
  tanh: 'tanh′(z) = 1 − tanh²(z)',
  leakyRelu: 'leakyRelu[α]′(z) = 1 for z > 0, else α',
  elu: 'elu[α]′(z) = 1 for z > 0, else α·eᶻ',
  swish: 'swish′(z) = σ(z)(1 + z(1 − σ(z)))',
  gelu: 'gelu′(z) = Φ(z) + z·φ(z)',
  softplus: 'softplus′(z) = σ(z)',
  abs: 'abs′(z) = sign(z)',
};

/** A printed line: the equation in a layout, its shapes, and whether the layout applied. */
interface Shown {
  line: Line;
  expr: Expr;
  shape: Shape;
  columns: boolean;
}

/**
 * A program written out as equations with shapes: the forward lines (`Z1 = W1·X + b1`,
 * `A1 = relu(Z1)`, ..., the cost `J`) and the backward lines derived from them by the chain
 * rule (`dZ3 = A3 − Y`, `dW3 = (1/m) dZ3·A2ᵀ`, ...), printable as text, Markdown or LaTeX.
 * Made by {@link explain} and `model.explain()`.
 */
export class Explanation {
  /** @internal Made by explain(); the fields are the explanation's parts. */
  constructor(
    readonly name: string,
    readonly program: Program,
    readonly forwardLines: readonly Line[],
    readonly backwardLines: readonly Line[],
    private readonly fwd: Forward,
    readonly layout: Layout,
    readonly defaultFormat: ExplainFormat,
    readonly header: readonly string[],
    private readonly params: () => Readonly<Record<string, Tensor>>,
    private readonly values: ReadonlyMap<string, Tensor> | null = null,
    /** Print every time step of a recurrent layer rather than step t. */
    readonly unroll = false,
  ) {}

  /** The same explanation with the numbers of a step: each line also shows a few entries and the norm. */
  withValues(values: ReadonlyMap<string, Tensor>): Explanation {
    return new Explanation(
      this.name,
      this.program,
      this.forwardLines,
      this.backwardLines,
      this.fwd,
      this.layout,
      this.defaultFormat,
      this.header,
      this.params,
      values,
      this.unroll,
    );
  }

  /** Every line, forward then backward (every time step of a recurrent layer). */
  get lines(): readonly Line[] {
    return (this.allLines ??= [...this.forwardLines, ...this.backwardLines]);
  }
  private allLines: readonly Line[] | undefined;

  /** The lines printed: a recurrent layer as one step t and the sums over t, unless `unroll`. */
  private view(lines: readonly Line[]): Line[] {
    const T = stepCount(this.forwardLines);
    if (this.unroll || T === 0) return [...lines];
    if (lines === this.lines) return [...compactSteps(this.forwardLines, T, true), ...compactSteps(this.backwardLines, T, false)];
    return compactSteps(lines, T, lines === this.forwardLines);
  }

  /** The lines in this explanation's layout (columns where every quantity is a matrix or a vector). */
  private shown(all: readonly Line[]): Shown[] {
    const lines = this.view(all);
    return lines.map((line) => {
      if (this.layout === 'columns') {
        const expr = toColumns(line.expr),
          shape = columnShape(line.shape);
        if (expr && shape) return { line, expr, shape, columns: true };
      }
      return { line, expr: line.expr, shape: line.shape, columns: false };
    });
  }

  /** The shape of a named quantity in the printed layout. */
  private shapeOf(name: string, columns: boolean): Shape {
    // a step of the compact view (H1⟨t−1⟩) has the shape of every step
    const base = /^(.*⟨)\D.*⟩$/.exec(name)?.[1];
    const l = this.lines.find((x) => x.name === name || (base !== undefined && x.name.startsWith(base)));
    const s = l ? l.shape : (this.fwd.leaves.get(name)?.var.shape ?? []);
    return columns ? (columnShape(s) ?? s) : s;
  }

  /** "Z1 (64, m)  W1 (64, 64)  X (64, m)  b1 (64, 1) broadcast over m" */
  private shapes(s: Shown, p: Printer): string {
    const parts = [`${p.name(s.line.name)} ${p.shape(s.shape)}`];
    const broadcast = new Set<string>();
    const scan = (e: Expr) => {
      if (e.k === 'bin' && (e.op === '+' || e.op === '-')) {
        for (const [x, y] of [
          [e.a, e.b],
          [e.b, e.a],
        ] as const)
          if (x.k === 'var' && !batched(x.shape) && x.shape.length > 0 && batched(y.shape)) broadcast.add(x.name);
      }
      if (e.k !== 'var' && e.k !== 'num') for (const c of children(e)) scan(c);
    };
    scan(s.line.expr);
    for (const n of varsOf(s.expr)) {
      if (n === s.line.name) continue;
      parts.push(`${p.name(n)} ${p.shape(this.shapeOf(n, s.columns))}${broadcast.has(n) ? ' broadcast over m' : ''}`);
    }
    return parts.join('  ');
  }

  private valueText(name: string): string {
    const t = this.values?.get(name);
    if (!t) return '';
    const data = t.toArray() as unknown;
    const flat: number[] = [];
    const walk = (x: unknown) => {
      if (flat.length >= 4) return;
      if (Array.isArray(x)) x.forEach(walk);
      else flat.push(x as number);
    };
    walk(data);
    const few =
      flat
        .slice(0, 3)
        .map((x) => x.toPrecision(3))
        .join(', ') + (t.size > 3 ? ', …' : '');
    return t.size === 1 ? `= ${flat[0]!.toPrecision(5)}` : `‖${name}‖ = ${norm(t).item().toPrecision(4)}  [${few}]`;
  }

  /** The equations in plain text, aligned, with their shapes. */
  text(): string {
    const p = new Printer('text');
    const out: string[] = [...this.header];
    const section = (title: string, lines: readonly Line[]) => {
      if (lines.length === 0) return;
      out.push(title);
      const rows = this.shown(lines).map((s) => ({ s, eq: `${s.line.name} = ${p.print(s.expr)}${s.columns || this.layout === 'rows' ? '' : '   (rows)'}` }));
      const width = Math.min(64, Math.max(...rows.map((r) => [...r.eq].length)));
      for (const r of rows) {
        const pad = ' '.repeat(Math.max(2, width - [...r.eq].length + 2));
        out.push(`  ${r.eq}${pad}${this.shapes(r.s, p)}`);
        const v = this.valueText(r.s.line.name);
        if (v) out.push(`      ${v}`);
        if (r.s.line.note) out.push(`      (${r.s.line.note})`);
      }
    };
    section('forward', this.forwardLines);
    section('backward', this.backwardLines);
    const defs = this.derivatives();
    if (defs.length) out.push(`where ${defs.join('; ')}`);
    return out.join('\n');
  }

  /** The equations, one `name = expression` string per line, in the layout ('text' or 'latex' notation). */
  equations(notation: 'text' | 'latex' = 'text'): string[] {
    const p = new Printer(notation);
    return this.shown(this.lines).map((s) => `${p.name(s.line.name)} = ${p.print(s.expr)}`);
  }

  /** The equations as LaTeX, one string per line (for KaTeX/MathJax), in the layout. */
  latexLines(): string[] {
    return this.equations('latex');
  }

  /** The equations as a LaTeX `aligned` block with the shapes beside them. */
  latex(): string {
    const p = new Printer('latex');
    const row = (s: Shown) =>
      `${p.name(s.line.name)} &= ${p.print(s.expr)} && ${p.name(s.line.name)} \\in \\mathbb{R}${s.shape.length ? `^{${s.shape.join(' \\times ')}}` : ''}`;
    const parts = ['\\begin{aligned}', ...this.shown(this.forwardLines).map((s) => `${row(s)} \\\\`)];
    if (this.backwardLines.length) parts.push('\\\\', ...this.shown(this.backwardLines).map((s) => `${row(s)} \\\\`));
    parts.push('\\end{aligned}');
    return parts.join('\n');
  }

  /** The equations as Markdown: a table per pass, equations in $…$ math, shapes in text. */
  markdown(): string {
    const p = new Printer('latex');
    const t = new Printer('text');
    const out: string[] = this.header.map((h) => h);
    const section = (title: string, lines: readonly Line[]) => {
      if (lines.length === 0) return;
      out.push('', `**${title}**`, '', '| equation | shapes |', '|---|---|');
      for (const s of this.shown(lines))
        out.push(`| $${p.name(s.line.name)} = ${p.print(s.expr)}$ | ${this.shapes(s, t).replace(/\|/g, '\\|')}${s.line.note ? `<br>${s.line.note}` : ''} |`);
    };
    section('Forward', this.forwardLines);
    section('Backward', this.backwardLines);
    const defs = this.derivatives();
    if (defs.length) out.push('', `where ${defs.join('; ')}`);
    return out.join('\n');
  }

  /** The definitions of the derivatives the backward pass uses. */
  private derivatives(): string[] {
    const used = new Set<string>();
    const scan = (e: Expr) => {
      if (e.k === 'fn' && e.prime) used.add(e.f);
      for (const c of children(e)) scan(c);
    };
    for (const l of this.backwardLines) scan(l.expr);
    const defs = [...used].map((f) => DERIVATIVES[f]).filter((x): x is string => x !== undefined);
    if (this.backwardLines.some((l) => hasVjp(l.expr))) defs.push('(∂f/∂x)ᵀ·g is the vector–Jacobian product of f, what autodiff computes');
    return defs;
  }

  /** In the format asked for (default: the explanation's own). */
  format(format: ExplainFormat = this.defaultFormat): string {
    if (format === 'latex') return this.latex();
    if (format === 'markdown') return this.markdown();
    if (format === 'text') return this.text();
    throw new ArgumentError(`explain: format must be 'text', 'markdown' or 'latex', got ${String(format)}`);
  }

  toString(): string {
    return this.format();
  }

  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /**
   * Every named quantity's value (X, W1, Z1, ..., J, dZ3, dW3, ...), computed
   * from the printed equations, for `inputs` (the traced function's
   * arguments, in order) and the model's parameters (by variable name; by
   * default their current values). `layout: 'columns'` evaluates the
   * equations as printed in columns, on the transposed quantities.
   */
  evaluate(inputs: readonly Tensor[], opts: { params?: Readonly<Record<string, Tensor>>; layout?: Layout } = {}): Map<string, Tensor> {
    const program = this.program;
    if (!Array.isArray(inputs) || inputs.length !== program.inputs.length)
      throw new ArgumentError(
        `explain: evaluate takes the ${program.inputs.length} input(s) of the traced function (${program.inputs.map((v) => v.name).join(', ')})`,
      );
    let m: number | null = null;
    program.inputs.forEach((v, i) => {
      const t = inputs[i];
      if (!isTensor(t)) throw new ArgumentError(`explain: input ${i} (${v.name}) must be a Tensor`);
      if (t.rank !== v.shape.length) throw new ShapeError(`explain: input ${v.name} must have shape [${v.shape.join(',')}], got ${formatShape(t.shape)}`);
      v.shape.forEach((d, k) => {
        if (typeof d === 'string') m ??= t.shape[k]!;
        else if (d !== t.shape[k]) throw new ShapeError(`explain: input ${v.name} must have shape [${v.shape.join(',')}], got ${formatShape(t.shape)}`);
      });
    });
    const batch = m ?? 1;
    const params = opts.params ?? this.params();
    const columns = opts.layout === 'columns';
    const env = new Map<string, Tensor>();
    const interp = new Interpreter(program, { m: batch });
    const asColumns = (t: Tensor, s: Shape) =>
      t.rank === 1 ? reshape(t, typeof s[0] === 'string' ? [1, t.shape[0]!] : [t.shape[0]!, 1]) : t.rank === 2 ? transpose(t) : t;
    for (const [name, leaf] of this.fwd.leaves) {
      let t: Tensor | undefined;
      if (leaf.kind === 'input') t = inputs[program.inputs.indexOf(leaf.var)];
      else if (leaf.kind === 'param') t = params[leaf.variable!];
      else t = interp.constant(leaf.var);
      if (!t) throw new ArgumentError(`explain: no value for ${name}${leaf.variable ? ` (variable '${leaf.variable}')` : ''}`);
      env.set(name, columns ? asColumns(t, leaf.var.shape) : t);
    }
    // every value of the program, for the computations the equations show as opaque calls (conv2d, pooling)
    const programEnv = new Map<ProgramVar, Tensor>();
    program.inputs.forEach((v, i) => programEnv.set(v, inputs[i]!));
    for (const q of program.params) if (params[q.variable]) programEnv.set(q.var, params[q.variable]!);
    interp.run(0, program.equations.length, programEnv);
    const rc = { m: batch, interpreter: interp, env: programEnv };
    for (const l of this.lines) {
      const expr = columns ? toColumns(l.expr) : l.expr;
      if (!expr) throw new ArgumentError(`explain: ${l.name} has a quantity of rank above 2: it has no column layout`);
      env.set(l.name, evaluate(expr, env, rc));
    }
    return env;
  }
}

function hasVjp(e: Expr): boolean {
  return e.k === 'vjp' || children(e).some(hasVjp);
}
