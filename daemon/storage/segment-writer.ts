import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { codes, SluiceError } from '../errors.js';
import { crc32 } from '../../workers/encode/crc32.js';
import {
  kBlockHeaderBytes,
  kBlockLengthOffset,
  kBlockMagic,
  kBlockMaxTimeOffset,
  kBlockMinTimeOffset,
  kBlockRowsOffset,
  kFileHeaderCrc,
  kFileHeaderFixed,
  kFileHourOffset,
  kFileMagic,
  kFileTenantLengthOffset,
  kFileTenantOffset,
  kFileVersionOffset,
  kFooterEntryBytes,
  kFooterFixed,
  kFooterMagic,
  kFormatVersion,
  kTrailerBytes,
  kTrailerMagic,
} from '../../workers/encode/format.js';
import { hourDir, kHourMs, kSegmentSuffix, tenantProblem } from './layout.js';
import type { BlockSink } from './sink.js';

export interface SegmentStoreOptions {
  dataDir: string;
  /** How often dirty segments are fdatasync'ed; default 1000 ms. */
  fsyncIntervalMs?: number;
  /**
   * A segment is closed (footer written) once its hour has ended and it
   * has seen no block for this long; default 60 000 ms.
   */
  idleCloseMs?: number;
  /**
   * Segments open for append at once, default 128. Opening one more
   * closes the least recently appended, so a sender whose timestamps
   * span thousands of hours cannot use up the process's descriptors.
   */
  maxOpenSegments?: number;
  /**
   * Called for each failed file operation. The blocks queued for that
   * segment are lost; the next block for its hour opens a new file.
   */
  onError?: (err: Error) => void;
  /** Rows of `tenant` that reached the file (page cache, not yet fsync). */
  onWritten?: (tenant: string, rows: number) => void;
  /** Rows of `tenant` whose blocks a failed write lost. */
  onLost?: (tenant: string, rows: number) => void;
}

interface ResolvedOptions {
  dataDir: string;
  fsyncIntervalMs: number;
  idleCloseMs: number;
  maxOpenSegments: number;
  onError: ((err: Error) => void) | undefined;
  onWritten: ((tenant: string, rows: number) => void) | undefined;
  onLost: ((tenant: string, rows: number) => void) | undefined;
}

export interface SegmentStoreStats {
  openSegments: number;
  bytesWritten: number;
  blocksWritten: number;
  blocksLost: number;
  writeErrors: number;
}

const kDefaultFsyncMs = 1000;
const kDefaultIdleCloseMs = 60_000;
const kDefaultMaxOpenSegments = 128;

/** libuv writes at most IOV_MAX buffers per call; stay well below it. */
const kMaxBuffersPerWrite = 256;

let segmentSerial = 0;

/** One open segment file and the blocks waiting to reach it. */
class Segment {
  handle: FileHandle | undefined;
  readonly pending: Buffer[] = [];
  /** Rows of each pending buffer (0 for the file header). */
  readonly pendingRows: number[] = [];

  /** File offset the next queued buffer will land at. */
  queuedEnd = 0;
  written = 0;
  dirty = false;
  syncWanted = false;
  closeWanted = false;
  closed = false;
  failed = false;
  lastAppendMs = 0;

  /** Footer index: one entry per block, in file order. */
  readonly offsets: number[] = [];
  readonly lengths: number[] = [];
  readonly rows: number[] = [];
  readonly minTimes: number[] = [];
  readonly maxTimes: number[] = [];
  totalRows = 0;

  /** Settles when the current pump run has drained the queue. */
  drained: Promise<void> = Promise.resolve();
  pumping = false;

  constructor(
    readonly key: string,
    readonly tenant: string,
    readonly path: string,
    readonly hourStartMs: number,
  ) {}
}

/**
 * Appends encoded blocks to per-tenant, per-hour segment files.
 *
 * Durability: every block is handed to the kernel as soon as the file is
 * open, in append order (it survives the process being killed); dirty
 * files are fdatasync'ed every `fsyncIntervalMs` and at close, so a
 * power loss costs at most that window. The footer is written when a
 * segment closes: at `close()`, or once its hour has ended and it has
 * been idle for `idleCloseMs`. A file is never reopened; a late block
 * for a closed hour starts a new file.
 *
 * All I/O is asynchronous, so the event loop that also serves sockets is
 * never blocked; writes to one file are strictly ordered.
 */
