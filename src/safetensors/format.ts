// The safetensors format (Hugging Face's, the PyTorch world's weight files):
//
//   8 bytes   N, the header's length (unsigned 64-bit little-endian)
//   N bytes   the header, UTF-8 JSON: { name: { dtype, shape, data_offsets: [begin, end] }, ...,
//             "__metadata__"?: { string: string } }, padded with spaces
//   the rest  the byte buffer: each tensor's little-endian values at [begin, end) of it,
//             the tensors covering it exactly (no gaps, no overlaps)
//
// Files are untrusted: the header and every entry are validated against the
// bytes present before any tensor is allocated.
import { NablaError } from '../core/errors.js';
import type { DType } from '../core/dtype.js';
import { describe } from '../core/describe.js';
import { MAX_ELEMENTS } from '../core/shape.js';
import { Tensor, isTensor } from '../tensor/tensor.js';

/** A corrupt, truncated or foreign safetensors file. */
export class SafetensorsError extends NablaError {
  override name = 'SafetensorsError';
}

/** Headers larger than this are refused (the reference implementation's limit is 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of each safetensors dtype nabla reads, and the nabla dtype it becomes. */
const READ: Record<string, { bytes: number; dtype: DType }> = {
  F64: { bytes: 8, dtype: 'float64' },
  F32: { bytes: 4, dtype: 'float32' },
  F16: { bytes: 2, dtype: 'float32' },
  BF16: { bytes: 2, dtype: 'float32' },
  I64: { bytes: 8, dtype: 'int32' },
  I32: { bytes: 4, dtype: 'int32' },
  I16: { bytes: 2, dtype: 'int32' },
  I8: { bytes: 1, dtype: 'int32' },
  U8: { bytes: 1, dtype: 'int32' },
  U16: { bytes: 2, dtype: 'int32' },
  U32: { bytes: 4, dtype: 'int32' },
  U64: { bytes: 8, dtype: 'int32' },
  BOOL: { bytes: 1, dtype: 'bool' },
};
const WRITE: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

/** What decode returns: the tensors by name, and the string metadata. */
export interface SafetensorsData {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * The safetensors bytes of named tensors (float32 → F32, float64 → F64,
 * int32 → I32, bool → BOOL), with optional string metadata; tensors are laid
 * out in name order, the header padded to a multiple of 8 bytes.
 */
export function encodeSafetensors(tensors: Readonly<Record<string, Tensor>>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  if (tensors === null || typeof tensors !== 'object')
    throw new SafetensorsError(`safetensors.encode: argument tensors must be an object of tensors by name, got ${describe(tensors)}`);
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata))
      if (typeof v !== 'string') throw new SafetensorsError(`safetensors.encode: metadata '${k}' must be a string, got ${describe(v)}`);
    header['__metadata__'] = { ...metadata };
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    if (!isTensor(t)) throw new SafetensorsError(`safetensors.encode: '${name}' must be a Tensor, got ${describe(t)}`);
    if (name === '__metadata__') throw new SafetensorsError('safetensors.encode: no tensor may be named __metadata__');
    const bytes = t.storage.byteLength;
    header[name] = { dtype: WRITE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const raw = new TextEncoder().encode(json);
  const padded = Math.ceil(raw.length / 8) * 8;
  json += ' '.repeat(padded - raw.length);
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(new TextEncoder().encode(json), 8);
  let at = 8 + padded;
  for (const name of names) {
    const s = tensors[name]!.storage;
    out.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), at);
    at += s.byteLength;
  }
  return out;
}

