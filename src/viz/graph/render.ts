// Drawing the laid-out graph as SVG: a rounded box per node, coloured by
// kind, its text in monospace; each edge a polyline ending in an arrowhead.
import { rowLegend, type LegendEntry } from '../legend.js';
import { CATEGORICAL, INK, MUTED, escapeXml, num, rect, svgDocument, text, textWidth, titleBlock, toHex } from '../svg.js';
import type { Layout, Point } from './layout.js';
import { LINE_HEIGHT, NODE_FONT, PAD_X, PAD_Y, type GraphEdge, type GraphModel, type GraphNode, type NodeKind } from './model.js';

/** The monospace font of node text. */
const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

/** The border colour of each kind of node, from the categorical palette (equations in grey ink). */
export const KIND_COLOR: Readonly<Record<NodeKind, string>> = {
  input: CATEGORICAL[0]!,
  param: CATEGORICAL[1]!,
  constant: CATEGORICAL[7]!,
  equation: MUTED,
  layer: CATEGORICAL[4]!,
  loss: CATEGORICAL[2]!,
  op: CATEGORICAL[9]!,
  step: CATEGORICAL[5]!,
};
const isLeaf = (k: NodeKind) => k === 'input' || k === 'param' || k === 'constant';
/** The colour of an output's border and tag. */
export const OUTPUT_COLOR = CATEGORICAL[3]!;
const EDGE_COLOR = '#8c8c8c';

/** `hex` mixed with white: t = 0 is the colour, 1 is white. */
function tint(hex: string, t: number): string {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return toHex(c.map((v) => v + (255 - v) * t));
}

function fillOf(kind: NodeKind): string {
  return kind === 'equation' ? '#ffffff' : tint(KIND_COLOR[kind], isLeaf(kind) ? 0.85 : 0.92);
}

function drawNode(n: GraphNode, at: Point, dx: number, dy: number): string {
  const x = at.x + dx,
    y = at.y + dy;
  const output = n.tags.length > 0;
  const cls = `node ${isLeaf(n.kind) || n.kind === 'equation' ? n.kind : `call ${n.kind}`}${output ? ' output' : ''}`;
  const stroke = output ? OUTPUT_COLOR : KIND_COLOR[n.kind];
  const parts = [
    `<g class="${cls}" id="${n.id}">`,
    `<title>${escapeXml(n.tooltip)}</title>`,
    rect(x, y, n.width, n.height, fillOf(n.kind), `rx="${isLeaf(n.kind) ? 9 : 3}" stroke="${stroke}" stroke-width="${output ? 2.2 : 1.2}"`),
  ];
  const baseline = (i: number) => y + PAD_Y + i * LINE_HEIGHT + LINE_HEIGHT * 0.75;
  n.lines.forEach((l, i) =>
    parts.push(
      text(l, {
        x: x + PAD_X,
        y: baseline(i),
        weight: i === 0 ? 'bold' : 'normal',
        fill: i === 0 ? INK : MUTED,
        cls: i === 0 ? 'label' : i === 1 ? 'type' : 'norms',
      }),
    ),
  );
  n.tags.forEach((t, i) => parts.push(text(t, { x: x + PAD_X, y: baseline(n.lines.length + i), fill: OUTPUT_COLOR, weight: 'bold', cls: 'tag' })));
  parts.push('</g>');
  return parts.join('');
}

/** A polyline from the source's border to the target's, and an arrowhead at its end. */
function drawEdge(e: GraphEdge, points: readonly Point[], dx: number, dy: number): string {
  const ps = points.map((p) => ({ x: p.x + dx, y: p.y + dy }));
  const d = ps.map((p, i) => `${i === 0 ? 'M' : 'L'}${num(p.x)} ${num(p.y)}`).join('');
  const tip = ps.at(-1)!,
    from = ps.at(-2) ?? tip;
  const len = Math.hypot(tip.x - from.x, tip.y - from.y) || 1;
  const ux = (tip.x - from.x) / len,
    uy = (tip.y - from.y) / len;
  const head = [
    [tip.x, tip.y],
    [tip.x - 7 * ux + 3.5 * uy, tip.y - 7 * uy - 3.5 * ux],
    [tip.x - 7 * ux - 3.5 * uy, tip.y - 7 * uy + 3.5 * ux],
  ];
  return (
    `<g class="edge" id="${e.id}" data-source="${e.source}" data-target="${e.target}" data-var="${escapeXml(e.var.name)}"><path d="${d}" fill="none" stroke="${EDGE_COLOR}" stroke-width="1.2"/>` +
    `<polygon points="${head.map(([a, b]) => `${num(a!)},${num(b!)}`).join(' ')}" fill="${EDGE_COLOR}"/></g>`
  );
}

function swatch(kind: NodeKind | 'output'): (x: number, y: number) => string {
  return (x, y) =>
    rect(
      x + 2,
      y - 6,
      18,
      12,
      kind === 'output' ? '#ffffff' : fillOf(kind),
      `rx="3" stroke="${kind === 'output' ? OUTPUT_COLOR : KIND_COLOR[kind]}" stroke-width="${kind === 'output' ? 2.2 : 1.2}"`,
    );
}

/** The whole document: title, note, a legend of the kinds drawn, then the graph. */
export function renderGraph(model: GraphModel, layout: Layout, title: string, showTitle: boolean): string {
  const kinds = new Set(model.nodes.map((n) => n.kind));
  const names: Record<NodeKind, string> = {
    input: 'input',
    param: 'parameter',
    constant: 'constant',
    equation: 'equation',
    layer: 'layer',
    loss: 'loss',
    op: 'op',
    step: 'time step',
  };
  const entries: LegendEntry[] = (['input', 'param', 'constant', 'equation', 'op', 'step', 'layer', 'loss'] as const)
    .filter((k) => kinds.has(k))
    .map((k) => ({ name: names[k], swatch: swatch(k) }));
  if (model.nodes.some((n) => n.tags.length > 0)) entries.push({ name: 'output', swatch: swatch('output') });
  const width = Math.ceil(Math.max(layout.width, 360, showTitle ? textWidth(title, 16) + 24 : 0, model.note ? textWidth(model.note, 12) + 24 : 0));
  const head = titleBlock(showTitle ? title : undefined, width);
  const body: string[] = [head.svg];
  let top = head.height;
  if (model.note) {
    body.push(text(model.note, { x: width / 2, y: top + 14, anchor: 'middle', fill: MUTED, cls: 'note' }));
    top += 20;
  }
  const legend = rowLegend(entries, 12, top + 4, width - 24);
  body.push(...legend.svg);
  top += legend.height + 8;
  const dx = Math.max(0, (width - layout.width) / 2);
  body.push(
    '<g class="edges">',
    ...model.edges.flatMap((e) => {
      const ps = layout.edges.get(e.id);
      return ps && ps.length >= 2 ? [drawEdge(e, ps, dx, top)] : [];
    }),
    '</g>',
  );
  body.push(
    `<g class="nodes" font-family="${MONO}" font-size="${NODE_FONT}">`,
    ...model.nodes.map((n) => drawNode(n, layout.nodes.get(n.id) ?? { x: 0, y: 0 }, dx, top)),
    '</g>',
  );
  return svgDocument(width, top + layout.height, title, body);
}
