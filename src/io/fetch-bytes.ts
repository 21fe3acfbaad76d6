import { readBounded } from '../core/bytes.js';
import { ArgumentError } from '../core/errors.js';
import { ModelFileError } from './errors.js';

type Fetch = (url: string, init?: object) => Promise<Response>;

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');

/** A byte count for messages: 1234567 bytes (1.2 MiB). */
export const byteSize = (n: number) => (n >= 2 ** 20 ? `${n} bytes (${(n / 2 ** 20).toFixed(1)} MiB)` : `${n} bytes`);

/**
 * The body of `url`, fetched with the platform's fetch (a page, a worker,
 * Node 18+) and never more than `maxBytes`: a Content-Length above the limit
 * is refused before the body is read, and the body is read chunk by chunk and
 * dropped as soon as it passes the limit (a missing or false Content-Length,
 * a compressed transfer). A failed request or an HTTP error status is a
 * ModelFileError naming the URL. `init` is fetch's second argument (headers,
 * credentials, signal, ...).
 */
export async function fetchBytes(op: string, url: string, maxBytes: number, init?: object): Promise<Uint8Array> {
  const f = (globalThis as { fetch?: Fetch }).fetch;
  if (typeof f !== 'function') throw new ArgumentError(`${op}: loading ${url} needs fetch, which this environment lacks`);
  let res: Response;
  try {
    res = await f(url, init);
  } catch (e) {
    const cause = (e as { cause?: { message?: string } })?.cause?.message;
    throw new ModelFileError(oneLine(`${op}: could not fetch ${url}: ${(e as Error)?.message ?? String(e)}${cause ? ` (${cause})` : ''}`), { cause: e });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new ModelFileError(
      `${op}: ${url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${res.status === 404 ? ': no model there (is the URL right?)' : ''}`,
    );
  }
  const declared = res.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new ModelFileError(
      `${op}: ${url} is ${byteSize(Number(declared))} (its Content-Length), more than the limit of ${byteSize(maxBytes)}; raise it with the maxBytes option`,
    );
  }
  if (!res.body) return new Uint8Array(0);
  return readBounded(
    res.body.getReader(),
    maxBytes,
    () => new ModelFileError(`${op}: ${url} sent more than the limit of ${byteSize(maxBytes)}; raise it with the maxBytes option`),
    (e, total) => new ModelFileError(oneLine(`${op}: reading ${url} failed after ${total} bytes: ${(e as Error)?.message ?? String(e)}`), { cause: e }),
  );
}
