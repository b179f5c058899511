/**
 * A single-producer, multi-consumer ring of syslog frames in one
 * SharedArrayBuffer. The daemon's main thread copies each frame in with
 * its metadata; workers claim whole sealed batches with a compare-and-swap
 * and mark them done; the producer then reclaims their space. Nothing is
 * posted per message: a batch is announced by one piscina task.
 *
 *   0                64               64 + slots * 16          byteLength
 *   +----------------+-----------------+-------------------------------+
 *   | control        | batch slots     | data: records, 8-byte aligned |
 *   | Int32 x 16     | Int32 x 4 each  | never wrapping inside a batch |
 *   +----------------+-----------------+-------------------------------+
 *
 *   control: [0] sealed  batches sealed by the producer (wrapping int32)
 *            [1] claimed batches claimed by consumers (CAS)
 *            [2] released batches whose space the producer reclaimed
 *            [3] used bytes (for the fill gauge)
 *   slot:    [0] state (free, sealed, claimed, done) in the low byte,
 *                the claiming thread's id above it  [1] start offset
 *            [2] end offset  [3] record count
 *
 *   record:  0 i32 frame bytes     4 u16 tenant     6 u8 listener
 *            7 u8 flags            8 f64 received (ms since the epoch)
 *           16 u16 peer port      18 u8 address length  19 u8 transport
 *           20 peer address, ASCII, up to 48 bytes
 *           68 u32 origin id: equal ids have equal addresses, so a reader
 *              decodes an address string once per run of records
 *           72 frame bytes, padded to a multiple of 8
 *
 * schemas/ring-layout.md describes the same layout for other readers.
 */

export const kControlBytes = 64;
export const kSlotBytes = 16;
export const kRecordHeaderBytes = 72;
export const kAddressBytes = 48;

export const kSealedIndex = 0;
export const kClaimedIndex = 1;
export const kReleasedIndex = 2;
export const kUsedBytesIndex = 3;

export const kSlotState = 0;
export const kSlotStart = 1;
export const kSlotEnd = 2;
export const kSlotCount = 3;

export const enum SlotState { free = 0, sealed = 1, claimed = 2, done = 3 }
const kStateMask = 0xff;
/** Far longer than the two stores between a claim and its mark take. */
const kUnmarkedClaimMs = 5000;
const kClaimantShift = 8;

export const kOffFrameBytes = 0;
export const kOffTenant = 4;
export const kOffListener = 6;
export const kOffFlags = 7;
export const kOffReceived = 8;
export const kOffPeerPort = 16;
export const kOffAddressLength = 18;
export const kOffTransport = 19;
export const kOffAddress = 20;
export const kOffOriginId = 68;

/** Record flags, beside the stored RowFlag bits in the same byte. */
export const enum RecordFlag {
  truncated = 1,
  incomplete = 2,
  /** A health probe: proves the path through ring and worker, not stored. */
  probe = 128,
}

export const kDefaultSlots = 1024;

/** Where a frame came from; one object per connection, reused. */
export interface Origin {
  tenant: number;
  listener: number;
  transport: number;
  /** The peer address as ASCII bytes, at most `kAddressBytes`. */
  address: Buffer;
  port: number;
  /** Same id, same address: see `kOffOriginId`. */
  id: number;
}

let nextOriginId = 1;

/** A fresh id for a new connection or a newly seen UDP source. */
export function newOriginId(): number {
  const id = nextOriginId;
  nextOriginId = (nextOriginId + 1) >>> 0 || 1;
  return id;
}

export function addressBytes(address: string): Buffer {
  return Buffer.from(address.slice(0, kAddressBytes), 'latin1');
}

export interface RingOptions {
  dataBytes: number;
  slots?: number;
}

export function createRingBuffer(options: RingOptions): SharedArrayBuffer {
  const slots = options.slots ?? kDefaultSlots;
  const data = options.dataBytes & ~7;
  return new SharedArrayBuffer(kControlBytes + slots * kSlotBytes + data);
}

