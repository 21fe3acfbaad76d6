// What one computing node of the graph stands for: an equation, or at a
// coarser level a named call of the program (a composite op such as relu or
// clip, a layer's call, a loss) drawn as one node in place of its equations.
import type { Equation, Program, ProgramCall, ProgramVar } from '../../trace/program.js';
import { formatType } from '../../trace/print.js';
import { formatNumber } from '../svg.js';
import { equationLine, short, typeLine } from './labels.js';

/** How finely the computation is drawn: every primitive; composite ops as one node; or layers, losses and ops outside them as one node each. */
export type GraphLevel = 'primitives' | 'ops' | 'layers';

/** A computing node: its two lines of text, the variables it reads from outside and those it gives to the rest of the program. */
export interface Unit {
  /** 'equation', or the kind of call. */
  readonly kind: 'equation' | ProgramCall['kind'];
  readonly first: string;
  readonly second: string;
  readonly inputs: readonly ProgramVar[];
  readonly outputs: readonly ProgramVar[];
}

function fromEquation(e: Equation, program: Program, literals: ReadonlyMap<ProgramVar, string>): Unit {
  return { kind: 'equation', first: equationLine(e, literals), second: typeLine(e, program), inputs: e.inputs, outputs: e.outputs };
}

/** A call's attributes in short: `name=dense_1`, `min=1e-7 max=0.9999999`, `keepDims`. */
function callAttrs(c: ProgramCall): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(c.attrs)) {
    if (v === false || v === undefined || v === null) continue;
    if (v === true) parts.push(k);
    else if (typeof v === 'number') parts.push(`${k}=${short(v)}`);
    else if (typeof v === 'string') parts.push(`${k}=${v}`);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) parts.push(`${k}=[${v.join(',')}]`);
  }
  return parts.join(' ');
}

/**
 * A call as one unit, labelled with the arguments it was called with
 * (`relu(b)`, `clip(g, 1e-7, 0.9999999)`, `Dense(x)`; '·' for a value that is
 * not part of the program): it reads the variables its equations read that
 * are defined outside them (in order of first use: a layer's weights too)
 * and gives its result and the variables its equations define that are
 * read after it, returned or assigned (values the backward pass reuses,
 * such as relu's mask).
 */
function fromCall(c: ProgramCall, program: Program, literals: ReadonlyMap<ProgramVar, string>, usedAfter: (v: ProgramVar, end: number) => boolean): Unit {
  const eqs = program.equations.slice(c.start, c.end);
  const defined = new Set(eqs.flatMap((e) => e.outputs));
  const inputs = [...new Set(eqs.flatMap((e) => e.inputs).filter((v) => !defined.has(v)))];
  const outputs = eqs.flatMap((e) => e.outputs).filter((v) => c.outputs.includes(v) || usedAfter(v, c.end));
  const types = [...new Set(outputs.map((v) => formatType(v.shape, v.dtype)))].join(', ');
  const attrs = callAttrs(c);
  return {
    kind: c.kind,
    first: `${outputs.map((v) => v.name).join(', ')} = ${c.op}(${c.inputs.map((x) => (typeof x === 'number' ? formatNumber(Number(x.toPrecision(7))) : x === null ? '·' : (literals.get(x) ?? x.name))).join(', ')})`,
    second: attrs ? `${types}  ${attrs}` : types,
    inputs,
    outputs,
  };
}

/** The calls drawn as one node at `level`: outermost calls ('layers'), or op calls not inside another op call ('ops'). */
function chosenCalls(program: Program, level: GraphLevel): ProgramCall[] {
  if (level === 'primitives') return [];
  const calls = [...(program.calls ?? [])].filter((c) => c.end > c.start && (level === 'layers' || c.kind === 'op'));
  calls.sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: ProgramCall[] = [];
  for (const c of calls) if (!chosen.some((d) => c.start >= d.start && c.end <= d.end)) chosen.push(c);
  return chosen;
}

/** The program's computing nodes at `level`, in program order. */
export function units(program: Program, level: GraphLevel, literals: ReadonlyMap<ProgramVar, string>): Unit[] {
  const calls = chosenCalls(program, level);
  // the last equation that reads each variable; returned and assigned variables count as read at the end
  const lastUse = new Map<ProgramVar, number>();
  program.equations.forEach((e, i) => e.inputs.forEach((v) => lastUse.set(v, i)));
  for (const v of [...program.outputs, ...program.updates.map((u) => u.value)]) lastUse.set(v, Infinity);
  const usedAfter = (v: ProgramVar, end: number) => (lastUse.get(v) ?? -1) >= end;
  const out: Unit[] = [];
  let k = 0;
  for (let i = 0; i < program.equations.length; ) {
    const c = calls[k];
    if (c && c.start === i) {
      out.push(fromCall(c, program, literals, usedAfter));
      i = c.end;
      k++;
    } else {
      out.push(fromEquation(program.equations[i]!, program, literals));
      i++;
    }
  }
  return out;
}
