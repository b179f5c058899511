import { endianness } from 'node:os';
import type { EventRow } from './row.js';
import { crc32 } from './crc32.js';
import { compressColumn } from './lz4.js';
import {
  Codec,
  columnTypes,
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
  kHashBytes,
  kMaxBlockBytes,
  kSuffixOfOriginal,
} from './format.js';

// Fixed-width columns are typed arrays handed to LZ4 as they are, so the
// bytes on disk are in host order. The format says little-endian.
if (endianness() !== 'LE') {
  throw new Error('sluice storage needs a little-endian host');
}

// Small to start with: a worker may keep a builder per tenant and hour.
const kInitialRows = 256;
const kInitialBytes = 4096;
const kMaxUtf8PerUnit = 3;

/** Below this many UTF-16 units a JS loop beats the native write call. */
const kShortString = 24;

/**
 * A growable buffer of u32 lengths plus the bytes they measure. The
 * values are written after `base` bytes of headroom, room for one u32
 * per row, so at encode time the lengths are copied in front of the
 * values and the raw column is one view: the values, the bulk of a
 * block, are never copied a second time.
 *
 *   data: | headroom (4 x row capacity) | values (used bytes) | free |
 *         0                             base
 */
class VarColumn {
  lengths = new Uint32Array(kInitialRows);
  base = kInitialRows * 4;
  data = Buffer.allocUnsafe(this.base + kInitialBytes);
  used = 0;

  reserve(bytes: number): void {
    const need = this.base + this.used + bytes;
    if (need <= this.data.length) return;

    let size = this.data.length * 2;
    while (size < need) size *= 2;
    this.moveValues(this.base, size);
  }

  growRows(rows: number): void {
    const next = new Uint32Array(rows);
    next.set(this.lengths);
    this.lengths = next;

    const base = rows * 4;
    this.moveValues(base, base + this.data.length - this.base);
  }

  private moveValues(base: number, size: number): void {
    const next = Buffer.allocUnsafe(size);
    this.data.copy(next, base, this.base, this.base + this.used);
    this.data = next;
    this.base = base;
  }

  absent(row: number): void {
    this.lengths[row] = kAbsent;
  }

  bytes(row: number, value: Uint8Array): void {
    this.reserve(value.length);
    this.data.set(value, this.base + this.used);
    this.used += value.length;
    this.lengths[row] = value.length;
  }

  string(row: number, value: string | undefined): void {
    if (value === undefined) {
      this.lengths[row] = kAbsent;
      return;
    }

    const n = value.length;
    this.reserve(n * kMaxUtf8PerUnit);
    const data = this.data;
    const at = this.base + this.used;

    // Most syslog fields are short ASCII: copy them unit by unit and only
    // fall back to the UTF-8 encoder when a non-ASCII unit shows up.
    let written = -1;
    if (n < kShortString) {
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        data[at + i] = c;
      }
      if (i === n) written = n;
    }
    if (written < 0) written = data.write(value, at, 'utf8');

    this.used += written;
    this.lengths[row] = written;
  }

  /** Like `string`, but refers to the tail of `original` when it is one. */
  suffixString(row: number, value: string, original: Uint8Array): void {
    const at = this.base + this.used;
    this.string(row, value);

    const n = this.base + this.used - at;
    const end = original.length;
    if (n === 0 || n > end) return;
    if (this.data.compare(original, end - n, end, at, at + n) !== 0) return;

    this.used = at - this.base;
    this.suffix(row, n);
  }

  /** The value is the last `n` bytes of the row's `original`. */
  suffix(row: number, n: number): void {
    // An empty value is stored as an empty value, as `suffixString` does.
    this.lengths[row] = n === 0 ? 0 : (n | kSuffixOfOriginal) >>> 0;
  }

  /** Lengths then data, as one contiguous raw column. */
  raw(rows: number): Buffer {
    const start = this.base - rows * 4;
    const lengths = Buffer.from(this.lengths.buffer, 0, rows * 4);
    lengths.copy(this.data, start);
    return this.data.subarray(start, this.base + this.used);
  }
}

/**
 * Collects event rows column by column and encodes them as one segment
 * block (see schemas/storage-format.md). Built for the worker hot path:
 * buffers are kept between blocks and grow by doubling, and `append`
 * allocates nothing per row.
 */
