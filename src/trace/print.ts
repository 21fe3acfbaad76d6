// The readable listing of a Program, one equation a line, in the spirit of a
// jaxpr:   c: f32[m,64] = matmul a:f32[m,64] W1:f32[64,64]
import type { DType } from '../core/dtype.js';
import type { Dim, Equation, ProgramData, ProgramVar } from './program.js';
import { symbolicDim } from './program.js';

const SHORT: Record<DType, string> = { float32: 'f32', float64: 'f64', int32: 'i32', bool: 'bool' };

/** 'f32[m,64]'. */
export function formatType(shape: readonly Dim[], dtype: DType): string {
  return `${SHORT[dtype]}[${shape.join(',')}]`;
}

function typed(v: ProgramVar): string {
  return `${v.name}:${formatType(v.shape, v.dtype)}`;
}

/** An attribute value: booleans by name, sizes with their symbols, a window as its geometry. */
export function formatAttrs(e: Equation, symbols: Readonly<Record<string, number>>): string {
  const parts: string[] = [];
  const dims = (xs: readonly unknown[]): string =>
    `[${xs.map((x) => (typeof x === 'number' ? String(symbolicDim(x, symbols)) : Array.isArray(x) ? dims(x) : String(x))).join(',')}]`;
  for (const [k, v] of Object.entries(e.attrs as Record<string, unknown>)) {
    if (v === false) continue;
    if (v === true) parts.push(k);
    else if (Array.isArray(v)) parts.push(`${k}=${dims(v)}`);
    else if (typeof v === 'number') parts.push(`${k}=${symbolicDim(v, symbols)}`);
    else if (v !== null && typeof v === 'object' && 'kh' in v) {
      const w = v as {
        kh: number;
        kw: number;
        strideH: number;
        strideW: number;
        dilationH: number;
        dilationW: number;
        padTop: number;
        padLeft: number;
        outH: number;
        outW: number;
      };
      parts.push(
        `${k}=${w.kh}x${w.kw} stride ${w.strideH},${w.strideW}${w.dilationH > 1 || w.dilationW > 1 ? ` dilation ${w.dilationH},${w.dilationW}` : ''}${w.padTop || w.padLeft ? ` pad ${w.padTop},${w.padLeft}` : ''} → ${w.outH}x${w.outW}`,
      );
    } else parts.push(`${k}=${String(v)}`);
  }
  return parts.length ? `{${parts.join(' ')}}` : '';
}

/** An operand: a scalar literal as its value, anything else as name:type. */
function operand(v: ProgramVar, literals: ReadonlyMap<ProgramVar, string>): string {
  return literals.get(v) ?? typed(v);
}

/** The whole listing. */
export function formatProgram(p: ProgramData): string {
  const literals = new Map<ProgramVar, string>();
  for (const c of p.constants) {
    if (c.value.size === 1 && c.value.rank === 0) {
      const x = c.value.item();
      const dim = Number.isInteger(x) && x > 0 ? symbolicDim(x, p.symbols) : x;
      literals.set(
        c.var,
        typeof dim === 'string'
          ? dim // a size computed from a symbolic shape (the m of a mean)
          : c.value.dtype === 'bool'
            ? String(x !== 0)
            : Number.isInteger(x) && c.value.dtype.startsWith('float')
              ? x.toFixed(1)
              : String(x),
      );
    }
  }
  const lines: string[] = [];
  lines.push(`program ${p.name}(${p.inputs.map(typed).join(', ')})`);
  if (p.params.length) lines.push(`  params ${p.params.map((q) => typed(q.var)).join(', ')}`);
  const consts = p.constants.filter((c) => !literals.has(c.var));
  if (consts.length) lines.push(`  consts ${consts.map((c) => typed(c.var)).join(', ')}`);
  for (const e of p.equations) {
    const outs = e.outputs.map((o) => `${o.name}: ${formatType(o.shape, o.dtype)}`).join(', ');
    lines.push(`  ${outs} = ${e.prim}${formatAttrs(e, p.symbols)} ${e.inputs.map((v) => operand(v, literals)).join(' ')}`);
  }
  lines.push(`  return ${p.outputs.map((v) => operand(v, literals)).join(', ')}`);
  if (p.updates.length) lines.push(`  assigns ${p.updates.map((u) => `${u.variable} ← ${operand(u.value, literals)}`).join(', ')}`);
  return lines.join('\n');
}
