/**
 * The building blocks shared by the charts: the SVG document, text escaping
 * and measuring, number formatting, "nice" tick values and colour maps.
 * Everything here is pure and deterministic: the same input gives the same
 * string, with no random ids, dates or dependencies.
 */
import { ArgumentError } from '../core/errors.js';

/** The font stack every chart uses. */
export const FONT_FAMILY = 'system-ui, sans-serif';
/** The colour of text and axes. */
export const INK = '#222222';
/** The colour of secondary text (tick labels, captions). */
export const MUTED = '#555555';
/** The colour of grid lines. */
export const GRID = '#e6e6e6';

/**
 * Escapes text for XML content and attribute values (& < > " '), and replaces
 * the characters XML 1.0 forbids (control characters other than tab, line
 * feed and carriage return, lone surrogates) with U+FFFD.
 */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** A coordinate for an attribute: rounded to 2 decimals, with no "-0" and no exponent. */
export function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** An estimate of the width in pixels of `text` at `fontSize` in a sans-serif font (0.6 em a character). */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.6;
}

/** How text is placed and drawn by {@link text}. */
export interface TextOptions {
  x: number;
  y: number;
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'normal' | 'bold';
  fill?: string;
  /** Degrees, clockwise, about (x, y). */
  rotate?: number;
  /** A class attribute. */
  cls?: string;
}

/** A `<text>` element with escaped content. */
export function text(content: string, o: TextOptions): string {
  const attrs = o.cls ? [`class="${escapeXml(o.cls)}"`] : [];
  attrs.push(`x="${num(o.x)}"`, `y="${num(o.y)}"`);
  if (o.size !== undefined) attrs.push(`font-size="${num(o.size)}"`);
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  if (o.weight === 'bold') attrs.push('font-weight="bold"');
  if (o.fill) attrs.push(`fill="${o.fill}"`);
  if (o.rotate) attrs.push(`transform="rotate(${num(o.rotate)} ${num(o.x)} ${num(o.y)})"`);
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

/** A `<line>` element. */
export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1, extra = ''): string {
  return `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" stroke="${stroke}" stroke-width="${num(width)}"${extra ? ` ${extra}` : ''}/>`;
}

