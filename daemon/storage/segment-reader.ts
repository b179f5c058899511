import { open, type FileHandle } from 'node:fs/promises';
import { uncompressSync } from 'lz4-napi';
import { codes, SluiceError } from '../errors.js';
import { blockCrc } from '../../workers/encode/columns.js';
import { crc32 } from '../../workers/encode/crc32.js';
import {
  Codec,
  ColumnId,
  ColumnType,
  columnTypes,
  fixedWidth,
  kAbsent,
  kBlockColumnsOffset,
  kBlockCrcOffset,
  kBlockHeaderBytes,
  kBlockLengthOffset,
  kBlockMagic,
  kBlockMaxTimeOffset,
  kBlockMinTimeOffset,
  kBlockRowsOffset,
  kDirEntryBytes,
  kFileHeaderCrc,
  kFileHeaderFixed,
  kFileHourOffset,
  kFileMagic,
  kFileTenantLengthOffset,
  kFileTenantOffset,
  kFileVersionOffset,
  kFooterCrc,
  kFooterEntryBytes,
  kFooterFixed,
  kFooterMagic,
  kFormatVersion,
  kSuffixOfOriginal,
  kTrailerBytes,
  kTrailerMagic,
} from '../../workers/encode/format.js';

/** Where one block sits in its file, and what it holds. */
export interface BlockInfo {
  offset: number;
  length: number;
  rowCount: number;
  minTime: number;
  maxTime: number;
}

export interface SegmentInfo {
  path: string;
  tenant: string;
  hourStartMs: number;
  /** Blocks in file order. */
  blocks: BlockInfo[];
  totalRows: number;
  /** False while the writer runs, or when it died before closing. */
  hasFooter: boolean;
  /** Bytes after the last complete block that were not a footer. */
  tornBytes: number;
}

/** Headers are scanned through windows of this size. */
const kScanWindow = 64 * 1024;
const kExpectedTypes = new Map<number, ColumnType>(columnTypes);

/**
 * An open segment file. Works on files that are still being written or
 * whose writer was killed: without a footer it scans block headers from
 * the start and stops at the first incomplete or damaged tail block.
 */
export class SegmentReader {
  private constructor(
    private readonly handle: FileHandle,
    readonly info: SegmentInfo,
  ) {}

