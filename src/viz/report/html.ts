/**
 * HTML building blocks of the report page: escaped text, tables, figures and
 * sections. The markup is also well-formed XML (void elements self-closed,
 * every attribute quoted), so a strict parser can check it.
 */
import { ArgumentError } from '../../core/errors.js';
import { escapeXml } from '../svg.js';

/** Text escaped for HTML content and attribute values (& < > " ', and characters XML forbids). */
export const esc = (text: string | number): string => escapeXml(String(text));

/** A number as the report prints it: 4 significant digits, no float noise, "1e-5" not "1e-05". */
export function formatValue(v: string | number): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4))).replace('e+', 'e');
}

/** A probability as a percentage with one decimal ("71.3%"). */
export const percent = (p: number): string => `${(100 * p).toFixed(1)}%`;

/** A `<table>` with a header row; cells are escaped text, or raw HTML when given as { html }. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number | { html: string })[])[], cls?: string): string {
  const cell = (c: string | number | { html: string }, tag: string) => `<${tag}>${typeof c === 'object' ? c.html : esc(formatValue(c))}</${tag}>`;
  return [
    `<table${cls ? ` class="${esc(cls)}"` : ''}>`,
    `<thead><tr>${headers.map((h) => cell(h, 'th')).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${r.map((c) => cell(c, 'td')).join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

/** A `<figure>` holding an inline SVG, with an optional caption. */
export function figure(svg: string, caption?: string): string {
  return `<figure>\n${svg.trim()}\n${caption ? `<figcaption>${esc(caption)}</figcaption>\n` : ''}</figure>`;
}

/** A `<section>` with an id (the navigation's anchor) and a heading. */
export function section(id: string, heading: string, body: readonly string[]): string {
  return [`<section id="${esc(id)}">`, `<h2>${esc(heading)}</h2>`, ...body.filter((s) => s !== ''), '</section>'].join('\n');
}

/**
 * Checks that `svg` is one SVG document fit to inline in a page that opens
 * from disk: it starts with <svg and ends with </svg>, and holds no script,
 * no foreignObject and no reference outside itself (href, url(...) other
 * than to #ids). Returns it without an XML declaration.
 */
export function inlineSvg(op: string, name: string, svg: unknown): string {
  if (typeof svg !== 'string') throw new ArgumentError(`${op}: ${name} must be an SVG document (a string), got ${typeof svg}`);
  const s = svg.replace(/^\s*<\?xml[^>]*\?>\s*/, '').trim();
  if (!s.startsWith('<svg') || !s.endsWith('</svg>')) throw new ArgumentError(`${op}: ${name} must be an SVG document, <svg ...>...</svg>`);
  if (/<script|<foreignObject|\son\w+\s*=/i.test(s))
    throw new ArgumentError(`${op}: ${name} holds a script, an event handler or a foreignObject; the report inlines plain SVG only`);
  if (/\bhref\s*=\s*["'](?!#)|url\(\s*["']?(?!#)/i.test(s))
    throw new ArgumentError(`${op}: ${name} refers to something outside itself (an href or url(...)); the report must open with no network`);
  return s;
}
