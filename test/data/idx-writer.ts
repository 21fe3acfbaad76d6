import { gzipSync } from 'node:zlib';

/** IDX type codes by name. */
export const IDX = { ubyte: 0x08, byte: 0x09, short: 0x0b, int: 0x0c, float: 0x0d, double: 0x0e } as const;
const SIZE: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

/** Encodes values as an IDX file (big-endian), optionally gzipped. */
export function encodeIdx(type: number, dims: number[], values: ArrayLike<number>, gzip = false): Buffer {
  const header = 4 + 4 * dims.length;
  const buf = Buffer.alloc(header + values.length * SIZE[type]!);
  buf[2] = type;
  buf[3] = dims.length;
  dims.forEach((d, i) => buf.writeUInt32BE(d, 4 + 4 * i));
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const at = header + i * SIZE[type]!;
    if (type === 0x08) buf.writeUInt8(v, at);
    else if (type === 0x09) buf.writeInt8(v, at);
    else if (type === 0x0b) buf.writeInt16BE(v, at);
    else if (type === 0x0c) buf.writeInt32BE(v, at);
    else if (type === 0x0d) buf.writeFloatBE(v, at);
    else buf.writeDoubleBE(v, at);
  }
  return gzip ? gzipSync(buf) : buf;
}
