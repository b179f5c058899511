import * as zlib from 'node:zlib';

/**
 * CRC-32 as in ISO 3309 / ITU-T V.42 (the zlib and gzip one: reflected
 * polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF).
 * Node gained a native `zlib.crc32` in 20.15; on older 20.x releases a
 * table-driven version in JavaScript computes the same values.
 */
export type Crc32 = (data: Uint8Array, previous?: number) => number;

const kPolynomial = 0xedb88320;

let table: Uint32Array | undefined;

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? kPolynomial ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** The JavaScript fallback, exported so tests can compare it. */
export function crc32Table(data: Uint8Array, previous = 0): number {
  table ??= makeTable();
  const t = table;
  let c = ~previous;

  for (let i = 0; i < data.length; i++) {
    c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  }
  return ~c >>> 0;
}

type NativeCrc32 = (data: Uint8Array, value?: number) => number;

const native = (zlib as unknown as { crc32?: NativeCrc32 }).crc32;

/** Continues `previous` (0 to start) over `data`. */
export const crc32: Crc32 =
  typeof native === 'function'
    ? (data, previous = 0) => native(data, previous)
    : crc32Table;