/** A `<rect>` element. */
export function rect(x: number, y: number, width: number, height: number, fill: string, extra = ''): string {
  return `<rect x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(height)}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

/** The font size at which `content` fits in `maxWidth` pixels, at most `size` and at least `minSize`. */
export function fitFont(content: string, size: number, maxWidth: number, minSize = 9): number {
  const w = textWidth(content, size);
  return w <= maxWidth ? size : Math.max(minSize, Math.floor(((size * maxWidth) / w) * 10) / 10);
}

/** A chart title, bold and centred at the top; returns the element and the height it takes. */
export function titleBlock(title: string | undefined, width: number): { svg: string; height: number } {
  if (!title) return { svg: '', height: 0 };
  const size = fitFont(title, 16, width - 16, 10);
  return { svg: text(title, { x: width / 2, y: 8 + size, size, anchor: 'middle', weight: 'bold', fill: INK }), height: size + 14 };
}

/**
 * A complete standalone SVG document: the xmlns, viewBox, width and height,
 * a `<title>` (for accessibility and as the tooltip), a white background and
 * the body.
 */
export function svgDocument(width: number, height: number, title: string, body: readonly string[]): string {
  const w = num(width),
    h = num(height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-family="${FONT_FAMILY}" font-size="12" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>`,
    ...body.filter((s) => s !== ''),
    '</svg>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- ticks

/**
 * The "nice" tick step for a span split into about `count` intervals: 1, 2 or
 * 5 times a power of ten, returned as [step, inverse] where for steps below 1
 * `inverse` = 1/step exactly (so tick values are computed as i / inverse and
 * stay exact decimals) and is 0 otherwise.
 */
function tickIncrement(span: number, count: number): { step: number; inverse: number } {
  const raw = span / Math.max(1, count);
  const power = Math.floor(Math.log10(raw));
  const error = raw / 10 ** power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.SQRT2 ? 2 : 1;
  if (power >= 0) return { step: factor * 10 ** power, inverse: 0 };
  const inverse = 10 ** -power / factor;
  return { step: 1 / inverse, inverse };
}

/**
 * Round tick values inside [min, max]: about `count` of them, spaced by 1, 2
 * or 5 times a power of ten (for [0, 0.87]: 0, 0.2, 0.4, 0.6, 0.8). The values
 * are exact decimals (0.3, not 0.30000000000000004). Returns [] if the bounds
 * are not finite, [min] if min = max.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  if (min === max) return [min];
  const { step, inverse } = tickIncrement(max - min, count);
  const ticks: number[] = [];
  if (inverse) {
    const i0 = Math.ceil(min * inverse - 1e-9),
      i1 = Math.floor(max * inverse + 1e-9);
    for (let i = i0; i <= i1; i++) ticks.push(i / inverse);
  } else {
    const i0 = Math.ceil(min / step - 1e-9),
      i1 = Math.floor(max / step + 1e-9);
    for (let i = i0; i <= i1; i++) ticks.push(i * step);
  }
  return ticks.map((t) => (Object.is(t, -0) ? 0 : t));
}

/** The step between the values niceTicks(min, max, count) returns. */
export function niceTickStep(min: number, max: number, count = 5): number {
  if (!(max > min)) return 1;
  return tickIncrement(max - min, count).step;
}

/**
 * [min, max] widened outwards to multiples of the nice tick step, so that
 * the axis starts and ends on a tick ([0.03, 0.87] → [0, 1]). A zero-width
 * domain is widened by 1 (or by 10% of its value) each way first.
 */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  for (let pass = 0; pass < 2; pass++) {
    const { step, inverse } = tickIncrement(max - min, count);
    if (inverse) [min, max] = [Math.floor(min * inverse + 1e-9) / inverse, Math.ceil(max * inverse - 1e-9) / inverse];
    else [min, max] = [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step];
  }
  return [min, max];
}

const pow10 = (k: number) => Number((10 ** k).toPrecision(12));

/**
 * Tick values for a logarithmic axis over [min, max] (both > 0): the powers of
 * ten inside it, with 2 and 5 times them added when there are fewer than three
 * powers, and every other (or every third, ...) power when there are many.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) return [];
  const lo = Math.floor(Math.log10(min) + 1e-9),
    hi = Math.ceil(Math.log10(max) - 1e-9);
  const inside = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  const powers: number[] = [];
  for (let k = lo; k <= hi; k++) if (inside(pow10(k))) powers.push(k);
  let ticks: number[] = [];
  if (powers.length < 3) {
    for (let k = lo; k <= hi; k++) for (const m of [1, 2, 5]) ticks.push(Number((m * pow10(k)).toPrecision(12)));
  } else {
    const every = Math.ceil(powers.length / 8);
    ticks = powers.filter((k) => (k - powers[0]!) % every === 0).map(pow10);
  }
  const result = ticks.filter(inside);
  return result.length > 0 ? result : [min];
}

/**
 * A positive range [lo, hi] widened outwards to values 1, 2 or 5 times a power
 * of ten, for a logarithmic axis ([0.043, 2.1] → [0.02, 5]).
 */
export function niceLogDomain(lo: number, hi: number): [number, number] {
  const down = (v: number) => {
    const k = Math.floor(Math.log10(v) + 1e-9);
    const m = [5, 2, 1].find((f) => f * 10 ** k <= v * (1 + 1e-9)) ?? 1;
    return Number((m * pow10(k)).toPrecision(12));
  };
  const up = (v: number) => {
    const k = Math.floor(Math.log10(v) + 1e-9);
    const m = [1, 2, 5, 10].find((f) => f * 10 ** k >= v * (1 - 1e-9)) ?? 10;
    return Number((m * pow10(k)).toPrecision(12));
  };
  return [down(lo), up(hi)];
}