export class BlockBuilder {
  private rows = 0;
  private capacity = kInitialRows;
  private minTime = Infinity;
  private maxTime = -Infinity;

  private eventTime = new Float64Array(kInitialRows);
  private received = new Float64Array(kInitialRows);
  private priority = new Int16Array(kInitialRows);
  private version = new Int16Array(kInitialRows);
  private sourcePort = new Uint16Array(kInitialRows);
  private transport = new Uint8Array(kInitialRows);
  private riskScore = new Uint8Array(kInitialRows);
  private parseStatus = new Uint8Array(kInitialRows);
  private format = new Uint8Array(kInitialRows);
  private flags = new Uint8Array(kInitialRows);
  private hash = new Uint8Array(kInitialRows * kHashBytes);

  private original = new VarColumn();
  private message = new VarColumn();
  private hostname = new VarColumn();
  private appname = new VarColumn();
  private procid = new VarColumn();
  private msgid = new VarColumn();
  private structuredData = new VarColumn();
  private sourceAddress = new VarColumn();
  private listener = new VarColumn();
  private category = new VarColumn();
  private eventType = new VarColumn();

  private readonly varColumns = [
    this.original,
    this.message,
    this.hostname,
    this.appname,
    this.procid,
    this.msgid,
    this.structuredData,
    this.sourceAddress,
    this.listener,
    this.category,
    this.eventType,
  ];

  /** Rows appended since the last `reset`. */
  get rowCount(): number {
    return this.rows;
  }

  /** Uncompressed bytes held, to decide when a block is big enough. */
  get byteLength(): number {
    return this.rows * kFixedRowBytes + this.varBytesUsed();
  }

  /**
   * Copies one row; `row` may be reused by the caller afterwards.
   *
   * @param messageTail - When 0 or more, the caller vouches that the
   *   UTF-8 bytes of `row.parsed.message` are exactly the last
   *   `messageTail` bytes of `row.original`, so they are neither encoded
   *   nor compared. Leave it out when that is not known.
   */
  append(row: EventRow, messageTail = -1): void {
    if (this.rows === this.capacity) this.grow();
    const i = this.rows;
    const p = row.parsed;

    // The stored time range is of the value that becomes @timestamp:
    // the event time, or the receive time when the message has none.
    const time = Number.isNaN(p.timestamp) ? row.received : p.timestamp;
    if (time < this.minTime) this.minTime = time;
    if (time > this.maxTime) this.maxTime = time;

    this.eventTime[i] = p.timestamp;
    this.received[i] = row.received;
    this.priority[i] = p.priority;
    this.version[i] = p.version;
    this.sourcePort[i] = row.sourcePort;
    this.transport[i] = row.transport;
    this.riskScore[i] = row.riskScore;
    this.parseStatus[i] = p.status;
    this.format[i] = p.format;
    this.flags[i] = row.flags;
    this.hash.set(row.hash, i * kHashBytes);

    this.original.bytes(i, row.original);
    if (messageTail >= 0) this.message.suffix(i, messageTail);
    else this.message.suffixString(i, p.message, row.original);
    this.hostname.string(i, p.hostname);
    this.appname.string(i, p.appname);
    this.procid.string(i, p.procid);
    this.msgid.string(i, p.msgid);
    this.structuredData.string(i, p.structuredData);
    this.sourceAddress.string(i, row.sourceAddress);
    this.listener.string(i, row.listener);
    this.category.string(i, row.category);
    this.eventType.string(i, row.eventType);
    this.rows = i + 1;
  }

  /**
   * One complete block, ready to append to a segment file. The buffer
   * owns its whole ArrayBuffer (offset 0), so it can be transferred to
   * another thread. The builder keeps its rows until `reset`.
   */
  encode(): Buffer {
    if (this.rows === 0) throw new RangeError('cannot encode an empty block');
    const n = this.rows;

    const payloads: Buffer[] = [];
    const raws: number[] = [];
    const add = (raw: Buffer): void => {
      raws.push(raw.length);
      payloads.push(compressColumn(raw));
    };

    // Same order as columnTypes in format.ts.
    const varRaw = (c: VarColumn): Buffer => c.raw(n);
    add(view(this.eventTime, n * 8));
    add(view(this.received, n * 8));
    add(varRaw(this.original));
    add(view(this.hash, n * kHashBytes));
    add(varRaw(this.message));
    add(view(this.priority, n * 2));
    add(view(this.version, n * 2));
    add(varRaw(this.hostname));
    add(varRaw(this.appname));
    add(varRaw(this.procid));
    add(varRaw(this.msgid));
    add(varRaw(this.structuredData));
    add(varRaw(this.sourceAddress));
    add(view(this.sourcePort, n * 2));
    add(view(this.transport, n));
    add(varRaw(this.listener));
    add(varRaw(this.category));
    add(varRaw(this.eventType));
    add(view(this.riskScore, n));
    add(view(this.parseStatus, n));
    add(view(this.format, n));
    add(view(this.flags, n));

    return this.assemble(payloads, raws);
  }

