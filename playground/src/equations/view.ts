// The Equations lab on the page: the network's settings (left), its layers
// and the whole explanation typeset with KaTeX (middle), and the chosen
// layer's forward and backward equations with its current numbers (right).
import { el } from '../dom.js';
import { drawChart } from '../nets/chart.js';
import { SOURCES, SOURCE_LABELS, layerSizes, training, type NetSpec, type Source } from '../nets/spec.js';
import { matrix, space, symbol, typeset } from '../nets/tex.js';
import { ACTIVATION_LABELS, OPTIMIZER_LABELS } from '../points/config.js';
import { radios, select } from '../points/controls.js';
import { LAYOUTS, LAYOUT_LABELS, type EqExplain, type EqLine, type EqSnapshot, type Layout, type Quantity } from './protocol.js';

/** The layer whose equations are shown: its number, or 'J' for the cost. */
export type Selection = number | 'J';

export interface EqState {
  spec: NetSpec;
  layout: Layout;
  layer: Selection;
}

const LOSS_TEXT: Record<string, string> = {
  binaryCrossentropy: 'binary cross-entropy',
  categoricalCrossentropy: 'categorical cross-entropy',
  meanSquaredError: 'mean squared error',
};

const ROLE_TITLES = { forward: 'Forward', backward: 'Backward' } as const;

export class EquationsView {
  readonly controls = el('section', { id: 'eq-controls', className: 'panel controls', ariaLabel: 'Settings' });
  readonly middle = el('section', { id: 'eq-network', className: 'panel', ariaLabel: 'Network and equations' });
  readonly detail = el('section', { id: 'eq-layer', className: 'panel', ariaLabel: 'The chosen layer' });
  private readonly layerList = el('div', { className: 'eq-layers', role: 'group', ariaLabel: 'Layers: choose one to see its equations' });
  private readonly all = el('div', { className: 'eq-all', role: 'math' });
  private readonly header = el('p', { className: 'eq-header' });
  private readonly where = el('p', { className: 'eq-where' });
  private readonly detailBody = el('div', { className: 'eq-detail' });
  private readonly numbers = el('div', { className: 'eq-numbers' });
  private readonly lossOut = el('output', { id: 'eq-loss', ariaLabel: 'Training loss' });
  private readonly chart = el('canvas', { className: 'eq-chart', role: 'img', ariaLabel: 'Training loss by step' });
  private explain: EqExplain | null = null;
  private snapshot: EqSnapshot | null = null;
  private history: { x: number; y: number }[] = [];
  private dirtyNumbers = false;

  constructor(
    private state: EqState,
    private readonly onState: (s: EqState, reset: 'network' | 'layout' | 'none') => void,
    private readonly onSource: (s: Source) => void,
  ) {
    this.middle.append(
      el('h2', { textContent: 'Layers' }),
      el('p', {
        className: 'eq-hint',
        textContent: 'Choose a layer (click, or Tab to it and press Enter) to see its equations with the numbers of the current step.',
      }),
      this.layerList,
      el('h2', { textContent: 'The whole network: forward and backward pass' }),
      this.header,
      this.all,
      this.where,
    );
    this.detail.append(this.detailBody, el('h3', { className: 'eq-now' }, 'Numbers now'), this.numbers);
    this.render();
  }

  /** Shows a state (from the URL) without reporting it. */
  show(s: EqState): void {
    this.state = s;
    this.render();
  }

  private render(): void {
    const s = this.state;
    const t = training(s.spec);
    const sizes = layerSizes(s.spec);
    const lossName = t.loss === 'mse' ? 'squared error' : 'cross-entropy';
    const focused = this.controls.contains(document.activeElement) ? document.activeElement!.id : '';
    this.controls.replaceChildren(
      el('h2', { textContent: 'Network' }),
      radios(
        'Explain the network of',
        'eq-source',
        SOURCES,
        s.spec.source,
        (v) => SOURCE_LABELS[v],
        (v) => this.onSource(v),
      ),
      el(
        'p',
        { className: 'eq-summary' },
        el('strong', { textContent: `${sizes.join(' → ')} units` }),
        el('br'),
        `${ACTIVATION_LABELS[t.activation as keyof typeof ACTIVATION_LABELS] ?? t.activation} hidden units, ${lossName} loss, ${OPTIMIZER_LABELS[t.optimizer as keyof typeof OPTIMIZER_LABELS] ?? t.optimizer}, η = ${t.learningRate}, batches of ${t.batchSize}, seed ${t.seed}.`,
        el('br'),
        el('span', { className: 'eq-muted', textContent: `Change it in the ${s.spec.source === 'points' ? 'Points' : 'Digits'} lab; this lab follows it.` }),
      ),
      select(
        'Layout of the equations',
        'eq-layout',
        LAYOUTS,
        s.layout,
        (l) => LAYOUT_LABELS[l],
        (layout) => {
          this.state = { ...this.state, layout };
          this.onState(this.state, 'layout');
        },
      ),
      el('h2', { textContent: 'Training' }),
      el('div', { className: 'cv-readout' }, el('div', {}, el('span', { textContent: 'Training loss' }), this.lossOut)),
      el('div', { className: 'chart-wrap' }, this.chart),
    );
    if (focused) document.getElementById(focused)?.focus(); // the keyboard stays where it was
  }