export class SegmentStore implements BlockSink {
  private readonly options: ResolvedOptions;
  private readonly segments = new Map<string, Segment>();
  private readonly closing = new Set<Promise<void>>();
  private readonly timer: NodeJS.Timeout;
  private readonly errors: Error[] = [];
  private bytesWritten = 0;
  private blocksWritten = 0;
  private blocksLost = 0;
  private writeErrors = 0;
  private stopped = false;

  constructor(options: SegmentStoreOptions) {
    this.options = resolve(options);

    this.timer = setInterval(
      () => this.tick(Date.now()),
      this.options.fsyncIntervalMs,
    );
    this.timer.unref();
  }

  /**
   * Queues one block (from `BlockBuilder.encode`) for the segment of
   * `tenant` and the UTC hour starting at `hourStartMs`. The store keeps
   * a reference to `block`: do not modify it afterwards.
   */
  append(tenant: string, hourStartMs: number, bytes: Uint8Array): void {
    if (this.stopped) throw new Error('segment store is closed');
    const block = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const meta = checkBlock(block, hourStartMs);

    const key = `${tenant}\0${hourStartMs}`;
    let seg = this.segments.get(key);
    if (seg === undefined) {
      if (this.segments.size >= this.options.maxOpenSegments) {
        this.retire(this.leastRecent());
      }
      seg = this.openSegment(key, tenant, hourStartMs);
    }

    seg.offsets.push(seg.queuedEnd);
    seg.lengths.push(block.length);
    seg.rows.push(meta.rows);
    seg.minTimes.push(meta.minTime);
    seg.maxTimes.push(meta.maxTime);
    seg.totalRows += meta.rows;

    seg.pending.push(block);
    seg.pendingRows.push(meta.rows);
    seg.queuedEnd += block.length;
    seg.lastAppendMs = Date.now();
    this.kick(seg);
  }

  /** Waits for every queued block to be written and fdatasync'ed. */
  async flush(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const seg of this.segments.values()) {
      seg.syncWanted = true;
      this.kick(seg);
      waits.push(seg.drained);
    }

