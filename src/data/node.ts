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
  const fs = nodeBuiltin<NodeModules['fs']>('node:fs'), zlib = nodeBuiltin<NodeModules['zlib']>('node:zlib');
  if (!fs || !zlib) {
    throw new NablaError(`${op}: reading files needs Node (20.16 or later); in a browser, fetch the file and pass its contents to the parse function instead`);
  }
  return { fs, zlib };
}

/** @internal zlib when running in Node, or null (in a browser). */
export function zlibIfAvailable(): NodeModules['zlib'] | null {
  return nodeBuiltin<NodeModules['zlib']>('node:zlib') ?? null;
}

/** @internal Reads a whole file, with an error that names the path when it is missing or unreadable. */
export function readFileBytes(op: string, path: string): Uint8Array {
  if (typeof path !== 'string' || path === '') throw new NablaError(`${op}: expected a file path, got ${JSON.stringify(path)}`);
  const { fs } = nodeModules(op);
  try {
    return fs.readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new NablaError(`${op}: file not found: ${path}`);
    if (code === 'EISDIR') throw new NablaError(`${op}: ${path} is a directory, not a file`);
    throw new NablaError(`${op}: cannot read ${path}: ${(e as Error).message}`);
  }
}

/** @internal True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** @internal Decompresses gzip data, with an error naming `what` (a path, or 'the data') when it is corrupt or truncated. */
export function gunzip(op: string, bytes: Uint8Array, what: string): Uint8Array {
  const zlib = zlibIfAvailable();
  if (!zlib) throw new NablaError(`${op}: ${what} is gzipped and decompressing needs Node; decompress it first (DecompressionStream) in a browser`);
  try {
    return zlib.gunzipSync(bytes);
  } catch (e) {
    throw new NablaError(`${op}: ${what} is not valid gzip data (truncated or corrupt?): ${(e as Error).message}`);
  }
}
