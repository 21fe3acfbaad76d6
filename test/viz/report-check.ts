/**
 * Checks shared by the report page's tests: the page parses as well-formed
 * XML (after its doctype), every inline SVG passes checkSvg, and nothing in it
 * refers outside the page.
 */
import assert from 'node:assert/strict';
import { checkSvg, descendants, parseXml, type XmlElement } from './xml.js';

const NAMESPACES = ['http://www.w3.org/2000/svg', 'http://www.w3.org/1998/Math/MathML'];

/** The parsed page: `<!DOCTYPE html>` then one well-formed <html> element; each inline <svg> checked as a chart. */
export function parsePage(html: string): XmlElement {
  assert.ok(html.startsWith('<!DOCTYPE html>\n'), 'the page starts with the HTML5 doctype');
  const root = parseXml(html.slice('<!DOCTYPE html>\n'.length));
  assert.equal(root.name, 'html');
  assert.deepEqual(
    root.children.map((c) => c.name),
    ['head', 'body'],
  );
  const svgs = [...html.matchAll(/<svg\b[\s\S]*?<\/svg>/g)].map((m) => m[0]);
  assert.equal(svgs.length, descendants(root).filter((e) => e.name === 'svg').length, 'no nested <svg>');
  for (const svg of svgs) checkSvg(svg);
  return root;
}

/**
 * Nothing in the page loads anything: no script, link, img, iframe, object,
 * embed or base element; no src attribute; every href an in-page #anchor; no
 * http(s):// or // anywhere but the SVG and MathML namespace declarations; no
 * url(...), @import or fetch; and a Content-Security-Policy forbidding loads.
 */
export function checkSelfContained(html: string, root: XmlElement): void {
  const all = descendants(root);
  for (const e of all) {
    assert.ok(
      !['script', 'link', 'img', 'iframe', 'object', 'embed', 'base', 'audio', 'video', 'source', 'image', 'use', 'foreignObject'].includes(e.name),
      `no <${e.name}>`,
    );
    for (const [k, v] of Object.entries(e.attrs)) {
      assert.notEqual(k, 'src', `<${e.name}> has a src`);
      assert.ok(!/^on/i.test(k), `<${e.name}> has an event handler ${k}`);
      if (k === 'href' || k === 'xlink:href') assert.match(v, /^#[\w-]+$/, `<${e.name}> ${k}="${v}" is an in-page anchor`);
      if (k === 'xmlns') assert.ok(NAMESPACES.includes(v), `xmlns ${v}`);
      else assert.doesNotMatch(v, /https?:|\/\/|url\(/i, `<${e.name}> ${k}="${v}"`);
    }
  }
  const withoutNamespaces = NAMESPACES.reduce((s, ns) => s.split(`xmlns="${ns}"`).join(''), html);
  assert.doesNotMatch(withoutNamespaces, /https?:\/\/|url\(|@import|fetch\(|<script/i);
  const csp = all.find((e) => e.name === 'meta' && e.attrs['http-equiv'] === 'Content-Security-Policy');
  assert.match(csp?.attrs.content ?? '', /default-src 'none'/);
}

/** The ids of the page's sections, in order, and the navigation's anchors. */
export function sectionsOf(root: XmlElement): { ids: string[]; nav: string[] } {
  const all = descendants(root);
  return {
    ids: all.filter((e) => e.name === 'section').map((e) => e.attrs.id!),
    nav: all.filter((e) => e.name === 'a' && e.parent?.name === 'nav').map((e) => e.attrs.href!.slice(1)),
  };
}

/** The section with this id. */
export function sectionById(root: XmlElement, id: string): XmlElement {
  const s = descendants(root).find((e) => e.name === 'section' && e.attrs.id === id);
  assert.ok(s, `a section #${id}`);
  return s;
}

/** All text inside an element: its own text, then its children's (the parser keeps no interleaving). */
export function textOf(el: XmlElement): string {
  return el.text + el.children.map(textOf).join('');
}