  setExplain(e: EqExplain): void {
    this.explain = e;
    const shape = (n: string) => e.shapes[n] ?? [];
    // the block diagram: input, each layer, the cost
    const sel = this.state.layer;
    const button = (key: Selection, title: string, tex: string, text: string) => {
      const b = el('button', { type: 'button', className: 'eq-block' });
      b.dataset.layer = String(key);
      b.setAttribute('aria-pressed', String(key === sel));
      b.ariaLabel = text;
      const math = el('span', { className: 'eq-block-math' });
      typeset(math, tex);
      b.append(el('span', { className: 'eq-block-title', textContent: title }), math);
      b.onclick = () => this.select(key);
      return b;
    };
    const input = el('div', { className: 'eq-block eq-input' });
    const xTex = el('span', { className: 'eq-block-math' });
    typeset(xTex, `X ${space(shape('X'))}`);
    input.append(el('span', { className: 'eq-block-title', textContent: 'Input' }), xTex);
    const blocks: HTMLElement[] = [input];
    for (const l of e.layers) {
      const last = l.index === e.layers.length;
      const W = `W${l.index}`;
      blocks.push(
        el('span', { className: 'eq-arrow', ariaHidden: 'true', textContent: '↓' }),
        button(
          l.index,
          `Layer ${l.index}: dense, ${l.units} unit${l.units === 1 ? '' : 's'}, ${l.activation}${last ? ' (output)' : ''}`,
          `${symbol(W)} ${space(shape(W))},\\; ${symbol(`A${l.index}`)} ${space(shape(`A${l.index}`))}`,
          `Layer ${l.index}: dense, ${l.inputs} inputs, ${l.units} units, ${l.activation}; W${l.index} is ${shape(W).join(' by ')}`,
        ),
      );
    }
    blocks.push(
      el('span', { className: 'eq-arrow', ariaHidden: 'true', textContent: '↓' }),
      button('J', `Cost: ${LOSS_TEXT[e.lossName] ?? e.lossName}`, `J ${space([])}`, `The cost J, ${LOSS_TEXT[e.lossName] ?? e.lossName}`),
    );
    this.layerList.replaceChildren(...blocks);
    // every equation, aligned, with its shape
    const row = (l: EqLine) => `${l.latex.replace(' = ', ' &= ')} &\\qquad& ${symbol(l.name)} ${space(shape(l.name))}`;
    const fwd = e.lines.filter((l) => l.role === 'forward' || l.role === 'cost').map(row);
    const bwd = e.lines.filter((l) => l.role === 'backward' || l.role === 'gradient').map(row);
    // one row per equation, a rule between the passes
    const body = fwd.join(' \\\\ ') + (bwd.length ? ` \\\\[3pt] \\hline \\rule{0pt}{1.5em}${bwd.join(' \\\\ ')}` : ''); // a strut: room under the rule
    typeset(this.all, `\\begin{alignedat}{2} ${body} \\end{alignedat}`, true);
    this.all.ariaLabel = `The ${e.lines.length} equations of the forward and backward pass`;
    this.header.textContent = e.header[1] ?? '';
    this.where.replaceChildren();
    if (e.derivatives.length) {
      this.where.append('where ');
      e.derivatives.forEach((d, i) => this.where.append(...(i ? ['; '] : []), el('span', { textContent: d })));
    }
    if (typeof sel === 'number' && sel > e.layers.length) this.state = { ...this.state, layer: e.layers.length };
    this.renderDetail();
  }

  private select(key: Selection): void {
    this.state = { ...this.state, layer: key };
    for (const b of this.layerList.querySelectorAll<HTMLButtonElement>('button.eq-block'))
      b.setAttribute('aria-pressed', String(b.dataset.layer === String(key)));
    this.renderDetail();
    this.onState(this.state, 'none');
  }

