/**
 * CRC-32 (IEEE 802.3, the checksum of zip, gzip and PNG): the remainder of
 * the message polynomial over GF(2) modulo 0x04C11DB7, computed reflected with
 * the table of 0xEDB88320, initial value and final xor 0xFFFFFFFF. It detects
 * every error burst of up to 32 bits and every odd number of flipped bits.
 *
 *     crc32(bytes)                        // one block
 *     crc32(b2, crc32(b1))                // b1 then b2, the same as crc32 of the concatenation
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC-32 of `bytes`, continuing from `previous` (the CRC-32 of the bytes before them; 0 to start). */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
