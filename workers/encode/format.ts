/**
 * Byte layout of sluice segment files, shared by the column encoder (in
 * worker threads) and the segment writer and reader (in the daemon).
 * schemas/storage-format.md is the normative description; every number
 * here appears there.
 *
 * All integers and floats are little-endian.
 *
 *   segment file
 *   +-------------+---------+---------+-----+--------+---------+
 *   | file header | block 0 | block 1 | ... | footer | trailer |
 *   +-------------+---------+---------+-----+--------+---------+
 *                                            (written at close only)
 *
 *   file header                      block header (36 bytes)
 *    0  8  "SLUICSEG"                 0  4  "SLBK"
 *    8  2  u16 format version         4  4  u32 block length, all of it
 *   10  2  u16 tenant length n        8  4  u32 row count
 *   12  8  f64 hour start, ms        12  2  u16 column count c
 *   20  n  tenant, UTF-8             14  2  u16 reserved, 0
 *   20+n 4 u32 CRC-32 of [0, 20+n)   16  8  f64 min time, ms
 *                                    24  8  f64 max time, ms
 *                                    32  4  u32 CRC-32, see blockCrc
 *                                    36 12c column directory
 *                                    then the c payloads, in order
 *
 *   directory entry (12 bytes)       footer (20 + 32b bytes)
 *    0  1  u8 column id               0  4  "SLFT"
 *    1  1  u8 column type             4  4  u32 block count b
 *    2  1  u8 codec                   8  8  u64 total rows
 *    3  1  reserved, 0               16 32b block index entries
 *    4  4  u32 raw length            16+32b 4 u32 CRC-32 of the rest
 *    8  4  u32 stored length
 *                                    index entry (32 bytes)
 *   trailer (12 bytes)                0  8  u64 block offset in file
 *    0  4  u32 footer length          8  4  u32 block length
 *    4  8  "SLUICEND"                12  4  u32 row count
 *                                    16  8  f64 min time
 *                                    24  8  f64 max time
 */

export const kFormatVersion = 1;

export const kFileMagic = Buffer.from('SLUICSEG', 'latin1');
export const kFileHeaderFixed = 20;
export const kFileHeaderCrc = 4;
export const kFileVersionOffset = 8;
export const kFileTenantLengthOffset = 10;
export const kFileHourOffset = 12;
export const kFileTenantOffset = 20;
export const kMaxTenantBytes = 255;

/** "SLBK" read as a little-endian u32. */
export const kBlockMagic = 0x4b424c53;
export const kBlockHeaderBytes = 36;
export const kBlockLengthOffset = 4;
export const kBlockRowsOffset = 8;
export const kBlockColumnsOffset = 12;
export const kBlockMinTimeOffset = 16;
export const kBlockMaxTimeOffset = 24;
export const kBlockCrcOffset = 32;
export const kDirEntryBytes = 12;
export const kMaxBlockBytes = 0xffffffff;

/** "SLFT" read as a little-endian u32. */
export const kFooterMagic = 0x54464c53;
export const kFooterFixed = 16;
export const kFooterEntryBytes = 32;
export const kFooterCrc = 4;

export const kTrailerMagic = Buffer.from('SLUICEND', 'latin1');
export const kTrailerBytes = 12;

/** Length sentinel of a variable-length value the message did not carry. */
export const kAbsent = 0xffffffff;

/**
 * Flag in a `message` length: the value is the last (length & ~flag)
 * bytes of the same row's `original`, and no bytes of it are stored.
 * The MSG part usually ends the frame, so this halves what LZ4 sees.
 */
export const kSuffixOfOriginal = 0x80000000;

export const kHashBytes = 32;

export const enum ColumnType {
  f64 = 1,
  i16 = 2,
  u16 = 3,
  u8 = 4,
  /** 32 bytes per row. */
  bytes32 = 5,
  /** u32 length per row (kAbsent when absent), then the bytes. */
  varBytes = 6,
}

export const enum Codec {
  none = 0,
  /**
   * u32 raw length, then one LZ4 block (the LZ4 block format, not the
   * frame format), as lz4-napi's `compressSync` lays it out.
   */
  lz4 = 1,
}

export const enum ColumnId {
  eventTime = 1,
  received = 2,
  original = 3,
  hash = 4,
  message = 5,
  priority = 6,
  version = 7,
  hostname = 8,
  appname = 9,
  procid = 10,
  msgid = 11,
  structuredData = 12,
  sourceAddress = 13,
  sourcePort = 14,
  transport = 15,
  listener = 16,
  category = 17,
  eventType = 18,
  riskScore = 19,
  parseStatus = 20,
  format = 21,
  flags = 22,
}

/** Column id -> type, in the order the encoder writes them. */
export const columnTypes: ReadonlyArray<readonly [ColumnId, ColumnType]> = [
  [ColumnId.eventTime, ColumnType.f64],
  [ColumnId.received, ColumnType.f64],
  [ColumnId.original, ColumnType.varBytes],
  [ColumnId.hash, ColumnType.bytes32],
  [ColumnId.message, ColumnType.varBytes],
  [ColumnId.priority, ColumnType.i16],
  [ColumnId.version, ColumnType.i16],
  [ColumnId.hostname, ColumnType.varBytes],
  [ColumnId.appname, ColumnType.varBytes],
  [ColumnId.procid, ColumnType.varBytes],
  [ColumnId.msgid, ColumnType.varBytes],
  [ColumnId.structuredData, ColumnType.varBytes],
  [ColumnId.sourceAddress, ColumnType.varBytes],
  [ColumnId.sourcePort, ColumnType.u16],
  [ColumnId.transport, ColumnType.u8],
  [ColumnId.listener, ColumnType.varBytes],
  [ColumnId.category, ColumnType.varBytes],
  [ColumnId.eventType, ColumnType.varBytes],
  [ColumnId.riskScore, ColumnType.u8],
  [ColumnId.parseStatus, ColumnType.u8],
  [ColumnId.format, ColumnType.u8],
  [ColumnId.flags, ColumnType.u8],
];

/** Bytes per row of a fixed-width type; 0 for varBytes. */
export function fixedWidth(type: ColumnType): number {
  switch (type) {
    case ColumnType.f64:
      return 8;
    case ColumnType.i16:
    case ColumnType.u16:
      return 2;
    case ColumnType.u8:
      return 1;
    case ColumnType.bytes32:
      return kHashBytes;
    default:
      return 0;
  }
}
