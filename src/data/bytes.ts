import { readBounded } from '../core/bytes.js';
import { ArgumentError, NablaError } from '../core/errors.js';
import { checkLineLengths, gunzip, inflationLimit, isGzip, readLimits, textLimitError, type ReadLimits } from './node.js';
import { zlibIfAvailable } from './node-modules.js';

/** What the parse functions accept as the contents of a file: its bytes. */
export type Bytes = Uint8Array | ArrayBuffer;

/** @internal `x` as a Uint8Array (a view of an ArrayBuffer, no copy), or an ArgumentError naming the op and the argument. */
export function asBytes(op: string, arg: string, x: unknown): Uint8Array {
  if (x instanceof Uint8Array) return x;
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  const what = x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x === 'object' ? ((x as object).constructor?.name ?? 'an object') : typeof x;
  throw new ArgumentError(`${op}: ${arg} must be the bytes of a file (a Uint8Array or an ArrayBuffer), got ${what}`);
}

/**
 * @internal Decompresses gzip data in any environment: Node's zlib where it
 * exists (see gunzip), otherwise the platform's DecompressionStream, read
 * chunk by chunk and stopped as soon as the output passes the same limit
 * (min(maxBytes, max(64 MiB, maxInflationRatio × the input size))), so that a
 * gzip bomb never inflates in memory.
 */
export async function gunzipAsync(op: string, bytes: Uint8Array, what: string, opts: ReadLimits = {}): Promise<Uint8Array> {
  if (zlibIfAvailable()) return gunzip(op, bytes, what, opts);
  const DS = (globalThis as { DecompressionStream?: typeof DecompressionStream }).DecompressionStream;
  if (!DS) throw new NablaError(`${op}: ${what} is gzipped and this environment has neither Node's zlib nor DecompressionStream; decompress it first`);
  const limit = inflationLimit(op, bytes.length, opts);
  return readBounded(
    new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DS('gzip')).getReader(),
    limit,
    () =>
      new NablaError(
        `${op}: ${what} inflates to more than ${limit} bytes (the limit for ${bytes.length} bytes of gzip data); if it is genuine, raise maxBytes or maxInflationRatio (nb.data.setReadLimits)`,
      ),
    (e) => new NablaError(`${op}: ${what} is not valid gzip data (truncated or corrupt?): ${(e as Error)?.message ?? String(e)}`),
  );
}

/** @internal The bytes, decompressed when gzipped (Node's zlib, or DecompressionStream in a page). */
export async function maybeGunzipAsync(op: string, bytes: Uint8Array, what: string, opts: ReadLimits = {}): Promise<Uint8Array> {
  return isGzip(bytes) ? gunzipAsync(op, bytes, what, opts) : bytes;
}

/**
 * @internal UTF-8 text of (uncompressed) bytes within the limits: at most
 * V8's longest string, no line longer than maxLineBytes, checked before decoding.
 */
export function textOf(op: string, bytes: Uint8Array, what: string, opts: ReadLimits = {}): string {
  textLimitError(op, bytes.length, what);
  checkLineLengths(op, bytes, readLimits(op, opts).maxLineBytes, what);
  return new TextDecoder('utf-8').decode(bytes);
}
