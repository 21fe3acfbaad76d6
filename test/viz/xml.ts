/**
 * A minimal, strict XML parser for checking the charts: it accepts the subset
 * of XML the charts write (elements, quoted attributes, text, the five
 * predefined entities and numeric character references) and throws on
 * anything malformed: unbalanced or crossed tags, a raw < or & in text or in
 * an attribute, an unknown entity, a duplicate attribute, more than one root.
 */
import assert from 'node:assert/strict';

/** A parsed element. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The decoded text directly inside this element. */
  text: string;
  parent: XmlElement | null;
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITY = /&(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function decode(raw: string, where: string): string {
  const stripped = raw.replace(ENTITY, '');
  if (stripped.includes('&')) throw new Error(`xml: a raw or unknown & in ${where}: ${JSON.stringify(raw.slice(0, 80))}`);
  if (stripped.includes('<')) throw new Error(`xml: a raw < in ${where}`);
  return raw.replace(ENTITY, (e) => {
    switch (e) {
      case '&lt;':
        return '<';
      case '&gt;':
        return '>';
      case '&amp;':
        return '&';
      case '&quot;':
        return '"';
      case '&apos;':
        return "'";
      default:
        return String.fromCodePoint(e[2] === 'x' ? parseInt(e.slice(3, -1), 16) : parseInt(e.slice(2, -1), 10));
    }
  });
}

/** Parses a document with one root element; throws if it is not well-formed. */
export function parseXml(src: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < src.length) {
    if (src[i] === '<') {
      if (src.startsWith('</', i)) {
        const m = NAME.exec(src.slice(i + 2));
        if (!m) throw new Error(`xml: bad closing tag at ${i}`);
        const end = src.indexOf('>', i);
        if (src.slice(i + 2 + m[0].length, end).trim() !== '') throw new Error(`xml: junk in closing tag at ${i}`);
        const open = stack.pop();
        if (!open || open.name !== m[0]) throw new Error(`xml: </${m[0]}> at ${i} closes <${open?.name ?? 'nothing'}>`);
        i = end + 1;
        continue;
      }
      if (root && stack.length === 0) throw new Error(`xml: a second root element at ${i}`);
      const m = NAME.exec(src.slice(i + 1));
      if (!m) throw new Error(`xml: bad tag at ${i}: ${JSON.stringify(src.slice(i, i + 20))}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '', parent: stack.at(-1) ?? null };
      i += 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(src.slice(i))![0];
        i += ws.length;
        if (src.startsWith('/>', i)) {
          i += 2;
          break;
        }
        if (src[i] === '>') {
          i += 1;
          stack.push(el);
          break;
        }
        if (!ws) throw new Error(`xml: attributes must be separated by white space at ${i}`);
        const a = /^([A-Za-z_][\w.:-]*)="([^"]*)"/.exec(src.slice(i));
        if (!a) throw new Error(`xml: bad attribute at ${i}: ${JSON.stringify(src.slice(i, i + 30))}`);
        if (a[1]! in el.attrs) throw new Error(`xml: duplicate attribute ${a[1]} on <${el.name}>`);
        el.attrs[a[1]!] = decode(a[2]!, `attribute ${a[1]}`);
        i += a[0].length;
      }
      if (el.parent) el.parent.children.push(el);
      else root = el;
      continue;
    }
    const next = src.indexOf('<', i);
    const raw = src.slice(i, next < 0 ? src.length : next);
    const top = stack.at(-1);
    if (top) top.text += decode(raw, `<${top.name}>`);
    else if (raw.trim() !== '') throw new Error(`xml: text outside the root: ${JSON.stringify(raw.slice(0, 40))}`);
    i = next < 0 ? src.length : next;
  }
  if (stack.length) throw new Error(`xml: <${stack.at(-1)!.name}> is never closed`);
  if (!root) throw new Error('xml: no root element');
  return root;
}

/** Every element below (and including) `el`, in document order. */
export function descendants(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(descendants)];
}

/** The elements named `name`, optionally only those whose class list includes `cls`. */
export function select(el: XmlElement, name: string, cls?: string): XmlElement[] {
  return descendants(el).filter((e) => e.name === name && (cls === undefined || (e.attrs.class ?? '').split(/\s+/).includes(cls)));
}

/** The elements named `name` inside an ancestor of class `cls`. */
export function within(el: XmlElement, cls: string, name: string): XmlElement[] {
  return descendants(el).filter((e) => {
    if (e.name !== name) return false;
    for (let p = e.parent; p; p = p.parent) if ((p.attrs.class ?? '').split(/\s+/).includes(cls)) return true;
    return false;
  });
}

/**
 * Parses an SVG chart and checks what every chart must satisfy: well-formed,
 * an <svg> root with the SVG namespace, a viewBox matching width and height, a
 * <title>, no "NaN"/"Infinity"/"undefined" anywhere, and every coordinate
 * (x, y, cx, cy, x1..y2, the far corner of each rect, each point of each path)
 * inside the viewBox.
 */
export function checkSvg(svg: string): { root: XmlElement; width: number; height: number } {
  const root = parseXml(svg);
  assert.equal(root.name, 'svg');
  assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
  const width = Number(root.attrs.width),
    height = Number(root.attrs.height);
  assert.ok(width > 0 && height > 0, 'width and height');
  assert.equal(root.attrs.viewBox, `0 0 ${root.attrs.width} ${root.attrs.height}`);
  assert.match(root.attrs['font-family'] ?? '', /system-ui, sans-serif/);
  assert.equal(root.children[0]?.name, 'title', 'the first child is a <title>');
  assert.ok(root.children[0]!.text.length > 0, 'the title is not empty');
  assert.doesNotMatch(svg, /NaN|Infinity|undefined|null/, 'no NaN, Infinity, undefined or null in the output');
  const inX = (v: number, what: string) => assert.ok(v >= -1e-9 && v <= width + 1e-9, `${what} = ${v} outside [0, ${width}]`);
  const inY = (v: number, what: string) => assert.ok(v >= -1e-9 && v <= height + 1e-9, `${what} = ${v} outside [0, ${height}]`);
  for (const e of descendants(root)) {
    const n = (k: string) => (e.attrs[k] === undefined ? undefined : Number(e.attrs[k]));
    for (const k of ['x', 'cx', 'x1', 'x2']) if (n(k) !== undefined) inX(n(k)!, `<${e.name}> ${k}`);
    for (const k of ['y', 'cy', 'y1', 'y2']) if (n(k) !== undefined) inY(n(k)!, `<${e.name}> ${k}`);
    if (e.name === 'rect') {
      inX(n('x')! + n('width')!, '<rect> right edge');
      inY(n('y')! + n('height')!, '<rect> bottom edge');
    }
    if (e.name === 'circle') {
      inX(n('cx')! - n('r')!, '<circle> left');
      inX(n('cx')! + n('r')!, '<circle> right');
      inY(n('cy')! - n('r')!, '<circle> top');
      inY(n('cy')! + n('r')!, '<circle> bottom');
    }
    if (e.name === 'path') {
      const d = e.attrs.d ?? '';
      assert.match(d, /^(?:[ML]-?[\d.]+ -?[\d.]+)+$/, 'path data is M and L commands');
      for (const [, x, y] of d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)) {
        inX(Number(x), 'path x');
        inY(Number(y), 'path y');
      }
    }
    for (const v of Object.values(e.attrs)) assert.ok(!/^-?\d/.test(v) || !Number.isNaN(parseFloat(v)));
  }
  return { root, width, height };
}