/** Buffer#copy is one native call; subarray + set allocates a view. */
function copy(
  src: Uint8Array, dst: Buffer, at: number, start: number, end: number,
): void {
  if (Buffer.isBuffer(src)) src.copy(dst, at, start, end);
  else dst.set(src.subarray(start, end), at);
}

function countMessages(view: DataView, start: number, end: number): number {
  let n = 0;
  for (let at = start; at < end;) {
    const length = view.getInt32(at + kOffFrameBytes, true);
    if ((view.getUint8(at + kOffFlags) & RecordFlag.probe) === 0) n++;
    at += align8(kRecordHeaderBytes + length);
  }
  return n;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** The producer side. Only the daemon's main thread may hold one. */
export class RingWriter {
  readonly capacity: number;
  readonly slots: number;
  readonly maxBatchMessages: number;
  readonly maxBatchBytes: number;
  private readonly control: Int32Array;
  private readonly slotView: Int32Array;
  private readonly data: Buffer;
  private readonly view: DataView;

  private head = 0;
  private tail = 0;
  /** Batches first seen claimed but unmarked, by batch number: see orphaned. */
  private readonly unmarked = new Map<number, number>();
  private openStart = 0;
  private openCount = 0;
  private openSince = 0;
  private sealed = 0;
  private released = 0;

  constructor(
    sab: SharedArrayBuffer, slots: number,
    maxBatchMessages: number, maxBatchBytes: number,
  ) {
    const dataStart = kControlBytes + slots * kSlotBytes;
    this.slots = slots;
    this.capacity = sab.byteLength - dataStart;
    this.control = new Int32Array(sab, 0, kControlBytes / 4);
    this.slotView = new Int32Array(sab, kControlBytes, slots * 4);
    this.data = Buffer.from(sab, dataStart, this.capacity);
    this.view = new DataView(sab, dataStart, this.capacity);
    this.maxBatchMessages = maxBatchMessages;
    this.maxBatchBytes = Math.min(maxBatchBytes, this.capacity >> 2);
  }

  /** Frames written and not yet sealed into a batch. */
  get pendingCount(): number {
    return this.openCount;
  }

  /** Time the open batch received its first frame (ms, monotonic-ish). */
  get pendingSince(): number {
    return this.openSince;
  }

  /** Bytes held by records not yet reclaimed, counting a wrap gap. */
  get usedBytes(): number {
    if (this.batchesInFlight === 0 && this.openCount === 0) return 0;
    if (this.head > this.tail) return this.head - this.tail;
    return this.capacity - this.tail + this.head;
  }

  /** Batches sealed since the start (wrapping int32). */
  get sealedCount(): number {
    return this.sealed;
  }

  /** Batches sealed and not yet reclaimed (queued or in work). */
  get batchesInFlight(): number {
    return (this.sealed - this.released) | 0;
  }

  /**
   * Copies `src[start, end)` into the ring. Returns the number of batches
   * sealed by this call (0 or 1, so the caller can dispatch work), or -1
   * when the ring is full: the caller keeps the frame and retries later.
   */
  write(
    origin: Origin, src: Uint8Array, start: number, end: number,
    received: number, flags: number,
  ): number {
    const length = end - start;
    const size = align8(kRecordHeaderBytes + length);
    let sealedNow = 0;

    let at = this.reserve(size);
    if (at === -2) {
      // The record fits only at the start: the open batch may not wrap.
      if (this.openCount > 0) {
        if (!this.seal()) return -1;
        sealedNow = 1;
      }
      this.head = 0;
      this.openStart = 0;
      at = 0;
    } else if (at < 0) {
      return -1;
    }

    this.writeHeader(at, origin, length, received, flags);
    copy(src, this.data, at + kRecordHeaderBytes, start, end);
    this.commit(at, size, received);

    if (this.openCount >= this.maxBatchMessages ||
        this.head - this.openStart >= this.maxBatchBytes) {
      if (this.seal()) sealedNow++;
    }
    return sealedNow;
  }

  private writeHeader(
    at: number, origin: Origin, length: number, received: number,
    flags: number,
  ): void {
    const v = this.view;
    v.setInt32(at + kOffFrameBytes, length, true);
    v.setUint16(at + kOffTenant, origin.tenant, true);
    v.setUint8(at + kOffListener, origin.listener);
    v.setUint8(at + kOffFlags, flags);
    v.setFloat64(at + kOffReceived, received, true);
    v.setUint16(at + kOffPeerPort, origin.port, true);
    v.setUint8(at + kOffTransport, origin.transport);
    v.setUint8(at + kOffAddressLength, origin.address.length);
    v.setUint32(at + kOffOriginId, origin.id, true);
    origin.address.copy(this.data, at + kOffAddress);
  }

  private commit(at: number, size: number, received: number): void {
    if (this.openCount === 0) {
      this.openStart = at;
      this.openSince = received;
    }
    this.head = at + size;
    this.openCount++;
  }

  /**
   * Offset for `size` contiguous bytes, -2 when they fit only after
   * wrapping to the start, -1 when the ring is full. `head === tail`
   * means empty: a write never lets head catch up with tail.
   */
  private reserve(size: number): number {
    if (this.batchesInFlight === 0 && this.openCount === 0) {
      this.head = 0;
      this.tail = 0;
    }
    if (this.head >= this.tail) {
      if (this.head + size <= this.capacity) return this.head;
      return size < this.tail ? -2 : -1;
    }
    return this.head + size < this.tail ? this.head : -1;
  }

  /** Seals the open batch for the consumers; false if no slot is free. */
  seal(): boolean {
    if (this.openCount === 0) return false;
    if (this.batchesInFlight >= this.slots) return false;

    const base = ((this.sealed >>> 0) % this.slots) * 4;
    const s = this.slotView;
    s[base + kSlotStart] = this.openStart;
    s[base + kSlotEnd] = this.head;
    s[base + kSlotCount] = this.openCount;
    Atomics.store(s, base + kSlotState, SlotState.sealed);

    this.sealed = (this.sealed + 1) | 0;
    Atomics.store(this.control, kSealedIndex, this.sealed);
    this.openCount = 0;
    this.openStart = this.head;
    Atomics.store(this.control, kUsedBytesIndex, this.usedBytes);
    return true;
  }

  /**
   * Reclaims the space of batches the workers finished, oldest first.
   * Returns how many were reclaimed. Out-of-order completions wait until
   * every older batch is done, so the free region stays contiguous.
   */
  reclaim(): number {
    const s = this.slotView;
    let n = 0;
    while (this.batchesInFlight > 0) {
      const base = ((this.released >>> 0) % this.slots) * 4;
      if (Atomics.load(s, base + kSlotState) !== SlotState.done) break;

      Atomics.store(s, base + kSlotState, SlotState.free);
      this.unmarked.delete(this.released);
      this.released = (this.released + 1) | 0;
      Atomics.store(this.control, kReleasedIndex, this.released);
      n++;
    }
    if (n > 0) {
      this.tail = this.oldestStart();
      Atomics.store(this.control, kUsedBytesIndex, this.usedBytes);
    }
    return n;
  }

  /**
   * Batches claimed by a thread that is no longer alive would hold their
   * space forever and stall the ring behind them. Marks them done and
   * returns how many records they held, to be counted as lost.
   */
  abandonClaims(alive: ReadonlySet<number>, now = Date.now()): number {
    const s = this.slotView;
    const claimed = Atomics.load(this.control, kClaimedIndex);
    let lost = 0;
    for (let i = 0; i < this.batchesInFlight; i++) {
      const batch = (this.released + i) | 0;
      const base = ((batch >>> 0) % this.slots) * 4;
      const word = Atomics.load(s, base + kSlotState);
      if (!this.orphaned(batch, word, claimed, alive, now)) continue;

      if (Atomics.compareExchange(s, base + kSlotState, word,
        SlotState.done) === word) {
        lost += countMessages(this.view, s[base + kSlotStart]!,
          s[base + kSlotEnd]!);
        this.unmarked.delete(batch);
      }
    }
    return lost;
  }

  /**
   * Claimed by a thread that is gone; or counted as claimed but still
   * marked sealed for longer than kUnmarkedClaimMs, which happens only
   * when a worker died between its compare-and-swap and its next store.
   */
  private orphaned(
    batch: number, word: number, claimed: number,
    alive: ReadonlySet<number>, now: number,
  ): boolean {
    const state = word & kStateMask;
    if (state === SlotState.claimed) {
      return !alive.has(word >>> kClaimantShift);
    }
    if (state !== SlotState.sealed || ((claimed - batch) | 0) <= 0) {
      return false;
    }
    const since = this.unmarked.get(batch);
    if (since === undefined) this.unmarked.set(batch, now);
    return since !== undefined && now - since >= kUnmarkedClaimMs;
  }

  private oldestStart(): number {
    if (this.batchesInFlight > 0) {
      const base = ((this.released >>> 0) % this.slots) * 4;
      return this.slotView[base + kSlotStart]!;
    }
    return this.openCount > 0 ? this.openStart : this.head;
  }
}

/** A claimed batch: records in `[start, end)` of the data area. */
export interface ClaimedBatch {
  slot: number;
  start: number;
  end: number;
  count: number;
}

/** The consumer side; any number of workers may hold one each. */
export class RingReader {
  readonly slots: number;
  readonly data: Buffer;
  readonly view: DataView;
  private readonly claimant: number;
  private readonly control: Int32Array;
  private readonly slotView: Int32Array;

  /**
   * `claimant` is the id of the thread that holds this reader (its
   * worker_threads threadId), recorded with each claim.
   */
  constructor(sab: SharedArrayBuffer, slots: number, claimant = 0) {
    const dataStart = kControlBytes + slots * kSlotBytes;
    const capacity = sab.byteLength - dataStart;
    this.slots = slots;
    this.claimant = claimant;
    this.control = new Int32Array(sab, 0, kControlBytes / 4);
    this.slotView = new Int32Array(sab, kControlBytes, slots * 4);
    this.data = Buffer.from(sab, dataStart, capacity);
    this.view = new DataView(sab, dataStart, capacity);
  }

  /** Claims the oldest unclaimed sealed batch, or returns undefined. */
  claim(): ClaimedBatch | undefined {
    const c = this.control;
    for (;;) {
      const claimed = Atomics.load(c, kClaimedIndex);
      const sealed = Atomics.load(c, kSealedIndex);
      if (((sealed - claimed) | 0) <= 0) return undefined;

      const next = (claimed + 1) | 0;
      if (Atomics.compareExchange(c, kClaimedIndex, claimed, next) !==
          claimed) continue;

      const slot = (claimed >>> 0) % this.slots;
      const base = slot * 4;
      const s = this.slotView;
      Atomics.store(s, base + kSlotState,
        SlotState.claimed | (this.claimant << kClaimantShift));
      return {
        slot,
        start: s[base + kSlotStart]!,
        end: s[base + kSlotEnd]!,
        count: s[base + kSlotCount]!,
      };
    }
  }

  /** Hands the batch's space back to the producer. */
  done(batch: ClaimedBatch): void {
    Atomics.store(this.slotView, batch.slot * 4 + kSlotState, SlotState.done);
  }

  /** Records in `[start, end)` that are messages, not health probes. */
  messagesIn(start: number, end: number): number {
    return countMessages(this.view, start, end);
  }

  /** Offset of the record after the one at `at`. */
  next(at: number): number {
    const length = this.view.getInt32(at + kOffFrameBytes, true);
    return at + ((kRecordHeaderBytes + length + 7) & ~7);
  }
}