interface Entry {
  name: string;
  kind: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * The tensors and metadata of a safetensors file. F32, F64 and I32 keep
 * their values; F16 and BF16 widen to float32; I64, U64 and the small
 * integer types become int32 (a value outside its range is an error naming
 * the tensor); BOOL stays bool. `source` names the file in messages.
 */
export function decodeSafetensors(bytes: Uint8Array | ArrayBuffer, source = 'the file'): SafetensorsData {
  const data = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  const fail = (why: string) => new SafetensorsError(`safetensors: ${source} ${why}`);
  if (!(data instanceof Uint8Array))
    throw new SafetensorsError(`safetensors.decode: argument bytes must be a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
  if (data.length < 8) throw fail(`is not a safetensors file (${data.length} bytes, fewer than the 8 of the header length)`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER_BYTES, data.length - 8))) {
    throw fail(
      n > BigInt(MAX_HEADER_BYTES)
        ? `declares a header of ${n} bytes, more than the limit of ${MAX_HEADER_BYTES} (not a safetensors file?)`
        : `is truncated: its header needs ${n} bytes, ${data.length - 8} remain`,
    );
  }
  const headerBytes = Number(n);
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(8, 8 + headerBytes));
    if (!text.startsWith('{')) throw new Error('it does not start with {');
    header = JSON.parse(text);
  } catch (e) {
    throw fail(`has a corrupt header (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw fail('has a header that is not a JSON object');
  const buffer = data.subarray(8 + headerBytes);
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw fail('has __metadata__ that is not an object');
      for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
        if (typeof s !== 'string') throw fail(`has metadata '${k}' that is not a string`);
        metadata[k] = s;
      }
      continue;
    }
    entries.push(entry(name, v, fail));
  }
  // the tensors tile the buffer exactly
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin !== at) throw fail(e.begin > at ? `leaves bytes ${at}..${e.begin} of its buffer to no tensor` : `has tensor '${e.name}' overlapping another`);
    at = e.end;
  }
  if (at !== buffer.length)
    throw fail(
      at > buffer.length
        ? `is truncated: its tensors need ${at} bytes of data, ${buffer.length} remain`
        : `has ${buffer.length - at} bytes after its last tensor`,
    );
  const tensors: Record<string, Tensor> = {};
  for (const e of entries) tensors[e.name] = read(e, buffer.subarray(e.begin, e.end), fail);
  return { tensors, metadata };
}

function entry(name: string, v: unknown, fail: (why: string) => SafetensorsError): Entry {
  const o = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (o === null || typeof o !== 'object') throw fail(`has entry '${name}' that is not an object`);
  const kind = o.dtype;
  if (typeof kind !== 'string') throw fail(`has tensor '${name}' with no dtype`);
  const spec = READ[kind];
  if (!spec) throw fail(`has tensor '${name}' of dtype ${kind}, which nabla does not read (F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL)`);
  const shape = o.shape;
  if (!Array.isArray(shape) || shape.length > 16 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw fail(`has tensor '${name}' with an invalid shape ${JSON.stringify(shape)}`);
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (size > MAX_ELEMENTS) throw fail(`has tensor '${name}' of ${size} elements, more than nabla's limit per tensor`);
  const off = o.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[1] < off[0])
    throw fail(`has tensor '${name}' with invalid data_offsets ${JSON.stringify(off)}`);
  const [begin, end] = off as [number, number];
  if (end - begin !== size * spec.bytes)
    throw fail(`has tensor '${name}' (${kind} [${shape.join(',')}]) with ${end - begin} bytes; it needs ${size * spec.bytes}`);
  return { name, kind, shape: shape as number[], begin, end };
}

/** Half precision to float: sign, 5 exponent bits, 10 fraction bits. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1,
    e = (h >> 10) & 0x1f,
    f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function read(e: Entry, raw: Uint8Array, fail: (why: string) => SafetensorsError): Tensor {
  const buf = new Uint8Array(raw).buffer; // an aligned copy
  const n = e.shape.reduce((a, b) => a * b, 1);
  const dv = new DataView(buf);
  switch (e.kind) {
    case 'F32':
      return new Tensor(new Float32Array(buf), e.shape);
    case 'F64':
      return new Tensor(new Float64Array(buf), e.shape);
    case 'I32':
      return new Tensor(new Int32Array(buf), e.shape);
    case 'BOOL':
      return new Tensor(
        new Uint8Array(buf).map((v) => (v ? 1 : 0)),
        e.shape,
      );
    case 'F16':
      return new Tensor(
        Float32Array.from({ length: n }, (_, i) => halfToFloat(dv.getUint16(2 * i, true))),
        e.shape,
      );
    case 'BF16': {
      // the top 16 bits of a float32
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = dv.getUint16(2 * i, true) << 16;
      return new Tensor(new Float32Array(bits.buffer), e.shape);
    }
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v =
      e.kind === 'I64'
        ? Number(dv.getBigInt64(8 * i, true))
        : e.kind === 'U64'
          ? Number(dv.getBigUint64(8 * i, true))
          : e.kind === 'U32'
            ? dv.getUint32(4 * i, true)
            : e.kind === 'I16'
              ? dv.getInt16(2 * i, true)
              : e.kind === 'U16'
                ? dv.getUint16(2 * i, true)
                : e.kind === 'I8'
                  ? dv.getInt8(i)
                  : dv.getUint8(i);
    if (v > 2147483647 || v < -2147483648) throw fail(`has tensor '${e.name}' (${e.kind}) holding ${v}, outside nabla's int32 range`);
    out[i] = v;
  }
  return new Tensor(out, e.shape);
}
