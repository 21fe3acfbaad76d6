// Node's fs and zlib for the file loaders, kept in a module of their own so
// that the public declarations (data/node.d.ts) never name Node's types: a
// browser project's tsc needs no @types/node to read nabla's .d.ts files.
import { NablaError } from '../core/errors.js';
import { nodeBuiltin } from '../core/platform.js';

/** The Node built-ins the file loaders use. */
export interface NodeModules {
  fs: typeof import('node:fs');
  zlib: typeof import('node:zlib');
}

/**
 * @internal Node's fs and zlib, reached through `process.getBuiltinModule`
 * so that no static import of a Node module exists (the library also runs in
 * browsers). `op` names the caller in the error thrown outside Node.
 */
export function nodeModules(op: string): NodeModules {
  const fs = nodeBuiltin<NodeModules['fs']>('node:fs'),
    zlib = nodeBuiltin<NodeModules['zlib']>('node:zlib');
  if (!fs || !zlib) {
    throw new NablaError(`${op}: reading files needs Node (20.16 or later); in a browser, fetch the file and pass its contents to the parse function instead`);
  }
  return { fs, zlib };
}

/** @internal zlib when running in Node, or null (in a browser). */
export function zlibIfAvailable(): NodeModules['zlib'] | null {
  return nodeBuiltin<NodeModules['zlib']>('node:zlib') ?? null;
}
