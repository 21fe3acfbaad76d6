/**
 * nb.viz.graph(program): a traced computation drawn as SVG, like micrograd's
 * draw_dot but for tensors. Each equation is a node (`c = matmul(a, W1)`,
 * its output type with symbolic sizes such as m, its attributes), each
 * input, parameter and larger constant a node of its own colour; an edge
 * goes from every variable to each equation that reads it. ELK's layered
 * algorithm places the nodes.
 */
import { describe } from '../../core/describe.js';
import { ArgumentError } from '../../core/errors.js';
import { optionsObject } from '../../core/options.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Program } from '../../trace/program.js';
import { layoutGraph } from './layout.js';
import { buildModel } from './model.js';
import type { GraphLevel } from './units.js';
import { checkRunArgs, collectNorms } from './norms.js';
import { renderGraph } from './render.js';

/** Options for {@link graph}. */
export interface GraphOptions {
  /** The SVG's title (default `program <name>`), drawn at the top unless it is ''. */
  title?: string;
  /** Which way the computation flows: 'down' (default: inputs at the top) or 'right'. */
  direction?: 'down' | 'right';
  /**
   * How finely to draw: 'primitives' (default) draws every equation;
   * 'ops' draws each composite op the function called (relu, clip, mean,
   * conv2d) as one node in place of its equations; 'layers' draws each
   * layer's call, loss and op outside them as one node (`b = Dense(x,
   * dense_1.kernel, dense_1.bias)`). A call's node reads what its equations
   * read from outside and gives what the rest of the program reads of it.
   */
  level?: GraphLevel;
  /** Edge routing: 'orthogonal' (default) or 'polyline'. */
  edges?: 'orthogonal' | 'polyline';
  /**
   * Constants with at most this many entries are written into the label of
   * each equation that reads them (`e = sub(1.0, d)`, `g = div(f, m)`)
   * instead of being nodes: true (default) is 4, false draws every constant.
   */
  collapseConstants?: boolean | number;
  /**
   * The most nodes drawn (default 400): a larger program is an
   * ArgumentError, or with overflow 'truncate' is drawn from its first
   * equation on as far as maxNodes allows, with a note under the title.
   */
  maxNodes?: number;
  /** What a program with more than maxNodes nodes gives: 'error' (default) or 'truncate'. */
  overflow?: 'error' | 'truncate';
  /** Draw the outputs (and the variables the program assigns) with a red border and an 'output …' tag. Default true. */
  highlightOutputs?: boolean;
  /**
   * Run the program (nb.runProgram) on these tensors, one per program input,
   * and print ‖v‖ (the Frobenius norm √Σv²) on every node.
   */
  inputs?: readonly Tensor[];
  /** With `inputs`: the value of each model variable the program reads, by variable name ('dense_1/kernel') or by its name in the program ('dense_1.kernel'). */
  params?: Readonly<Record<string, Tensor>>;
  /**
   * With `inputs`, for a program whose one output is a scalar (a loss J):
   * also print ‖∇‖ = ‖∂J/∂v‖ on every node, computed by nb.grad of the
   * program run on the inputs. Default false.
   */
  gradients?: boolean;
  /** Values to print the norms of, by variable name (taking precedence over a run's). */
  values?: Readonly<Record<string, Tensor>>;
  /** Gradients to print the norms of, by variable name (taking precedence over a run's). */
  grads?: Readonly<Record<string, Tensor>>;
}

const OPTION_KEYS = [
  'title',
  'direction',
  'level',
  'edges',
  'collapseConstants',
  'maxNodes',
  'overflow',
  'highlightOutputs',
  'inputs',
  'params',
  'gradients',
  'values',
  'grads',
];

/**
 * The computation of a traced program (nb.trace) as a standalone SVG
 * document, laid out by ELK (elkjs, loaded on first use, hence the Promise).
 * The output is deterministic: the same program and options give the same
 * string. With `inputs` (and `params`) the program is run and each node
 * shows ‖v‖, its value's norm; with `gradients` also ‖∇‖, the norm of the
 * gradient of the program's scalar output with respect to it.
 *
 *     const p = nb.trace(model)(nb.spec([null, 64]));
 *     writeFileSync('forward.svg', await nb.viz.graph(p));
 *     const J = nb.trace(cost)(params, nb.spec([64, null]), nb.spec([1, null]));
 *     await nb.viz.graph(J, { inputs: [...Object.values(params), X, y], gradients: true });
 */
export async function graph(program: Program, options?: GraphOptions): Promise<string> {
  const op = 'viz.graph';
  if (!(program instanceof Program)) throw new ArgumentError(`${op}: argument program must be a Program (what nb.trace returns), got ${describe(program)}`);
  const o = optionsObject(op, options);
  for (const k of Object.keys(o)) if (!OPTION_KEYS.includes(k)) throw new ArgumentError(`${op}: unknown option '${k}' (options: ${OPTION_KEYS.join(', ')})`);
  const direction = o.direction ?? 'down';
  if (direction !== 'down' && direction !== 'right') throw new ArgumentError(`${op}: direction must be 'down' or 'right', got ${describe(direction)}`);
  const level = o.level ?? 'primitives';
  if (level !== 'primitives' && level !== 'ops' && level !== 'layers')
    throw new ArgumentError(`${op}: level must be 'primitives', 'ops' or 'layers', got ${describe(level)}`);
  const edges = o.edges ?? 'orthogonal';
  if (edges !== 'orthogonal' && edges !== 'polyline') throw new ArgumentError(`${op}: edges must be 'orthogonal' or 'polyline', got ${describe(edges)}`);
  const collapse = o.collapseConstants ?? true;
  const literalLimit = collapse === true ? 4 : collapse === false ? 0 : collapse;
  if (!(Number.isInteger(literalLimit) && literalLimit >= 0))
    throw new ArgumentError(`${op}: collapseConstants must be a boolean or a whole number of entries ≥ 0, got ${describe(collapse)}`);
  const maxNodes = o.maxNodes ?? 400;
  if (!(Number.isInteger(maxNodes) && maxNodes >= 1)) throw new ArgumentError(`${op}: maxNodes must be a whole number ≥ 1, got ${describe(maxNodes)}`);
  const overflow = o.overflow ?? 'error';
  if (overflow !== 'error' && overflow !== 'truncate') throw new ArgumentError(`${op}: overflow must be 'error' or 'truncate', got ${describe(overflow)}`);
  for (const k of ['highlightOutputs', 'gradients'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new ArgumentError(`${op}: ${k} must be a boolean, got ${describe(o[k])}`);
  }
  if (o.title !== undefined && typeof o.title !== 'string') throw new ArgumentError(`${op}: title must be a string, got ${describe(o.title)}`);
  if (o.inputs === undefined && (o.params !== undefined || o.gradients))
    throw new ArgumentError(`${op}: params and gradients need inputs, the tensors to run the program on`);
  const run = o.inputs === undefined ? null : { ...checkRunArgs(program, o.inputs, o.params), gradients: o.gradients ?? false };
  const norms = collectNorms(program, run, o.values, o.grads);
  const model = buildModel(program, { literalLimit, level, maxNodes, overflow, highlightOutputs: o.highlightOutputs ?? true, norms });
  const layout = await layoutGraph(model, direction === 'down' ? 'DOWN' : 'RIGHT', edges === 'orthogonal' ? 'ORTHOGONAL' : 'POLYLINE');
  const title = o.title ?? `program ${program.name}`;
  return renderGraph(model, layout, title || `program ${program.name}`, title !== '');
}
