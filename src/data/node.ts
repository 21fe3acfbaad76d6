import { ArgumentError, NablaError } from '../core/errors.js';
import { nodeModules, zlibIfAvailable } from './node-modules.js';

/**
 * How much the file loaders (loadCsv, loadIdx, loadMnist, loadFashionMnist)
 * read at most, so that a huge file, a gzip bomb or a device such as
 * /dev/zero gives a clear error instead of exhausting memory. Set them for
 * every loader with {@link setReadLimits}, or per call where a loader takes them.
 */
export interface ReadLimits {
  /** The largest file read, and the largest content a gzipped file may inflate to, in bytes. Default 512 MiB. */
  maxBytes?: number;
  /**
   * How many times its own size a gzipped file may inflate to (at least
   * 64 MiB, at most maxBytes). Default 64: a 4 MiB file inflates to 256 MiB
   * at most, while data sets compress 2 to 20 times.
   */
  maxInflationRatio?: number;
  /** The longest line of a text file (CSV), in bytes. Default 1 MiB. */
  maxLineBytes?: number;
}

const MiB = 2 ** 20;
/** V8's longest string: text files beyond it cannot be decoded into one string. */
const MAX_STRING = 0x1fffffe8;
const DEFAULTS: Required<ReadLimits> = Object.freeze({ maxBytes: 512 * MiB, maxInflationRatio: 64, maxLineBytes: MiB });
let current: Required<ReadLimits> = DEFAULTS;

/** The limits in force: the defaults, overridden by setReadLimits, overridden by `opts`. */
export function readLimits(op: string, opts: ReadLimits = {}): Required<ReadLimits> {
  const out = { ...current };
  for (const key of Object.keys(DEFAULTS) as (keyof ReadLimits)[]) {
    const v = opts?.[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0) || (key !== 'maxInflationRatio' && !Number.isSafeInteger(v))) {
      throw new ArgumentError(`${op}: ${key} must be a positive ${key === 'maxInflationRatio' ? 'number' : 'integer'}, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  return out;
}

/**
 * Sets the read limits of every file loader (see {@link ReadLimits}); keys
 * left out keep their value. `setReadLimits(null)` restores the defaults.
 * Returns the previous limits.
 *
 *     nb.data.setReadLimits({ maxBytes: 4 * 2 ** 30 })   // allow files up to 4 GiB
 */
export function setReadLimits(limits: ReadLimits | null): Required<ReadLimits> {
  const previous = current;
  current = limits === null ? DEFAULTS : readLimits('setReadLimits', limits);
  return previous;
}

const size = (n: number) => (n >= MiB ? `${(n / MiB).toFixed(n % MiB ? 1 : 0)} MiB` : `${n} bytes`);

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * @internal Reads a whole regular file of at most `maxBytes`, with an error
 * that names the path when it is missing, unreadable, not a regular file
 * (a directory, a device such as /dev/zero, a FIFO: checked before opening)
 * or too big (checked before reading).
 */
export function readFileBytes(op: string, path: string, opts: ReadLimits = {}): Uint8Array {
  if (typeof path !== 'string' || path === '') throw new NablaError(`${op}: expected a file path, got ${JSON.stringify(path)}`);
  const { fs } = nodeModules(op);
  const { maxBytes } = readLimits(op, opts);
  const failed = (e: unknown): never => {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new NablaError(`${op}: file not found: ${path}`);
    if (code === 'EISDIR') throw new NablaError(`${op}: ${path} is a directory, not a file`);
    throw new NablaError(`${op}: cannot read ${path}: ${(e as Error).message}`);
  };
  let stat: import('node:fs').Stats;
  try {
    stat = fs.statSync(path);
  } catch (e) {
    return failed(e);
  }
  if (!stat.isFile()) throw new NablaError(`${op}: ${path} is ${kindOf(stat)}, not a regular file`);
  if (stat.size > maxBytes)
    throw new NablaError(
      `${op}: ${path} is ${size(stat.size)}, more than the limit of ${size(maxBytes)}; raise it with the maxBytes option or nb.data.setReadLimits({ maxBytes })`,
    );
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, 'r');
    const n = fs.fstatSync(fd).size;
    if (n > maxBytes) throw new NablaError(`${op}: ${path} grew to ${size(n)} while being opened, more than the limit of ${size(maxBytes)}`);
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const got = fs.readSync(fd, out, at, n - at, at);
      if (got === 0) break;
      at += got;
    }
    return at === n ? out : out.subarray(0, at);
  } catch (e) {
    if (e instanceof NablaError) throw e;
    return failed(e);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** @internal True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** @internal How many bytes `compressed` bytes of gzip data may inflate to: min(maxBytes, max(64 MiB, maxInflationRatio × compressed)). */
export function inflationLimit(op: string, compressed: number, opts: ReadLimits = {}): number {
  const l = readLimits(op, opts);
  return Math.min(l.maxBytes, Math.max(64 * MiB, Math.floor(l.maxInflationRatio * compressed)));
}

/** @internal Throws when `n` bytes of text are more than one JavaScript string can hold. */
export function textLimitError(op: string, n: number, what: string): void {
  if (n > MAX_STRING)
    throw new NablaError(`${op}: ${what} holds ${size(n)} of text, more than one JavaScript string can hold (${size(MAX_STRING)}); split the file`);
}

/**
 * @internal Decompresses gzip data, inflating at most
 * min(maxBytes, max(64 MiB, maxInflationRatio × its size)) bytes (zlib stops
 * as soon as the output passes the limit), with an error naming `what`
 * (a path, or 'the data') when it is corrupt, truncated or inflates too far.
 */
export function gunzip(op: string, bytes: Uint8Array, what: string, opts: ReadLimits = {}): Uint8Array {
  const zlib = zlibIfAvailable();
  if (!zlib)
    throw new NablaError(
      `${op}: ${what} is gzipped and decompressing it synchronously needs Node; in a browser use \`await ${op}Async(...)\`, which decompresses with DecompressionStream`,
    );
  const limit = inflationLimit(op, bytes.length, opts);
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: limit });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new NablaError(
        `${op}: ${what} inflates to more than ${size(limit)} (the limit for ${size(bytes.length)} of gzip data); if it is genuine, raise maxBytes or maxInflationRatio (nb.data.setReadLimits)`,
      );
    }
    throw new NablaError(`${op}: ${what} is not valid gzip data (truncated or corrupt?): ${(e as Error).message}`);
  }
}

/**
 * @internal Reads a text file (UTF-8, gzipped or not) within the limits:
 * the file and its inflated content at most maxBytes (and V8's longest
 * string), no line longer than maxLineBytes, checked before decoding.
 */
export function readTextFile(op: string, path: string, opts: ReadLimits = {}): string {
  let bytes = readFileBytes(op, path, opts);
  if (isGzip(bytes)) bytes = gunzip(op, bytes, path, opts);
  textLimitError(op, bytes.length, path);
  checkLineLengths(op, bytes, readLimits(op, opts).maxLineBytes, path);
  return new TextDecoder('utf-8').decode(bytes);
}

/** @internal Throws when a line of `bytes` (split at \n) is longer than `maxLineBytes`, naming its 1-based number. */
export function checkLineLengths(op: string, bytes: Uint8Array, maxLineBytes: number, what: string): void {
  let start = 0,
    line = 1;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (end - start > maxLineBytes) {
      throw new NablaError(
        `${op}: line ${line} of ${what} is longer than the limit of ${size(maxLineBytes)}; if it is genuine, raise maxLineBytes (nb.data.setReadLimits)`,
      );
    }
    start = end + 1;
    line++;
  }
}
