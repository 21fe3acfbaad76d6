// Placing the graph's nodes and routing its edges with ELK (elkjs), the
// Eclipse Layout Kernel compiled to JavaScript: its layered algorithm
// (Sugiyama's: layers along the direction of the edges, crossings reduced,
// nodes placed by Brandes–Köpf, which stays fast on hundreds of nodes where
// network-simplex placement takes minutes; orthogonal edges). elkjs is
// imported when a graph is first laid out, so importing nabla does not load
// it (a bundler makes it a chunk of its own).
import { NablaError } from '../../core/errors.js';
import type { GraphModel } from './model.js';

/** A point. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** The laid-out graph: each node's top-left corner, each edge's polyline (from the source's border to the target's). */
export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly nodes: ReadonlyMap<string, Point>;
  readonly edges: ReadonlyMap<string, readonly Point[]>;
}

// The part of elkjs's graph format used here (its types are not imported, so that nabla's types do not need elkjs).
interface ElkSection {
  startPoint: Point;
  endPoint: Point;
  bendPoints?: Point[];
}
interface ElkGraph {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  children?: ElkGraph[];
  edges?: { id: string; sources: string[]; targets: string[]; sections?: ElkSection[] }[];
}
interface Elk {
  layout(graph: ElkGraph): Promise<ElkGraph>;
}
type ElkConstructor = new () => Elk;

let elkConstructor: Promise<ElkConstructor> | null = null;

/** elkjs's constructor, imported once (a CommonJS module: Node gives module.exports as default, bundlers may give exports.default). */
function loadElk(): Promise<ElkConstructor> {
  elkConstructor ??= import('elkjs/lib/elk.bundled.js').then(
    (m: unknown) => {
      const d = (m as { default?: unknown }).default;
      const ctor = typeof d === 'function' ? d : (d as { default?: unknown } | undefined)?.default;
      if (typeof ctor !== 'function') throw new NablaError('viz.graph: could not load elkjs (elkjs/lib/elk.bundled.js has no constructor)');
      return ctor as ElkConstructor;
    },
    (e: unknown) => {
      elkConstructor = null;
      throw new NablaError(`viz.graph: could not load the graph-layout library elkjs (${e instanceof Error ? e.message : String(e)})`);
    },
  );
  return elkConstructor;
}

/**
 * The layout of `model` by ELK's layered algorithm, flowing `direction`
 * ('DOWN': inputs at the top) with orthogonal or polyline edges. The nodes
 * keep the program's order where the layout leaves a choice, and ELK's
 * random seed is fixed: the same graph gives the same layout.
 */
export async function layoutGraph(model: GraphModel, direction: 'DOWN' | 'RIGHT', routing: 'ORTHOGONAL' | 'POLYLINE'): Promise<Layout> {
  const ELK = await loadElk();
  const graph: ElkGraph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction,
      'elk.edgeRouting': routing,
      'elk.randomSeed': '1',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.spacing.nodeNode': '18',
      'elk.layered.spacing.nodeNodeBetweenLayers': '30',
      'elk.spacing.edgeNode': '12',
      'elk.layered.spacing.edgeNodeBetweenLayers': '12',
      'elk.padding': '[top=8,left=8,bottom=8,right=8]',
    },
    children: model.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: model.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const out = await new ELK().layout(graph);
  const nodes = new Map<string, Point>();
  for (const c of out.children ?? []) nodes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  const edges = new Map<string, Point[]>();
  for (const e of out.edges ?? []) {
    const s = e.sections?.[0];
    if (s) edges.set(e.id, [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
  }
  return { width: out.width ?? 0, height: out.height ?? 0, nodes, edges };
}