    await Promise.all(waits);
    await Promise.all([...this.closing]);
    this.throwErrors();
  }

  /** Writes all queued blocks, then footers; syncs and closes every file. */
  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);

    for (const seg of [...this.segments.values()]) this.retire(seg);
    while (this.closing.size > 0) await Promise.all([...this.closing]);
    this.throwErrors();
  }

  stats(): SegmentStoreStats {
    return {
      openSegments: this.segments.size,
      bytesWritten: this.bytesWritten,
      blocksWritten: this.blocksWritten,
      blocksLost: this.blocksLost,
      writeErrors: this.writeErrors,
    };
  }

  private openSegment(key: string, tenant: string, hour: number): Segment {
    const problem = tenantProblem(tenant);
    if (problem !== undefined) {
      throw new SluiceError(
        codes.storageCorrupt,
        `tenant ${JSON.stringify(tenant)} ${problem}; cannot name a directory`,
        { tenant },
      );
    }

    const now = Date.now();
    const name = `${now}-${process.pid}-${segmentSerial++}${kSegmentSuffix}`;
    const path = join(hourDir(this.options.dataDir, tenant, hour), name);
    const seg = new Segment(key, tenant, path, hour);

    const header = fileHeader(tenant, hour);
    seg.pending.push(header);
    seg.pendingRows.push(0);
    seg.queuedEnd = header.length;
    this.segments.set(key, seg);
    return seg;
  }

  private kick(seg: Segment): void {
    if (seg.pumping || seg.closed) return;

    seg.pumping = true;
    seg.drained = this.pump(seg);
  }

  /**
   * The only code that touches a segment's file: one run at a time per
   * segment, so writes stay in order without locks.
   */
  private async pump(seg: Segment): Promise<void> {
    try {
      if (seg.handle === undefined) {
        await mkdir(join(seg.path, '..'), { recursive: true });
        // 'wx': a segment name is never reused, so never truncate one.
        seg.handle = await open(seg.path, 'wx');
      }

      for (;;) {
        if (seg.pending.length > 0) await this.writePending(seg);
        else if (seg.syncWanted && seg.dirty) await this.sync(seg);
        else if (seg.closeWanted) await this.finish(seg);
        else break;
        if (seg.closed) break;
      }
    } catch (err) {
      await this.fail(seg, err as Error);
    } finally {
      seg.pumping = false;
      seg.syncWanted = false;
    }
  }

  private async writePending(seg: Segment): Promise<void> {
    const batch = seg.pending.slice(0, kMaxBuffersPerWrite);
    let bytes = 0;
    for (const b of batch) bytes += b.length;

    await writeAll(seg.handle as FileHandle, batch, seg.written);
    // Taken off the queue only once written: a failed write counts them.
    seg.pending.splice(0, batch.length);
    const rows = seg.pendingRows.splice(0, batch.length)
      .reduce((sum, n) => sum + n, 0);
    seg.written += bytes;
    seg.dirty = true;
    this.bytesWritten += bytes;
    if (rows > 0) this.options.onWritten?.(seg.tenant, rows);

    // The file header rides in the first batch; it is not a block.
    const blocks = seg.written === bytes ? batch.length - 1 : batch.length;
    this.blocksWritten += blocks;
  }

  private async sync(seg: Segment): Promise<void> {
    seg.dirty = false;
    await (seg.handle as FileHandle).datasync();
  }

  private async finish(seg: Segment): Promise<void> {
    const handle = seg.handle as FileHandle;
    const tail = footer(seg);

    await writeAll(handle, [tail], seg.written);
    seg.written += tail.length;
    this.bytesWritten += tail.length;
    await handle.datasync();

    seg.closed = true;
    seg.handle = undefined;
    await handle.close();
  }

  private async fail(seg: Segment, err: Error): Promise<void> {
    this.writeErrors++;
    // Until the first write lands, the file header is queued too.
    const header = seg.written === 0 && seg.pending.length > 0 ? 1 : 0;
    this.blocksLost += seg.pending.length - header;
    const rows = seg.pendingRows.reduce((sum, n) => sum + n, 0);
    seg.pending.length = 0;
    seg.pendingRows.length = 0;
    if (rows > 0) this.options.onLost?.(seg.tenant, rows);
    seg.failed = true;
    seg.closed = true;
    if (this.segments.get(seg.key) === seg) this.segments.delete(seg.key);

    const handle = seg.handle;
    seg.handle = undefined;
    if (handle !== undefined) await handle.close().catch(() => undefined);

    const wrapped = new SluiceError(
      codes.storageCorrupt,
      `writing segment ${seg.path} failed: ${err.message}`,
      { path: seg.path, cause: (err as NodeJS.ErrnoException).code },
    );
    if (this.options.onError !== undefined) this.options.onError(wrapped);
    else this.errors.push(wrapped);
  }

  /** Stops routing blocks to `seg` and writes its footer once drained. */
  private retire(seg: Segment): void {
    if (this.segments.get(seg.key) === seg) this.segments.delete(seg.key);
    if (seg.closed) return;

    seg.closeWanted = true;
    const done = (async () => {
      // A failed open leaves nothing to finish; the file may not exist.
      while (!seg.closed) {
        this.kick(seg);
        await seg.drained;
        if (seg.handle === undefined && seg.pending.length === 0) break;
      }
    })();

    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }

  private leastRecent(): Segment {
    let oldest: Segment | undefined;
    for (const seg of this.segments.values()) {
      if (oldest === undefined || seg.lastAppendMs < oldest.lastAppendMs) {
        oldest = seg;
      }
    }
    return oldest!;
  }

  private tick(now: number): void {
    for (const seg of [...this.segments.values()]) {
      const hourEnd = seg.hourStartMs + kHourMs;
      const quietSince = Math.max(seg.lastAppendMs, hourEnd);
      if (now - quietSince >= this.options.idleCloseMs) {
        this.retire(seg);
        continue;
      }

      if (seg.dirty) {
        seg.syncWanted = true;
        this.kick(seg);
      }
    }
  }

  private throwErrors(): void {
    if (this.errors.length === 0) return;

    const first = this.errors[0];
    this.errors.length = 0;
    throw first;
  }
}

function resolve(options: SegmentStoreOptions): ResolvedOptions {
  const fsyncIntervalMs = options.fsyncIntervalMs ?? kDefaultFsyncMs;
  const idleCloseMs = options.idleCloseMs ?? kDefaultIdleCloseMs;

  for (const [name, v] of [
    ['fsyncIntervalMs', fsyncIntervalMs],
    ['idleCloseMs', idleCloseMs],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) {
      throw new SluiceError(
        codes.configInvalid,
        `${name} ${v} must be a finite number of ms >= 0`,
        { [name]: v },
      );
    }
  }

  return {
    dataDir: options.dataDir,
    fsyncIntervalMs: Math.max(1, fsyncIntervalMs),
    idleCloseMs,
    maxOpenSegments: Math.max(1, options.maxOpenSegments ??
      kDefaultMaxOpenSegments),
    onError: options.onError,
    onWritten: options.onWritten,
    onLost: options.onLost,
  };
}