  /**
   * `checkTail` reads the last block of a file without footer in full
   * to check its CRC (a half-written tail is then left out); set it to
   * false to look at headers only.
   */
  static async open(path: string, checkTail = true): Promise<SegmentReader> {
    const handle = await open(path, 'r');
    try {
      const info = await readInfo(handle, path, checkTail);
      return new SegmentReader(handle, info);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Reads, checks and indexes one block; columns decode on demand. */
  async readBlock(block: BlockInfo): Promise<DecodedBlock> {
    const bytes = await readExactly(this.handle, block.offset, block.length);
    return DecodedBlock.from(bytes, `${this.info.path}@${block.offset}`);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Values of one variable-length column. */
export interface VarValues {
  data: Buffer;
  /** Byte length per row, kAbsent when the value is absent. */
  lengths: Uint32Array;
  /** Start offset in `data` per row. */
  starts: Uint32Array;
}

interface DirEntry {
  type: ColumnType;
  codec: number;
  raw: number;
  at: number;
  stored: number;
}

/** One block in memory, decompressing each column the first time asked. */
export class DecodedBlock {
  readonly rowCount: number;
  readonly minTime: number;
  readonly maxTime: number;
  private readonly entries = new Map<number, DirEntry>();
  private readonly cache = new Map<number, Buffer>();
  private readonly vars = new Map<number, VarValues>();

  private constructor(
    private readonly bytes: Buffer,
    private readonly where: string,
  ) {
    this.rowCount = bytes.readUInt32LE(kBlockRowsOffset);
    this.minTime = bytes.readDoubleLE(kBlockMinTimeOffset);
    this.maxTime = bytes.readDoubleLE(kBlockMaxTimeOffset);
  }

  static from(bytes: Buffer, where = 'block'): DecodedBlock {
    const problem = blockProblem(bytes, bytes.length);
    if (problem !== undefined) throw corrupt(`${where}: ${problem}`);

    const block = new DecodedBlock(bytes, where);
    block.index();
    return block;
  }

  f64(id: ColumnId): Float64Array {
    const raw = this.raw(id, ColumnType.f64);
    return new Float64Array(raw.buffer, raw.byteOffset, this.rowCount);
  }

  i16(id: ColumnId): Int16Array {
    const raw = this.raw(id, ColumnType.i16);
    return new Int16Array(raw.buffer, raw.byteOffset, this.rowCount);
  }

  u16(id: ColumnId): Uint16Array {
    const raw = this.raw(id, ColumnType.u16);
    return new Uint16Array(raw.buffer, raw.byteOffset, this.rowCount);
  }

  u8(id: ColumnId): Uint8Array {
    return this.raw(id, ColumnType.u8);
  }

  bytes32(id: ColumnId): Buffer {
    return this.raw(id, ColumnType.bytes32);
  }

  varBytes(id: ColumnId): VarValues {
    const cached = this.vars.get(id);
    if (cached !== undefined) return cached;

    const raw = this.raw(id, ColumnType.varBytes);
    const n = this.rowCount;
    const lengths = new Uint32Array(raw.buffer, raw.byteOffset, n);
    const starts = new Uint32Array(n);
    const data = raw.subarray(n * 4);

    // Tails of `original` (message only) take no bytes here.
    let at = 0;
    for (let i = 0; i < n; i++) {
      starts[i] = at;
      const len = lengths[i];
      if (len === kAbsent) continue;
      if (len < kSuffixOfOriginal) at += len;
      else if (id !== ColumnId.message) {
        throw corrupt(`${this.where}: column ${id} has a bad length`);
      }
    }
    if (at !== data.length) {
      throw corrupt(`${this.where}: column ${id} lengths do not add up`);
    }

    const values = id === ColumnId.message
      ? this.resolveSuffixes({ data, lengths, starts })
      : { data, lengths, starts };
    this.vars.set(id, values);
    return values;
  }

  /** Copies values stored as a tail of `original` into a plain column. */
  private resolveSuffixes(v: VarValues): VarValues {
    const n = this.rowCount;
    let size = 0;
    let refs = 0;
    for (let i = 0; i < n; i++) {
      const len = v.lengths[i];
      if (len === kAbsent) continue;
      if (len >= kSuffixOfOriginal) refs++;
      size += len & ~kSuffixOfOriginal;
    }
    if (refs === 0) return v;

    const original = this.varBytes(ColumnId.original);
    const data = Buffer.allocUnsafe(size);
    const lengths = new Uint32Array(n);
    const starts = new Uint32Array(n);
    let at = 0;

    for (let i = 0; i < n; i++) {
      const len = v.lengths[i];
      lengths[i] = len === kAbsent ? kAbsent : len & ~kSuffixOfOriginal;
      starts[i] = at;
      if (len === kAbsent) continue;

      const own = lengths[i];
      const fromOriginal = len >= kSuffixOfOriginal;
      const origLen = original.lengths[i];
      if (fromOriginal && (origLen === kAbsent || own > origLen)) {
        throw corrupt(`${this.where}: message refers past its original`);
      }
      const src = fromOriginal ? original.data : v.data;
      const from = fromOriginal
        ? original.starts[i] + origLen - own
        : v.starts[i];
      src.copy(data, at, from, from + own);
      at += own;
    }
    return { data, lengths, starts };
  }

  /** A var column value as UTF-8 text, undefined when absent. */
  string(id: ColumnId, row: number): string | undefined {
    const v = this.varBytes(id);
    const len = v.lengths[row];
    if (len === kAbsent) return undefined;

    const start = v.starts[row];
    return v.data.toString('utf8', start, start + len);
  }

  private index(): void {
    const b = this.bytes;
    const columns = b.readUInt16LE(kBlockColumnsOffset);
    let at = kBlockHeaderBytes + columns * kDirEntryBytes;

    for (let c = 0; c < columns; c++) {
      const d = kBlockHeaderBytes + c * kDirEntryBytes;
      const entry = {
        type: b[d + 1] as ColumnType,
        codec: b[d + 2],
        raw: b.readUInt32LE(d + 4),
        at,
        stored: b.readUInt32LE(d + 8),
      };
      at += entry.stored;
      this.entries.set(b[d], entry);
    }
    if (at !== b.length) {
      throw corrupt(`${this.where}: column sizes do not match the block`);
    }

    for (const [id, type] of columnTypes) {
      const e = this.entries.get(id);
      if (e === undefined) throw corrupt(`${this.where}: column ${id} missing`);
      if (e.type !== type) {
        throw corrupt(`${this.where}: column ${id} has type ${e.type}`);
      }
      this.checkRawLength(id, e);
    }
  }

  private checkRawLength(id: number, e: DirEntry): void {
    const width = fixedWidth(e.type);
    const ok = width > 0
      ? e.raw === width * this.rowCount
      : e.raw >= 4 * this.rowCount;
    if (!ok) throw corrupt(`${this.where}: column ${id} has a wrong size`);
  }

  private raw(id: number, type: ColumnType): Buffer {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;

    const e = this.entries.get(id) as DirEntry;
    if (e.type !== type) throw corrupt(`${this.where}: column ${id} type`);
    const stored = this.bytes.subarray(e.at, e.at + e.stored);

    const out = aligned(decompress(stored, e, this.where, id));
    this.cache.set(id, out);
    return out;
  }
}

function decompress(
  stored: Buffer,
  e: DirEntry,
  where: string,
  id: number,
): Buffer {
  if (e.codec === Codec.none) return stored;
  if (e.codec !== Codec.lz4) {
    throw new SluiceError(
      codes.storageVersion,
      `${where}: column ${id} uses codec ${e.codec}, unknown to this sluice`,
      { codec: e.codec },
    );
  }

  // lz4-napi's block output starts with the raw length (u32 LE).
  if (stored.length < 4 || stored.readUInt32LE(0) !== e.raw) {
    throw corrupt(`${where}: column ${id} has a bad LZ4 length prefix`);
  }
  let out: Buffer;
  try {
    out = uncompressSync(stored);
  } catch (err) {
    throw corrupt(`${where}: column ${id}: ${(err as Error).message}`);
  }
  if (out.length !== e.raw) throw corrupt(`${where}: column ${id} size`);
  return out;
}

/** Typed array views need offsets that are multiples of 8. */
function aligned(b: Buffer): Buffer {
  if (b.byteOffset % 8 === 0) return b;

  const copy = Buffer.allocUnsafeSlow(b.length);
  b.copy(copy);
  return copy;
}

/** Why `bytes` (first `available` of them present) is not a good block. */
function blockProblem(bytes: Buffer, available: number): string | undefined {
  if (available < kBlockHeaderBytes) return 'incomplete block header';
  if (bytes.readUInt32LE(0) !== kBlockMagic) return 'bad block magic';

  const length = bytes.readUInt32LE(kBlockLengthOffset);
  const columns = bytes.readUInt16LE(kBlockColumnsOffset);
  if (length < kBlockHeaderBytes + columns * kDirEntryBytes) {
    return 'bad block length';
  }
  if (available < length) return 'incomplete block';

  const stored = bytes.readUInt32LE(kBlockCrcOffset);
  if (blockCrc(bytes.subarray(0, length)) !== stored) return 'bad block CRC';
  return undefined;
}

function corrupt(message: string): SluiceError {
  return new SluiceError(codes.storageCorrupt, message);
}

async function readExactly(
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Buffer> {
  const out = Buffer.allocUnsafe(length);
  let done = 0;

  while (done < length) {
    const { bytesRead } = await handle.read(
      out, done, length - done, position + done,
    );
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? out : out.subarray(0, done);
}

async function readInfo(
  handle: FileHandle,
  path: string,
  checkTail: boolean,
): Promise<SegmentInfo> {
  const size = (await handle.stat()).size;
  const info: SegmentInfo = {
    path,
    tenant: '',
    hourStartMs: NaN,
    blocks: [],
    totalRows: 0,
    hasFooter: false,
    tornBytes: 0,
  };

  // A writer killed right after creating the file leaves it short.
  const head = await readExactly(handle, 0, Math.min(size, kScanWindow));
  const headerLength = readFileHeader(head, path, info);
  if (headerLength < 0) {
    info.tornBytes = size;
    return info;
  }

  if (await readFooter(handle, size, headerLength, info)) return info;
  await scanBlocks(handle, size, headerLength, info, checkTail);
  return info;
}

/** Fills tenant and hour; returns the header length, -1 when torn. */
function readFileHeader(head: Buffer, path: string, info: SegmentInfo): number {
  if (head.length < kFileHeaderFixed) return -1;
  if (!head.subarray(0, kFileMagic.length).equals(kFileMagic)) {
    throw corrupt(`${path} is not a sluice segment (bad magic)`);
  }

  const version = head.readUInt16LE(kFileVersionOffset);
  if (version !== kFormatVersion) {
    throw new SluiceError(
      codes.storageVersion,
      `${path} has segment format version ${version}; ` +
        `this sluice reads version ${kFormatVersion}`,
      { path, version },
    );
  }

  const nameLength = head.readUInt16LE(kFileTenantLengthOffset);
  const crcAt = kFileHeaderFixed + nameLength;
  if (head.length < crcAt + kFileHeaderCrc) return -1;
  if (crc32(head.subarray(0, crcAt)) !== head.readUInt32LE(crcAt)) {
    throw corrupt(`${path} has a damaged file header`);
  }

  info.hourStartMs = head.readDoubleLE(kFileHourOffset);
  info.tenant = head.toString('utf8', kFileTenantOffset, crcAt);
  return crcAt + kFileHeaderCrc;
}

/**
 * Uses the footer when the file ends with a trailer whose footer checks
 * out; anything less (a writer still running, a torn close) falls back
 * to scanning, so a damaged footer never hides blocks.
 */
async function readFooter(
  handle: FileHandle,
  size: number,
  headerLength: number,
  info: SegmentInfo,
): Promise<boolean> {
  if (size < headerLength + kTrailerBytes + kFooterFixed + kFooterCrc) {
    return false;
  }
  const trailer = await readExactly(handle, size - kTrailerBytes, kTrailerBytes);
  if (!trailer.subarray(4).equals(kTrailerMagic)) return false;

  const footerLength = trailer.readUInt32LE(0);
  const footerAt = size - kTrailerBytes - footerLength;
  if (footerAt < headerLength || footerLength < kFooterFixed + kFooterCrc) {
    return false;
  }

  const f = await readExactly(handle, footerAt, footerLength);
  const crcAt = footerLength - kFooterCrc;
  const count = f.readUInt32LE(4);
  if (
    f.readUInt32LE(0) !== kFooterMagic ||
    crcAt !== kFooterFixed + count * kFooterEntryBytes ||
    crc32(f.subarray(0, crcAt)) !== f.readUInt32LE(crcAt)
  ) {
    return false;
  }

  const blocks: BlockInfo[] = [];
  let expected = headerLength;
  for (let i = 0, at = kFooterFixed; i < count; i++) {
    const b = {
      offset: Number(f.readBigUInt64LE(at)),
      length: f.readUInt32LE(at + 8),
      rowCount: f.readUInt32LE(at + 12),
      minTime: f.readDoubleLE(at + 16),
      maxTime: f.readDoubleLE(at + 24),
    };
    if (b.offset !== expected) return false;
    expected += b.length;
    blocks.push(b);
    at += kFooterEntryBytes;
  }
  if (expected !== footerAt) return false;

  info.blocks = blocks;
  info.totalRows = Number(f.readBigUInt64LE(8));
  info.hasFooter = true;
  return true;
}

async function scanBlocks(
  handle: FileHandle,
  size: number,
  headerLength: number,
  info: SegmentInfo,
  checkTail: boolean,
): Promise<void> {
  let window: Buffer = Buffer.alloc(0);
  let windowAt = 0;
  let at = headerLength;

  while (at + kBlockHeaderBytes <= size) {
    if (at + kBlockHeaderBytes > windowAt + window.length) {
      windowAt = at;
      window = await readExactly(handle, at, Math.min(kScanWindow, size - at));
    }

    const h = window.subarray(at - windowAt);
    if (h.readUInt32LE(0) !== kBlockMagic) break;
    const length = h.readUInt32LE(kBlockLengthOffset);
    if (length < kBlockHeaderBytes || at + length > size) break;

    info.blocks.push({
      offset: at,
      length,
      rowCount: h.readUInt32LE(kBlockRowsOffset),
      minTime: h.readDoubleLE(kBlockMinTimeOffset),
      maxTime: h.readDoubleLE(kBlockMaxTimeOffset),
    });
    at += length;
  }

  // Only the last block can be half-written: a write that was cut off
  // keeps the length the header promised but not the bytes behind it.
  const last = info.blocks[info.blocks.length - 1];
  if (checkTail && last !== undefined) {
    const bytes = await readExactly(handle, last.offset, last.length);
    if (blockProblem(bytes, bytes.length) !== undefined) {
      info.blocks.pop();
      at = last.offset;
    }
  }

  for (const b of info.blocks) info.totalRows += b.rowCount;
  info.tornBytes = size - at;
}
