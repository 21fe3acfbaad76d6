// The text of the graph's nodes: an equation as `c = matmul(a, W1)` with its
// output type and attributes, a leaf as its name and type, small constants as
// literals, norms with four significant digits. Lines are drawn clipped to
// MAX_LINE characters; the node's tooltip has them whole.
import type { Equation, Program, ProgramConstant, ProgramVar } from '../../trace/program.js';
import { formatAttrs, formatType } from '../../trace/print.js';
import { formatNumber } from '../svg.js';

/** The longest line a node prints; longer lines end in '…'. */
export const MAX_LINE = 60;

/** `s` cut to `max` characters, the last one '…' when it was longer. */
export function clip(s: string, max = MAX_LINE): string {
  const cs = [...s];
  return cs.length <= max ? s : `${cs.slice(0, max - 1).join('')}…`;
}

/** A number with at most four significant digits: 3.142, 0.0001235, 1.5e-7. */
export function short(x: number): string {
  return Number.isFinite(x) ? formatNumber(Number(x.toPrecision(4))) : String(x);
}

/** One entry of a constant: a symbolic size as 'm', a whole float as '1.0', a bool by name, ±∞, others with the dtype's precision. */
function entry(x: number, c: ProgramConstant, program: Program): string {
  if (c.value.dtype === 'bool') return String(x !== 0);
  if (Number.isInteger(x) && x > 0) {
    const d = program.dim(x);
    if (typeof d === 'string') return d;
  }
  if (Number.isInteger(x) && c.value.dtype.startsWith('float')) return x.toFixed(1);
  if (x === Infinity || x === -Infinity) return x > 0 ? '∞' : '-∞';
  // as many digits as the dtype holds: 0.9999999 (1 − 2⁻²³ in float32) must not read as 1
  return Number.isFinite(x) ? formatNumber(Number(x.toPrecision(c.value.dtype === 'float32' ? 7 : 12))) : String(x);
}

/**
 * A constant with at most `limit` entries as a literal: a scalar as its value
 * ('0.5', 'm' for a size computed from a symbolic shape), a vector as
 * '[1.0, 2.0]', anything else as its entries and shape; null when larger.
 */
export function literal(c: ProgramConstant, program: Program, limit: number): string | null {
  if (c.value.size > limit) return null;
  if (c.value.rank === 0) return entry(c.value.item(), c, program);
  const xs = Array.from(c.value.data() as ArrayLike<number>, (x) => entry(Number(x), c, program));
  return c.value.rank === 1 ? `[${xs.join(', ')}]` : `[${xs.join(', ')}]:[${c.value.shape.join(',')}]`;
}

/** An equation's attributes in short ('transB', 'axis=1', 'activation=relu'), or ''. */
export function shortAttrs(e: Equation, program: Program): string {
  return formatAttrs(e, program.symbols).replace(/^\{|\}$/g, '');
}

/** The first line of an equation's node: `c = matmul(a, W1)`, operands that are inlined constants as their literal. */
export function equationLine(e: Equation, literals: ReadonlyMap<ProgramVar, string>): string {
  const outs = e.outputs.map((o) => o.name).join(', ');
  return `${outs} = ${e.prim}(${e.inputs.map((v) => literals.get(v) ?? v.name).join(', ')})`;
}

/** The second line of an equation's node: its output type(s), then its attributes: `f32[m,64]  transB`. */
export function typeLine(e: Equation, program: Program): string {
  const types = [...new Set(e.outputs.map((o) => formatType(o.shape, o.dtype)))].join(', ');
  const attrs = shortAttrs(e, program);
  return attrs ? `${types}  ${attrs}` : types;
}

/** A leaf's second line: its kind and type, `param f32[64,10]`. */
export function leafTypeLine(v: ProgramVar): string {
  return `${v.kind === 'constant' ? 'const' : v.kind} ${formatType(v.shape, v.dtype)}`;
}

/** The norms of a node's variables: `‖v‖ 3.162  ‖∇‖ 0.01`, each a comma-separated list for several outputs; '' when none is known. */
export function normLine(vars: readonly ProgramVar[], norms: ReadonlyMap<ProgramVar, Norm>): string {
  const list = (k: keyof Norm) => {
    const xs = vars.map((v) => norms.get(v)?.[k]);
    return xs.some((x) => x !== undefined) ? xs.map((x) => (x === undefined ? '–' : short(x))).join(', ') : '';
  };
  const v = list('value'),
    g = list('grad');
  return [v && `‖v‖ ${v}`, g && `‖∇‖ ${g}`].filter(Boolean).join('  ');
}

/** The Frobenius norms a node shows: of the variable's value and of the gradient of the output with respect to it. */
export interface Norm {
  value?: number;
  grad?: number;
}
