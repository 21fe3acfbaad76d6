// The graph of a program before layout: one node per equation and per input,
// parameter and (large) constant, one edge per (variable → equation that
// reads it), each node sized for its text.
import { ArgumentError } from '../../core/errors.js';
import type { Program, ProgramVar } from '../../trace/program.js';
import { clip, leafTypeLine, literal, normLine, type Norm } from './labels.js';
import { units, type GraphLevel } from './units.js';

/** What a node stands for: a leaf, an equation, or a named call (a layer, a loss, a composite op, a recurrent layer's time step). */
export type NodeKind = 'input' | 'param' | 'constant' | 'equation' | 'layer' | 'loss' | 'op' | 'step';

/** A node: its text lines (the first bold) and the tags under them ('output W1', 'assigns dense_1/movingMean'). */
export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly lines: readonly string[];
  readonly tags: readonly string[];
  /** The lines and tags whole, one a line (the node's tooltip). */
  readonly tooltip: string;
  /** The variables the node defines (an equation's outputs, or the leaf itself). */
  readonly vars: readonly ProgramVar[];
  readonly width: number;
  readonly height: number;
}

/** An edge from the node that defines `var` to a node of an equation that reads it. */
export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly var: ProgramVar;
}

/** The graph, and a note when it was cut to maxNodes. */
export interface GraphModel {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly note: string | null;
}

/** What buildModel needs from the options. */
export interface ModelOptions {
  /** Constants with at most this many entries are written into the equations that read them instead of being nodes (0: none). */
  literalLimit: number;
  /** How finely the computation is drawn. */
  level: GraphLevel;
  maxNodes: number;
  overflow: 'error' | 'truncate';
  highlightOutputs: boolean;
  norms: ReadonlyMap<ProgramVar, Norm>;
}

/** The font size of node text (monospace, so a character is 0.6 em wide). */
export const NODE_FONT = 11;
/** The distance between the baselines of a node's lines. */
export const LINE_HEIGHT = 15;
/** The space between a node's border and its text. */
export const PAD_X = 8,
  PAD_Y = 5;

function size(lines: readonly string[]): { width: number; height: number } {
  const chars = Math.max(...lines.map((l) => [...l].length));
  return { width: Math.ceil(chars * NODE_FONT * 0.6 + 2 * PAD_X), height: lines.length * LINE_HEIGHT + 2 * PAD_Y };
}

/** Each output's place in the result's structure: '' for a lone tensor, 'W1' or '[0].kernel' inside a tree. */
function outputPaths(tree: unknown, path = '', into = new Map<number, string[]>()): Map<number, string[]> {
  if (tree !== null && typeof tree === 'object') {
    const keys = Object.keys(tree);
    if (!Array.isArray(tree) && keys.length === 1 && typeof (tree as { output?: unknown }).output === 'number') {
      const i = (tree as { output: number }).output;
      into.set(i, [...(into.get(i) ?? []), path]);
    } else if (Array.isArray(tree)) tree.forEach((t, i) => outputPaths(t, `${path}[${i}]`, into));
    else for (const k of keys) outputPaths((tree as Record<string, unknown>)[k], path ? `${path}.${k}` : k, into);
  }
  return into;
}

/**
 * The nodes and edges of `program`: inputs, parameters and constants (those
 * not written as literals) first, then the equations (or, at a coarser
 * level, the calls and the equations outside them) in order. With more than
 * maxNodes nodes it throws, or with overflow 'truncate' keeps the computing
 * nodes from the first on while they fit, with the leaves they read, and
 * says so in `note`.
 */
export function buildModel(program: Program, o: ModelOptions): GraphModel {
  const outputs = new Set(program.outputs);
  const literals = new Map<ProgramVar, string>();
  if (o.literalLimit > 0) {
    for (const c of program.constants) {
      if (outputs.has(c.var)) continue;
      const lit = literal(c, program, o.literalLimit);
      if (lit !== null) literals.set(c.var, lit);
    }
  }
  // the tags of the variables the program returns or assigns
  const tags = new Map<ProgramVar, string[]>();
  const tag = (v: ProgramVar, t: string) => tags.set(v, [...(tags.get(v) ?? []), t]);
  if (o.highlightOutputs) {
    const paths = outputPaths(program.outputTree);
    program.outputs.forEach((v, i) => {
      for (const p of paths.get(i) ?? ['']) tag(v, p ? `output ${p}` : 'output');
    });
    for (const u of program.updates) tag(u.value, `assigns ${u.variable}`);
  }
  const leaves: ProgramVar[] = [...program.inputs, ...program.params.map((p) => p.var), ...program.constants.map((c) => c.var).filter((v) => !literals.has(v))];
  const steps = units(program, o.level, literals);
  const what = o.level === 'primitives' ? 'equations' : 'operations';
  const total = leaves.length + steps.length;
  // which computing nodes and leaves are drawn
  let drawnSteps = steps;
  let drawnLeaves = leaves;
  let note: string | null = null;
  if (total > o.maxNodes) {
    if (o.overflow === 'error') {
      throw new ArgumentError(
        `viz.graph: the program has ${total} nodes (${steps.length} ${what}, ${leaves.length} inputs, parameters and constants), more than maxNodes = ${o.maxNodes}; raise maxNodes, draw it at level 'ops' or 'layers', or pass overflow: 'truncate' to draw the first ${what}`,
      );
    }
    const leafSet = new Set(leaves);
    const kept = new Set<ProgramVar>();
    let count = 0;
    const keptSteps: typeof steps = [];
    for (const u of steps) {
      const fresh = [...new Set(u.inputs.filter((v) => leafSet.has(v) && !kept.has(v)))];
      if (count + 1 + fresh.length > o.maxNodes) break;
      fresh.forEach((v) => kept.add(v));
      count += 1 + fresh.length;
      keptSteps.push(u);
    }
    drawnSteps = keptSteps;
    drawnLeaves = leaves.filter((v) => kept.has(v));
    note = `the first ${keptSteps.length} of ${steps.length} ${what} (${count} of ${total} nodes; maxNodes ${o.maxNodes})`;
  }
  const nodes: GraphNode[] = [];
  const nodeOf = new Map<ProgramVar, string>();
  const add = (kind: NodeKind, first: string, second: string, vars: readonly ProgramVar[]) => {
    const id = `n${nodes.length}`;
    const norm = normLine(vars, o.norms);
    const whole = norm ? [first, second, norm] : [first, second];
    const wholeTags = vars.flatMap((v) => tags.get(v) ?? []);
    const lines = whole.map((l) => clip(l)),
      nodeTags = wholeTags.map((t) => clip(t));
    nodes.push({ id, kind, lines, tags: nodeTags, tooltip: [...whole, ...wholeTags].join('\n'), vars, ...size([...lines, ...nodeTags]) });
    for (const v of vars) nodeOf.set(v, id);
  };
  for (const v of drawnLeaves) add(v.kind === 'param' ? 'param' : v.kind === 'constant' ? 'constant' : 'input', v.name, leafTypeLine(v), [v]);
  const edges: GraphEdge[] = [];
  for (const u of drawnSteps) {
    add(u.kind, u.first, u.second, u.outputs);
    const target = nodes.at(-1)!.id;
    for (const v of new Set(u.inputs)) {
      const source = nodeOf.get(v);
      if (source !== undefined) edges.push({ id: `e${edges.length}`, source, target, var: v });
    }
  }
  return { nodes, edges, note };
}
