import { ArgumentError } from '../core/errors.js';
import { nodeBuiltin } from '../core/platform.js';

/** A URL object, or anything with an href (a URL, a Location, an anchor). */
export interface UrlLike {
  readonly href: string;
}

/** Where a model is saved to or loaded from, as {@link parseTarget} reads a string. */
export type ModelTarget =
  | { kind: 'path'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'indexeddb'; name: string }
  | { kind: 'downloads'; name: string };

const SCHEMES = "a file path (Node), 'indexeddb://name', 'downloads://name' (save), or an http(s):// or relative URL (load)";

/** True in a page or a worker with no Node file system: bare strings are then URLs, resolved against the page. */
function inPage(): boolean {
  return !nodeBuiltin('node:fs') && typeof (globalThis as { location?: { href?: unknown } }).location?.href === 'string';
}

/**
 * Reads a save or load target, following TF.js's URL schemes:
 * `indexeddb://name` (the browser's IndexedDB), `downloads://name` (a browser
 * download of name.nabla), `http://` and `https://` (fetch), `file://` (a
 * file, Node); any other string is a file path in Node and a URL relative to
 * the page in a browser. `op` names the caller in errors.
 */
export function parseTarget(op: string, target: unknown): ModelTarget {
  let s: string;
  if (typeof target === 'string') s = target;
  else if (target !== null && typeof target === 'object' && typeof (target as UrlLike).href === 'string') s = (target as UrlLike).href;
  else throw new ArgumentError(`${op}: expected ${SCHEMES}, got ${target === null ? 'null' : typeof target}`);
  if (s === '') throw new ArgumentError(`${op}: expected ${SCHEMES}, got an empty string`);
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/is.exec(s);
  if (m) {
    const scheme = m[1]!.toLowerCase(),
      rest = m[2]!;
    if (scheme === 'indexeddb') {
      if (rest === '') throw new ArgumentError(`${op}: 'indexeddb://' needs a model name: 'indexeddb://my-model'`);
      return { kind: 'indexeddb', name: rest };
    }
    if (scheme === 'downloads') {
      const name = rest === '' ? 'model' : rest;
      if (/[\\/]/.test(name)) throw new ArgumentError(`${op}: a downloads:// name is a file name, without folders: got ${JSON.stringify(name)}`);
      return { kind: 'downloads', name };
    }
    if (scheme === 'http' || scheme === 'https') return { kind: 'url', url: s };
    if (scheme === 'file') {
      const url = nodeBuiltin<typeof import('node:url')>('node:url');
      if (!url || !nodeBuiltin('node:fs')) throw new ArgumentError(`${op}: file:// URLs need Node; in a page use an http(s) URL, IndexedDB or downloads://`);
      return { kind: 'path', path: url.fileURLToPath(s) };
    }
    const hint = scheme === 'localstorage' ? " (localStorage is too small for weights: use 'indexeddb://')" : '';
    throw new ArgumentError(`${op}: unknown scheme '${scheme}://'${hint}; expected ${SCHEMES}`);
  }
  if (inPage()) return { kind: 'url', url: new URL(s, (globalThis as unknown as { location: { href: string } }).location.href).href };
  return { kind: 'path', path: s };
}