  /** The lines and quantities of the chosen layer. */
  private chosen(): { title: string; lines: EqLine[]; names: string[] } {
    const e = this.explain!;
    const key = this.state.layer;
    if (key === 'J') {
      const L = e.layers.length;
      const lines = e.lines.filter((l) => l.role === 'cost' || (l.role === 'backward' && l.layer === L));
      return { title: `The cost J: ${LOSS_TEXT[e.lossName] ?? e.lossName}`, lines, names: ['J', 'Y', `A${L}`, `dZ${L}`] };
    }
    const lines = e.lines.filter((l) => l.layer === key && l.role !== 'cost');
    const prev = key === 1 ? 'X' : `A${key - 1}`;
    const names = [prev, `W${key}`, `b${key}`, ...lines.map((l) => l.name)];
    const info = e.layers[key - 1];
    return { title: `Layer ${key}${info ? `: ${info.inputs} → ${info.units} units, ${info.activation}` : ''}`, lines, names: [...new Set(names)] };
  }

  private renderDetail(): void {
    if (!this.explain) return;
    const e = this.explain;
    const { title, lines } = this.chosen();
    const parts: HTMLElement[] = [el('h2', { id: 'eq-layer-title', textContent: title })];
    for (const role of ['forward', 'backward'] as const) {
      const mine = lines.filter((l) => (role === 'forward' ? l.role === 'forward' || l.role === 'cost' : l.role === 'backward' || l.role === 'gradient'));
      if (mine.length === 0) continue;
      parts.push(el('h3', { textContent: ROLE_TITLES[role] }));
      for (const l of mine) {
        const eq = el('div', { className: 'eq-line' });
        eq.dataset.name = l.name;
        typeset(eq, `${l.latex} \\qquad ${symbol(l.name)} ${space(e.shapes[l.name] ?? [])}`, true);
        parts.push(eq);
        if (l.note) parts.push(el('p', { className: 'eq-note', textContent: l.note }));
      }
    }
    this.detailBody.replaceChildren(...parts);
    this.dirtyNumbers = true;
  }

  setSnapshot(s: EqSnapshot): void {
    this.snapshot = s;
    for (const h of s.history) this.history.push({ x: h.step, y: h.loss });
    if (this.history.length > 4000) this.history.splice(0, this.history.length - 4000);
    this.dirtyNumbers = true;
  }

  /** A new network: the loss history starts again. */
  clear(): void {
    this.history = [];
    this.snapshot = null;
  }

  frame(): void {
    if (!this.dirtyNumbers || !this.snapshot || !this.explain) return;
    this.dirtyNumbers = false;
    const s = this.snapshot;
    this.lossOut.textContent = Number.isFinite(s.loss) ? s.loss.toFixed(4) : '—';
    this.lossOut.dataset.value = String(s.loss);
    this.lossOut.dataset.step = String(s.steps);
    drawChart(this.chart, { series: [{ label: 'training loss', color: '#1f2933', points: this.history }], xLabel: 'step', yLabel: 'loss J', yMin: 0 });
    const { names } = this.chosen();
    const figures = names
      .filter((n) => s.values[n])
      .map((n) => {
        const q = s.values[n] as Quantity;
        const shown = this.explain!.shapes[n] ?? q.shape.map(String);
        const f = el('figure', { className: 'eq-q' });
        f.dataset.name = n;
        f.dataset.shape = q.shape.join('x');
        f.dataset.values = JSON.stringify(q.rows);
        const math = el('div', { className: 'eq-q-math' });
        typeset(math, `${symbol(n)} = ${matrix(q.rows, q.shape)}`, true);
        const cap = el('figcaption', {});
        const kind = el('span', {});
        typeset(kind, `${symbol(n)} ${space(shown)}${shown.includes('m') ? `,\\ m = ${this.explain!.batch}` : ''}`);
        cap.append(kind);
        if (q.shape.length > 0) {
          const norm = el('span', { className: 'eq-norm' });
          typeset(norm, `\\lVert ${symbol(n)} \\rVert = ${q.norm.toPrecision(3)}`);
          cap.append(norm);
        }
        f.append(cap, math);
        return f;
      });
    this.numbers.replaceChildren(
      el('p', {
        className: 'eq-muted',
        textContent: `Step ${s.steps}: a few entries of each quantity, on a batch of m = ${this.explain.batch} training examples (δ = dZ is the error signal the backward pass sends down).`,
      }),
      ...figures,
    );
    this.numbers.dataset.step = String(s.steps);
  }
}