interface BlockMeta {
  rows: number;
  minTime: number;
  maxTime: number;
}

/**
 * Reads what the footer needs from a block header and rejects blocks a
 * reader would not find again: a wrong shape, or times outside the hour
 * directory it goes to (queries prune by that directory).
 */
function checkBlock(block: Buffer, hourStartMs: number): BlockMeta {
  if (
    block.length < kBlockHeaderBytes ||
    block.readUInt32LE(0) !== kBlockMagic ||
    block.readUInt32LE(kBlockLengthOffset) !== block.length
  ) {
    throw new SluiceError(codes.storageCorrupt, 'not an encoded block', {
      length: block.length,
    });
  }
  if (!isHourStart(hourStartMs)) {
    throw new SluiceError(
      codes.storageCorrupt,
      `hour start ${hourStartMs} is not a whole UTC hour in years 0-9999`,
      { hourStartMs },
    );
  }

  const rows = block.readUInt32LE(kBlockRowsOffset);
  const minTime = block.readDoubleLE(kBlockMinTimeOffset);
  const maxTime = block.readDoubleLE(kBlockMaxTimeOffset);
  if (!(minTime >= hourStartMs && maxTime < hourStartMs + kHourMs)) {
    throw new SluiceError(
      codes.storageCorrupt,
      `block times ${minTime}..${maxTime} fall outside the hour ` +
        `starting ${new Date(hourStartMs).toISOString()}`,
      { hourStartMs, minTime, maxTime },
    );
  }
  return { rows, minTime, maxTime };
}

const kMinHour = Date.parse('0000-01-01T00:00:00Z');
const kEndHour = Date.parse('+010000-01-01T00:00:00Z');

function isHourStart(ms: number): boolean {
  return Number.isInteger(ms) && ms % kHourMs === 0 && ms >= kMinHour &&
    ms < kEndHour;
}

function fileHeader(tenant: string, hourStartMs: number): Buffer {
  const name = Buffer.from(tenant, 'utf8');
  const crcAt = kFileHeaderFixed + name.length;
  const out = Buffer.alloc(crcAt + kFileHeaderCrc);

  kFileMagic.copy(out, 0);
  out.writeUInt16LE(kFormatVersion, kFileVersionOffset);
  out.writeUInt16LE(name.length, kFileTenantLengthOffset);
  out.writeDoubleLE(hourStartMs, kFileHourOffset);
  name.copy(out, kFileTenantOffset);
  out.writeUInt32LE(crc32(out.subarray(0, crcAt)), crcAt);
  return out;
}

/** Footer and trailer in one buffer. */
function footer(seg: Segment): Buffer {
  const count = seg.offsets.length;
  const crcAt = kFooterFixed + count * kFooterEntryBytes;
  const footerLength = crcAt + 4;
  const out = Buffer.alloc(footerLength + kTrailerBytes);

  out.writeUInt32LE(kFooterMagic, 0);
  out.writeUInt32LE(count, 4);
  out.writeBigUInt64LE(BigInt(seg.totalRows), 8);

  let at = kFooterFixed;
  for (let i = 0; i < count; i++) {
    out.writeBigUInt64LE(BigInt(seg.offsets[i]), at);
    out.writeUInt32LE(seg.lengths[i], at + 8);
    out.writeUInt32LE(seg.rows[i], at + 12);
    out.writeDoubleLE(seg.minTimes[i], at + 16);
    out.writeDoubleLE(seg.maxTimes[i], at + 24);
    at += kFooterEntryBytes;
  }

  out.writeUInt32LE(crc32(out.subarray(0, crcAt)), crcAt);
  out.writeUInt32LE(footerLength, footerLength);
  kTrailerMagic.copy(out, footerLength + 4);
  return out;
}

async function writeAll(
  handle: FileHandle,
  buffers: Buffer[],
  position: number,
): Promise<void> {
  let rest = buffers;
  let at = position;

  // writev may stop short (signals, quotas); carry on from where it did.
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest, at);
    if (bytesWritten === 0) throw new Error('write made no progress');
    at += bytesWritten;
    rest = skipBytes(rest, bytesWritten);
  }
}

function skipBytes(buffers: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < buffers.length && n >= buffers[i].length) {
    n -= buffers[i].length;
    i++;
  }
  if (i === buffers.length) return [];

  const rest = buffers.slice(i);
  rest[0] = rest[0].subarray(n);
  return rest;
}
