/** Byte arrays joined into one (the only one itself, uncopied). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Everything a stream reader yields, joined, but never more than `limit`
 * bytes: past it the stream is cancelled and `tooMuch()` thrown. An error
 * while reading becomes `failed(error, bytesReadSoFar)`. What a download or
 * a decompression in a page reads through, so that neither can exhaust memory.
 */
export async function readBounded(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limit: number,
  tooMuch: () => Error,
  failed: (e: unknown, total: number) => Error,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch (e) {
      throw failed(e, total);
    }
    if (r.done) break;
    total += r.value.length;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooMuch();
    }
    chunks.push(r.value);
  }
  return concatBytes(chunks);
}