  /** Drops all rows; buffers are kept for the next block. */
  reset(): void {
    this.rows = 0;
    this.minTime = Infinity;
    this.maxTime = -Infinity;
    for (const c of this.varColumns) c.used = 0;
  }

  private assemble(payloads: Buffer[], raws: number[]): Buffer {
    const columns = payloads.length;
    const dirBytes = columns * kDirEntryBytes;
    let length = kBlockHeaderBytes + dirBytes;
    for (const p of payloads) length += p.length;
    if (length > kMaxBlockBytes) {
      throw new RangeError(`block of ${length} bytes exceeds the u32 limit`);
    }

    const out = Buffer.allocUnsafeSlow(length);
    out.writeUInt32LE(kBlockMagic, 0);
    out.writeUInt32LE(length, kBlockLengthOffset);
    out.writeUInt32LE(this.rows, kBlockRowsOffset);
    out.writeUInt16LE(columns, kBlockColumnsOffset);
    out.writeUInt16LE(0, kBlockColumnsOffset + 2);
    out.writeDoubleLE(this.minTime, kBlockMinTimeOffset);
    out.writeDoubleLE(this.maxTime, kBlockMaxTimeOffset);

    let dir = kBlockHeaderBytes;
    let at = kBlockHeaderBytes + dirBytes;
    for (let c = 0; c < columns; c++) {
      const [id, type] = columnTypes[c];
      out[dir] = id;
      out[dir + 1] = type;
      out[dir + 2] = Codec.lz4;
      out[dir + 3] = 0;
      out.writeUInt32LE(raws[c], dir + 4);
      out.writeUInt32LE(payloads[c].length, dir + 8);
      payloads[c].copy(out, at);
      dir += kDirEntryBytes;
      at += payloads[c].length;
    }

    out.writeUInt32LE(blockCrc(out), kBlockCrcOffset);
    return out;
  }

  private varBytesUsed(): number {
    let sum = 0;
    for (const c of this.varColumns) sum += c.used;
    return sum;
  }

  private grow(): void {
    const rows = this.capacity * 2;
    this.eventTime = grown(this.eventTime, new Float64Array(rows));
    this.received = grown(this.received, new Float64Array(rows));
    this.priority = grown(this.priority, new Int16Array(rows));
    this.version = grown(this.version, new Int16Array(rows));
    this.sourcePort = grown(this.sourcePort, new Uint16Array(rows));
    this.transport = grown(this.transport, new Uint8Array(rows));
    this.riskScore = grown(this.riskScore, new Uint8Array(rows));
    this.parseStatus = grown(this.parseStatus, new Uint8Array(rows));
    this.format = grown(this.format, new Uint8Array(rows));
    this.flags = grown(this.flags, new Uint8Array(rows));
    this.hash = grown(this.hash, new Uint8Array(rows * kHashBytes));
    for (const c of this.varColumns) c.growRows(rows);
    this.capacity = rows;
  }
}

/** Fixed-width bytes per row plus the u32 length of each var column. */
const kFixedRowBytes = 8 + 8 + kHashBytes + 2 + 2 + 2 + 1 * 5 + 11 * 4;


function view(a: ArrayBufferView, bytes: number): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, bytes);
}

function grown<T extends { set(a: T): void }>(old: T, next: T): T {
  next.set(old);
  return next;
}

/**
 * CRC-32 of a block's header bytes before the CRC field, continued over
 * everything after it (directory and payloads).
 */
export function blockCrc(block: Uint8Array): number {
  const head = crc32(block.subarray(0, kBlockCrcOffset));
  return crc32(block.subarray(kBlockHeaderBytes), head);
}