/** A number written briefly: at most 12 significant digits (no float noise), and "1e21" rather than "1e+21". */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const s = String(Number(v.toPrecision(12)));
  return s === '-0' ? '0' : s.replace('e+', 'e');
}

/**
 * A tick label: as many decimals as the tick step needs, the same for every
 * tick of an axis (step 0.2: "0.0", "0.2", ... "1.0"; step 20: "0", "20"),
 * and the shortest form for very large or very small steps.
 */
export function formatTick(v: number, step: number): string {
  const a = Math.abs(step);
  if (a >= 1e6 || a < 1e-4) return formatNumber(v);
  const decimals = Math.max(0, Math.ceil(-Math.log10(a) - 1e-9));
  const s = v.toFixed(Math.min(20, decimals));
  return /^-0(\.0*)?$/.test(s) ? '0' : s;
}

// ---------------------------------------------------------------- colours

type RGB = [number, number, number];

function parseHex(hex: string): RGB {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

/** An RGB triple (0..255) as "#rrggbb". */
export function toHex([r, g, b]: readonly number[]): string {
  const h = (c: number) =>
    Math.max(0, Math.min(255, Math.round(c)))
      .toString(16)
      .padStart(2, '0');
  return `#${h(r!)}${h(g!)}${h(b!)}`;
}

/** A colour map through evenly spaced hex stops, interpolated in RGB; t is clamped to [0, 1]. */
function ramp(stops: readonly string[]): (t: number) => string {
  const rgb = stops.map(parseHex);
  return (t: number) => {
    const u = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (rgb.length - 1);
    const i = Math.min(rgb.length - 2, Math.floor(u));
    const f = u - i;
    const a = rgb[i]!,
      b = rgb[i + 1]!;
    return toHex([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
  };
}

/** A sequential light→dark blue colour map for t in [0, 1] (ColorBrewer "Blues"). */
export const sequentialColor = ramp(['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b']);

const divergingRamp = ramp(['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#ffffff', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f']);

/** A diverging colour map for t in [-1, 1]: dark blue at -1, white at 0, dark red at +1 (ColorBrewer "RdBu", reversed). */
export function divergingColor(t: number): string {
  return divergingRamp((t + 1) / 2);
}

/** A grayscale colour for t in [0, 1]: white at 0 and black at 1 (ink on paper), or the reverse when `invert`. */
export function grayColor(t: number, invert = false): string {
  const u = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0));
  return toHex([0, 0, 0].map(() => 255 * (invert ? u : 1 - u)));
}

/**
 * A categorical palette of 20 distinguishable colours: Tableau's category10
 * followed by ten darker or lighter companions.
 */
export const CATEGORICAL: readonly string[] = Object.freeze([
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#ad494a',
  '#637939',
  '#e7ba52',
  '#7b4173',
  '#3182bd',
  '#843c39',
  '#31a354',
  '#d6616b',
  '#000000',
]);

/** The i-th colour of the categorical palette (cycling after 20). */
export function categoricalColor(i: number): string {
  return CATEGORICAL[((i % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length]!;
}

/** The WCAG relative luminance of a "#rrggbb" colour, in [0, 1]. */
export function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** White or near-black, whichever contrasts more with the background `hex`. */
export function contrastText(hex: string): string {
  const l = luminance(hex);
  // contrast ratio against white (1.05 / (l + 0.05)) versus against #111 (l + 0.05) / (0.0056 + 0.05)
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.0556 ? '#ffffff' : '#111111';
}

// ---------------------------------------------------------------- checks

/** Throws an ArgumentError naming `op` unless `v` is a positive finite number. */
export function checkPositive(op: string, name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new ArgumentError(`${op}: ${name} must be a positive number, got ${v}`);
}
