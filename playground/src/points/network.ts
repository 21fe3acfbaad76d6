// The network diagram: the input features, each hidden unit and the output
// as small heat maps, joined by links whose colour is the weight's sign and
// whose width is its size; buttons add and remove layers and units. The
// links are for the pointer (hover one for its weight); from the keyboard,
// Tab reaches every hidden and output unit, whose accessible name says its
// bias and every weight into it (refreshed at most every LABEL_MS).
import { FEATURES, FEATURE_LABELS, MAX_LAYERS, MAX_UNITS, type FeatureName, type PointsConfig } from './config.js';
import { drawProbabilityMap, drawUnitMap } from './plots.js';
import { CLASS_COLORS, css } from './colors.js';
import { el } from '../dom.js';
import type { PointsSnapshot } from './protocol.js';

const SVG = 'http://www.w3.org/2000/svg';

/** How often (at most) the units' accessible names follow training, in ms: a screen reader rereads a changed name. */
const LABEL_MS = 500;

const button = (text: string, label: string, onClick: () => void, disabled = false) =>
  el('button', { type: 'button', className: 'round', textContent: text, ariaLabel: label, title: label, disabled, onclick: onClick });

export class NetworkView {
  readonly root = el('div', { className: 'network' });
  private body = el('div', { className: 'net-body' });
  private svg = document.createElementNS(SVG, 'svg');
  /** Canvases by column (0: active features, then hidden layers, then the output). */
  private canvases: HTMLCanvasElement[][] = [];
  private links: SVGPathElement[][] = [];
  private config!: PointsConfig;
  private observer = new ResizeObserver(() => this.layoutLinks());
  /** The weight shown when the pointer is on a link: from → to and its value. */
  private readonly tip = el('div', { className: 'weight-tip', role: 'tooltip', hidden: true });
  private hovered: { l: number; k: number; x: number; y: number } | null = null;
  private lastWeights: PointsSnapshot['weights'] = [];
  /** The pending refresh of the units' accessible names, if any. */
  private labelTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly onConfig: (c: PointsConfig) => void) {
    this.svg.classList.add('links');
    this.svg.setAttribute('aria-hidden', 'true');
    this.observer.observe(this.body);
    this.body.addEventListener('pointerleave', () => this.hover(null));
  }

  /** Rebuilds the diagram for a config (its features and layers). */
  render(c: PointsConfig, classes: number): void {
    this.config = c;
    const set = (patch: Partial<PointsConfig>) => this.onConfig({ ...this.config, ...patch });
    const layers = c.layers;
    const head = el(
      'div',
      { className: 'net-head' },
      button('+', 'Add a hidden layer', () => set({ layers: [...layers, 2] }), layers.length >= MAX_LAYERS),
      button('−', 'Remove the last hidden layer', () => set({ layers: layers.slice(0, -1) }), layers.length === 0),
      el('span', { className: 'net-title', textContent: `${layers.length} hidden layer${layers.length === 1 ? '' : 's'}` }),
    );
    this.body.replaceChildren(this.svg, this.tip);
    this.hovered = null;
    this.canvases = [];
    // features: every feature is listed, the active ones feed the network
    const features = el('div', { className: 'col features' }, el('div', { className: 'col-head', textContent: 'Features' }));
    const active: HTMLCanvasElement[] = [];
    for (const f of FEATURES) {
      const on = c.features.includes(f);
      const id = `feature-${f}`;
      const canvas = el('canvas', { width: 80, height: 80, className: 'unit', role: 'img', ariaLabel: `Feature ${FEATURE_LABELS[f]} over the plane` });
      const box = el('input', {
        type: 'checkbox',
        id,
        checked: on,
        onchange: () => {
          const next: FeatureName[] = FEATURES.filter((g) => (g === f ? box.checked : c.features.includes(g)));
          if (next.length === 0) {
            box.checked = true;
            return;
          }
          set({ features: next });
        },
      });
      features.append(
        el('div', { className: `node feature${on ? '' : ' off'}` }, el('label', { htmlFor: id }, box, el('span', { textContent: FEATURE_LABELS[f] })), canvas),
      );
      if (on) active.push(canvas);
    }
    this.canvases.push(active);
    this.body.append(features);
    layers.forEach((units, l) => {
      const col = el('div', { className: 'col hidden' });
      col.append(
        el(
          'div',
          { className: 'col-head' },
          button('+', `Add a unit to hidden layer ${l + 1}`, () => set({ layers: layers.map((u, i) => (i === l ? u + 1 : u)) }), units >= MAX_UNITS),
          button('−', `Remove a unit from hidden layer ${l + 1}`, () => set({ layers: layers.map((u, i) => (i === l ? u - 1 : u)) }), units <= 1),
          el('span', { textContent: `${units} unit${units === 1 ? '' : 's'}` }),
        ),
      );
      const cs: HTMLCanvasElement[] = [];
      for (let u = 0; u < units; u++) {
        const canvas = el('canvas', {
          width: 80,
          height: 80,
          className: 'unit',
          id: `unit-${l + 1}-${u + 1}`,
          title: `Layer ${l + 1}, unit ${u + 1}`,
          role: 'img',
          tabIndex: 0,
        });
        col.append(el('div', { className: 'node' }, canvas));
        cs.push(canvas);
      }
      this.canvases.push(cs);
      this.body.append(col);
    });
    const outs = classes === 2 ? 1 : classes;
    const out = el('div', { className: 'col output-col' }, el('div', { className: 'col-head', textContent: 'Output' }));
    const oc: HTMLCanvasElement[] = [];
    for (let k = 0; k < outs; k++) {
      const canvas = el('canvas', {
        width: 80,
        height: 80,
        className: 'unit',
        id: `output-${k + 1}`,
        title: outs === 1 ? 'P(blue)' : `P(class ${k + 1})`,
        role: 'img',
        tabIndex: 0,
      });
      canvas.style.borderColor = outs === 1 ? '' : css(CLASS_COLORS[k]!);
      out.append(el('div', { className: 'node' }, canvas));
      oc.push(canvas);
    }
    this.canvases.push(oc);
    this.body.append(out);
    this.root.replaceChildren(head, this.body);
    this.lastWeights = [];
    this.writeLabels();
    this.buildLinks();
  }

  /**
   * Names every hidden and output unit for the keyboard and screen readers:
   * what it is, its bias and the weight of every link into it, from the last
   * snapshot (just what it is before the first).
   */
  private writeLabels(): void {
    if (this.labelTimer !== null) clearTimeout(this.labelTimer);
    this.labelTimer = null;
    for (let l = 1; l < this.canvases.length; l++) {
      const w = this.lastWeights[l - 1];
      this.canvases[l]!.forEach((c, j) => {
        const name = this.unitName(l, j);
        const outs = this.canvases[l]!.length;
        const what = l === this.canvases.length - 1 ? `${name}, ${outs === 1 ? 'P(blue)' : `P(class ${j + 1})`}` : `${name}, hidden layer ${l}, unit ${j + 1}`;
        if (!w || w.bias[j] === undefined) {
          c.ariaLabel = what;
          return;
        }
        const ins = [];
        for (let i = 0; i < w.inputs; i++) ins.push(`${this.unitName(l - 1, i)} → ${name} ${w.kernel[i * w.units + j]!.toFixed(4)}`);
        c.ariaLabel = `${what}: bias ${w.bias[j]!.toFixed(4)}; weights in: ${ins.join(', ')}`;
      });
    }
  }

  private buildLinks(): void {
    this.svg.replaceChildren();
    this.links = [];
    for (let l = 0; l + 1 < this.canvases.length; l++) {
      const ps: SVGPathElement[] = [];
      for (let i = 0; i < this.canvases[l]!.length; i++) {
        for (let j = 0; j < this.canvases[l + 1]!.length; j++) {
          const p = document.createElementNS(SVG, 'path');
          p.setAttribute('fill', 'none');
          p.setAttribute('stroke', '#ccc');
          p.setAttribute('stroke-width', '1');
          const at = { l, k: ps.length };
          p.addEventListener('pointermove', (e) => this.hover({ ...at, x: e.clientX, y: e.clientY }));
          p.addEventListener('pointerleave', () => this.hover(null));
          this.svg.append(p);
          ps.push(p);
        }
      }
      this.links.push(ps);
    }
    requestAnimationFrame(() => this.layoutLinks());
  }

  /** Places the links between the canvases' current positions. */
  private layoutLinks(): void {
    const box = this.body.getBoundingClientRect();
    this.svg.setAttribute('width', String(box.width));
    this.svg.setAttribute('height', String(box.height));
    for (let l = 0; l < this.links.length; l++) {
      const from = this.canvases[l]!.map((c) => c.getBoundingClientRect()),
        to = this.canvases[l + 1]!.map((c) => c.getBoundingClientRect());
      let k = 0;
      for (const a of from) {
        for (const b of to) {
          const x1 = a.right - box.left,
            y1 = a.top + a.height / 2 - box.top,
            x2 = b.left - box.left,
            y2 = b.top + b.height / 2 - box.top;
          const mx = (x1 + x2) / 2;
          this.links[l]![k++]!.setAttribute('d', `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`);
        }
      }
    }
  }

  /** The name of column l's unit i ('x₁', 'h¹₃', 'output'), for the weight tip. */
  private unitName(l: number, i: number): string {
    if (l === 0) return FEATURE_LABELS[this.config.features[i]!];
    const sup = String(l).replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]!);
    const sub = String(i + 1).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]!);
    return l === this.canvases.length - 1 ? (this.canvases[l]!.length === 1 ? 'the output' : `output ${i + 1}`) : `h${sup}${sub}`;
  }

  /** Shows (or hides) the tip for the link under the pointer: w[i→j] and its value, refreshed by every snapshot. */
  private hover(h: { l: number; k: number; x: number; y: number } | null): void {
    this.hovered = h;
    const w = h && this.lastWeights[h.l];
    if (!h || !w) {
      this.tip.hidden = true;
      return;
    }
    const i = Math.floor(h.k / w.units),
      j = h.k % w.units;
    const v = w.kernel[h.k]!;
    this.tip.textContent = `weight ${this.unitName(h.l, i)} → ${this.unitName(h.l + 1, j)}: ${v.toFixed(4)}`;
    const box = this.body.getBoundingClientRect();
    this.tip.style.left = `${h.x - box.left + 12}px`;
    this.tip.style.top = `${h.y - box.top + 12}px`;
    this.tip.hidden = false;
  }

  /** Draws a snapshot: unit maps and weights on the links. */
  update(s: PointsSnapshot): void {
    const last = s.maps.layers.length - 1;
    s.maps.layers.forEach((layer, l) => {
      const n = s.maps.res * s.maps.res;
      this.canvases[l]?.forEach((c, u) => {
        if (u >= layer.units) return;
        // the output layer's maps are probabilities; hidden units and features are scaled to their largest |value|
        if (l === last) drawProbabilityMap(c, s.maps.res, layer.values, u * n, layer.units === 1 ? null : u);
        else drawUnitMap(c, s.maps.res, layer.values, u * n);
      });
    });
    this.lastWeights = s.weights;
    if (this.hovered) this.hover(this.hovered);
    this.labelTimer ??= setTimeout(() => this.writeLabels(), LABEL_MS);
    s.weights.forEach((w, l) => {
      const ps = this.links[l];
      if (!ps || ps.length !== w.inputs * w.units) return;
      this.canvases[l + 1]?.forEach((c, j) => {
        const b = w.bias[j];
        if (b !== undefined) c.title = `${this.unitName(l + 1, j)}: bias ${b.toFixed(4)}`;
      });
      let big = 1e-6;
      for (const v of w.kernel) big = Math.max(big, Math.abs(v));
      const scale = Math.max(big, 1);
      // the path for input i → unit j is at i·units + j, as the kernel [in, out] is laid out
      for (let k = 0; k < ps.length; k++) {
        const v = w.kernel[k]!;
        const p = ps[k]!;
        p.setAttribute('stroke', css(CLASS_COLORS[v < 0 ? 0 : 1]!, 0.35 + 0.65 * Math.min(1, Math.abs(v) / scale)));
        p.setAttribute('stroke-width', (0.5 + 5 * Math.min(1, Math.abs(v) / scale)).toFixed(2));
      }
    });
  }
}
